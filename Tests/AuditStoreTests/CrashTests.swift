import AuditModel
import Foundation
import Testing
import TestSupport

@testable import AuditStore

@Suite("Crash safety")
struct CrashTests {
    @Test("SIGKILL mid-run loses no committed result, leaves the database intact and the run interrupted")
    func sigkillMidRun() throws {
        let dir = try temporaryDirectory("crash")
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("mallaudit.sqlite").path
        let total = 500

        let child = try ChildProcess(
            testkitBinary(), ["store-stress", "--db", database, "--count", "\(total)", "--delay-ms", "5"])

        var runID: Int64?
        var committed: [String] = []
        while committed.count < 40, let line = child.nextLine() {
            if line.hasPrefix("run ") { runID = Int64(line.dropFirst(4)) }
            if line.hasPrefix("committed ") { committed.append(String(line.dropFirst("committed ".count))) }
        }
        let run = try #require(runID, "the child printed no run id")
        try #require(committed.count == 40, "the child stopped early")

        // While the child is alive and writing, another process sees the run running (WAL: readers do not block).
        let meanwhile = try AuditStore(path: database)
        #expect(try meanwhile.requireRun(run).status == .running)

        child.kill()
        #expect(child.process.terminationReason == .uncaughtSignal && child.process.terminationStatus == SIGKILL)
        // Lines written after our last read but before the kill were committed too.
        while let line = child.nextLine() {
            if line.hasPrefix("committed ") { committed.append(String(line.dropFirst("committed ".count))) }
            #expect(!line.hasPrefix("completed"), "the child finished before it was killed: raise --count")
        }

        let store = try AuditStore(path: database)
        #expect(try store.integrityCheck() == ["ok"])
        let record = try store.requireRun(run)
        #expect(record.status == .interrupted)
        #expect(record.endedAt == nil)
        let stored = try store.results(run: run).map(\.statementID)
        #expect(Set(committed).isSubset(of: Set(stored)), "every result reported committed is still there")
        #expect(stored.count >= committed.count && stored.count < total)
        // Results were recorded in order: what is stored is exactly the first N statements.
        #expect(stored == (1...stored.count).map { "5.9-\($0)" })
        // The interrupted run can be taken over and finished.
        _ = try store.resumeRun(run)
        try store.completeRun(run)
        #expect(try store.requireRun(run).status == .completed)
    }
}
