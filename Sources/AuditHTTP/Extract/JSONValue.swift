import Foundation

/// A JSON value as parsed from an answer: member order kept, numbers kept as written (`12840`, `1.5e3`), and
/// `true`/`false` distinct from `1`/`0` (Foundation's `JSONSerialization` gives `NSNumber` for both on Linux).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number literal exactly as written in the document.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order; for a repeated name, lookups see the last one.
    case object([JSONMember])

    /// The value as a number, when it is one.
    public var doubleValue: Double? {
        if case .number(let literal) = self { return Double(literal) }
        return nil
    }

    /// The member `name` of an object (the last one if repeated), or nil.
    public subscript(member name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.name == name }?.value
    }

    /// The value as probes compare it: a string as itself, a number as written, `true`/`false`, null and empty
    /// arrays or objects as "" (so `non_empty` fails on them), other arrays and objects as compact JSON.
    public var text: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .number(let literal): literal
        case .string(let value): value
        case .array(let items): items.isEmpty ? "" : compactJSON
        case .object(let members): members.isEmpty ? "" : compactJSON
        }
    }

    /// The value serialized without spaces, members in document order.
    public var compactJSON: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let literal): literal
        case .string(let value): JSONValue.quote(value)
        case .array(let items): "[" + items.map(\.compactJSON).joined(separator: ",") + "]"
        case .object(let members):
            "{" + members.map { JSONValue.quote($0.name) + ":" + $0.value.compactJSON }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Parses a whole document (RFC 8259; a leading UTF-8 byte-order mark is allowed).
    ///
    /// - Parameter source: where the body came from (a URL, a file), for the message.
    /// - Throws: `ExtractionError` such as `expected JSON at SOURCE: unexpected character ',' at byte 24 (line 2,
    ///   column 9)`; bytes, lines and columns count from 1.
    public static func parse(_ data: Data, source: String? = nil) throws(ExtractionError) -> JSONValue {
        var parser = JSONParser(bytes: [UInt8](data), source: source)
        return try parser.document()
    }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Hashable {
    public var name: String
    public var value: JSONValue

    public init(_ name: String, _ value: JSONValue) {
        self.name = name
        self.value = value
    }
}

/// A strict recursive-descent JSON parser that knows where it is, for messages that point at the byte.
struct JSONParser {
    static let maximumDepth = 512

    let bytes: [UInt8]
    let source: String?
    var index = 0
    var depth = 0

    init(bytes: [UInt8], source: String?) {
        self.bytes = bytes
        self.source = source
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func document() throws(ExtractionError) -> JSONValue {
        skipWhitespace()
        if index >= bytes.count {
            throw failure(bytes.isEmpty ? "the body is empty" : "only whitespace", at: index)
        }
        let value = try value()
        skipWhitespace()
        if index < bytes.count { throw failure("\(describe(index)) after the JSON value", at: index) }
        return value
    }

    // MARK: errors

    func failure(_ what: String, at offset: Int) -> ExtractionError {
        var line = 1
        var lineStart = 0
        for position in 0..<min(offset, bytes.count) where bytes[position] == 0x0A {
            line += 1
            lineStart = position + 1
        }
        let column = offset - lineStart + 1
        let place = source.map { " at \($0)" } ?? ""
        return ExtractionError(
            .malformedDocument, "expected JSON\(place): \(what) at byte \(offset + 1) (line \(line), column \(column))",
            byte: offset + 1, line: line, column: column)
    }

    /// `unexpected character ','` / `unexpected end of input`.
    func describe(_ offset: Int) -> String {
        guard offset < bytes.count else { return "unexpected end of input" }
        let byte = bytes[offset]
        if byte >= 0x20 && byte < 0x7F { return "unexpected character '\(Character(UnicodeScalar(byte)))'" }
        return "unexpected byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    // MARK: grammar

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func value() throws(ExtractionError) -> JSONValue {
        guard index < bytes.count else { throw failure("unexpected end of input, expected a value", at: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("\(describe(index)), expected a value", at: index)
        }
    }

    mutating func literal(_ word: String, _ value: JSONValue) throws(ExtractionError) -> JSONValue {
        for expected in word.utf8 {
            guard index < bytes.count, bytes[index] == expected else {
                throw failure("\(describe(index)), expected '\(word)'", at: index)
            }
            index += 1
        }
        return value
    }

    mutating func enter() throws(ExtractionError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw failure("nesting deeper than \(JSONParser.maximumDepth) levels", at: index)
        }
    }

    mutating func object() throws(ExtractionError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1  // {
        var members: [JSONMember] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("\(describe(index)), expected a member name in double quotes", at: index)
            }
            let name = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw failure("\(describe(index)), expected ':' after the member name", at: index)
            }
            index += 1
            skipWhitespace()
            members.append(JSONMember(name, try value()))
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input, expected ',' or '}'", at: index) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            throw failure("\(describe(index)), expected ',' or '}'", at: index)
        }
    }

    mutating func array() throws(ExtractionError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input, expected ',' or ']'", at: index) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            throw failure("\(describe(index)), expected ',' or ']'", at: index)
        }
    }

    mutating func number() throws(ExtractionError) -> JSONValue {
        let start = index
        func digits(_ parser: inout JSONParser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index])
            {
                parser.index += 1
            }
            return parser.index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                throw failure("a number with a leading zero", at: start)
            }
        } else if digits(&self) == 0 {
            throw failure("\(describe(index)), expected a digit", at: index)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            if digits(&self) == 0 { throw failure("\(describe(index)), expected a digit after '.'", at: index) }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            if digits(&self) == 0 { throw failure("\(describe(index)), expected a digit in the exponent", at: index) }
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    mutating func string() throws(ExtractionError) -> String {
        let opening = index
        index += 1  // "
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flushRun(_ parser: JSONParser, upTo end: Int) throws(ExtractionError) {
            guard runStart < end else { return }
            guard let text = String(bytes: parser.bytes[runStart..<end], encoding: .utf8) else {
                throw parser.failure("invalid UTF-8 in a string", at: runStart)
            }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while true {
            guard index < bytes.count else {
                throw failure("unterminated string (it opens at byte \(opening + 1))", at: index)
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try flushRun(self, upTo: index)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 {
                throw failure("a control character (0x\(String(byte, radix: 16))) inside a string", at: index)
            }
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            try flushRun(self, upTo: index)
            let escape = index
            index += 1
            guard index < bytes.count else { throw failure("unterminated escape", at: escape) }
            switch bytes[index] {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                index += 1
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    else { throw failure("a lone UTF-16 high surrogate \\u\(String(code, radix: 16))", at: escape) }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw failure("a high surrogate not followed by a low one", at: escape)
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    throw failure("a lone UTF-16 low surrogate \\u\(String(code, radix: 16))", at: escape)
                }
                guard let scalar = Unicode.Scalar(code) else { throw failure("an invalid \\u escape", at: escape) }
                scalars.append(scalar)
                runStart = index
                continue
            default:
                let what = describe(index).replacingOccurrences(of: "unexpected ", with: "")
                throw failure("an invalid escape sequence (\\ then \(what))", at: escape)
            }
            index += 1
            runStart = index
        }
    }

    mutating func hex4() throws(ExtractionError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = hexValue(bytes[index]) else {
                throw failure("\(describe(index)), expected four hexadecimal digits after \\u", at: index)
            }
            code = code << 4 | digit
            index += 1
        }
        return code
    }

    func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
