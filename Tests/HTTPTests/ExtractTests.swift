import AuditHTTP
import AuditXML
import Foundation
import Testing
import TestSupport

/// JSON paths and XPath over answer bodies.
@Suite("extracting values from answers")
struct ExtractTests {
    let document = Data(
        """
        {"a": {"b": [{"c": 1}, {"c": 2.50}]}, "items": [{"id": "x"}, {"id": "y"}, {"name": "no id"}],
         "flags": {"on": true, "off": false, "none": null}, "empty": [], "emptyObject": {},
         "key with space": "spaced", "中文": "值", "nested": [[1, 2], [3]],
         "escaped": "tab\\tquote\\" \\u00e9 \\ud83d\\ude00"}
        """.utf8)

    @Test(
        "paths select values, rendered as text",
        arguments: [
            ("$.a.b[0].c", ["1"]),
            ("$.a.b[1].c", ["2.50"]),
            ("$.a.b[-1].c", ["2.50"]),
            ("$.a.b[2].c", []),
            ("$.items[*].id", ["x", "y"]),
            ("$.flags.on", ["true"]),
            ("$.flags.off", ["false"]),
            ("$.flags.none", [""]),
            ("$.flags.absent", []),
            ("$.empty", [""]),
            ("$.emptyObject", [""]),
            ("$['key with space']", ["spaced"]),
            ("$[\"中文\"]", ["值"]),
            ("$.中文", ["值"]),
            ("$.nested[*][0]", ["1", "3"]),
            ("$.nested", ["[[1,2],[3]]"]),
            ("$.flags.*", ["true", "false", ""]),
            ("$.a.b", [#"[{"c":1},{"c":2.50}]"#]),
            ("$.escaped", ["tab\tquote\" é 😀"]),
            ("$.items.id", []),
            ("$.a[0]", []),
        ] as [(String, [String])])
    func paths(path: String, expected: [String]) throws {
        #expect(try JSONPath.values(path, in: document) == expected)
    }

    @Test("typed selection keeps JSON types apart")
    func typed() throws {
        let root = try JSONValue.parse(document)
        let on = try JSONPath("$.flags.on").select(in: root)
        #expect(on == [.bool(true)])
        let numbers = try JSONPath("$.a.b[*].c").select(in: root)
        #expect(numbers.map(\.doubleValue) == [1, 2.5])
        #expect(try JSONPath("$.items[*]").select(in: root).count == 3)
    }

    @Test(
        "malformed JSON is an error that points at the byte",
        arguments: [
            (
                #"{"a": 1,, "b": 2}"#,
                "unexpected character ',', expected a member name in double quotes at byte 9 (line 1, column 9)"
            ),
            (#"{"a": tru}"#, "unexpected character '}', expected 'true' at byte 10 (line 1, column 10)"),
            (
                "{\"a\": 1,\n \"b\": [1 2]}",
                "unexpected character '2', expected ',' or ']' at byte 19 (line 2, column 10)"
            ),
            (#"{"a": 1} x"#, "unexpected character 'x' after the JSON value at byte 10 (line 1, column 10)"),
            (#"{"a": "open"#, "unterminated string (it opens at byte 7) at byte 12 (line 1, column 12)"),
            (#"[01]"#, "a number with a leading zero at byte 2 (line 1, column 2)"),
            (#"[1.]"#, "unexpected character ']', expected a digit after '.' at byte 4 (line 1, column 4)"),
            (#"["\x"]"#, "an invalid escape sequence (\\ then character 'x') at byte 3 (line 1, column 3)"),
            (#"["\ud800"]"#, "a lone UTF-16 high surrogate \\ud800 at byte 3 (line 1, column 3)"),
            ("", "the body is empty at byte 1 (line 1, column 1)"),
            ("<html>", "unexpected character '<', expected a value at byte 1 (line 1, column 1)"),
        ] as [(String, String)])
    func malformed(text: String, expected: String) {
        do {
            _ = try JSONPath.values("$.a", in: Data(text.utf8))
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.kind == .malformedDocument)
            #expect(error.message == "expected JSON: \(expected)")
        }
    }

    @Test("nesting is bounded, so a hostile answer cannot exhaust the stack")
    func deepNesting() {
        let deep = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect(throws: ExtractionError.self) { try JSONValue.parse(deep) }
        func nested(_ depth: Int) -> Data {
            Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        }
        #expect(throws: Never.self) { try JSONValue.parse(nested(512)) }  // the limit itself
        #expect(throws: ExtractionError.self) { try JSONValue.parse(nested(513)) }
    }

    @Test(
        "invalid paths are errors naming the character",
        arguments: [
            ("a.b", "it does not start with '$' at character 1"),
            ("$..a", "recursive descent '..' is not supported at character 2"),
            ("$.a[", "unterminated '[' at character 4"),
            ("$.a[x]", "expected an index, '*' or a quoted name inside [ ] at character 5"),
            ("$.a['b", "unterminated quoted name at character 4"),
            ("$.", "a name is missing after '.' at character 3"),
            ("$a", "unexpected 'a' at character 2"),
        ] as [(String, String)])
    func invalidPaths(path: String, expected: String) {
        do {
            _ = try JSONPath(path)
            Issue.record("\(path) compiled")
        } catch {
            #expect(error.kind == .invalidExpression)
            #expect(error.message.hasPrefix("invalid JSON path '\(path)': \(expected)"))
        }
    }

    @Test("the server's malformed member answer gives a clear extraction error")
    func malformedFromServer() async throws {
        let url = "\(try TestPeer.http())/api/broken/member"
        let result = await HTTPClient().perform(HTTPRequest(url: url))
        let answer = try result.get()
        #expect(answer.status == 200)
        do {
            _ = try JSONPath.values("$.features.points", in: answer.body, source: url)
            Issue.record("malformed JSON parsed")
        } catch {
            #expect(
                error.message == "expected JSON at \(url): unexpected character ',', expected a member name in "
                    + "double quotes at byte 30 (line 1, column 30)")
        }
    }

    // MARK: XPath

    @Test("XPath over the real-name portal page from the server")
    func portalPage() async throws {
        let url = "\(try TestPeer.http())/portal/realname"
        let answer = try await HTTPClient().perform(HTTPRequest(url: url)).get()
        #expect(
            try XPathQuery.values("//form[@id='realname']/@action", inHTML: answer.body) == ["/portal/realname/verify"])
        #expect(try XPathQuery.values("count(//form//input)", inHTML: answer.body) == ["2"])
        #expect(try XPathQuery.values("//title", inHTML: answer.body) == ["免费WiFi 实名认证"])
        #expect(try XPathQuery.values("boolean(//form[@method='post'])", inHTML: answer.body) == ["true"])
    }

    @Test("XPath over HTML that is not XML (unclosed tags)")
    func forgivingHTML() async throws {
        let answer = try await HTTPClient().perform(HTTPRequest(url: "\(try TestPeer.http())/api/kiosks/K-1F-01/status"))
            .get()
        #expect(try XPathQuery.values("//td[@class='state']", inHTML: answer.body) == ["online"])
        #expect(
            try XPathQuery.values("//ul[@class='modules']/li", inHTML: answer.body) == [
                "guide", "announcements", "merchants",
            ])
        let nodes = try XPathQuery.evaluate("//h1", in: try XPathQuery.parseHTML(answer.body))
        guard case .nodes(let found) = nodes else {
            Issue.record("expected nodes, got \(nodes)")
            return
        }
        #expect(found.map(\.name) == ["h1"])
        #expect(found.first?.attributes == ["id": "kiosk"])
        #expect(found.first?.line == 5)
    }

    @Test("XPath over XML, with and without namespaces")
    func xml() async throws {
        let answer = try await HTTPClient().perform(HTTPRequest(url: "\(try TestPeer.http())/api/notices.xml")).get()
        #expect(
            try XPathQuery.values("//notice[@level='warning']/title", inXML: answer.body) == [
                "B2 停车场维护 B2 parking maintenance"
            ])
        #expect(try XPathQuery.values("string(/notices/@mall)", inXML: answer.body) == ["xuzhou-demo"])
        let namespaced = Data(#"<m:mall xmlns:m="urn:mall"><m:kiosk>K1</m:kiosk><m:kiosk>K2</m:kiosk></m:mall>"#.utf8)
        #expect(try XPathQuery.values("//k:kiosk", inXML: namespaced, namespaces: ["k": "urn:mall"]) == ["K1", "K2"])
        #expect(try XPathQuery.values("count(//kiosk)", inXML: namespaced) == ["0"])
        #expect(try XPathQuery.values("count(//kiosk) div 4", inXML: Data("<a><kiosk/><kiosk/></a>".utf8)) == ["0.5"])
    }

    @Test("malformed XML is an error with its line")
    func malformedXML() {
        let broken = Data("<notices>\n  <notice>\n</notices>\n".utf8)
        do {
            _ = try XPathQuery.values("//notice", inXML: broken, source: "http://127.0.0.1/api/notices.xml")
            Issue.record("malformed XML parsed")
        } catch {
            #expect(error.kind == .malformedDocument)
            #expect(error.message.hasPrefix("expected XML at http://127.0.0.1/api/notices.xml: line 3"))
            #expect(error.message.contains("mismatch"))
            #expect(error.line == 3)
        }
    }

    @Test("an invalid XPath is an error")
    func invalidXPath() {
        do {
            _ = try XPathQuery.values("//[", inHTML: Data("<p>x</p>".utf8))
            Issue.record("invalid XPath evaluated")
        } catch {
            #expect(error.kind == .invalidExpression)
            #expect(error.message.hasPrefix("invalid XPath '//[': "))
        }
    }

    @Test("an empty body is an error, not an empty result")
    func emptyBodies() {
        #expect(throws: ExtractionError.self) { try XPathQuery.values("//p", inHTML: Data()) }
        #expect(throws: ExtractionError.self) { try XPathQuery.values("//p", inXML: Data()) }
    }

    @Test("an XML body with a DOCTYPE is refused with its line: internal subset, entity, external SYSTEM id")
    func noDoctype() throws {
        let secret = try temporaryFile(contents: "TOP-SECRET-FILE-CONTENT")
        defer { try? FileManager.default.removeItem(atPath: secret) }
        let refusal = DoctypeRefusal.message(for: XPathQuery.bodyRole)
        let bodies = [
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file://\(secret)\">]>\n<r>&x;</r>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \"aaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<r>&b;</r>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"file://\(secret)\">\n<r/>",
        ]
        for body in bodies {
            let error = try #require(throws: ExtractionError.self) {
                try XPathQuery.values("/r", inXML: Data(body.utf8), source: "http://127.0.0.1/x.xml")
            }
            #expect(error.kind == .malformedDocument)
            #expect(error.message == "expected XML at http://127.0.0.1/x.xml: line 2: \(refusal)")
            #expect(error.line == 2)
            #expect(!error.message.contains("TOP-SECRET"))
        }

        let html = Data("<!DOCTYPE html><html><body><p>&amp; &copy; fine</p></body></html>".utf8)
        #expect(try XPathQuery.values("//p", inHTML: html) == ["& © fine"])
        #expect(try ParsedBody(html, contentType: "text/html").xpath("//p") == ["& © fine"])
    }

    @Test(
        "one function chooses the parser from the Content-Type",
        arguments: [
            ("application/xml", MarkupDocument.Kind.xml), ("text/xml; charset=utf-8", .xml),
            ("application/atom+xml", .xml), ("APPLICATION/XML", .xml), ("text/html; charset=utf-8", .html),
            ("application/xhtml+xml", .html), ("application/json", .html), ("", .html),
        ])
    func markupKind(contentType: String, kind: MarkupDocument.Kind) {
        #expect(ParsedBody.markupKind(contentType: contentType) == kind)
        #expect(ParsedBody(Data(), contentType: contentType).markupKind == kind)
    }

    @Test("a body is parsed once, however many paths are read from it; its parse error is kept too")
    func parsedOnce() throws {
        let body = ParsedBody(Data("<r><Item>1</Item><Item>2</Item></r>".utf8), contentType: "application/xml")
        let first = try body.document()
        #expect(try body.document() === first)
        #expect(try body.xpath("//Item") == ["1", "2"])
        #expect(try body.xpath("count(//Item)") == ["2"])
        #expect(try body.document() === first)
        // The HTML parser folds tag names to lower case: the parser choice changes answers, hence one choice.
        #expect(try ParsedBody(body.body, contentType: "text/html").xpath("//Item") == [])

        let broken = ParsedBody(Data("<r>".utf8), contentType: "application/xml", source: "src")
        let once = try #require(throws: ExtractionError.self) { try broken.xpath("/r") }
        let twice = try #require(throws: ExtractionError.self) { try broken.xpath("//x") }
        #expect(once == twice)
        #expect(once.message.hasPrefix("expected XML at src: line 1"))

        let json = ParsedBody(Data(#"{"a": [1, 2]}"#.utf8), contentType: "application/json")
        #expect(try json.jsonPath("$.a[*]") == ["1", "2"])
        #expect(try json.jsonPath("$.a[0]") == ["1"])
    }

    @Test("http fetch refuses an XML answer's DOCTYPE, from the server, with its line; HTML keeps its own")
    func fetchRefusesDoctype() async throws {
        let base = try TestPeer.http()
        let refusal = DoctypeRefusal.message(for: XPathQuery.bodyRole)
        for path in ["/api/notices-entity.xml", "/api/notices-external-dtd.xml"] {
            let report = await HTTPFetchReport.fetch(HTTPRequest(url: base + path), xpaths: ["//notice/@id"])
            #expect(report.extractions.map(\.error) == ["expected XML at \(base + path): line 2: \(refusal)"])
            #expect(report.exitStatus == 2)
        }
        let plain = await HTTPFetchReport.fetch(HTTPRequest(url: base + "/api/notices.xml"), xpaths: ["//notice/@id"])
        #expect(plain.extractions.map(\.values) == [["n1", "n2"]])
        let page = await HTTPFetchReport.fetch(HTTPRequest(url: base + "/portal/realname"), xpaths: ["//form/@id"])
        #expect(page.extractions.map(\.values) == [["realname"]])
    }

    private func temporaryFile(contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mallaudit-\(UUID().uuidString)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
