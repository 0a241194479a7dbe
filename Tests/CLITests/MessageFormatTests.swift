import Foundation
import Testing
import TestSupport

/// One form for every message on standard error (docs/cli.md): `mallaudit: FILE:LINE: error: …`, or
/// `mallaudit: error: …` without a file (a database has no line: `mallaudit: FILE: error: …`), warnings the same with
/// `warning:`; lines that belong to the message above are indented by two spaces. A library's words are said once.
@Suite("Messages: one format, said once")
struct MessageFormatTests {
    /// Whether `line` has the one form (or continues the message above it).
    static func wellFormed(_ line: Substring) -> Bool {
        if line.hasPrefix("  ") { return true }
        guard line.hasPrefix("mallaudit: ") else { return false }
        let rest = line.dropFirst("mallaudit: ".count)
        for severity in ["error: ", "warning: "] {
            if rest.hasPrefix(severity) { return rest.count > severity.count }
            // FILE[:LINE[:COLUMN]]: severity: …
            guard let range = rest.range(of: ": " + severity) else { continue }
            let location = rest[..<range.lowerBound]
            let parts = location.split(separator: ":", omittingEmptySubsequences: false)
            guard let file = parts.first, !file.isEmpty, !file.contains(" "), !file.contains("<"), parts.count <= 3,
                parts.dropFirst().allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) })
            else { return false }
            return rest[range.upperBound...].count > 0
        }
        return false
    }

    @Test("the format itself: accepted and refused lines")
    func formatRule() {
        for good in [
            "mallaudit: error: no runs", "mallaudit: site.yaml:7:3: error: unknown key", "mallaudit: a.sqlite: error: x",
            "mallaudit: findings.yaml:28: warning: 6.7.1.b: pass without evidence", "  Usage: mallaudit run",
        ] {
            #expect(Self.wellFormed(Substring(good)), "\(good)")
        }
        for bad in [
            "error: no runs", "mallaudit snmp: error: x", "site.yaml:7: error: x", "Error: Missing argument",
            "mallaudit: no runs", "mallaudit: <input>: error: x", "mallaudit: command line: error: x",
        ] {
            #expect(!Self.wellFormed(Substring(bad)), "\(bad)")
        }
    }

    /// One failing command: its arguments, environment, and the words its message must hold.
    struct Failing: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var environment: [String: String] = [:]
        var words: String
        var testDescription: String { arguments.prefix(3).joined(separator: " ") + " … (\(words))" }
    }

    /// Failing commands that need only files in `folder` (written by `prepare`).
    static let failing: [Failing] = [
        Failing(arguments: ["frobnicate"], words: "Unexpected argument 'frobnicate'"),
        Failing(arguments: ["run"], words: "Missing expected argument '--site <site>'"),
        Failing(arguments: ["run", "--site", "FOLDER/bad-site.yaml"], words: "unknown key 'floors'"),
        Failing(arguments: ["run", "--site", "FOLDER/site.yaml", "--as-of", "2026-02-30"], words: "is not a date"),
        Failing(
            arguments: ["run", "--site", "FOLDER/site.yaml", "--only", "5.2.5-5"],
            environment: [siteCommunityVariable: ""], words: "environment variable \(siteCommunityVariable) is not set"),
        Failing(
            arguments: ["probe", "--site", "FOLDER/site.yaml", "--only", "5.2.5-5"],
            environment: [siteCommunityVariable: ""], words: "environment variable \(siteCommunityVariable) is not set"),
        Failing(arguments: ["report", "--db", "FOLDER/none.sqlite", "--format", "xml", "--output", "-"], words: "no audit database"),
        Failing(
            arguments: ["report", "--db", "FOLDER/none.sqlite", "--format", "junit", "--output", "-", "--lang", "en"],
            words: "--lang applies to the HTML and PDF reports only"),
        Failing(arguments: ["runs", "--db", "FOLDER/none.sqlite"], words: "none.sqlite"),
        Failing(arguments: ["diff", "1", "2", "--db", "FOLDER/none.sqlite"], words: "none.sqlite"),
        Failing(arguments: ["assess", "--db", "FOLDER/none.sqlite", "--run", "1", "5.1.1-1", "--verdict", "fail"], words: "none.sqlite"),
        Failing(arguments: ["checklist", "validate", "FOLDER/broken.xml"], words: "broken.xml is invalid"),
        Failing(arguments: ["checklist", "show", "9.9.9"], words: "has no clause, statement or option"),
        Failing(arguments: ["check", "payments", "--csv", "FOLDER/broken.csv"], words: "broken.csv"),
        Failing(arguments: ["check", "payments", "--csv", "FOLDER/broken.csv", "--as-of", "2026-13-01"], words: "is not a date"),
        Failing(
            arguments: ["snmp", "get", "--agent", "udp:127.0.0.1:9", "--community-env", "MSG_UNSET", ".1.3.6.1"],
            words: "MSG_UNSET"),
        Failing(arguments: ["http", "fetch", "http://127.0.0.1:1/", "--bearer-env", "MSG_UNSET"], words: "MSG_UNSET"),
        Failing(arguments: ["http", "tls", "http://127.0.0.1:1/"], words: "not an https:// URL"),
        Failing(arguments: ["keys", "show", "FOLDER/missing.pub"], words: "missing"),
        Failing(arguments: ["verify", "FOLDER/missing.zip", "--trust", "FOLDER/missing.pub"], words: "missing.zip"),
        Failing(arguments: ["init", "--output", "FOLDER/site.yaml", "--no-probes"], words: "--force"),
        Failing(
            arguments: [
                "submit", "FOLDER/missing.zip", "--server", "https://127.0.0.1:1", "--token-env", "MSG_TOKEN",
                "--outbox", "FOLDER/outbox",
            ], environment: ["MSG_TOKEN": "t"], words: "missing.zip"),
        Failing(arguments: ["demo", "--output"], words: "Missing value for '--output <output>'"),
    ]

    /// The folder the failing commands read: a valid profile whose probe needs a secret, a profile with a misspelt
    /// key, a broken checklist, a broken export.
    static func prepare() throws -> URL {
        let folder = try temporaryDirectory("messages")
        var site = SiteYAML()
        site.snmp = [("machine_room", "udp:127.0.0.1:9", 0.2, 0), ("gateway_1f", "udp:127.0.0.1:9", 0.2, 0)]
        func write(_ name: String, _ text: String) throws {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try write("site.yaml", site.text)
        site.basementLine = "  basement_levels: 1\n  floors: 5"
        try write("bad-site.yaml", site.text)
        try write(
            "probes/probes.yaml",
            ProbeYAML.file([
                ProbeYAML.sensor("smoke", statements: ["5.2.5-5"], agent: "machine_room", oid: SensorOID.smoke),
                ProbeYAML.sensor("smoke-1f", statements: ["5.2.5-5"], agent: "gateway_1f", oid: SensorOID.smoke),
            ]))
        try write("broken.xml", "<checklist>\n  <clause>\n</checklist>\n")
        try write("broken.csv", "shop\n甲店\n")
        return folder
    }

    @Test("every error line of a failing command has the one format", arguments: failing)
    func errorLines(_ command: Failing) throws {
        let folder = try Self.prepare()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = command.arguments.map { $0.replacingOccurrences(of: "FOLDER", with: folder.path) }
        let outcome = try runMallaudit(arguments, environment: command.environment, currentDirectory: folder)
        #expect(outcome.status != 0, "\(arguments) should fail")
        let lines = outcome.stderr.split(separator: "\n")
        #expect(!lines.isEmpty, "\(arguments): a failure says why")
        #expect(lines.first.map { $0.hasPrefix("mallaudit: ") } == true, "\(outcome.stderr)")
        for line in lines { #expect(Self.wellFormed(line), "\(arguments): \(line)") }
        #expect(outcome.stderr.contains(command.words), "\(arguments): \(outcome.stderr)")
        // Said once: no phrase repeated back to back, as in "could not resolve host: Could not resolve host".
        for line in lines {
            let parts = line.lowercased().components(separatedBy: ": ")
            for (a, b) in zip(parts, parts.dropFirst()) where a.count > 8 {
                #expect(!b.hasPrefix(a), "doubled: \(line)")
            }
        }
    }

    @Test("one unset secret gives one configuration error, before anything runs, and nothing stored")
    func oneUnsetSecret() throws {
        let folder = try Self.prepare()
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("site.yaml").path
        let database = folder.appendingPathComponent("mallaudit.sqlite").path
        let run = try runMallaudit(["run", "--site", site, "--db", database], environment: [siteCommunityVariable: ""])
        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one error for one variable, not one per statement: \(run.stderr)")
        // The profile line that names the variable: the first agent's (line 11 of the generated profile).
        let named = try String(contentsOfFile: site, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(named.firstIndex { $0.contains(siteCommunityVariable) }) + 1
        #expect(lines.first?.hasPrefix("mallaudit: \(site):\(line): error: environment variable ") == true, "\(run.stderr)")
        #expect(run.stderr.contains("SNMP agent gateway_1f, SNMP agent machine_room"))
        #expect(run.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("mallaudit.sqlite").path))
        // Set, the run goes ahead (the agents are down: error results, exit 3) and is stored.
        let set = try runMallaudit(
            ["run", "--site", site, "--db", database, "--only", "5.2.5-5"], environment: [siteCommunityVariable: "x"])
        #expect(set.status == 3, "\(set.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("mallaudit.sqlite").path))
    }

    @Test("assess --verdict pass without evidence on a shall statement: stored notAssessed, and said")
    func manualPassWithoutEvidence() throws {
        let fixture = try SiteFixture("pass-warning")
        defer { fixture.remove() }
        var site = SiteYAML()
        site.data = [("payments", "exports/payments.csv")]
        try fixture.writeSite(site)
        try fixture.writeProbes([ProbeYAML.check("payments", statements: Checkpoints.payments, kind: "payments")])
        try fixture.write("exports/payments.csv", "merchant,cash,mobile,bank_card,ecny\n甲店,是,是,是,是\n")
        let run = try runMallaudit(
            ["run", "--site", fixture.site, "--db", fixture.database, "--only", "6.6.2-1,5.2.5-6"])
        #expect(run.status == 3, "\(run.stderr)")

        let bare = try runMallaudit(
            ["assess", "--db", fixture.database, "--run", "latest", "5.2.5-6", "--verdict", "pass"],
            currentDirectory: fixture.dir)
        #expect(bare.status == 0)
        #expect(bare.stdout.contains("5.2.5-6  notAssessed"), "\(bare.stdout)")
        #expect(
            bare.stderr
                == "mallaudit: warning: 5.2.5-6: pass without evidence stored as notAssessed (a manual pass on this "
                + "statement needs at least one evidence file: add --evidence FILE)\n", "\(bare.stderr)")

        // The same from a findings file: the warning names its file and line.
        let findings = try fixture.write(
            "findings.yaml", "assessor: 王工\nfindings:\n  - statement: 5.2.5-6\n    verdict: pass\n")
        let file = try runMallaudit(
            ["assess", "--db", fixture.database, "--run", "latest", "--findings", findings.path])
        #expect(file.status == 0)
        #expect(file.stderr.hasPrefix("mallaudit: \(findings.path):3:"), "\(file.stderr)")
        #expect(file.stderr.contains("warning: 5.2.5-6: pass without evidence stored as notAssessed"))

        // With evidence there is nothing to say; a missing evidence file is relative to where it was typed.
        try fixture.write("photo.txt", "机房照片")
        let proved = try runMallaudit(
            ["assess", "--db", fixture.database, "--run", "latest", "5.2.5-6", "--verdict", "pass", "--evidence",
             "photo.txt"], currentDirectory: fixture.dir)
        #expect(proved.status == 0 && proved.stderr.isEmpty, "\(proved.stderr)")
        let missing = try runMallaudit(
            ["assess", "--db", fixture.database, "--run", "latest", "5.2.5-6", "--verdict", "pass", "--evidence",
             "nowhere.jpg"], currentDirectory: fixture.dir)
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("mallaudit: error: evidence file 'nowhere.jpg' not found"), "\(missing.stderr)")
        #expect(missing.stderr.contains("relative to the working directory"))
        #expect(!missing.stderr.contains("findings file"))
    }
}
