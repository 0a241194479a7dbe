import AuditModel
import AuditStore
import Foundation

/// Support for `mallaudit-testkit store-stress` and `store-seed`, which let tests drive a real store in a separate
/// process (to kill it mid-way, or to prepare runs for the CLI tests).
public enum StoreTestSupport {
    /// A checklist of `count` shall statements `5.9-1` … `5.9-N` in one clause, assessed by probe.
    public static func syntheticChecklist(count: Int) -> Checklist {
        let statements = (0..<max(count, 1)).map { index in
            Statement(
                id: "5.9-\(index + 1)", clauseID: "5.9", modality: .shall,
                text: LocalizedText(zh: "应 \(index + 1)", en: "shall \(index + 1)"), methods: [.probe])
        }
        let clause = Clause(
            id: "5.9", chapter: 5, title: LocalizedText(zh: "压力测试", en: "Stress"),
            text: LocalizedText(zh: "", en: ""), statements: statements)
        return Checklist(
            version: "stress", standardTitleZH: "商场数字化服务规范", standardTitleEN: "Mall digital service specification",
            digest: "stress-\(count)",
            chapters: [Chapter(number: 5, title: LocalizedText(zh: "基础要求", en: "Basic"), clauses: [clause])])
    }

    /// Opens a run over `syntheticChecklist(count:)` and records `count` results one by one, `delayMilliseconds`
    /// apart, each in its own transaction. Calls `report("run ID")` once, then `report("committed STATEMENT")` after
    /// each commit returns, so a parent process knows exactly which results were committed before it killed this
    /// one. Completes the run at the end.
    public static func stress(
        database: String, count: Int, delayMilliseconds: Int, report: (String) -> Void
    ) throws {
        let store = try AuditStore(path: database)
        let checklist = syntheticChecklist(count: count)
        let run = try store.openRun(
            NewRun(siteName: "stress", siteDigest: nil, checklist: checklist, toolVersion: "stress", assessor: nil))
        report("run \(run.id)")
        let threshold = Threshold(quantity: "logRetention", comparison: .greaterThan, value: 60, unit: "day")
        for (index, statement) in checklist.statements.prefix(count).enumerated() {
            let measured = Double(55 + index % 10)
            let result = StatementResult(
                statementID: statement.id, verdict: threshold.isMet(by: measured) ? .pass : .fail, source: .probe,
                producer: "stress",
                measurement: AuditModel.Measurement(
                    value: measured, threshold: threshold, unit: "day",
                    sample: index),
                reason: "stress result \(index + 1)", observations: [Observation(name: "index", value: "\(index)")])
            try store.record(result, run: run.id)
            report("committed \(statement.id)")
            if delayMilliseconds > 0 { Thread.sleep(forTimeInterval: Double(delayMilliseconds) / 1000) }
        }
        try store.completeRun(run.id)
        report("completed \(run.id)")
    }

    /// Opens a run over the checklist in `checklistJSON` (an `AuditModel.Checklist` encoded as JSON), records the
    /// results in `resultsJSON` (a JSON array of `StatementResult`) when given, completes the run when asked, and
    /// returns its id.
    public static func seed(
        database: String, checklistJSON: URL, resultsJSON: URL?, site: String, assessor: String?, complete: Bool
    ) throws -> Int64 {
        let decoder = JSONDecoder()
        let checklist = try decoder.decode(Checklist.self, from: Data(contentsOf: checklistJSON))
        let results = try resultsJSON.map { try decoder.decode([StatementResult].self, from: Data(contentsOf: $0)) }
        let store = try AuditStore(path: database)
        let run = try store.openRun(
            NewRun(siteName: site, siteDigest: nil, checklist: checklist, toolVersion: "seed", assessor: assessor))
        for result in results ?? [] { try store.record(result, run: run.id) }
        if complete { try store.completeRun(run.id) } else { try store.markInterrupted(run.id) }
        return run.id
    }
}
