import Foundation
import Logging
import PostgresNIO

/// The pages' reads. Every query applies the caller's `RunScope` through `AccessPolicy.runFilter` / `mallFilter`
/// (the same conditions as the API's), so a page can never list what a URL would refuse. Reads go to
/// `Database.reader` (the replica when there is one), like the API's.
struct PageQueries: Sendable {
    let database: Database
    let logger: Logger

    // MARK: malls

    /// A mall as the overview lists it: its latest visible run and its rectification counts.
    struct MallRow: Sendable {
        var id: Int64
        var creditCode: String
        var name: String
        var district: String?
        var latest: RunRow?
        var openRectifications: Int
        var overdueRectifications: Int
    }

    /// One run (without its results).
    struct RunRow: Sendable {
        var id: Int64
        var runRef: String
        var judgementDate: String
        var conformance: String
        var pass: Int
        var fail: Int
        var error: Int
        var notApplicable: Int
        var notAssessed: Int
        var shallFailures: Int
        var shouldAdoption: Double?
        var selfAudit: Bool
        var filer: String
        var filerDisplayName: String
        var filerRole: String
        var receivedAt: Date
        var declaredName: String
        var toolVersion: String

        var total: Int { pass + fail + error + notApplicable + notAssessed }
    }

    static let runColumns = """
        r.id, r.run_ref, to_char(r.judgement_date, 'YYYY-MM-DD'), r.conformance, r.pass_count, r.fail_count,
        r.error_count, r.not_applicable_count, r.not_assessed_count, r.shall_failures, r.should_adoption, r.self_audit,
        fa.name, fa.display_name, r.filer_role, r.received_at, r.declared_mall_name, r.tool_version
        """

    typealias RunTuple = (
        Int64, String, String, String, Int32, Int32, Int32, Int32, Int32, Int32, Double?, Bool, String, String, String,
        Date, String, String
    )

    static func run(_ t: RunTuple) -> RunRow {
        RunRow(
            id: t.0, runRef: t.1, judgementDate: t.2, conformance: t.3, pass: Int(t.4), fail: Int(t.5),
            error: Int(t.6), notApplicable: Int(t.7), notAssessed: Int(t.8), shallFailures: Int(t.9),
            shouldAdoption: t.10, selfAudit: t.11, filer: t.12, filerDisplayName: t.13, filerRole: t.14,
            receivedAt: t.15, declaredName: t.16, toolVersion: t.17)
    }

