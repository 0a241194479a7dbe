import AuditSupport
import Foundation

/// A calendar date (proleptic Gregorian, no time zone) as the measured checks use it: the as-of date,
/// a log record's day, a complaint's day of receipt.
///
/// Dates convert to and from a day number (days since 1970-01-01) with integer arithmetic only, so that the
/// WiFi log scan can date millions of lines without Foundation's `Calendar` or `DateFormatter`.
public struct MeasureDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid date, or nil (month 1–12, day within the month, year 1–9999).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= MeasureDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date of a day number (days since 1970-01-01).
    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    /// Parses `YYYY-MM-DD` exactly (the form of `--as-of` and of the calendar file).
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Today on the clock of `zone` (the mall's today, whatever the zone of the computer running the audit).
    public static func today(on zone: ClockZone) -> MeasureDate {
        let utc = Int(Date().timeIntervalSince1970.rounded(.down))
        let local = utc + zone.offset(atUTC: utc)
        return MeasureDate(dayNumber: local >= 0 ? local / 86_400 : -((-local + 86_399) / 86_400))
    }

    /// Days since 1970-01-01 (negative before).
    public var dayNumber: Int { MeasureDate.dayNumber(year: year, month: month, day: day) }

    /// Days since 1970-01-01 of a date given by its fields (which must be valid).
    @inline(__always)
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    @inline(__always)
    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    @inline(__always)
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The date `days` later (earlier when negative).
    public func adding(days: Int) -> MeasureDate { MeasureDate(dayNumber: dayNumber + days) }

    /// Days from `other` to this date (positive when this date is later).
    public func days(since other: MeasureDate) -> Int { dayNumber - other.dayNumber }

    /// ISO weekday: 1 Monday … 7 Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let w = (dayNumber + 3) % 7
        return (w < 0 ? w + 7 : w) + 1
    }

    /// Saturday or Sunday.
    public var isWeekend: Bool { weekday >= 6 }

    /// English weekday name, for messages.
    public var weekdayName: String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekday - 1]
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: MeasureDate, rhs: MeasureDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = MeasureDate(iso: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected YYYY-MM-DD, got \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A date with an optional time of day, as written in a complaint export (`2026-09-30`, `2026/9/30 14:05`,
/// `2026-09-30T14:05:00+08:00`, `2026年9月30日`).
public struct MeasureDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var date: MeasureDate
    /// Seconds since midnight, when the text had a time.
    public var secondOfDay: Int?

    public init(date: MeasureDate, secondOfDay: Int? = nil) {
        self.date = date
        self.secondOfDay = secondOfDay
    }

    /// Parses a date, optionally followed by a time. Any UTC offset is ignored: the date is taken as written,
    /// because complaint registers record the mall's local time.
    public init?(parsing raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        var scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        // 2026年9月30日 → 2026-9-30
        scalars = scalars.map { ["年", "月"].contains(String($0)) ? "-" : $0 }.filter { $0 != "日" }
        var index = 0
        func number(maxDigits: Int) -> Int? {
            var value = 0
            var digits = 0
            while index < scalars.count, digits < maxDigits, ("0"..."9").contains(scalars[index]) {
                value = value * 10 + Int(scalars[index].value - 48)
                digits += 1
                index += 1
            }
            return digits == 0 ? nil : value
        }
        func separator(_ allowed: Set<Unicode.Scalar>) -> Unicode.Scalar? {
            guard index < scalars.count, allowed.contains(scalars[index]) else { return nil }
            index += 1
            return scalars[index - 1]
        }
        let yearStart = index
        guard let year = number(maxDigits: 4), index - yearStart == 4,
            let sep = separator(["-", "/", "."]),
            let month = number(maxDigits: 2), separator([sep]) != nil,
            let day = number(maxDigits: 2),
            let date = MeasureDate(year: year, month: month, day: day)
        else { return nil }
        self.date = date
        self.secondOfDay = nil
        if index == scalars.count { return }
        guard separator([" ", "T"]) != nil else { return nil }
        while index < scalars.count, scalars[index] == " " { index += 1 }
        guard let hour = number(maxDigits: 2), hour < 24, separator([":"]) != nil,
            let minute = number(maxDigits: 2), minute < 60
        else { return nil }
        var second = 0
        if separator([":"]) != nil {
            guard let s = number(maxDigits: 2), s < 61 else { return nil }
            second = min(s, 59)
            if separator([".", ","]) != nil { _ = number(maxDigits: 9) }
        }
        // Accept and ignore a zone: Z, +08:00, +0800.
        if index < scalars.count {
            if scalars[index] == "Z" {
                index += 1
            } else if scalars[index] == "+" || scalars[index] == "-" {
                index += 1
                guard number(maxDigits: 2) != nil else { return nil }
                if separator([":"]) != nil { guard number(maxDigits: 2) != nil else { return nil } }
                _ = number(maxDigits: 2)
            }
        }
        guard index == scalars.count else { return nil }
        secondOfDay = hour * 3600 + minute * 60 + second
    }

    public static func < (lhs: MeasureDateTime, rhs: MeasureDateTime) -> Bool {
        (lhs.date.dayNumber, lhs.secondOfDay ?? 0) < (rhs.date.dayNumber, rhs.secondOfDay ?? 0)
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`.
    public var description: String {
        guard let s = secondOfDay else { return date.description }
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(date) \(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
    }
}
