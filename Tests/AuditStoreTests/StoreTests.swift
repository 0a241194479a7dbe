import AuditModel
import Foundation
import GRDB
import Testing
import TestSupport

@testable import AuditStore

private let fixedDate = Date(timeIntervalSince1970: 1_740_816_000)  // 2025-03-01T08:00:00Z

@Suite("Store schema and runs")
struct StoreTests {
    @Test("a new file is migrated from empty to the last version: tables, WAL, foreign keys, FULL sync, busy timeout")
    func migrationsFromEmpty() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (migrations, tables, pragmas) = try store.pool.read { db in
            (
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
                try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")),
                [
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try String.fetchOne(db, sql: "PRAGMA foreign_keys"),
                    try String.fetchOne(db, sql: "PRAGMA synchronous"),
                    try String.fetchOne(db, sql: "PRAGMA busy_timeout"),
                ]
            )
        }
        #expect(migrations == ["v1", "v2", "v3", "v4", "v5", "v6"])
        #expect(
            tables.isSuperset(of: [
                "checklists", "runs", "results", "evidence", "na_decisions", "automated_results",
            ]))
        // WAL, foreign keys on, synchronous FULL (2), busy timeout 10 s.
        #expect(pragmas == ["wal", "1", "2", "10000"])
        #expect(try store.integrityCheck() == ["ok"])
        // Opening again does not migrate twice and keeps what was stored.
        let run = try store.openRun(newRun())
        let again = try AuditStore(path: store.databaseURL.path)
        #expect(try again.runs().map(\.id) == [run.id])
    }

    @Test("a database written by a newer mallaudit is refused, not silently used")
    func newerSchemaRefused() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        try store.pool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99')") }
        #expect {
            _ = try AuditStore(path: store.databaseURL.path)
        } throws: { error in
            (error as? StoreError)?.code == .cannotOpen && "\(error)".contains("newer mallaudit")
        }
    }

    @Test("a file that is not SQLite, or a missing file with create off, is a clear error naming the file")
    func badFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let junk = dir.appendingPathComponent("notes.sqlite")
        try Data("这不是数据库 — not a database\n".utf8).write(to: junk)
        #expect {
            _ = try AuditStore(path: junk.path)
        } throws: { error in
            (error as? StoreError)?.code == .cannotOpen && "\(error)".contains(junk.path)
        }
        let missing = dir.appendingPathComponent("missing.sqlite")
        #expect {
            _ = try AuditStore(path: missing.path, create: false)
        } throws: { error in
            (error as? StoreError)?.code == .cannotOpen && "\(error)".contains("missing.sqlite")
        }
        #expect(!FileManager.default.fileExists(atPath: missing.path), "create: false must not create the file")
        #expect(throws: StoreError.self) {
            _ = try AuditStore(path: dir.appendingPathComponent("no-such-folder/x.sqlite").path)
        }
    }

    @Test("a run records site, checklist, tool and SQLite versions, assessor, clock time and its process")
    func openRun() throws {
        let (store, dir) = try makeStore(now: { fixedDate })
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        #expect(run.status == .running)
        #expect(run.siteName == "彭城广场")
        #expect(run.checklistVersion == "test-1")
        #expect(run.checklistDigest == sampleChecklist.digest)
        #expect(run.toolVersion == "0.1.0")
        #expect(run.sqliteVersion == AuditStore.sqliteVersion)
        #expect(run.sqliteVersion.split(separator: ".").count == 3)
        #expect(run.assessor == "王工")
        #expect(run.startedAt == "2025-03-01T08:00:00Z")
        #expect(run.endedAt == nil)
        #expect(run.owner?.pid == getpid())
        #expect(try store.checklist(run: run.id) == sampleChecklist)
        #expect(try store.latestRun()?.id == run.id)
        let second = try store.openRun(newRun())
        #expect(try store.latestRun()?.id == second.id)
        #expect(try store.resolveRun("latest") == second.id)
        #expect(try store.resolveRun("latest~1") == run.id)
        #expect(throws: StoreError.self) { try store.resolveRun("latest~2") }
        #expect(throws: StoreError.self) { try store.resolveRun("yesterday") }
        // Two runs with the same checklist store it once.
        let stored = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM checklists") }
        #expect(stored == 1)
    }

    @Test("a result round-trips with its measurement, threshold, margin, sample and observations")
    func roundTrip() throws {
        let (store, dir) = try makeStore(now: { fixedDate })
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        let threshold = Threshold(quantity: "logRetention", comparison: .greaterThan, value: 60, unit: "day")
        let measured = Measurement(value: 58, threshold: threshold, unit: "day", sample: 1_204)
        let original = StatementResult(
            statementID: "5.1.2-1", verdict: .fail, source: .data, producer: "wifi-logs", measurement: measured,
            reason: "oldest log is 58 days old; the standard asks for more than 60",
            observations: [Observation(name: "oldest", value: "2025-01-02"), Observation(name: "files", value: "58")],
            judgedAt: "2025-03-01T08:00:05Z")
        try store.record(original, run: run.id)
        let back = try #require(try store.results(run: run.id).first)
        #expect(back == original)
        #expect(back.measurement?.margin == -2)
        // Without judgedAt, the store's clock stamps it.
        try store.record(result("5.1.1-1", .pass), run: run.id)
        #expect(
            try store.results(run: run.id).first { $0.statementID == "5.1.1-1" }?.judgedAt == "2025-03-01T08:00:00Z")
    }

    @Test("observations come back in order and intact; a malformed one is an error, not an empty list")
    func observations() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        let many = (0..<12).map { Observation(name: "oid.\($0)", value: "值 \"\($0)\" <&> \\ \u{1F600}") }
            + [Observation(name: "empty", value: ""), Observation(name: "数字", value: "007")]
            + [Observation.list(name: "$.screens[*].online", values: ["true", "false", "a, b"])]
        try store.record(StatementResult(statementID: "5.1.1-1", verdict: .pass, source: .probe, reason: "r",
                                         observations: many), run: run.id)
        try store.record(result("5.1.1-2", .pass), run: run.id)
        let (checklist, results) = try store.checklistAndResults(run: run.id)
        #expect(checklist == sampleChecklist)
        #expect(results.map(\.statementID) == ["5.1.1-1", "5.1.1-2"])
        #expect(results[0].observations == many)
        #expect(results[1].observations.isEmpty)

        try store.pool.write { db in
            try db.execute(sql: "UPDATE results SET observations = '[{\"value\": \"x\"}]' WHERE statement_id = '5.1.1-2'")
        }
        let error = try #require(throws: StoreError.self) { try store.results(run: run.id) }
        #expect(error.description.contains("5.1.1-2"), "\(error)")
        // A list's items come back one by one (never split at a comma inside a value); items that are not a list of
        // strings are an error too.
        #expect(results[0].observations.last?.items == ["true", "false", "a, b"])
        try store.pool.write { db in
            try db.execute(sql: """
                UPDATE results SET observations = '[{"name": "n", "value": "x", "items": [1]}]'
                WHERE statement_id = '5.1.1-2'
                """)
        }
        let items = try #require(throws: StoreError.self) { try store.results(run: run.id) }
        #expect(items.description.contains("items"), "\(items)")
    }

    @Test("a re-judgement replaces the earlier result of the statement, with its evidence and N/A decision")
    func replaces() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        let file = dir.appendingPathComponent("photo.jpg")
        try Data("glass window".utf8).write(to: file)
        let evidence = try store.importEvidence(file, collectedBy: "王工")
        var first = result("6.8.a", .notApplicable)
        first.notApplicable = NotApplicableDecision(statementID: "6.8.a", justification: "无 AR", decidedBy: "王工")
        first.evidence = [evidence]
        try store.record(first, run: run.id)
        try store.record(result("6.8.a", .pass), run: run.id)
        let results = try store.results(run: run.id)
        #expect(results.count == 1)
        #expect(results[0].verdict == .pass)
        #expect(results[0].evidence.isEmpty)
        #expect(results[0].notApplicable == nil)
        let rows = try store.pool.read { db in
            [
                try Int.fetchOne(db, sql: "SELECT count(*) FROM na_decisions"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM evidence"),
            ]
        }
        #expect(rows == [0, 0])
    }

    @Test("results come back in checklist order whatever order they were judged in")
    func checklistOrder() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        for id in ["7.3.1-1", "5.2.5-4", "5.1.1-2", "6.8.a", "5.1.1-1"] {
            try store.record(result(id, .pass), run: run.id)
        }
        #expect(
            try store.results(run: run.id).map(\.statementID) == ["5.1.1-1", "5.1.1-2", "5.2.5-4", "6.8.a", "7.3.1-1"])
    }

    @Test("the store refuses results that break its rules")
    func refusals() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        func refused(_ result: StatementResult, _ fragment: String) {
            #expect {
                try store.record(result, run: run.id)
            } throws: { error in
                (error as? StoreError)?.code == .invalidResult && "\(error)".contains(fragment)
            }
        }
        refused(result("9.9.9-1", .pass), "not in checklist")
        refused(result("6.8.a", .notApplicable), "needs a recorded decision")
        var blank = result("6.8.a", .notApplicable)
        blank.notApplicable = NotApplicableDecision(statementID: "6.8.a", justification: " \n\t", decidedBy: "王工")
        refused(blank, "justification")
        var nobody = result("6.8.a", .notApplicable)
        nobody.notApplicable = NotApplicableDecision(statementID: "6.8.a", justification: "无 AR", decidedBy: "")
        refused(nobody, "who decided")
        var misplaced = result("6.8.a", .pass)
        misplaced.notApplicable = NotApplicableDecision(statementID: "6.8.a", justification: "无 AR", decidedBy: "王工")
        refused(misplaced, "not-applicable decision on a pass")
        var ghost = result("5.1.1-1", .pass)
        ghost.evidence = [EvidenceRef(name: "ghost.jpg", sha256: String(repeating: "0", count: 64), size: 1)]
        refused(ghost, "not in the evidence folder")
        #expect(throws: StoreError.self) { try store.record(result("5.1.1-1", .pass), run: run.id + 99) }
        #expect(try store.results(run: run.id).isEmpty)
    }

    @Test("the database itself refuses an N/A decision with an empty justification and unknown verdicts")
    func databaseChecks() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        try store.record(result("6.8.a", .fail), run: run.id)
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO na_decisions VALUES (?, '6.8.a', '  ', '王工', '2025-03-01T08:00:00Z')",
                    arguments: [run.id])
            }
        }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in
                try db.execute(sql: "UPDATE results SET verdict = 'probably' WHERE run_id = ?", arguments: [run.id])
            }
        }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in
                try db.execute(sql: "UPDATE runs SET status = 'paused' WHERE id = ?", arguments: [run.id])
            }
        }
    }

    @Test("completing a run judges stored results against the run's checklist")
    func complete() throws {
        let (store, dir) = try makeStore(now: { fixedDate })
        defer { try? FileManager.default.removeItem(at: dir) }
        let shalls = ["5.1.1-1", "5.1.2-1", "5.2.5-4", "7.3.1-1"]

        let allPass = try store.openRun(newRun())
        for id in shalls { try store.record(result(id, .pass), run: allPass.id) }
        #expect(try store.completeRun(allPass.id).conformance == .conformant)
        let done = try store.requireRun(allPass.id)
        #expect(done.status == .completed && done.conformance == .conformant && done.endedAt == "2025-03-01T08:00:00Z")
        #expect(throws: StoreError.self) { try store.completeRun(allPass.id) }

        let missingOne = try store.openRun(newRun())
        for id in shalls.dropLast() { try store.record(result(id, .pass), run: missingOne.id) }
        #expect(try store.completeRun(missingOne.id).conformance == .incomplete)

        let failing = try store.openRun(newRun())
        for id in shalls { try store.record(result(id, id == "5.2.5-4" ? .fail : .pass), run: failing.id) }
        #expect(try store.completeRun(failing.id).conformance == .nonConformant)

        // A finding added after completion keeps the stored conformance true.
        try store.record(result("7.3.1-1", .pass), run: missingOne.id)
        #expect(try store.requireRun(missingOne.id).conformance == .conformant)
        try store.record(result("5.1.1-1", .fail), run: missingOne.id)
        #expect(try store.requireRun(missingOne.id).conformance == .nonConformant)
        #expect(try store.runs().map { $0.counts[.pass] ?? 0 } == [4, 3, 3])
    }

    @Test("diff of two stored runs lists fixed, newly failing and still open statements")
    func storedDiff() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try store.openRun(newRun())
        for (id, verdict) in [("5.1.1-1", Verdict.fail), ("5.1.2-1", .error), ("5.2.5-4", .fail), ("7.3.1-1", .pass)] {
            try store.record(result(id, verdict), run: a.id)
        }
        let b = try store.openRun(newRun())
        for (id, verdict) in [
            ("5.1.1-1", Verdict.pass), ("5.1.2-1", .pass), ("5.2.5-4", .fail), ("7.3.1-1", .fail),
            ("6.8.a", .fail),
        ] {
            try store.record(result(id, verdict), run: b.id)
        }
        let diff = try store.diff(a.id, b.id)
        #expect(diff.fixed.map(\.statementID) == ["5.1.1-1", "5.1.2-1"])
        #expect(diff.stillOpen.map(\.statementID) == ["5.2.5-4"])
        #expect(diff.newlyFailing.map(\.statementID) == ["6.8.a", "7.3.1-1"])
        #expect(diff.total == 5)
    }
}

