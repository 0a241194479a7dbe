import AuditChecklist
import AuditModel
import Foundation
import Testing

/// Where the test fixtures, the repository's schema and the shared specification are.
enum Paths {
    /// `Tests/AuditChecklistTests/Fixtures`, found from this source file (no Package.swift resources).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func malformed(_ name: String) -> URL { fixtures.appendingPathComponent("malformed/\(name)") }

    static func valid(_ name: String) -> URL { fixtures.appendingPathComponent("valid/\(name)") }

    /// The repository root: the directory above this file that holds Package.swift.
    static let repository: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `checklists/checklist.xsd` of this repository.
    static let schema = repository.appendingPathComponent("checklists/checklist.xsd")

    /// `spec/` in the repository: the standard and its clause key, as project files.
    static let sharedSpec = repository.appendingPathComponent("spec")
}

/// A fresh temporary directory.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mallaudit-checklist-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// One diagnostic as a test expects it: everything but the file, which every test checks separately.
struct ExpectedDiagnostic: Hashable, Sendable, CustomStringConvertible {
    var severity: Diagnostic.Severity = .error
    var line: Int?
    var message: String
    var expected: String?

    init(_ severity: Diagnostic.Severity = .error, line: Int?, _ message: String, expected: String?) {
        self.severity = severity
        self.line = line
        self.message = message
        self.expected = expected
    }

    init(_ diagnostic: Diagnostic) {
        self.init(diagnostic.severity, line: diagnostic.line, diagnostic.message, expected: diagnostic.expected)
    }

    var description: String { "\(line.map(String.init) ?? "-"): \(severity): \(message) (expected \(expected ?? "-"))" }
}
