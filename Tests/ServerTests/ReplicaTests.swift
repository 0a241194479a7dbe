import Foundation
import Testing

/// `database.replica`: read-only calls go to a streaming replica, writes to the primary. Shown with a real hot
/// standby (pg_basebackup -R) whose replay the test pauses.
@Suite("Streaming replica")
struct ReplicaTests {
    @Test("Reads come from the replica and writes go to the primary: with replay paused, a filed run is not listed yet")
    func readsFromReplica() async throws {
        let cluster = try OwnCluster(replica: true)
        defer { cluster.stop() }
        let replica = try #require(cluster.replicaPort)
        let world = try ServerWorld(peer: cluster.peer, replicaPort: replica)
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let viewer = Credential.token(bureau.viewer.token)

        func listed() async throws -> [String] {
            let runs = try await api.get("/api/v1/malls/\(Bureau.mallA)/runs", as: viewer)
            return (runs.object["runs"] as? [[String: Any]] ?? []).compactMap { $0["runRef"] as? String }
        }
        func eventually(_ expected: [String]) async throws -> Bool {
            for _ in 0..<100 {
                if try await listed() == expected { return true }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            return false
        }

        let first = try await api.post(
            "/api/v1/bundles", data: bureau.inspection(Bureau.mallA, run: "R1"), as: .token(bureau.inspector.token))
        #expect(first.status == 201)
        #expect(try await eventually(["R1"]))

        try cluster.peer.psql("postgres", "SELECT pg_wal_replay_pause()", port: replica, user: "postgres")
        let second = try await api.post(
            "/api/v1/bundles", data: bureau.inspection(Bureau.mallA, run: "R2", date: "2025-04-01"),
            as: .token(bureau.inspector.token))
        #expect(second.status == 201, "the primary takes writes while the replica waits: \(second.text)")
        #expect(try world.count("SELECT count(*) FROM runs") == 2)  // on the primary
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect(try await listed() == ["R1"], "the list is read from the paused replica")

        try cluster.peer.psql("postgres", "SELECT pg_wal_replay_resume()", port: replica, user: "postgres")
        #expect(try await eventually(["R2", "R1"]))
    }
}
