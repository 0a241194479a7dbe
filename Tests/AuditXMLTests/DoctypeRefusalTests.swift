import AuditModel
import Foundation
import Testing

@testable import AuditXML

private let role = XMLDocumentRole(noun: "a test document", start: "<r>")

/// One prolog and what the scan must find in it.
struct ScanCase: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var expected: DoctypeRefusal.Scan

    init(_ name: String, _ text: String, _ expected: DoctypeRefusal.Scan) {
        self.name = name
        self.bytes = Array(text.utf8)
        self.expected = expected
    }

    init(_ name: String, bytes: [UInt8], _ expected: DoctypeRefusal.Scan) {
        self.name = name
        self.bytes = bytes
        self.expected = expected
    }

    var testDescription: String { name }
}

private func utf16(_ text: String, bigEndian: Bool, mark: Bool) -> [UInt8] {
    var bytes: [UInt8] = mark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
    for unit in text.utf16 {
        let pair = [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        bytes += bigEndian ? pair : pair.reversed()
    }
    return bytes
}

private func utf32LE(_ text: String) -> [UInt8] {
    text.unicodeScalars.flatMap { scalar in (0..<4).map { UInt8((scalar.value >> (8 * $0)) & 0xFF) } }
}

private let entityDocument = """
    <?xml version="1.0"?>
    <!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
    <r>&b;</r>
    """

private let scanCases: [ScanCase] = [
    .init("no prolog", "<r/>", .none),
    .init("empty", "", .none),
    .init("declaration then DOCTYPE on line 2", entityDocument, .doctype(line: 2)),
    .init("DOCTYPE first", "<!DOCTYPE r SYSTEM \"r.dtd\"><r/>", .doctype(line: 1)),
    .init(
        "after a comment of two lines", "<?xml version=\"1.0\"?>\n<!-- a\nb -->\n<!DOCTYPE r><r/>", .doctype(line: 4)),
    .init("after a processing instruction", "<?xml-stylesheet href=\"a\"?>\n\n<!DOCTYPE r><r/>", .doctype(line: 3)),
    .init("CR LF line ends count once", "<?xml version=\"1.0\"?>\r\n\r\n<!DOCTYPE r><r/>", .doctype(line: 3)),
    .init("CR alone ends a line", "<?xml version=\"1.0\"?>\r<!DOCTYPE r><r/>", .doctype(line: 2)),
    .init("a DOCTYPE inside a comment is no DOCTYPE", "<!-- <!DOCTYPE r> -->\n<r/>", .none),
    .init("a DOCTYPE after the root is not a DTD", "<r/>\n<!DOCTYPE r>", .none),
    .init("lowercase is not a DOCTYPE", "<!doctype r><r/>", .none),
    .init("UTF-8 byte order mark", "\u{FEFF}\n<!DOCTYPE r><r/>", .doctype(line: 2)),
    .init(
        "UTF-16LE with a mark", bytes: utf16("<?xml version=\"1.0\"?>\n<!DOCTYPE r><r/>", bigEndian: false, mark: true),
        .doctype(line: 2)),
    .init(
        "UTF-16BE with a mark", bytes: utf16("<?xml version=\"1.0\"?>\n<!DOCTYPE r><r/>", bigEndian: true, mark: true),
        .doctype(line: 2)),
    .init(
        "UTF-16LE without a mark", bytes: utf16("\n\n<!DOCTYPE r><r/>", bigEndian: false, mark: false),
        .doctype(line: 3)),
    .init("UTF-16BE without a mark", bytes: utf16("<r/>", bigEndian: true, mark: false), .none),
    .init("UTF-32LE is left to the parser", bytes: utf32LE("<!DOCTYPE r><r/>"), .undetermined),
    .init("EBCDIC is left to the parser", bytes: [0x4C, 0x6F, 0xA7, 0x94, 0x93], .undetermined),
]

@Suite("DOCTYPE refusal")
struct DoctypeRefusalTests {
    @Test("the prolog scan finds a DOCTYPE and its line", arguments: scanCases)
    func scan(_ item: ScanCase) {
        #expect(DoctypeRefusal.scan(Data(item.bytes)) == item.expected)
    }

    @Test(
        "an internal subset with an entity and an external SYSTEM id are refused before parsing, with file:line",
        arguments: [
            (entityDocument, 2),
            ("<?xml version=\"1.0\"?>\n<!-- x -->\n<!DOCTYPE r SYSTEM \"file:///etc/passwd\">\n<r/>", 3),
        ])
    func refusedBeforeParsing(text: String, line: Int) {
        let parsed = MarkupDocument.parseXML(Data(text.utf8), name: "in.xml", role: role)
        #expect(parsed.document == nil)
        #expect(parsed.issues.isEmpty, "libxml2 was not even called")
        let expected = Diagnostic(
            file: "in.xml", line: line,
            message: "a DOCTYPE declaration is not allowed in a test document "
                + "(refused before reading it: no DTD, no entity is declared, loaded or expanded)",
            expected: "no <!DOCTYPE …>: the document starts with <r>")
        #expect(parsed.refusal == expected)
        #expect(parsed.diagnostics(file: "in.xml") == [expected])
    }

    @Test("without the scan, libxml2's SAX hook still stops at the DOCTYPE: nothing is declared or expanded")
    func secondGate() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("audit-xml-\(UUID().uuidString)")
        try "TOP-SECRET".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let documents = [
            entityDocument,
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file://\(secret.path)\">]>\n<r>&x;</r>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"file://\(secret.path)\">\n<r/>",
        ]
        for text in documents {
            let parsed = MarkupDocument.parseXML(Data(text.utf8), name: "in.xml", role: role, scanFirst: false)
            #expect(parsed.document == nil)
            #expect(parsed.refusal?.message == DoctypeRefusal.message(for: role))
            #expect(parsed.refusal?.line == 2)
            #expect(!"\(parsed.diagnostics(file: "in.xml"))".contains("TOP-SECRET"))
        }
    }

    @Test("a DOCTYPE in UTF-16 is refused at its line; in UTF-32 the parser's hook or its errors refuse it")
    func otherEncodings() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE r [<!ENTITY e \"x\">]>\n<r>&e;</r>"
        let wide = MarkupDocument.parseXML(Data(utf16(text, bigEndian: false, mark: true)), name: "u16", role: role)
        #expect(wide.refusal?.line == 2)
        let widest = MarkupDocument.parseXML(Data(utf32LE(text)), name: "u32", role: role)
        #expect(widest.document == nil)
        #expect(widest.refusal != nil || widest.firstError != nil)
    }

    @Test("an XML document without a DOCTYPE is parsed; a plain one in UTF-16 too")
    func accepted() throws {
        let text = "<?xml version=\"1.0\"?>\n<r a=\"1\"><s>t</s></r>"
        let parsed = MarkupDocument.parseXML(Data(text.utf8), name: "x", role: role)
        let root = try #require(parsed.document?.root)
        #expect(root.localName == "r")
        #expect(root.attribute("a") == "1")
        #expect(root.child("s")?.text == "t")
        #expect(root.child("s")?.line == 2)
        #expect(parsed.refusal == nil)
        let wide = MarkupDocument.parseXML(Data(utf16("<r>宽</r>", bigEndian: true, mark: true)), name: "x", role: role)
        #expect(wide.document?.root?.text == "宽")
    }

    @Test("HTML keeps its DOCTYPE: the HTML parser reads no internal subset and loads nothing")
    func html() throws {
        let page = try #require(
            MarkupDocument.parseHTML(
                Data("<!DOCTYPE html>\n<html><body><p>&amp; &copy; fine</p></body></html>".utf8), name: "page"))
        #expect(page.kind == .html)
        #expect(try page.evaluate("//p") == .nodes([XPathNode(name: "p", text: "& © fine", line: 2)]))

        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("audit-html-\(UUID().uuidString)")
        try "TOP-SECRET".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let hostile = Data(
            """
            <!DOCTYPE html [<!ENTITY x SYSTEM "file://\(secret.path)">]>
            <html><body><p>&x;</p></body></html>
            """.utf8)
        let parsed = MarkupDocument.parseHTML(hostile, name: "hostile")
        let text = (try? parsed?.evaluate("string(/)")).map { "\($0)" } ?? ""
        #expect(!text.contains("TOP-SECRET"))
    }
}
