import AuditModel
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

// Helpers for the end-to-end tests of `mallaudit run` / `probe` / `assess` / `diff` (RunCLITests.swift): small site
// profiles, probe files, data exports and findings written into a temporary folder per test, pointing at the REAL
// peers that scripts/test.sh starts (snmpd, the dead SNMP agent, the loopback HTTP(S) server).

/// The environment variable the generated site profiles name for the SNMP community.
let siteCommunityVariable = "E2E_SITE_SNMP_COMMUNITY"

/// Demo sensor OIDs on snmpd (docs/probes.md): machine room sensor S under .1.3.6.1.4.1.32473.1.1.S, area gateway
/// device D under .1.3.6.1.4.1.32473.1.2.D; `.1.0` is the status (1 ok, 2 alarm, 3 fault).
enum SensorOID {
    /// Machine-room water leak: 1 (ok).
    static let waterLeak = ".1.3.6.1.4.1.32473.1.1.1.1.0"
    /// Machine-room humidity: 1 (ok).
    static let humidity = ".1.3.6.1.4.1.32473.1.1.2.1.0"
    /// Machine-room smoke: 1 (ok).
    static let smoke = ".1.3.6.1.4.1.32473.1.1.3.1.0"
    /// Machine-room temperature: 1 (ok).
    static let temperature = ".1.3.6.1.4.1.32473.1.1.4.1.0"
    /// Gateway equipment monitor: 2 (alarm, "fan 2 stopped").
    static let equipmentMonitor = ".1.3.6.1.4.1.32473.1.2.5.1.0"
}

/// One probe of a probe file, as YAML.
enum ProbeYAML {
    /// An SNMP status sensor that must map to ok (1 ok; 2, 3 alarm).
    static func sensor(_ id: String, statements: [String], agent: String, oid: String) -> String {
        """
          - id: \(id)
            statements: [\(statements.joined(separator: ", "))]
            snmp:
              agent: \(agent)
              values:
                - {name: status, oid: "\(oid)", ok: [1], alarm: [2, 3]}
            expect:
              - {value: status, state: ok}

        """
    }

    /// An SNMP probe of every area's gateway (`agents: every-area`) reading `values` (name, OID), with the given
    /// expectation lines (YAML flow mappings).
    static func everyArea(
        _ id: String, statements: [String], values: [(name: String, oid: String)], expect: [String]
    ) -> String {
        """
          - id: \(id)
            statements: [\(statements.joined(separator: ", "))]
            snmp:
              agents: every-area
              values:
        \(values.map { "        - {name: \($0.name), oid: \"\($0.oid)\"}" }.joined(separator: "\n"))
            expect:
        \(expect.map { "      - \($0)" }.joined(separator: "\n"))

        """
    }

    /// An HTTP GET of `path` on `system` with the given expectation lines (YAML flow mappings).
    static func http(
        _ id: String, statements: [String], system: String, path: String, expect: [String]
    ) -> String {
        """
          - id: \(id)
            statements: [\(statements.joined(separator: ", "))]
            http: {system: \(system), path: "\(path)", follow_redirects: false}
            expect:
        \(expect.map { "      - \($0)" }.joined(separator: "\n"))

        """
    }

