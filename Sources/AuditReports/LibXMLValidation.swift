import AuditModel
import CLibXML2
import CLibXML2Shim
import Foundation

// Owners of the libxml2 handles used to check a written report. Each frees its handle in `deinit`. None of them is
// Sendable: they are created, used and freed on one thread inside one call (libxml2 keeps per-thread error state).

/// One libxml2 error or warning, copied out of the `xmlError` libxml2 owns.
struct LibXMLMessage {
    var message: String
    var line: Int
    var isWarning: Bool

    init(_ error: xmlError) {
        message = error.message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        line = Int(error.line)
        isWarning = error.level == XML_ERR_WARNING
    }
}

/// Collects the structured errors of one parse or validation.
final class LibXMLMessages {
    private(set) var messages: [LibXMLMessage] = []

    func record(_ error: xmlError) { messages.append(LibXMLMessage(error)) }

    var errors: [LibXMLMessage] { messages.filter { !$0.isWarning } }

    /// An unretained pointer to hand to libxml2 as callback data; `self` must outlive its use.
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer) -> LibXMLMessages {
        Unmanaged<LibXMLMessages>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// The errors as diagnostics located in `file`.
    func diagnostics(file: String) -> [Diagnostic] {
        errors.map { Diagnostic(file: file, line: $0.line > 0 ? $0.line : nil, message: $0.message) }
    }
}

/// Structured-error callback whose `userData` is a `LibXMLMessages` (schema contexts).
private let messagesHandler: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    LibXMLMessages.from(userData).record(error.pointee)
}

/// Structured-error callback of a parser context: libxml2 passes the context itself, whose `_private` field holds
/// the collector.
private let parserMessagesHandler: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let collector = context.pointee._private else { return }
    LibXMLMessages.from(collector).record(error.pointee)
}

/// A parsed XML document, freed in `deinit`. Must not cross threads.
final class ParsedXML {
    let pointer: xmlDocPtr

    private init(_ pointer: xmlDocPtr) { self.pointer = pointer }

    deinit { xmlFreeDoc(pointer) }

    /// Parses `data` with the project's safe options (no network, no entity substitution). Returns nil when the
    /// bytes are not well-formed; the reasons are in `messages`.
    static func parse(_ data: Data, messages: LibXMLMessages) -> ParsedXML? {
        clibxml2shim_init()
        guard let context = xmlNewParserCtxt() else { return nil }
        defer { xmlFreeParserCtxt(context) }
        context.pointee._private = messages.opaque
        context.pointee.sax?.pointee.serror = parserMessagesHandler
        let options = clibxml2shim_safe_parse_options()
        let document: xmlDocPtr? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0, raw.count <= Int(Int32.max) else { return nil }
            return xmlCtxtReadMemory(
                context, base.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, nil, options)
        }
        context.pointee._private = nil
        guard let document else { return nil }
        let owned = ParsedXML(document)
        return context.pointee.wellFormed == 0 ? nil : owned
    }

    /// The root element's local name and namespace URI.
    var root: (name: String, namespace: String?)? {
        guard let node = xmlDocGetRootElement(pointer) else { return nil }
        return (
            node.pointee.name.map { String(cString: $0) } ?? "",
            node.pointee.ns?.pointee.href.map { String(cString: $0) }
        )
    }
}

/// A compiled XML Schema, kept with the document it was compiled from (libxml2's schema may point into it).
/// Freed in `deinit`. Must not cross threads.
final class CompiledSchema {
    private let pointer: xmlSchemaPtr
    private let document: ParsedXML

    private init(pointer: xmlSchemaPtr, document: ParsedXML) {
        self.pointer = pointer
        self.document = document
    }

    deinit { xmlSchemaFree(pointer) }

