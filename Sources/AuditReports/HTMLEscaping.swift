import AuditXML
import Mustache

/// The HTML escaping every `{{name}}` of the report's templates goes through: the same five characters as
/// swift-mustache's own HTML content type (`<` `>` `&` `"` `'` → `&lt;` `&gt;` `&amp;` `&quot;` `&#39;`), done on UTF-8
/// bytes instead of `Character` by `Character` through a dictionary, which made escaping a tenth of the time of a
/// 10,000-result report. It also escapes a `<` that a combining mark follows, which the `Character` version does not.
///
/// `HTMLTemplates` switches every template it compiles to it (a `{{% CONTENT_TYPE: …}}` it puts before the text);
/// template authors still cannot switch content types themselves.
struct ReportHTMLEscaping: MustacheContentType {
    /// The name it is registered under with swift-mustache.
    static let name = "MALLAUDIT_HTML"

    /// What `HTMLTemplates` puts before each template's text, on a line of its own.
    static let pragma = "{{% CONTENT_TYPE: \(name)}}"

    /// Registers the content type with swift-mustache (once; templates naming it can be parsed afterwards).
    static let registered: Void = MustacheContentTypes.register(ReportHTMLEscaping(), named: name)

    func escapeText(_ text: String) -> String { Self.escape(text) }

    /// `text` with `<`, `>`, `&`, `"` and `'` replaced by entities, and characters XML does not allow (control
    /// bytes from a device, U+FFFE/U+FFFF) replaced by U+FFFD as in the XML report (`XMLText.sanitized`); `text`
    /// itself when it has none.
    static func escape(_ text: String) -> String {
        // A control byte, or 0xEF (the lead byte of U+FFFE/U+FFFF), sends the text through the sanitizer first.
        if text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x9 && $0 != 0xA && $0 != 0xD) || $0 == 0xEF }) {
            let sanitized = XMLText.sanitized(text)
            if sanitized != text { return escape(sanitized) }
        }
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 0x3C: bytes.append(contentsOf: "&lt;".utf8)
            case 0x3E: bytes.append(contentsOf: "&gt;".utf8)
            case 0x26: bytes.append(contentsOf: "&amp;".utf8)
            case 0x22: bytes.append(contentsOf: "&quot;".utf8)
            case 0x27: bytes.append(contentsOf: "&#39;".utf8)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
