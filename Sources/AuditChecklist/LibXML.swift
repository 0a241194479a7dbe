import AuditModel
import CLibXML2
import CLibXML2Shim
import Foundation

// Thin owners of libxml2 handles. Each frees its handle in `deinit`. None of them is Sendable:
// a document, a schema or a context is created, used and freed on one thread, inside one call
// of `ChecklistLoader`; libxml2 keeps per-thread error state, so they must not cross threads.

/// One libxml2 error or warning, copied out of the `xmlError` libxml2 owns.
struct LibXMLError {
    var domain: Int32
    var code: Int32
    var level: xmlErrorLevel
    var message: String
    var line: Int
    var column: Int
    /// The node the error is about (schema validation), valid while the document lives.
    var node: xmlNodePtr?

    init(_ error: xmlError) {
        domain = error.domain
        code = error.code
        level = error.level
        // One line: libxml2 sometimes adds a second line of detail ("Bytes: 0xFF 0xFE …").
        message = (error.message.map { String(cString: $0) } ?? "")
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        line = Int(error.line)
        column = Int(error.int2)
        node = error.node?.assumingMemoryBound(to: xmlNode.self)
    }

    var isWarning: Bool { level == XML_ERR_WARNING }
}

/// Collects the structured errors of one parse or one validation, and notes a refused DOCTYPE.
final class LibXMLErrorCollector {
    private(set) var errors: [LibXMLError] = []
    /// Set when the document had a `<!DOCTYPE`: parsing was stopped right there.
    private(set) var doctypeRejected = false
    /// Line of the DOCTYPE as libxml2 saw it when it stopped (the end of the declaration's head).
    private(set) var doctypeParserLine: Int?

    func record(_ error: xmlError) { errors.append(LibXMLError(error)) }

    func rejectDoctype(line: Int) {
        doctypeRejected = true
        doctypeParserLine = line
    }

    /// An unretained pointer to hand to libxml2 as callback data; `self` must outlive its use.
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer) -> LibXMLErrorCollector {
        Unmanaged<LibXMLErrorCollector>.fromOpaque(pointer).takeUnretainedValue()
    }
}

/// Structured-error callback whose `userData` is a `LibXMLErrorCollector` (schema contexts).
private let collectorErrorHandler: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    LibXMLErrorCollector.from(userData).record(error.pointee)
}

/// Structured-error callback of a parser context: libxml2 passes the context itself as `userData`,
/// whose `_private` field holds the collector.
private let parserErrorHandler: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let collector = context.pointee._private else { return }
    LibXMLErrorCollector.from(collector).record(error.pointee)
}

/// SAX `internalSubset` callback: called as soon as `<!DOCTYPE name …` has been read, before any
/// internal subset (`[ <!ENTITY … > ]`) is parsed. It refuses the document by stopping the parser,
/// so no entity is ever declared, loaded or expanded (no external entity, no billion laughs).
private let doctypeRefusal: internalSubsetSAXFunc = { ctx, _, _, _ in
    guard let ctx else { return }
    let context = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
    if let collector = context.pointee._private {
        let line = context.pointee.input.map { Int($0.pointee.line) } ?? 0
        LibXMLErrorCollector.from(collector).rejectDoctype(line: line)
    }
    xmlStopParser(context)
}

/// A parsed XML document. Frees it in `deinit`. Must not cross threads.
final class LibXMLDocument {
    let pointer: xmlDocPtr

    private init(pointer: xmlDocPtr) { self.pointer = pointer }

    deinit { xmlFreeDoc(pointer) }

    /// The root element, if the document has one.
    var root: xmlNodePtr? { xmlDocGetRootElement(pointer) }

    /// Parses `data` with the project's safe options (no network, no entity substitution) and
    /// refuses any DOCTYPE. Returns nil when the document is not usable; the reasons are in `collector`.
    static func parse(_ data: Data, collector: LibXMLErrorCollector) -> LibXMLDocument? {
        clibxml2shim_init()
        guard let parser = LibXMLParserContext(collector: collector) else { return nil }
        return withExtendedLifetime(parser) { () -> LibXMLDocument? in
            let options = clibxml2shim_safe_parse_options()
            let document: xmlDocPtr? = data.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, raw.count > 0, raw.count <= Int(Int32.max) else { return nil }
                // No URL and no forced encoding: the XML declaration (or a BOM) says how the bytes are encoded.
                return xmlCtxtReadMemory(
                    parser.pointer, base.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, nil, options)
            }
            guard let document else { return nil }
            let owned = LibXMLDocument(pointer: document)
            if collector.doctypeRejected || parser.pointer.pointee.wellFormed == 0 { return nil }
            return owned
        }
    }
}

/// A parser context whose errors go to a collector and whose SAX handler refuses DOCTYPEs.
/// Frees the context in `deinit`. Must not cross threads.
private final class LibXMLParserContext {
    let pointer: xmlParserCtxtPtr
    /// Kept alive as long as libxml2 may call back into it.
    private let collector: LibXMLErrorCollector

    init?(collector: LibXMLErrorCollector) {
        guard let pointer = xmlNewParserCtxt() else { return nil }
        self.pointer = pointer
        self.collector = collector
        pointer.pointee._private = collector.opaque
        if let sax = pointer.pointee.sax {
            sax.pointee.serror = parserErrorHandler
            sax.pointee.internalSubset = doctypeRefusal
        }
    }