    /// Every mall the scope may see, with its latest visible run (one index probe per mall) and its open and
    /// overdue rectification items.
    func malls(scope: RunScope, creditCode: String? = nil) async throws -> [MallRow] {
        var bindings = PostgresBindings()
        if let creditCode { bindings.append(creditCode) } else { bindings.appendNull() }
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT m.id, m.credit_code, m.name, m.district, coalesce(x.open, 0), coalesce(x.overdue, 0),
                    \(Self.runColumns.replacingOccurrences(of: "r.", with: "l."))
                FROM malls m
                LEFT JOIN LATERAL (
                    SELECT r.* FROM runs r WHERE r.mall_id = m.id AND \(AccessPolicy.runFilter(scope, alias: "r"))
                    ORDER BY r.judgement_date DESC, r.received_at DESC, r.id DESC LIMIT 1
                ) l ON TRUE
                LEFT JOIN accounts fa ON fa.id = l.filed_by
                LEFT JOIN (
                    SELECT mall_id, count(*) AS open, count(*) FILTER (WHERE due_date < current_date) AS overdue
                    FROM rectifications WHERE state = 'open' GROUP BY mall_id
                ) x ON x.mall_id = m.id
                WHERE \(AccessPolicy.mallFilter(scope, alias: "m")) AND ($1::text IS NULL OR m.credit_code = $1::text)
                """, binds: bindings)
        var malls: [MallRow] = []
        let rows = try await database.reader.query(query, logger: logger)
        for try await row in rows {
            var cells = row.makeRandomAccess()
            let id = try cells[0].decode(Int64.self)
            let code = try cells[1].decode(String.self)
            let name = try cells[2].decode(String.self)
            let district = try cells[3].decode(String?.self)
            let open = try cells[4].decode(Int64.self)
            let overdue = try cells[5].decode(Int64.self)
            var latest: RunRow?
            if try cells[6].decode(Int64?.self) != nil {
                latest = RunRow(
                    id: try cells[6].decode(Int64.self), runRef: try cells[7].decode(String.self),
                    judgementDate: try cells[8].decode(String.self), conformance: try cells[9].decode(String.self),
                    pass: Int(try cells[10].decode(Int32.self)), fail: Int(try cells[11].decode(Int32.self)),
                    error: Int(try cells[12].decode(Int32.self)), notApplicable: Int(try cells[13].decode(Int32.self)),
                    notAssessed: Int(try cells[14].decode(Int32.self)),
                    shallFailures: Int(try cells[15].decode(Int32.self)),
                    shouldAdoption: try cells[16].decode(Double?.self), selfAudit: try cells[17].decode(Bool.self),
                    filer: try cells[18].decode(String.self), filerDisplayName: try cells[19].decode(String.self),
                    filerRole: try cells[20].decode(String.self), receivedAt: try cells[21].decode(Date.self),
                    declaredName: try cells[22].decode(String.self), toolVersion: try cells[23].decode(String.self))
            }
            _ = cells
            malls.append(
                MallRow(
                    id: id, creditCode: code, name: name, district: district, latest: latest,
                    openRectifications: Int(open), overdueRectifications: Int(overdue)))
        }
        return malls
    }

    /// One visible mall, or nil when it does not exist or is outside the scope (never told apart).
    func mall(creditCode: String, scope: RunScope) async throws -> MallRow? {
        // A credit code is 18 digits or capitals: anything else names no mall (and costs no query).
        guard creditCode.utf8.count == 18, creditCode.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) })
        else { return nil }
        return try await malls(scope: scope, creditCode: creditCode).first
    }

    /// A mall's runs the scope may see, newest first.
    func runs(mallID: Int64, scope: RunScope) async throws -> [RunRow] {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.runColumns) FROM runs r JOIN accounts fa ON fa.id = r.filed_by
                WHERE r.mall_id = $1 AND \(AccessPolicy.runFilter(scope, alias: "r"))
                ORDER BY r.judgement_date DESC, r.received_at DESC, r.id DESC
                """, binds: try Self.binds(mallID))
        var runs: [RunRow] = []
        for try await tuple in try await database.reader.query(query, logger: logger).decode(RunTuple.self) {
            runs.append(Self.run(tuple))
        }
        return runs
    }

    /// A visible run and its mall's id and credit code; nil when it does not exist or is outside the scope.
    func run(id: Int64, scope: RunScope) async throws -> (run: RunRow, mallID: Int64, creditCode: String)? {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.runColumns), r.mall_id, m.credit_code
                FROM runs r JOIN accounts fa ON fa.id = r.filed_by JOIN malls m ON m.id = r.mall_id
                WHERE r.id = $1 AND \(AccessPolicy.runFilter(scope, alias: "r"))
                """, binds: try Self.binds(id))
        guard let row = try await database.reader.query(query, logger: logger).firstRow() else { return nil }
        var cells = row.makeRandomAccess()
        let tuple: RunTuple = (
            try cells[0].decode(Int64.self), try cells[1].decode(String.self), try cells[2].decode(String.self),
            try cells[3].decode(String.self), try cells[4].decode(Int32.self), try cells[5].decode(Int32.self),
            try cells[6].decode(Int32.self), try cells[7].decode(Int32.self), try cells[8].decode(Int32.self),
            try cells[9].decode(Int32.self), try cells[10].decode(Double?.self), try cells[11].decode(Bool.self),
            try cells[12].decode(String.self), try cells[13].decode(String.self), try cells[14].decode(String.self),
            try cells[15].decode(Date.self), try cells[16].decode(String.self), try cells[17].decode(String.self))
        let mallID = try cells[18].decode(Int64.self)
        let code = try cells[19].decode(String.self)
        _ = cells
        return (Self.run(tuple), mallID, code)
    }

    // MARK: one run's content

    struct StatementResultRow: Sendable {
        var statementID: String
        var clauseID: String
        var modality: String
        var verdict: String
        var reason: String
        var measured: Measured?
        var checkpoints: [(id: String, verdict: String, reason: String)]
    }

    struct Measured: Sendable {
        var value: Double
        var threshold: String?
        var unit: String?
        var sample: Int?
        var margin: Double?
    }

    /// Every statement result of a run (the caller has checked the run is visible), in the bundle's order.
    func statements(runID: Int64) async throws -> [StatementResultRow] {
        var checkpoints: [String: [(id: String, verdict: String, reason: String)]] = [:]
        for try await (statement, checkpoint, verdict, reason) in try await database.reader.query(
            """
            SELECT s.statement_id, c.checkpoint_id, c.verdict, c.reason
            FROM checkpoint_results c JOIN statement_results s ON s.id = c.statement_result_id
            WHERE s.run_id = \(runID) ORDER BY s.id, c.checkpoint_id
            """, logger: logger
        ).decode((String, String, String, String).self) {
            checkpoints[statement, default: []].append((checkpoint, verdict, reason))
        }
        var rows: [StatementResultRow] = []
        for try await t in try await database.reader.query(
            """
            SELECT statement_id, clause_id, modality, verdict, reason, measured_value, threshold, unit, sample, margin
            FROM statement_results WHERE run_id = \(runID) ORDER BY id
            """, logger: logger
        ).decode((String, String, String, String, String, Double?, String?, String?, Int32?, Double?).self) {
            rows.append(
                StatementResultRow(
                    statementID: t.0, clauseID: t.1, modality: t.2, verdict: t.3, reason: t.4,
                    measured: t.5.map { Measured(value: $0, threshold: t.6, unit: t.7, sample: t.8.map(Int.init), margin: t.9) },
                    checkpoints: checkpoints[t.0] ?? []))
        }
        return rows
    }

    struct SignatureRow: Sendable {
        var runID: Int64
        var fingerprint: String
        var role: String
        var signer: String?
        var account: String
        var algorithm: String
        var signedAt: Date
        var receivedAt: Date
        var bundleSHA256: String
    }

    /// The signatures of runs (the caller has checked they are visible), in the order they were received.
    func signatures(runIDs: [Int64]) async throws -> [SignatureRow] {
        guard !runIDs.isEmpty else { return [] }
        var rows: [SignatureRow] = []
        for try await t in try await database.reader.query(
            """
            SELECT g.run_id, g.fingerprint, g.role, g.signer, a.name, g.algorithm, g.signed_at, g.received_at,
                g.bundle_sha256
            FROM signatures g JOIN accounts a ON a.id = g.account_id
            WHERE g.run_id = ANY(\(runIDs)) ORDER BY g.received_at, g.id
            """, logger: logger
        ).decode((Int64, String, String, String?, String, String, Date, Date, String).self) {
            rows.append(
                SignatureRow(
                    runID: t.0, fingerprint: t.1, role: t.2, signer: t.3, account: t.4, algorithm: t.5, signedAt: t.6,
                    receivedAt: t.7, bundleSHA256: t.8))
        }
        return rows
    }

    struct BundleRow: Sendable {
        var sha256: String
        var size: Int64
        var uploadedBy: String
        var receivedAt: Date
    }

    /// The bundles a visible run came in, newest first.
    func bundles(runID: Int64) async throws -> [BundleRow] {
        var rows: [BundleRow] = []
        for try await t in try await database.reader.query(
            """
            SELECT b.sha256, b.size, a.name, b.received_at FROM bundles b JOIN accounts a ON a.id = b.uploaded_by
            WHERE b.run_id = \(runID) ORDER BY b.received_at DESC, b.sha256
            """, logger: logger
        ).decode((String, Int64, String, Date).self) {
            rows.append(BundleRow(sha256: t.0, size: t.1, uploadedBy: t.2, receivedAt: t.3))
        }
        return rows
    }

    struct FindingRow: Sendable {
        var statementID: String
        var checkpointID: String?
        var verdict: String
        var note: String
        var assessor: String?
        var recordedAt: String?
    }

    func findings(runID: Int64) async throws -> [FindingRow] {
        var rows: [FindingRow] = []
        for try await t in try await database.reader.query(
            """
            SELECT statement_id, checkpoint_id, verdict, note, assessor, recorded_at FROM findings
            WHERE run_id = \(runID) ORDER BY id
            """, logger: logger
        ).decode((String, String?, String, String, String?, String?).self) {
            rows.append(
                FindingRow(statementID: t.0, checkpointID: t.1, verdict: t.2, note: t.3, assessor: t.4, recordedAt: t.5))
        }
        return rows
    }

    // MARK: rectifications

    struct RectificationRow: Sendable {
        var id: Int64
        var mallCode: String
        var mallName: String
        var district: String?
        var statementID: String
        var state: String
        var dueDate: String
        var overdue: Bool
        var daysOverdue: Int
        var openedRunID: Int64
        var openedRunDate: String
        var dueSetBy: String
        var dueSetAt: Date
        var progressRunID: Int64?
        var progressDate: String?
        var progressVerdict: String?
        var closedAt: Date?
        var closeReason: String?
        var closedByRun: Int64?
        var closedBy: String?
        var closeNote: String?
    }

    /// Rectification items of the malls the scope may see: one mall's, or all; `filter` is `open`, `closed`,
    /// `overdue` or nil (all).
    func rectifications(scope: RunScope, mallID: Int64?, filter: String?) async throws -> [RectificationRow] {
        var bindings = PostgresBindings()
        if let mallID { bindings.append(mallID) } else { bindings.appendNull() }
        if let filter { bindings.append(filter) } else { bindings.appendNull() }
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT x.id, m.credit_code, m.name, m.district, x.statement_id, x.state,
                    to_char(x.due_date, 'YYYY-MM-DD'), x.state = 'open' AND x.due_date < current_date,
                    greatest(current_date - x.due_date, 0), o.id, to_char(o.judgement_date, 'YYYY-MM-DD'),
                    sa.name, x.due_set_at, p.id, to_char(p.judgement_date, 'YYYY-MM-DD'), ps.verdict,
                    x.closed_at, x.close_reason, x.closed_by_run_id, ca.name, x.close_note
                FROM rectifications x JOIN malls m ON m.id = x.mall_id JOIN runs o ON o.id = x.opened_run_id
                JOIN accounts sa ON sa.id = x.due_set_by
                LEFT JOIN runs p ON p.id = x.progress_run_id
                LEFT JOIN statement_results ps ON ps.run_id = p.id AND ps.statement_id = x.statement_id
                LEFT JOIN accounts ca ON ca.id = x.closed_by_account
                WHERE \(AccessPolicy.mallFilter(scope, alias: "m"))
                    AND ($1::bigint IS NULL OR x.mall_id = $1::bigint)
                    AND ($2::text IS NULL OR ($2::text = 'open' AND x.state = 'open')
                        OR ($2::text = 'closed' AND x.state = 'closed')
                        OR ($2::text = 'overdue' AND x.state = 'open' AND x.due_date < current_date))
                ORDER BY x.state DESC, x.due_date, m.district NULLS LAST, m.name, x.statement_id, x.id
                """, binds: bindings)
        var rows: [RectificationRow] = []
        for try await row in try await database.reader.query(query, logger: logger) {
            var c = row.makeRandomAccess()
            rows.append(
                RectificationRow(
                    id: try c[0].decode(Int64.self), mallCode: try c[1].decode(String.self),
                    mallName: try c[2].decode(String.self), district: try c[3].decode(String?.self),
                    statementID: try c[4].decode(String.self), state: try c[5].decode(String.self),
                    dueDate: try c[6].decode(String.self), overdue: try c[7].decode(Bool.self),
                    daysOverdue: Int(try c[8].decode(Int32.self)), openedRunID: try c[9].decode(Int64.self),
                    openedRunDate: try c[10].decode(String.self), dueSetBy: try c[11].decode(String.self),
                    dueSetAt: try c[12].decode(Date.self), progressRunID: try c[13].decode(Int64?.self),
                    progressDate: try c[14].decode(String?.self), progressVerdict: try c[15].decode(String?.self),
                    closedAt: try c[16].decode(Date?.self), closeReason: try c[17].decode(String?.self),
                    closedByRun: try c[18].decode(Int64?.self), closedBy: try c[19].decode(String?.self),
                    closeNote: try c[20].decode(String?.self)))
            _ = c
        }
        return rows
    }

    // MARK: conformance over time

    /// For each month from the first visible run (at most `months` back) to this month: how many visible malls
    /// stood at each verdict at the month's end (their latest visible run judged by then). `district` narrows it.
    func conformanceByMonth(scope: RunScope, district: String?, months: Int = 24) async throws
        -> [(month: String, conformance: String, malls: Int)]
    {
        var bindings = PostgresBindings()
        if let district { bindings.append(district) } else { bindings.appendNull() }
        bindings.append(months - 1)
        let query = PostgresQuery(
            unsafeSQL: """
                WITH v AS (
                    SELECT r.judgement_date, r.conformance,
                        lead(r.judgement_date) OVER (PARTITION BY r.mall_id
                            ORDER BY r.judgement_date, r.received_at, r.id) AS next_date
                    FROM runs r JOIN malls m ON m.id = r.mall_id
                    WHERE \(AccessPolicy.runFilter(scope, alias: "r")) AND \(AccessPolicy.mallFilter(scope, alias: "m"))
                        AND ($1::text IS NULL OR m.district = $1::text)
                ), span AS (
                    SELECT greatest(date_trunc('month', min(judgement_date)),
                            date_trunc('month', current_date) - make_interval(months => $2::int)) AS first
                    FROM v
                ), months AS (
                    SELECT (g + interval '1 month')::date AS month_end, to_char(g, 'YYYY-MM') AS label
                    FROM span, generate_series(span.first, date_trunc('month', current_date), interval '1 month') g
                    WHERE span.first IS NOT NULL
                )
                SELECT months.label, v.conformance, count(*)
                FROM months JOIN v ON v.judgement_date < months.month_end
                    AND (v.next_date IS NULL OR v.next_date >= months.month_end)
                GROUP BY months.label, v.conformance ORDER BY months.label
                """, binds: bindings)
        var result: [(String, String, Int)] = []
        for try await (label, conformance, count) in try await database.reader.query(query, logger: logger)
            .decode((String, String, Int64).self)
        {
            result.append((label, conformance, Int(count)))
        }
        return result
    }

    // MARK: clauses across malls

    /// Verdict counts of one statement (or checkpoint, or clause) across the latest visible run of each mall.
    struct Counts: Sendable {
        var pass = 0
        var fail = 0
        var error = 0
        var notApplicable = 0
        var notAssessed = 0
        var total: Int { pass + fail + error + notApplicable + notAssessed }

        mutating func add(_ verdict: String, _ count: Int = 1) {
            switch verdict {
            case "pass": pass += count
            case "fail": fail += count
            case "error": error += count
            case "notApplicable": notApplicable += count
            default: notAssessed += count
            }
        }
    }

    /// The latest visible run of each visible mall (what statistics count), as the API's statistics take it.
    static func latestRuns(_ scope: RunScope) -> String { ReadAPI.latestRuns(scope) }

    /// Per clause: how many malls' latest runs judged it, how many fail one of its requirements, statement counts.
    func clauseCounts(scope: RunScope) async throws -> [(clause: String, malls: Int, failing: Int, counts: Counts)] {
        let query = PostgresQuery(
            unsafeSQL: """
                WITH latest AS (\(Self.latestRuns(scope)))
                SELECT s.clause_id, count(DISTINCT latest.mall_id),
                    count(DISTINCT latest.mall_id) FILTER (WHERE s.verdict = 'fail'
                        AND s.modality IN ('shall', 'shallNot')),
                    count(*) FILTER (WHERE s.verdict = 'pass'), count(*) FILTER (WHERE s.verdict = 'fail'),
                    count(*) FILTER (WHERE s.verdict = 'error'), count(*) FILTER (WHERE s.verdict = 'notApplicable'),
                    count(*) FILTER (WHERE s.verdict = 'notAssessed')
                FROM latest JOIN statement_results s ON s.run_id = latest.id
                GROUP BY s.clause_id
                """, binds: PostgresBindings())
        var result: [(String, Int, Int, Counts)] = []
        for try await t in try await database.reader.query(query, logger: logger)
            .decode((String, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self)
        {
            result.append(
                (t.0, Int(t.1), Int(t.2),
                 Counts(pass: Int(t.3), fail: Int(t.4), error: Int(t.5), notApplicable: Int(t.6), notAssessed: Int(t.7))))
        }
        return result
    }

    /// One mall's latest result for one statement of a clause.
    struct ClauseResult: Sendable {
        var statementID: String
        var modality: String
        var verdict: String
        var reason: String
        var measured: Measured?
        var mallCode: String
        var mallName: String
        var district: String?
        var runID: Int64
        var judgementDate: String
        var checkpoints: [(id: String, verdict: String)]
    }

    /// Every statement result of `clause` in the latest visible run of each visible mall, with its checkpoints.
    func clauseResults(clause: String, scope: RunScope) async throws -> [ClauseResult] {
        let query = PostgresQuery(
            unsafeSQL: """
                WITH latest AS (\(Self.latestRuns(scope)))
                SELECT s.id, s.statement_id, s.modality, s.verdict, s.reason, s.measured_value, s.threshold, s.unit,
                    s.sample, s.margin, m.credit_code, m.name, m.district, latest.id,
                    to_char(latest.judgement_date, 'YYYY-MM-DD')
                FROM latest JOIN statement_results s ON s.run_id = latest.id AND s.clause_id = $1
                JOIN malls m ON m.id = latest.mall_id
                ORDER BY s.statement_id, m.district NULLS LAST, m.name, m.credit_code
                """, binds: try Self.binds(clause))
        var ids: [Int64] = []
        var results: [ClauseResult] = []
        for try await row in try await database.reader.query(query, logger: logger) {
            var c = row.makeRandomAccess()
            ids.append(try c[0].decode(Int64.self))
            let value = try c[5].decode(Double?.self)
            results.append(
                ClauseResult(
                    statementID: try c[1].decode(String.self), modality: try c[2].decode(String.self),
                    verdict: try c[3].decode(String.self), reason: try c[4].decode(String.self),
                    measured: try value.map {
                        Measured(
                            value: $0, threshold: try c[6].decode(String?.self), unit: try c[7].decode(String?.self),
                            sample: try c[8].decode(Int32?.self).map(Int.init), margin: try c[9].decode(Double?.self))
                    },
                    mallCode: try c[10].decode(String.self), mallName: try c[11].decode(String.self),
                    district: try c[12].decode(String?.self), runID: try c[13].decode(Int64.self),
                    judgementDate: try c[14].decode(String.self), checkpoints: []))
            _ = c
        }
        if !ids.isEmpty {
            var index: [Int64: Int] = [:]
            for (position, id) in ids.enumerated() { index[id] = position }
            for try await (resultID, checkpoint, verdict) in try await database.reader.query(
                """
                SELECT statement_result_id, checkpoint_id, verdict FROM checkpoint_results
                WHERE statement_result_id = ANY(\(ids)) ORDER BY statement_result_id, checkpoint_id
                """, logger: logger
            ).decode((Int64, String, String).self) {
                if let position = index[resultID] { results[position].checkpoints.append((checkpoint, verdict)) }
            }
        }
        return results
    }

    static func binds(_ values: (any PostgresThrowingDynamicTypeEncodable)?...) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values {
            if let value { try bindings.append(value) } else { bindings.appendNull() }
        }
        return bindings
    }
}
