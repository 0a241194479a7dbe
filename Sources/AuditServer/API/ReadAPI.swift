import AuditModel
import Foundation
import Logging
import PostgresNIO

/// The read side of the API. PostgreSQL builds each answer's JSON itself (one round trip, one text value), from
/// queries that all apply the caller's `RunScope` through `AccessPolicy.runFilter` / `mallFilter`.
///
/// Reads go to `Database.reader` (a streaming replica when configured): lists may lag the primary by the
/// replica's delay.
struct ReadAPI: Sendable {
    let database: Database
    let logger: Logger
    /// The statistics answers this instance last computed, by the visible run count (`cachedStatistics`).
    let statisticsCache = ReusedAnswers<Int64, String>(size: { $0.utf8.count })
    /// The malls lists this instance last made (see `cachedMalls`).
    let mallsCache = ReusedAnswers<String, ReusedAnswer>(size: { $0.size })

    /// The JSON of one run row `r` (with its filer `fa`), as every answer shows runs.
    static func runJSON(_ r: String = "r", filer fa: String = "fa") -> String {
        """
        json_build_object('id', \(r).id, 'runRef', \(r).run_ref, 'statementDigest', \(r).statement_digest,
            'judgementDate', \(r).judgement_date, 'conformance', \(r).conformance,
            'counts', json_build_object('pass', \(r).pass_count, 'fail', \(r).fail_count, 'error', \(r).error_count,
                'notApplicable', \(r).not_applicable_count, 'notAssessed', \(r).not_assessed_count,
                'total', \(r).pass_count + \(r).fail_count + \(r).error_count + \(r).not_applicable_count
                    + \(r).not_assessed_count),
            'shallFailures', \(r).shall_failures, 'shouldAdoption', \(r).should_adoption,
            'selfAudit', \(r).self_audit, 'filedBy', \(fa).name, 'filerRole', \(r).filer_role,
            'toolVersion', \(r).tool_version, 'declaredDistrict', \(r).declared_district,
            'receivedAt', \(r).received_at)
        """
    }

    /// The JSON of a mall row `m` with its latest visible run `l` (filer `la`) and rectification counts.
    static func mallJSON(_ scope: RunScope) -> String {
        """
        json_build_object('creditCode', m.credit_code, 'name', m.name, 'district', m.district,
            'latestRun', CASE WHEN l.id IS NULL THEN NULL ELSE \(runJSON("l", filer: "la")) END,
            'openRectifications', (SELECT count(*) FROM rectifications x WHERE x.mall_id = m.id AND x.state = 'open'),
            'overdueRectifications', (SELECT count(*) FROM rectifications x
                WHERE x.mall_id = m.id AND x.state = 'open' AND x.due_date < current_date))
        """
    }

    /// `FROM malls m` joined with the latest run of each mall the scope may see (an index probe per mall).
    static func mallsFrom(_ scope: RunScope) -> String {
        """
        FROM malls m
        LEFT JOIN LATERAL (
            SELECT r.* FROM runs r WHERE r.mall_id = m.id AND \(AccessPolicy.runFilter(scope, alias: "r"))
            ORDER BY r.judgement_date DESC, r.received_at DESC, r.id DESC LIMIT 1
        ) l ON TRUE
        LEFT JOIN accounts la ON la.id = l.filed_by
        WHERE \(AccessPolicy.mallFilter(scope, alias: "m"))
        """
    }

    /// Every mall the scope may see with its latest verdict, by district and name; optionally filtered.
    func malls(scope: RunScope, district: String?, conformance: String?) async throws -> String {
        let query = try Self.mallsQuery(scope: scope, district: district, conformance: conformance)
        return try await database.reader.query(query, logger: logger).singleText() ?? "[]"
    }

    /// Which malls a list shows: the filters and, optionally, one page.
    struct MallsRequest: Sendable, Hashable {
        var district: String?
        var conformance: String?
        /// At most this many malls (nil: every mall).
        var limit: Int?
        /// The malls after this one in the list's order (district, name, credit code).
        var after: MallsCursor?
    }

