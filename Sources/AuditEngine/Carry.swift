import AuditModel
import AuditStore
import Foundation

/// The re-inspection (复查, `mallaudit run --carry-findings RUN`): an earlier run's manual findings — recorded with
/// `assess` or a findings file — go into the new run as they were (verdict, note, evidence, original date and
/// assessor), each marked as carried: its reason starts `carried from run N (ASSESSOR, DATE): ` and it bears the
/// observation `carriedFrom` (`run N; assessed by ASSESSOR at DATE`). A finding the new run makes for the same
/// statement or checkpoint replaces the carried one (it is re-assessed), as a later `assess` into the new run does.
public enum Carry {
    /// The observation a carried finding bears.
    public static let observationName = "carriedFrom"

    /// The manual findings of `run`, by statement id, marked as carried; only those the current `checklist` has a
    /// place for (a statement, or checkpoint, the checklist still has).
    public static func findings(from run: Int64, store: AuditStore, checklist: Checklist) throws
        -> [String: [StatementResult]]
    {
        _ = try store.requireRun(run)
        let inputs = try store.judgementInputs(run: run)
        var found: [String: [StatementResult]] = [:]
        for result in try store.results(run: run) {
            guard let statement = checklist.statement(result.statementID) else { continue }
            // Runs stored since v4 keep every finding piece; older ones only the result, manual when a finding made it.
            let pieces =
                inputs[result.statementID]?.findings ?? (result.source == .manual ? [result] : [])
            for piece in pieces where piece.source == .manual {
                if let checkpoint = piece.checkpointID, statement.checkpoint(checkpoint) == nil { continue }
                found[statement.id, default: []].append(marked(piece, from: run))
            }
        }
        return found
    }

    /// `piece` marked as carried from `run`, its date and assessor kept.
    static func marked(_ piece: StatementResult, from run: Int64) -> StatementResult {
        var carried = piece
        let assessor = piece.producer ?? piece.notApplicable?.decidedBy ?? "the inspector"
        let date = piece.judgedAt ?? piece.notApplicable?.decidedAt ?? "an unrecorded date"
        carried.reason = "carried from run \(run) (\(assessor), \(date)): " + piece.reason
        carried.observations.append(
            Observation(name: observationName, value: "run \(run); assessed by \(assessor) at \(date)"))
        return carried
    }
}
