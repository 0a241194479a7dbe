import Foundation
import Testing

/// `mallaudit submit` (the CLI, through libcurl) against the real server: delivery, refusal, the outbox.
@Suite("mallaudit submit")
struct SubmitTests {
    /// A loopback port nothing listens on.
    static func deadPort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func submit(_ arguments: [String], token: String) throws -> ProcessOutcome {
        try runProcess(ServerWorld.cli, ["submit"] + arguments, environment: ["AUDIT_TOKEN": token])
    }

    @Test("Delivered (201, then 200 for the same bundle), refused with each problem (exit 2), bad token (exit 1)")
    func deliverAndRefuse() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let server = try await world.start()
        let outbox = world.folder.appendingPathComponent("outbox")
        let file = world.folder.appendingPathComponent("bundle.zip")
        try bureau.inspection(Bureau.mallA, run: "CLI-1").write(to: file)
        let common = ["--server", server.base, "--token-env", "AUDIT_TOKEN", "--outbox", outbox.path]

        let first = try submit([file.path] + common, token: bureau.inspector.token)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("stored as a new run (201)"))
        let second = try submit([file.path] + common, token: bureau.inspector.token)
        #expect(second.status == 0 && second.stdout.contains("known already (200)"), "\(second.stdout)")
        #expect(try world.count("SELECT count(*) FROM runs") == 1)

        let forged = world.folder.appendingPathComponent("forged.zip")
        // A verdict edited in the report, re-hashed and re-signed with the inspector's own key: the summary no
        // longer adds up.
        try TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "CLI-2", failing: ["6.1.d"])
            .signed([Signing(signer: bureau.inspectorKey, role: "inspector")]) { entries in
                let index = try #require(entries.firstIndex { $0.path == "reports/report.xml" })
                entries[index].data = Data(String(decoding: entries[index].data, as: UTF8.self).replacingOccurrences(
                    of: #"id="6.1.d" modality="shall" verdict="fail""#, with: #"id="6.1.d" modality="shall" verdict="pass""#
                ).utf8)
                entries = try resign(entries, by: bureau.inspectorKey)
            }.write(to: forged)
        let refused = try submit([forged.path] + common, token: bureau.inspector.token)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("refused by the server (422)") && refused.stderr.contains("[summary-mismatch]"))

        let badToken = try submit([file.path] + common, token: "mat_wrong")
        #expect(badToken.status == 1 && badToken.stderr.contains("401"), "\(badToken.stderr)")
        let noToken = try runProcess(ServerWorld.cli, ["submit", file.path] + common)
        #expect(noToken.status == 1 && noToken.stderr.contains("AUDIT_TOKEN"), "\(noToken.stderr)")
        // None of these is queued: retrying would not help.
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []).isEmpty)
        let missingServer = try runProcess(ServerWorld.cli, ["submit", file.path, "--token-env", "AUDIT_TOKEN"])
        #expect(missingServer.status != 0 && missingServer.stderr.contains("--server"))
    }

    @Test("The whole chain by the CLI: keys generate, bundle, submit (201); countersign, verify, submit (200, +1 signature)")
    func wholeChain() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let server = try await world.start()
        let source = try SourceRun.shared.get()
        let demoCode = "91320303MA1DEMO00X"
        try world.mall(demoCode, name: "星河广场", district: "云龙区")
        let mallAccount = try world.account("xinghe", role: "mall", mall: demoCode)
        @discardableResult func cli(_ arguments: [String]) throws -> ProcessOutcome {
            let outcome = try runProcess(ServerWorld.cli, arguments)
            #expect(outcome.status == 0, "mallaudit \(arguments.joined(separator: " ")): \(outcome.stderr)")
            return outcome
        }
        let inspectorKey = world.folder.appendingPathComponent("wang.key")
        let mallKey = world.folder.appendingPathComponent("xinghe.key")
        try cli(["keys", "generate", "--algorithm", "sm2", "--name", "王工", "--org", "徐州市商务局", "--output",
                 inspectorKey.path, "--unencrypted"])
        try cli(["keys", "generate", "--algorithm", "ed25519", "--name", "李经理", "--org", "星河广场", "--output",
                 mallKey.path, "--unencrypted"])
        // Registered without dates: the registration takes the key file's own validity.
        try world.admin(["key", "add", "--account", "inspector", "--public-key",
                         inspectorKey.deletingPathExtension().appendingPathExtension("pub").path])
        try world.admin(["key", "add", "--account", "xinghe", "--public-key",
                         mallKey.deletingPathExtension().appendingPathExtension("pub").path])

        let bundle = world.folder.appendingPathComponent("xinghe.zip")
        try cli(["bundle", "--run", "latest", "--key", inspectorKey.path, "--output", bundle.path, "--db",
                 source.database.path, "--site", source.site.path, "--checklist", SourceRun.checklist.path])
        let common = ["--server", server.base, "--token-env", "AUDIT_TOKEN",
                      "--outbox", world.folder.appendingPathComponent("outbox").path]
        let filed = try submit([bundle.path] + common, token: bureau.inspector.token)
        #expect(filed.status == 0 && filed.stdout.contains("(201)"), "\(filed.stdout) \(filed.stderr)")

        try cli(["bundle", "countersign", bundle.path, "--key", mallKey.path])
        let verified = try cli(["verify", bundle.path, "--trust", world.keys.path, "--format", "json"])
        #expect(verified.stdout.contains("\"valid\" : true"), "\(verified.stdout)")
        let countersigned = try submit([bundle.path] + common, token: mallAccount.token)
        #expect(countersigned.status == 0 && countersigned.stdout.contains("(200)"), "\(countersigned.stdout)")
        #expect(try world.sql(
            "SELECT string_agg(s.role || ':' || s.signer, ',' ORDER BY s.role) FROM signatures s") == "inspector:王工,mall:李经理")
        // The run is the real run's: its mall, its verdict, all its statements.
        let predicateVerdict = source.factory.source.report.scorecard.conformance.rawValue
        #expect(try world.sql("SELECT m.credit_code, r.conformance, r.self_audit FROM runs r JOIN malls m ON m.id = r.mall_id")
                == "\(demoCode)|\(predicateVerdict)|f")
        #expect(try world.count("SELECT count(*) FROM statement_results") == source.factory.statementIDs.count)
    }

    @Test("No server: retried, then queued without the token; --pending sends it once the server is there")
    func queueAndSendLater() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let outbox = world.folder.appendingPathComponent("outbox")
        let file = world.folder.appendingPathComponent("bundle.zip")
        let bytes = bureau.inspection(Bureau.mallB, run: "LATER")
        try bytes.write(to: file)
        let dead = "http://127.0.0.1:\(Self.deadPort())"
        let queued = try submit(
            [file.path, "--server", dead, "--token-env", "AUDIT_TOKEN", "--outbox", outbox.path, "--retries", "2",
             "--retry-delay", "0.05"], token: bureau.inspector.token)
        #expect(queued.status == 3, "\(queued.stderr)")
        #expect(queued.stderr.contains("queued in"))
        let sha = sha256Hex(bytes)
        let entry = try String(contentsOf: outbox.appendingPathComponent("\(sha).json"), encoding: .utf8)
        #expect(try Data(contentsOf: outbox.appendingPathComponent("\(sha).bundle")) == bytes)
        #expect(entry.contains("\"tokenVariable\" : \"AUDIT_TOKEN\"") && entry.contains("\"attempts\" : 3"), "\(entry)")
        #expect(!entry.contains(bureau.inspector.token))

        // Still no server at the recorded address: stays queued, one more attempt counted.
        let stillDown = try submit(["--pending", "--outbox", outbox.path, "--retries", "0"], token: bureau.inspector.token)
        #expect(stillDown.status == 3)
        #expect(try String(contentsOf: outbox.appendingPathComponent("\(sha).json"), encoding: .utf8)
                .contains("\"attempts\" : 4"))

        // The server comes up (elsewhere): --pending --server sends it, the outbox empties.
        let server = try await world.start()
        let sent = try submit(
            ["--pending", "--outbox", outbox.path, "--server", server.base], token: bureau.inspector.token)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout.contains("bundle.zip") && sent.stdout.contains("(201)"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []).isEmpty)
        #expect(try world.count("SELECT count(*) FROM runs WHERE run_ref = 'LATER'") == 1)
        let empty = try submit(["--pending", "--outbox", outbox.path], token: bureau.inspector.token)
        #expect(empty.status == 0 && empty.stdout.contains("is empty"))
    }

    @Test("Over HTTPS with the server's CA given by --ca-file")
    func overTLS() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let key = world.folder.appendingPathComponent("server.key").path
        let certificate = world.folder.appendingPathComponent("server.pem").path
        let made = try runProcess(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
             "-out", certificate, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        try #require(made.status == 0, "\(made.stderr)")
        try world.writeConfig("tls: {certificate: \(certificate), key: \(key)}")
        let server = try await world.start()
        let file = world.folder.appendingPathComponent("bundle.zip")
        try bureau.inspection(Bureau.mallA, run: "TLS").write(to: file)
        let outbox = world.folder.appendingPathComponent("outbox").path
        let sent = try submit(
            [file.path, "--server", server.base, "--token-env", "AUDIT_TOKEN", "--ca-file", certificate,
             "--outbox", outbox], token: bureau.inspector.token)
        #expect(sent.status == 0, "\(sent.stderr)")
        // Without the CA the certificate does not verify: that is retried and queued, never sent unverified.
        let unverified = try submit(
            [file.path, "--server", server.base, "--token-env", "AUDIT_TOKEN", "--retries", "0", "--outbox", outbox],
            token: bureau.inspector.token)
        #expect(unverified.status == 3 && unverified.stderr.contains("TLS"), "\(unverified.stderr)")
    }
}