@Suite("Runs left behind by dead processes")
struct RunOwnerTests {
    /// The pid of a process that has exited and been reaped.
    private func deadPID() throws -> Int32 {
        try runProcess(URL(fileURLWithPath: "/bin/true"), []).processIdentifier
    }

    @Test("liveness: this process is alive; a reaped pid, a reused pid, a reboot are dead; another host is unknown")
    func liveness() throws {
        let me = RunOwner.current
        #expect(me.liveness() == .alive)
        #expect(me.startTicks != nil && me.bootID != nil, "Linux exposes /proc/self/stat and the boot id")

        var gone = me
        gone.pid = try deadPID()
        gone.startTicks = nil
        guard case .dead = gone.liveness() else {
            Issue.record("a reaped pid must be dead")
            return
        }

        var reused = me
        reused.startTicks = me.startTicks.map { $0 - 1 }
        guard case .dead(let why) = reused.liveness() else {
            Issue.record("a reused pid must be dead")
            return
        }
        #expect(why.contains("another process"))

        var rebooted = me
        rebooted.bootID = "00000000-0000-0000-0000-000000000000"
        guard case .dead = rebooted.liveness() else {
            Issue.record("a reboot must be dead")
            return
        }

        var elsewhere = me
        elsewhere.host = me.host + "-elsewhere"
        #expect(elsewhere.liveness() == .unknown)
    }

