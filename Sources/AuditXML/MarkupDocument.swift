import AuditModel
import CLibXML2
import Foundation

/// A parsed XML or HTML document. Frees it in `deinit`.
///
/// Not Sendable: libxml2 documents are not thread-safe. Create, read and drop a document on one thread (or inside
/// one synchronous call of a task); never hand it or a `MarkupNode` of it to another thread.
public final class MarkupDocument {
    /// Which parser read the document.
    public enum Kind: String, Sendable, Hashable {
        case xml = "XML"
        case html = "HTML"
    }

    public let kind: Kind
    /// What diagnostics call the document: a file path, a URL, `<XML report of run 7>`.
    public let name: String
    let pointer: xmlDocPtr

    private init(kind: Kind, name: String, pointer: xmlDocPtr) {
        self.kind = kind
        self.name = name
        self.pointer = pointer
    }

    deinit { xmlFreeDoc(pointer) }

    /// The root element, if the document has one.
    public var root: MarkupNode? { xmlDocGetRootElement(pointer).map { MarkupNode($0, in: self) } }

    // MARK: XML

    /// Parses XML safely: a DOCTYPE is refused before parsing (`DoctypeRefusal`), then libxml2 reads the bytes
    /// with no network, no entity substitution, no XInclude and an entity loader that refuses everything, and
    /// collects every error with its line. The XML declaration (or a byte order mark) says how the bytes are
    /// encoded.
    ///
    /// - Parameters:
    ///   - name: how diagnostics name the document (`file`).
    ///   - role: what the document is, for the DOCTYPE refusal's words.
    public static func parseXML(_ data: Data, name: String, role: XMLDocumentRole) -> XMLParseResult {
        parseXML(data, name: name, role: role, scanFirst: true)
    }

    /// `parseXML`, with the prolog scan (the first gate of `DoctypeRefusal`) skipped when `scanFirst` is false, so
    /// that tests can show the second gate alone refuses a DOCTYPE.
    static func parseXML(_ data: Data, name: String, role: XMLDocumentRole, scanFirst: Bool) -> XMLParseResult {
        XMLLibrary.prepare()
        if scanFirst, case .doctype(let line) = DoctypeRefusal.scan(data) {
            return XMLParseResult(
                document: nil, issues: [], refusal: DoctypeRefusal.diagnostic(file: name, line: line, role: role))
        }
        let collector = XMLIssueCollector()
        guard data.count <= Int(Int32.max), let parser = XMLParserContext(collector: collector) else {
            let diagnostic = Diagnostic(file: name, line: 1, message: "libxml2 cannot read \(data.count) bytes")
            return XMLParseResult(document: nil, issues: [], refusal: nil, failure: diagnostic)
        }
        let parsed: xmlDocPtr? = withExtendedLifetime(parser) {
            data.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, raw.count > 0 else { return nil }
                // No URL and no forced encoding.
                return xmlCtxtReadMemory(
                    parser.pointer, base.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, nil,
                    XMLLibrary.safeParseOptions)
            }
        }
        let document = parsed.map { MarkupDocument(kind: .xml, name: name, pointer: $0) }
        if let line = collector.doctypeLine {
            return XMLParseResult(
                document: nil, issues: [], refusal: DoctypeRefusal.diagnostic(file: name, line: line, role: role))
        }
        let wellFormed = parser.pointer.pointee.wellFormed != 0
        return XMLParseResult(document: wellFormed ? document : nil, issues: collector.issues, refusal: nil)
    }

    // MARK: HTML

    /// Parses HTML as browsers do, forgiving unclosed tags. The body is read as UTF-8 when it is valid UTF-8,
    /// otherwise by its `<meta charset>` (or ISO-8859-1). A `<!DOCTYPE html>` is fine: the HTML parser loads no DTD,
    /// parses no internal subset and knows only HTML's own character references (see `DoctypeRefusal`).
    ///
    /// - Returns: nil when there is no element at all (an empty body, plain text that is not even a fragment).
    public static func parseHTML(_ data: Data, name: String) -> MarkupDocument? {
        XMLLibrary.prepare()
        guard !data.isEmpty, data.count < Int(Int32.max) else { return nil }
        let encoding: String? = String(data: data, encoding: .utf8) != nil ? "UTF-8" : nil
        let parsed: htmlDocPtr? = data.withUnsafeBytes { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                htmlReadMemory(chars.baseAddress, Int32(chars.count), nil, encoding, XMLLibrary.htmlParseOptions)
            }
        }
        guard let parsed else { return nil }
        let document = MarkupDocument(kind: .html, name: name, pointer: parsed)
        return document.root == nil ? nil : document
    }
}

/// The outcome of `MarkupDocument.parseXML`.
public struct XMLParseResult {
    /// The document, when it is well-formed and was not refused.
    public var document: MarkupDocument?
    /// libxml2's errors and warnings, in order (empty when the document was refused).
    public var issues: [XMLIssue]
    /// The refusal of a DOCTYPE, with its line.
    public var refusal: Diagnostic?
    /// Why libxml2 could not even start (out of memory, more than 2 GiB).
    public var failure: Diagnostic?

    init(document: MarkupDocument?, issues: [XMLIssue], refusal: Diagnostic?, failure: Diagnostic? = nil) {
        self.document = document
        self.issues = issues
        self.refusal = refusal
        self.failure = failure
    }

    /// The first error (not warning) libxml2 reported: the cause, where later ones are often consequences
    /// ("Premature end of data" after a tag mismatch).
    public var firstError: XMLIssue? { issues.first { !$0.isWarning } }

