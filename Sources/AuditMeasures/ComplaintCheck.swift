import AuditModel
import AuditSupport
import Foundation

/// 8.1.2: complaints shall be answered with the outcome within 5 working days (5个工作日内回复处理结果).
///
/// The register has columns `id`, `received` and `replied` (a date or date-time; blank = not yet answered).
/// A complaint is on time when the reply comes no later than the end of the 5th working day after the day it
/// was received — the day of receipt does not count. Working days come from a ``WorkingDayCalendar`` (holidays and
/// the weekend days worked in exchange). An unanswered complaint whose deadline has passed at the as-of date is
/// late; one whose deadline has not passed is pending and not judged.
///
/// Value = the number of late complaints, judged against `lateReplies ≤ 0 count`; the statement's own threshold
/// (`replyTime ≤ 5 workingDay`) is the deadline rule applied to each complaint. The on-time share is reported
/// beside it.
public struct ComplaintCheck: Sendable {
    public static let name = "complaints"
    public static let clause = "8.1.2"
    public static let statementID = "8.1.2-2"
    /// The obligation of 8.1.2-2 the deadline judges (在5个工作日内回复处理结果); handling and rectification are for the
    /// inspector.
    public static let checkpointID = "8.1.2-2/replyWithin5WorkingDays"
    /// What the value is judged on: no complaint may be late.
    public static let threshold = Threshold(
        quantity: "lateReplies", comparison: .lessThanOrEqual, value: 0, unit: "count")
    /// The statement's threshold, applied to each complaint.
    public static let replyTime = Threshold(
        quantity: "replyTime", comparison: .lessThanOrEqual, value: 5, unit: "workingDay")
    public static let rule =
        "each reply no later than the end of the 5th working day after the day of receipt (replyTime ≤ 5 workingDay; "
        + "the day of receipt does not count; holidays and 调休 worked weekend days from the calendar); "
        + "lateReplies ≤ 0: no complaint late, answered or not"

    public var file: URL
    /// The calendar file; nil uses ``WorkingDayCalendar/defaultLocation(environment:executable:)``.
    public var calendarFile: URL?
    public var asOf: MeasureDate
    /// Personal columns and identifiers beyond the built-in ones (the profile's `privacy:`): masked as read.
    public var privacy = PrivacyRules()

    public init(file: URL, calendarFile: URL? = nil, asOf: MeasureDate) {
        self.file = file
        self.calendarFile = calendarFile
        self.asOf = asOf
    }

    /// Reads the calendar and the register and judges 8.1.2-2. Throws ``DiagnosticsError`` when an input cannot
    /// be used (missing file or column, unparseable date, a date outside the calendar's years).
    public func run() throws -> MeasuredCheckReport {
        let calendar = try WorkingDayCalendar.load(calendarFile)
        return try ComplaintCheck.judge(try CSVReader.read(file).maskingPersonalColumns(PersonalData(rules: privacy)), calendar: calendar, asOf: asOf)
    }

    /// What happened to one complaint.
    enum Outcome { case onTime, late, pending }

