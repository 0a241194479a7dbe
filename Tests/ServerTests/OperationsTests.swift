import Foundation
import Testing

/// Configuration, migrations, the append-only log, limits, TLS: what an operator meets.
@Suite("Operations")
struct OperationsTests {
    @Test("server.yaml problems are reported at their line, with what was expected")
    func configurationErrors() throws {
        let world = try ServerWorld(migrate: false)
        let cases: [(text: String, line: Int, message: String)] = [
            ("listen: {port: 8443}\nlisten2: x\n", 2, "error: unknown key 'listen2'"),
            ("listen: {port: 70000}\ndatabase: {user: u, name: n}\n", 1, "listen.port: port 70000 is out of range"),
            ("listen: {port: 1}\n", 1, "missing key 'database'"),
            ("listen: {port: 1}\ndatabase: {user: u, name: n}\nbundles: {store: s, trusted_keys: k, format: zip}\n", 3,
             "bundles.format: 'zip' is not allowed (expected one of signed-zip)"),
        ]
        for (text, line, message) in cases {
            try text.write(to: world.config, atomically: true, encoding: .utf8)
            let outcome = try world.run(["migrate"])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.hasPrefix(world.config.path + ":\(line):"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        }
        // The password variable named but not set.
        try world.writeConfig("")
        let unset = try runProcess(ServerWorld.server, ["migrate", "--config", world.config.path],
                                   environment: ["MALLAUDIT_TEST_PG_PASSWORD": ""])
        #expect(unset.status == 1 && unset.stderr.contains("MALLAUDIT_TEST_PG_PASSWORD, which is not set"))
    }

    @Test("Migrations: recorded once even when two instances migrate at once; serve refuses an unmigrated database")
    func migrations() async throws {
        let world = try ServerWorld(migrate: false)
        // Serving an empty database is refused with the command that fixes it.
        let refused = try RunningServer(world: world, config: world.config)
        refused.process.waitUntilExit()
        #expect(refused.process.terminationStatus != 0)
        #expect(refused.output.contains("run `mallaudit-server migrate --config FILE` first"), "\(refused.output)")

        async let first = Task.detached { try world.run(["migrate"]) }.value
        async let second = Task.detached { try world.run(["migrate"]) }.value
        let outcomes = try await [first, second]
        #expect(outcomes.allSatisfy { $0.status == 0 }, "\(outcomes.map(\.stderr))")
        #expect(outcomes.map(\.stdout).sorted()
                == ["applied 1 initial\napplied 2 signed-bundles\napplied 3 answer-version\napplied 4 clause-index\n",
                    "schema is current (version 4)\n"])
        #expect(try world.sql("SELECT version, name FROM schema_migrations ORDER BY version")
                == "1|initial\n2|signed-bundles\n3|answer-version\n4|clause-index")
        #expect(try world.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 16)

        // An applied migration whose statements changed since is refused, not skipped.
        let checksum = try world.sql("SELECT checksum FROM schema_migrations WHERE version = 1")
        try world.sql("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        let edited = try world.run(["migrate"])
        #expect(edited.status == 1 && edited.stderr.contains("released migrations must never be edited"))
        try world.sql("UPDATE schema_migrations SET checksum = '\(checksum)' WHERE version = 1; INSERT INTO schema_migrations VALUES (99, 'future', 'x')")
        let newer = try world.run(["migrate"])
        #expect(newer.status == 1 && newer.stderr.contains("schema version 99"))
    }

