import AuditModel
import Foundation
import GRDB

/// Mapping between `StatementResult` and the `results`, `evidence` and `na_decisions` rows.
enum ResultRows {
    /// Replaces the stored result of `result.statementID` in `run` (its evidence and N/A decision go with it).
    /// Runs inside the caller's transaction.
    static func replace(_ result: StatementResult, judgedAt: String, run: Int64, db: Database) throws {
        try db.execute(
            sql: "DELETE FROM results WHERE run_id = ? AND statement_id = ?", arguments: [run, result.statementID])
        let observations: String
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            observations = String(decoding: try encoder.encode(result.observations), as: UTF8.self)
        } catch {
            throw StoreError(.invalidResult, "\(result.statementID): cannot encode observations", cause: "\(error)")
        }
        let measurement = result.measurement
        let threshold = measurement?.threshold
        var arguments: StatementArguments = [run, result.statementID, result.verdict.rawValue, result.source.rawValue]
        arguments += [result.producer, measurement?.value, measurement?.unit, measurement?.sample, measurement?.margin]
        arguments += [threshold?.quantity, threshold?.comparison.rawValue, threshold?.value, threshold?.unit]
        arguments += [result.reason, observations, judgedAt]
        try db.execute(
            sql: """
                INSERT INTO results (run_id, statement_id, verdict, source, producer, measured_value, measured_unit,
                    sample, margin, threshold_quantity, threshold_comparison, threshold_value, threshold_unit, reason,
                    observations, judged_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
                    run, result.statementID, evidence.name, evidence.sha256, evidence.size, evidence.collectedBy,
                    evidence.collectedAt, evidence.description, EvidenceFiles.storedPath(evidence.sha256),
                ])
        }
        if let decision = result.notApplicable {
            try db.execute(
                sql: """
                    INSERT INTO na_decisions (run_id, statement_id, justification, decided_by, decided_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    run, result.statementID, decision.justification, decision.decidedBy,
                    decision.decidedAt ?? judgedAt,
                ])
        }
    }

    static func result(_ row: Row, evidence: [EvidenceRef], decision: NotApplicableDecision?) throws -> StatementResult
    {
        let id: String = row["statement_id"]
        let verdictText: String = row["verdict"]
        let sourceText: String = row["source"]
        guard let verdict = Verdict(rawValue: verdictText), let source = ResultSource(rawValue: sourceText) else {
            throw StoreError(
                .database, "result \(id) has an unknown verdict '\(verdictText)' or source '\(sourceText)'")
        }
        var measurement: AuditModel.Measurement?
        if let value: Double = row["measured_value"] {
            var threshold: Threshold?
            if let quantity: String = row["threshold_quantity"],
                let comparison = Comparison(rawValue: row["threshold_comparison"] ?? ""),
                let limit: Double = row["threshold_value"], let unit: String = row["threshold_unit"]
            {
                threshold = Threshold(quantity: quantity, comparison: comparison, value: limit, unit: unit)
            }
            var measured = AuditModel.Measurement(
                value: value, threshold: threshold, unit: row["measured_unit"] ?? "",
                sample: row["sample"])
            measured.margin = row["margin"]
            measurement = measured
        }
        let observationsText: String = row["observations"]
        let observations = (try? JSONDecoder().decode([Observation].self, from: Data(observationsText.utf8))) ?? []
        return StatementResult(
            statementID: id, verdict: verdict, source: source, producer: row["producer"], measurement: measurement,
            reason: row["reason"], observations: observations, evidence: evidence, notApplicable: decision,
            judgedAt: row["judged_at"])
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
        return try Row.fetchAll(db, sql: "SELECT * FROM results WHERE run_id = ? ORDER BY id", arguments: [run]).map {
            let id: String = $0["statement_id"]
            return try ResultRows.result($0, evidence: evidence[id] ?? [], decision: decisions[id])
        }
    }

    static func fetchRun(_ db: Database, _ id: Int64) throws -> RunRecord {
        if let run = try fetchRuns(db, where: "id = ?", arguments: [id]).first { return run }
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM runs ORDER BY id")
        let known =
            ids.isEmpty ? "the database has no runs yet" : "runs here: " + ids.map(String.init).joined(separator: ", ")
        throw StoreError(.noSuchRun, "no run \(id) (\(known))")
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
                counts: counts[id] ?? [:], mallAddress: row["mall_address"], mallCreditCode: row["mall_credit_code"])
        }
    }
}
