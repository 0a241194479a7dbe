import AuditModel
import AuditSupport
import CSQLite3Shim
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The audit store: one SQLite file (WAL mode, foreign keys on, busy timeout) holding runs, one result per
/// statement per run, evidence and not-applicable decisions; evidence files live content-addressed in a folder of
/// the store's own beside the database, named after it (`mallaudit.sqlite-evidence/`, as SQLite names its `-wal` and
/// `-shm` files): never in a folder the user named, such as the `evidence/` folder where an inspector keeps photos.
///
/// Every `record(_:run:)` is its own committed transaction with `synchronous=FULL`, so a process killed half-way
/// loses nothing it already recorded. Opening the store marks runs whose process died as `interrupted`.
///
/// Nothing in this API takes a secret: community strings, passwords and tokens never reach the database.
///
/// The type is `Sendable`: GRDB's `DatabasePool` serializes writes and allows concurrent reads, so probes
/// running concurrently may record through one store.
public final class AuditStore: Sendable {
    /// The database file.
    public let databaseURL: URL
    /// Where evidence files are copied: `DATABASE-evidence/` beside the database (`mallaudit.sqlite-evidence/`).
    public let evidenceDirectory: URL
    /// Where stores written before issue 13 kept their evidence copies: `evidence/` beside the database. Read (never
    /// written) when a copy is not in `evidenceDirectory`.
    public let legacyEvidenceDirectory: URL
    let pool: DatabasePool
    let now: @Sendable () -> Date
    private let checklists = ChecklistCache()
    private let maskers = MaskerCache()

    /// The SQLite library linked at run time, recorded with each run.
    public static var sqliteVersion: String { String(cString: csqlite3shim_libversion()) }

