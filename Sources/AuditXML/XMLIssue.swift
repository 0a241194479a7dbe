import AuditModel
import CLibXML2
import Foundation

/// One error or warning libxml2 reported while parsing, compiling a schema or validating, copied out of the
/// `xmlError` libxml2 owns. Callers turn it into a `Diagnostic` (`diagnostic(file:…)`), adding what they expected.
///
/// Not Sendable: `node` points into a document (kept alive by it) that must stay on its thread.
public struct XMLIssue {
    /// What kind of problem it is, where a caller words it specially.
    public enum Kind: Sendable, Hashable {
        /// The document is empty or does not start like XML (`XML_ERR_DOCUMENT_EMPTY`, `XML_ERR_DOCUMENT_START`).
        case notADocument
        /// A reference to an entity nobody declared (`&x;`): documents declare no entity.
        case undeclaredEntity
        case other
    }

    public var kind: Kind
    /// libxml2's error code (`xmlParserErrors`), for the record.
    public var code: Int
    public var isWarning: Bool
    /// libxml2's message on one line (it sometimes adds a second line of detail, "Bytes: 0xFF 0xFE …").
    public var message: String
    /// 1-based line, when libxml2 knew it.
    public var line: Int?
    /// 1-based column (parser errors), when libxml2 knew it.
    public var column: Int?
    /// The node the problem is about (schema validation), with its document.
    public var node: MarkupNode?

    init(_ error: xmlError, document: MarkupDocument?) {
        switch error.code {
        case Int32(XML_ERR_DOCUMENT_EMPTY.rawValue), Int32(XML_ERR_DOCUMENT_START.rawValue): kind = .notADocument
        case Int32(XML_ERR_UNDECLARED_ENTITY.rawValue), Int32(XML_WAR_UNDECLARED_ENTITY.rawValue):
            kind = .undeclaredEntity
        default: kind = .other
        }
        code = Int(error.code)
        isWarning = error.level == XML_ERR_WARNING
        message = (error.message.map { String(cString: $0) } ?? "")
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        line = error.line > 0 ? Int(error.line) : nil
        column = error.int2 > 0 ? Int(error.int2) : nil
        if let document, let pointer = error.node?.assumingMemoryBound(to: xmlNode.self) {
            node = MarkupNode(pointer, in: document)
        }
    }

    /// The issue as a diagnostic in `file`: its severity, line (else the node's line, else `fallbackLine`) and
    /// column, `message` (libxml2's by default) and what was `expected`.
    public func diagnostic(
        file: String, message: String? = nil, expected: String? = nil, fallbackLine: Int? = nil
    ) -> Diagnostic {
        Diagnostic(
            isWarning ? .warning : .error, file: file, line: line ?? node?.line ?? fallbackLine, column: column,
            message: message ?? self.message, expected: expected)
    }
}

/// Collects the structured errors of one parse, schema compilation or validation. Handed to libxml2 as an
/// unretained pointer: the owner keeps it alive while libxml2 may call back. One thread only.
final class XMLIssueCollector {
    private(set) var issues: [XMLIssue] = []
    /// The document whose nodes the issues may point to (validation).
    private let document: MarkupDocument?
    /// Set when libxml2 reached a DOCTYPE (the SAX hook of `XMLParserContext`): the line where it stopped.
    private(set) var doctypeLine: Int?

    init(document: MarkupDocument? = nil) { self.document = document }

    func record(_ error: xmlError) { issues.append(XMLIssue(error, document: document)) }

    func refuseDoctype(line: Int) { doctypeLine = line }

    /// An unretained pointer to hand to libxml2 as callback data.
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer) -> XMLIssueCollector {
        Unmanaged<XMLIssueCollector>.fromOpaque(pointer).takeUnretainedValue()
    }
}

/// Structured-error callback whose `userData` is an `XMLIssueCollector` (schema contexts).
let collectIssue: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    XMLIssueCollector.from(userData).record(error.pointee)
}

extension Array where Element == Diagnostic {
    /// Self, or `[fallback]` when there is no error among them: a failure is never reported without one.
    public func withError(or fallback: @autoclosure () -> Diagnostic) -> [Diagnostic] {
        contains { $0.severity == .error } ? self : self + [fallback()]
    }
}
