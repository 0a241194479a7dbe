import AuditModel
import CLibXML2
import CLibXML2Shim
import Foundation

/// What an XPath expression evaluated to.
public enum XPathResult: Sendable, Hashable {
    case nodes([XPathNode])
    case string(String)
    case number(Double)
    case boolean(Bool)

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

/// One node an XPath selected.
public struct XPathNode: Sendable, Hashable {
    /// Element or attribute name; `text`, `comment`, … for other nodes.
    public var name: String
    /// The text content, whitespace trimmed at both ends (an attribute's value for an attribute).
    public var text: String
    /// The attributes of an element.
    public var attributes: [String: String]
    /// The line in the document, when known.
    public var line: Int?
}

/// An XML or HTML document parsed with libxml2, safely: no network (`XML_PARSE_NONET` / `HTML_PARSE_NONET`), no
/// entity substitution, an entity loader that refuses every external resource (`clibxml2shim_init`), and XML
/// documents declaring entities in their DTD refused outright, so that neither a file nor an entity expansion
/// bomb can get into a result.
///
/// Not `Sendable`: use a document from one task at a time (libxml2 documents are not thread-safe).
public final class MarkupDocument {
    public enum Kind: String, Sendable {
        case xml = "XML"
        case html = "HTML"
    }

    public let kind: Kind
    /// Where the body came from, for messages.
    public let source: String?
    private let document: xmlDocPtr

    private init(kind: Kind, source: String?, document: xmlDocPtr) {
        self.kind = kind
        self.source = source
        self.document = document
    }

    deinit { xmlFreeDoc(document) }

    private static func place(_ source: String?) -> String { source.map { " at \($0)" } ?? "" }

    /// Parses well-formed XML.
    ///
    /// - Throws: `ExtractionError` such as `expected XML at SOURCE: line 3, column 12: Opening and ending tag
    ///   mismatch: a line 2 and b`.
    public static func xml(_ data: Data, source: String? = nil) throws(ExtractionError) -> MarkupDocument {
        clibxml2shim_init()
        guard !data.isEmpty else {
            throw ExtractionError(.malformedDocument, "expected XML\(place(source)): the body is empty")
        }
        guard data.count < Int(Int32.max) else {
            throw ExtractionError(.malformedDocument, "expected XML\(place(source)): the body is too large to parse")
        }
        guard let context = xmlNewParserCtxt() else {
            throw ExtractionError(.malformedDocument, "expected XML\(place(source)): libxml2 could not start a parser")
        }
        defer { xmlFreeParserCtxt(context) }
        // Keep the FIRST error: libxml2 goes on after a fatal one and its "last error" is then usually a
        // consequence ("Premature end of data") rather than the cause ("tag mismatch").
        let first = FirstParseError()
        context.pointee._private = Unmanaged.passUnretained(first).toOpaque()
        context.pointee.sax.pointee.serror = recordFirstParseError
        let options =
            clibxml2shim_safe_parse_options() | Int32(XML_PARSE_NOERROR.rawValue) | Int32(XML_PARSE_NOWARNING.rawValue)
        let parsed: xmlDocPtr? = data.withUnsafeBytes { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(context, chars.baseAddress, Int32(chars.count), source ?? "body", nil, options)
            }
        }
        guard let parsed, context.pointee.wellFormed != 0 else {
            if let parsed { xmlFreeDoc(parsed) }
            throw first.error(source: source)
                ?? parseFailure("XML", source: source, error: xmlCtxtGetLastError(context))
        }
        if let dtd = parsed.pointee.intSubset, dtd.pointee.entities != nil {
            xmlFreeDoc(parsed)
            throw ExtractionError(
                .malformedDocument,
                "expected XML\(place(source)) without entity declarations: its DTD declares entities, which mallaudit "
                    + "does not expand")
        }
        return MarkupDocument(kind: .xml, source: source, document: parsed)
    }

