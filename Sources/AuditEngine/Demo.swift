import AuditChecklist
import AuditModel
import AuditProbes
import AuditSite
import Foundation

/// `mallaudit demo`: the bundled demo mall audited end to end — its systems started on loopback (Debian's snmpd
/// serving the sensors, an HTTP(S) server with its APIs), the audit run and stored, the three reports written, the
/// systems stopped.
public enum Demo {
    public struct Outcome: Sendable {
        public var audit: AuditOutcome
        public var reports: [ReportFormat: URL]
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

    public static func run(
        output: URL, toolVersion: String, progress: (@Sendable (AuditProgress) -> Void)? = nil
    ) async throws -> Outcome {
        let folder = folder()
        let site = folder.appendingPathComponent("site.yaml")
        guard FileManager.default.fileExists(atPath: site.path) else {
            throw DiagnosticsError(Diagnostic(file: site.path, message: "the demo mall is not here",
                                              expected: "a checkout of mallaudit with examples/demo-mall"))
        }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in secrets { environment[key] = value }

        let peers = folder.appendingPathComponent("peers.sh")
        let state = folder.appendingPathComponent(".demo-state")
        try runScript(peers, ["start", state.path], environment: environment)
        defer { try? runScript(peers, ["stop", state.path], environment: environment) }

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
        for format in ReportFormat.allCases {
            let url = output.appendingPathComponent(format.defaultFileName)
            try Reporting.write(report, format: format, to: url)
            written[format] = url
        }
        return Outcome(audit: audit, reports: written)
    }

    /// Runs a bash script and waits; a non-zero exit is an error carrying its stderr. Uses posix_spawn and
    /// waitpid directly: Foundation's `Process.waitUntilExit` can hang inside an async command on Linux.
    static func runScript(_ script: URL, _ arguments: [String], environment: [String: String]) throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("mallaudit-demo-\(getpid()).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ["/bin/bash", script.path] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = envp.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgs { free(pointer) }
            for pointer in cEnv { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, &cArgs, &cEnv)
        guard spawned == 0 else {
            throw DiagnosticsError(Diagnostic(file: script.path, message: "cannot start bash: \(String(cString: strerror(spawned)))"))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            let message = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw DiagnosticsError(Diagnostic(
                file: script.path,
                message: "\(arguments.first ?? "") failed (exit \(exited ? code : -1)): "
                    + message.trimmingCharacters(in: .whitespacesAndNewlines),
                expected: "snmpd, python3 and openssl installed (bash scripts/install-deps.sh) and ports 18080, "
                    + "18443, 18161–18165 on 127.0.0.1 free"))
        }
    }
}
