import AuditModel
import AuditMeasures
import Foundation
import Testing

@Suite("WorkingDayCalendar")
struct WorkingDayCalendarTests {
    @Test("the shipped calendar covers 2025 and 2026")
    func years() throws {
        let calendar = try shippedCalendar()
        #expect(calendar.years == [2025, 2026])
    }

    @Test(
        "holidays, weekends and the weekend days worked (调休)",
        arguments: [
            ("2026-10-01", false), ("2026-10-07", false), ("2026-10-08", true), ("2026-10-10", true),
            ("2026-10-11", false), ("2026-09-20", true), ("2026-09-19", false), ("2026-09-30", true),
            ("2026-01-04", true), ("2026-02-14", true), ("2026-02-28", true), ("2026-05-09", true),
            ("2026-06-19", false), ("2025-01-26", true), ("2025-02-08", true), ("2025-10-08", false),
            ("2025-10-11", true), ("2025-09-28", true), ("2025-12-31", true), ("2026-03-07", false),
        ])
    func workingDays(_ date: String, _ working: Bool) throws {
        #expect(try shippedCalendar().isWorkingDay(day(date)) == working)
    }

    @Test(
        "the deadline is the 5th working day after the day of receipt",
        arguments: [
            // Eve of National Day 2026: 10-08, 10-09, 10-10 (worked Saturday), 10-12, 10-13.
            ("2026-09-30", "2026-10-13"),
            // Friday before the worked Saturday: 10-10, 10-12, 10-13, 10-14, 10-15.
            ("2026-10-09", "2026-10-15"),
            // Received on a holiday: the holiday does not count either.
            ("2026-10-03", "2026-10-13"),
            // An ordinary week: Monday → next Monday.
            ("2026-03-02", "2026-03-09"),
            // Across New Year 2025/2026 (01-01…01-03 off, 01-04 Sunday worked).
            ("2025-12-29", "2026-01-06"),
        ])
    func deadlines(_ received: String, _ deadline: String) throws {
        #expect(try shippedCalendar().workingDay(5, after: day(received)) == day(deadline))
    }

    @Test("a date outside the calendar's years is an error naming the date and the file")
    func uncoveredYear() throws {
        let calendar = try shippedCalendar()
        let diagnostic = expectDiagnostic { try calendar.isWorkingDay(day("2027-01-04")) }
        #expect(diagnostic?.file == shippedCalendarURL().path)
        #expect(diagnostic?.message.contains("2027-01-04") == true)
        #expect(diagnostic?.message.contains("2025, 2026") == true)
        // A deadline walking out of 2026 fails the same way.
        let walk = expectDiagnostic { try calendar.workingDay(5, after: day("2026-12-29")) }
        #expect(walk?.message.contains("2027-01-01") == true)
    }

    @Test("a user extends the calendar with a later year, no rebuild")
    func extended() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = try String(contentsOf: shippedCalendarURL(), encoding: .utf8)
        text += """
              2027:
                notice: test year
                holidays:
                  - name: 元旦
                    from: 2027-01-01
                    to: 2027-01-03

            """
        let url = try write(text, to: "cal.yaml", in: directory)
        let calendar = try WorkingDayCalendar.load(url)
        #expect(calendar.years == [2025, 2026, 2027])
        // 2026-12-29 (Tue): 12-30, 12-31, then 2027-01-01…03 off, 01-04 (Mon), 01-05, 01-06.
        #expect(try calendar.workingDay(5, after: day("2026-12-29")) == day("2027-01-06"))
    }

    @Test(
        "a calendar error names the file and line",
        arguments: [
            (
                "years:\n  2026:\n    holidays:\n      - name: X\n        from: 2026-10-01\n"
                    + "        worked: [2026-10-12]\n",
                6,
                "Monday"
            ),
            ("years:\n  2026:\n    holidays:\n      - name: X\n        from: 2026-13-01\n", 5, "not a date"),
            (
                "years:\n  2026:\n    holidays:\n      - name: X\n        from: 2026-10-05\n        to: 2026-10-01\n",
                6,
                "before it starts"
            ),
            ("years:\n  twenty:\n    holidays: []\n", 2, "not a year"),
            ("years:\n  2026:\n    holiday: []\n", 3, "unknown key"),
            ("years: [\n", 2, "YAML"),
        ])
    func badCalendar(_ text: String, _ line: Int, _ words: String) {
        let diagnostic = expectDiagnostic { try WorkingDayCalendar.parse(text, file: "bad.yaml") }
        #expect(diagnostic?.file == "bad.yaml")
        #expect(diagnostic?.line == line)
        #expect(diagnostic?.message.contains(words) == true, "\(diagnostic?.message ?? "")")
    }

    @Test("the default location: $MALLAUDIT_CALENDAR, else calendars/ above the executable")
    func defaultLocation() throws {
        let fromEnvironment = WorkingDayCalendar.defaultLocation(
            environment: ["MALLAUDIT_CALENDAR": "/some/where.yaml"], executable: nil)
        #expect(fromEnvironment?.path == "/some/where.yaml")
        let repository = shippedCalendarURL().deletingLastPathComponent().deletingLastPathComponent()
        let binary = repository.appendingPathComponent(".build/debug/mallaudit")
        let found = WorkingDayCalendar.defaultLocation(environment: [:], executable: binary)
        #expect(found?.standardizedFileURL.path == shippedCalendarURL().standardizedFileURL.path)
        #expect(
            WorkingDayCalendar.defaultLocation(environment: [:], executable: URL(fileURLWithPath: "/usr/bin/x")) == nil)
    }
}

