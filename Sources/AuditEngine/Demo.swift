import AuditChecklist
import AuditHTTP
import AuditModel
import AuditProbes
import AuditSNMP
import AuditSite
import AuditSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `mallaudit demo`: the bundled demo mall audited end to end — its systems started on free loopback ports
/// (Debian's snmpd serving the sensors, an HTTP(S) server with its APIs), every one checked to answer, the audit run
/// and stored, the reports written, the systems stopped.
///
/// Its state (the generated site profile, the CA and its key, the systems' logs) lives in a temporary folder of its
/// own, removed at the end, so two demos at once, or a demo beside the tests, never meet. Nothing it starts outlives
/// it: see `DemoPeers`.
public enum Demo {
    public struct Outcome: Sendable {
        public var audit: AuditOutcome
        public var reports: [ReportFormat: URL]
        /// The signed, countersigned and verified bundle of the run (`DemoBundle`); nil when not asked for.
        public var bundle: DemoBundle.Outcome?
    }

    /// Demo-only secrets: the demo's agents are created with them and they are passed to the audit through the
    /// environment, exactly as a real mall's secrets would be. They protect nothing.
    static let secrets = [
        "DEMO_SNMP_COMMUNITY": "demo-public", "DEMO_SNMP_AUTH": "demo-auth-pass", "DEMO_SNMP_PRIV": "demo-priv-pass",
    ]

    /// The date the demo's exports are judged at: they were exported on 2026-11-20.
    public static let asOf = "2026-11-20"

    /// The demo mall folder: `examples/demo-mall` of the repository this executable belongs to.
    public static func folder() -> URL {
        ChecklistLocator.defaultChecklist().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/demo-mall")
    }

    /// Runs the demo: starts the peers, checks each answers, writes the profile, audits, writes `formats` into
    /// `output`, signs, countersigns and verifies the run's bundle when `bundle` (`DemoBundle`), stops the peers
    /// (also when anything fails).
    public static func run(
        output: URL, toolVersion: String, formats: [ReportFormat] = ReportFormat.allCases, bundle: Bool = true,
        progress: (@Sendable (AuditProgress) -> Void)? = nil
    ) async throws -> Outcome {
        let folder = folder()
        let template = folder.appendingPathComponent("site.yaml")
        guard FileManager.default.fileExists(atPath: template.path) else {
            throw DiagnosticsError(Diagnostic(file: template.path, message: "the demo mall is not here",
                                              expected: "a checkout of mallaudit with examples/demo-mall"))
        }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in secrets { environment[key] = value }

        let peers = try DemoPeers(folder: folder, environment: environment)
        defer { peers.stop() }
        try peers.start()
        let site = try peers.writeProfile(template: template)
        try await peers.checkAnswers(site: site, environment: environment)

        let parts = asOf.split(separator: "-").compactMap { Int($0) }
        let asOfDate = Calendar(identifier: .gregorian).date(
            from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12))!
        let audit = try await AuditEngine.run(
            AuditOptions(
                site: site, database: output.appendingPathComponent("mallaudit.sqlite"), asOf: asOfDate,
                toolVersion: toolVersion, environment: environment),
            runner: LiveProbeRunner(), progress: progress)

        let report = try Reporting.report(database: audit.database, run: String(audit.run.id))
        var written: [ReportFormat: URL] = [:]
        for format in formats {
            let url = output.appendingPathComponent(format.defaultFileName)
            try Reporting.write(report, format: format, to: url)
            written[format] = url
        }
        let signed = bundle
            ? try DemoBundle.make(
                database: audit.database, run: audit.run.id, siteProfile: site, output: output,
                toolVersion: toolVersion)
            : nil
        return Outcome(audit: audit, reports: written, bundle: signed)
    }
}

/// The demo mall's systems (examples/demo-mall/peers.sh) for one demo: a temporary state folder of their own,
/// started, checked, and stopped however the demo ends.
///
/// What holds (docs/e2e.md):
/// - a normal end, an error, SIGINT, SIGTERM or SIGHUP stops every system and removes the state folder (`stop` runs
///   from `defer`, and from `Interrupts` when the command installed it);
/// - SIGKILL of the mallaudit process: the script's watchdog sees the lifeline pipe reach end of file and does the
///   same within a moment;
/// - every system is in the script's own process group, so one started a moment before an interruption goes too.
final class DemoPeers: @unchecked Sendable {
    let folder: URL
    let state: URL
    let environment: [String: String]
    private let script: URL
    private let lock = NSLock()
    private var stopped = false
    private var interruptToken: Interrupts.Token?
    /// The watchdog's lifeline (`DemoLifeline`).
    private let lifeline = DemoLifeline()

