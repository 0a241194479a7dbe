import AuditBundle
import AuditHTTP
import AuditModel
import AuditSubmit
import AuditSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `mallaudit demo --with-server`: the demo's signed bundle handed to the bureau's service, so a newcomer sees the
/// whole chain — run → signed bundle → verified → accepted by the service → the bureau sees the verdict.
///
/// A throwaway PostgreSQL cluster (Debian's) and `mallaudit-server serve` (the executable beside `mallaudit`, run as
/// a child process: the CLI never links SwiftNIO) start on free 127.0.0.1 ports in a temporary folder of the demo's
/// own (examples/demo-mall/server.sh); the accounts the chain needs are made (a bureau administrator, the inspector
/// 王工 with the demo's SM2 key, the mall 星河广场 with its Ed25519 key), the bundle is submitted with the inspector's
/// token through `Submitter` (what `mallaudit submit` uses), and the mall's latest verdict is read back through the
/// API with the administrator's token.
///
/// Secrets: the cluster's password, the accounts' tokens and the administrator's password are random for each demo
/// and reach the child processes only through environment variables; none is written to a file, a log or a report.
/// The administrator's password is returned (and printed by the command) so that a newcomer can sign in to the pages
/// of a server that runs on loopback only, until Ctrl-C.
///
/// Nothing outlives the demo (docs/e2e.md): `stop` runs at the end, from `Interrupts` on SIGINT/SIGTERM/SIGHUP, and
/// the script's lifeline watchdog does it when the mallaudit process is killed.
public final class DemoServer: @unchecked Sendable {
    /// What the service holds after the submission.
    public struct Outcome: Sendable {
        /// The server's base URL (`http://127.0.0.1:PORT`); its pages start at `/overview`.
        public var url: String
        /// The HTTP status of the submission: 201 stored as a new run, 200 known already.
        public var submissionStatus: Int
        /// The mall as the bureau's administrator reads it back (`GET /api/v1/malls/{creditCode}`).
        public var mall: MallView
        /// The administrator's sign-in name and password (random; for the pages while the server runs).
        public var adminName: String
        public var adminPassword: String
        /// The demo's folder of the service (server.yaml, the cluster, the bundle store); removed by `stop`.
        public var folder: URL
    }

    /// The mall and its latest run, as `GET /api/v1/malls/{creditCode}` answers them.
    public struct MallView: Sendable, Decodable {
        public struct Run: Sendable, Decodable {
            public struct Counts: Sendable, Decodable {
                public var pass: Int
                public var fail: Int
                public var error: Int
                public var notApplicable: Int
                public var notAssessed: Int
            }

            public var id: Int64
            public var runRef: String
            public var judgementDate: String
            public var conformance: String
            public var counts: Counts
            public var shallFailures: Int
            public var filedBy: String?
            public var receivedAt: String
        }

        public var creditCode: String
        public var name: String
        public var district: String?
        public var latestRun: Run?
    }

    /// The district the bureau assigns the demo mall (its address is in 云龙区).
    static let district = "云龙区"
    static let adminName = "bureau-admin"

    let serverExecutable: URL
    let folder: URL
    private let script: URL
    private let environment: [String: String]
    private let lock = NSLock()
    private var stopped = false
    private var interruptToken: Interrupts.Token?
    private let lifeline = DemoLifeline()

    /// The `mallaudit-server` expected beside the running `mallaudit`.
    public static func serverBesideExecutable() -> URL {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("mallaudit-server")
    }

    /// Checks what the service needs before anything starts: the server executable and PostgreSQL's binaries.
    public static func checkPrerequisites(serverExecutable: URL) throws {
        var problems: [Diagnostic] = []
        if !FileManager.default.isExecutableFile(atPath: serverExecutable.path) {
            problems.append(Diagnostic(
                file: serverExecutable.path,
                message: "--with-server needs the bureau's service, mallaudit-server, beside mallaudit; it is not here",
                expected: "mallaudit-server built: swift build --product mallaudit-server "
                    + "(bash scripts/demo.sh builds it)"))
        }
        if postgresBin() == nil {
            problems.append(Diagnostic(
                file: nil, message: "--with-server needs PostgreSQL: no initdb under /usr/lib/postgresql/*/bin",
                expected: "PostgreSQL installed: apt-get install postgresql (bash scripts/install-deps.sh)"))
        }
        guard problems.isEmpty else { throw DiagnosticsError(problems) }
    }