@Suite("ComplaintCheck")
struct ComplaintCheckTests {
    func judge(_ rows: String, asOf: String) throws -> MeasuredCheckReport {
        let table = try CSVReader.parse(Array(("id,received,replied\n" + rows).utf8), file: "complaints.csv")
        return try ComplaintCheck.judge(table, calendar: try shippedCalendar(), asOf: day(asOf))
    }

    @Test("received on the eve of National Day 2026: a reply on 2026-10-13 is on time, on 10-14 late")
    func nationalDayEve() throws {
        let onTime = try judge("C1,2026-09-30 16:20,2026-10-13 23:59\n", asOf: "2026-11-01")
        #expect(onTime.verdict == .pass)
        #expect(onTime.measurement?.value == 0)
        #expect(onTime.measurement?.threshold?.quantity == "lateReplies")

        let late = try judge("C1,2026-09-30 16:20,2026-10-14 09:00\n", asOf: "2026-11-01")
        #expect(late.verdict == .fail)
        #expect(late.measurement?.value == 1)
        #expect(late.measurement?.margin == -1)
        let finding = try #require(late.findings.first)
        #expect(finding.kind == "lateComplaint")
        #expect(finding.subject == "C1")
        #expect(finding.line == 2)
        #expect(finding.detail.contains("deadline 2026-10-13"))
        #expect(finding.detail.contains("10-10 (worked Saturday"))
    }

    @Test("the adjusted working Saturday 2026-10-10 counts: received 10-09, a reply on 10-15 is on time, 10-16 late")
    func workedSaturday() throws {
        #expect(try judge("C2,2026-10-09,2026-10-15\n", asOf: "2026-11-01").verdict == .pass)
        #expect(try judge("C2,2026-10-09,2026-10-16\n", asOf: "2026-11-01").verdict == .fail)
    }

    @Test("an unanswered complaint past its deadline is late; one not yet due is pending and not judged")
    func unanswered() throws {
        // Deadline 2026-10-13: at 10-13 it is still due (end of the day), at 10-14 it is late.
        let due = try judge("C3,2026-09-30,\n", asOf: "2026-10-13")
        #expect(due.verdict == .pass)
        #expect(due.findings.map(\.kind) == ["pendingComplaint"])
        let late = try judge("C3,2026-09-30,\n", asOf: "2026-10-14")
        #expect(late.verdict == .fail)
        #expect(late.findings.first?.detail.contains("not answered") == true)
    }

    @Test("value = late count, sample = complaints, on-time share beside it")
    func counts() throws {
        let report = try judge(
            """
            A,2026-03-02,2026-03-09
            B,2026-03-02,2026-03-10
            C,2026-03-02 09:00,2026-03-03
            D,2026-03-20,
            E,2026-03-02,

            """, asOf: "2026-03-23")
        #expect(report.measurement?.value == 2)
        #expect(report.measurement?.sample == 5)
        #expect(report.findings.filter { $0.kind == "lateComplaint" }.map(\.subject) == ["B", "E"])
        #expect(report.findings.filter { $0.kind == "pendingComplaint" }.map(\.subject) == ["D"])
        #expect(report.observations.contains(Observation(name: "onTimeShare", value: "50.0 %")))
        #expect(
            report.observations.contains(Observation(name: "statementThreshold", value: "replyTime ≤ 5 workingDay")))
        #expect(report.statements.map(\.statementID) == ["8.1.2-2"])
    }

    @Test("a complaint whose deadline leaves the calendar's years is an error naming the date and the calendar")
    func calendarWithoutYear() {
        let diagnostic = expectDiagnostic { try judge("C9,2026-12-28,2027-01-04\n", asOf: "2027-01-20") }
        #expect(diagnostic?.file == shippedCalendarURL().path)
        #expect(diagnostic?.message.contains("2027-01-01") == true)
        #expect(diagnostic?.message.contains("complaints.csv:2") == true)
    }

    @Test(
        "bad rows name the file and line",
        arguments: [
            ("C1,30/09/2026,\n", "received date"),
            ("C1,2026-09-30,soon\n", "replied date"),
            ("C1,,2026-10-01\n", "no received date"),
            ("C1,2026-10-05,2026-10-01\n", "before it was received"),
            ("C1,2026-12-01,\n", "after the as-of date"),
        ])
    func badRows(_ row: String, _ words: String) {
        let diagnostic = expectDiagnostic { try judge("C0,2026-09-01,2026-09-02\n" + row, asOf: "2026-11-01") }
        #expect(diagnostic?.file == "complaints.csv")
        #expect(diagnostic?.line == 3)
        #expect(diagnostic?.message.contains(words) == true, "\(diagnostic?.message ?? "")")
    }

    @Test("an empty register and a missing column are errors")
    func emptyAndMissingColumn() throws {
        let empty = expectDiagnostic { try judge("", asOf: "2026-11-01") }
        #expect(empty?.line == 2)
        let table = try CSVReader.parse(Array("id,received\nC1,2026-09-30\n".utf8), file: "c.csv")
        let missing = expectDiagnostic {
            try ComplaintCheck.judge(table, calendar: try shippedCalendar(), asOf: day("2026-11-01"))
        }
        #expect(missing?.line == 1)
        #expect(missing?.message.contains("'replied'") == true)
    }
}
