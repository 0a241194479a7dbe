import AuditModel
import AuditMeasures
import Foundation
import Testing
import TestSupport

/// A fresh temporary directory for one test.
func makeTemporaryDirectory(_ name: String = "measures") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mallaudit-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `text` as UTF-8 to `name` under `directory` and returns its URL.
@discardableResult
func write(_ text: String, to name: String, in directory: URL) throws -> URL {
    try write(Array(text.utf8), to: name, in: directory)
}

/// Writes bytes to `name` under `directory` (creating subdirectories) and returns its URL.
@discardableResult
func write(_ bytes: [UInt8], to name: String, in directory: URL) throws -> URL {
    let url = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url)
    return url
}

/// Compresses `text` with the system's `gzip` (an encoder independent of the reader under test).
func gzipped(_ text: String) throws -> [UInt8] {
    let directory = try makeTemporaryDirectory("gzip")
    defer { try? FileManager.default.removeItem(at: directory) }
    let plain = try write(text, to: "plain", in: directory)
    _ = try runTool("/usr/bin/gzip", ["-k", "-n", plain.path])
    return [UInt8](try Data(contentsOf: directory.appendingPathComponent("plain.gz")))
}

/// A date from `YYYY-MM-DD` (test literals are valid).
func day(_ text: String) -> MeasureDate {
    guard let date = MeasureDate(iso: text) else { fatalError("bad test date \(text)") }
    return date
}

/// The calendar shipped in the repository.
func shippedCalendarURL() -> URL {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" {
        let candidate = dir.appendingPathComponent("calendars/cn-workdays.yaml")
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    fatalError("calendars/cn-workdays.yaml not found above \(#filePath)")
}

func shippedCalendar() throws -> WorkingDayCalendar { try WorkingDayCalendar.load(shippedCalendarURL()) }

/// Runs `body`, expects a ``DiagnosticsError`` and returns its first diagnostic.
func expectDiagnostic(
    _ body: () throws -> Any, sourceLocation: SourceLocation = #_sourceLocation
) -> Diagnostic? {
    do {
        _ = try body()
        Issue.record("expected a DiagnosticsError, got a result", sourceLocation: sourceLocation)
        return nil
    } catch let error as DiagnosticsError {
        #expect(!error.diagnostics.isEmpty, sourceLocation: sourceLocation)
        return error.diagnostics.first
    } catch {
        Issue.record("expected a DiagnosticsError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// GB18030 bytes of the words the tests use, as `iconv -f utf-8 -t gb18030` encodes them (so the decoder under
/// test is not also the encoder).
let gb18030Words: [String: [UInt8]] = [
    "满意": [0xC2, 0xFA, 0xD2, 0xE2],
    "基本满意": [0xBB, 0xF9, 0xB1, 0xBE, 0xC2, 0xFA, 0xD2, 0xE2],
    "不满意": [0xB2, 0xBB, 0xC2, 0xFA, 0xD2, 0xE2],
    "满意度": [0xC2, 0xFA, 0xD2, 0xE2, 0xB6, 0xC8],
    "编号": [0xB1, 0xE0, 0xBA, 0xC5],
    "备注": [0xB1, 0xB8, 0xD7, 0xA2],
    // "好，很好" with a full-width comma.
    "好，很好": [0xBA, 0xC3, 0xA3, 0xAC, 0xBA, 0xDC, 0xBA, 0xC3],
]

/// Builds GB18030 bytes from pieces: a known Chinese word (from ``gb18030Words``) or ASCII text.
func gb18030(_ pieces: [String]) -> [UInt8] {
    pieces.flatMap { piece -> [UInt8] in
        if let bytes = gb18030Words[piece] { return bytes }
        precondition(piece.allSatisfy(\.isASCII), "no GB18030 bytes for \(piece)")
        return Array(piece.utf8)
    }
}
