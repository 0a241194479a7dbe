import AuditHTTP
import Foundation
import Testing

/// One test's world: its own database on the PostgreSQL peer, its own bundle store and trusted-keys folder, a
/// server.yaml, and the built `mallaudit-server` run as a process (migrations, accounts, keys, serve).
final class ServerWorld: @unchecked Sendable {
    let peer: PostgresPeer
    let database: String
    let folder: URL
    let config: URL
    let store: URL
    let keys: URL
    /// The revocation file named in server.yaml (`bundles.revoked`), when the world was made with one.
    let revoked: URL?
    private var servers: [RunningServer] = []
    private let lock = NSLock()

    static let server = builtExecutable("mallaudit-server")
    static let cli = builtExecutable("mallaudit")
    /// The password every test account gets (from an environment variable, as the command requires).
    static let password = "correct horse battery staple"

    /// - Parameter yaml: extra top-level YAML (limits, sessions, tls, …) appended to the configuration.
    /// A streaming replica's port: read-only API calls go there (`database.replica`).
    let replicaPort: Int?

    init(
        yaml: String = "", database: String? = nil, store: URL? = nil, migrate: Bool = true, peer: PostgresPeer? = nil,
        replicaPort: Int? = nil, revocations: Bool = false
    ) throws {
        self.peer = try peer ?? PostgresPeer.require()
        self.replicaPort = replicaPort
        self.database = try database ?? self.peer.createDatabase()
        folder = try temporaryDirectory()
        self.store = store ?? folder.appendingPathComponent("store")
        keys = folder.appendingPathComponent("keys")
        revoked = revocations ? folder.appendingPathComponent("revoked.txt") : nil
        if let revoked { try "# revoked signer keys\n".write(to: revoked, atomically: true, encoding: .utf8) }
        config = folder.appendingPathComponent("server.yaml")
        try writeConfig(yaml)
        if migrate { try admin(["migrate"]) }
    }

    func writeConfig(_ yaml: String) throws {
        let text = """
            listen: {host: 127.0.0.1, port: 0}
            database:
              host: \(peer.host)
              port: \(peer.port)
              user: \(peer.user)
              name: \(database)
              password_env: MALLAUDIT_TEST_PG_PASSWORD
              tls: disable
              pool_size: 4
            \(replicaPort.map { "  replica: {host: \(peer.host), port: \($0)}" } ?? "")
            bundles:
              store: \(store.path)
              trusted_keys: \(keys.path)
            \(revoked.map { "  revoked: \($0.path)" } ?? "")
            security: {bcrypt_cost: 4}
            \(yaml.contains("sessions:") ? "" : "sessions: {secure_cookie: false}")
            \(yaml.contains("limits:") ? "" : "limits: {requests_per_second: 1000, burst: 2000}")
            \(yaml)
            """
        try text.write(to: config, atomically: true, encoding: .utf8)
    }

    deinit {
        for server in servers { server.stop() }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `mallaudit-server ARGS --config server.yaml`.
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessOutcome {
        try runProcess(
            Self.server, arguments + ["--config", config.path],
            environment: ["MALLAUDIT_TEST_PG_PASSWORD": peer.password, "TEST_PASSWORD": Self.password]
                .merging(environment) { $1 })
    }

    /// Runs an administration command that must succeed; returns its standard output.
    @discardableResult
    func admin(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let outcome = try run(arguments)
        #expect(outcome.status == 0, "mallaudit-server \(arguments.joined(separator: " ")): \(outcome.stderr)",
                sourceLocation: sourceLocation)
        guard outcome.status == 0 else { throw CommandFailed(message: outcome.stderr) }
        return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct CommandFailed: Error { var message: String }

    /// SQL against this world's database.
    @discardableResult
    func sql(_ text: String) throws -> String { try peer.psql(database, text) }

    func count(_ text: String) throws -> Int { try peer.count(database, text) }

    // MARK: accounts

    /// An account with a password and an API token.
    struct Account: Sendable {
        var name: String
        var role: String
        var token: String
    }

    /// Adds an account (with the test password) and issues it a token.
    func account(_ name: String, role: String, mall: String? = nil) throws -> Account {
        var arguments = ["user", "add", "--name", name, "--role", role, "--password-env", "TEST_PASSWORD"]
        if let mall { arguments += ["--mall", mall] }
        try admin(arguments)
        let token = try admin(["user", "token", "--name", name, "--label", "test"])
        return Account(name: name, role: role, token: token)
    }

    func mall(_ creditCode: String, name: String, district: String? = nil) throws {
        var arguments = ["mall", "add", "--credit-code", creditCode, "--name", name]
        if let district { arguments += ["--district", district] }
        try admin(arguments)
    }

    /// Registers `signer`'s key to `account`; validity from `from` (default: long ago) to `until`.
    @discardableResult
    func register(_ signer: TestSigner, to account: String, from: String = "2020-01-01", until: String? = nil) throws
        -> String
    {
        let file = folder.appendingPathComponent("\(UUID().uuidString).pub")
        try signer.publicKeyFile.write(to: file, atomically: true, encoding: .utf8)
        var arguments = ["key", "add", "--account", account, "--public-key", file.path, "--valid-from", from]
        if let until { arguments += ["--valid-until", until] }
        return try admin(arguments)
    }

    // MARK: servers

    /// Starts `mallaudit-server serve` on a free port and waits until it answers.
    func start(configFile: URL? = nil) async throws -> RunningServer {
        let server = try RunningServer(world: self, config: configFile ?? config)
        lock.withLock { servers.append(server) }
        try await server.waitUntilReady()
        return server
    }
}

/// One `mallaudit-server serve` process.
final class RunningServer: @unchecked Sendable {
    let process = Process()
    let portFile: URL
    let log: URL
    private(set) var port = 0
    let scheme: String
    let caFile: String?

    init(world: ServerWorld, config: URL, scheme: String = "http", caFile: String? = nil) throws {
        let id = UUID().uuidString
        portFile = world.folder.appendingPathComponent("port-\(id)")
        log = world.folder.appendingPathComponent("server-\(id).log")
        let text = (try? String(contentsOf: config, encoding: .utf8)) ?? ""
        self.scheme = text.contains("\ntls:") ? "https" : scheme
        self.caFile = caFile
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = ServerWorld.server
        process.arguments = ["serve", "--config", config.path, "--port-file", portFile.path]
        var env = ProcessInfo.processInfo.environment
        env["MALLAUDIT_TEST_PG_PASSWORD"] = world.peer.password
        process.environment = env
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var base: String { "\(scheme)://127.0.0.1:\(port)" }

    func waitUntilReady() async throws {
        for _ in 0..<300 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                self.port = port
                return
            }
            if !process.isRunning {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw ServerWorld.CommandFailed(message: "mallaudit-server serve exited: \(output)")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw ServerWorld.CommandFailed(message: "mallaudit-server serve did not listen within 15 s")
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// SIGTERM, then wait (graceful shutdown).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
