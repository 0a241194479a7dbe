import AuditModel
import AuditSupport
import Foundation

/// Working days in mainland China, read from a data file (`calendars/cn-workdays.yaml`) so that a later year's
/// State Council notice is added by editing the file, not by rebuilding.
///
/// A working day is Monday to Friday, minus the public holidays of the file, plus the weekend days the file lists
/// as worked (调休上班). Asking about a date in a year the file does not cover throws a diagnostic naming the
/// date and the file: the calendar never guesses.
///
/// File format:
/// ```yaml
/// years:
///   2026:
///     notice: 国务院办公厅关于2026年部分节假日安排的通知
///     holidays:
///       - name: 国庆节
///         from: 2026-10-01
///         to: 2026-10-07
///         worked: [2026-09-20, 2026-10-10]   # weekend days worked in exchange
/// ```
public struct WorkingDayCalendar: Sendable, Hashable {
    /// One holiday period of a year.
    public struct Holiday: Sendable, Hashable {
        public var name: String
        public var from: MeasureDate
        public var to: MeasureDate
        /// Weekend days declared working days in exchange for this holiday.
        public var worked: [MeasureDate]

        public init(name: String, from: MeasureDate, to: MeasureDate, worked: [MeasureDate] = []) {
            self.name = name
            self.from = from
            self.to = to
            self.worked = worked
        }
    }

    /// The file it was read from (for messages).
    public var file: String
    /// Years the calendar covers.
    public var years: Set<Int>
    public var holidays: [Holiday]
    /// Day numbers of holidays.
    private var holidayDays: [Int: String]
    /// Day numbers of weekend days worked.
    private var workedDays: [Int: String]

    /// A calendar from its data; `file` names it in messages.
    public init(file: String, years: Set<Int>, holidays: [Holiday]) {
        self.file = file
        self.years = years
        self.holidays = holidays
        var holidayDays: [Int: String] = [:]
        var workedDays: [Int: String] = [:]
        for holiday in holidays {
            for day in holiday.from.dayNumber...max(holiday.from.dayNumber, holiday.to.dayNumber) {
                holidayDays[day] = holiday.name
            }
            for day in holiday.worked { workedDays[day.dayNumber] = holiday.name }
        }
        self.holidayDays = holidayDays
        self.workedDays = workedDays
    }

    /// Environment variable naming the calendar file.
    public static let environmentVariable = "MALLAUDIT_CALENDAR"
    /// Path of the shipped calendar relative to the repository (or install) root.
    public static let relativePath = "calendars/cn-workdays.yaml"

    /// Where the calendar is found when none is given: `$MALLAUDIT_CALENDAR`, else `calendars/cn-workdays.yaml`
    /// in the executable's directory or any directory above it (the repository root for a `swift build`
    /// binary), else nil.
    public static func defaultLocation(
        environment: [String: String] = ProcessInfo.processInfo.environment, executable: URL? = nil
    ) -> URL? {
        if let path = environment[environmentVariable], !path.isEmpty { return URL(fileURLWithPath: path) }
        guard let start = executable ?? ResourceLocator.executableURL() else { return nil }
        return ResourceLocator.searchUpwards(from: start.deletingLastPathComponent(), for: relativePath)
    }