    /// Parses HTML as browsers do, forgiving unclosed tags. The body is read as UTF-8 when it is valid UTF-8,
    /// otherwise by its `<meta charset>` (or ISO-8859-1).
    public static func html(_ data: Data, source: String? = nil) throws(ExtractionError) -> MarkupDocument {
        clibxml2shim_init()
        guard !data.isEmpty else {
            throw ExtractionError(.malformedDocument, "expected HTML\(place(source)): the body is empty")
        }
        guard data.count < Int(Int32.max) else {
            throw ExtractionError(.malformedDocument, "expected HTML\(place(source)): the body is too large to parse")
        }
        let options = Int32(
            HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_RECOVER.rawValue)
        let encoding: String? = String(data: data, encoding: .utf8) != nil ? "UTF-8" : nil
        let parsed: htmlDocPtr? = data.withUnsafeBytes { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                htmlReadMemory(chars.baseAddress, Int32(chars.count), source ?? "body", encoding, options)
            }
        }
        guard let parsed, xmlDocGetRootElement(parsed) != nil else {
            if let parsed { xmlFreeDoc(parsed) }
            throw ExtractionError(
                .malformedDocument, "expected HTML\(place(source)): no element found")
        }
        return MarkupDocument(kind: .html, source: source, document: parsed)
    }

    private static func parseFailure(_ what: String, source: String?, error: xmlErrorPtr?) -> ExtractionError {
        guard let error, let text = error.pointee.message else {
            return ExtractionError(.malformedDocument, "expected \(what)\(place(source)): not well-formed")
        }
        let message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        let line = Int(error.pointee.line)
        let column = Int(error.pointee.int2)
        var location = ""
        if line > 0 { location = column > 0 ? "line \(line), column \(column): " : "line \(line): " }
        return ExtractionError(
            .malformedDocument, "expected \(what)\(place(source)): \(location)\(message)", line: line > 0 ? line : nil,
            column: column > 0 ? column : nil)
    }

    /// Evaluates an XPath 1.0 expression.
    ///
    /// - Parameter namespaces: prefix → URI bindings the expression uses (`["n": "urn:mall"]` for `//n:notice`).
    /// - Throws: `ExtractionError` (`invalidExpression`): `invalid XPath '//[': Invalid expression at character 3`.
    public func evaluate(_ expression: String, namespaces: [String: String] = [:]) throws(ExtractionError)
        -> XPathResult
    {
        clibxml2shim_init()
        guard let context = xmlXPathNewContext(document) else {
            throw ExtractionError(
                .invalidExpression, "invalid XPath '\(expression)': libxml2 could not start an evaluation")
        }
        defer { xmlXPathFreeContext(context) }
        for (prefix, uri) in namespaces {
            _ = xmlXPathRegisterNs(context, prefix, uri)
        }
        let evaluated = xmlXPathEvalExpression(expression, context)
        guard let object = evaluated else {
            let error = context.pointee.lastError
            var message = error.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
            if message?.isEmpty ?? true { message = "it cannot be evaluated" }
            let position = error.int1 > 0 ? " at character \(error.int1 + 1)" : ""
            throw ExtractionError(.invalidExpression, "invalid XPath '\(expression)': \(message!)\(position)")
        }
        defer { xmlXPathFreeObject(object) }
        switch object.pointee.type {
        case XPATH_NODESET:
            var nodes: [XPathNode] = []
            if let set = object.pointee.nodesetval, let table = set.pointee.nodeTab {
                for index in 0..<Int(set.pointee.nodeNr) {
                    if let node = table[index] { nodes.append(MarkupDocument.describe(node)) }
                }
            }
            return .nodes(nodes)
        case XPATH_STRING:
            return .string(object.pointee.stringval.map { String(cString: $0) } ?? "")
        case XPATH_NUMBER:
            return .number(object.pointee.floatval)
        case XPATH_BOOLEAN:
            return .boolean(object.pointee.boolval != 0)
        default:
            throw ExtractionError(.invalidExpression, "invalid XPath '\(expression)': its result type is not supported")
        }
    }

    private static func describe(_ node: xmlNodePtr) -> XPathNode {
        var attributes: [String: String] = [:]
        if node.pointee.type == XML_ELEMENT_NODE {
            var attribute = node.pointee.properties
            while let current = attribute {
                if let name = current.pointee.name {
                    attributes[String(cString: name)] = content(
                        UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self))
                }
                attribute = current.pointee.next
            }
        }
        let name: String
        switch node.pointee.type {
        case XML_ELEMENT_NODE, XML_ATTRIBUTE_NODE: name = node.pointee.name.map { String(cString: $0) } ?? ""
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: name = "text"
        case XML_COMMENT_NODE: name = "comment"
        default: name = node.pointee.name.map { String(cString: $0) } ?? ""
        }
        let line = xmlGetLineNo(node)
        return XPathNode(
            name: name, text: content(node).trimmingCharacters(in: .whitespacesAndNewlines), attributes: attributes,
            line: line > 0 ? line : nil)
    }

    private static func content(_ node: xmlNodePtr) -> String {
        // Through an xmlBuffer: `xmlFree` is a global variable Swift 6 will not call.
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        guard xmlNodeBufGetContent(buffer, node) == 0, let text = xmlBufferContent(buffer) else { return "" }
        return String(cString: text)
    }
}

/// The first error libxml2 reported while parsing one document (parser thread only).
private final class FirstParseError {
    var message: String?
    var line = 0
    var column = 0

    func error(source: String?) -> ExtractionError? {
        guard let message else { return nil }
        var location = ""
        if line > 0 { location = column > 0 ? "line \(line), column \(column): " : "line \(line): " }
        return ExtractionError(
            .malformedDocument, "expected XML\(source.map { " at \($0)" } ?? ""): \(location)\(message)",
            line: line > 0 ? line : nil, column: column > 0 ? column : nil)
    }
}

/// libxml2's structured-error callback for a parser context: `userData` is the context, whose `_private`
/// holds the `FirstParseError` to fill.
private func recordFirstParseError(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let userData, let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let box = context.pointee._private else { return }
    let first = Unmanaged<FirstParseError>.fromOpaque(box).takeUnretainedValue()
    guard first.message == nil else { return }
    first.message =
        error.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
        ?? "not well-formed"
    first.line = Int(error.pointee.line)
    first.column = Int(error.pointee.int2)
}

/// XPath over answer bodies, for probes.
public enum XPathQuery {
    /// Parses `data` as HTML and returns the values `expression` selects (see `XPathResult.values`).
    ///
    /// `//form[@id='realname']/@action` gives the form's target; `count(//li)` gives `3`.
    public static func values(_ expression: String, inHTML data: Data, source: String? = nil) throws(ExtractionError)
        -> [String]
    {
        try MarkupDocument.html(data, source: source).evaluate(expression).values
    }

    /// Parses `data` as XML and returns the values `expression` selects.
    public static func values(
        _ expression: String, inXML data: Data, source: String? = nil, namespaces: [String: String] = [:]
    ) throws(ExtractionError) -> [String] {
        try MarkupDocument.xml(data, source: source).evaluate(expression, namespaces: namespaces).values
    }
}
