import Foundation
import Testing

/// Two `mallaudit-server` instances on one database and one bundle store, as behind a load balancer.
@Suite("Two instances")
struct ScaleOutTests {
    @Test("The same bundles sent to both instances at once: each run made exactly once, none lost")
    func sameBundlesToBoth() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let one = APIClient(try await world.start())
        let two = APIClient(try await world.start())
        let bundles = (1...8).map { index in
            TestBundle.mall(
                index % 2 == 0 ? Bureau.mallA : Bureau.mallB, index % 2 == 0 ? "云龙万达广场" : "金鹰国际购物中心",
                run: "PAR-\(index)", failing: index % 3 == 0 ? ["6.1.d"] : [])
        }
        let token = Credential.token(bureau.inspector.token)
        let files = bundles.map { $0.signed([Signing(signer: bureau.inspectorKey, role: "inspector")]) }
        let answers = try await withThrowingTaskGroup(of: (Int, Answer).self) { group in
            for (index, bytes) in files.enumerated() {
                for api in [one, two] {
                    group.addTask { (index, try await api.post("/api/v1/bundles", data: bytes, as: token)) }
                }
            }
            var all: [(Int, Answer)] = []
            for try await answer in group { all.append(answer) }
            return all
        }
        for index in bundles.indices {
            let pair = answers.filter { $0.0 == index }.map(\.1)
            #expect(pair.map(\.status).sorted() == [200, 201], "bundle \(index): \(pair.map(\.text))")
            #expect(Set(pair.compactMap { $0.object["runId"] as? Int }).count == 1)
        }
        #expect(try world.count("SELECT count(*) FROM runs") == bundles.count)
        #expect(try world.count("SELECT count(DISTINCT statement_digest) FROM runs") == bundles.count)
        #expect(try world.count("SELECT count(*) FROM bundles") == bundles.count)
        #expect(try world.count("SELECT count(*) FROM signatures") == bundles.count)
        #expect(try world.count("SELECT count(*) FROM statement_results")
                == bundles.count * (try SourceRun.shared.get()).factory.statementIDs.count)
        #expect(Set(try world.sql("SELECT statement_digest FROM runs").split(separator: "\n").map(String.init))
                == Set(try files.map { try statementDigest(of: $0) }))

        // Countersigned copies, also to both at once: one countersignature per run, whoever wins.
        let mallBundles = bundles.filter { $0.creditCode == Bureau.mallA }
        let counters = try await withThrowingTaskGroup(of: Answer.self) { group in
            for bundle in mallBundles {
                let bytes = bundle.signed([
                    Signing(signer: bureau.inspectorKey, role: "inspector"),
                    Signing(signer: bureau.mallAKey, role: "mall", signedAt: "2025-03-02T10:00:00+08:00"),
                ])
                for api in [one, two] {
                    group.addTask { try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.mallAAccount.token)) }
                }
            }
            var all: [Answer] = []
            for try await answer in group { all.append(answer) }
            return all
        }
        #expect(counters.allSatisfy { $0.status == 200 }, "\(counters.map(\.text))")
        #expect(counters.compactMap { $0.object["signaturesAdded"] as? Int }.reduce(0, +) == mallBundles.count)
        #expect(try world.count("SELECT count(*) FROM signatures WHERE role = 'mall'") == mallBundles.count)
        #expect(try world.count("SELECT count(*) FROM runs") == bundles.count)
    }

    @Test("Signed in on one instance, the session goes on on the other; signing out on either ends it on both")
    func sessionAcrossInstances() async throws {
        let world = try ServerWorld(yaml: "limits: {sign_in_failures: 3, lockout_seconds: 600, requests_per_second: 1000, burst: 2000}")
        let bureau = try Bureau(world)
        let one = APIClient(try await world.start())
        let two = APIClient(try await world.start())
        let (session, answer) = try await one.signIn("admin")
        #expect(answer.status == 201)
        let there = try await two.get("/api/v1/session", as: session)
        #expect(there.status == 200 && there.object["account"] as? String == "admin")
        // A write on the second instance with the CSRF token the first one issued.
        let district = try await two.post(
            "/api/v1/malls/\(Bureau.mallA)/district", json: ["district": "泉山区"], as: session)
        #expect(district.status == 200, "\(district.text)")
        #expect(try await one.get("/api/v1/malls/\(Bureau.mallA)", as: session).object["district"] as? String == "泉山区")

        #expect(try await two.post("/api/v1/session/sign-out", json: [:], as: session).status == 200)
        #expect(try await one.get("/api/v1/session", as: session).status == 401)

        // Failed sign-ins count across instances: the third, on either, locks the account on both.
        for (index, api) in [one, two, one].enumerated() {
            #expect(try await api.signIn("viewer", password: "wrong \(index)").1.status == 401)
        }
        #expect(try await two.signIn("viewer").1.status == 429)
        #expect(try await one.signIn("viewer").1.status == 429)
        _ = bureau
    }
}