    /// Loads the calendar at `url`, or at ``defaultLocation(environment:executable:)`` when nil.
    public static func load(_ url: URL?) throws -> WorkingDayCalendar {
        guard let url = url ?? defaultLocation() else {
            throw DiagnosticsError(
                Diagnostic(
                    file: relativePath, message: "no working-day calendar found",
                    expected: "--calendar FILE, or $\(environmentVariable), or \(relativePath) above the executable"))
        }
        let data: Data
        do {
            data = try InputFile.contents(url.path, limit: YAMLValue.maximumFileSize)
        } catch {
            throw DiagnosticsError(
                Diagnostic(
                    file: url.path, message: "cannot read the calendar: it \(error.reason)",
                    expected: "a working-day calendar file (see \(relativePath))"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticsError(
                Diagnostic(file: url.path, line: 1, message: "the calendar is not UTF-8 text", expected: "UTF-8 YAML"))
        }
        return try parse(text, file: url.path)
    }

    /// Parses calendar YAML (through the same reader as the site profile); every problem is a diagnostic with the
    /// file and line.
    public static func parse(_ text: String, file: String) throws -> WorkingDayCalendar {
        let root = try YAMLValue.parse(text, file: file)
        let yearsNode = try root.required("years", expected: "years: { 2026: { holidays: [...] } }")
        func date(_ node: YAMLValue, _ what: String) throws -> MeasureDate {
            let text = (try? node.string()) ?? "?"
            guard let date = MeasureDate(iso: text) else {
                throw node.problem("\(what) is not a date: '\(text)'", expected: "YYYY-MM-DD")
            }
            return date
        }
        var years = Set<Int>()
        var holidays: [Holiday] = []
        var seenWorked: [Int: Int] = [:]  // day number → line
        var seenHoliday: [Int: Int] = [:]
        for (keyNode, yearNode) in try yearsNode.keyedEntries() {
            let key = try keyNode.string()
            guard let year = Int(key), (1900...9999).contains(year) else {
                throw keyNode.problem("'\(key)' is not a year", expected: "a year such as 2026")
            }
            guard !years.contains(year) else { throw keyNode.problem("year \(year) is listed twice") }
            years.insert(year)
            try yearNode.requireKeys(in: ["notice", "holidays"])
            let list = try yearNode.required("holidays", expected: "holidays: [ {name, from, to} ]")
            for item in try list.items() {
                try item.requireKeys(in: ["name", "from", "to", "worked"])
                let name = try item.required("name", expected: "name: 国庆节").nonEmptyString(expected: "name: 国庆节")
                let fromNode = try item.required("from", expected: "from: YYYY-MM-DD")
                let from = try date(fromNode, "'from' of \(name)")
                let toNode = item["to"] ?? fromNode
                let to = try date(toNode, "'to' of \(name)")
                guard from <= to else {
                    throw toNode.problem("holiday \(name) ends (\(to)) before it starts (\(from))", expected: "from ≤ to")
                }
                guard from.year == year || to.year == year else {
                    throw fromNode.problem(
                        "holiday \(name) (\(from) to \(to)) is not in year \(year)", expected: "dates in \(year)")
                }
                for day in from.dayNumber...to.dayNumber {
                    if let line = seenWorked[day] {
                        throw fromNode.problem(
                            "\(MeasureDate(dayNumber: day)) is both a holiday and a worked day (line \(line))")
                    }
                    seenHoliday[day] = fromNode.line ?? 0
                }
                var worked: [MeasureDate] = []
                if let workedNode = item["worked"] {
                    let workedItems: [YAMLValue]
                    if let items = try? workedNode.items() {
                        workedItems = items
                    } else if let single = try? workedNode.string() {
                        workedItems = single.isEmpty ? [] : [workedNode]
                    } else {
                        throw workedNode.problem("'worked' is not a list", expected: "[YYYY-MM-DD, …]")
                    }
                    for workedItem in workedItems {
                        let day = try date(workedItem, "a worked day of \(name)")
                        guard day.isWeekend else {
                            throw workedItem.problem(
                                "\(day) is a \(day.weekdayName), not a weekend day",
                                expected: "only Saturdays or Sundays declared working days (调休上班)")
                        }
                        if let line = seenHoliday[day.dayNumber] {
                            throw workedItem.problem("\(day) is both a worked day and a holiday (line \(line))")
                        }
                        seenWorked[day.dayNumber] = workedItem.line ?? 0
                        worked.append(day)
                    }
                }
                holidays.append(Holiday(name: name, from: from, to: to, worked: worked))
            }
        }
        guard !years.isEmpty else {
            throw yearsNode.problem("the calendar lists no year", expected: "years: { 2026: … }")
        }
        return WorkingDayCalendar(file: file, years: years, holidays: holidays)
    }

    /// Throws unless the calendar covers `date`'s year.
    public func requireCovered(_ date: MeasureDate, for purpose: String = "") throws {
        guard years.contains(date.year) else {
            let covered = years.sorted().map(String.init).joined(separator: ", ")
            let why = purpose.isEmpty ? "" : " (\(purpose))"
            throw DiagnosticsError(
                Diagnostic(
                    file: file,
                    message: "the working-day calendar does not cover \(date)\(why): it has years \(covered)",
                    expected: "a 'years: \(date.year):' entry with that year's holidays and worked weekend days "
                        + "from the State Council notice"))
        }
    }

    /// Whether `date` is a working day; throws when its year is not in the calendar.
    public func isWorkingDay(_ date: MeasureDate) throws -> Bool {
        try requireCovered(date)
        let day = date.dayNumber
        if workedDays[day] != nil { return true }
        if holidayDays[day] != nil { return false }
        return !date.isWeekend
    }

    /// Why `date` is or is not a working day, for explanations (`holiday 国庆节`, `worked weekend day (国庆节)`).
    /// The holiday `date` is worked in exchange for (调休), when it is such a day.
    public func workedInExchange(_ date: MeasureDate) -> String? { workedDays[date.dayNumber] }

    public func describe(_ date: MeasureDate) -> String {
        let day = date.dayNumber
        if let name = workedDays[day] { return "\(date.weekdayName), worked in exchange for \(name) (调休)" }
        if let name = holidayDays[day] { return "\(date.weekdayName), holiday \(name)" }
        return date.isWeekend ? "\(date.weekdayName), weekend" : date.weekdayName
    }

    /// The `n`-th working day after `date` (the day itself does not count). Throws when that walk leaves the
    /// calendar's years.
    public func workingDay(_ n: Int, after date: MeasureDate, purpose: String = "") throws -> MeasureDate {
        var current = date
        var counted = 0
        while counted < n {
            current = current.adding(days: 1)
            try requireCovered(current, for: purpose)
            if try isWorkingDay(current) { counted += 1 }
        }
        return current
    }

    /// Working days strictly after `start` up to and including `end` (0 when `end` ≤ `start`).
    public func workingDays(after start: MeasureDate, through end: MeasureDate) throws -> Int {
        guard end > start else { return 0 }
        var count = 0
        var current = start.adding(days: 1)
        while current <= end {
            if try isWorkingDay(current) { count += 1 }
            current = current.adding(days: 1)
        }
        return count
    }
}
