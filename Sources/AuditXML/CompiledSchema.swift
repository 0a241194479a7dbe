import AuditModel
import CLibXML2
import Foundation

/// A compiled XML Schema (XSD 1.0), kept with the schema document it was compiled from (libxml2's schema points
/// into it). Frees both in `deinit`. Not Sendable: compile, use and drop it on one thread.
public final class CompiledSchema {
    private let pointer: xmlSchemaPtr
    private let document: MarkupDocument

    private init(pointer: xmlSchemaPtr, document: MarkupDocument) {
        self.pointer = pointer
        self.document = document
    }

    deinit { xmlSchemaFree(pointer) }

    /// The outcome of compiling a schema: the schema when it compiled, and every problem (warnings included).
    public struct Compilation {
        public var schema: CompiledSchema?
        public var diagnostics: [Diagnostic]
    }

    /// Reads and compiles the schema at `url`, named `file` in diagnostics (by default its path).
    ///
    /// - Parameters:
    ///   - what: the schema in words, for a file that cannot be read: `the checklist schema`.
    ///   - expected: where the schema should be, for that same case.
    public static func load(_ url: URL, file: String? = nil, what: String, expected: String) -> Compilation {
        let name = file ?? url.path
        do throws(XMLFileError) {
            return compile(try XMLFile.contents(of: url), file: name)
        } catch {
            let diagnostic = Diagnostic(file: name, message: "cannot read \(what): \(error.reason)", expected: expected)
            return Compilation(schema: nil, diagnostics: [diagnostic])
        }
    }

    /// Parses (DOCTYPE refused) and compiles the schema held in `data`. Compiler messages become
    /// `invalid schema: …` diagnostics at their line.
    public static func compile(_ data: Data, file: String) -> Compilation {
        let parsed = MarkupDocument.parseXML(data, name: file, role: .schema)
        guard let document = parsed.document else {
            return Compilation(
                schema: nil,
                diagnostics: parsed.diagnostics(file: file, expected: { _ in "a well-formed XML Schema" }))
        }
        let collector = XMLIssueCollector()
        var schema: CompiledSchema?
        if let context = SchemaParserContext(document) {
            let compiled = withExtendedLifetime((context, collector)) { () -> xmlSchemaPtr? in
                xmlSchemaSetParserStructuredErrors(context.pointer, collectIssue, collector.opaque)
                return xmlSchemaParse(context.pointer)
            }
            schema = compiled.map { CompiledSchema(pointer: $0, document: document) }
        }
        var diagnostics = collector.issues.map { issue in
            issue.diagnostic(
                file: file, message: "invalid schema: \(issue.message)", expected: "a valid XML Schema (XSD 1.0)")
        }
        if schema == nil {
            diagnostics = diagnostics.withError(
                or: Diagnostic(file: file, message: "the schema cannot be compiled", expected: "a valid XML Schema"))
        }
        return Compilation(schema: schema, diagnostics: diagnostics)
    }

    /// The outcome of validating one document.
    public struct Validation {
        public var isValid: Bool
        /// Every error and warning, in order; errors point to the node concerned (`XMLIssue.node`).
        public var issues: [XMLIssue]
    }

    /// Validates `document`, collecting every error (libxml2 goes on after the first).
    public func validate(_ document: MarkupDocument) -> Validation {
        XMLLibrary.prepare()
        let collector = XMLIssueCollector(document: document)
        guard let context = ValidationContext(self) else { return Validation(isValid: false, issues: []) }
        let valid = withExtendedLifetime((context, collector, document)) {
            xmlSchemaSetValidStructuredErrors(context.pointer, collectIssue, collector.opaque)
            return xmlSchemaValidateDoc(context.pointer, document.pointer) == 0
        }
        return Validation(isValid: valid, issues: collector.issues)
    }

    /// Whether `data` is well-formed and valid, checked while parsing it with SAX: no tree is built, about twice as
    /// fast as parsing and validating a tree (which matters for a 10,000-result report). No diagnostics: a caller
    /// that needs them parses a tree and validates it (`problems(in:file:role:)` does both). A document with a
    /// DOCTYPE, or in an encoding the DOCTYPE scan cannot read, is never streamed: the answer is false and the tree
    /// path refuses it with its line.
    public func isValidStreaming(_ data: Data) -> Bool {
        XMLLibrary.prepare()
        guard !data.isEmpty, data.count <= Int(Int32.max), DoctypeRefusal.scan(data) == .none,
            let context = ValidationContext(self)
        else { return false }
        let collector = XMLIssueCollector()  // collected and dropped: a failure is re-checked on a tree
        return withExtendedLifetime((context, collector)) {
            xmlSchemaSetValidStructuredErrors(context.pointer, collectIssue, collector.opaque)
            let input: xmlParserInputBufferPtr? = data.withUnsafeBytes { raw in
                // Copies the bytes; the parser frees the buffer with its input.
                xmlParserInputBufferCreateMem(
                    raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count), XML_CHAR_ENCODING_NONE)
            }
            guard let input else { return false }
            // No SAX handler of ours: the validator's own handles elements and text, and nothing declares
            // entities or reads an external subset (the scan above already refused any DOCTYPE).
            return xmlSchemaValidateStream(context.pointer, input, XML_CHAR_ENCODING_NONE, nil, nil) == 0
        }
    }

    /// The problems of `data` against this schema, each at its line of `file`; empty when it is valid. A valid
    /// document is checked by streaming; anything else is parsed (DOCTYPE refused) and validated as a tree, which
    /// locates each problem. Warnings are left out.
    public func problems(in data: Data, file: String, role: XMLDocumentRole) -> [Diagnostic] {
        if isValidStreaming(data) { return [] }
        let parsed = MarkupDocument.parseXML(data, name: file, role: role)
        guard let document = parsed.document else {
            return parsed.diagnostics(file: file).filter { $0.severity == .error }
        }
        let validation = validate(document)
        if validation.isValid { return [] }
        return validation.issues.filter { !$0.isWarning }.map { $0.diagnostic(file: file) }
            .withError(or: Diagnostic(file: file, message: "the document does not validate against its schema"))
    }

    /// The context that compiles a schema document. Frees it in `deinit`.
    private final class SchemaParserContext {
        let pointer: xmlSchemaParserCtxtPtr
        private let document: MarkupDocument

        init?(_ document: MarkupDocument) {
            XMLLibrary.prepare()
            guard let pointer = xmlSchemaNewDocParserCtxt(document.pointer) else { return nil }
            self.pointer = pointer
            self.document = document
        }

        deinit { xmlSchemaFreeParserCtxt(pointer) }
    }

    /// The context that validates one document against the schema. Frees it in `deinit`.
    private final class ValidationContext {
        let pointer: xmlSchemaValidCtxtPtr
        private let schema: CompiledSchema

        init?(_ schema: CompiledSchema) {
            guard let pointer = xmlSchemaNewValidCtxt(schema.pointer) else { return nil }
            self.pointer = pointer
            self.schema = schema
        }

        deinit { xmlSchemaFreeValidCtxt(pointer) }
    }
}
