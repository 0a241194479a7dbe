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

    /// The columns of one run `r` and its filer `fa`, in the order `RunRow.init(reading:)` reads them.
    static let runColumns = """
        r.id, r.run_ref, to_char(r.judgement_date, 'YYYY-MM-DD'), r.conformance, r.pass_count, r.fail_count,
        r.error_count, r.not_applicable_count, r.not_assessed_count, r.shall_failures, r.should_adoption, r.self_audit,
        fa.name, fa.display_name, r.filer_role, r.received_at, r.declared_mall_name, r.tool_version
        """

    // MARK: the overview

    /// What the overview shows of the visible malls: the filters of its form, its sort and its page.
    struct OverviewFilter: Sendable {
        var district: String?
        /// A run's conformance, or `none` for a mall without a visible run.
        var verdict: String?
        /// The account that filed the latest visible run.
        var evaluator: String?
        /// The latest run's age: `30`, `90`, `365` (at most that many days), `older` (over 365), `never`.
        var age: String?
        /// One of `overviewSortKeys`.
        var sort = "district"
        var descending = false
        /// The day ages are counted to (`YYYY-MM-DD`, the bureau's day, `BureauClock`).
        var today: String
    }

    static let overviewSortKeys = [
        "district", "name", "verdict", "date", "shallFailures", "shouldAdoption", "open", "overdue",
    ]

    /// Every visible mall (`m`) with its latest visible run (`l`, filer `fa`), its open and overdue rectification
    /// items (`x`), and whether it matches the filter (`matches`), as a CTE `v`. Bindings $1–$8 (see
    /// `overviewBindings`); `creditCode` ($8) narrows it to one mall.
    private static func visibleMalls(_ scope: RunScope) -> String {
        """
        v AS (
            SELECT m.id, m.credit_code, m.name, m.district, coalesce(x.open, 0) AS open,
                coalesce(x.overdue, 0) AS overdue, l.id AS run_id, l.run_ref,
                to_char(l.judgement_date, 'YYYY-MM-DD') AS run_date, l.conformance, l.pass_count, l.fail_count,
                l.error_count, l.not_applicable_count, l.not_assessed_count, l.shall_failures, l.should_adoption,
                l.self_audit, fa.name AS filer, fa.display_name AS filer_display_name, l.filer_role, l.received_at,
                l.declared_mall_name, l.tool_version, l.judgement_date,
                coalesce(($1::text IS NULL OR m.district = $1::text)
                    AND ($2::text IS NULL OR coalesce(l.conformance, 'none') = $2::text)
                    AND ($3::text IS NULL OR fa.name = $3::text)
                    AND (NOT $4::bool OR l.id IS NULL)
                    AND ($5::int IS NULL OR $7::date - l.judgement_date <= $5::int)
                    AND ($6::int IS NULL OR $7::date - l.judgement_date > $6::int), false) AS matches
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
            WHERE \(AccessPolicy.mallFilter(scope, alias: "m")) AND ($8::text IS NULL OR m.credit_code = $8::text)
        )
        """
    }

    private static func overviewBindings(_ filter: OverviewFilter?, creditCode: String? = nil) throws
        -> PostgresBindings
    {
        let age = filter?.age
        let maxDays = age.flatMap { Int($0) }
        return try binds(
            filter?.district, filter?.verdict, filter?.evaluator, age == "never", maxDays,
            age == "older" ? 365 : nil, filter?.today ?? "1970-01-01", creditCode)
    }

    /// The ORDER BY of the overview's sort (keys from `overviewSortKeys` only): the column, then district, name and
    /// credit code, all in the one direction; a mall without a run sorts as the lowest value.
    static func overviewOrder(_ sort: String, descending: Bool) -> String {
        let direction = descending ? "DESC" : "ASC"
        let nulls = descending ? "NULLS FIRST" : "NULLS LAST"
        let byName = "v.name COLLATE \"C\" \(direction), v.credit_code \(direction), v.id \(direction)"
        let byDistrict = "v.district COLLATE \"C\" \(direction) \(nulls), \(byName)"
        let column: String
        switch sort {
        case "name": return byName
        case "verdict":
            column = """
                CASE coalesce(v.conformance, 'none') WHEN 'conformant' THEN 0 WHEN 'nonConformant' THEN 1
                    WHEN 'incomplete' THEN 2 ELSE 3 END
                """
        case "date": column = "coalesce(v.judgement_date, '-infinity'::date)"
        case "shallFailures": column = "coalesce(v.shall_failures, -1)"
        case "shouldAdoption": column = "coalesce(v.should_adoption, -1)"
        case "open": column = "v.open"
        case "overdue": column = "v.overdue"
        default: return byDistrict
        }
        return "\(column) \(direction), \(byDistrict)"
    }

    /// One page of the malls that match `filter`, in its sort: `limit` rows from `offset`.
    func overviewPage(scope: RunScope, filter: OverviewFilter, limit: Int, offset: Int) async throws -> [MallRow] {
        var bindings = try Self.overviewBindings(filter)
        bindings.append(limit)
        bindings.append(offset)
        let query = PostgresQuery(
            unsafeSQL: """
                WITH \(Self.visibleMalls(scope))
                SELECT \(Self.mallColumns) FROM v WHERE v.matches
                ORDER BY \(Self.overviewOrder(filter.sort, descending: filter.descending))
                LIMIT $9 OFFSET $10
                """, binds: bindings)
        return try await collect(query) { try MallRow(reading: &$0) }
    }

    /// The columns of a row of `v`, in the order `MallRow.init(reading:)` reads them.
    private static let mallColumns = """
        v.id, v.credit_code, v.name, v.district, v.open, v.overdue, v.run_id, v.run_ref, v.run_date, v.conformance,
        v.pass_count, v.fail_count, v.error_count, v.not_applicable_count, v.not_assessed_count, v.shall_failures,
        v.should_adoption, v.self_audit, v.filer, v.filer_display_name, v.filer_role, v.received_at,
        v.declared_mall_name, v.tool_version
        """

    /// One bucket of the visible malls: their district, latest verdict (`none` without a run) and filer, whether they
    /// match the overview's filter, and how many they are.
    struct MallTally: Sendable {
        var district: String?
        var conformance: String
        var filer: String?
        var matches: Bool
        var malls: Int
    }

    /// The visible malls counted by district, verdict, filer and whether they match `filter`: the overview's summary,
    /// its chart by district and its filter choices, from one aggregate over every visible mall (not one page).
    func overviewTally(scope: RunScope, filter: OverviewFilter) async throws -> [MallTally] {
        let query = PostgresQuery(
            unsafeSQL: """
                WITH \(Self.visibleMalls(scope))
                SELECT v.district, coalesce(v.conformance, 'none'), v.filer, v.matches, count(*) FROM v
                GROUP BY 1, 2, 3, 4
                """, binds: try Self.overviewBindings(filter))
        return try await collect(query) {
            MallTally(
                district: try $0.next(), conformance: try $0.next(), filer: try $0.next(), matches: try $0.next(),
                malls: try $0.next())
        }
    }

    /// One visible mall, or nil when it does not exist or is outside the scope (never told apart).
    func mall(creditCode: String, scope: RunScope) async throws -> MallRow? {
        // A credit code is 18 digits or capitals: anything else names no mall (and costs no query).
        guard creditCode.utf8.count == 18, creditCode.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) })
        else { return nil }
        let query = PostgresQuery(
            unsafeSQL: "WITH \(Self.visibleMalls(scope)) SELECT \(Self.mallColumns) FROM v",
            binds: try Self.overviewBindings(nil, creditCode: creditCode))
        return try await collect(query) { try MallRow(reading: &$0) }.first
    }

    /// A mall's runs the scope may see, newest first.
    func runs(mallID: Int64, scope: RunScope) async throws -> [RunRow] {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.runColumns) FROM runs r JOIN accounts fa ON fa.id = r.filed_by
                WHERE r.mall_id = $1 AND \(AccessPolicy.runFilter(scope, alias: "r"))
                ORDER BY r.judgement_date DESC, r.received_at DESC, r.id DESC
                """, binds: try Self.binds(mallID))
        return try await collect(query) { try RunRow(reading: &$0) }
    }

    /// A visible run and its mall's id and credit code; nil when it does not exist or is outside the scope.
    func run(id: Int64, scope: RunScope) async throws -> (run: RunRow, mallID: Int64, creditCode: String)? {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.runColumns), r.mall_id, m.credit_code
                FROM runs r JOIN accounts fa ON fa.id = r.filed_by JOIN malls m ON m.id = r.mall_id
                WHERE r.id = $1 AND \(AccessPolicy.runFilter(scope, alias: "r"))
                """, binds: try Self.binds(id))
        return try await collect(query) { columns -> (RunRow, Int64, String) in
            (try RunRow(reading: &columns), try columns.next(), try columns.next())
        }.first
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

        /// The columns `measured_value, threshold, unit, sample, margin` (nil when no value was measured).
        static let columns = "measured_value, threshold, unit, sample, margin"

        /// Reads the five columns of `columns`; nil (all five read) when no value was measured.
        static func read(_ columns: inout Columns) throws -> Measured? {
            let value: Double? = try columns.next()
            let threshold: String? = try columns.next()
            let unit: String? = try columns.next()
            let sample: Int? = try columns.next()
            let margin: Double? = try columns.next()
            return value.map { Measured(value: $0, threshold: threshold, unit: unit, sample: sample, margin: margin) }
        }
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
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT statement_id, clause_id, modality, verdict, reason, \(Measured.columns)
                FROM statement_results WHERE run_id = $1 ORDER BY id
                """, binds: try Self.binds(runID))
        return try await collect(query) { columns in
            let id: String = try columns.next()
            return StatementResultRow(
                statementID: id, clauseID: try columns.next(), modality: try columns.next(),
                verdict: try columns.next(), reason: try columns.next(), measured: try Measured.read(&columns),
                checkpoints: checkpoints[id] ?? [])
        }
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
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT g.run_id, g.fingerprint, g.role, g.signer, a.name, g.algorithm, g.signed_at, g.received_at,
                    g.bundle_sha256
                FROM signatures g JOIN accounts a ON a.id = g.account_id
                WHERE g.run_id = ANY($1) ORDER BY g.received_at, g.id
                """, binds: try Self.binds(runIDs))
        return try await collect(query) {
            SignatureRow(
                runID: try $0.next(), fingerprint: try $0.next(), role: try $0.next(), signer: try $0.next(),
                account: try $0.next(), algorithm: try $0.next(), signedAt: try $0.next(), receivedAt: try $0.next(),
                bundleSHA256: try $0.next())
        }
    }

    struct BundleRow: Sendable {
        var sha256: String
        var size: Int64
        var uploadedBy: String
        var receivedAt: Date
    }

    /// The bundles a visible run came in, newest first.
    func bundles(runID: Int64) async throws -> [BundleRow] {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT b.sha256, b.size, a.name, b.received_at FROM bundles b JOIN accounts a ON a.id = b.uploaded_by
                WHERE b.run_id = $1 ORDER BY b.received_at DESC, b.sha256
                """, binds: try Self.binds(runID))
        return try await collect(query) {
            BundleRow(sha256: try $0.next(), size: try $0.next(), uploadedBy: try $0.next(), receivedAt: try $0.next())
        }
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
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT statement_id, checkpoint_id, verdict, note, assessor, recorded_at FROM findings
                WHERE run_id = $1 ORDER BY id
                """, binds: try Self.binds(runID))
        return try await collect(query) {
            FindingRow(
                statementID: try $0.next(), checkpointID: try $0.next(), verdict: try $0.next(), note: try $0.next(),
                assessor: try $0.next(), recordedAt: try $0.next())
        }
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
                """, binds: try Self.binds(mallID, filter))
        return try await collect(query) {
            RectificationRow(
                id: try $0.next(), mallCode: try $0.next(), mallName: try $0.next(), district: try $0.next(),
                statementID: try $0.next(), state: try $0.next(), dueDate: try $0.next(), overdue: try $0.next(),
                daysOverdue: try $0.next(), openedRunID: try $0.next(), openedRunDate: try $0.next(),
                dueSetBy: try $0.next(), dueSetAt: try $0.next(), progressRunID: try $0.next(),
                progressDate: try $0.next(), progressVerdict: try $0.next(), closedAt: try $0.next(),
                closeReason: try $0.next(), closedByRun: try $0.next(), closedBy: try $0.next(),
                closeNote: try $0.next())
        }
    }

    // MARK: conformance over time

    /// For each month from the first visible run (at most `months` back) to this month: how many visible malls
    /// stood at each verdict at the month's end (their latest visible run judged by then). `district` narrows it.
    func conformanceByMonth(scope: RunScope, district: String?, months: Int = 24) async throws
        -> [(month: String, conformance: String, malls: Int)]
    {
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
                )
                -- A run stands at the end of month g (judged before the next month began, its successor not
                -- before): from its own month to the month before its successor's, within the span. One row per
                -- run and month it stands in, instead of testing every run against every month.
                SELECT to_char(g, 'YYYY-MM'), v.conformance, count(*)
                FROM span, v, generate_series(
                    greatest(span.first, date_trunc('month', v.judgement_date)),
                    least(date_trunc('month', current_date),
                        coalesce(date_trunc('month', v.next_date) - interval '1 month', 'infinity'::timestamptz)),
                    interval '1 month') g
                WHERE span.first IS NOT NULL
                GROUP BY 1, 2 ORDER BY 1
                """, binds: try Self.binds(district, months - 1))
        return try await collect(query) { (try $0.next(), try $0.next(), try $0.next()) }
    }

    // MARK: clauses across malls

    /// Verdict counts of one statement (or checkpoint, or clause) across the latest visible run of each mall.
    struct Counts: Sendable, Equatable {
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
        return try await collect(query) {
            (try $0.next(), try $0.next(), try $0.next(),
             Counts(pass: try $0.next(), fail: try $0.next(), error: try $0.next(), notApplicable: try $0.next(),
                    notAssessed: try $0.next()))
        }
    }

    /// One statement of a clause across the latest visible run of each visible mall: its verdict counts and those
    /// of its checkpoints.
    struct ClauseStatement: Sendable {
        var statementID: String
        var modality: String
        var counts = Counts()
        var checkpoints: [String: Counts] = [:]
    }

    /// The statements of `clause` with their verdict counts (counted in SQL), in no particular order; empty when no
    /// visible mall's latest run has the clause.
    func clauseStatements(clause: String, scope: RunScope) async throws -> [ClauseStatement] {
        let statementsQuery = PostgresQuery(
            unsafeSQL: """
                WITH latest AS (\(Self.latestRuns(scope)))
                SELECT s.statement_id, s.modality, s.verdict, count(*)
                FROM latest JOIN statement_results s ON s.run_id = latest.id AND s.clause_id = $1
                GROUP BY 1, 2, 3
                """, binds: try Self.binds(clause))
        let checkpointsQuery = PostgresQuery(
            unsafeSQL: """
                WITH latest AS (\(Self.latestRuns(scope)))
                SELECT s.statement_id, c.checkpoint_id, c.verdict, count(*)
                FROM latest JOIN statement_results s ON s.run_id = latest.id AND s.clause_id = $1
                JOIN checkpoint_results c ON c.statement_result_id = s.id
                GROUP BY 1, 2, 3
                """, binds: try Self.binds(clause))
        async let fetchedCheckpoints = collect(checkpointsQuery) {
            (try $0.next() as String, try $0.next() as String, try $0.next() as String, try $0.next() as Int)
        }
        var statements: [String: ClauseStatement] = [:]
        for (id, modality, verdict, count) in try await collect(statementsQuery, {
            (try $0.next() as String, try $0.next() as String, try $0.next() as String, try $0.next() as Int)
        }) {
            statements[id, default: ClauseStatement(statementID: id, modality: modality)].counts.add(verdict, count)
        }
        for (id, checkpoint, verdict, count) in try await fetchedCheckpoints {
            statements[id]?.checkpoints[checkpoint, default: Counts()].add(verdict, count)
        }
        return Array(statements.values)
    }

    /// The measured values of one statement across the latest visible run of each visible mall, summed up in SQL.
    struct MeasuredSummary: Sendable {
        var statementID: String
        var count: Int
        var minimum: Double
        var median: Double
        var maximum: Double
        /// The threshold most results were judged against, and how many different thresholds there were.
        var threshold: String?
        var thresholds: Int
        var unit: String?
    }

    /// Per statement of `clause` with measured values: their count, minimum, median, maximum, threshold and unit.
    func measuredSummaries(clause: String, scope: RunScope) async throws -> [MeasuredSummary] {
        let query = PostgresQuery(
            unsafeSQL: """
                WITH latest AS (\(Self.latestRuns(scope)))
                SELECT s.statement_id, count(*), min(s.measured_value),
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY s.measured_value), max(s.measured_value),
                    mode() WITHIN GROUP (ORDER BY s.threshold), count(DISTINCT s.threshold),
                    mode() WITHIN GROUP (ORDER BY s.unit)
                FROM latest JOIN statement_results s ON s.run_id = latest.id AND s.clause_id = $1
                WHERE s.measured_value IS NOT NULL
                GROUP BY s.statement_id
                """, binds: try Self.binds(clause))
        return try await collect(query) {
            MeasuredSummary(
                statementID: try $0.next(), count: try $0.next(), minimum: try $0.next(), median: try $0.next(),
                maximum: try $0.next(), threshold: try $0.next(), thresholds: try $0.next(), unit: try $0.next())
        }
    }

    /// How one statement's measured values are cut into buckets: bucket `k` holds `origin + k·width ≤ value <
    /// origin + (k+1)·width`; values are also compared with `threshold` when there is one.
    struct Buckets: Sendable {
        var statementID: String
        var origin: Double
        var width: Double
        var threshold: Double?
    }

    /// One bucket of a statement's measured values: how many malls with `verdict` have a value in it, and on which
    /// side of the threshold (-1 below, 0 equal, 1 above; nil without a threshold).
    struct BucketCount: Sendable {
        var statementID: String
        var bucket: Int
        var verdict: String
        var side: Int?
        var malls: Int
    }

    /// The measured values of `clause`'s statements counted per bucket, verdict and side of the threshold, in SQL.
    func bucketCounts(clause: String, scope: RunScope, buckets: [Buckets]) async throws -> [BucketCount] {
        guard !buckets.isEmpty else { return [] }
        let query = PostgresQuery(
            unsafeSQL: """
                WITH latest AS (\(Self.latestRuns(scope))),
                b AS (SELECT * FROM unnest($2::text[], $3::float8[], $4::float8[], $5::float8[], $6::bool[])
                    AS b(statement_id, origin, width, threshold, has_threshold))
                SELECT s.statement_id, floor((s.measured_value - b.origin) / b.width)::int AS bucket, s.verdict,
                    CASE WHEN b.has_threshold THEN sign(s.measured_value - b.threshold)::int END AS side, count(*)
                FROM latest JOIN statement_results s ON s.run_id = latest.id AND s.clause_id = $1
                JOIN b ON b.statement_id = s.statement_id
                WHERE s.measured_value IS NOT NULL
                GROUP BY 1, 2, 3, 4
                """,
            binds: try Self.binds(
                clause, buckets.map(\.statementID), buckets.map(\.origin), buckets.map(\.width),
                buckets.map { $0.threshold ?? 0 }, buckets.map { $0.threshold != nil }))
        return try await collect(query) {
            BucketCount(
                statementID: try $0.next(), bucket: try $0.next(), verdict: try $0.next(), side: try $0.next(),
                malls: try $0.next())
        }
    }

    /// One mall failing a statement: its measured value and the checkpoints that did not pass.
    struct FailingMall: Sendable {
        var statementID: String
        var reason: String
        var measured: Measured?
        var mallCode: String
        var mallName: String
        var district: String?
        var runID: Int64
        var judgementDate: String
        var checkpoints: [(id: String, verdict: String)]
    }

    /// Which failing malls of a statement to list: rows `first` to `last` (from 1) in order of `direction`: 1 lists
    /// the lowest measured value first (the worst under a `≥` threshold), -1 the highest, 0 by district and name.
    struct FailingWindow: Sendable {
        var statementID: String
        var direction: Double
        var first: Int
        var last: Int
    }

    /// The failing malls of `clause`'s statements in the latest visible run of each visible mall, one window per
    /// statement, worst first (ties and values-less results by district, name and credit code).
    func failingMalls(clause: String, scope: RunScope, windows: [FailingWindow]) async throws -> [FailingMall] {
        guard !windows.isEmpty else { return [] }
        let query = PostgresQuery(
            unsafeSQL: """
                WITH latest AS (\(Self.latestRuns(scope))),
                w AS (SELECT * FROM unnest($2::text[], $3::float8[], $4::int8[], $5::int8[])
                    AS w(statement_id, direction, first, last)),
                f AS (
                    SELECT s.id, s.statement_id, s.reason, s.measured_value, s.threshold, s.unit, s.sample, s.margin,
                        m.credit_code, m.name, m.district, latest.id AS run_id,
                        to_char(latest.judgement_date, 'YYYY-MM-DD') AS judgement_date, w.first, w.last,
                        row_number() OVER (PARTITION BY s.statement_id ORDER BY s.measured_value * w.direction
                            NULLS LAST, m.district COLLATE "C" NULLS LAST, m.name COLLATE "C", m.credit_code) AS n
                    FROM latest JOIN statement_results s ON s.run_id = latest.id AND s.clause_id = $1
                        AND s.verdict = 'fail'
                    JOIN w ON w.statement_id = s.statement_id
                    JOIN malls m ON m.id = latest.mall_id
                )
                SELECT f.id, f.statement_id, f.reason, f.measured_value, f.threshold, f.unit, f.sample, f.margin,
                    f.credit_code, f.name, f.district, f.run_id, f.judgement_date
                FROM f WHERE f.n BETWEEN f.first AND f.last ORDER BY f.statement_id, f.n
                """,
            binds: try Self.binds(
                clause, windows.map(\.statementID), windows.map(\.direction), windows.map { Int64($0.first) },
                windows.map { Int64($0.last) }))
        var ids: [Int64] = []
        var malls = try await collect(query) { columns -> FailingMall in
            ids.append(try columns.next())
            return FailingMall(
                statementID: try columns.next(), reason: try columns.next(), measured: try Measured.read(&columns),
                mallCode: try columns.next(), mallName: try columns.next(), district: try columns.next(),
                runID: try columns.next(), judgementDate: try columns.next(), checkpoints: [])
        }
        if !ids.isEmpty {
            var index: [Int64: Int] = [:]
            for (position, id) in ids.enumerated() { index[id] = position }
            let checkpoints = PostgresQuery(
                unsafeSQL: """
                    SELECT statement_result_id, checkpoint_id, verdict FROM checkpoint_results
                    WHERE statement_result_id = ANY($1) AND verdict <> 'pass'
                    ORDER BY statement_result_id, checkpoint_id
                    """, binds: try Self.binds(ids))
            for (resultID, checkpoint, verdict) in try await collect(checkpoints, {
                (try $0.next() as Int64, try $0.next() as String, try $0.next() as String)
            }) {
                if let position = index[resultID] { malls[position].checkpoints.append((checkpoint, verdict)) }
            }
        }
        return malls
    }

    // MARK: reading rows

    /// Runs `query` on the reader and makes one value of each row with `make`, which reads the row's columns left
    /// to right.
    func collect<T>(_ query: PostgresQuery, _ make: (inout Columns) throws -> T) async throws -> [T] {
        var result: [T] = []
        for try await row in try await database.reader.query(query, logger: logger) {
            var columns = Columns(row)
            result.append(try make(&columns))
        }
        return result
    }

    static func binds(_ values: (any PostgresThrowingDynamicTypeEncodable)?...) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values {
            if let value { try bindings.append(value) } else { bindings.appendNull() }
        }
        return bindings
    }
}

