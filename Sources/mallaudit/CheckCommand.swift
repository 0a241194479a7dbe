import ArgumentParser
import AuditMeasures
import AuditModel
import AuditSupport
import Foundation

/// `mallaudit check <kind> …`: one measured clause over the mall's own exports.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Measure one clause from the mall's exports (logs, survey, complaints, payments, catalog).",
        discussion: """
            Each kind reads the mall's export, prints how the number was reached and exits
              0   the clause passes
              2   the clause fails (the report says which rows or days caused it)
              1   the input cannot be used (stderr names the file, the line, what was
                  expected)
              64  a usage error (a malformed option such as --as-of 2026-02-30)

            Examples:
              mallaudit check wifi-logs --dir /srv/exports/wifi --as-of 2026-03-02
              mallaudit check wifi-logs --dir exports/wifi --device-time-zone UTC --year-rule file-mtime
              mallaudit check satisfaction --csv survey.csv
              mallaudit check satisfaction --csv survey.csv --exclude '17:问卷重复填写'
              mallaudit check complaints --csv complaints.csv --format json
              mallaudit check payments --csv merchants.csv
              mallaudit check catalog --online online.csv --offline pos.csv
            """,
        subcommands: [
            WiFiLogsCheckCommand.self, SatisfactionCheckCommand.self, ComplaintsCheckCommand.self,
            PaymentsCheckCommand.self, CatalogCheckCommand.self,
        ]
    )
}

/// How a check report is printed.
enum CheckOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Options every check takes.
struct CheckCommonOptions: ParsableArguments {
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "The date the audit is judged at, YYYY-MM-DD (default: today on the mall's clock, Asia/Shanghai).",
            valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Option(
        help:
            "Output: text (for an inspector) or json (keys check, clause, verdict, value, threshold, unit, sample, …).")
    var format: CheckOutputFormat = .text

    /// Runs `check` at the as-of date (`today` when none is given), prints its report and exits 0 (pass),
    /// 2 (fail), 3 (could not be judged) or 1 (unusable input); a malformed option is a usage error (64).
    func execute(
        // The mall's day, not the computer's: on a laptop or server set to UTC the local date is yesterday in
        // Xuzhou until 08:00, which would judge a complaint due yesterday as not yet late.
        today: () -> MeasureDate = { MeasureDate.today(on: .shanghai) },
        _ check: (MeasureDate) throws -> MeasuredCheckReport
    ) throws {
        let date: MeasureDate
        if let asOf {
            guard let parsed = MeasureDate(iso: asOf) else {
                throw ValidationError("--as-of '\(asOf)' is not a date (expected YYYY-MM-DD)")
            }
            date = parsed
        } else {
            date = today()
        }
        let report: MeasuredCheckReport
        do {
            report = try check(date)
        } catch let error as DiagnosticsError {
            throw failure(error)
        }
        let output = format == .json ? report.renderJSON() : report.renderText()
        writeOutput(output)
        switch report.verdict {
        case .pass: return
        case .fail: throw ExitCode(2)
        default: throw ExitCode(3)
        }
    }
}