    /// Every problem as a diagnostic in `file`: the refusal alone, or each issue as `not well-formed XML: …` at its
    /// line (1 when libxml2 gave none) with what `expected` says for it, and a plain `not well-formed XML` (expected:
    /// `otherwise`) when there was no document and no error said why.
    public func diagnostics(
        file: String, expected: (XMLIssue) -> String = { _ in "well-formed XML" },
        otherwise: String = "well-formed XML"
    ) -> [Diagnostic] {
        if let refusal { return [refusal] }
        if let failure { return [failure] }
        let found = issues.map {
            $0.diagnostic(
                file: file, message: "not well-formed XML: \($0.message)", expected: expected($0), fallbackLine: 1)
        }
        guard document == nil else { return found }
        return found.withError(or: Diagnostic(file: file, line: 1, message: "not well-formed XML", expected: otherwise))
    }
}

/// A parser context whose errors go to a collector and whose SAX handler refuses DOCTYPEs (the second gate of
/// `DoctypeRefusal`). Frees the context in `deinit`. One thread only.
final class XMLParserContext {
    let pointer: xmlParserCtxtPtr
    /// Kept alive as long as libxml2 may call back into it.
    private let collector: XMLIssueCollector

    init?(collector: XMLIssueCollector) {
        guard let pointer = xmlNewParserCtxt() else { return nil }
        self.pointer = pointer
        self.collector = collector
        pointer.pointee._private = collector.opaque
        if let sax = pointer.pointee.sax {
            sax.pointee.serror = parserIssue
            sax.pointee.internalSubset = stopAtDoctype
        }
    }

    deinit {
        pointer.pointee._private = nil
        xmlFreeParserCtxt(pointer)
    }
}

/// Structured-error callback of a parser context: libxml2 passes the context itself as `userData`, whose
/// `_private` field holds the collector.
private let parserIssue: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let collector = context.pointee._private else { return }
    XMLIssueCollector.from(collector).record(error.pointee)
}

/// SAX `internalSubset` callback: called as soon as `<!DOCTYPE name …` has been read, before any internal subset
/// (`[ <!ENTITY … > ]`) is parsed and before any external subset could be. Stops the parser right there.
private let stopAtDoctype: internalSubsetSAXFunc = { ctx, _, _, _ in
    guard let ctx else { return }
    let context = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
    if let collector = context.pointee._private {
        let line = context.pointee.input.map { Int($0.pointee.line) } ?? 1
        XMLIssueCollector.from(collector).refuseDoctype(line: max(line, 1))
    }
    xmlStopParser(context)
}

// MARK: - Reading the tree

/// A node of a `MarkupDocument` (an element, usually), read without copying the tree. Holds its document, so it
/// stays valid as long as it is used; like the document, it must not cross threads.
public struct MarkupNode {
    let pointer: xmlNodePtr
    /// The document the node belongs to.
    public let document: MarkupDocument

    init(_ pointer: xmlNodePtr, in document: MarkupDocument) {
        self.pointer = pointer
        self.document = document
    }

    /// Whether the node is an element (not an attribute, text, comment…).
    public var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }

    /// The element's (or attribute's) local name.
    public var localName: String { string(pointer.pointee.name) }

    /// The element's namespace URI, if any.
    public var namespaceURI: String? { pointer.pointee.ns?.pointee.href.map { String(cString: $0) } }

    /// The line of the node in its document (`xmlGetLineNo`; lines past 65535 kept).
    public var line: Int { Int(xmlGetLineNo(pointer)) }

    /// The parent element, if the parent is one.
    public var parent: MarkupNode? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return MarkupNode(parent, in: document)
    }

    /// Child elements, in document order.
    public var childElements: [MarkupNode] {
        var result: [MarkupNode] = []
        var child = pointer.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE { result.append(MarkupNode(node, in: document)) }
            child = node.pointee.next
        }
        return result
    }

    /// The first child element with this local name.
    public func child(_ name: String) -> MarkupNode? { childElements.first { $0.localName == name } }

    /// Every child element with this local name.
    public func children(_ name: String) -> [MarkupNode] { childElements.filter { $0.localName == name } }

    /// The concatenated text and CDATA of the node's direct children (not of deeper elements).
    public var text: String {
        var result = ""
        var child = pointer.pointee.children
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

    /// The node's whole text content, descendants included (an attribute's value for an attribute).
    public var content: String {
        // Through an xmlBuffer: `xmlFree` is a global variable Swift 6 will not call.
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        guard xmlNodeBufGetContent(buffer, pointer) == 0, let text = xmlBufferContent(buffer) else { return "" }
        return String(cString: text)
    }

    /// The value of an attribute without a namespace, if present.
    public func attribute(_ name: String) -> String? {
        var property = pointer.pointee.properties
        while let attribute = property {
            if attribute.pointee.ns == nil, string(attribute.pointee.name) == name {
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

    /// Every attribute of an element, name → value.
    public var attributes: [String: String] {
        var result: [String: String] = [:]
        guard isElement else { return result }
        var property = pointer.pointee.properties
        while let attribute = property {
            if let name = attribute.pointee.name {
                let node = UnsafeMutableRawPointer(attribute).assumingMemoryBound(to: xmlNode.self)
                result[String(cString: name)] = MarkupNode(node, in: document).content
            }
            property = attribute.pointee.next
        }
        return result
    }
}
