import AuditModel
import CLibXML2
import Foundation

/// Owner of an `xmlTextWriter` writing into an `xmlBuffer`. Frees both in `deinit`.
///
/// Not Sendable and must not cross threads: libxml2 keeps per-thread error state, and the writer is created, used
/// and finished inside one call (of a report writer, say). Text and attribute values go through `XMLText.sanitized`
/// and are escaped by libxml2.
public final class XMLTextWriter {
    private let buffer: xmlBufferPtr
    private var writer: xmlTextWriterPtr?
    /// What the document is, for error messages (`XML report`, `JUnit report`).
    private let what: String

    /// A writer indenting by two spaces, or throws when libxml2 cannot allocate one.
    public init(what: String) throws {
        XMLLibrary.prepare()
        self.what = what
        guard let buffer = xmlBufferCreate() else {
            throw DiagnosticsError(Diagnostic(file: what, message: "libxml2 could not allocate a buffer"))
        }
        self.buffer = buffer
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            throw DiagnosticsError(Diagnostic(file: what, message: "libxml2 could not create a text writer"))
        }
        self.writer = writer
        try check(xmlTextWriterSetIndent(writer, 1), "set indentation")
        try check(withXMLChars("  ") { xmlTextWriterSetIndentString(writer, $0) }, "set indentation")
    }

    deinit {
        if let writer { xmlFreeTextWriter(writer) }
        xmlBufferFree(buffer)
    }

    private func check(_ status: Int32, _ action: @autoclosure () -> String) throws {
        if status < 0 {
            throw DiagnosticsError(
                Diagnostic(file: what, message: "libxml2's text writer failed to \(action())"))
        }
    }

    private var handle: xmlTextWriterPtr {
        get throws {
            guard let writer else {
                throw DiagnosticsError(Diagnostic(file: what, message: "the document was already finished"))
            }
            return writer
        }
    }

    /// `<?xml version="1.0" encoding="UTF-8"?>`.
    public func startDocument() throws {
        let writer = try handle
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start the document")
    }

    /// Opens `<name>`; the root may carry the default namespace.
    public func startElement(_ name: String, namespace: String? = nil) throws {
        let writer = try handle
        try check(withXMLChars(name) { xmlTextWriterStartElement(writer, $0) }, "open <\(name)>")
        if let namespace { try attribute("xmlns", namespace) }
    }

    /// Closes the innermost open element.
    public func endElement() throws {
        let writer = try handle
        try check(xmlTextWriterEndElement(writer), "close an element")
    }

    /// Writes `name="value"` on the open element, escaped by libxml2. Characters XML 1.0 cannot carry are replaced.
    public func attribute(_ name: String, _ value: String) throws {
        let writer = try handle
        let status = withXMLChars(name) { name in
            withXMLChars(XMLText.sanitized(value)) { xmlTextWriterWriteAttribute(writer, name, $0) }
        }
        try check(status, "write attribute \(name)")
    }

    /// Writes the attribute when `value` is not nil.
    public func attribute(_ name: String, _ value: String?) throws {
        if let value { try attribute(name, value) }
    }

    /// Writes the attribute as a decimal integer.
    public func attribute(_ name: String, _ value: Int) throws { try attribute(name, String(value)) }

    /// Writes `<name>text</name>`, the text escaped by libxml2. Characters XML 1.0 cannot carry are replaced.
    public func element(_ name: String, text: String) throws {
        let writer = try handle
        let status = withXMLChars(name) { name in
            withXMLChars(XMLText.sanitized(text)) { xmlTextWriterWriteElement(writer, name, $0) }
        }
        try check(status, "write <\(name)>")
    }

    /// Writes `<name>text</name>` when `text` is not nil.
    public func element(_ name: String, optionalText text: String?) throws {
        if let text { try element(name, text: text) }
    }

    /// Writes `<name attributes…>text</name>`.
    public func element(_ name: String, attributes: KeyValuePairs<String, String?>, text: String) throws {
        try startElement(name)
        for (key, value) in attributes { try attribute(key, value) }
        try self.text(text)
        try endElement()
    }

    /// Writes escaped character data inside the open element.
    public func text(_ text: String) throws {
        let writer = try handle
        try check(withXMLChars(XMLText.sanitized(text)) { xmlTextWriterWriteString(writer, $0) }, "write text")
    }

    /// Closes every open element, ends the document and returns its bytes. The writer cannot be used afterwards.
    public func finish() throws -> Data {
        let writer = try handle
        try check(xmlTextWriterEndDocument(writer), "end the document")
        xmlFreeTextWriter(writer)  // flushes into the buffer
        self.writer = nil
        guard let content = xmlBufferContent(buffer) else { return Data() }
        return Data(bytes: content, count: Int(xmlBufferLength(buffer)))
    }
}

/// Text rules of XML 1.0 that every writer applies to mall data.
public enum XMLText {
    /// `text` with every character XML 1.0 cannot carry (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF;
    /// NUL) replaced by U+FFFD, so a device that sends control bytes cannot make a report unreadable.
    public static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isAllowed($0) }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
        }
        return String(scalars)
    }

    /// Whether XML 1.0 allows the character (production `Char`).
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