    /// The version of everything a malls list reads, on the database the reads go to: the change counter
    /// PostgreSQL keeps (migration 3, `answer_version`) and PostgreSQL's `current_date` (overdue counts move with
    /// the date). One primary-key read of one row.
    func answerVersion() async throws -> String {
        let row = try await database.reader.query(
            "SELECT version, current_date::text FROM answer_version", logger: logger
        ).firstRow()
        guard let (version, date) = try row?.decode((Int64, String).self) else {
            throw ServerError.schema("answer_version has no row: run `mallaudit-server migrate`")
        }
        return "\(version)@\(date)"
    }

    /// The malls list for `scope` and `request`, made again only when the version moved since this instance last
    /// made it (`answerVersion`): one row read per request instead of building every mall's JSON. The key holds the
    /// scope (a mall account's list is never another account's), the filters and the page. The version is read
    /// before the answer is made, so a kept answer is never older than its version: a change committed in between
    /// only makes it newer, and the next request sees the higher version and makes it again. Nothing but
    /// PostgreSQL is authoritative: every instance and a restart give the same answer for the same version.
    func cachedMalls(scope: RunScope, request: MallsRequest) async throws -> ReusedAnswer {
        let version = try await answerVersion()
        let key = "\(scope) \(request)"
        if let answer = mallsCache.answer(key, version: version) { return answer }
        let answer: ReusedAnswer
        if let limit = request.limit {
            let query = try Self.mallsPageQuery(scope: scope, request: request, limit: limit)
            guard let row = try await database.reader.query(query, logger: logger).firstRow() else {
                throw ServerError.schema("the malls page query returned no row")
            }
            let (json, last) = try row.decode((String, String?).self)
            answer = ReusedAnswer(json: json, next: last.map { MallsCursor(json: $0).text })
        } else {
            answer = ReusedAnswer(
                json: try await malls(scope: scope, district: request.district, conformance: request.conformance),
                next: nil)
        }
        mallsCache.keep(key, version: version, answer: answer)
        return answer
    }

    /// One page of the malls list: the JSON array of at most `limit` malls after the cursor, and the position of
    /// its last mall as a JSON array `[district, name, creditCode]` when more malls follow (one more is read to
    /// know). The order is the unpaged list's (district with no district last, name, credit code: unique).
    static func mallsPageQuery(scope: RunScope, request: MallsRequest, limit: Int) throws -> PostgresQuery {
        let order = "m.district IS NULL, m.district, m.name, m.credit_code"
        return PostgresQuery(
            unsafeSQL: """
                SELECT coalesce(json_agg(p.j ORDER BY p.n) FILTER (WHERE p.n <= $3), '[]')::text,
                    CASE WHEN count(*) > $3 THEN max(p.position) FILTER (WHERE p.n = $3) END
                FROM (
                    SELECT \(Self.mallJSON(scope)) AS j,
                        json_build_array(m.district, m.name, m.credit_code)::text AS position,
                        row_number() OVER (ORDER BY \(order)) AS n
                    \(Self.mallsFrom(scope))
                        AND ($1::text IS NULL OR m.district = $1::text)
                        AND ($2::text IS NULL OR l.conformance = $2::text)
                        AND ($4::boolean IS NULL OR (m.district IS NULL, coalesce(m.district, ''), m.name,
                            m.credit_code) > ($4::boolean, $5::text, $6::text, $7::text))
                    ORDER BY \(order)
                    LIMIT $3 + 1
                ) p
                """,
            binds: try bindings(
                request.district, request.conformance, limit, request.after.map { $0.district == nil },
                request.after.map { $0.district ?? "" }, request.after?.name, request.after?.creditCode))
    }

    static func mallsQuery(scope: RunScope, district: String?, conformance: String?) throws -> PostgresQuery {
        PostgresQuery(
            unsafeSQL: """
                SELECT coalesce(json_agg(\(Self.mallJSON(scope)) ORDER BY m.district NULLS LAST, m.name,
                    m.credit_code), '[]')::text
                \(Self.mallsFrom(scope))
                    AND ($1::text IS NULL OR m.district = $1::text)
                    AND ($2::text IS NULL OR l.conformance = $2::text)
                """, binds: try bindings(district, conformance))
    }