    /// Judges an already-read register.
    public static func judge(_ table: CSVTable, calendar: WorkingDayCalendar, asOf: MeasureDate) throws
        -> MeasuredCheckReport
    {
        let idColumn = try table.requireColumn("id", alternatives: ["编号", "投诉编号"])
        let receivedColumn = try table.requireColumn("received", alternatives: ["受理时间", "收到时间", "投诉时间"])
        let repliedColumn = try table.requireColumn("replied", alternatives: ["回复时间", "答复时间"])
        guard !table.rows.isEmpty else {
            throw DiagnosticsError(
                Diagnostic(
                    file: table.file, line: table.headerLine + 1, message: "the register has no complaint",
                    expected: "one row per complaint after the header (an empty register shows no reply time)"))
        }
        let expectedDate = "a date such as 2026-09-30 or 2026-09-30 14:05 (also 2026/9/30, 2026年9月30日)"
        var onTime = 0
        var late = 0
        var pending = 0
        var findings: [MeasuredFinding] = []
        var lateLines: [String] = []
        var pendingLines: [String] = []
        for row in table.rows {
            let id = MeasureFormat.trim(row[idColumn]).isEmpty ? "line \(row.line)" : MeasureFormat.trim(row[idColumn])
            let receivedText = MeasureFormat.trim(row[receivedColumn])
            guard let received = MeasureDateTime(parsing: receivedText) else {
                throw table.problem(
                    row,
                    receivedText.isEmpty
                        ? "complaint \(id) has no received date"
                        : "complaint \(id): cannot read the received date '\(receivedText)'",
                    expected: expectedDate)
            }
            guard received.date <= asOf else {
                throw table.problem(
                    row, "complaint \(id) was received on \(received.date), after the as-of date \(asOf)",
                    expected: "received dates on or before the as-of date (use --as-of)")
            }
            let repliedText = MeasureFormat.trim(row[repliedColumn])
            var replied: MeasureDateTime?
            if !repliedText.isEmpty {
                guard let value = MeasureDateTime(parsing: repliedText) else {
                    throw table.problem(
                        row, "complaint \(id): cannot read the replied date '\(repliedText)'",
                        expected: expectedDate + ", or blank when not yet answered")
                }
                guard value >= received else {
                    throw table.problem(
                        row, "complaint \(id) was replied (\(value)) before it was received (\(received))",
                        expected: "a reply on or after the received date")
                }
                replied = value
            }
            let purpose = "deadline of complaint \(id) received \(received.date), \(table.file):\(row.line)"
            var workingDays: [MeasureDate] = []
            var day = received.date
            for _ in 0..<Int(Self.replyTime.value) {
                day = try calendar.workingDay(1, after: day, purpose: purpose)
                workingDays.append(day)
            }
            let deadline = day
            let counted = workingDays.map { date in
                calendar.workedInExchange(date) != nil
                    ? "\(date.description.dropFirst(5)) (worked \(date.weekdayName), 调休)"
                    : String(date.description.dropFirst(5))
            }.joined(separator: ", ")
            let deadlineText = "deadline \(deadline) (end of the 5th working day after \(received.date): \(counted))"
            let outcome: Outcome
            var detail: String
            if let replied {
                outcome = replied.date <= deadline ? .onTime : .late
                detail = "received \(received), replied \(replied); \(deadlineText)"
                if outcome == .late, let taken = try? calendar.workingDays(after: received.date, through: replied.date)
                {
                    detail += "; replied on working day \(taken) after receipt"
                } else if outcome == .late {
                    detail += "; replied \(replied.date.days(since: deadline)) calendar days after the deadline"
                }
            } else {
                outcome = asOf > deadline ? .late : .pending
                detail =
                    outcome == .late
                    ? "received \(received), not answered by the as-of date \(asOf); \(deadlineText) has passed"
                    : "received \(received), not yet answered; \(deadlineText) not yet passed at \(asOf)"
            }
            switch outcome {
            case .onTime:
                onTime += 1
            case .late:
                late += 1
                findings.append(
                    MeasuredFinding(
                        kind: "lateComplaint", subject: id, detail: detail, file: table.file, line: row.line))
                lateLines.append("\(id) (line \(row.line)): \(detail)")
            case .pending:
                pending += 1
                findings.append(
                    MeasuredFinding(
                        kind: "pendingComplaint", subject: id, detail: detail, file: table.file, line: row.line))
                pendingLines.append("\(id) (line \(row.line)): \(detail)")
            }
        }
        let total = table.rows.count
        let judged = onTime + late
        let measurement = AuditModel.Measurement(
            value: Double(late), threshold: threshold, unit: "count", sample: total)
        let verdict = MeasureFormat.verdict(threshold, Double(late))
        let share = judged == 0 ? nil : MeasureFormat.percentage(onTime, judged)
        let shareText = share.map { "\(NumberFormat.share($0)) %" } ?? "—"
        let reason =
            late == 0
            ? "no complaint late: \(onTime) answered on time, \(pending) not yet due (on time \(shareText))"
            : "\(late) complaint\(late == 1 ? "" : "s") late of \(judged) judged (on time \(shareText)); "
                + "\(pending) not yet due"

        var explanation = [
            "\(total) complaints in \(table.file) (\(table.encoding)); working days from \(calendar.file) "
                + "(years \(calendar.years.sorted().map(String.init).joined(separator: ", ")))",
            "deadline rule: the day of receipt does not count; the reply must come no later than the end of the "
                + "5th working day after it (replyTime ≤ 5 workingDay)",
            "on time: \(onTime); late: \(late) (answered late or unanswered past the deadline); "
                + "not yet due: \(pending) (unanswered, deadline not passed at \(asOf); not judged)",
            "on-time share = \(onTime) / \(judged) judged = \(shareText)",
            "late complaints = \(late) \(verdict == .pass ? "≤" : ">") 0 → \(verdict.rawValue)",
        ]
        if !lateLines.isEmpty {
            explanation.append("late:")
            explanation.append(contentsOf: lateLines.map { "  " + $0 })
        }
        if !pendingLines.isEmpty {
            explanation.append("not yet due:")
            explanation.append(contentsOf: pendingLines.map { "  " + $0 })
        }
        let observations = [
            Observation(name: "complaints", value: String(total)),
            Observation(name: "onTime", value: String(onTime)),
            Observation(name: "late", value: String(late)),
            Observation(name: "notYetDue", value: String(pending)),
            Observation(name: "onTimeShare", value: share.map { NumberFormat.share($0) + " %" } ?? "none judged"),
            Observation(name: "statementThreshold", value: "replyTime ≤ 5 workingDay"),
            Observation(name: "calendar", value: calendar.file),
        ]
        return MeasuredCheckReport(
            check: name, clause: clause, measurement: measurement, rule: rule,
            statements: [
                MeasuredStatementJudgement(
                    statementID: statementID, checkpointID: checkpointID, verdict: verdict, measurement: measurement,
                    reason: reason)
            ],
            reason: reason, asOf: asOf, inputs: [table.file, calendar.file], observations: observations,
            findings: findings, explanation: explanation)
    }
}
