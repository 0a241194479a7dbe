import Foundation

/// One line of a JSON-lines export (a controller's or a log shipper's: one object per line), read from its bytes
/// without building the object: the whole line is checked to be one well-formed JSON object (RFC 8259), and the
/// value of the first wanted key among its top-level keys is returned.
enum JSONLine {
    /// What the line's time field holds.
    enum Field {
        /// A string without escapes: its bytes, between the quotes.
        case text(name: String, start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>)
        /// A string with escapes, decoded.
        case escapedText(name: String, value: String)
        case number(name: String, value: Double)
        /// The field holds `null`, `true`, an object, …: `kind` names it.
        case notADate(name: String, kind: String)
        /// The line is not one JSON object, or has none of the wanted keys.
        case problem(String)
    }

    /// Nesting deeper than this is refused (a log record is never that deep; the reader recurses).
    static let maximumDepth = 256

    /// Reads the object at `start` (its `{`) through `end` (the end of the line; trailing spaces and `\r` allowed)
    /// and returns the value of the first of `names` present among its top-level keys (a repeated key: its first
    /// occurrence).
    static func field(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, names: [[UInt8]]) -> Field {
        var cursor = Cursor(p: start, end: end)
        var found: [(rank: Int, value: Cursor.Token)] = []
        guard cursor.byte == 0x7B else { return .problem("malformed JSON line: it does not start with '{'") }
        cursor.p += 1
        cursor.skipSpace()
        if cursor.byte == 0x7D {
            cursor.p += 1
        } else {
            while true {
                cursor.skipSpace()
                guard cursor.byte == 0x22 else { return cursor.malformed("expected a key in double quotes") }
                guard let key = cursor.string() else { return cursor.malformed(cursor.problem) }
                cursor.skipSpace()
                guard cursor.byte == 0x3A else { return cursor.malformed("expected ':' after a key") }
                cursor.p += 1
                cursor.skipSpace()
                guard let value = cursor.value(depth: 1) else { return cursor.malformed(cursor.problem) }
                if let rank = rank(of: key, among: names), !found.contains(where: { $0.rank == rank }) {
                    found.append((rank, value))
                }
                cursor.skipSpace()
                if cursor.byte == 0x2C {
                    cursor.p += 1
                    continue
                }
                guard cursor.byte == 0x7D else { return cursor.malformed("expected ',' or '}' after a value") }
                cursor.p += 1
                break
            }
        }
        cursor.skipSpace()
        guard cursor.p == end else { return cursor.malformed("text after the closing '}'") }
        guard let best = found.min(by: { $0.rank < $1.rank }) else {
            let wanted = names.map { "'" + String(decoding: $0, as: UTF8.self) + "'" }
            return .problem("JSON object without a time field (\(wanted.joined(separator: ", ")))")
        }
        let name = String(decoding: names[best.rank], as: UTF8.self)
        switch best.value {
        case let .string(s, e, escaped):
            if escaped {
                return .escapedText(name: name, value: decode(s, e) ?? "")
            }
            return .text(name: name, start: s, end: e)
        case let .number(s, e):
            let text = String(decoding: UnsafeBufferPointer(start: s, count: e - s), as: UTF8.self)
            guard let value = Double(text) else { return .notADate(name: name, kind: "a number out of range") }
            return .number(name: name, value: value)
        case let .other(kind):
            return .notADate(name: name, kind: kind)
        }
    }

