import AuditModel
import Foundation

/// What the people's reports (HTML, PDF) print of the text a run stored: reasons, observation names and values,
/// producers and times, in the report's language.
///
/// Probes, data checks and the judgement state their reasons in English (the words stored with each result, kept
/// in the XML and JSON reports and in signed bundles as they were written). A Chinese report shows them in Chinese:
/// every message the tool writes has a template in `ReportTranslations` (`all {n} expectation(s) of {probe} hold`
/// → `{probe} 的全部 {n} 项预期均满足`) and composed reasons are taken apart the way the judgement composed them
/// (`[producer: verdict] reason`, `checkpoint verdict: reason`, `area B1 fail: reason`, parts joined by `; `), each
/// part translated on its own. Text the tool did not write — an inspector's note, a value a mall's system returned —
/// is shown as written. A message with no template is shown in English: never dropped, never guessed; the tests
/// check that the demo's Chinese report has no English prose left.
///
/// Values are shown as people read them in both languages: an instant (`2026-12-06T02:29:21Z`) as the mall's local
/// time, a duration in seconds as days, hours and minutes, a sensor state (`alarm (3)`) by name.
struct ReportText: Sendable {
    let language: Language
    /// The mall's time zone, in which times are shown.
    let zone: ClockZoneRules

    /// Records the templates a translation used (tests check that every template is exercised).
    let tracer: Tracer?

    init(language: Language, timeZone: String, tracer: Tracer? = nil) {
        self.language = language
        self.zone = ClockZoneRules(timeZone)
        self.tracer = tracer
    }

    /// The patterns of the templates translations used, for tests.
    final class Tracer: @unchecked Sendable {
        private let lock = NSLock()
        private var patterns: Set<String> = []

        init() {}

        func used(_ template: ReportTemplate) {
            lock.lock()
            patterns.insert(template.pattern)
            lock.unlock()
        }

        var used: Set<String> {
            lock.lock()
            defer { lock.unlock() }
            return patterns
        }
    }

    // MARK: reasons

    /// A stored reason in the report's language.
    func reason(_ text: String) -> String {
        translate(text, table: ReportTranslations.messages)
    }

    /// Who produced a result (a probe id, a check name, an inspector, the site profile).
    func producer(_ text: String) -> String {
        // A judged result names every producer it was judged from, joined with ", " (AuditModel.Judgement): the
        // Chinese report lists them with 、 like every other list.
        guard language == .zh, text.contains(", ") else { return translate(text, table: ReportTranslations.producers) }
        return Self.splitOutsideParentheses(text).map { translate($0, table: ReportTranslations.producers) }
            .joined(separator: "、")
    }

    /// `text` split at every ", " that is not inside parentheses (`site profile (a: 1, b: 2), probe-x` is two parts).
    static func splitOutsideParentheses(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var rest = Substring(text)
        while let character = rest.first {
            if depth == 0, rest.hasPrefix(", ") {
                parts.append(current)
                current = ""
                rest = rest.dropFirst(2)
                continue
            }
            if character == "(" { depth += 1 }
            if character == ")" { depth = max(0, depth - 1) }
            current.append(character)
            rest = rest.dropFirst()
        }
        parts.append(current)
        return parts
    }

    // MARK: observations

    /// An observation's name: a label for the names the tool writes (`oldestRecordOfRun` → 本次连续日志的最早记录),
    /// else as written (an SNMP value `machine_room.camera`, a JSON path `$.features.points`).
    func observationName(_ name: String) -> String {
        if let label = ReportTranslations.observationNames[name] { return label.text(language) }
        // `respondents.satisfied`, `coverage.ecny`: a labelled family and a labelled member.
        if let dot = name.firstIndex(of: "."), let family = ReportTranslations.observationNames[String(name[..<dot])] {
            let member = String(name[name.index(after: dot)...])
            let memberText = ReportTranslations.observationMembers[member]?.text(language) ?? member
            return family.text(language) + (language == .zh ? "·" : " · ") + memberText
        }
        return name
    }

    /// An observation's value as people read it: a list item by item, joined the way the language lists
    /// (`a、b、c` in Chinese, `a, b, c` in English).
    func observationValue(_ observation: Observation) -> String {
        guard let items = observation.items else { return observationValue(observation.value) }
        return items.map(observationValue).joined(separator: language == .zh ? "、" : ", ")
    }