    /// The main read queries as a bureau account's calls run them (`mallaudit-server explain` shows their plans).
    static func mainQueries() throws -> [(name: String, query: PostgresQuery)] {
        [
            ("GET /api/v1/malls: every mall with its latest verdict",
             try mallsQuery(scope: .all, district: nil, conformance: nil)),
            ("GET /api/v1/statistics/clauses: failures per clause over each mall's latest run",
             clauseStatisticsQuery(scope: .all)),
            ("GET /api/v1/statistics/statements: per statement over each mall's latest run",
             try statementStatisticsQuery(scope: .all, clause: nil)),
        ]
    }

    /// `EXPLAIN (ANALYZE, BUFFERS)` of each main query, as text.
    func explainMainQueries() async throws -> String {
        var text = ""
        for (name, query) in try Self.mainQueries() {
            let explain = PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, BUFFERS) " + query.sql, binds: query.binds)
            text += "-- \(name)\n"
            for try await line in try await database.reader.query(explain, logger: logger).decode(String.self) {
                text += line + "\n"
            }
            text += "\n"
        }
        return text
    }

    /// One mall (id and JSON), or nil when it does not exist or is outside the scope. `fresh` reads the primary
    /// (right after a write, which a replica may not show yet).
    func mall(creditCode: String, scope: RunScope, fresh: Bool = false) async throws -> (id: Int64, json: String)? {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT m.id, \(Self.mallJSON(scope))::text
                \(Self.mallsFrom(scope)) AND m.credit_code = $1
                """, binds: try binds(creditCode))
        let client = fresh ? database.primary : database.reader
        guard let row = try await client.query(query, logger: logger).firstRow() else { return nil }
        let (id, json) = try row.decode((Int64, String).self)
        return (id, json)
    }

    /// A mall's runs the scope may see, newest first.
    func runs(mallID: Int64, scope: RunScope) async throws -> String {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT coalesce(json_agg(\(Self.runJSON()) ORDER BY r.judgement_date DESC, r.received_at DESC,
                    r.id DESC), '[]')::text
                FROM runs r JOIN accounts fa ON fa.id = r.filed_by
                WHERE r.mall_id = $1 AND \(AccessPolicy.runFilter(scope, alias: "r"))
                """, binds: try binds(mallID))
        return try await database.reader.query(query, logger: logger).singleText() ?? "[]"
    }

    /// Where a run belongs: its mall's id, or nil when it does not exist or is outside the scope.
    func runMall(runID: Int64, scope: RunScope) async throws -> Int64? {
        let query = PostgresQuery(
            unsafeSQL: "SELECT r.mall_id FROM runs r WHERE r.id = $1 AND \(AccessPolicy.runFilter(scope, alias: "r"))",
            binds: try binds(runID))
        return try await database.reader.query(query, logger: logger).firstRow()?.decode(Int64.self)
    }

    /// One run with every result, checkpoint, finding, evidence digest, signature and bundle.
    func run(runID: Int64, scope: RunScope) async throws -> String? {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT json_build_object(
                    'run', \(Self.runJSON()),
                    'mall', json_build_object('creditCode', m.credit_code, 'name', m.name, 'district', m.district),
                    'checklistDigest', r.checklist_digest, 'formatVersion', r.format_version,
                    'statements', (SELECT coalesce(json_agg(json_build_object(
                            'statementId', s.statement_id, 'clauseId', s.clause_id, 'modality', s.modality,
                            'verdict', s.verdict, 'reason', s.reason, 'source', s.source, 'producer', s.producer,
                            'measured', CASE WHEN s.measured_value IS NULL THEN NULL ELSE json_build_object(
                                'value', s.measured_value, 'threshold', s.threshold, 'unit', s.unit,
                                'sample', s.sample, 'margin', s.margin) END,
                            'areas', coalesce(s.areas, '[]'::jsonb),
                            'checkpoints', (SELECT coalesce(json_agg(json_build_object('checkpointId', c.checkpoint_id,
                                    'verdict', c.verdict, 'reason', c.reason, 'source', c.source,
                                    'producer', c.producer, 'areas', coalesce(c.areas, '[]'::jsonb))
                                    ORDER BY c.checkpoint_id), '[]')
                                FROM checkpoint_results c WHERE c.statement_result_id = s.id)
                        ) ORDER BY s.id), '[]') FROM statement_results s WHERE s.run_id = r.id),
                    'findings', (SELECT coalesce(json_agg(json_build_object('statementId', f.statement_id,
                            'checkpointId', f.checkpoint_id, 'verdict', f.verdict, 'note', f.note,
                            'assessor', f.assessor, 'recordedAt', f.recorded_at) ORDER BY f.id), '[]')
                        FROM findings f WHERE f.run_id = r.id),
                    'evidence', (SELECT coalesce(json_agg(json_build_object('name', e.name, 'sha256', e.sha256,
                            'size', e.size, 'statementId', e.statement_id, 'checkpointId', e.checkpoint_id)
                            ORDER BY e.name, e.sha256), '[]')
                        FROM evidence e WHERE e.run_id = r.id),
                    'signatures', (SELECT coalesce(json_agg(json_build_object('fingerprint', g.fingerprint,
                            'role', g.role, 'signer', g.signer, 'organization', g.organization, 'account', ga.name,
                            'algorithm', g.algorithm,
                            'signedAt', g.signed_at, 'receivedAt', g.received_at, 'bundleSha256', g.bundle_sha256)
                            ORDER BY g.received_at, g.id), '[]')
                        FROM signatures g JOIN accounts ga ON ga.id = g.account_id WHERE g.run_id = r.id),
                    'bundles', (SELECT coalesce(json_agg(json_build_object('sha256', b.sha256, 'size', b.size,
                            'uploadedBy', ba.name, 'receivedAt', b.received_at) ORDER BY b.received_at), '[]')
                        FROM bundles b JOIN accounts ba ON ba.id = b.uploaded_by WHERE b.run_id = r.id)
                )::text
                FROM runs r JOIN accounts fa ON fa.id = r.filed_by JOIN malls m ON m.id = r.mall_id
                WHERE r.id = $1 AND \(AccessPolicy.runFilter(scope, alias: "r"))
                """, binds: try binds(runID))
        return try await database.reader.query(query, logger: logger).singleText()
    }

    /// One statement's result in a run, for the diff: as the model's `StatementResult` (so that `RunDiff`, the
    /// rule of `mallaudit diff`, decides the categories), with its clause and modality beside it.
    struct StatementRow: Sendable {
        var result: StatementResult
        var clauseId: String
        var modality: String
    }

    /// A visible run's mall, summary JSON and statement results; nil when it is not visible.
    func runForDiff(runID: Int64, scope: RunScope) async throws -> (mallID: Int64, json: String, rows: [StatementRow])? {
        let head = PostgresQuery(
            unsafeSQL: """
                SELECT r.mall_id, \(Self.runJSON())::text FROM runs r JOIN accounts fa ON fa.id = r.filed_by
                WHERE r.id = $1 AND \(AccessPolicy.runFilter(scope, alias: "r"))
                """, binds: try binds(runID))
        guard let row = try await database.reader.query(head, logger: logger).firstRow() else { return nil }
        let (mallID, json) = try row.decode((Int64, String).self)
        var checkpoints: [String: [CheckpointResult]] = [:]
        for try await (statement, checkpoint, verdict, reason) in try await database.reader.query(
            """
            SELECT s.statement_id, c.checkpoint_id, c.verdict, c.reason
            FROM checkpoint_results c JOIN statement_results s ON s.id = c.statement_result_id
            WHERE s.run_id = \(runID) ORDER BY s.id, c.checkpoint_id
            """, logger: logger
        ).decode((String, String, String, String).self) {
            checkpoints[statement, default: []].append(
                CheckpointResult(
                    checkpointID: checkpoint, verdict: Verdict(rawValue: verdict) ?? .notAssessed, source: .none,
                    reason: reason))
        }
        var rows: [StatementRow] = []
        for try await (id, clause, modality, verdict, reason) in try await database.reader.query(
            """
            SELECT statement_id, clause_id, modality, verdict, reason FROM statement_results
            WHERE run_id = \(runID) ORDER BY id
            """, logger: logger
        ).decode((String, String, String, String, String).self) {
            let result = StatementResult(
                statementID: id, verdict: Verdict(rawValue: verdict) ?? .notAssessed, source: .none, reason: reason,
                checkpoints: checkpoints[id] ?? [])
            rows.append(StatementRow(result: result, clauseId: clause, modality: modality))
        }
        return (mallID, json, rows)
    }

    /// Per statement, across the latest run of every mall the scope may see: how many pass, fail, …
    func statementStatistics(scope: RunScope, clause: String?) async throws -> String {
        try await cachedStatistics("statements \(scope) \(clause ?? "")", scope: scope) {
            let query = try Self.statementStatisticsQuery(scope: scope, clause: clause)
            return try await database.reader.query(query, logger: logger).singleText() ?? "[]"
        }
    }

    static func statementStatisticsQuery(scope: RunScope, clause: String?) throws -> PostgresQuery {
        PostgresQuery(
            unsafeSQL: """
                WITH latest AS (\(Self.latestRuns(scope)))
                SELECT coalesce(json_agg(json_build_object('statementId', t.statement_id, 'clauseId', t.clause_id,
                    'modality', t.modality, 'malls', t.malls, 'pass', t.pass, 'fail', t.fail, 'error', t.error,
                    'notApplicable', t.na, 'notAssessed', t.nass) ORDER BY t.clause_id, t.statement_id), '[]')::text
                FROM (
                    SELECT s.statement_id, min(s.clause_id) AS clause_id, min(s.modality) AS modality,
                        count(*) AS malls,
                        count(*) FILTER (WHERE s.verdict = 'pass') AS pass,
                        count(*) FILTER (WHERE s.verdict = 'fail') AS fail,
                        count(*) FILTER (WHERE s.verdict = 'error') AS error,
                        count(*) FILTER (WHERE s.verdict = 'notApplicable') AS na,
                        count(*) FILTER (WHERE s.verdict = 'notAssessed') AS nass
                    FROM latest JOIN statement_results s ON s.run_id = latest.id
                    WHERE $1::text IS NULL OR s.clause_id = $1::text OR s.clause_id LIKE $1::text || '.%'
                    GROUP BY s.statement_id
                ) t
                """, binds: try bindings(clause))
    }

    /// Per clause, across the latest run of every mall the scope may see: statement verdict counts, and how many
    /// malls fail at least one of the clause's requirements (shall / shall not).
    func clauseStatistics(scope: RunScope) async throws -> String {
        try await cachedStatistics("clauses \(scope)", scope: scope) {
            let query = Self.clauseStatisticsQuery(scope: scope)
            return try await database.reader.query(query, logger: logger).singleText() ?? "[]"
        }
    }

    /// The statistics answer `key`, computed by `compute` only when the runs the scope sees changed since this
    /// instance last computed it. Statistics read runs and their statement results only, which are append-only
    /// (the schema refuses UPDATE, DELETE and TRUNCATE), so the number of visible runs identifies the set of runs
    /// an answer was computed from: one index-only count per request instead of aggregating every mall's latest
    /// results (about 107,000 rows at 1,000 malls). The version is read before the answer is computed, so a cached
    /// answer is never older than its version (a run filed in between only makes it newer, and the next request
    /// sees a higher count and recomputes). Nothing else is kept between requests: every instance and a restart
    /// give the same answers.
    func cachedStatistics(_ key: String, scope: RunScope, compute: () async throws -> String) async throws -> String {
        let version = try await database.reader.query(
            PostgresQuery(unsafeSQL: "SELECT count(*) FROM runs r WHERE \(AccessPolicy.runFilter(scope, alias: "r"))"),
            logger: logger
        ).firstRow()?.decode(Int64.self) ?? 0
        if let answer = statisticsCache.answer(key, version: version) { return answer }
        let answer = try await compute()
        statisticsCache.keep(key, version: version, answer: answer)
        return answer
    }

    static func clauseStatisticsQuery(scope: RunScope) -> PostgresQuery {
        PostgresQuery(
            unsafeSQL: """
                WITH latest AS (\(Self.latestRuns(scope)))
                SELECT coalesce(json_agg(json_build_object('clauseId', t.clause_id, 'malls', t.malls,
                    'mallsFailingRequirement', t.failing, 'pass', t.pass, 'fail', t.fail, 'error', t.error,
                    'notApplicable', t.na, 'notAssessed', t.nass) ORDER BY t.clause_id), '[]')::text
                FROM (
                    SELECT s.clause_id, count(DISTINCT latest.mall_id) AS malls,
                        count(DISTINCT latest.mall_id) FILTER (WHERE s.verdict = 'fail'
                            AND s.modality IN ('shall', 'shallNot')) AS failing,
                        count(*) FILTER (WHERE s.verdict = 'pass') AS pass,
                        count(*) FILTER (WHERE s.verdict = 'fail') AS fail,
                        count(*) FILTER (WHERE s.verdict = 'error') AS error,
                        count(*) FILTER (WHERE s.verdict = 'notApplicable') AS na,
                        count(*) FILTER (WHERE s.verdict = 'notAssessed') AS nass
                    FROM latest JOIN statement_results s ON s.run_id = latest.id
                    GROUP BY s.clause_id
                ) t
                """, binds: PostgresBindings())
    }

    /// One statement across malls: each visible mall's latest result for it, with the measured value (the
    /// distribution against the threshold the clause pages of issue 19 draw).
    func statementAcrossMalls(statementID: String, scope: RunScope) async throws -> String {
        let query = PostgresQuery(
            unsafeSQL: """
                WITH latest AS (\(Self.latestRuns(scope)))
                SELECT coalesce(json_agg(json_build_object('creditCode', m.credit_code, 'name', m.name,
                    'district', m.district, 'runId', latest.id, 'judgementDate', latest.judgement_date,
                    'verdict', s.verdict, 'reason', s.reason,
                    'measured', CASE WHEN s.measured_value IS NULL THEN NULL ELSE json_build_object(
                        'value', s.measured_value, 'threshold', s.threshold, 'unit', s.unit, 'sample', s.sample,
                        'margin', s.margin) END) ORDER BY m.district NULLS LAST, m.name), '[]')::text
                FROM latest JOIN statement_results s ON s.run_id = latest.id AND s.statement_id = $1
                JOIN malls m ON m.id = latest.mall_id
                """, binds: try binds(statementID))
        return try await database.reader.query(query, logger: logger).singleText() ?? "[]"
    }

    /// The latest visible run of each mall (the runs statistics count).
    static func latestRuns(_ scope: RunScope) -> String {
        """
        SELECT DISTINCT ON (r.mall_id) r.id, r.mall_id, r.judgement_date FROM runs r
        WHERE \(AccessPolicy.runFilter(scope, alias: "r"))
        ORDER BY r.mall_id, r.judgement_date DESC, r.received_at DESC, r.id DESC
        """
    }

    /// The JSON of a rectification row `x` (mall `m`).
    static let rectificationJSON = """
        json_build_object('id', x.id, 'mall', json_build_object('creditCode', m.credit_code, 'name', m.name,
                'district', m.district),
            'statementId', x.statement_id, 'state', x.state, 'dueDate', x.due_date,
            'overdue', x.state = 'open' AND x.due_date < current_date,
            'openedByRun', json_build_object('id', o.id, 'judgementDate', o.judgement_date),
            'dueSetBy', (SELECT name FROM accounts WHERE id = x.due_set_by), 'dueSetAt', x.due_set_at,
            'progress', (SELECT json_build_object('runId', p.id, 'judgementDate', p.judgement_date,
                    'verdict', ps.verdict)
                FROM runs p JOIN statement_results ps ON ps.run_id = p.id AND ps.statement_id = x.statement_id
                WHERE p.id = x.progress_run_id),
            'closedAt', x.closed_at, 'closeReason', x.close_reason,
            'closedByRun', x.closed_by_run_id,
            'closedBy', (SELECT name FROM accounts WHERE id = x.closed_by_account), 'closeNote', x.close_note)
        """

    /// Rectification items of the malls the scope may see; optionally one mall's, one state, or overdue only.
    func rectifications(scope: RunScope, mallID: Int64?, state: String?, overdueOnly: Bool) async throws -> String {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT coalesce(json_agg(\(Self.rectificationJSON) ORDER BY x.state DESC, x.due_date, x.id),
                    '[]')::text
                FROM rectifications x JOIN malls m ON m.id = x.mall_id JOIN runs o ON o.id = x.opened_run_id
                WHERE \(AccessPolicy.mallFilter(scope, alias: "m"))
                    AND ($1::bigint IS NULL OR x.mall_id = $1::bigint)
                    AND ($2::text IS NULL OR x.state = $2::text)
                    AND (NOT $3::boolean OR (x.state = 'open' AND x.due_date < current_date))
                """, binds: try binds(mallID, state, overdueOnly))
        return try await database.reader.query(query, logger: logger).singleText() ?? "[]"
    }

    /// One rectification item from the primary (after a write), or nil when it is not visible.
    func rectification(id: Int64, scope: RunScope) async throws -> String? {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.rectificationJSON)::text
                FROM rectifications x JOIN malls m ON m.id = x.mall_id JOIN runs o ON o.id = x.opened_run_id
                WHERE x.id = $1 AND \(AccessPolicy.mallFilter(scope, alias: "m"))
                """, binds: try binds(id))
        return try await database.primary.query(query, logger: logger).singleText()
    }

    /// A bundle's run and mall, when the scope may see the run.
    func bundleOwner(sha256: String, scope: RunScope) async throws -> (runID: Int64, mallID: Int64)? {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT r.id, r.mall_id FROM bundles b JOIN runs r ON r.id = b.run_id
                WHERE b.sha256 = $1 AND \(AccessPolicy.runFilter(scope, alias: "r"))
                """, binds: try binds(sha256))
        guard let row = try await database.reader.query(query, logger: logger).firstRow() else { return nil }
        let (run, mall) = try row.decode((Int64, Int64).self)
        return (run, mall)
    }

    /// The newest entries of the access log, newest first; `before` pages back by id.
    func accessLog(limit: Int, before: Int64?) async throws -> String {
        try await database.primary.query(
            """
            SELECT coalesce(json_agg(json_build_object('id', e.id, 'at', e.at, 'account', e.account_name,
                'action', e.action, 'mall', m.credit_code, 'target', e.target, 'client', e.client,
                'outcome', e.outcome, 'detail', e.detail) ORDER BY e.id DESC), '[]')::text
            FROM (SELECT * FROM access_log WHERE \(before)::bigint IS NULL OR id < \(before)::bigint
                ORDER BY id DESC LIMIT \(limit)) e
            LEFT JOIN malls m ON m.id = e.mall_id
            """, logger: logger
        ).singleText() ?? "[]"
    }

    private func binds(_ values: (any PostgresThrowingDynamicTypeEncodable)?...) throws -> PostgresBindings {
        try Self.bindings(values)
    }

    static func bindings(_ values: (any PostgresThrowingDynamicTypeEncodable)?...) throws -> PostgresBindings {
        try bindings(values)
    }

    static func bindings(_ values: [(any PostgresThrowingDynamicTypeEncodable)?]) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values {
            if let value { try bindings.append(value) } else { bindings.appendNull() }
        }
        return bindings
    }
}
