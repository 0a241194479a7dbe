import CLibXML2
import Foundation

/// What an XPath 1.0 expression evaluated to.
public enum XPathResult: Sendable, Hashable {
    case nodes([XPathNode])
    case string(String)
    case number(Double)
    case boolean(Bool)
}

/// One node an XPath selected, copied out of the document.
public struct XPathNode: Sendable, Hashable {
    /// Element or attribute name; `text`, `comment`, … for other nodes.
    public var name: String
    /// The text content, whitespace trimmed at both ends (an attribute's value for an attribute).
    public var text: String
    /// The attributes of an element.
    public var attributes: [String: String]
    /// The line in the document, when known.
    public var line: Int?

    public init(name: String, text: String, attributes: [String: String] = [:], line: Int? = nil) {
        self.name = name
        self.text = text
        self.attributes = attributes
        self.line = line
    }
}

/// An XPath that libxml2 could not compile or evaluate.
public struct XPathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libxml2's reason with the position: `Invalid expression at character 3`.
    public var reason: String

    public var description: String { reason }
}

extension MarkupDocument {
    /// Evaluates an XPath 1.0 expression over the document (XML or HTML alike).
    ///
    /// - Parameter namespaces: prefix → URI bindings the expression uses (`["n": "urn:mall"]` for `//n:notice`).
    public func evaluate(_ expression: String, namespaces: [String: String] = [:]) throws(XPathError) -> XPathResult {
        XMLLibrary.prepare()
        guard let context = xmlXPathNewContext(pointer) else {
            throw XPathError(reason: "libxml2 could not start an evaluation")
        }
        defer { xmlXPathFreeContext(context) }
        for (prefix, uri) in namespaces {
            _ = xmlXPathRegisterNs(context, prefix, uri)
        }
        guard let object = xmlXPathEvalExpression(expression, context) else {
            let error = context.pointee.lastError
            var message = error.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
            if message?.isEmpty ?? true { message = "it cannot be evaluated" }
            let position = error.int1 > 0 ? " at character \(error.int1 + 1)" : ""
            throw XPathError(reason: "\(message!)\(position)")
        }
        defer { xmlXPathFreeObject(object) }
        switch object.pointee.type {
        case XPATH_NODESET:
            var nodes: [XPathNode] = []
            if let set = object.pointee.nodesetval, let table = set.pointee.nodeTab {
                for index in 0..<Int(set.pointee.nodeNr) {
                    if let node = table[index] { nodes.append(describe(MarkupNode(node, in: self))) }
                }
            }
            return .nodes(nodes)
        case XPATH_STRING:
            return .string(string(object.pointee.stringval))
        case XPATH_NUMBER:
            return .number(object.pointee.floatval)
        case XPATH_BOOLEAN:
            return .boolean(object.pointee.boolval != 0)
        default:
            throw XPathError(reason: "its result type is not supported")
        }
    }

    private func describe(_ node: MarkupNode) -> XPathNode {
        let name: String
        switch node.pointer.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: name = "text"
        case XML_COMMENT_NODE: name = "comment"
        default: name = node.localName
        }
        let line = node.line
        return XPathNode(
            name: name, text: node.content.trimmingCharacters(in: .whitespacesAndNewlines),
            attributes: node.attributes, line: line > 0 ? line : nil)
    }
}

/// Compiling an XPath 1.0 expression without a document: probe files are checked when they are loaded, so a
/// mistyped XPath is refused at its line, not found when the probe runs.
public enum XPathExpression {
    /// Why `expression` is not XPath 1.0 libxml2 can compile (with the position), or nil when it compiles.
    public static func problem(_ expression: String) -> XPathError? {
        XMLLibrary.prepare()
        if expression.utf8.contains(0) { return XPathError(reason: "it contains a NUL character") }
        guard let context = xmlXPathNewContext(nil) else {
            return XPathError(reason: "libxml2 could not start a compilation")
        }
        defer { xmlXPathFreeContext(context) }
        guard let compiled = xmlXPathCtxtCompile(context, expression) else {
            let error = context.pointee.lastError
            var message = error.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
            if message?.isEmpty ?? true { message = "it does not compile" }
            let position = error.int1 > 0 ? " at character \(error.int1 + 1)" : ""
            return XPathError(reason: "\(message!)\(position)")
        }
        xmlXPathFreeCompExpr(compiled)
        return nil
    }
}
