import CLibXML2
import CLibXML2Shim

// AuditXML is mallaudit's one layer over libxml2: every XML and HTML document the tool reads or writes goes
// through it, and no other module imports CLibXML2. What it guarantees, in one place:
//
// - ICU: Debian builds libxml2 with ICU, whose headers clash with Foundation's bundled ICU. The module header
//   (Sources/CLibXML2/shim.h) reads <libxml/xmlversion.h> first and #undefs LIBXML_ICU_ENABLED; the C shim's own
//   header names no libxml2 type, so that header is the only one Swift sees.
// - No network, no file, no entity: XML is parsed with XML_PARSE_NONET and without XML_PARSE_NOENT (which would
//   turn entity substitution ON), never with XML_PARSE_XINCLUDE or XML_PARSE_DTDLOAD, and an external-entity loader
//   that refuses every URL is installed once (`clibxml2shim_init`). A DOCTYPE is refused before parsing
//   (`DoctypeRefusal`), so no DTD, internal or external, is ever read.
// - Errors: libxml2's structured errors are collected per call (`XMLIssue`) and reported as AuditModel's
//   `Diagnostic` with file:line; its variadic generic-error output goes nowhere.
// - Lifetimes: every libxml2 handle lives in a Swift object that frees it in `deinit`. None is Sendable: a
//   document, schema, context or writer is created, used and freed on one thread (libxml2 keeps per-thread error
//   state), and must not cross threads or tasks.
// - xmlCleanupParser is never called: it would free libxml2's global state under other threads' feet.

/// libxml2's process-wide set-up and the parse options every read uses.
enum XMLLibrary {
    /// Initialises libxml2 once per process and silences its generic error output on the calling thread. Every
    /// entry point of this module calls it first; cheap after the first call.
    static func prepare() { clibxml2shim_init() }

    /// `XML_PARSE_NONET | XML_PARSE_BIG_LINES`: no network, no entity substitution, no XInclude, no DTD loading,
    /// line numbers past 65535 kept.
    static var safeParseOptions: Int32 { clibxml2shim_safe_parse_options() }

    /// HTML: no network, no error output (the HTML parser forgives what browsers forgive), recovery on.
    static let htmlParseOptions = Int32(
        HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_RECOVER.rawValue)
}

/// Calls `body` with `string` as a NUL-terminated `xmlChar` (UTF-8) pointer.
func withXMLChars<R>(_ string: String, _ body: (UnsafePointer<xmlChar>) -> R) -> R {
    string.withCString { pointer in
        pointer.withMemoryRebound(to: xmlChar.self, capacity: 1) { body($0) }
    }
}

/// A libxml2 string (`xmlChar *`, UTF-8) as a Swift string; "" for NULL.
func string(_ characters: UnsafePointer<xmlChar>?) -> String {
    characters.map { String(cString: $0) } ?? ""
}