struct WiFiLogsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wifi-logs",
        abstract: "5.1.2: WiFi logs kept for more than 60 days.",
        usage: "mallaudit check wifi-logs --dir <DIR> [<options>]",
        discussion: """
            Reads every file under DIR (plain or .gz, rotated or not; hidden files skipped). Each line is dated by the \
            stamp it starts with: ISO 8601 / RFC 5424 / RFC 3339 '2026-01-05T14:30:01+08:00' (rsyslog's file and \
            protocol formats), '2026-01-05 14:30:01', syslog 'Oct  9 14:30:01' (rsyslog's traditional format); a \
            JSON line by its '@timestamp', 'timestamp' or 'time' field (or --time-field). Days are the mall's: a \
            stamp with a UTC offset is converted to --time-zone (default Asia/Shanghai); a stamp without one is read \
            on --device-time-zone (default: the mall's) and converted. A stamp without a year gets one by \
            --year-rule: as-of (default: the year that puts its month in the twelve months ending with the month \
            after the as-of date), file-mtime (the same from each file's modification date) or a fixed year. \
            Value = as-of date minus the date of the oldest record of the unbroken run of days with records up to \
            the as-of date (the as-of day itself may still be empty). Passes only above 60 days: 61 passes, 60 fails. \
            Gap days, undatable lines and records dated after the as-of date (listed, never moved to another year) \
            are reported, with what was assumed about the clocks.
            """)

    @Option(help: ArgumentHelp("Directory of WiFi access/audit logs.", valueName: "DIR"))
    var dir: String

    @Option(
        name: .customLong("time-zone"),
        help: ArgumentHelp(
            "The mall's time zone, whose calendar days are counted: an IANA name (default Asia/Shanghai) or a fixed "
                + "offset such as +08:00.", valueName: "NAME"))
    var timeZone: String?

    @Option(
        name: .customLong("device-time-zone"),
        help: ArgumentHelp(
            "The devices' clock for stamps without a UTC offset, e.g. UTC for a controller logging in UTC "
                + "(default: the mall's time zone).", valueName: "NAME"))
    var deviceTimeZone: String?

    @Option(
        name: .customLong("year-rule"),
        help: ArgumentHelp(
            "How a stamp without a year gets one: as-of (default), file-mtime, or a year such as 2026.",
            valueName: "RULE"))
    var yearRule: String?

    @Option(
        name: .customLong("time-field"),
        help: ArgumentHelp(
            "The time field of JSON-lines logs (default: @timestamp, then timestamp, then time).", valueName: "NAME"))
    var timeField: String?

    /// The older spelling of --time-zone with a fixed offset.
    @Option(name: .customLong("utc-offset"), help: .hidden)
    var utcOffset: String?

    @OptionGroup var common: CheckCommonOptions

    func run() throws {
        func refuse(_ message: String) -> ValidationError { ValidationError(message) }
        func zone(_ option: String, _ text: String) throws -> ClockZone {
            guard let zone = ClockZone(text) else {
                throw refuse("\(option) \(ClockZone.problem(text) ?? text) (expected \(ClockZone.expected))")
            }
            return zone
        }
        if timeZone != nil, utcOffset != nil { throw refuse("give --time-zone or --utc-offset, not both") }
        var settings = WiFiLogSettings()
        if let timeZone { settings.mallTimeZone = try zone("--time-zone", timeZone) }
        if let utcOffset { settings.mallTimeZone = try zone("--utc-offset", utcOffset) }
        if let deviceTimeZone { settings.deviceTimeZone = try zone("--device-time-zone", deviceTimeZone) }
        if let yearRule {
            guard let rule = YearlessStampRule(yearRule) else {
                throw refuse("--year-rule '\(yearRule)' is not a year rule (expected \(YearlessStampRule.expected))")
            }
            settings.yearRule = rule
        }
        if let timeField {
            guard !timeField.isEmpty else { throw refuse("--time-field is empty (expected a JSON field name)") }
            settings.timeField = timeField
        }
        let mallZone = settings.mallTimeZone
        try common.execute(today: { MeasureDate.today(on: mallZone) }) { asOf in
            try WiFiLogCheck(directory: URL(fileURLWithPath: dir), asOf: asOf, settings: settings).run()
        }
    }
}

struct SatisfactionCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "satisfaction",
        abstract: "8.2.1: customer satisfaction at least 85 %.",
        usage: "mallaudit check satisfaction --csv <FILE> [<options>]",
        discussion: """
            One row per respondent. The answer column holds 满意 / 基本满意 / 不满意 (or
            satisfied / basically satisfied / dissatisfied). Satisfaction = (满意 +
            基本满意) / everyone surveyed × 100; 85.0 passes. Blank and unrecognised
            answers stay in the denominator and are listed. In a one-column export every
            empty line between the header and the last answer is a blank answer; empty
            lines after the last answer are not rows. Only answers excluded with --exclude
            LINE:REASON (an invalid questionnaire, by the line of its row) leave the
            denominator, and they are listed. UTF-8 (with or without BOM) and GB18030
            (Excel's Chinese CSV) are both read.
            """)

    @Option(help: ArgumentHelp("The survey export (CSV with a header row).", valueName: "FILE"))
    var csv: String

    @Option(help: ArgumentHelp("The answer column (default satisfaction, or 满意度).", valueName: "NAME"))
    var column: String?

    @Option(
        help: ArgumentHelp(
            "An answer the evaluator excludes (an invalid questionnaire): the line of its row and why; repeatable.",
            valueName: "LINE:REASON"))
    var exclude: [String] = []

    @OptionGroup var common: CheckCommonOptions

    func run() throws {
        var excluded: [SatisfactionCheck.Exclusion] = []
        for text in exclude {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let line = Int(parts[0].trimmingCharacters(in: .whitespaces)), line >= 1,
                !parts[1].trimmingCharacters(in: .whitespaces).isEmpty
            else {
                throw ValidationError("--exclude '\(text)' is not LINE:REASON (e.g. '17:问卷重复填写')")
            }
            excluded.append(
                SatisfactionCheck.Exclusion(
                    line: line, reason: parts[1].trimmingCharacters(in: .whitespaces), declaredAt: "--exclude"))
        }
        try common.execute { asOf in
            try SatisfactionCheck(file: URL(fileURLWithPath: csv), column: column, asOf: asOf, excluded: excluded)
                .run()
        }
    }
}

