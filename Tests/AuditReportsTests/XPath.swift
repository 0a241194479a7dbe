import AuditXML
import Foundation

/// A parsed document to query with XPath in tests, read by AuditXML like every document mallaudit reads (no
/// network, no entity substitution, DOCTYPE refused). Used on one thread.
final class XPathDocument {
    private let document: MarkupDocument
    private let namespaces: [String: String]

    /// Parses `data`; nil when it is not well-formed XML.
    init?(_ data: Data, namespaces: [String: String] = ["r": "urn:mallaudit:report:1"]) {
        let parsed = MarkupDocument.parseXML(data, name: "test document", role: XMLDocumentRole(noun: "a report"))
        guard let document = parsed.document else { return nil }
        self.document = document
        self.namespaces = namespaces
    }

    private func evaluate(_ expression: String) -> XPathResult? {
        try? document.evaluate(expression, namespaces: namespaces)
    }

    /// `number(expression)`, e.g. `count(//r:statement)`; NaN when the expression is not a number.
    func number(_ expression: String) -> Double? {
        evaluate(expression).map { result in
            if case .number(let value) = result { value } else { .nan }
        }
    }

    /// An integer-valued expression.
    func int(_ expression: String) -> Int? {
        number(expression).flatMap { $0.isNaN ? nil : Int($0) }
    }

    /// `string(expression)`.
    func string(_ expression: String) -> String? {
        evaluate("string(\(expression))").map { result in
            if case .string(let text) = result { text } else { "" }
        }
    }

    /// The trimmed text of every node `expression` selects, in document order.
    func strings(_ expression: String) -> [String] {
        guard case .nodes(let nodes) = evaluate(expression) else { return [] }
        return nodes.map(\.text)
    }
}