/// The columns of one result row, read left to right (`try columns.next() as String`): the one place the pages'
/// queries turn cells into values, so that a query's column list and its reading stay side by side.
struct Columns {
    private let cells: PostgresRandomAccessRow
    private var index = 0

    init(_ row: PostgresRow) { cells = row.makeRandomAccess() }

    /// The next column as `T` (integers of any width as `Int`; NULL only into an optional).
    mutating func next<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
        defer { index += 1 }
        return try cells[index].decode(T.self)
    }

    /// Passes over `count` columns.
    mutating func skip(_ count: Int) { index += count }
}

extension PageQueries.RunRow {
    /// The columns of `PageQueries.runColumns`, in their order.
    init(reading columns: inout Columns) throws {
        self.init(
            id: try columns.next(), runRef: try columns.next(), judgementDate: try columns.next(),
            conformance: try columns.next(), pass: try columns.next(), fail: try columns.next(),
            error: try columns.next(), notApplicable: try columns.next(), notAssessed: try columns.next(),
            shallFailures: try columns.next(), shouldAdoption: try columns.next(), selfAudit: try columns.next(),
            filer: try columns.next(), filerDisplayName: try columns.next(), filerRole: try columns.next(),
            receivedAt: try columns.next(), declaredName: try columns.next(), toolVersion: try columns.next())
    }

    /// The run columns when they may all be NULL (a mall without a visible run): nil then, every column passed.
    static func readOptional(_ columns: inout Columns) throws -> Self? {
        var probe = columns
        guard try probe.next(Int64?.self) != nil else {
            columns.skip(18)
            return nil
        }
        return try Self(reading: &columns)
    }
}

extension PageQueries.MallRow {
    /// The columns of `PageQueries.mallColumns`, in their order.
    init(reading columns: inout Columns) throws {
        let id: Int64 = try columns.next()
        let code: String = try columns.next()
        let name: String = try columns.next()
        let district: String? = try columns.next()
        let open: Int = try columns.next()
        let overdue: Int = try columns.next()
        self.init(
            id: id, creditCode: code, name: name, district: district,
            latest: try PageQueries.RunRow.readOptional(&columns), openRectifications: open,
            overdueRectifications: overdue)
    }
}