    /// The WiFi portal's unauthenticated request redirected to the real-name page (`GET /` answers 302).
    static func realNameRedirect(
        _ id: String = "wifi-realname", statements: [String] = Checkpoints.all("5.1.2-2")
    ) -> String {
        http(
            id, statements: statements, system: "mall", path: "/",
            expect: [#"{status: [301, 302, 303, 307]}"#, #"{header: Location, matches: "(?i)realname|实名"}"#])
    }

    /// A measured check over the profile's `data:` exports.
    static func check(_ id: String, statements: [String], kind: String) -> String {
        """
          - id: \(id)
            statements: [\(statements.joined(separator: ", "))]
            check: \(kind)

        """
    }

    /// A whole probe file.
    static func file(_ probes: [String]) -> String { "probes:\n" + probes.joined() }
}

/// A site profile (`site.yaml`) pointing at the test peers.
struct SiteYAML {
    /// HTTP systems: name → base URL (timeout `httpTimeout`).
    var http: [(name: String, baseURL: String)] = []
    var httpTimeout: Double = 10
    /// SNMP v2c agents: name → `udp:HOST:PORT`, timeout (s) and retries; the community comes from
    /// `siteCommunityVariable`. Live agents get room to answer on a loaded machine; the dead one costs little.
    var snmp: [(name: String, address: String, timeout: Double, retries: Int)] = []
    /// `data:` keys → paths relative to the profile.
    var data: [(key: String, path: String)] = []
    var probes: [String] = ["probes"]
    var findings: String?
    /// not_applicable decisions: statement → justification.
    var notApplicable: [(statement: String, justification: String)] = []
    /// Replaces the `basement_levels:` line (e.g. with a misspelt key).
    var basementLine = "  basement_levels: 1"
    /// More lines of the `mall:` mapping (`  machine_room_floor: B1`).
    var mallLines: [String] = []
    /// The areas the profile declares.
    var areas = ["1F", "2F"]
    /// The area of an SNMP agent, by agent name.
    var agentAreas: [String: String] = [:]
    /// Top-level sections written last (`limits:`, `readings:` and their lines).
    var extraLines: [String] = []

    var text: String {
        var lines = [
            "# written by RunCLITests",
            "mall:",
            "  name: 测试广场",
            "  address: 江苏省徐州市测试路 1 号",
            "  credit_code: 91320303MA1TEST00X",
            basementLine,
        ] + mallLines + [
            "assessor: 测试员",
            "areas: [\(areas.joined(separator: ", "))]",
        ]
        if !http.isEmpty {
            lines.append("http:")
            for system in http {
                lines += ["  \(system.name):", "    base_url: \(system.baseURL)", "    timeout: \(httpTimeout)"]
            }
        }
        if !snmp.isEmpty {
            lines.append("snmp:")
            for agent in snmp {
                lines.append(
                    "  \(agent.name): {address: \"\(agent.address)\", version: 2c, community_env: "
                        + "\(siteCommunityVariable), timeout: \(agent.timeout), retries: \(agent.retries)"
                        + (agentAreas[agent.name].map { ", area: \($0)" } ?? "") + "}")
            }
        }
        if !data.isEmpty {
            lines.append("data:")
            for entry in data { lines.append("  \(entry.key): \(entry.path)") }
        }
        lines.append("probes: [\(probes.joined(separator: ", "))]")
        if let findings { lines.append("findings: \(findings)") }
        if !notApplicable.isEmpty {
            lines.append("not_applicable:")
            for decision in notApplicable {
                lines += [
                    "  - statement: \(decision.statement)",
                    "    justification: \(decision.justification)",
                    "    decided_by: 测试员",
                ]
            }
        }
        lines += extraLines
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `mallaudit run --format json` output.
struct RunSummary: Decodable {
    var run: Int64
    var database: String
    var conformance: String
    var statements: Int
    var counts: [String: Int]
    var formula: String
    var results: [StatementResult]

    func result(_ id: String) -> StatementResult? { results.first { $0.statementID == id } }
}

/// `mallaudit runs --format json`, one element.
struct RunListing: Decodable {
    var id: Int64
    var status: String
    var conformance: String?
    var counts: [String: Int]
    var results: Int
}

/// `mallaudit diff --format json`.
struct DiffListing: Decodable {
    struct Entry: Decodable {
        var statement: String
        var before: String?
        var after: String?
    }

    var fixed: [Entry]
    var newlyFailing: [Entry]
    var stillOpen: [Entry]
    var otherChanges: [Entry]
    var gainedCheckpoints: [Entry]
    var unchanged: [Entry]
    var total: Int
}

/// One stored result row as `sqlite3` reads it straight from the database file.
struct StoredRow: Hashable {
    var statement: String
    var verdict: String
    var source: String
    var reason: String
    var judgedAt: String
}

/// A temporary folder with a site profile, its probe files, exports and findings; the database lives beside them.
struct SiteFixture {
    let dir: URL

    init(_ name: String) throws { dir = try temporaryDirectory("e2e-\(name)") }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    var site: String { dir.appendingPathComponent("site.yaml").path }
    var database: String { dir.appendingPathComponent("mallaudit.sqlite").path }

    /// Secrets the generated profiles name, as a user would export them.
    static func environment() throws -> [String: String] { [siteCommunityVariable: try TestPeer.community()] }

    /// Writes `text` at `relative` (folders created) and returns its URL.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> URL {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    func writeSite(_ site: SiteYAML) throws { try write("site.yaml", site.text) }

    /// Writes `probes/NAME.yaml`.
    func writeProbes(_ probes: [String], name: String = "probes") throws {
        try write("probes/\(name).yaml", ProbeYAML.file(probes))
    }

    /// `mallaudit ARGS…` with the profile's secrets in the environment.
    func mallaudit(_ arguments: [String]) throws -> ProcessOutcome {
        try runMallaudit(arguments, environment: try Self.environment(), currentDirectory: dir)
    }

    /// `mallaudit run --site site.yaml --db mallaudit.sqlite ARGS… --format json`.
    func run(_ arguments: [String] = []) throws -> ProcessOutcome {
        try mallaudit(["run", "--site", site, "--db", database] + arguments + ["--format", "json"])
    }

    /// Decodes the JSON summary `run` printed.
    static func summary(_ outcome: ProcessOutcome) throws -> RunSummary {
        do {
            return try JSONDecoder().decode(RunSummary.self, from: Data(outcome.stdout.utf8))
        } catch {
            Issue.record("not a run summary (status \(outcome.status)): \(outcome.stdout)\nstderr: \(outcome.stderr)")
            throw error
        }
    }

    /// `mallaudit runs --format json`.
    func runs() throws -> [RunListing] {
        let outcome = try mallaudit(["runs", "--db", database, "--format", "json"])
        try #require(outcome.status == 0, "mallaudit runs: \(outcome.stderr)")
        return try JSONDecoder().decode([RunListing].self, from: Data(outcome.stdout.utf8))
    }

    /// The rows of `results` for `run`, read with the `sqlite3` command-line tool in read-only mode.
    func storedRows(run: Int64) throws -> [StoredRow] {
        let query =
            "SELECT statement_id, verdict, source, replace(replace(reason, char(10), ' '), char(31), ' '), judged_at "
            + "FROM results WHERE run_id = \(run) ORDER BY statement_id"
        let output = try sqlite3(["-readonly", "-separator", "\u{1F}", database, query])
        return output.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            let fields = line.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            return StoredRow(
                statement: fields[0], verdict: fields[1], source: fields[2], reason: fields[3], judgedAt: fields[4])
        }
    }

    /// Runs `/usr/bin/sqlite3` and returns its standard output; a non-zero exit throws.
    func sqlite3(_ arguments: [String]) throws -> String { try runTool("/usr/bin/sqlite3", arguments) }

    /// Starts `mallaudit ARGS…` with the profile's secrets and leaves it running (for the SIGKILL test); its output
    /// goes to `child.stdout` and `child.stderr` in the fixture.
    func start(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(
            mallauditBinary(), arguments, environment: try Self.environment(), currentDirectory: dir,
            output: FileHandle(forWritingTo: try write("child.stdout", "")),
            errors: FileHandle(forWritingTo: try write("child.stderr", "")))
    }
}

/// Runs `mallaudit ARGS…` on a pseudo-terminal (util-linux `script`) and returns what it wrote to standard error
/// there; standard output goes to /dev/null.
func mallauditOnTerminal(_ arguments: [String], environment: [String: String], in directory: URL) throws -> String {
    func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    let command = ([try mallauditBinary().path] + arguments).map(quoted).joined(separator: " ") + " 2>&1 >/dev/null"
    let outcome = try runProcess(
        URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], environment: environment,
        currentDirectory: directory)
    return outcome.stdout
}

/// The statement ids of the bundled checklist, in checklist order (`mallaudit checklist list --format json`).
func checklistStatementIDs() throws -> [String] {
    let outcome = try runMallaudit(["checklist", "list", "--format", "json"])
    try #require(outcome.status == 0, "checklist list: \(outcome.stderr)")
    let document = try #require(
        try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
    let clauses = try #require(document["clauses"] as? [[String: Any]])
    return clauses.flatMap { ($0["statements"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
}

/// Every checkpoint of a statement of the shipped checklist, for fixtures whose probe stands for the whole
/// statement (a probe may not bind to a statement that carries several obligations).
enum Checkpoints {
    static let byStatement: [String: [String]] = [
        "5.1.2-2": ["realName", "behaviourAudit", "logRetention", "keywordFiltering"],
        "5.2.2-2": ["networkAccess", "sensing", "identification", "collection"],
        "5.2.5-3": ["moistureProofing", "seepageProofing", "ventilation"],
        "5.2.5-4": ["dehumidification", "waterLeakAlarm"],
        "6.2.1-1": ["memberSystem", "points", "pointsRedemption", "coupons", "parkingCoupons", "promotions",
                    "specialDayCare"],
        "6.2.2-1": ["messaging", "profile", "orders", "pointsQuery"],
        "6.6.1-1": ["freeChoice", "mobileCoverage", "smartPos"],
        "6.6.2-1": ["cash", "mobilePayment", "bankCard", "eCny"],
    ]

    /// What the payments check judges: 6.6.1-1's per-merchant coverage and 6.6.2-1's four capabilities.
    static let payments = [
        "6.6.1-1/mobileCoverage", "6.6.2-1/cash", "6.6.2-1/mobilePayment", "6.6.2-1/bankCard", "6.6.2-1/eCny",
    ]

    static func all(_ statement: String) -> [String] {
        (byStatement[statement] ?? []).map { "\(statement)/\($0)" }
    }
}