    /// The newest `/usr/lib/postgresql/N/bin` with an initdb.
    static func postgresBin() -> URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .compactMap { Int($0) }.sorted()
        return versions.reversed().map { root.appendingPathComponent("\($0)/bin") }
            .first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("initdb").path) }
    }

    /// Makes the service's folder (under `$TMPDIR`, `mallaudit-demo.XXXXXX` like the systems' own) and registers the
    /// interrupt action; nothing runs yet.
    public init(serverExecutable: URL) throws {
        try Self.checkPrerequisites(serverExecutable: serverExecutable)
        self.serverExecutable = serverExecutable
        script = Demo.folder().appendingPathComponent("server.sh")
        folder = try DemoLifeline.temporaryFolder(what: "the demo service's folder")
        // Traversable (not readable) by others: as root the cluster's folder inside belongs to `postgres`.
        chmod(folder.path, 0o711)
        var environment = ProcessInfo.processInfo.environment
        environment["MALLAUDIT_DEMO_PG_PASSWORD"] = Self.randomSecret()
        self.environment = lifeline.adding(to: environment)
        interruptToken = Interrupts.onInterrupt { [self] in stop() }
    }

    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Starts the cluster and the server, makes the accounts, submits `bundle` as the inspector and reads the mall
    /// back as the bureau's administrator. `bundle` is `DemoBundle`'s: its keys are in `OUTPUT/trusted-keys`.
    public func run(bundle: DemoBundle.Outcome, progress: (@Sendable (String) -> Void)? = nil) async throws -> Outcome {
        guard let predicate = bundle.verification.statement?.predicate, let creditCode = predicate.mall.creditCode
        else {
            throw DiagnosticsError(Diagnostic(
                file: bundle.bundle.path, message: "the demo's bundle names no mall credit code",
                expected: "mall.credit_code in examples/demo-mall/site.yaml"))
        }
        progress?("starting PostgreSQL")
        let pgPort = try script("start", what: "the demo's PostgreSQL cluster did not start")
        try writeConfiguration(pgPort: pgPort)

        progress?("preparing the service's accounts")
        try admin(["migrate"])
        try admin([
            "mall", "add", "--credit-code", creditCode, "--name", predicate.mall.name, "--district", Self.district,
        ])
        var secrets = ["MALLAUDIT_DEMO_ADMIN_PASSWORD": Self.randomSecret()]
        let accounts: [(name: String, role: String, display: String, mall: String?, key: String?)] = [
            (Self.adminName, "bureau-admin", "徐州市商务局", nil, nil),
            ("inspector-wang", "inspector", "\(DemoBundle.inspector.name)（\(DemoBundle.inspector.organization)）",
             nil, "inspector.pub"),
            ("mall-xinghe", "mall", DemoBundle.mall.name, creditCode, "mall.pub"),
        ]
        for account in accounts {
            var arguments = ["user", "add", "--name", account.name, "--role", account.role, "--display-name",
                             account.display]
            if let mall = account.mall { arguments += ["--mall", mall] }
            if account.name == Self.adminName { arguments += ["--password-env", "MALLAUDIT_DEMO_ADMIN_PASSWORD"] }
            try admin(arguments, secrets: secrets)
            if let key = account.key {
                // Valid as the key file says (made by the demo moments before it signed): the signing time is inside.
                try admin([
                    "key", "add", "--account", account.name, "--public-key",
                    bundle.trust.appendingPathComponent(key).path,
                ])
            }
        }
        secrets["MALLAUDIT_DEMO_INSPECTOR_TOKEN"] = try admin(
            ["user", "token", "--name", "inspector-wang", "--label", "mallaudit demo", "--valid-days", "1"])
        let adminToken = try admin(
            ["user", "token", "--name", Self.adminName, "--label", "mallaudit demo", "--valid-days", "1"])

        progress?("starting mallaudit-server")
        let port = try script("serve", serverExecutable.path, what: "mallaudit-server did not start")
        let url = "http://127.0.0.1:\(port)"

        progress?("submitting the bundle")
        let submitter = Submitter(environment: environment.merging(secrets) { $1 })
        let outcome = try await submitter.submit(
            file: bundle.bundle,
            options: Submitter.Options(server: url, tokenVariable: "MALLAUDIT_DEMO_INSPECTOR_TOKEN", retries: 2,
                                       retryDelay: 1),
            outbox: Outbox(root: folder.appendingPathComponent("outbox")))
        let status: Int
        switch outcome {
        case .delivered(let delivered, _): status = delivered
        case .refused(let problems):
            throw DiagnosticsError(Diagnostic(
                file: bundle.bundle.path, message: "the demo's service refused the bundle (422): "
                    + problems.joined(separator: "; ")))
        case .queued(let reason, _), .failed(let reason):
            throw DiagnosticsError(Diagnostic(
                file: bundle.bundle.path, message: "the demo's bundle was not delivered to \(url): \(reason)"))
        }

        progress?("reading the verdict back")
        let mall = try await readMall(url: url, creditCode: creditCode, token: adminToken)
        return Outcome(
            url: url, submissionStatus: status, mall: mall, adminName: Self.adminName,
            adminPassword: secrets["MALLAUDIT_DEMO_ADMIN_PASSWORD"]!, folder: folder)
    }

    /// `GET /api/v1/malls/{creditCode}` with the administrator's token.
    func readMall(url: String, creditCode: String, token: String) async throws -> MallView {
        let path = creditCode.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? creditCode
        let request = HTTPRequest(
            url: "\(url)/api/v1/malls/\(path)", headers: [.secret("Authorization", "Bearer " + token)], timeout: 30,
            tls: HTTPTLSOptions(captureCertificates: false))
        switch await HTTPClient(maxConcurrentTransfers: 1).perform(request) {
        case .success(let response) where response.status == 200:
            do {
                return try JSONDecoder().decode(MallView.self, from: response.body)
            } catch {
                throw DiagnosticsError(Diagnostic(
                    file: nil, message: "the demo's service answered GET /api/v1/malls/\(creditCode) with JSON this "
                        + "mallaudit cannot read: \(error)"))
            }
        case .success(let response):
            throw DiagnosticsError(Diagnostic(
                file: nil, message: "the demo's service answered GET /api/v1/malls/\(creditCode) with "
                    + "\(response.status): \(response.text.prefix(300))"))
        case .failure(let error):
            throw DiagnosticsError(Diagnostic(
                file: nil, message: "the demo's service did not answer GET /api/v1/malls/\(creditCode): \(error)"))
        }
    }

    /// server.yaml: the cluster's address, the password's variable (never the password), the bundle store and the
    /// trusted-keys folder in the service's folder; plain HTTP on 127.0.0.1 (the session cookie therefore not
    /// `Secure`).
    private func writeConfiguration(pgPort: String) throws {
        let text = """
            # mallaudit demo --with-server: a throwaway service on loopback (docs/server.md describes every key).
            listen: {host: 127.0.0.1, port: 0}
            database:
              host: 127.0.0.1
              port: \(pgPort)
              user: postgres
              name: mallaudit
              password_env: MALLAUDIT_DEMO_PG_PASSWORD
              tls: disable
              pool_size: 4
            bundles:
              store: \(folder.appendingPathComponent("store").path)
              trusted_keys: \(folder.appendingPathComponent("trusted-keys").path)
            sessions: {secure_cookie: false}

            """
        let file = folder.appendingPathComponent("server.yaml")
        do {
            try Data(text.utf8).write(to: file)
        } catch {
            throw DiagnosticsError(Diagnostic(
                file: file.path, message: "cannot write the demo service's configuration: \(error)"))
        }
    }

    /// Runs `mallaudit-server ARGUMENTS --config server.yaml`; returns its standard output, trimmed.
    @discardableResult
    private func admin(_ arguments: [String], secrets: [String: String] = [:]) throws -> String {
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(
                serverExecutable.path,
                arguments + ["--config", folder.appendingPathComponent("server.yaml").path, "--log-level", "warning"],
                environment: environment.merging(secrets) { $1 }, timeout: 120)
        } catch {
            throw DiagnosticsError(Diagnostic(file: nil, message: "cannot run mallaudit-server: \(error)"))
        }
        guard outcome.status == 0 else {
            let said = outcome.stderrText.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            throw DiagnosticsError(Diagnostic(
                file: nil, message: "mallaudit-server \(arguments.prefix(2).joined(separator: " ")) failed (status "
                    + "\(outcome.status)): \(said.suffix(3).joined(separator: "; "))"))
        }
        return outcome.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs server.sh COMMAND FOLDER ARGUMENTS; returns the port it prints.
    private func script(_ command: String, _ arguments: String..., what: String) throws -> String {
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(
                "/bin/bash", [script.path, command, folder.path] + arguments, environment: environment, timeout: 120)
        } catch {
            throw DiagnosticsError(Diagnostic(file: nil, message: "\(what): \(error)"))
        }
        if command == "start" { lifeline.handOver() }
        let port = outcome.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard outcome.status == 0, Int(port) != nil else {
            let said = outcome.stderrText.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            throw DiagnosticsError(Diagnostic(
                file: nil,
                message: "\(what): " + (said.isEmpty ? "server.sh \(command) exited with status \(outcome.status)"
                    : said.joined(separator: "; ")),
                expected: "PostgreSQL and python3 installed (bash scripts/install-deps.sh)"))
        }
        return port
    }

    /// Stops the server and the cluster and removes the service's folder; runs once, whoever calls it first (the
    /// end of the demo, or a signal), and returns only when that is done.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        _ = try? ChildProcess.run(
            "/bin/bash", [script.path, "stop", folder.path], environment: environment, timeout: 60)
        try? FileManager.default.removeItem(at: folder)
        lifeline.cut()
        if let interruptToken { Interrupts.remove(interruptToken) }
    }

    deinit { stop() }
}