    /// One observed value as people read it: a truth value as 是/否 (yes/no), a sensor state by name, an instant as
    /// local time (the `values` templates); a value a mall's system returned as written.
    func observationValue(_ value: String) -> String {
        switch value {
        case "true": return language == .zh ? "是" : "yes"
        case "false": return language == .zh ? "否" : "no"
        default: return translate(value, table: ReportTranslations.values)
        }
    }

    // MARK: times

    /// An ISO 8601 instant (`2026-11-20T09:08:30Z`, `2026-11-19T15:40:00+08:00`) as the mall's local time
    /// (`2026-11-20 17:08:30`); a plain date or anything else as written.
    func time(_ text: String) -> String {
        guard let utc = ReportText.instant(text) else { return text }
        return ReportText.wallClock(utc + zone.offset(atUTC: utc))
    }

    /// `Asia/Shanghai (+08:00)`: the zone and its offset at `iso` (or now-independent: at the run's start).
    func zoneLabel(at iso: String?) -> String {
        let utc = iso.flatMap(ReportText.instant) ?? 0
        return "\(zone.name) (\(ClockZoneRules.offsetText(zone.offset(atUTC: utc))))"
    }

    /// A duration in seconds as days, hours, minutes (`2 小时 0 分钟`, `2 h 0 min`); under a minute in seconds.
    func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.towardZero))
        let (days, hours, minutes, secs) = (total / 86_400, total % 86_400 / 3_600, total % 3_600 / 60, total % 60)
        switch language {
        case .zh:
            if days > 0 { return "\(days) 天 \(hours) 小时" }
            if hours > 0 { return "\(hours) 小时 \(minutes) 分钟" }
            if minutes > 0 { return "\(minutes) 分钟 \(secs) 秒" }
            return "\(secs) 秒"
        case .en:
            if days > 0 { return "\(days) d \(hours) h" }
            if hours > 0 { return "\(hours) h \(minutes) min" }
            if minutes > 0 { return "\(minutes) min \(secs) s" }
            return "\(secs) s"
        }
    }

    // MARK: the translation

    /// `text` through `table`: a template matching the whole text; else a prefix the judgement writes, and the rest;
    /// else its `; `-separated parts one by one; else the text as written.
    func translate(_ text: String, table: [ReportTemplate]) -> String {
        if text.isEmpty || !text.contains(where: \.isASCIILetterOrDigit) { return text }
        for template in table {
            if let values = template.match(text) {
                tracer?.used(template)
                return template.render(values, self, table: table)
            }
        }
        let separator = language == .zh ? "；" : "; "
        // Pieces the judgement joined (`[probe: fail] …; [inspector: pass] …`, `realName pass: …; logRetention …`):
        // split there first, so that a piece's own `; ` stays with it.
        let pieces = ReportText.composedPieces(text)
        if pieces.count > 1 {
            return pieces.map { translate($0, table: table) }.joined(separator: separator)
        }
        for prefix in ReportTranslations.prefixes {
            if let values = prefix.match(text) {
                tracer?.used(prefix)
                return prefix.render(values, self, table: table)
            }
        }
        if text.contains("; ") {
            let parts = text.components(separatedBy: "; ")
            return parts.map { translate($0, table: table) }.joined(separator: separator)
        }
        return text
    }

    /// A piece the judgement starts: `[producer: verdict] `, `checkpoint verdict: `, `area A verdict: `.
    private static let pieceStart = try! NSRegularExpression(
        pattern: "^(?:\\[[^\\]]*: (?:pass|fail|error|notAssessed|notApplicable)\\] |[a-z][A-Za-z0-9]{1,39} "
            + "(?:pass|fail|error|notAssessed|notApplicable): |area \\S+ (?:pass|fail|error|notAssessed|notApplicable): )")

    /// `text` split at each `; ` that a piece the judgement composed follows; one element when there is none.
    static func composedPieces(_ text: String) -> [String] {
        guard text.contains("; ") else { return [text] }
        var pieces: [String] = []
        var current = ""
        let parts = text.components(separatedBy: "; ")
        for (index, part) in parts.enumerated() {
            let starts = pieceStart.firstMatch(in: part, range: NSRange(part.startIndex..., in: part)) != nil
            if index > 0, starts {
                pieces.append(current)
                current = part
            } else {
                current = index == 0 ? part : current + "; " + part
            }
        }
        pieces.append(current)
        return pieces
    }

    // MARK: instants

    /// Seconds since 1970 (UTC) of an ISO 8601 date-time with `Z` or an offset; nil for anything else.
    static func instant(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54 || bytes[10] == 0x20,
            bytes[13] == 0x3A, bytes[16] == 0x3A
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == 0x5A {
            guard index + 1 == bytes.count else { return nil }
        } else if bytes[index] == 0x2B || bytes[index] == 0x2D {
            let sign = bytes[index] == 0x2B ? 1 : -1
            let rest = Array(bytes[(index + 1)...])
            let digits = rest.filter { $0 != 0x3A }
            guard digits.count == 4, rest.count == 4 || (rest.count == 5 && rest[2] == 0x3A),
                digits.allSatisfy({ (0x30...0x39).contains($0) })
            else { return nil }
            let hours = Int(digits[0] - 0x30) * 10 + Int(digits[1] - 0x30)
            let minutes = Int(digits[2] - 0x30) * 10 + Int(digits[3] - 0x30)
            offset = sign * (hours * 3_600 + minutes * 60)
        } else {
            return nil
        }
        return daysFromCivil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offset
    }

    /// `YYYY-MM-DD HH:MM:SS` of seconds since 1970 on a wall clock.
    static func wallClock(_ seconds: Int) -> String {
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let inDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, inDay / 3_600, inDay % 3_600 / 60, inDay % 60)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// A time zone's offsets from UTC, read once from the tz database (1900–2100), for turning stored UTC times into the
/// mall's wall clock. An unknown name falls back to Asia/Shanghai (the settings were validated when the run began).
struct ClockZoneRules: Sendable, Hashable {
    let name: String
    let transitions: [Int]
    let offsets: [Int]

