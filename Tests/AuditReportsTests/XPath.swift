import CLibXML2
import Foundation

/// A parsed document to query with XPath in tests: parsed with no network and no entity substitution.
/// Freed in `deinit`; used on one thread.
final class XPathDocument {
    private let document: xmlDocPtr
    private let context: xmlXPathContextPtr

    /// Parses `data`; nil when it is not well-formed XML.
    init?(_ data: Data, namespaces: [String: String] = ["r": "urn:mallaudit:report:1"]) {
        let options =
            Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_NOERROR.rawValue)
            | Int32(XML_PARSE_NOWARNING.rawValue)
        let parsed: xmlDocPtr? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            return xmlReadMemory(base.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, nil, options)
        }
        guard let parsed else { return nil }
        guard let context = xmlXPathNewContext(parsed) else {
            xmlFreeDoc(parsed)
            return nil
        }
        for (prefix, uri) in namespaces { _ = xmlXPathRegisterNs(context, prefix, uri) }
        self.document = parsed
        self.context = context
    }

    deinit {
        xmlXPathFreeContext(context)
        xmlFreeDoc(document)
    }

    private func evaluate<T>(_ expression: String, _ read: (xmlXPathObject) -> T) -> T? {
        guard let object = xmlXPathEval(expression, context) else { return nil }
        defer { xmlXPathFreeObject(object) }
        return read(object.pointee)
    }

    /// The text of an element or attribute node: its direct text children, concatenated (no allocation by libxml2).
    private static func text(of node: xmlNodePtr) -> String {
        var result = ""
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE, let content = current.pointee.content {
                result += String(cString: content)
            }
            child = current.pointee.next
        }
        return result
    }

    /// `number(expression)`, e.g. `count(//r:statement)`.
    func number(_ expression: String) -> Double? {
        evaluate(expression) { $0.type == XPATH_NUMBER ? $0.floatval : .nan }
    }

    /// An integer-valued expression.
    func int(_ expression: String) -> Int? {
        number(expression).flatMap { $0.isNaN ? nil : Int($0) }
    }

    /// `string(expression)`.
    func string(_ expression: String) -> String? {
        evaluate("string(\(expression))") { object in
            object.stringval.map { String(cString: $0) } ?? ""
        }
    }

    /// The string value of every node `expression` selects, in document order.
    func strings(_ expression: String) -> [String] {
        evaluate(expression) { object -> [String] in
            guard object.type == XPATH_NODESET, let set = object.nodesetval else { return [] }
            return (0..<Int(set.pointee.nodeNr)).compactMap { index in
                guard let node = set.pointee.nodeTab[index] else { return nil }
                return Self.text(of: node)
            }
        } ?? []
    }
}