    /// The profile's names of the SNMP agents that are silent on purpose (a dead device).
    static let silentAgents: Set<String> = ["gateway_3f"]

    /// The addresses examples/demo-mall/site.yaml names, by the peer that takes their place.
    static let templateAddresses: [(peer: String, text: String, scheme: String)] = [
        ("machine_room", "udp:127.0.0.1:18161", "udp"), ("gateway_b1", "udp:127.0.0.1:18162", "udp"),
        ("gateway_1f", "udp:127.0.0.1:18163", "udp"), ("gateway_2f", "udp:127.0.0.1:18164", "udp"),
        ("gateway_3f", "udp:127.0.0.1:18165", "udp"), ("http", "http://127.0.0.1:18080", "http"),
        ("https", "https://127.0.0.1:18443", "https"), ("core_switch", "udp:127.0.0.1:18166", "udp"),
    ]

    init(folder: URL, environment: [String: String]) throws {
        self.folder = folder
        self.script = folder.appendingPathComponent("peers.sh")
        state = try DemoLifeline.temporaryFolder(what: "the demo's temporary folder")
        self.environment = lifeline.adding(to: environment)
        interruptToken = Interrupts.onInterrupt { [self] in stop() }
    }

    /// Starts every system; an error names the one that did not start.
    func start() throws {
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(
                "/bin/bash", [script.path, "start", state.path], environment: environment, timeout: 120)
        } catch {
            throw DiagnosticsError(Diagnostic(file: nil, message: "cannot start the demo's systems: \(error)"))
        }
        lifeline.handOver()
        guard outcome.status == 0 else {
            let said = outcome.stderrText.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            let message = said.isEmpty ? "peers.sh start exited with status \(outcome.status)" : said.joined(separator: "; ")
            throw DiagnosticsError(Diagnostic(
                file: nil, message: "the demo's systems did not start: \(message)",
                expected: "snmpd, python3 and openssl installed (bash scripts/install-deps.sh)"))
        }
    }

    /// The ports the systems got, by peer name (`machine_room`, …, `http`, `https`).
    func ports() throws -> [String: Int] {
        let file = state.appendingPathComponent("ports.json")
        guard let data = FileManager.default.contents(atPath: file.path),
            let ports = try? JSONDecoder().decode([String: Int].self, from: data)
        else {
            throw DiagnosticsError(Diagnostic(
                file: file.path, message: "the demo's systems did not say which ports they got",
                expected: #"{"machine_room": PORT, …} written by peers.sh start"#))
        }
        return ports
    }

    /// Writes the site profile the demo audits with into the state folder: the template's addresses replaced with
    /// the ports the systems got, its relative paths made absolute (against the template's folder), `ca_file:
    /// ca.pem` left to mean the CA beside it. Returns the profile.
    func writeProfile(template: URL) throws -> URL {
        let ports = try ports()
        var text = try String(contentsOf: template, encoding: .utf8)
        for (peer, address, scheme) in Self.templateAddresses {
            guard text.contains(address) else {
                throw DiagnosticsError(Diagnostic(
                    file: template.path, message: "the demo profile no longer names \(address) (for \(peer))",
                    expected: "the addresses the demo replaces: "
                        + Self.templateAddresses.map(\.text).joined(separator: ", ")))
            }
            guard let port = ports[peer] else {
                throw DiagnosticsError(Diagnostic(
                    file: state.appendingPathComponent("ports.json").path, message: "no port for \(peer)"))
            }
            let replacement = scheme == "udp" ? "udp:127.0.0.1:\(port)" : "\(scheme)://127.0.0.1:\(port)"
            text = text.replacingOccurrences(of: address, with: replacement)
        }
        text = Self.absolutePaths(text, base: template.deletingLastPathComponent())
        let site = state.appendingPathComponent("site.yaml")
        try Data(text.utf8).write(to: site)
        return site
    }

    /// The profile's path-valued keys (`data:` files, `findings:`, `probes: [...]`) made absolute against `base`.
    static func absolutePaths(_ text: String, base: URL) -> String {
        let keys: Set<String> = [
            "wifi_logs", "satisfaction", "complaints", "calendar", "payments", "catalog_online", "catalog_offline",
            "findings",
        ]
        func absolute(_ path: String) -> String {
            let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
            let url = trimmed.hasPrefix("/") ? URL(fileURLWithPath: trimmed) : base.appendingPathComponent(trimmed)
            return "\"" + url.standardizedFileURL.path.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map(String.init) ?? line
            guard let colon = content.firstIndex(of: ":") else {
                lines.append(line)
                continue
            }
            let key = content[..<colon].trimmingCharacters(in: .whitespaces)
            let value = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let indent = String(line.prefix { $0 == " " })
            if keys.contains(key), !value.isEmpty {
                lines.append("\(indent)\(key): \(absolute(value))")
            } else if key == "probes", value.hasPrefix("["), value.hasSuffix("]") {
                let items = value.dropFirst().dropLast().split(separator: ",").map { absolute(String($0)) }
                lines.append("\(indent)probes: [\(items.joined(separator: ", "))]")
            } else {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Checks every system of `site` answers as the audit will ask it: each SNMP agent a GET of sysDescr with its
    /// own credentials, each HTTP(S) base URL a GET of /healthz (HTTPS verified against its CA), and the silent
    /// agent's port bound. An error names every system that does not.
    func checkAnswers(site: URL, environment: [String: String]) async throws {
        let profile = try SiteProfile.load(site)
        var problems: [Diagnostic] = []
        var requests: [SNMPPollRequest] = []
        for agent in profile.snmpAgents.values.sorted(by: { $0.name < $1.name }) {
            if Self.silentAgents.contains(agent.name) {
                if !Self.udpPortBound(agent.settings.address) {
                    problems.append(Diagnostic(
                        file: nil, message: "demo peer \(agent.name) (\(agent.settings.address)) is not listening"))
                }
                continue
            }
            switch agent.settings.resolve(environment: environment) {
            case let .success(resolved):
                var patient = resolved
                patient.timeout = max(resolved.timeout, 1)
                patient.retries = max(resolved.retries, 2)
                requests.append(SNMPPollRequest(agent: patient, oids: [SNMPObjectID([1, 3, 6, 1, 2, 1, 1, 1, 0])]))
            case let .failure(error):
                problems.append(Diagnostic(file: nil, message: "demo peer \(agent.name): \(error)"))
            }
        }
        let names = Dictionary(
            profile.snmpAgents.values.map { ($0.settings.address, $0.name) }, uniquingKeysWith: { a, _ in a })
        for answer in await SNMPClient().poll(requests) {
            if case let .failure(error) = answer.result {
                let name = names[answer.agent.address] ?? answer.agent.address
                problems.append(Diagnostic(
                    file: nil, message: "demo peer \(name) (snmpd on \(answer.agent.address)) does not answer: \(error)"))
            }
        }
        var seen: Set<String> = []
        let systems = profile.httpSystems.values.sorted { $0.name < $1.name }.filter { seen.insert($0.baseURL).inserted }
        let client = HTTPClient()
        let answers = await client.performAll(systems.map { system in
            HTTPRequest(
                url: system.baseURL + "/healthz", timeout: 5,
                tls: HTTPTLSOptions(caFile: system.caFile, captureCertificates: false))
        })
        for (system, answer) in zip(systems, answers) {
            switch answer {
            case let .success(response) where response.status == 200: continue
            case let .success(response):
                problems.append(Diagnostic(
                    file: nil, message: "demo peer \(system.name) (\(system.baseURL)) answers \(response.status) "
                        + "to /healthz"))
            case let .failure(error):
                problems.append(Diagnostic(
                    file: nil, message: "demo peer \(system.name) (\(system.baseURL)) does not answer: \(error)"))
            }
        }
        guard problems.isEmpty else { throw DiagnosticsError(problems) }
    }

    /// Whether something holds `udp:127.0.0.1:PORT` (binding it here fails with EADDRINUSE).
    static func udpPortBound(_ address: String) -> Bool {
        guard let port = address.split(separator: ":").last.flatMap({ UInt16($0) }) else { return false }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result != 0 && errno == EADDRINUSE
    }

    /// Stops every system and removes the state folder; runs once, whoever calls it first (the end of the demo, or
    /// a signal), and returns only when that is done.
    func stop() {
        // Held throughout: a second caller (the end of the demo while a signal's stop runs) waits until it is done.
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        _ = try? ChildProcess.run("/bin/bash", [script.path, "stop", state.path], environment: environment, timeout: 30)
        try? FileManager.default.removeItem(at: state)
        lifeline.cut()
        if let interruptToken { Interrupts.remove(interruptToken) }
    }
}