    init(_ name: String) {
        let zone =
            TimeZone(identifier: name) ?? TimeZone(identifier: AuditSettings.defaultTimeZone)
            ?? TimeZone(secondsFromGMT: 8 * 3_600)!
        self.name = name
        var transitions: [Int] = []
        var offsets = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: -2_208_988_800))]
        var cursor = Date(timeIntervalSince1970: -2_208_988_800)
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < 4.1e9,
            transitions.count < 4096
        {
            let offset = zone.secondsFromGMT(for: next)
            if offset != offsets.last {
                transitions.append(Int(next.timeIntervalSince1970.rounded()))
                offsets.append(offset)
            }
            cursor = next
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    /// Seconds east of UTC at `utc`.
    func offset(atUTC utc: Int) -> Int {
        var low = 0
        var high = transitions.count
        while low < high {
            let mid = (low + high) / 2
            if transitions[mid] <= utc { low = mid + 1 } else { high = mid }
        }
        return offsets[low]
    }

    /// `+08:00`.
    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let value = abs(seconds)
        return String(format: "%@%02d:%02d", sign, value / 3_600, value % 3_600 / 60)
    }
}

extension Character {
    fileprivate var isASCIILetterOrDigit: Bool { isASCII && (isLetter || isNumber) }
}

/// One message the tool writes, as a pattern with named slots, and how each language prints it.
///
/// Slots are `{name}` or `{name:kind}`: `text` (default; any text without `; `), `id` (no spaces), `n` (a number),
/// `s` (seconds, printed as a duration), `verdict`, `methods` (assessment methods, comma-separated), `list` (a
/// comma-separated list), `reason` (any text, translated again with the same table), `message` (any text,
/// translated as a reason), `rest` (any text, as written), `utc` (an instant,
/// printed in local time), `state` (a sensor state word: ok, alarm, unknown). The English output defaults to the
/// pattern itself with each slot printed in English.
struct ReportTemplate: @unchecked Sendable {
    enum Kind: String {
        case text, id, n, s, verdict, methods, list, reason, message, rest, utc, state, source, producer

