import AuditMeasures
import AuditModel
import AuditSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// The small rules behind the fixes of issue 12, each at its boundary: what a date is, what a timeout may be, what
// the console shows, what may be read as a file.

@Suite("Reliability: the rules at their boundaries")
struct InputSafetyTests {
    @Test(
        "a date is YYYY-MM-DD and exists",
        arguments: [
            ("2026-11-01", true), ("2028-02-29", true), ("2000-02-29", true), ("2026-12-31", true), ("0001-01-01", true),
            ("2027-02-29", false), ("1900-02-29", false), ("2026-02-30", false), ("2026-04-31", false),
            ("2026-13-01", false), ("2026-00-10", false), ("2026-01-00", false), ("2026-1-5", false),
            ("0000-01-01", false), ("2026-01-01T00:00:00Z", false), ("２０２６-01-01", false), ("", false),
        ])
    func dates(text: String, valid: Bool) {
        #expect(ISODate.isValid(text) == valid)
    }

    @Test(
        "a network timeout is more than 0 and at most 3600 seconds",
        arguments: [
            (0.001, true), (3600, true), (3600.0001, false), (0, false), (-1, false), (1e308, false),
            (Double.infinity, false), (Double.nan, false),
        ])
    func timeouts(seconds: Double, valid: Bool) {
        #expect((NetworkTimeout.problem(seconds) == nil) == valid)
    }

    @Test("the console shows control characters as escapes and keeps text, line feeds and tabs")
    func console() {
        #expect(ConsoleText.neutralised("星河广场\tok\n") == "星河广场\tok\n")
        #expect(ConsoleText.neutralised("\u{1B}]0;x\u{07}\u{1B}[2J") == "\\x1B]0;x\\x07\\x1B[2J")
        #expect(ConsoleText.neutralised("a\u{0}b\rc\u{7F}\u{9B}") == "a\\x00b\\x0Dc\\x7F\\x9B")
        #expect(ConsoleText.neutralised("abc\u{202E}fdp.exe") == "abc\\u{202E}fdp.exe")
    }

    @Test("only regular files outside the kernel's pseudo file systems may be read")
    func inputFiles() throws {
        #expect(InputFile.refusal("/dev/zero")?.reason.contains("character device") == true)
        #expect(InputFile.refusal("/proc/self/environ")?.reason.contains("procfs") == true)
        #expect(InputFile.refusal("/proc/cpuinfo")?.reason.contains("procfs") == true)
        #expect(InputFile.refusal("/sys/kernel/uevent_seqnum")?.reason.contains("sysfs") == true)
        #expect(InputFile.refusal("/etc")?.reason.contains("folder") == true)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inputfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(InputFile.refusal(fifo)?.reason.contains("FIFO") == true)
        #expect(throws: InputFile.Refusal.self) { _ = try InputFile.open(fifo) }
        let file = dir.appendingPathComponent("data.txt")
        try Data(repeating: 0x41, count: 100).write(to: file)
        #expect(InputFile.refusal(file.path) == nil)
        #expect(try InputFile.contents(file.path, limit: 100).count == 100)
        #expect(throws: InputFile.Refusal.self) { _ = try InputFile.contents(file.path, limit: 99) }
        #expect(throws: InputFile.Refusal.self) { _ = try InputFile.contents("/dev/zero", limit: 1 << 20) }
    }

    @Test("a CSV header naming a column twice is refused; names differing only in case or spaces are the same")
    func csvHeader() throws {
        #expect(throws: DiagnosticsError.self) { _ = try CSVReader.parse(Array("a,b, A \n1,2,3\n".utf8), file: "x.csv") }
        #expect(throws: Never.self) { _ = try CSVReader.parse(Array("a,b,,\n1,2,,\n".utf8), file: "x.csv") }
    }
}
