import AuditModel
import AuditStore
import Foundation
import TestSupport

// The checklist (`sampleChecklist`), temporary folders and process runners come from TestSupport, shared with the
// CLI tests.

/// A store in a fresh temporary directory, with a fixed clock when given.
func makeStore(_ name: String = "store", now: (@Sendable () -> Date)? = nil) throws -> (AuditStore, URL) {
    let dir = try temporaryDirectory(name)
    let path = dir.appendingPathComponent("mallaudit.sqlite").path
    let store = try now.map { try AuditStore(path: path, now: $0) } ?? AuditStore(path: path)
    return (store, dir)
}

func newRun(_ checklist: Checklist = sampleChecklist, site: String = "彭城广场", assessor: String? = "王工") -> NewRun {
    NewRun(
        siteName: site, siteDigest: String(repeating: "cd", count: 32), checklist: checklist, toolVersion: "0.1.0",
        assessor: assessor)
}

func result(_ id: String, _ verdict: Verdict, reason: String = "test") -> StatementResult {
    StatementResult(statementID: id, verdict: verdict, source: .probe, producer: "test-probe", reason: reason)
}