struct ComplaintsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complaints",
        abstract: "8.1.2: every complaint answered within 5 working days.",
        usage: "mallaudit check complaints --csv <FILE> [<options>]",
        discussion: """
            Columns id, received, replied (a date or date-time; blank = not yet answered). The day of receipt does not \
            count; the reply must come no later than the end of the 5th working day after it. Working days follow \
            the calendar file (holidays and the weekend days worked in exchange, 调休): --calendar FILE, else \
            $MALLAUDIT_CALENDAR, else calendars/cn-workdays.yaml above the executable. Unanswered complaints past \
            their deadline at the as-of date are late. Passes only when none is late.
            """)

    @Option(help: ArgumentHelp("The complaint register (CSV with a header row).", valueName: "FILE"))
    var csv: String

    @Option(help: ArgumentHelp("Working-day calendar (YAML, see calendars/cn-workdays.yaml).", valueName: "FILE"))
    var calendar: String?

    @OptionGroup var common: CheckCommonOptions

    func run() throws {
        try common.execute { asOf in
            try ComplaintCheck(
                file: URL(fileURLWithPath: csv), calendarFile: calendar.map { URL(fileURLWithPath: $0) }, asOf: asOf
            ).run()
        }
    }
}

struct PaymentsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments",
        abstract: "6.6.1 / 6.6.2: mobile payment at every merchant; cash, mobile, bank card and e-CNY in the mall.",
        usage: "mallaudit check payments --csv <FILE> [<options>]",
        discussion: """
            One row per merchant with columns merchant, cash, mobile, bank_card, ecny and optionally face, each \
            yes/no, 1/0 or 是/否. 6.6.1-1/mobileCoverage needs mobile payment at every merchant (全覆盖). \
            6.6.2-1 has one checkpoint per capability: with --reading mall (the default) the mall has it when a \
            merchant accepts it; with --reading eachMerchant every merchant must. Face payment is reported, never \
            required.
            """)

    @Option(help: ArgumentHelp("The merchant payment-method table (CSV with a header row).", valueName: "FILE"))
    var csv: String

    @Option(help: ArgumentHelp("How 6.6.2-1 is read: mall or eachMerchant.", valueName: "READING"))
    var reading: String = "mall"

    @OptionGroup var common: CheckCommonOptions

    func validate() throws {
        guard Scope(rawValue: reading) == .mall || Scope(rawValue: reading) == .eachMerchant else {
            throw ValidationError("--reading must be mall or eachMerchant, not '\(reading)'")
        }
    }

    func run() throws {
        let scope = Scope(rawValue: reading) ?? .mall
        try common.execute { asOf in
            try PaymentCheck(file: URL(fileURLWithPath: csv), asOf: asOf, reading: scope).run()
        }
    }
}

struct CatalogCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "6.9.1: online categories, stock and prices agree with the shop floor.",
        usage: "mallaudit check catalog --online <FILE> --offline <FILE> [<options>]",
        discussion: """
            Two exports keyed by SKU with columns sku, category, stock, price. Value = share of SKUs whose category, \
            stock or price differ, or that only one export lists; passes only at 0 %.
            """)

    @Option(help: ArgumentHelp("The online mall's export (CSV).", valueName: "FILE"))
    var online: String

    @Option(help: ArgumentHelp("The shop floor's (POS/ERP) export (CSV).", valueName: "FILE"))
    var offline: String

    @OptionGroup var common: CheckCommonOptions

    func run() throws {
        try common.execute { asOf in
            try CatalogCheck(online: URL(fileURLWithPath: online), offline: URL(fileURLWithPath: offline), asOf: asOf)
                .run()
        }
    }
}