    /// Opens (and, when `create` is true, creates) the database at `path`, migrates it to the current schema and
    /// marks runs left `running` by a dead process as `interrupted`.
    ///
    /// - Parameters:
    ///   - path: the SQLite file; its folder must exist.
    ///   - create: when false, a missing file is an error instead of a new empty store (for commands that only
    ///     read history).
    ///   - now: the clock for `started_at`, `judged_at` and the like; tests fix it.
    public init(path: String, create: Bool = true, now: @escaping @Sendable () -> Date = { Date() }) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        databaseURL = url
        evidenceDirectory = EvidenceFiles.directory(database: url)
        legacyEvidenceDirectory = url.deletingLastPathComponent().appendingPathComponent("evidence", isDirectory: true)
        self.now = now
        let exists = FileManager.default.fileExists(atPath: url.path)
        if !exists && !create {
            throw StoreError(
                .cannotOpen, "no audit database here", path: url.path,
                cause: "give the right --db FILE, or create one with `mallaudit run`")
        }
        if !exists {
            let folder = url.deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw StoreError(.cannotOpen, "cannot create the database: its folder does not exist", path: url.path)
            }
        }

        // Several processes may open (and create, and migrate) a new store at once (`mallaudit run` started in
        // parallel): the opening is serialised by an exclusive lock on the database's folder, so that exactly one
        // creates the tables and the others find them made. The lock is held only while opening.
        let folderLock = StoreOpeningLock(folder: url.deletingLastPathComponent().path)
        defer { folderLock.release() }
        if !exists {
            // Created readable and writable by its owner only; SQLite gives its -wal and -shm files the same mode.
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 {
                close(descriptor)
            } else if errno != EEXIST {
                throw StoreError(
                    .cannotOpen, "cannot create the database", path: url.path, cause: String(cString: strerror(errno)))
            }
        }

        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "mallaudit.store"
        configuration.prepareDatabase { db in
            // WAL (set by DatabasePool) + FULL: a committed result survives a process kill and a power cut.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: url.path, configuration: configuration)
        } catch {
            throw StoreError(.cannotOpen, "cannot open the audit database", path: url.path, cause: Self.describe(error))
        }
        do {
            let migrator = Schema.migrator
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw StoreError(
                    .cannotOpen, "the database was written by a newer mallaudit (unknown schema migrations)",
                    path: url.path)
            }
            try migrator.migrate(pool)
            let journal = try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            guard journal == "wal" else {
                throw StoreError(
                    .cannotOpen, "cannot switch the database to WAL mode (journal_mode=\(journal ?? "?"))",
                    path: url.path)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.cannotOpen, "cannot open the audit database", path: url.path, cause: Self.describe(error))
        }
        _ = try markDeadRunsInterrupted()
        removeAbandonedEvidenceCopies()
    }

    // MARK: runs

    /// Starts a run owned by this process and returns it (status `running`).
    public func openRun(_ new: NewRun) throws -> RunRecord {
        let body: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            body = try encoder.encode(new.checklist)
        } catch {
            throw StoreError(.database, "cannot encode the checklist", cause: "\(error)")
        }
        let bodyDigest = SHA256Digest.hex(of: body)
        var settingsJSON: String?
        if let settings = new.settings {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            settingsJSON = (try? encoder.encode(settings)).map { String(decoding: $0, as: UTF8.self) }
        }
        let scopeJSON = new.scope.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        let owner = RunOwner.current
        let startedAt = timestamp()
        let id = try write { db -> Int64 in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO checklists (body_sha256, version, digest, body) VALUES (?, ?, ?, ?)
                    """,
                arguments: [
                    bodyDigest, new.checklist.version, new.checklist.digest,
                    String(decoding: body, as: UTF8.self),
                ])
            try db.execute(
                sql: """
                    INSERT INTO runs (site_name, site_digest, checklist_version, checklist_digest,
                        checklist_body_sha256, tool_version, sqlite_version, assessor, started_at, status,
                        owner_host, owner_pid, owner_boot_id, owner_start_ticks, mall_address, mall_credit_code,
                        settings, as_of, scope)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    new.siteName, new.siteDigest, new.checklist.version, new.checklist.digest, bodyDigest,
                    new.toolVersion, Self.sqliteVersion, new.assessor, startedAt, owner.host, owner.pid,
                    owner.bootID, owner.startTicks, new.mallAddress, new.mallCreditCode, settingsJSON, new.asOf,
                    scopeJSON,
                ])
            return db.lastInsertedRowID
        }
        return try requireRun(id)
    }

    /// Finishes a run: judges the stored results against the run's checklist (a statement without a result counts
    /// as `notAssessed`), stores the conformance and the end time, and returns the scorecard.
    @discardableResult
    public func completeRun(_ run: Int64) throws -> Scorecard {
        let checklist = try checklist(run: run)
        let endedAt = timestamp()
        return try write { db -> Scorecard in
            let record = try Self.fetchRun(db, run)
            guard record.status != .completed else {
                throw StoreError(.runState, "run \(run) is already completed")
            }
            let card = Scorecard(checklist: checklist, results: try Self.fetchResults(db, run: run))
            try db.execute(
                sql: "UPDATE runs SET status = 'completed', ended_at = ?, conformance = ? WHERE id = ?",
                arguments: [endedAt, card.conformance.rawValue, run])
            return card
        }
    }

    /// Marks a `running` run as `interrupted` (its process stopped before finishing). Other states are left alone.
    public func markInterrupted(_ run: Int64) throws {
        try write { db in
            _ = try Self.fetchRun(db, run)
            try db.execute(
                sql: "UPDATE runs SET status = 'interrupted' WHERE id = ? AND status = 'running'",
                arguments: [run])
        }
    }

    /// Marks every `running` run whose owning process is gone (see `RunOwner`) as `interrupted`; returns their ids.
    /// Called when the store opens.
    @discardableResult
    public func markDeadRunsInterrupted() throws -> [Int64] {
        try write { db -> [Int64] in
            var dead: [Int64] = []
            for run in try Self.fetchRuns(db, where: "status = 'running'") {
                guard let owner = run.owner else {
                    dead.append(run.id)
                    continue
                }
                if case .dead = owner.liveness() { dead.append(run.id) }
            }
            for id in dead {
                try db.execute(sql: "UPDATE runs SET status = 'interrupted' WHERE id = ?", arguments: [id])
            }
            return dead
        }
    }

    /// Takes an interrupted run over so that it can be finished (`mallaudit run --resume`): the run becomes
    /// `running`, owned by this process. The results already stored stay; `results(run:)` tells what is left.
    public func resumeRun(_ run: Int64) throws -> RunRecord {
        try write { db in
            let record = try Self.fetchRun(db, run)
            switch record.status {
            case .completed:
                throw StoreError(.runState, "run \(run) is completed; start a new run instead")
            case .running:
                let owner = record.owner.map { "process \($0.pid) on \($0.host)" } ?? "another process"
                throw StoreError(.runState, "run \(run) is still running in \(owner)")
            case .interrupted:
                let owner = RunOwner.current
                try db.execute(
                    sql: """
                        UPDATE runs SET status = 'running', ended_at = NULL, conformance = NULL, owner_host = ?,
                            owner_pid = ?, owner_boot_id = ?, owner_start_ticks = ?
                        WHERE id = ?
                        """,
                    arguments: [owner.host, owner.pid, owner.bootID, owner.startTicks, run])
            }
        }
        return try requireRun(run)
    }

    /// Every run, oldest first, with verdict counts.
    public func runs() throws -> [RunRecord] {
        try read { db in try Self.fetchRuns(db, where: nil) }
    }

    /// The run with this id, or nil.
    public func run(_ id: Int64) throws -> RunRecord? {
        try read { db in try Self.fetchRuns(db, where: "id = ?", arguments: [id]).first }
    }

    /// The run with this id; throws `noSuchRun` naming the runs that exist.
    public func requireRun(_ id: Int64) throws -> RunRecord {
        try read { db in try Self.fetchRun(db, id) }
    }

    /// The most recently started run, or nil for an empty store.
    public func latestRun() throws -> RunRecord? {
        try read { db in try Self.fetchRuns(db, where: "id = (SELECT max(id) FROM runs)").first }
    }

    /// The checklist the run was judged with, exactly as it was when the run started.
    public func checklist(run: Int64) throws -> Checklist {
        let key = try read { db -> String in
            _ = try Self.fetchStatus(db, run)  // the run exists (not fetchRun: that counts its results)
            return try String.fetchOne(
                db, sql: "SELECT checklist_body_sha256 FROM runs WHERE id = ?",
                arguments: [run]) ?? ""
        }
        if let cached = checklists[key] { return cached }
        let body = try read { db in
            try String.fetchOne(db, sql: "SELECT body FROM checklists WHERE body_sha256 = ?", arguments: [key])
        }
        guard let body, let checklist = try? JSONDecoder().decode(Checklist.self, from: Data(body.utf8)) else {
            throw StoreError(.database, "the checklist of run \(run) is missing or unreadable", path: databaseURL.path)
        }
        checklists[key] = checklist
        return checklist
    }

    // MARK: results

    /// Stores one result in its own committed transaction; a later result for the same statement replaces it
    /// (with its evidence and N/A decision). Evidence must already be in the store (`importEvidence`).
    ///
    /// `inputs` are the pieces the result was judged from — every probe's and data check's evidence and every
    /// inspector's finding, each bound to the statement or one of its checkpoints. They are kept with the result so
    /// that a later finding (`record(findings:run:)`) is judged together with them again: a new finding on the same
    /// statement or checkpoint replaces the earlier one, findings on other checkpoints stay. Recording without
    /// inputs forgets any kept earlier.
    ///
    /// Refused (`StoreError.invalidResult`): a statement the run's checklist does not have; `notApplicable`
    /// without a decision with a non-empty justification and decider (or a decision on another verdict);
    /// evidence whose file is not in the evidence folder; inputs for another statement, or automated inputs from
    /// another source than a probe or data check. Recording into a completed run updates its conformance.
    public func record(_ result: StatementResult, run: Int64, inputs: JudgementInputs?) throws {
        // Nothing personal is stored: every text from a mall's systems or an inspector is masked with the run's rules
        // (built-in identifiers plus the profile's `privacy:`) before it reaches the database (docs/privacy.md).
        let masker = try masker(run: run)
        let result = result.masked(by: masker)
        let inputs = inputs.map {
            JudgementInputs(
                automated: $0.automated.map { $0.masked(by: masker) }, findings: $0.findings.map { $0.masked(by: masker) })
        }
        let checklist = try checklist(run: run)
        guard checklist.statement(result.statementID) != nil else {
            throw StoreError(
                .invalidResult,
                "statement '\(result.statementID)' is not in checklist \(checklist.version) of run \(run)")
        }
        try Self.validate(result)
        let evidence = result.evidence + result.checkpoints.flatMap(\.evidence)
        for evidence in evidence where !FileManager.default.fileExists(atPath: evidenceURL(evidence).path) {
            throw StoreError(
                .invalidResult, "evidence '\(evidence.name)' (\(evidence.sha256)) is not in the evidence folder",
                path: evidenceDirectory.path, cause: "import it with importEvidence first")
        }
        let inputsJSON = try inputs.map { try Self.encodeInputs($0, for: result.statementID) }
        let judgedAt = result.judgedAt ?? timestamp()
        try write { db in
            // Only the status: `fetchRun` also counts the run's results, which made each record O(results).
            let status = try Self.fetchStatus(db, run)
            try ResultRows.replace(
                result, judgedAt: judgedAt, run: run, evidenceFolder: evidenceDirectory.lastPathComponent, db: db)
            try db.execute(
                sql: "DELETE FROM automated_results WHERE run_id = ? AND statement_id = ?",
                arguments: [run, result.statementID])
            if let inputsJSON {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO judgement_inputs (run_id, statement_id, automated, findings)
                        VALUES (?, ?, ?, ?)
                        """,
                    arguments: [run, result.statementID, inputsJSON.automated, inputsJSON.findings])
            } else {
                try db.execute(
                    sql: "DELETE FROM judgement_inputs WHERE run_id = ? AND statement_id = ?",
                    arguments: [run, result.statementID])
            }
            if status == .completed {
                let card = Scorecard(checklist: checklist, results: try Self.fetchResults(db, run: run))
                try db.execute(
                    sql: "UPDATE runs SET conformance = ? WHERE id = ?",
                    arguments: [card.conformance.rawValue, run])
            }
        }
    }

    /// Stores one result with what the probes and data checks alone concluded for it (`automated`), when `result`
    /// also merges an inspector's finding or a decision (see `record(_:run:inputs:)`).
    public func record(_ result: StatementResult, run: Int64, automated: StatementResult? = nil) throws {
        try record(result, run: run, inputs: automated.map { JudgementInputs(automated: [$0]) })
    }

    /// The pieces `statement`'s stored result in `run` was judged from; for runs stored before schema v4, what the
    /// probes alone concluded when the result also merged a finding. Nil when nothing is kept.
    public func judgementInputs(run: Int64, statement: String) throws -> JudgementInputs? {
        let row = try read { db in
            try Row.fetchOne(
                db, sql: "SELECT automated, findings FROM judgement_inputs WHERE run_id = ? AND statement_id = ?",
                arguments: [run, statement])
        }
        do {
            if let row {
                let automated: String = row["automated"]
                let findings: String = row["findings"]
                return JudgementInputs(
                    automated: try JSONDecoder().decode([StatementResult].self, from: Data(automated.utf8)),
                    findings: try JSONDecoder().decode([StatementResult].self, from: Data(findings.utf8)))
            }
            let legacy = try read { db in
                try String.fetchOne(
                    db, sql: "SELECT result FROM automated_results WHERE run_id = ? AND statement_id = ?",
                    arguments: [run, statement])
            }
            guard let legacy else { return nil }
            return JudgementInputs(automated: [try JSONDecoder().decode(StatementResult.self, from: Data(legacy.utf8))])
        } catch {
            throw StoreError(
                .database, "the judgement inputs of \(statement) in run \(run) are unreadable",
                path: databaseURL.path, cause: "\(error)")
        }
    }

    /// The pieces every statement of `run` was judged from (schema v4 and later), by statement id, in one query:
    /// what a report shows as the combination of evidence behind each verdict. Empty for older runs.
    public func judgementInputs(run: Int64) throws -> [String: JudgementInputs] {
        let rows = try read { db in
            try Row.fetchAll(
                db, sql: "SELECT statement_id, automated, findings FROM judgement_inputs WHERE run_id = ?",
                arguments: [run])
        }
        var inputs: [String: JudgementInputs] = [:]
        let decoder = JSONDecoder()
        for row in rows {
            let statement: String = row["statement_id"]
            let automated: String = row["automated"]
            let findings: String = row["findings"]
            do {
                inputs[statement] = JudgementInputs(
                    automated: try decoder.decode([StatementResult].self, from: Data(automated.utf8)),
                    findings: try decoder.decode([StatementResult].self, from: Data(findings.utf8)))
            } catch {
                throw StoreError(
                    .database, "the judgement inputs of \(statement) in run \(run) are unreadable",
                    path: databaseURL.path, cause: "\(error)")
            }
        }
        return inputs
    }

    /// What the probes and data checks alone concluded for `statement` in `run`, when its stored result merges
    /// more than that; nil otherwise.
    public func automatedResult(run: Int64, statement: String) throws -> StatementResult? {
        guard let inputs = try judgementInputs(run: run, statement: statement), !inputs.automated.isEmpty else {
            return nil
        }
        if inputs.automated.count == 1 { return inputs.automated[0] }
        let checklist = try checklist(run: run)
        guard let definition = checklist.statement(statement) else { return inputs.automated[0] }
        return Judgement.judge(statement: definition, evidence: inputs.automated, decision: nil, judgedAt: nil)
    }

    static func encodeInputs(_ inputs: JudgementInputs, for statement: String) throws
        -> (automated: String, findings: String)
    {
        for piece in inputs.automated + inputs.findings where piece.statementID != statement {
            throw StoreError(
                .invalidResult, "\(statement): the automated result given with it is for \(piece.statementID)")
        }
        for piece in inputs.automated where piece.source != .probe && piece.source != .data {
            throw StoreError(
                .invalidResult,
                "\(statement): an automated result comes from a probe or data check, "
                    + "not '\(piece.source.rawValue)'")
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return (
                String(decoding: try encoder.encode(inputs.automated), as: UTF8.self),
                String(decoding: try encoder.encode(inputs.findings), as: UTF8.self)
            )
        } catch {
            throw StoreError(.invalidResult, "\(statement): cannot encode the judgement inputs", cause: "\(error)")
        }
    }

    /// The masker of run `id`: the built-in rules and the privacy rules the run was started with.
    public func masker(run id: Int64) throws -> PersonalData {
        if let cached = maskers[id] { return cached }
        let masker = PersonalData(rules: try settings(run: id).privacy)
        maskers[id] = masker
        return masker
    }

    /// What run `id` was judged with besides the checklist (defaults for runs stored before schema v4).
    public func settings(run id: Int64) throws -> AuditSettings {
        let json = try read { db in
            try String.fetchOne(db, sql: "SELECT settings FROM runs WHERE id = ?", arguments: [id])
        }
        guard let json, let settings = try? JSONDecoder().decode(AuditSettings.self, from: Data(json.utf8)) else {
            return AuditSettings()
        }
        return settings
    }

    /// The stored results of a run, in the checklist's statement order, each with its evidence and N/A decision.
    public func results(run: Int64) throws -> [StatementResult] {
        try checklistAndResults(run: run).results
    }

    /// The checklist a run was judged with and its stored results in the checklist's statement order (what a report
    /// needs). The checklist's JSON is decoded while the results are read: for a 10,000-statement run each takes
    /// about a tenth of a second.
    public func checklistAndResults(run: Int64) throws -> (checklist: Checklist, results: [StatementResult]) {
        let outcomes = ConcurrentOutcomes()
        DispatchQueue.concurrentPerform(iterations: 2) { task in
            if task == 0 {
                outcomes.checklist = Result { try self.checklist(run: run) }
            } else {
                outcomes.results = Result {
                    try read { db in
                        _ = try Self.fetchStatus(db, run)
                        return try Self.fetchResults(db, run: run)
                    }
                }
            }
        }
        let checklist = try outcomes.checklist!.get()
        let results = try outcomes.results!.get()
        var rank: [String: Int] = [:]
        for (index, statement) in checklist.statements.enumerated() { rank[statement.id] = index }
        // Ranked once per result (not per comparison); results of statements the checklist lacks go last, by id.
        let ordered = results.map { (rank: rank[$0.statementID], result: $0) }.sorted { lhs, rhs in
            switch (lhs.rank, rhs.rank) {
            case (let l?, let r?): l < r
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): StatementID.areInIncreasingOrder(lhs.result.statementID, rhs.result.statementID)
            }
        }
        return (checklist, ordered.map(\.result))
    }

    /// What changed from run `before` to run `after` (fixed, newly failing, still open, other changes), in the
    /// later run's checklist order.
    public func diff(_ before: Int64, _ after: Int64) throws -> RunDiff {
        let order = try checklist(run: after).statements.map(\.id) + checklist(run: before).statements.map(\.id)
        return RunDiff(before: try results(run: before), after: try results(run: after), order: order)
    }

    /// `PRAGMA integrity_check`: `["ok"]` for a sound database, else SQLite's list of problems.
    public func integrityCheck() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    // MARK: helpers

    /// Current time as ISO 8601 UTC, from the store's clock.
    public func timestamp() -> String { Self.iso8601(now()) }

    static func iso8601(_ date: Date) -> String { date.formatted(.iso8601) }

    static func validate(_ result: StatementResult) throws {
        if result.verdict == .notApplicable {
            guard let decision = result.notApplicable else {
                throw StoreError(
                    .invalidResult,
                    "\(result.statementID): notApplicable needs a recorded decision (justification and who decided)")
            }
            guard !decision.justification.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw StoreError(
                    .invalidResult, "\(result.statementID): a not-applicable decision needs a justification")
            }
            guard !decision.decidedBy.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw StoreError(
                    .invalidResult, "\(result.statementID): a not-applicable decision needs who decided it")
            }
            guard decision.statementID == result.statementID else {
                throw StoreError(
                    .invalidResult,
                    "\(result.statementID): the not-applicable decision is for \(decision.statementID)")
            }
        } else if result.notApplicable != nil {
            throw StoreError(
                .invalidResult,
                "\(result.statementID): a not-applicable decision on a \(result.verdict.rawValue) result")
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(
                .database, "cannot write to the audit database", path: databaseURL.path,
                cause: Self.describe(error))
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(
                .database, "cannot read the audit database", path: databaseURL.path,
                cause: Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

/// Decoded checklists by body digest; a checklist body never changes once stored.
private final class ChecklistCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Checklist] = [:]

    subscript(key: String) -> Checklist? {
        get { lock.withLock { values[key] } }
        set { lock.withLock { values[key] = newValue } }
    }
}

/// Maskers by run id; a run's privacy rules never change once stored.
private final class MaskerCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int64: PersonalData] = [:]

    subscript(key: Int64) -> PersonalData? {
        get { lock.withLock { values[key] } }
        set { lock.withLock { values[key] = newValue } }
    }
}

/// What the two tasks of `checklistAndResults(run:)` produced; each writes its own property, and both are read
/// after `concurrentPerform` returns.
private final class ConcurrentOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var checklistOutcome: Result<Checklist, any Error>?
    private var resultsOutcome: Result<[StatementResult], any Error>?

    var checklist: Result<Checklist, any Error>? {
        get { lock.withLock { checklistOutcome } }
        set { lock.withLock { checklistOutcome = newValue } }
    }

    var results: Result<[StatementResult], any Error>? {
        get { lock.withLock { resultsOutcome } }
        set { lock.withLock { resultsOutcome = newValue } }
    }
}

/// An exclusive `flock` on a folder, held while a store opens (see `AuditStore.init`). A folder that cannot be
/// opened is not locked: the opening then goes on as before (SQLite's busy timeout still applies).
struct StoreOpeningLock {
    private let descriptor: Int32

    init(folder: String) {
        descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
    }

    func release() {
        guard descriptor >= 0 else { return }
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
