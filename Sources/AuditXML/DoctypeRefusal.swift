import AuditModel
import Foundation

/// What an XML document is to its reader, in the words of a refusal: "a checklist", "an XML body".
public struct XMLDocumentRole: Sendable, Hashable {
    /// With its article: `a checklist`, `an XML report`.
    public var noun: String
    /// How the document should start instead: `<checklist xmlns="urn:mallaudit:checklist:1">`, `its root element`.
    public var start: String

    public init(noun: String, start: String = "its root element") {
        self.noun = noun
        self.start = start
    }

    /// An XML Schema (the checklist's, the report's).
    public static let schema = XMLDocumentRole(noun: "an XML Schema", start: "<xs:schema>")
}

/// The rule every XML document mallaudit reads obeys: **no DOCTYPE**. mallaudit's documents (checklists,
/// reports, schemas, XML answer bodies) need no DTD and no entity, and a DTD is where the dangers live: external
/// entities that read files or the network, entity expansion bombs ("billion laughs"). So a DOCTYPE is refused
/// before the document is parsed, with the line it is on, by this one piece of code:
///
/// 1. `scan(_:)` reads the prolog (BOM, XML declaration, comments, processing instructions, white space) of the
///    raw bytes, in UTF-8 or any ASCII-compatible encoding and in UTF-16; if it finds `<!DOCTYPE`, libxml2 is
///    never called;
/// 2. should the bytes be in an encoding the scan cannot read (UTF-32, EBCDIC), libxml2's SAX `internalSubset`
///    callback stops the parser as soon as `<!DOCTYPE name …` is read, before the internal subset: nothing is
///    declared, loaded or expanded either way.
///
/// HTML is not concerned: libxml2's HTML parser reads `<!DOCTYPE html>` as a marker, parses no internal subset,
/// loads no DTD and knows only HTML's own named character references, so an HTML page keeps its DOCTYPE.
public enum DoctypeRefusal {
    /// What the prolog scan found.
    public enum Scan: Sendable, Hashable {
        /// No DOCTYPE before the first element (or before the end).
        case none
        /// A `<!DOCTYPE` starting on this 1-based line.
        case doctype(line: Int)
        /// The encoding is not one the scan reads; libxml2's own hook decides.
        case undetermined
    }

    /// The words of every refusal.
    public static func message(for role: XMLDocumentRole) -> String {
        "a DOCTYPE declaration is not allowed in \(role.noun) "
            + "(refused before reading it: no DTD, no entity is declared, loaded or expanded)"
    }

    /// The refusal of a DOCTYPE at `line` of `file`.
    public static func diagnostic(file: String, line: Int, role: XMLDocumentRole) -> Diagnostic {
        Diagnostic(
            file: file, line: line, message: message(for: role),
            expected: "no <!DOCTYPE …>: the document starts with \(role.start)")
    }

    /// Looks for a DOCTYPE in the prolog of `data`, the only place XML allows one (after the first element,
    /// `<!DOCTYPE` is a well-formedness error the parser reports, not a DTD).
    public static func scan(_ data: Data) -> Scan {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            // The encoding, from a byte order mark or from how `<` is written.
            if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
                return scan(bytes, from: 2, unit: 2, bigEndian: true)
            }
            if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
                if bytes.count >= 4, bytes[2] == 0, bytes[3] == 0 { return .undetermined }  // UTF-32LE
                return scan(bytes, from: 2, unit: 2, bigEndian: false)
            }
            if bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 { return .undetermined }  // UTF-32BE, UCS-4
            if bytes.count >= 4, bytes[0] == 0x4C, bytes[1] == 0x6F, bytes[2] == 0xA7, bytes[3] == 0x94 {
                return .undetermined  // EBCDIC "<?xm"
            }
            if bytes.count >= 2, bytes[0] == 0, bytes[1] != 0 { return scan(bytes, from: 0, unit: 2, bigEndian: true) }
            if bytes.count >= 2, bytes[0] != 0, bytes[1] == 0 {
                if bytes.count >= 4, bytes[2] == 0, bytes[3] == 0 { return .undetermined }  // UTF-32LE, no mark
                return scan(bytes, from: 0, unit: 2, bigEndian: false)
            }
            let start = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
            return scan(bytes, from: start, unit: 1, bigEndian: false)
        }
    }

    /// Walks the prolog in code units of `unit` bytes (1: ASCII-compatible, 2: UTF-16). Only ASCII matters here:
    /// white space, `<?…?>`, `<!--…-->` and `<!DOCTYPE`; anything else ends the prolog.
    private static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, unit: Int, bigEndian: Bool
    ) -> Scan {
        let count = (bytes.count - start) / unit
        func at(_ index: Int) -> UInt32 {
            guard index < count else { return 0 }
            let offset = start + index * unit
            if unit == 1 { return UInt32(bytes[offset]) }
            let (high, low) = bigEndian ? (bytes[offset], bytes[offset + 1]) : (bytes[offset + 1], bytes[offset])
            return UInt32(high) << 8 | UInt32(low)
        }
        func matches(_ text: String, at index: Int) -> Bool {
            var position = index
            for scalar in text.unicodeScalars {
                guard position < count, at(position) == scalar.value else { return false }
                position += 1
            }
            return true
        }
        var line = 1
        var index = 0
        /// Counts the line ends of `index..<end` as libxml2 does (CR LF, CR and LF each end one line).
        func advance(to end: Int) {
            while index < end && index < count {
                let character = at(index)
                if character == 0x0A || (character == 0x0D && at(index + 1) != 0x0A) { line += 1 }
                index += 1
            }
        }
        /// Moves past the next `terminator` (or to the end).
        func skip(past terminator: String) {
            var end = index
            while end < count && !matches(terminator, at: end) { end += 1 }
            advance(to: min(count, end + terminator.unicodeScalars.count))
        }
        while index < count {
            switch at(index) {
            case 0x20, 0x09, 0x0A, 0x0D:
                advance(to: index + 1)
            case 0x3C where matches("<?", at: index):
                skip(past: "?>")
            case 0x3C where matches("<!--", at: index):
                index += 4
                skip(past: "-->")
            case 0x3C where matches("<!DOCTYPE", at: index):
                return .doctype(line: line)
            default:
                return .none
            }
        }
        return .none
    }
}