    /// Reads and compiles the schema at `url`, or throws with the reasons.
    static func load(_ url: URL) throws -> CompiledSchema {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DiagnosticsError(
                Diagnostic(
                    file: url.path, message: "cannot read the report schema",
                    expected: "the repository's reports/report.xsd; set $\(ReportResources.schemaVariable) to its path")
            )
        }
        let messages = LibXMLMessages()
        guard let document = ParsedXML.parse(data, messages: messages) else {
            throw DiagnosticsError(
                messages.diagnostics(file: url.path).nonEmpty(
                    or: Diagnostic(file: url.path, message: "the report schema is not well-formed XML")))
        }
        guard let parser = xmlSchemaNewDocParserCtxt(document.pointer) else {
            throw DiagnosticsError(Diagnostic(file: url.path, message: "libxml2 could not create a schema parser"))
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        xmlSchemaSetParserStructuredErrors(parser, messagesHandler, messages.opaque)
        guard let schema = xmlSchemaParse(parser) else {
            throw DiagnosticsError(
                messages.diagnostics(file: url.path).nonEmpty(
                    or: Diagnostic(file: url.path, message: "the report schema does not compile")))
        }
        return CompiledSchema(pointer: schema, document: document)
    }

    /// Whether `data` is well-formed and valid, checked while parsing it with SAX (no tree is built: about twice as
    /// fast as parsing and validating a tree, which matters for a 10,000-result report). No diagnostics: callers
    /// that need them validate a parsed tree (`validate(_:messages:)`). Network and file access stay refused by the
    /// external-entity loader `clibxml2shim_init` installs, and entities are not substituted (libxml2's default,
    /// which mallaudit never changes).
    func isValidStreaming(_ data: Data) -> Bool {
        clibxml2shim_init()
        guard data.count > 0, data.count <= Int(Int32.max), let context = xmlSchemaNewValidCtxt(pointer) else {
            return false
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let messages = LibXMLMessages()  // collected and dropped: a failure is re-checked on a tree for diagnostics
        xmlSchemaSetValidStructuredErrors(context, messagesHandler, messages.opaque)
        let input: xmlParserInputBufferPtr? = data.withUnsafeBytes { raw in
            // Copies the bytes; the parser frees the buffer with its input.
            xmlParserInputBufferCreateMem(
                raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count), XML_CHAR_ENCODING_NONE)
        }
        guard let input else { return false }
        return xmlSchemaValidateStream(context, input, XML_CHAR_ENCODING_NONE, nil, nil) == 0
    }

    /// Validates `document`, collecting every error into `messages`. Returns whether it is valid.
    func validate(_ document: ParsedXML, messages: LibXMLMessages) -> Bool {
        guard let context = xmlSchemaNewValidCtxt(pointer) else { return false }
        defer { xmlSchemaFreeValidCtxt(context) }
        xmlSchemaSetValidStructuredErrors(context, messagesHandler, messages.opaque)
        return xmlSchemaValidateDoc(context, document.pointer) == 0
    }
}

/// Checks of written XML, shared by the writers and usable by callers and tests.
public enum ReportValidation {
    /// Parses `data` with the safe options and validates it against the schema at `schema`. Returns the problems,
    /// each located at a line of `data` (named `name`); empty when the document is valid.
    public static func problems(in data: Data, name: String, schema: URL) throws -> [Diagnostic] {
        let compiled = try CompiledSchema.load(schema)
        // The common case, a valid document, is checked without building a tree; anything else is parsed and
        // validated again as a tree, which locates each problem.
        if compiled.isValidStreaming(data) { return [] }
        let messages = LibXMLMessages()
        guard let document = ParsedXML.parse(data, messages: messages) else {
            return messages.diagnostics(file: name).nonEmpty(
                or: Diagnostic(file: name, message: "not well-formed XML"))
        }
        if compiled.validate(document, messages: messages) { return [] }
        return messages.diagnostics(file: name).nonEmpty(
            or: Diagnostic(file: name, message: "does not validate against \(schema.lastPathComponent)"))
    }

    /// Parses `data` with the safe options; returns the root element's local name and namespace, or throws with
    /// the parser's diagnostics when it is not well-formed.
    public static func wellFormedRoot(of data: Data, name: String) throws -> (name: String, namespace: String?) {
        let messages = LibXMLMessages()
        guard let document = ParsedXML.parse(data, messages: messages), let root = document.root else {
            throw DiagnosticsError(
                messages.diagnostics(file: name).nonEmpty(or: Diagnostic(file: name, message: "no root element")))
        }
        return root
    }
}

extension Array where Element == Diagnostic {
    /// Self, or `[fallback]` when empty: an error is never reported without a diagnostic.
    func nonEmpty(or fallback: Diagnostic) -> [Diagnostic] { isEmpty ? [fallback] : self }
}
