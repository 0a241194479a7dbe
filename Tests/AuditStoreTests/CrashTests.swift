import AuditModel
import Foundation
import Testing

@testable import AuditStore

/// Reads a child's standard output line by line as it comes.
private final class LineReader {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    /// The next complete line, or nil at end of file.
    func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer.append(chunk)
        }
    }
}

@Suite("Crash safety")
struct CrashTests {
    @Test("SIGKILL mid-run loses no committed result, leaves the database intact and the run interrupted")
    func sigkillMidRun() throws {
        let dir = try temporaryDirectory("crash")
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("mallaudit.sqlite").path
        let total = 500

        let child = Process()
        child.executableURL = try mallauditBinary()
        child.arguments = ["_store-stress", "--db", database, "--count", "\(total)", "--delay-ms", "5"]
        let out = Pipe()
        child.standardOutput = out
        child.standardError = FileHandle.nullDevice
        try child.run()
        let reader = LineReader(out.fileHandleForReading)

        var runID: Int64?
        var committed: [String] = []
        while committed.count < 40, let line = reader.next() {
            if line.hasPrefix("run ") { runID = Int64(line.dropFirst(4)) }
            if line.hasPrefix("committed ") { committed.append(String(line.dropFirst("committed ".count))) }
        }
        let run = try #require(runID, "the child printed no run id")
        try #require(committed.count == 40, "the child stopped early")

        // While the child is alive and writing, another process sees the run running (WAL: readers do not block).
        let meanwhile = try AuditStore(path: database)
        #expect(try meanwhile.requireRun(run).status == .running)

        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)
        // Lines written after our last read but before the kill were committed too.
        while let line = reader.next() {
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
