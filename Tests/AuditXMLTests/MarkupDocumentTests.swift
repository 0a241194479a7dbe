import AuditModel
import Foundation
import Testing

@testable import AuditXML

private let role = XMLDocumentRole(noun: "a test document")

private let schemaText = """
    <?xml version="1.0" encoding="UTF-8"?>
    <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t"
        elementFormDefault="qualified">
      <xs:element name="r">
        <xs:complexType>
          <xs:sequence><xs:element name="n" type="xs:positiveInteger" maxOccurs="unbounded"/></xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:schema>
    """

@Suite("XML layer: parsing, schemas, XPath")
struct MarkupDocumentTests {
    @Test("a document that is not well-formed gives every error at its line and column, the first one first")
    func malformed() throws {
        let parsed = MarkupDocument.parseXML(Data("<a>\n  <b>\n</a>\n".utf8), name: "bad.xml", role: role)
        #expect(parsed.document == nil)
        let first = try #require(parsed.firstError)
        #expect(first.line == 3)
        #expect(first.message.contains("mismatch"))
        let diagnostics = parsed.diagnostics(file: "bad.xml")
        #expect(diagnostics.first?.description.hasPrefix("bad.xml:3:") == true)
        #expect(diagnostics.allSatisfy { $0.message.hasPrefix("not well-formed XML: ") })
    }

    @Test("an empty document is not a document; an undeclared entity is named as one")
    func kinds() {
        let empty = MarkupDocument.parseXML(Data(), name: "e", role: role)
        #expect(empty.document == nil)
        #expect(empty.diagnostics(file: "e", otherwise: "a document").first?.expected == "a document")
        let entity = MarkupDocument.parseXML(Data("<r>&nope;</r>".utf8), name: "x", role: role)
        #expect(entity.firstError?.kind == .undeclaredEntity)
        let start = MarkupDocument.parseXML(Data("hello".utf8), name: "x", role: role)
        #expect(start.firstError?.kind == .notADocument)
    }

    @Test("a schema validates a tree and a stream alike; a DOCTYPE is never streamed and is refused at its line")
    func schema() throws {
        let compilation = CompiledSchema.compile(Data(schemaText.utf8), file: "t.xsd")
        #expect(compilation.diagnostics.isEmpty)
        let schema = try #require(compilation.schema)
        let valid = Data("<r xmlns=\"urn:t\">\n<n>1</n>\n<n>2</n>\n</r>".utf8)
        let invalid = Data("<r xmlns=\"urn:t\">\n<n>1</n>\n<n>0</n>\n</r>".utf8)
        #expect(schema.isValidStreaming(valid))
        #expect(!schema.isValidStreaming(invalid))
        #expect(schema.problems(in: valid, file: "v.xml", role: role).isEmpty)
        let problems = schema.problems(in: invalid, file: "i.xml", role: role)
        #expect(problems.map(\.line) == [3], "\(problems)")
        #expect(problems.first?.message.contains("'0'") == true, "\(problems)")
        #expect(problems.allSatisfy { $0.file == "i.xml" && $0.severity == .error })
        let tree = try #require(MarkupDocument.parseXML(invalid, name: "i.xml", role: role).document)
        let validation = schema.validate(tree)
        #expect(!validation.isValid)
        #expect(validation.issues.first?.node?.localName == "n")

        let withDoctype = Data(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY one \"1\">]>\n<r xmlns=\"urn:t\"><n>&one;</n></r>".utf8)
        #expect(!schema.isValidStreaming(withDoctype))
        #expect(
            schema.problems(in: withDoctype, file: "d.xml", role: role) == [
                DoctypeRefusal.diagnostic(file: "d.xml", line: 2, role: role)
            ])
    }

    @Test("a schema with a DOCTYPE or that is no schema says so in the schema's file")
    func badSchemas() {
        let doctype = CompiledSchema.compile(Data("<!DOCTYPE xs:schema>\n<xs:schema/>".utf8), file: "s.xsd")
        #expect(doctype.schema == nil)
        #expect(doctype.diagnostics == [DoctypeRefusal.diagnostic(file: "s.xsd", line: 1, role: .schema)])
        let notSchema = CompiledSchema.compile(Data("<r/>".utf8), file: "s.xsd")
        #expect(notSchema.schema == nil)
        #expect(!notSchema.diagnostics.isEmpty)
        #expect(notSchema.diagnostics.allSatisfy { $0.file == "s.xsd" && $0.message.hasPrefix("invalid schema: ") })
        let missing = CompiledSchema.load(
            URL(fileURLWithPath: "/nonexistent/s.xsd"), what: "the test schema", expected: "a schema there")
        #expect(
            missing.diagnostics.map(\.description) == [
                "/nonexistent/s.xsd: error: cannot read the test schema: No such file or directory "
                    + "(expected a schema there)"
            ])
    }

    @Test("XPath gives nodes, strings, numbers and booleans; a bad expression is an error")
    func xpath() throws {
        let text = "<r>\n<k id=\"a\"> one </k><k id=\"b\">two</k></r>"
        let document = try #require(MarkupDocument.parseXML(Data(text.utf8), name: "x", role: role).document)
        #expect(
            try document.evaluate("//k") == .nodes([
                XPathNode(name: "k", text: "one", attributes: ["id": "a"], line: 2),
                XPathNode(name: "k", text: "two", attributes: ["id": "b"], line: 2),
            ]))
        #expect(try document.evaluate("string(//k[2]/@id)") == .string("b"))
        #expect(try document.evaluate("count(//k) div 4") == .number(0.5))
        #expect(try document.evaluate("boolean(//k)") == .boolean(true))
        let error = try #require(throws: XPathError.self) { try document.evaluate("//[") }
        #expect(error.reason.contains("at character"))
        let namespaced = try #require(
            MarkupDocument.parseXML(Data("<m:r xmlns:m=\"urn:m\"><m:k/></m:r>".utf8), name: "x", role: role).document)
        #expect(try namespaced.evaluate("count(//q:k)", namespaces: ["q": "urn:m"]) == .number(1))
    }

    @Test("the writer escapes text and replaces characters XML cannot carry")
    func writer() throws {
        let writer = try XMLTextWriter(what: "test")
        try writer.startDocument()
        try writer.startElement("r", namespace: "urn:t")
        try writer.element("n", attributes: ["a": "<&\"", "b": nil], text: "x\u{1}y")
        let data = try writer.finish()
        let root = try #require(MarkupDocument.parseXML(data, name: "w", role: role).document?.root)
        #expect(root.namespaceURI == "urn:t")
        #expect(root.child("n")?.attribute("a") == "<&\"")
        #expect(root.child("n")?.attribute("b") == nil)
        #expect(root.child("n")?.text == "x\u{FFFD}y")
        #expect(throws: DiagnosticsError.self) { try writer.finish() }
    }
}
