import AuditModel
import AuditXML
import Foundation

/// Checks of written XML, shared by the writers and usable by callers and tests. The parsing, the DOCTYPE refusal
/// and the schema validation are AuditXML's, the same as for checklists and answer bodies.
public enum ReportValidation {
    /// What an XML report is, in the words of a DOCTYPE refusal.
    public static let reportRole = XMLDocumentRole(
        noun: "an XML report", start: "<report xmlns=\"\(ReportResources.namespace)\">")

    /// Validates `data` against the schema at `schema`. Returns the problems, each located at a line of `data`
    /// (named `name`); empty when the document is valid. A valid report is checked while it is streamed; anything
    /// else is parsed into a tree again to locate each problem.
    ///
    /// - Throws: `DiagnosticsError` when the schema cannot be read or compiled.
    public static func problems(
        in data: Data, name: String, schema: URL, role: XMLDocumentRole = reportRole
    ) throws -> [Diagnostic] {
        try compiledSchema(schema).problems(in: data, file: name, role: role)
    }

    /// Reads and compiles the report schema at `url`, or throws with the reasons.
    static func compiledSchema(_ url: URL) throws -> CompiledSchema {
        let compilation = CompiledSchema.load(
            url, what: "the report schema",
            expected: "the repository's \(ReportResources.schemaRelativePath); set $\(ReportResources.schemaVariable) "
                + "to its path")
        guard let schema = compilation.schema else { throw DiagnosticsError(compilation.diagnostics) }
        return schema
    }

    /// Parses `data` (DOCTYPE refused); returns the root element's local name and namespace, or throws with the
    /// parser's diagnostics when it is not well-formed.
    public static func wellFormedRoot(
        of data: Data, name: String, role: XMLDocumentRole = XMLDocumentRole(noun: "an XML report")
    ) throws -> (name: String, namespace: String?) {
        let parsed = MarkupDocument.parseXML(data, name: name, role: role)
        guard let root = parsed.document?.root else {
            throw DiagnosticsError(
                parsed.diagnostics(file: name).withError(or: Diagnostic(file: name, message: "no root element")))
        }
        return (root.localName, root.namespaceURI)
    }
}

extension XMLText {
    /// `text` escaped for XML or HTML character data and attribute values (`&`, `<`, `>`, `"`, `'`), sanitized
    /// like `sanitized(_:)`. Used for the SVG chart, which is built in Swift; the same escaping as every
    /// `{{value}}` of the HTML templates.
    public static func escaped(_ text: String) -> String { ReportHTMLEscaping.escape(text) }
}