    deinit {
        pointer.pointee._private = nil
        xmlFreeParserCtxt(pointer)
    }
}

/// A compiled XML Schema. Keeps the schema document alive as long as the schema, since libxml2's
/// schema may point into it. Frees both in `deinit`. Must not cross threads.
final class LibXMLSchema {
    let pointer: xmlSchemaPtr
    private let document: LibXMLDocument

    private init(pointer: xmlSchemaPtr, document: LibXMLDocument) {
        self.pointer = pointer
        self.document = document
    }

    deinit { xmlSchemaFree(pointer) }

    /// Compiles the schema in `document`; returns nil with the reasons in `collector`.
    static func compile(_ document: LibXMLDocument, collector: LibXMLErrorCollector) -> LibXMLSchema? {
        guard let parser = SchemaParserContext(document) else { return nil }
        let schema = withExtendedLifetime((parser, collector)) { () -> xmlSchemaPtr? in
            xmlSchemaSetParserStructuredErrors(parser.pointer, collectorErrorHandler, collector.opaque)
            return xmlSchemaParse(parser.pointer)
        }
        return schema.map { LibXMLSchema(pointer: $0, document: document) }
    }

    /// Validates `document`, collecting every error (libxml2 goes on after the first).
    /// Returns whether the document is valid.
    func validate(_ document: LibXMLDocument, collector: LibXMLErrorCollector) -> Bool {
        guard let context = ValidationContext(self) else { return false }
        return withExtendedLifetime((context, collector, document)) {
            xmlSchemaSetValidStructuredErrors(context.pointer, collectorErrorHandler, collector.opaque)
            return xmlSchemaValidateDoc(context.pointer, document.pointer) == 0
        }
    }

    /// The context that compiles a schema document. Frees it in `deinit`.
    private final class SchemaParserContext {
        let pointer: xmlSchemaParserCtxtPtr
        private let document: LibXMLDocument

        init?(_ document: LibXMLDocument) {
            guard let pointer = xmlSchemaNewDocParserCtxt(document.pointer) else { return nil }
            self.pointer = pointer
            self.document = document
        }

        deinit { xmlSchemaFreeParserCtxt(pointer) }
    }

    /// The context that validates one document against the schema. Frees it in `deinit`.
    private final class ValidationContext {
        let pointer: xmlSchemaValidCtxtPtr
        private let schema: LibXMLSchema

        init?(_ schema: LibXMLSchema) {
            guard let pointer = xmlSchemaNewValidCtxt(schema.pointer) else { return nil }
            self.pointer = pointer
            self.schema = schema
        }

        deinit { xmlSchemaFreeValidCtxt(pointer) }
    }
}

// MARK: - Reading the tree without allocating

extension UnsafeMutablePointer where Pointee == xmlNode {
    /// The element's local name.
    var localName: String { pointee.name.map { String(cString: $0) } ?? "" }

    /// The element's namespace URI, if any.
    var namespaceURI: String? { pointee.ns?.pointee.href.map { String(cString: $0) } }

    /// The line of the node in its file (`xmlGetLineNo`, large lines kept by XML_PARSE_BIG_LINES).
    var line: Int { Int(xmlGetLineNo(self)) }

    /// Child elements, in document order.
    var childElements: [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE { result.append(node) }
            child = node.pointee.next
        }
        return result
    }

    /// The first child element with this local name.
    func child(_ name: String) -> xmlNodePtr? { childElements.first { $0.localName == name } }

    /// Every child element with this local name.
    func children(_ name: String) -> [xmlNodePtr] { childElements.filter { $0.localName == name } }

    /// The concatenated text and CDATA of the element's direct children.
    var text: String {
        var result = ""
        var child = pointee.children
        while let node = child {
            if node.pointee.type == XML_TEXT_NODE || node.pointee.type == XML_CDATA_SECTION_NODE,
                let content = node.pointee.content
            {
                result += String(cString: content)
            }
            child = node.pointee.next
        }
        return result
    }

    /// The value of an attribute without a namespace, if present.
    func attribute(_ name: String) -> String? {
        var property = pointee.properties
        while let attribute = property {
            if attribute.pointee.ns == nil, let attributeName = attribute.pointee.name,
                String(cString: attributeName) == name
            {
                var value = ""
                var child = attribute.pointee.children
                while let node = child {
                    if let content = node.pointee.content { value += String(cString: content) }
                    child = node.pointee.next
                }
                return value
            }
            property = attribute.pointee.next
        }
        return nil
    }

    /// The element itself or its nearest ancestor element that has an `id` (or a chapter `number`),
    /// to say in a diagnostic which statement, clause or chapter it is about.
    var describedContext: (element: String, identifier: String)? {
        var current: xmlNodePtr? = self
        while let node = current, node.pointee.type == XML_ELEMENT_NODE {
            if let id = node.attribute("id") { return (node.localName, id) }
            if node.localName == "chapter", let number = node.attribute("number") { return ("chapter", number) }
            current = node.pointee.parent
        }
        return nil
    }
}
