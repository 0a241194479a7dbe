import Foundation
import Testing

/// Every access decision, tried through every route the server has (`mallaudit-server routes`), against the
/// real server: a mall account never sees another mall by any URL, viewers write nothing, inspectors and
/// evaluators see their own filings.
@Suite("Access")
struct AccessTests {
    /// A bureau with runs of both malls (A by the inspector, B by the evaluator, each twice), a rectification on B.
    struct Scene {
        let bureau: Bureau
        let api: APIClient
        let routes: [(method: String, path: String)]
        let runA: Int
        let runsB: [Int]
        let bundleB: String
        let rectificationB: Int

        init() async throws {
            let world = try ServerWorld()
            bureau = try Bureau(world)
            api = APIClient(try await world.start())
            routes = try world.admin(["routes"]).split(separator: "\n").map {
                let parts = $0.split(separator: " ")
                return (String(parts[0]), String(parts[1]))
            }
            let a = try await api.post(
                "/api/v1/bundles", data: bureau.inspection(Bureau.mallA, run: "A-1"),
                as: .token(bureau.inspector.token))
            runA = try #require(a.object["runId"] as? Int)
            var runsB: [Int] = []
            var bundleB = ""
            for (run, date) in [("B-1", "2025-03-01"), ("B-2", "2025-04-01")] {
                let bytes = TestBundle.mall(Bureau.mallB, "金鹰国际购物中心", run: run, failing: ["6.1.d"], date: date)
                    .signed([Signing(signer: bureau.evaluatorKey, role: "evaluator")])
                let answer = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.evaluator.token))
                try #require(answer.status == 201, "\(answer.text)")
                runsB.append(try #require(answer.object["runId"] as? Int))
                bundleB = try #require(answer.object["bundleSha256"] as? String)
            }
            self.runsB = runsB
            self.bundleB = bundleB
            let item = try await api.post(
                "/api/v1/malls/\(Bureau.mallB)/rectifications", json: ["statementId": "6.1.d", "dueDate": "2025-12-31"],
                as: .token(bureau.admin.token))
            try #require(item.status == 201, "\(item.text)")
            rectificationB = try #require(item.object["id"] as? Int)
        }