    @Test("The access log and everything ingested refuse UPDATE, DELETE and TRUNCATE")
    func appendOnly() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        _ = try await api.signIn("viewer")
        _ = try await api.post("/api/v1/bundles", data: bureau.inspection(Bureau.mallA, run: "R"),
                               as: .token(bureau.inspector.token))
        _ = try await api.get("/api/v1/malls/\(Bureau.mallA)", as: .token(bureau.viewer.token))
        let actions = try world.sql("SELECT string_agg(DISTINCT action, ',') FROM access_log")
        for action in ["add-account", "add-key", "add-mall", "file-bundle", "issue-token", "sign-in", "view-mall"] {
            #expect(actions.contains(action), "\(actions)")
        }
        let statements = [
            "UPDATE access_log SET outcome = 'forged'", "DELETE FROM access_log", "TRUNCATE access_log",
            "UPDATE runs SET conformance = 'conformant'", "DELETE FROM signatures", "UPDATE statement_results SET verdict = 'pass'",
            "DELETE FROM bundles", "TRUNCATE runs CASCADE",
        ]
        for statement in statements {
            #expect(throws: PostgresPeer.PSQLFailure.self, "\(statement)") { try world.sql(statement) }
        }
        #expect(try world.count("SELECT count(*) FROM runs") == 1)
        #expect(try world.count("SELECT count(*) FROM access_log WHERE outcome = 'forged'") == 0)
    }

    @Test("The request rate: a burst of exactly the bucket passes, the next request gets 429 with Retry-After")
    func rateLimit() async throws {
        // One token every 1,000 s: however slow a loaded machine makes the six requests, none is refilled for.
        let world = try ServerWorld(yaml: "limits: {requests_per_second: 0.001, burst: 5}")
        let api = APIClient(try await world.start())
        for index in 1...5 {
            let answer = try await api.get("/healthz")
            #expect(answer.status == 200, "request \(index)")
        }
        let limited = try await api.get("/healthz")
        #expect(limited.status == 429 && limited.errorCode == "rate-limited")
        // One token comes back every 1,000 s; the seconds the requests took refilled a small part of one.
        let retry = Int(limited.headers["Retry-After"] ?? "") ?? 0
        #expect(retry > 500 && retry <= 1000, "Retry-After \(retry)")
    }

    @Test("With a certificate configured the server speaks HTTPS only")
    func tls() async throws {
        let world = try ServerWorld()
        let key = world.folder.appendingPathComponent("server.key").path
        let certificate = world.folder.appendingPathComponent("server.pem").path
        let made = try runProcess(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
             "-out", certificate, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        try #require(made.status == 0, "\(made.stderr)")
        try world.writeConfig("tls: {certificate: \(certificate), key: \(key)}")
        let server = try await world.start()
        #expect(server.base.hasPrefix("https://"))
        let secure = try await APIClient(base: server.base, caFile: certificate).get("/healthz")
        #expect(secure.status == 200)
        let plain = APIClient(base: server.base.replacingOccurrences(of: "https://", with: "http://"))
        await #expect(throws: (any Error).self) { _ = try await plain.get("/healthz") }
        let untrusted = APIClient(base: server.base)
        await #expect(throws: (any Error).self) { _ = try await untrusted.get("/healthz") }
    }

    @Test("docs/openapi.yaml documents exactly the routes the server answers")
    func openAPI() throws {
        let world = try ServerWorld(migrate: false)
        let routes = Set(try world.admin(["routes"]).split(separator: "\n").map(String.init))
        let text = try String(contentsOf: repositoryRoot().appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var documented: Set<String> = []
        var path: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            for method in ["get", "post", "put", "delete", "patch"] where line == "    \(method):" {
                documented.insert("\(method.uppercased()) \(path ?? "?")")
            }
        }
        #expect(routes.count >= 20)
        #expect(documented.subtracting(routes).isEmpty, "documented but not served: \(documented.subtracting(routes))")
        #expect(routes.subtracting(documented).isEmpty, "served but not documented: \(routes.subtracting(documented))")
    }

    @Test("The mallaudit CLI links no SwiftNIO, Hummingbird or PostgresNIO; mallaudit-server does")
    func cliStaysFreeOfNIO() throws {
        func modules(in binary: URL) throws -> Set<String> {
            let data = try Data(contentsOf: binary)
            var found: Set<String> = []
            for module in ["NIOCore", "NIOPosix", "Hummingbird", "PostgresNIO", "NIOSSL"]
            where data.range(of: Data(module.utf8)) != nil {
                found.insert(module)
            }
            return found
        }
        #expect(try modules(in: ServerWorld.cli).isEmpty)
        #expect(try modules(in: ServerWorld.server) == ["NIOCore", "NIOPosix", "Hummingbird", "PostgresNIO", "NIOSSL"])
    }
}