        var regex: String {
            switch self {
            case .text, .list: "((?:(?!; ).)+?)"
            case .id: "([^\\s;]+?)"
            case .n, .s: "(-?[0-9]+(?:\\.[0-9]+)?)"
            case .verdict: "(pass|fail|error|notAssessed|notApplicable)"
            case .methods: "((?:probe|data|inspection|document|interview)(?:, (?:probe|data|inspection|document|interview))*)"
            case .reason, .message, .rest: "(.*?)"
            case .utc: "([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?Z)"
            case .state: "(ok|alarm|unknown)"
            case .source: "(probe|data|manual|decision|none)"
            case .producer: "(.+?)"
            }
        }
    }

    let pattern: String
    let zh: String
    let en: String?
    /// The longest piece of literal text of the pattern: a text without it cannot match (checked before the regex).
    let literal: String
    let slots: [(name: String, kind: Kind)]
    let regex: NSRegularExpression

    init(_ pattern: String, zh: String, en: String? = nil) {
        self.pattern = pattern
        self.zh = zh
        self.en = en
        var expression = "^"
        var slots: [(String, Kind)] = []
        var literals: [String] = []
        var literal = ""
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            literal += rest[..<open]
            literals.append(literal)
            expression += NSRegularExpression.escapedPattern(for: literal)
            literal = ""
            let slot = rest[rest.index(after: open)..<close].split(separator: ":", maxSplits: 1)
            let kind = slot.count > 1 ? Kind(rawValue: String(slot[1]))! : .text
            slots.append((String(slot[0]), kind))
            expression += kind.regex
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        literals.append(literal)
        expression += NSRegularExpression.escapedPattern(for: literal) + "$"
        self.slots = slots
        self.literal = literals.max { $0.count < $1.count } ?? ""
        // The patterns are the tool's own, fixed in ReportTranslations: a bad one is a bug a test catches.
        self.regex = try! NSRegularExpression(pattern: expression, options: [.dotMatchesLineSeparators])
    }

    /// The slot values when `text` matches the whole pattern.
    func match(_ text: String) -> [String: String]? {
        if !literal.isEmpty, !text.contains(literal) { return nil }
        let range = NSRange(text.startIndex..., in: text)
        guard let found = regex.firstMatch(in: text, options: [], range: range) else { return nil }
        var values: [String: String] = [:]
        for (index, slot) in slots.enumerated() {
            let group = found.range(at: index + 1)
            values[slot.name] = group.location == NSNotFound ? "" : Range(group, in: text).map { String(text[$0]) } ?? ""
        }
        return values
    }

    /// The message in `text`'s language with `values` in their slots.
    func render(_ values: [String: String], _ text: ReportText, table: [ReportTemplate]) -> String {
        let output = text.language == .zh ? zh : (en ?? pattern)
        var result = ""
        var rest = Substring(output)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close].split(separator: ":", maxSplits: 1)[0])
            let kind = slots.first { $0.name == name }?.kind ?? .text
            result += format(values[name] ?? "", kind, text, table: table)
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private func format(_ value: String, _ kind: Kind, _ text: ReportText, table: [ReportTemplate]) -> String {
        let zh = text.language == .zh
        switch kind {
        case .text, .id, .n, .rest: return value
        case .s: return Double(value).map(text.duration) ?? value
        case .verdict: return Verdict(rawValue: value).map { HTMLLabels.verdict($0, text.language) } ?? value
        case .source: return ResultSource(rawValue: value).map { HTMLLabels.source($0, text.language) } ?? value
        case .methods:
            let methods = value.components(separatedBy: ", ").map {
                AssessmentMethod(rawValue: $0).map { HTMLLabels.method($0, text.language) } ?? $0
            }
            return methods.joined(separator: zh ? "、" : ", ")
        case .list: return zh ? value.components(separatedBy: ", ").joined(separator: "、") : value
        case .reason: return text.translate(value, table: table)
        case .message: return text.reason(value)
        case .producer: return text.producer(value)
        case .utc: return text.time(value)
        case .state:
            switch (value, text.language) {
            case ("ok", .zh): return "正常"
            case ("alarm", .zh): return "报警"
            case ("unknown", .zh): return "未知状态"
            case ("unknown", .en): return "unknown state"
            default: return value
            }
        }
    }
}
