import AuditModel
import Foundation
import GRDB

/// Mapping between `StatementResult` and the `results`, `evidence` and `na_decisions` rows.
enum ResultRows {
    /// Replaces the stored result of `result.statementID` in `run` (its evidence and N/A decision go with it).
    /// Runs inside the caller's transaction.
    static func replace(
        _ result: StatementResult, judgedAt: String, run: Int64, evidenceFolder: String, db: Database
    ) throws {
        try db.execute(
            sql: "DELETE FROM results WHERE run_id = ? AND statement_id = ?", arguments: [run, result.statementID])
        let observations: String
        let checkpoints: String
        let areas: String
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let whole = result.observations.map {
                Observation(
                    name: Self.whole($0.name), value: Self.whole($0.value), items: $0.items?.map { Self.whole($0) as String })
            }
            observations = String(decoding: try encoder.encode(whole), as: UTF8.self)
            checkpoints = String(decoding: try encoder.encode(result.checkpoints), as: UTF8.self)
            areas = String(decoding: try encoder.encode(result.areas), as: UTF8.self)
        } catch {
            throw StoreError(.invalidResult, "\(result.statementID): cannot encode observations", cause: "\(error)")
        }
        let measurement = result.measurement
        let threshold = measurement?.threshold
        var arguments: StatementArguments = [run, result.statementID, result.verdict.rawValue, result.source.rawValue]
        arguments += [whole(result.producer), measurement?.value, whole(measurement?.unit), measurement?.sample]
        arguments += [measurement?.margin, whole(threshold?.quantity), threshold?.comparison.rawValue, threshold?.value]
        arguments += [whole(threshold?.unit), whole(result.reason), observations, judgedAt, checkpoints, areas]
        try db.execute(
            sql: """
                INSERT INTO results (run_id, statement_id, verdict, source, producer, measured_value, measured_unit,
                    sample, margin, threshold_quantity, threshold_comparison, threshold_value, threshold_unit, reason,
                    observations, judged_at, checkpoints, areas)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: arguments)
        for evidence in result.evidence {
            try db.execute(
                sql: """
                    INSERT INTO evidence (run_id, statement_id, file_name, sha256, size, collected_by, collected_at,
                        description, stored_path)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    run, result.statementID, whole(evidence.name), evidence.sha256, evidence.size,
                    whole(evidence.collectedBy), whole(evidence.collectedAt), whole(evidence.description),
                    EvidenceFiles.storedPath(evidence.sha256, folder: evidenceFolder),
                ])
        }
        if let decision = result.notApplicable {
            try db.execute(
                sql: """
                    INSERT INTO na_decisions (run_id, statement_id, justification, decided_by, decided_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    run, result.statementID, whole(decision.justification), whole(decision.decidedBy),
                    whole(decision.decidedAt ?? judgedAt) as String,
                ])
        }
    }

    /// Text as it is stored: whole. SQLite's text binding ends at a NUL character, so a NUL from a mall's system (an
    /// HTTP value, an export) is stored as U+2400 (␀, the symbol for NUL) and what follows it is kept. Text from
    /// the inspector's files never holds one: the YAML reader refuses it at its line.
    static func whole(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\u{2400}") : text
    }

    static func whole(_ text: String?) -> String? { text.map { whole($0) as String } }

    /// The columns `result(_:observations:evidence:decision:)` reads, in this order (read by index: by name,
    /// GRDB searches the row's columns for every value, which showed at 10,000 results).
    static let resultColumns = """
        statement_id, verdict, source, producer, measured_value, measured_unit, sample, margin, threshold_quantity,
        threshold_comparison, threshold_value, threshold_unit, reason, judged_at, checkpoints, areas
        """

    /// The result in `row` (the `resultColumns` of a `results` row), with its observations, evidence and decision
    /// read separately.
    static func result(
        _ row: Row, observations: [Observation], evidence: [EvidenceRef], decision: NotApplicableDecision?
    ) throws -> StatementResult {
        let id: String = row[0]
        let verdictText: String = row[1]
        let sourceText: String = row[2]
        guard let verdict = Verdict(rawValue: verdictText), let source = ResultSource(rawValue: sourceText) else {
            throw StoreError(
                .database, "result \(id) has an unknown verdict '\(verdictText)' or source '\(sourceText)'")
        }
        var measurement: AuditModel.Measurement?
        if let value: Double = row[4] {
            var threshold: Threshold?
            if let quantity: String = row[8], let comparison = Comparison(rawValue: row[9] ?? ""),
                let limit: Double = row[10], let unit: String = row[11]
            {
                threshold = Threshold(quantity: quantity, comparison: comparison, value: limit, unit: unit)
            }
            var measured = AuditModel.Measurement(value: value, threshold: threshold, unit: row[5] ?? "", sample: row[6])
            measured.margin = row[7]
            measurement = measured
        }
        var checkpoints: [CheckpointResult] = []
        var areas: [AreaResult] = []
        let checkpointsJSON: String = row[14]
        let areasJSON: String = row[15]
        do {
            if checkpointsJSON != "[]" {
                checkpoints = try JSONDecoder().decode([CheckpointResult].self, from: Data(checkpointsJSON.utf8))
            }
            if areasJSON != "[]" { areas = try JSONDecoder().decode([AreaResult].self, from: Data(areasJSON.utf8)) }
        } catch {
            throw StoreError(.database, "result \(id) has unreadable checkpoints or areas", cause: "\(error)")
        }
        return StatementResult(
            statementID: id, verdict: verdict, source: source, producer: row[3], measurement: measurement,
            reason: row[12], observations: observations, evidence: evidence, notApplicable: decision,
            judgedAt: row[13], checkpoints: checkpoints, areas: areas)
    }
}

extension AuditStore {
    static func fetchResults(_ db: Database, run: Int64) throws -> [StatementResult] {
        var evidence: [String: [EvidenceRef]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM evidence WHERE run_id = ? ORDER BY id", arguments: [run]) {
            let ref = EvidenceRef(
                name: row["file_name"], sha256: row["sha256"], size: row["size"], collectedBy: row["collected_by"],
                collectedAt: row["collected_at"], description: row["description"])
            evidence[row["statement_id"], default: []].append(ref)
        }
        var decisions: [String: NotApplicableDecision] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM na_decisions WHERE run_id = ?", arguments: [run]) {
            let id: String = row["statement_id"]
            decisions[id] = NotApplicableDecision(
                statementID: id, justification: row["justification"], decidedBy: row["decided_by"],
                decidedAt: row["decided_at"])
        }
        // Observations are a JSON array per row; SQLite's json_each unpacks all of them in one query, which is
        // much faster for a large run than a JSONDecoder per row (and a malformed array is an error, not "none").
        var observations: [String: [Observation]] = [:]
        let observationRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT r.statement_id, o.value ->> '$.name', o.value ->> '$.value', o.value -> '$.items'
                FROM results AS r, json_each(r.observations) AS o
                WHERE r.run_id = ? ORDER BY r.id, o.id
                """, arguments: [run])
        while let row = try observationRows.next() {
            guard let name: String = row[1], let value: String = row[2] else {
                let id: String = row[0]
                throw StoreError(.database, "result \(id) of run \(run) has an observation without a name or value")
            }
            // A list's items (rare): a JSON array of strings, decoded only where there is one.
            var items: [String]?
            if let list: String = row[3] {
                do {
                    items = try JSONDecoder().decode([String].self, from: Data(list.utf8))
                } catch {
                    let id: String = row[0]
                    throw StoreError(.database, "result \(id) of run \(run) has an observation whose items are not a "
                        + "list of strings", cause: "\(error)")
                }
            }
            observations[row[0], default: []].append(Observation(name: name, value: value, items: items))
        }
        var results: [StatementResult] = []
        let rows = try Row.fetchCursor(
            db, sql: "SELECT \(ResultRows.resultColumns) FROM results WHERE run_id = ? ORDER BY id", arguments: [run])
        while let row = try rows.next() {
            let id: String = row[0]
            results.append(
                try ResultRows.result(
                    row, observations: observations[id] ?? [], evidence: evidence[id] ?? [], decision: decisions[id]))
        }
        return results
    }

    static func fetchRun(_ db: Database, _ id: Int64) throws -> RunRecord {
        if let run = try fetchRuns(db, where: "id = ?", arguments: [id]).first { return run }
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM runs ORDER BY id")
        let known =
            ids.isEmpty ? "the database has no runs yet" : "runs here: " + ids.map(String.init).joined(separator: ", ")
        throw StoreError(.noSuchRun, "no run \(id) (\(known))")
    }

    /// The status of run `id` alone (`fetchRun` reads the whole record and counts the run's results).
    static func fetchStatus(_ db: Database, _ id: Int64) throws -> RunStatus {
        guard let text = try String.fetchOne(db, sql: "SELECT status FROM runs WHERE id = ?", arguments: [id]) else {
            return try fetchRun(db, id).status  // throws the usual "no run N (runs here: …)"
        }
        guard let status = RunStatus(rawValue: text) else {
            throw StoreError(.database, "run \(id) has an unknown status '\(text)'")
        }
        return status
    }

    static func fetchRuns(_ db: Database, where condition: String?, arguments: StatementArguments = []) throws
        -> [RunRecord]
    {
        let filter = condition.map { "WHERE \($0)" } ?? ""
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM runs \(filter) ORDER BY id", arguments: arguments)
        var counts: [Int64: [Verdict: Int]] = [:]
        let countSQL = """
            SELECT run_id, verdict, count(*) AS n FROM results WHERE run_id IN (SELECT id FROM runs \(filter))
            GROUP BY 1, 2
            """
        for row in try Row.fetchAll(db, sql: countSQL, arguments: arguments) {
            if let verdict = Verdict(rawValue: row["verdict"]) {
                counts[row["run_id"], default: [:]][verdict] = row["n"]
            }
        }
        return try rows.map { row in
            let id: Int64 = row["id"]
            let statusText: String = row["status"]
            guard let status = RunStatus(rawValue: statusText) else {
                throw StoreError(.database, "run \(id) has an unknown status '\(statusText)'")
            }
            var owner: RunOwner?
            if let host: String = row["owner_host"], let pid: Int32 = row["owner_pid"] {
                owner = RunOwner(
                    host: host, pid: pid, bootID: row["owner_boot_id"],
                    startTicks: row["owner_start_ticks"])
            }
            return RunRecord(
                id: id, siteName: row["site_name"], siteDigest: row["site_digest"],
                checklistVersion: row["checklist_version"], checklistDigest: row["checklist_digest"],
                toolVersion: row["tool_version"], sqliteVersion: row["sqlite_version"], assessor: row["assessor"],
                startedAt: row["started_at"], endedAt: row["ended_at"], status: status,
                conformance: (row["conformance"] as String?).flatMap(Conformance.init(rawValue:)), owner: owner,
                counts: counts[id] ?? [:], mallAddress: row["mall_address"], mallCreditCode: row["mall_credit_code"],
                settings: (row["settings"] as String?).flatMap {
                    try? JSONDecoder().decode(AuditSettings.self, from: Data($0.utf8))
                },
                asOf: row["as_of"],
                scope: (row["scope"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) })
        }
    }
}