        /// The route's path with mall B's identifiers in it.
        func pathToB(_ template: String) -> String {
            template.replacingOccurrences(of: "{creditCode}", with: Bureau.mallB)
                .replacingOccurrences(of: "{runId}", with: String(runsB[0]))
                .replacingOccurrences(of: "{otherRunId}", with: String(runsB[1]))
                .replacingOccurrences(of: "{sha256}", with: bundleB)
                .replacingOccurrences(of: "{statementId}", with: "6.1.d")
                .replacingOccurrences(of: "{id}", with: String(rectificationB))
        }
    }

    /// What would give mall B away in an answer.
    static let tracesOfB = [Bureau.mallB, "金鹰国际购物中心", "鼓楼区", "mall-b"]

    @Test("Mall A's account sees nothing of mall B by any GET route; the bureau sees it by the same URLs")
    func mallNeverSeesAnotherMall() async throws {
        let scene = try await Scene()
        let gets = scene.routes.filter { $0.method == "GET" && $0.path.hasPrefix("/api/v1/") && $0.path != "/api/v1/session" }
        #expect(gets.count >= 12, "routes: \(scene.routes)")
        var revealedToBureau = 0
        for route in gets {
            let path = scene.pathToB(route.path)
            let asMallA = try await scene.api.get(path, as: .token(scene.bureau.mallAAccount.token))
            #expect([200, 403, 404].contains(asMallA.status), "\(path): \(asMallA.status)")
            for trace in Self.tracesOfB {
                #expect(!asMallA.text.contains(trace), "\(path) shows mall A '\(trace)': \(asMallA.text.prefix(300))")
            }
            let asAdmin = try await scene.api.get(path, as: .token(scene.bureau.admin.token))
            #expect(asAdmin.status == 200, "\(path) as admin: \(asAdmin.status) \(asAdmin.text.prefix(200))")
            if Self.tracesOfB.contains(where: { asAdmin.text.contains($0) }) || asAdmin.headers["Content-Disposition"] != nil {
                revealedToBureau += 1
            }
            // A URL of mall B answers exactly like a URL of nothing at all.
            if asMallA.status == 404 {
                let nothing = path.replacingOccurrences(of: Bureau.mallB, with: "91320300MA1ZZZZZ0Z")
                    .replacingOccurrences(of: "/\(scene.runsB[0])", with: "/999999")
                    .replacingOccurrences(of: scene.bundleB, with: String(repeating: "0", count: 64))
                let missing = try await scene.api.get(nothing, as: .token(scene.bureau.mallAAccount.token))
                #expect(missing.status == 404 && missing.text == asMallA.text, "\(path) vs \(nothing): \(asMallA.text) / \(missing.text)")
            }
        }
        // The control: B really is behind most of these URLs.
        #expect(revealedToBureau >= gets.count - 3, "only \(revealedToBureau) of \(gets.count) routes showed mall B")

        // Mall A still sees its own mall, the inspector's run of it included.
        let own = try await scene.api.get("/api/v1/malls", as: .token(scene.bureau.mallAAccount.token))
        #expect(own.array.map { $0["creditCode"] as? String } == [Bureau.mallA])
        let run = try await scene.api.get("/api/v1/runs/\(scene.runA)", as: .token(scene.bureau.mallAAccount.token))
        #expect(run.status == 200)
    }

    @Test("Viewers, inspectors, evaluators and malls cannot use the bureau's write routes")
    func onlyAdminWrites() async throws {
        let scene = try await Scene()
        let writes = scene.routes.filter {
            $0.method == "POST" && !["/api/v1/session", "/api/v1/session/sign-out", "/api/v1/bundles"].contains($0.path)
        }
        #expect(writes.count == 4, "\(writes)")
        let bodies: [String: [String: Any]] = [
            "/api/v1/malls": ["creditCode": "91320300MA1CCCCC0C", "name": "new", "district": "泉山区"],
            "/api/v1/malls/{creditCode}/district": ["district": "泉山区"],
            "/api/v1/malls/{creditCode}/rectifications": ["statementId": "6.1.d", "dueDate": "2026-01-31"],
            "/api/v1/rectifications/{id}/confirm": ["note": "seen on site"],
        ]
        let bureau = scene.bureau
        for route in writes {
            for account in [bureau.viewer, bureau.inspector, bureau.evaluator, bureau.mallAAccount, bureau.mallBAccount] {
                let answer = try await scene.api.post(
                    scene.pathToB(route.path), json: bodies[route.path] ?? [:], as: .token(account.token))
                #expect(answer.status == 403, "\(account.role) POST \(route.path): \(answer.status) \(answer.text)")
            }
        }
        // Nothing changed.
        #expect(try bureau.world.count("SELECT count(*) FROM malls") == 2)
        #expect(try bureau.world.sql("SELECT district FROM malls WHERE credit_code = '\(Bureau.mallB)'") == "鼓楼区")
        #expect(try bureau.world.sql("SELECT state || ' ' || due_date FROM rectifications") == "open 2025-12-31")
        // The admin can (the control).
        let admin = try await scene.api.post(
            scene.pathToB("/api/v1/malls/{creditCode}/district"), json: ["district": "泉山区"],
            as: .token(bureau.admin.token))
        #expect(admin.status == 200, "\(admin.text)")
        #expect(try bureau.world.sql("SELECT district FROM malls WHERE credit_code = '\(Bureau.mallB)'") == "泉山区")
    }

    @Test("Inspectors and evaluators see their own filings only; the access log is the admin's")
    func ownFilings() async throws {
        let scene = try await Scene()
        let bureau = scene.bureau
        let api = scene.api
        let inspector = Credential.token(bureau.inspector.token)
        let evaluator = Credential.token(bureau.evaluator.token)
        #expect(try await api.get("/api/v1/malls", as: inspector).array.map { $0["creditCode"] as? String } == [Bureau.mallA])
        #expect(try await api.get("/api/v1/malls", as: evaluator).array.map { $0["creditCode"] as? String } == [Bureau.mallB])
        #expect(try await api.get("/api/v1/runs/\(scene.runsB[0])", as: inspector).status == 404)
        #expect(try await api.get("/api/v1/runs/\(scene.runA)", as: evaluator).status == 404)
        #expect(try await api.get("/api/v1/malls/\(Bureau.mallB)", as: inspector).status == 404)

        // The evaluator also audits mall A: the inspector now sees mall A's list with its own run only.
        let extra = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "A-EVAL", date: "2025-05-01")
            .signed([Signing(signer: bureau.evaluatorKey, role: "evaluator")])
        #expect(try await api.post("/api/v1/bundles", data: extra, as: evaluator).status == 201)
        let runs = try await api.get("/api/v1/malls/\(Bureau.mallA)/runs", as: inspector)
        let listed = (runs.object["runs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(listed == [scene.runA])
        // Its latest verdict is the latest of its own runs, not the evaluator's newer one.
        let mall = try await api.get("/api/v1/malls/\(Bureau.mallA)", as: inspector)
        #expect((mall.object["latestRun"] as? [String: Any])?["id"] as? Int == scene.runA)
        let statistics = try await api.get("/api/v1/statistics/clauses", as: inspector)
        #expect(statistics.array.allSatisfy { $0["malls"] as? Int == 1 }, "\(statistics.text)")

        for account in [bureau.viewer, bureau.inspector, bureau.mallAAccount] {
            #expect(try await api.get("/api/v1/access-log", as: .token(account.token)).status == 403)
        }
        #expect(try await api.get("/api/v1/access-log", as: .token(bureau.admin.token)).status == 200)
    }
}
