import AuditModel
import AuditReports
import AuditStore
import AuditSupport
import Foundation

/// The report of a stored run, built in one place for `mallaudit report`, `mallaudit run --report-dir` and signed
/// bundles: the checklist the run was judged with, its results, its N/A decisions, its metadata, settings
/// and scope, and what each statement was judged from (for the cards' explanations).
/// Everything comes from the store, so the same stored run always gives the same report bytes.
///
/// The store masks personal data when it records a result; the report masks again with the run's rules (masking is
/// idempotent), so nothing personal reaches any format whatever wrote the store.
public enum StoredRunReport {
    public static func make(store: AuditStore, run id: Int64) throws -> AuditReport {
        let record = try store.requireRun(id)
        let (checklist, results) = try store.checklistAndResults(run: id)
        let completion: RunCompletion =
            switch record.status {
            case .completed: .completed
            case .running: .running
            case .interrupted: .interrupted
            }
        let metadata = RunMetadata(
            runID: String(record.id),
            mall: MallIdentity(name: record.siteName, address: record.mallAddress, creditCode: record.mallCreditCode),
            assessor: record.assessor, startedAt: record.startedAt, endedAt: record.endedAt, completion: completion,
            toolVersion: record.toolVersion, siteProfileDigest: record.siteDigest, asOf: record.asOf,
            settings: record.settings, scope: record.scope)
        let masker = try store.masker(run: id)
        let masked = results.map { $0.masked(by: masker) }
        let inputs = try store.judgementInputs(run: id).mapValues { $0.all.map { $0.masked(by: masker) } }
        return AuditReport(
            run: metadata, checklist: checklist, results: masked, decisions: masked.compactMap(\.notApplicable),
            judgementInputs: inputs)
    }
}