    /// The index in `names` of the key, or nil.
    private static func rank(of key: Cursor.Token, among names: [[UInt8]]) -> Int? {
        guard case let .string(s, e, escaped) = key else { return nil }
        if escaped {
            guard let text = decode(s, e) else { return nil }
            let bytes = Array(text.utf8)
            return names.firstIndex(of: bytes)
        }
        let count = e - s
        for (index, name) in names.enumerated() where name.count == count {
            if name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, s, count) == 0 }) { return index }
        }
        return nil
    }

    /// The text of a JSON string with escapes (`\"`, `\u00e9`, surrogate pairs), between its quotes.
    private static func decode(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String? {
        let quoted: [UInt8] = [0x22] + Array(UnsafeBufferPointer(start: start, count: end - start)) + [0x22]
        return try? JSONDecoder().decode(String.self, from: Data(quoted))
    }

    /// A position in the line's bytes.
    struct Cursor {
        enum Token {
            /// Bytes between the quotes; `escaped` when they hold a backslash.
            case string(UnsafePointer<UInt8>, UnsafePointer<UInt8>, escaped: Bool)
            case number(UnsafePointer<UInt8>, UnsafePointer<UInt8>)
            /// `null`, `true`, `false`, an object or an array, named.
            case other(String)
        }

        var p: UnsafePointer<UInt8>
        let end: UnsafePointer<UInt8>
        let start: UnsafePointer<UInt8>
        /// What went wrong in the last ``value(depth:)`` that returned nil.
        var problem = "malformed value"

        init(p: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) {
            self.p = p
            self.end = end
            start = p
        }

        /// The byte at the cursor, or 0 at the end.
        var byte: UInt8 { p < end ? p.pointee : 0 }

        mutating func skipSpace() {
            while p < end, p.pointee == 0x20 || p.pointee == 0x09 || p.pointee == 0x0D || p.pointee == 0x0A { p += 1 }
        }

        func malformed(_ what: String) -> Field {
            .problem("malformed JSON line: \(what) at column \(p - start + 1)")
        }

        /// A string at the cursor (its opening quote); the cursor ends after the closing quote.
        mutating func string() -> Token? {
            p += 1
            let s = p
            var escaped = false
            while p < end {
                let b = p.pointee
                if b == 0x22 {
                    let token = Token.string(s, p, escaped: escaped)
                    p += 1
                    return token
                }
                if b == 0x5C {
                    escaped = true
                    p += 1
                    guard p < end else { break }
                    switch p.pointee {
                    case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
                        p += 1
                    case 0x75:
                        guard end - p >= 5,
                            (1...4).allSatisfy({ isHex(p[$0]) })
                        else {
                            problem = "a \\u escape without four hex digits"
                            return nil
                        }
                        p += 5
                    default:
                        problem = "an unknown escape in a string"
                        return nil
                    }
                    continue
                }
                if b < 0x20 {
                    problem = "a control character in a string"
                    return nil
                }
                p += 1
            }
            problem = "a string without its closing quote"
            return nil
        }

        private func isHex(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
        }

        private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

        /// A value at the cursor; the cursor ends after it.
        mutating func value(depth: Int) -> Token? {
            guard p < end else {
                problem = "a value is missing"
                return nil
            }
            switch p.pointee {
            case 0x22:
                return string()
            case 0x7B, 0x5B:
                let kind = p.pointee == 0x7B ? "an object" : "an array"
                return container(depth: depth + 1) ? .other(kind) : nil
            case 0x74:
                return literal("true") ? .other("true") : nil
            case 0x66:
                return literal("false") ? .other("false") : nil
            case 0x6E:
                return literal("null") ? .other("null") : nil
            case 0x2D, 0x30...0x39:
                return number()
            default:
                problem = "an unexpected character"
                return nil
            }
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard end - p >= count, memcmp(p, word.utf8Start, count) == 0 else {
                problem = "an unexpected word"
                return false
            }
            p += count
            return true
        }

        private mutating func number() -> Token? {
            let s = p
            if p.pointee == 0x2D { p += 1 }
            guard p < end, isDigit(p.pointee) else {
                problem = "a malformed number"
                return nil
            }
            if p.pointee == 0x30 {
                p += 1
            } else {
                while p < end, isDigit(p.pointee) { p += 1 }
            }
            if p < end, p.pointee == 0x2E {
                p += 1
                guard p < end, isDigit(p.pointee) else {
                    problem = "a malformed number"
                    return nil
                }
                while p < end, isDigit(p.pointee) { p += 1 }
            }
            if p < end, p.pointee == 0x65 || p.pointee == 0x45 {
                p += 1
                if p < end, p.pointee == 0x2B || p.pointee == 0x2D { p += 1 }
                guard p < end, isDigit(p.pointee) else {
                    problem = "a malformed number"
                    return nil
                }
                while p < end, isDigit(p.pointee) { p += 1 }
            }
            return .number(s, p)
        }

        /// An object or array at the cursor; the cursor ends after its closing bracket.
        private mutating func container(depth: Int) -> Bool {
            guard depth <= JSONLine.maximumDepth else {
                problem = "nested deeper than \(JSONLine.maximumDepth) levels"
                return false
            }
            let isObject = p.pointee == 0x7B
            let close: UInt8 = isObject ? 0x7D : 0x5D
            p += 1
            skipSpace()
            if byte == close {
                p += 1
                return true
            }
            while true {
                skipSpace()
                if isObject {
                    guard byte == 0x22, string() != nil else {
                        if problem == "malformed value" { problem = "expected a key in double quotes" }
                        return false
                    }
                    skipSpace()
                    guard byte == 0x3A else {
                        problem = "expected ':' after a key"
                        return false
                    }
                    p += 1
                    skipSpace()
                }
                guard value(depth: depth) != nil else { return false }
                skipSpace()
                if byte == 0x2C {
                    p += 1
                    continue
                }
                guard byte == close else {
                    problem = isObject ? "expected ',' or '}'" : "expected ',' or ']'"
                    return false
                }
                p += 1
                return true
            }
        }
    }
}
