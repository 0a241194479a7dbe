import Foundation
import Logging
import PostgresNIO

/// The bureau's two writes of the rectification model (docs/server.md, "Rectification"), written once for the API
/// (`POST /api/v1/malls/{creditCode}/rectifications`, `POST /api/v1/rectifications/{id}/confirm`) and the pages'
/// forms. The caller has checked `AccessPolicy.decide(.manageRectifications, …)` and that the mall is visible.
///
/// - A due date opens an item on a **failed shall (or shall-not) statement**: the statement must fail in the mall's
///   latest run that judged it (or in the run named), and the date may not be before that run. Setting a date again
///   moves the open item's date.
/// - A confirmation closes an open item with the bureau's note (`close_reason: bureau-confirmation`); closing by a
///   passing inspection happens at ingest (`Ingest.updateRectifications`).
struct RectificationWrites: Sendable {
    let database: Database
    let logger: Logger

    /// Opens the item, or moves the open one's due date. Returns its id and whether it was opened now.
    func setDueDate(
        mallID: Int64, statementID: String, dueDate: String, runID: Int64?, principal: Principal, client: String?
    ) async throws -> (id: Int64, created: Bool) {
        guard Formats.isDate(dueDate) else {
            throw APIError.badRequest("due date '\(dueDate)' is not a date (YYYY-MM-DD)")
        }
        let unprocessable = { (code: String, message: String) in APIError(.unprocessableContent, code: code, message) }
        let logger = logger
        return try await database.transaction { connection -> (Int64, Bool) in
            let rows = try await connection.query(
                """
                SELECT r.id, s.verdict, s.modality, \(dueDate)::date >= r.judgement_date
                FROM runs r JOIN statement_results s ON s.run_id = r.id AND s.statement_id = \(statementID)
                WHERE r.mall_id = \(mallID) AND (\(runID)::bigint IS NULL OR r.id = \(runID)::bigint)
                ORDER BY r.judgement_date DESC, r.received_at DESC, r.id DESC LIMIT 1
                """, logger: logger
            ).collect()
            guard let row = rows.first else {
                throw unprocessable(
                    "no-result", "no run of this mall\(runID.map { " numbered \($0)" } ?? "") judged statement "
                        + statementID)
            }
            let (runID, verdict, modality, dueAfterRun) = try row.decode((Int64, String, String, Bool).self)
            guard modality == "shall" || modality == "shallNot" else {
                throw unprocessable(
                    "not-requirement", "statement \(statementID) is a \(modality) statement, not a requirement")
            }
            guard verdict == "fail" else {
                throw unprocessable("not-failed", "statement \(statementID) is \(verdict), not fail, in run \(runID)")
            }
            guard dueAfterRun else {
                throw unprocessable("due-before-run", "the due date is before the run that found the failure")
            }
            let saved = try await connection.query(
                """
                INSERT INTO rectifications (mall_id, statement_id, opened_run_id, due_date, due_set_by)
                VALUES (\(mallID), \(statementID), \(runID), \(dueDate)::date, \(principal.accountID))
                ON CONFLICT (mall_id, statement_id) WHERE state = 'open'
                DO UPDATE SET due_date = EXCLUDED.due_date, due_set_by = EXCLUDED.due_set_by, due_set_at = now()
                RETURNING id, xmax = 0
                """, logger: logger
            ).collect()
            let (id, inserted) = try saved[0].decode((Int64, Bool).self)
            try await connection.record(
                AccessEvent(
                    "set-due-date", principal: principal, mallID: mallID, target: statementID,
                    client: client, detail: "item=\(id) due=\(dueDate) run=\(runID)"), logger: logger)
            return (id, inserted)
        }
    }

    /// Closes an open item on the bureau's confirmation; 404 for an unknown item, 409 for a closed one.
    func confirm(id: Int64, note: String, principal: Principal, client: String?) async throws {
        guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("a confirmation needs a note (what the bureau saw)")
        }
        let logger = logger
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE rectifications SET state = 'closed', closed_at = now(), closed_by_account = \(principal.accountID),
                    close_reason = 'bureau-confirmation', close_note = \(note)
                WHERE id = \(id) AND state = 'open' RETURNING mall_id
                """, logger: logger
            ).collect()
            guard let mallID = try rows.first?.decode(Int64.self) else {
                let exists = try await connection.query(
                    "SELECT 1 FROM rectifications WHERE id = \(id)", logger: logger
                ).collect()
                if exists.isEmpty { throw APIError.notFound("rectification") }
                throw APIError(.conflict, code: "closed", "rectification \(id) is closed already")
            }
            try await connection.record(
                AccessEvent(
                    "confirm-rectification", principal: principal, mallID: mallID, target: "\(id)", client: client),
                logger: logger)
        }
    }
}
