import AuditModel
import AuditXML
import Foundation

/// How probes and `http fetch` compare an XPath's result (the evaluation itself is AuditXML's).
extension XPathResult {
    /// The result as probes compare it: each node's trimmed text (an attribute's value), or the one string,
    /// number (`3`, `2.5`) or boolean (`true`).
    public var values: [String] {
        switch self {
        case .nodes(let nodes): nodes.map(\.text)
        case .string(let text): [text]
        case .number(let value): [NumberFormat.exact(value)]
        case .boolean(let value): [value ? "true" : "false"]
        }
    }
}

/// XPath over answer bodies, for probes and `http fetch`: AuditXML parses and evaluates, this says it in
/// `ExtractionError`s.
public enum XPathQuery {
    /// Parses `data` as HTML and returns the values `expression` selects (see `XPathResult.values`).
    ///
    /// `//form[@id='realname']/@action` gives the form's target; `count(//li)` gives `3`.
    public static func values(_ expression: String, inHTML data: Data, source: String? = nil) throws(ExtractionError)
        -> [String]
    {
        try evaluate(expression, in: try parseHTML(data, source: source)).values
    }

    /// Parses `data` as XML and returns the values `expression` selects.
    public static func values(
        _ expression: String, inXML data: Data, source: String? = nil, namespaces: [String: String] = [:]
    ) throws(ExtractionError) -> [String] {
        try evaluate(expression, in: try parseXML(data, source: source), namespaces: namespaces).values
    }

    /// Why `expression` does not compile as XPath 1.0 (libxml2's reason with the position), or nil: for checking
    /// probe files when they are loaded.
    public static func compileProblem(_ expression: String) -> String? {
        XPathExpression.problem(expression)?.reason
    }

    /// What an XML answer body is, in the words of a DOCTYPE refusal.
    public static let bodyRole = XMLDocumentRole(noun: "an XML body")

    private static func place(_ source: String?) -> String { source.map { " at \($0)" } ?? "" }

    /// Parses well-formed XML with AuditXML (DOCTYPE refused before parsing).
    ///
    /// - Throws: `ExtractionError` such as `expected XML at SOURCE: line 3, column 12: Opening and ending tag
    ///   mismatch: a line 2 and b`, or `expected XML at SOURCE: line 2: a DOCTYPE declaration is not allowed in an
    ///   XML body (…)`.
    public static func parseXML(_ data: Data, source: String? = nil) throws(ExtractionError) -> MarkupDocument {
        guard !data.isEmpty else {
            throw ExtractionError(.malformedDocument, "expected XML\(place(source)): the body is empty")
        }
        guard data.count < Int(Int32.max) else {
            throw ExtractionError(.malformedDocument, "expected XML\(place(source)): the body is too large to parse")
        }
        let parsed = MarkupDocument.parseXML(data, name: source ?? "body", role: bodyRole)
        if let document = parsed.document { return document }
        // The FIRST error: libxml2 goes on after a fatal one and its last error is then usually a consequence
        // ("Premature end of data") rather than the cause ("tag mismatch").
        let problem =
            parsed.refusal ?? parsed.failure
            ?? parsed.firstError.map { $0.diagnostic(file: source ?? "body") }
            ?? Diagnostic(file: source ?? "body", message: "not well-formed")
        var location = ""
        if let line = problem.line {
            location = problem.column.map { "line \(line), column \($0): " } ?? "line \(line): "
        }
        throw ExtractionError(
            .malformedDocument, "expected XML\(place(source)): \(location)\(problem.message)", line: problem.line,
            column: problem.column)
    }

    /// Parses HTML as browsers do (see `MarkupDocument.parseHTML`).
    public static func parseHTML(_ data: Data, source: String? = nil) throws(ExtractionError) -> MarkupDocument {
        guard !data.isEmpty else {
            throw ExtractionError(.malformedDocument, "expected HTML\(place(source)): the body is empty")
        }
        guard data.count < Int(Int32.max) else {
            throw ExtractionError(.malformedDocument, "expected HTML\(place(source)): the body is too large to parse")
        }
        guard let document = MarkupDocument.parseHTML(data, name: source ?? "body") else {
            throw ExtractionError(.malformedDocument, "expected HTML\(place(source)): no element found")
        }
        return document
    }

    /// Evaluates an XPath 1.0 expression over a parsed body.
    ///
    /// - Throws: `ExtractionError` (`invalidExpression`): `invalid XPath '//[': Invalid expression at character 3`.
    public static func evaluate(
        _ expression: String, in document: MarkupDocument, namespaces: [String: String] = [:]
    ) throws(ExtractionError) -> XPathResult {
        do throws(XPathError) {
            return try document.evaluate(expression, namespaces: namespaces)
        } catch {
            throw ExtractionError(.invalidExpression, "invalid XPath '\(expression)': \(error.reason)")
        }
    }
}