    @Test("opening the store marks running runs of dead processes interrupted, and leaves live or remote ones")
    func sweepOnOpen() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dead = try store.openRun(newRun())
        let remote = try store.openRun(newRun())
        let live = try store.openRun(newRun())
        let finished = try store.openRun(newRun())
        try store.completeRun(finished.id)
        let pid = try deadPID()
        try store.pool.write { db in
            try db.execute(sql: "UPDATE runs SET owner_pid = ? WHERE id = ?", arguments: [pid, dead.id])
            try db.execute(sql: "UPDATE runs SET owner_host = 'inspector-laptop' WHERE id = ?", arguments: [remote.id])
        }
        let reopened = try AuditStore(path: store.databaseURL.path)
        let status = Dictionary(uniqueKeysWithValues: try reopened.runs().map { ($0.id, $0.status) })
        #expect(status == [dead.id: .interrupted, remote.id: .running, live.id: .running, finished.id: .completed])
    }

    @Test("an interrupted run can be resumed; a completed or live one cannot")
    func resume() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        try store.record(result("5.1.1-1", .pass), run: run.id)
        #expect(throws: StoreError.self) { _ = try store.resumeRun(run.id) }
        try store.markInterrupted(run.id)
        #expect(try store.requireRun(run.id).status == .interrupted)
        let resumed = try store.resumeRun(run.id)
        #expect(resumed.status == .running && resumed.owner?.pid == getpid())
        #expect(try store.results(run: run.id).map(\.statementID) == ["5.1.1-1"])
        try store.completeRun(run.id)
        #expect(throws: StoreError.self) { _ = try store.resumeRun(run.id) }
        #expect(throws: StoreError.self) { _ = try store.resumeRun(run.id + 50) }
    }
}
