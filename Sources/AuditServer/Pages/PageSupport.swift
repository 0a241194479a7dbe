import AuditSupport
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A form body or a query string (`application/x-www-form-urlencoded`): `+` is a space, then percent-decoding.
struct PageForm: Sendable {
    private(set) var values: [String: String] = [:]

    init(_ text: String?) {
        guard let text, !text.isEmpty else { return }
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(parts[0])
            guard !key.isEmpty, values[key] == nil else { continue }
            values[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
    }

    /// The value of `key`, trimmed; nil when absent or empty.
    subscript(_ key: String) -> String? {
        guard let value = values[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// The request's query string as a form.
    static func query(_ request: Request) -> PageForm { PageForm(request.uri.query) }

    /// The request's body as a form (at most 64 KiB).
    static func body(_ request: inout Request) async throws -> PageForm {
        let buffer = try await request.collectBody(upTo: 64 << 10)
        return PageForm(String(buffer: buffer))
    }
}

/// Paths and numbers as the pages print them.
enum PageFormat {
    /// `value` as one URL path segment (everything but unreserved characters percent-encoded).
    static func segment(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// `value` as a query value.
    static func query(_ value: String) -> String { segment(value) }

    /// A path parameter as the client meant it (Hummingbird leaves path segments percent-encoded).
    static func decoded(_ value: String) -> String { value.removingPercentEncoding ?? value }

    /// A `next` address after signing in: a path on this server only (never `//host` or a scheme).
    static func safeNext(_ value: String?) -> String {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//"), !value.hasPrefix("/\\"),
            !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" }), value.utf8.count < 2000
        else { return "/overview" }
        return value
    }

    /// A number with at most `decimals` decimals, no trailing zeros.
    static func number(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return "—" }
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return number(value, decimals: 1) + " %"
    }

    /// Days from 1970-01-01 of a `YYYY-MM-DD` date (nil when it is not one).
    static func day(_ text: String) -> Int? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var components = DateComponents()
        components.year = parts[0]
        components.month = parts[1]
        components.day = parts[2]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let date = calendar.date(from: components) else { return nil }
        return Int((date.timeIntervalSince1970 / 86400).rounded(.down))
    }

    /// A day counted from 1970-01-01 as `YYYY-MM-DD` (days are counted as calendar days, without a zone).
    static func date(day: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(day) * 86400))
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    /// A count with thousands separated by commas (`1,000`), as both languages of the pages write it.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return value < 0 ? "-" + text : text
    }

    /// Whether `a` sorts before `b` with digit runs compared as numbers (`5.1.2` before `5.1.10`).
    static func naturalLess(_ a: String, _ b: String) -> Bool {
        func parts(_ text: String) -> [(Int?, String)] {
            var result: [(Int?, String)] = []
            var current = ""
            var digits = false
            for character in text {
                let isDigit = character.isASCII && character.isNumber
                if !current.isEmpty && isDigit != digits {
                    result.append((digits ? Int(current) : nil, current))
                    current = ""
                }
                digits = isDigit
                current.append(character)
            }
            if !current.isEmpty { result.append((digits ? Int(current) : nil, current)) }
            return result
        }
        let x = parts(a)
        let y = parts(b)
        for (p, q) in zip(x, y) {
            switch (p.0, q.0) {
            case (let m?, let n?) where m != n: return m < n
            case (nil, nil) where p.1 != q.1: return p.1 < q.1
            case (.some, nil): return true
            case (nil, .some): return false
            default: continue
            }
        }
        return x.count < y.count
    }
}

/// CSV for the bureau's records (RFC 4180, UTF-8 with a byte order mark so that spreadsheet programs read the
/// Chinese). A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, return first) is prefixed
/// with `'`: values from bundles are data, never formulas.
/// The bureau's clock (`time_zone` of server.yaml, Asia/Shanghai by default): how the pages write a moment and which
/// day is today (ages of audits, the CSV's name). PostgreSQL's `current_date` (overdue items) follows the same zone:
/// every session of the service is started in it (`Database`).
struct BureauClock: Sendable {
    let zone: ClockZone

    /// A moment as the bureau reads it: `2026-12-06 16:40 +08:00` (the zone's offset at that moment).
    func time(_ date: Date?) -> String {
        guard let date else { return "" }
        let (day, seconds, offset) = local(date)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(PageFormat.date(day: day)) \(two(seconds / 3600)):\(two(seconds / 60 % 60)) \(ClockZone.offsetText(offset))"
    }

    /// The bureau's day at `now`, as days from 1970-01-01.
    func day(at now: Date = Date()) -> Int { local(now).day }

    /// The day (from 1970-01-01), the seconds into it and the zone's offset of `date` on this clock.
    private func local(_ date: Date) -> (day: Int, seconds: Int, offset: Int) {
        let utc = Int(date.timeIntervalSince1970.rounded(.down))
        let offset = zone.offset(atUTC: utc)
        let local = utc + offset
        let day = local >= 0 ? local / 86_400 : -((-local + 86_399) / 86_400)
        return (day, local - day * 86_400, offset)
    }
}

enum PageCSV {
    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    static func document(header: [String], rows: [[String]]) -> String {
        var text = "\u{FEFF}"
        for row in [header] + rows { text += row.map(cell).joined(separator: ",") + "\r\n" }
        return text
    }
}

extension HTTPField.Name {
    // Headers HTTPTypes does not name.
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
