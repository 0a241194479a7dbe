/// A problem found while reading an input file, with where it happened and what was expected.
///
/// Loaders collect these rather than stopping at the first problem; the command prints them
/// as `mallaudit: file:line:column: error: message (expected …)`, or `mallaudit: error: message` when no file is
/// involved.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning, note
    }

    public var severity: Severity
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var message: String
    /// What the reader expected to find there, when that helps the user fix it.
    public var expected: String?

    public init(
        _ severity: Severity = .error, file: String?, line: Int? = nil, column: Int? = nil, message: String,
        expected: String? = nil
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.expected = expected
    }

    public var description: String {
        var text = ""
        if let file {
            text = file
            if let line { text += ":\(line)" }
            if let line = line, let column, line > 0 { text += ":\(column)" }
            text += ": "
        }
        text += "\(severity.rawValue): \(message)"
        if let expected { text += " (expected \(expected))" }
        return text
    }
}

/// Thrown when an input cannot be used; carries every diagnostic found.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
