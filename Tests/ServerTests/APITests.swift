import Foundation
import Testing

/// The read API and the rectification model, against the real server and PostgreSQL.
@Suite("API")
struct APITests {
    @Test("Malls with their latest verdict, filters, a mall's runs, one run's results")
    func mallsRunsResults() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let admin = Credential.token(bureau.admin.token)
        // Mall A: failing in March, conformant in April (filed out of order); mall B: one error → incomplete.
        let april = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "A-APR", date: "2025-04-01")
        let march = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "A-MAR", failing: ["5.1.2-3"], date: "2025-03-01")
        let incomplete = TestBundle.mall(Bureau.mallB, "金鹰国际购物中心", run: "B-1", erroring: ["6.1.d"])
        var filed: [String: Data] = [:]
        for bundle in [april, march, incomplete] {
            let bytes = bundle.signed([Signing(signer: bureau.inspectorKey, role: "inspector")])
            filed[bundle.run] = bytes
            let answer = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.inspector.token))
            try #require(answer.status == 201, "\(answer.text)")
        }
        let source = try SourceRun.shared.get()
        let malls = try await api.get("/api/v1/malls", as: admin)
        #expect(malls.status == 200)
        let latest = Dictionary(uniqueKeysWithValues: malls.array.map {
            ($0["creditCode"] as? String ?? "", $0["latestRun"] as? [String: Any] ?? [:])
        })
        #expect(latest[Bureau.mallA]?["runRef"] as? String == "A-APR")
        #expect(latest[Bureau.mallA]?["conformance"] as? String == "conformant")
        #expect(latest[Bureau.mallB]?["conformance"] as? String == "incomplete")
        #expect(latest[Bureau.mallA]?["filedBy"] as? String == "inspector")
        #expect((latest[Bureau.mallB]?["counts"] as? [String: Any])?["error"] as? Int == 1)
        // Each mall with the district the bureau set.
        #expect(Set(malls.array.compactMap { $0["district"] as? String }) == ["云龙区", "鼓楼区"])

        let filtered = try await api.get("/api/v1/malls?verdict=incomplete", as: admin)
        #expect(filtered.array.map { $0["creditCode"] as? String } == [Bureau.mallB])
        let byDistrict = try await api.get("/api/v1/malls?district=%E4%BA%91%E9%BE%99%E5%8C%BA", as: admin)
        #expect(byDistrict.array.map { $0["creditCode"] as? String } == [Bureau.mallA])
        #expect(try await api.get("/api/v1/malls?verdict=great", as: admin).status == 400)

        let runs = try await api.get("/api/v1/malls/\(Bureau.mallA)/runs", as: admin)
        let list = runs.object["runs"] as? [[String: Any]] ?? []
        #expect(list.compactMap { $0["runRef"] as? String } == ["A-APR", "A-MAR"])

        let marchID = try #require(list.last?["id"] as? Int)
        let run = try await api.get("/api/v1/runs/\(marchID)", as: admin)
        #expect(run.status == 200)
        let statements = run.object["statements"] as? [[String: Any]] ?? []
        #expect(statements.count == source.factory.statementIDs.count)
        let wifi = statements.first { $0["statementId"] as? String == "5.1.2-3" }
        #expect(wifi?["verdict"] as? String == "fail")
        #expect((wifi?["measured"] as? [String: Any])?["value"] as? Double == source.result("5.1.2-3")?.measurement?.value)
        // A statement judged by checkpoints lists them in the checklist's order.
        let withCheckpoints = try #require(source.factory.source.report.checklist.statements.first {
            $0.checkpoints.count > 1 && source.result($0.id)?.verdict == .pass
        })
        let checkpoints = statements.first { $0["statementId"] as? String == withCheckpoints.id }?["checkpoints"]
            as? [[String: Any]]
        #expect(checkpoints?.compactMap { $0["checkpointId"] as? String } == withCheckpoints.checkpoints.map(\.id))
        let signatures = run.object["signatures"] as? [[String: Any]] ?? []
        #expect(signatures.first?["fingerprint"] as? String == bureau.inspectorKey.fingerprint)
        #expect(signatures.first?["account"] as? String == "inspector")
        #expect(signatures.first?["receivedAt"] != nil && signatures.first?["signedAt"] != nil)

        // The raw bundle, byte for byte.
        let sha = try #require((run.object["bundles"] as? [[String: Any]])?.first?["sha256"] as? String)
        let download = try await api.get("/api/v1/bundles/\(sha)", as: admin)
        #expect(download.status == 200)
        #expect(sha256Hex(download.body) == sha)
        #expect(download.body == filed["A-MAR"])
        #expect(try world.count("SELECT count(*) FROM access_log WHERE action = 'download' AND target = '\(sha)'") == 1)
    }

    @Test("The diff between two runs: fixed, newly failing, still open, by the rule of mallaudit diff")
    func diff() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        var runIDs: [Int] = []
        let first = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "R1", failing: ["5.1.1-1", "6.1.d"])
        let second = TestBundle.mall(
            Bureau.mallA, "云龙万达广场", run: "R2", failing: ["6.1.d", "5.1.2-3"], date: "2025-04-01")
        for bundle in [first, second] {
            let answer = try await api.post(
                "/api/v1/bundles", data: bundle.signed([Signing(signer: bureau.inspectorKey, role: "inspector")]),
                as: .token(bureau.inspector.token))
            runIDs.append(try #require(answer.object["runId"] as? Int, "\(answer.text)"))
        }
        let answer = try await api.get("/api/v1/runs/\(runIDs[0])/diff/\(runIDs[1])", as: .token(bureau.viewer.token))
        #expect(answer.status == 200, "\(answer.text)")
        let changes = try #require(answer.object["changes"] as? [String: Any])
        func ids(_ key: String) -> [String] {
            (changes[key] as? [[String: Any]] ?? []).compactMap { $0["statementId"] as? String }
        }
        #expect(ids("fixed") == ["5.1.1-1"])
        #expect(ids("newlyFailing") == ["5.1.2-3"])
        #expect(ids("stillOpen") == ["6.1.d"])
        #expect(ids("otherChanges") == [])
        // One checklist judges both runs: no statement changed from whole to checkpoints (RunDiffTests cover that).
        #expect(ids("gainedCheckpoints") == [])
        let unchanged = ids("unchanged")
        #expect(unchanged.count == (try SourceRun.shared.get()).factory.statementIDs.count - 3)
        #expect(Set(unchanged).isDisjoint(with: ["5.1.1-1", "5.1.2-3", "6.1.d"]))
        #expect((answer.object["before"] as? [String: Any])?["runRef"] as? String == "R1")

        // Runs of two malls do not diff.
        let other = try await api.post(
            "/api/v1/bundles", data: bureau.inspection(Bureau.mallB, run: "B"), as: .token(bureau.inspector.token))
        let otherID = try #require(other.object["runId"] as? Int)
        let mixed = try await api.get("/api/v1/runs/\(runIDs[0])/diff/\(otherID)", as: .token(bureau.viewer.token))
        #expect(mixed.status == 422 && mixed.errorCode == "different-malls")
    }

    @Test("Statistics per clause and statement over each mall's latest run, and one statement across malls")
    func statistics() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        // A's older run fails 6.1.d but its latest passes: only the latest counts.
        for (code, run, failing, date) in [
            (Bureau.mallA, "A1", Set(["6.1.d"]), "2025-01-01"), (Bureau.mallA, "A2", Set<String>(), "2025-02-01"),
            (Bureau.mallB, "B1", Set(["6.1.d", "5.1.2-3", "6.1.e"]), "2025-02-01"),
        ] {
            let answer = try await api.post(
                "/api/v1/bundles", data: bureau.inspection(code, run: run, failing: failing, date: date),
                as: .token(bureau.inspector.token))
            try #require(answer.status == 201)
        }
        let clauses = try await api.get("/api/v1/statistics/clauses", as: .token(bureau.viewer.token))
        let byClause = Dictionary(uniqueKeysWithValues: clauses.array.map { ($0["clauseId"] as? String ?? "", $0) })
        #expect(byClause["6.1"]?["malls"] as? Int == 2)
        #expect(byClause["6.1"]?["fail"] as? Int == 2)  // 6.1.d and 6.1.e of B
        #expect(byClause["6.1"]?["mallsFailingRequirement"] as? Int == 1)
        #expect(byClause["5.1.1"]?["pass"] as? Int == 4)

        let statements = try await api.get("/api/v1/statistics/statements?clause=5.1", as: .token(bureau.viewer.token))
        #expect(statements.array.compactMap { $0["statementId"] as? String } == ["5.1.1-1", "5.1.1-2", "5.1.2-1", "5.1.2-2", "5.1.2-3"])
        let wifi = statements.array.first { $0["statementId"] as? String == "5.1.2-3" }
        #expect(wifi?["pass"] as? Int == 1 && wifi?["fail"] as? Int == 1 && wifi?["malls"] as? Int == 2)

        let across = try await api.get("/api/v1/statistics/statements/5.1.2-3", as: .token(bureau.viewer.token))
        let values = Dictionary(uniqueKeysWithValues: across.array.map {
            ($0["creditCode"] as? String ?? "", ($0["measured"] as? [String: Any])?["value"] as? Double)
        })
        // A passes by an inspector's finding (no number); B fails as the real run measured it.
        #expect(values == [Bureau.mallA: nil, Bureau.mallB: (try SourceRun.shared.get()).result("5.1.2-3")?.measurement?.value])

        // A later run of B that fails nothing: the statistics follow at once (the answers the instance kept are
        // computed anew when the number of runs moves).
        let later = try await api.post(
            "/api/v1/bundles", data: bureau.inspection(Bureau.mallB, run: "B2", failing: [], date: "2025-03-01"),
            as: .token(bureau.inspector.token))
        try #require(later.status == 201)
        let after = try await api.get("/api/v1/statistics/clauses", as: .token(bureau.viewer.token))
        let afterByClause = Dictionary(uniqueKeysWithValues: after.array.map { ($0["clauseId"] as? String ?? "", $0) })
        #expect(afterByClause["6.1"]?["fail"] as? Int == 0)
        #expect(afterByClause["6.1"]?["mallsFailingRequirement"] as? Int == 0)
        let wifiAfter = try await api.get("/api/v1/statistics/statements?clause=5.1", as: .token(bureau.viewer.token))
            .array.first { $0["statementId"] as? String == "5.1.2-3" }
        #expect(wifiAfter?["pass"] as? Int == 2 && wifiAfter?["fail"] as? Int == 0)
    }

    /// An item is overdue from 00:00 of the day after its due date on the bureau's clock (`time_zone`), whatever the
    /// cluster's own zone. Two instances on one database, one on UTC−11 (Pago Pago) and one on UTC+14 (Kiritimati),
    /// are 25 hours apart: an item due on Pago Pago's today is not overdue there and always overdue on Kiritimati.
    @Test("Overdue by the bureau's clock (time_zone), not the cluster's: the same item on UTC−11 and UTC+14 instances")
    func overdueOnTheBureausDay() async throws {
        let world = try ServerWorld(yaml: "time_zone: Pacific/Pago_Pago")
        let bureau = try Bureau(world)
        let pago = APIClient(try await world.start())
        try world.writeConfig("time_zone: Pacific/Kiritimati")
        let kiritimati = APIClient(try await world.start())
        let admin = Credential.token(bureau.admin.token)
        let failing = bureau.inspection(Bureau.mallA, run: "R1", failing: ["6.1.d"], date: "2025-03-01")
        #expect(try await pago.post("/api/v1/bundles", data: failing, as: .token(bureau.inspector.token)).status == 201)

        // Pago Pago's today, away from its midnight (the item must not fall due while the test reads it).
        let zone = try #require(TimeZone(identifier: "Pacific/Pago_Pago"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let untilMidnight = calendar.nextDate(
            after: Date(), matching: DateComponents(hour: 0, minute: 0, second: 0), matchingPolicy: .nextTime
        ).map { $0.timeIntervalSinceNow } ?? 86_400
        if untilMidnight < 120 { try await Task.sleep(for: .seconds(untilMidnight + 2)) }
        let today = calendar.dateComponents([.year, .month, .day], from: Date())
        let due = String(format: "%04d-%02d-%02d", today.year!, today.month!, today.day!)

        let path = "/api/v1/malls/\(Bureau.mallA)/rectifications"
        let set = try await pago.post(path, json: ["statementId": "6.1.d", "dueDate": due], as: admin)
        #expect(set.status == 201, "\(set.text)")
        #expect(set.object["overdue"] as? Bool == false, "due \(due) on Pago Pago's today: \(set.text)")
        let onPago = try await pago.get(path, as: admin).array.first
        let onKiritimati = try await kiritimati.get(path, as: admin).array.first
        #expect(onPago?["overdue"] as? Bool == false)
        #expect(onKiritimati?["overdue"] as? Bool == true, "due \(due), a day or two behind Kiritimati")
        // The overdue filter and the malls list count by the same day.
        #expect(try await pago.get("/api/v1/rectifications?overdue=true", as: admin).array.isEmpty)
        #expect(try await kiritimati.get("/api/v1/rectifications?overdue=true", as: admin).array.count == 1)
        // The pages: the bureau's CSV of overdue items (and its file name's day), and times in the bureau's zone.
        for (client, overdueRows, offset) in [(pago, 0, "-11:00"), (kiritimati, 1, "+14:00")] {
            let (session, answer) = try await client.signIn("admin")
            #expect(answer.status == 201, "\(answer.text)")
            let csv = try await client.send(.get, "/rectifications.csv?state=overdue", body: nil, credential: session)
            #expect(csv.status == 200)
            #expect(csv.text.split(whereSeparator: \.isNewline).count == 1 + overdueRows, "\(offset): \(csv.text)")
            let page = try await client.send(.get, "/overview", body: nil, credential: session)
            #expect(page.text.contains(" \(offset)</p>") || page.text.contains(" \(offset) · "), "\(offset)")
        }

        // A zone PostgreSQL would read otherwise (a POSIX offset) or that does not exist is refused at its line.
        for (zoneText, fragment) in [("'+08:00'", "'+08:00' is not a time zone"), ("Asia/Xuzhou", "'Asia/Xuzhou' is not a time zone")] {
            try world.writeConfig("time_zone: \(zoneText)")
            let refused = try world.run(["migrate"])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("server.yaml:") && refused.stderr.contains(fragment), "\(refused.stderr)")
        }
    }

    @Test("Rectification: a due date on a failed shall statement; a self-audit shows progress, an inspection closes it")
    func rectification() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let admin = Credential.token(bureau.admin.token)
        let failing = bureau.inspection(Bureau.mallA, run: "R1", failing: ["6.1.d", "5.1.1-2", "5.1.2-3"], date: "2025-03-01")
        #expect(try await api.post("/api/v1/bundles", data: failing, as: .token(bureau.inspector.token)).status == 201)
        let path = "/api/v1/malls/\(Bureau.mallA)/rectifications"

        // Refused: a should statement, a passing one, one never judged, a date before the run, a non-date.
        for (body, code) in [
            (["statementId": "5.1.1-2", "dueDate": "2025-06-30"], "not-requirement"),
            (["statementId": "5.1.1-1", "dueDate": "2025-06-30"], "not-failed"),
            (["statementId": "9.9.9-9", "dueDate": "2025-06-30"], "no-result"),
            (["statementId": "6.1.d", "dueDate": "2025-02-28"], "due-before-run"),
        ] {
            let answer = try await api.post(path, json: body, as: admin)
            #expect(answer.status == 422 && answer.errorCode == code, "\(body): \(answer.text)")
        }
        #expect(try await api.post(path, json: ["statementId": "6.1.d", "dueDate": "2025-02-30"], as: admin).status == 400)

        // The due date is the run's own day at the earliest (boundary), and can be moved.
        let opened = try await api.post(path, json: ["statementId": "6.1.d", "dueDate": "2025-03-01"], as: admin)
        #expect(opened.status == 201, "\(opened.text)")
        let itemID = try #require(opened.object["id"] as? Int)
        let moved = try await api.post(path, json: ["statementId": "6.1.d", "dueDate": "2099-06-30"], as: admin)
        #expect(moved.status == 200 && moved.object["id"] as? Int == itemID)
        #expect(moved.object["dueDate"] as? String == "2099-06-30" && moved.object["overdue"] as? Bool == false)
        let second = try await api.post(path, json: ["statementId": "5.1.2-3", "dueDate": "2025-04-01"], as: admin)
        #expect(second.status == 201 && second.object["overdue"] as? Bool == true)
        #expect(try world.count("SELECT count(*) FROM access_log WHERE action = 'set-due-date'") == 3)

        // The mall sees its items; overdue filter.
        let mine = try await api.get(path, as: .token(bureau.mallAAccount.token))
        #expect(mine.array.count == 2)
        let overdue = try await api.get("/api/v1/rectifications?overdue=true", as: admin)
        #expect(overdue.array.compactMap { $0["statementId"] as? String } == ["5.1.2-3"])

        // A passing self-audit: progress, never closure.
        let selfAudit = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "SELF", date: "2025-04-15")
            .signed([Signing(signer: bureau.mallAKey, role: "mall")])
        let filed = try await api.post("/api/v1/bundles", data: selfAudit, as: .token(bureau.mallAAccount.token))
        #expect(filed.status == 201 && (filed.object["rectificationsClosed"] as? [Int]) == [])
        let progressed = try await api.get("/api/v1/rectifications?state=open", as: admin)
        #expect(progressed.array.count == 2)
        for item in progressed.array {
            #expect((item["progress"] as? [String: Any])?["verdict"] as? String == "pass", "\(item)")
        }

        // An older inspection filed late does not close anything; a newer passing one closes what it passes.
        let stale = bureau.inspection(Bureau.mallA, run: "OLD", date: "2025-02-01")
        let staleAnswer = try await api.post("/api/v1/bundles", data: stale, as: .token(bureau.inspector.token))
        #expect(staleAnswer.object["rectificationsClosed"] as? [Int] == [])
        let recheck = bureau.inspection(Bureau.mallA, run: "R2", failing: ["5.1.2-3"], date: "2025-05-01")
        let recheckAnswer = try await api.post("/api/v1/bundles", data: recheck, as: .token(bureau.inspector.token))
        #expect(recheckAnswer.object["rectificationsClosed"] as? [Int] == [itemID], "\(recheckAnswer.text)")
        #expect(try world.sql("SELECT state, close_reason FROM rectifications WHERE id = \(itemID)") == "closed|passing-run")

        // The other one, still failing, closes by the bureau's confirmation (once).
        let secondID = try #require(second.object["id"] as? Int)
        let noNote = try await api.post("/api/v1/rectifications/\(secondID)/confirm", json: ["note": " "], as: admin)
        #expect(noNote.status == 400)
        let confirmed = try await api.post(
            "/api/v1/rectifications/\(secondID)/confirm", json: ["note": "new log server seen on site"], as: admin)
        #expect(confirmed.status == 200 && confirmed.object["closeReason"] as? String == "bureau-confirmation")
        #expect(confirmed.object["closedBy"] as? String == "admin")
        let again = try await api.post(
            "/api/v1/rectifications/\(secondID)/confirm", json: ["note": "again"], as: admin)
        #expect(again.status == 409)
        #expect(try await api.post("/api/v1/rectifications/99999/confirm", json: ["note": "x"], as: admin).status == 404)
        // Closed items leave the open list; a new failure of the same statement can open a new item.
        #expect(try await api.get("/api/v1/rectifications?state=open", as: admin).array.isEmpty)
        let reopened = try await api.post(path, json: ["statementId": "5.1.2-3", "dueDate": "2025-08-01"], as: admin)
        #expect(reopened.status == 201 && reopened.object["id"] as? Int != secondID)
    }
}
