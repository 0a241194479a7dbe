import AuditXML
import Foundation

/// An answer's body, parsed at most once however many XPaths (and JSON paths) are read from it: `ProbeJudge` and
/// `mallaudit http fetch` each make one per answer, so both read a body the same way.
///
/// Which parser reads the body for XPath is decided by `markupKind(contentType:)` alone. An XML body goes through
/// AuditXML's safe parse (a DOCTYPE is refused with its line, like a checklist's or a report's); an HTML body is
/// read by the HTML parser, which accepts `<!DOCTYPE html>` and loads nothing.
///
/// Not Sendable: the parsed document belongs to the thread that reads it; make one where the answer is judged.
public final class ParsedBody {
    public let body: Data
    /// Which parser reads the body for XPath.
    public let markupKind: MarkupDocument.Kind
    /// Where the body came from, for messages (`expected XML at SOURCE: …`).
    public let source: String?
    private var markup: Result<MarkupDocument, ExtractionError>?
    private var json: Result<JSONValue, ExtractionError>?

    /// - Parameter contentType: the answer's `Content-Type`, which chooses the parser (see `markupKind`).
    public init(_ body: Data, contentType: String?, source: String? = nil) {
        self.body = body
        self.markupKind = ParsedBody.markupKind(contentType: contentType)
        self.source = source
    }

    /// The body of `response`, named by its final URL.
    public convenience init(_ response: HTTPResponse) {
        self.init(response.body, contentType: response.headers["Content-Type"], source: response.finalURL)
    }

    /// THE choice between the XML and the HTML parser: XML when the `Content-Type` says `…xml` and not HTML
    /// (`application/xml`, `text/xml`, `application/atom+xml`), otherwise HTML (`text/html`,
    /// `application/xhtml+xml`, no type at all), as browsers do.
    public static func markupKind(contentType: String?) -> MarkupDocument.Kind {
        let type = contentType?.lowercased() ?? ""
        return type.contains("xml") && !type.contains("html") ? .xml : .html
    }

    /// The parsed document, parsed on first use.
    public func document() throws(ExtractionError) -> MarkupDocument {
        if markup == nil {
            do throws(ExtractionError) {
                markup = .success(
                    try markupKind == .xml
                        ? XPathQuery.parseXML(body, source: source) : XPathQuery.parseHTML(body, source: source))
            } catch {
                markup = .failure(error)
            }
        }
        return try markup!.get()
    }

    /// The values `expression` selects (see `XPathResult.values`).
    public func xpath(_ expression: String, namespaces: [String: String] = [:]) throws(ExtractionError) -> [String] {
        try XPathQuery.evaluate(expression, in: try document(), namespaces: namespaces).values
    }

    /// The values the JSON path `path` selects; the body is parsed as JSON on first use.
    public func jsonPath(_ path: String) throws(ExtractionError) -> [String] {
        let compiled = try JSONPath(path)
        if json == nil {
            do throws(ExtractionError) {
                json = .success(try JSONValue.parse(body, source: source))
            } catch {
                json = .failure(error)
            }
        }
        return compiled.select(in: try json!.get()).map(\.text)
    }
}
