import Foundation

/// The time zone of a clock, as a site profile or a command line names it: an IANA name (`Asia/Shanghai`,
/// `Europe/Berlin`), `UTC`, or a fixed offset (`+08:00`, `-0530`, `+08`, `Z`).
///
/// A named zone carries the tz database's rules as a table of offset changes, read once from Foundation: converting
/// an instant (seconds since 1970-01-01 UTC) to the zone's wall clock and back is then integer arithmetic and a
/// binary search, fast enough for every line of a large log. Both the site profile (the mall's and a device's zone)
/// and the measured checks use this one parser, so a name the profile accepts is a name the checks understand.
public struct ClockZone: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The name as written for an IANA zone, `UTC`, or the offset as `±HH:MM`.
    public let name: String
    /// UTC instants (seconds since 1970) at which the offset changes, ascending.
    public let transitions: [Int]
    /// `offsets[0]` holds before `transitions[0]`; `offsets[i + 1]` from `transitions[i]` on. Seconds east of UTC.
    public let offsets: [Int]

    /// Asia/Shanghai: China's zone (Xuzhou's), the default for a mall.
    public static let shanghai = ClockZone("Asia/Shanghai")!

    /// UTC.
    public static let utc = ClockZone(fixedOffset: 0)

    /// A zone at a fixed offset from UTC (seconds east), named `±HH:MM` (`UTC` for 0).
    public init(fixedOffset seconds: Int) {
        self.init(name: seconds == 0 ? "UTC" : ClockZone.offsetText(seconds), transitions: [], offsets: [seconds])
    }

    /// Parses a zone: an IANA name the tz database knows (exact spelling), `UTC`, `Z`, or `±HH:MM`, `±HHMM`, `±HH`
    /// (at most 14 hours). Nil for anything else; ``problem(_:)`` says why in words.
    public init?(_ text: String) {
        if text == "UTC" || text == "Z" || text == "Etc/UTC" {
            self.init(fixedOffset: 0)
            return
        }
        if let seconds = ClockZone.parseOffset(text) {
            self.init(fixedOffset: seconds)
            return
        }
        guard ClockZone.knownNames.contains(text), let zone = TimeZone(identifier: text) else { return nil }
        var transitions: [Int] = []
        var offsets: [Int] = []
        // Offsets from 1900 to 2100; before and after, the nearest one holds.
        let start = Date(timeIntervalSince1970: -2_208_988_800)
        let stop = 4_102_444_800.0
        offsets.append(zone.secondsFromGMT(for: start))
        var cursor = start
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < stop,
            transitions.count < 4096
        {
            let offset = zone.secondsFromGMT(for: next)
            if offset != offsets.last {
                transitions.append(Int(next.timeIntervalSince1970.rounded()))
                offsets.append(offset)
            }
            cursor = next
        }
        self.init(name: text, transitions: transitions, offsets: offsets)
    }

    private init(name: String, transitions: [Int], offsets: [Int]) {
        self.name = name
        self.transitions = transitions
        self.offsets = offsets
    }

    /// Why `text` is not a zone, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        if ClockZone(text) != nil { return nil }
        if text.first == "+" || text.first == "-" {
            return "'\(text)' is not a UTC offset (±HH:MM, at most 14 hours)"
        }
        return "'\(text)' is not an IANA time zone name"
    }

    /// What ``init(_:)`` accepts, in words, for messages.
    public static let expected =
        "an IANA time zone name such as Asia/Shanghai (exact spelling), UTC, or a fixed offset such as +08:00"

    private static let knownNames = Set(TimeZone.knownTimeZoneIdentifiers)

    /// `+08:00`, `-0530`, `+08` → seconds east of UTC; nil otherwise.
    static func parseOffset(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        var digits = Array(bytes.dropFirst())
        if digits.count == 5, digits[2] == UInt8(ascii: ":") { digits.remove(at: 2) }
        guard digits.count == 2 || digits.count == 4,
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        let values = digits.map { Int($0) - 48 }
        let hours = values[0] * 10 + values[1]
        let minutes = digits.count == 4 ? values[2] * 10 + values[3] : 0
        guard hours <= 14, minutes < 60 else { return nil }
        return (sign == UInt8(ascii: "+") ? 1 : -1) * (hours * 3600 + minutes * 60)
    }

    /// `+08:00`, `-05:30`.
    public static func offsetText(_ seconds: Int) -> String {
        let magnitude = abs(seconds)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return (seconds < 0 ? "-" : "+") + two(magnitude / 3600) + ":" + two(magnitude / 60 % 60)
    }

    /// True when the offset never changes (`UTC`, `+08:00`).
    public var isFixed: Bool { transitions.isEmpty }

    /// True when both zones give every instant the same offset (then converting between them changes nothing).
    public func hasSameRules(as other: ClockZone) -> Bool {
        transitions == other.transitions && offsets == other.offsets
    }

    /// Seconds east of UTC at the instant `utc` (seconds since 1970-01-01 UTC).
    public func offset(atUTC utc: Int) -> Int { offsets[ClockZone.interval(transitions, utc)] }

    /// The UTC instant of a wall-clock time `local` (seconds since 1970-01-01 on this zone's clock). A time the clock
    /// skipped (spring forward) is read with the offset before the change; a time it showed twice (fall back) is the
    /// earlier instant.
    public func utc(fromLocal local: Int) -> Int {
        if isFixed { return local - offsets[0] }
        // The offsets in force within a day of the time; those that give back the same wall clock are the answers.
        let first = ClockZone.interval(transitions, local - 86_400)
        let last = ClockZone.interval(transitions, local + 86_400)
        var best: Int?
        for candidate in offsets[first...last] where offset(atUTC: local - candidate) == candidate {
            // The largest offset is the earliest instant.
            if candidate > best ?? Int.min { best = candidate }
        }
        return local - (best ?? offsets[first])
    }

    /// The index into `offsets` for `utc`: how many transitions are at or before it.
    @inline(__always)
    public static func interval(_ transitions: [Int], _ utc: Int) -> Int {
        var low = 0
        var high = transitions.count
        while low < high {
            let mid = (low + high) / 2
            if transitions[mid] <= utc { low = mid + 1 } else { high = mid }
        }
        return low
    }

    public var description: String { name }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let zone = ClockZone(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: ClockZone.problem(text) ?? text))
        }
        self = zone
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    public static func == (lhs: ClockZone, rhs: ClockZone) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// How a log stamp without a year (RFC 3164 `Nov 20 08:14:07`) gets one.
///
/// Every rule picks a *reference date* and gives a stamp the year that puts its month in the twelve months ending
/// with the month after the reference date's month: with the reference 2026-01-10, `Dec 31` is 2025-12-31 and
/// `Feb  3` is 2026-02-03 (a record after the reference, reported as such when the reference is the as-of date);
/// with the reference 2026-11-20, `Nov 25` is 2026-11-25 and `Jan  4` is 2026-01-04. 29 February in a year that has
/// none goes back to the last leap year. A record is never moved to another year because of where its date falls
/// against the as-of date.
public enum YearlessStampRule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The reference is the as-of date of the audit (the default: the result does not depend on file metadata).
    case asOf
    /// The reference is each file's modification date on the device's clock (the day the file was last written),
    /// as Splunk and similar tools do; right when the files keep their original modification times.
    case fileModified
    /// Every year-less stamp is in this year (an impossible date, 29 February of a common year, cannot be dated).
    case year(Int)

    /// `as-of`, `file-mtime`, or a year `2026` (1–9999).
    public init?(_ text: String) {
        switch text {
        case "as-of": self = .asOf
        case "file-mtime": self = .fileModified
        default:
            guard text.count == 4, text.allSatisfy(\.isASCII), let year = Int(text), year >= 1 else { return nil }
            self = .year(year)
        }
    }

    /// What ``init(_:)`` accepts, for messages.
    public static let expected = "as-of, file-mtime or a year such as 2026"

    public var description: String {
        switch self {
        case .asOf: "as-of"
        case .fileModified: "file-mtime"
        case let .year(year): String(year)
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let rule = YearlessStampRule(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected \(YearlessStampRule.expected)"))
        }
        self = rule
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
