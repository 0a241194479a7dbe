import Foundation
import Testing

/// `mallaudit-server backup` and `restore`, restored into an empty second PostgreSQL cluster started for the
/// test by the same peer script.
@Suite("Backup and restore")
struct BackupTests {
    @Test("A backup restored into an empty second cluster serves the same runs, bundles, accounts and log")
    func restoreIntoEmptyCluster() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        var shas: [String] = []
        for (run, failing) in [("R1", Set(["6.1.d"])), ("R2", Set<String>())] {
            let answer = try await api.post(
                "/api/v1/bundles", data: bureau.inspection(Bureau.mallA, run: run, failing: failing),
                as: .token(bureau.inspector.token))
            shas.append(try #require(answer.object["bundleSha256"] as? String))
        }
        let item = try await api.post(
            "/api/v1/malls/\(Bureau.mallA)/rectifications", json: ["statementId": "6.1.d", "dueDate": "2025-09-30", "runId": 1],
            as: .token(bureau.admin.token))
        #expect(item.status == 201, "\(item.text)")

        let backup = world.folder.appendingPathComponent("backup")
        let made = try world.run(["backup", "--output", backup.path])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("2 bundle(s)"))
        for name in ["manifest.json", "database.dump", "trusted-keys/\(bureau.inspectorKey.fingerprint.replacingOccurrences(of: ":", with: "-")).pub"] {
            #expect(FileManager.default.fileExists(atPath: backup.appendingPathComponent(name).path))
        }
        // Backing up into a folder that is not empty is refused.
        #expect(try world.run(["backup", "--output", backup.path]).status == 1)

        let second = try OwnCluster()
        defer { second.stop() }
        let restored = try ServerWorld(
            yaml: "limits: {request_seconds: 3, requests_per_second: 1000, burst: 2000}", migrate: false,
            peer: second.peer)
        #expect(try restored.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0)
        let outcome = try restored.run(["restore", "--from", backup.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("restored schema version 4 and 2 bundle(s)"))

        for table in ["malls", "accounts", "api_tokens", "signer_keys", "runs", "bundles", "statement_results",
                      "checkpoint_results", "signatures", "rectifications"] {
            #expect(try restored.count("SELECT count(*) FROM \(table)") == world.count("SELECT count(*) FROM \(table)"),
                    "\(table)")
        }
        // The log holds everything up to the backup (whose own entry is in it), then the restore's.
        #expect(try restored.count("SELECT count(*) FROM access_log")
                == world.count("SELECT count(*) FROM access_log") + 1)
        #expect(try restored.sql("SELECT string_agg(action, ',' ORDER BY id) FROM (SELECT * FROM access_log ORDER BY id DESC LIMIT 2) x")
                == "backup,restore")
        // Still append-only, still one run per statement digest.
        #expect(throws: PostgresPeer.PSQLFailure.self) { try restored.sql("DELETE FROM access_log") }
        #expect(try restored.sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'runs_statement_digest_key'")
                .contains("UNIQUE"))

        // The restored service: the old token works, the bundles come back byte for byte, new ids continue.
        let api2 = APIClient(try await restored.start())
        for sha in shas {
            let download = try await api2.get("/api/v1/bundles/\(sha)", as: .token(bureau.admin.token))
            #expect(download.status == 200 && sha256Hex(download.body) == sha)
        }
        let later = try await api2.post(
            "/api/v1/bundles", data: bureau.inspection(Bureau.mallA, run: "R3"), as: .token(bureau.inspector.token))
        #expect(later.status == 201 && later.object["runId"] as? Int == 3, "\(later.text)")
        #expect(try await api2.signIn("viewer").1.status == 201)

        // Restoring into a database that is not empty is refused.
        let again = try restored.run(["restore", "--from", backup.path])
        #expect(again.status == 1 && again.stderr.contains("is not empty"), "\(again.stderr)")

        // Its database gone, the instance says so (503, for the load balancer and the client), and does not crash.
        second.stop()
        let health = try await api2.get("/healthz")
        #expect(health.status == 503 && health.text.contains("database-unavailable"), "\(health.text)")
        let down = try await api2.get("/api/v1/malls", as: .token(bureau.admin.token))
        #expect(down.status == 503 && down.errorCode == "database-unavailable", "\(down.status) \(down.text)")
        #expect(down.headers["Retry-After"] == "5")
    }

    @Test("A damaged backup is refused before anything is restored")
    func damagedBackup() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let answer = try await api.post(
            "/api/v1/bundles", data: bureau.inspection(Bureau.mallA, run: "R1"), as: .token(bureau.inspector.token))
        let sha = try #require(answer.object["bundleSha256"] as? String)
        let backup = world.folder.appendingPathComponent("backup")
        #expect(try world.run(["backup", "--output", backup.path]).status == 0)
        let file = backup.appendingPathComponent("bundles/\(sha.prefix(2))/\(sha)")
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: file)

        let target = try ServerWorld(migrate: false)
        let outcome = try target.run(["restore", "--from", backup.path])
        #expect(outcome.status == 1 && outcome.stderr.contains("the backup is damaged"), "\(outcome.stderr)")
        #expect(try target.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0)
    }
}
