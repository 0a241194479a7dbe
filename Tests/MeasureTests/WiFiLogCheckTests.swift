import AuditMeasures
import AuditModel
import AuditSupport
import Foundation
import Testing

/// Log lines, one or more per day from `first` through `last`, skipping `gaps`.
private func logLines(
    from first: String, through last: String, skipping gaps: Set<String> = [],
    format: (MeasureDate) -> [String] = { ["\($0) 08:15:00 ap-3F-02 auth user=138****0000 mac=aa:bb:cc:dd:ee:ff ok"] }
) -> String {
    var lines: [String] = []
    var date = day(first)
    while date <= day(last) {
        if !gaps.contains(date.description) { lines += format(date) }
        date = date.adding(days: 1)
    }
    return lines.joined(separator: "\n") + "\n"
}

private let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

/// An RFC 3164 stamp without a year: `Oct  9 14:30:01`.
private func syslogStamp(_ date: MeasureDate, _ time: String = "14:30:01") -> String {
    let dayText = date.day < 10 ? " \(date.day)" : "\(date.day)"
    return "\(months[date.month - 1]) \(dayText) \(time)"
}

private func check(_ directory: URL, asOf: String, settings: WiFiLogSettings = WiFiLogSettings()) throws
    -> MeasuredCheckReport
{
    try WiFiLogCheck(directory: directory, asOf: day(asOf), settings: settings).run()
}

@Suite("WiFiLogCheck")
struct WiFiLogCheckTests {
    @Test("61 days passes (大于60日), 60 days fails")
    func boundary() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write(logLines(from: "2025-12-31", through: "2026-03-02"), to: "wifi.log", in: directory)
        let pass = try check(directory, asOf: "2026-03-02")
        #expect(pass.measurement?.value == 61)
        #expect(pass.measurement?.margin == 1)
        #expect(pass.verdict == .pass)
        #expect(pass.statements.map(\.statementID) == ["5.1.2-3"])

        let fail = try check(directory, asOf: "2026-03-01")
        // Records dated 03-02 are after this as-of date: left out and counted.
        #expect(fail.measurement?.value == 60)
        #expect(fail.verdict == .fail)
        #expect(fail.observations.contains(Observation(name: "linesAfterAsOf", value: "1")))
    }

    @Test("the as-of day may be empty, the day before may not")
    func asOfDay() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write(logLines(from: "2025-12-31", through: "2026-03-01"), to: "wifi.log", in: directory)
        #expect(try check(directory, asOf: "2026-03-02").measurement?.value == 61)
        let stale = try check(directory, asOf: "2026-03-03")
        #expect(stale.measurement?.value == 0)
        #expect(stale.verdict == .fail)
        #expect(stale.findings.contains { $0.kind == "gapDay" && $0.subject == "2026-03-02" })
    }

    @Test("a gap day breaks the run: older records do not count, and the gap is reported")
    func gapDay() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write(
            logLines(from: "2025-12-01", through: "2026-03-02", skipping: ["2026-01-10"]), to: "wifi.log",
            in: directory)
        let report = try check(directory, asOf: "2026-03-02")
        // The run starts on 2026-01-11: 2026-03-02 − 2026-01-11 = 50 days.
        #expect(report.measurement?.value == 50)
        #expect(report.verdict == .fail)
        #expect(report.findings.filter { $0.kind == "gapDay" }.map(\.subject) == ["2026-01-10"])
        #expect(report.observations.contains(Observation(name: "gapDays", value: "2026-01-10")))
        #expect(report.reason.contains("2026-01-10"))
        #expect(report.observations.contains { $0.name == "oldestRecord" && $0.value.hasPrefix("2025-12-01 08:15:00") })
        #expect(report.observations.contains { $0.name == "oldestRecordOfRun" && $0.value.hasPrefix("2026-01-11") })
    }

    @Test("a stray line from a clockless access point (1970) is one gap finding, not one per day")
    func strayEpochLine() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write(
            "1970-01-01 00:00:05 ap-B1-01 boot clock not set\n"
                + logLines(from: "2025-12-01", through: "2026-03-02", skipping: ["2026-01-10", "2026-01-11"]),
            to: "wifi.log", in: directory)
        let report = try check(directory, asOf: "2026-03-02")
        #expect(
            report.findings.filter { $0.kind == "gapDay" }.map(\.subject) == [
                "1970-01-02 to 2025-11-30 (20422 days)", "2026-01-10 to 2026-01-11 (2 days)",
            ])
        // The run of logged days still starts after the last gap: 2026-03-02 − 2026-01-12 = 49 days.
        #expect(report.measurement?.value == 49)
    }

    @Test("year-less syslog across New Year: Dec 31 read on 2026-01-02 is 2025-12-31")
    func newYear() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = logLines(from: "2025-10-01", through: "2026-01-02") { ["\(syslogStamp($0)) ap1 hostapd: auth ok"] }
        try write(text, to: "messages", in: directory)
        let report = try check(directory, asOf: "2026-01-02")
        // 2026-01-02 − 2025-10-01 = 93 days; with the year taken naively as 2026, Oct–Dec would be in the future.
        #expect(report.measurement?.value == 93)
        #expect(report.verdict == .pass)
        #expect(report.observations.contains(Observation(name: "linesAfterAsOf", value: "0")))
        #expect(report.observations.contains(Observation(name: "gapDays", value: "none")))
        #expect(report.observations.contains { $0.name == "oldestRecord" && $0.value.hasPrefix("2025-10-01 14:30:01") })
    }

    @Test("29 February in a year-less stamp goes to the last leap year")
    func leapDay() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("Feb 29 10:00:00 x\nMar  1 10:00:00 y\n", to: "l.log", in: directory)
        let report = try check(directory, asOf: "2026-03-01")
        #expect(report.observations.contains { $0.name == "oldestRecord" && $0.value.hasPrefix("2024-02-29") })
    }

    @Test("gzip files, also several members joined, read like plain ones")
    func gzip() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write(gzipped(logLines(from: "2025-12-31", through: "2026-01-31")), to: "wifi.log.2.gz", in: directory)
        let joined =
            try gzipped(logLines(from: "2026-02-01", through: "2026-02-15"))
            + gzipped(logLines(from: "2026-02-16", through: "2026-02-28"))
        try write(joined, to: "wifi.log.1.gz", in: directory)
        try write(logLines(from: "2026-03-01", through: "2026-03-02"), to: "wifi.log", in: directory)
        let report = try check(directory, asOf: "2026-03-02")
        #expect(report.measurement?.value == 61)
        #expect(report.verdict == .pass)
        #expect(report.observations.contains(Observation(name: "files", value: "3")))
        #expect(report.observations.contains(Observation(name: "datedLines", value: "62")))
    }

    @Test("a damaged gzip file is an error naming it")
    func damagedGzip() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = try gzipped(logLines(from: "2025-12-31", through: "2026-03-02"))
        let url = try write(Array(bytes.prefix(bytes.count / 2)), to: "cut.log.gz", in: directory)
        let diagnostic = expectDiagnostic { try check(directory, asOf: "2026-03-02") }
        #expect(diagnostic?.file == url.path)
        #expect(diagnostic?.message.contains("gzip") == true)
    }

    @Test("stamp formats: RFC 5424, ISO 8601 with zone, bracketed, slash dates; CRLF line ends")
    func formats() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text =
            [
                "<134>1 2026-01-01T00:00:01.123+08:00 ap1 hostapd - - - assoc",
                "2026-01-02T10:00:00Z portal login",
                "[2026-01-03 10:00:00] portal login",
                "2026/01/04 10:00:00 portal login",
                "<30>Jan  5 10:00:00 ap2 hostapd: auth",
                "Jan  6 2026 10:00:00 ap3 auth",
            ].joined(separator: "\r\n") + "\r\n"
        try write(text, to: "mixed.log", in: directory)
        let report = try check(directory, asOf: "2026-01-06")
        #expect(report.observations.contains(Observation(name: "daysWithRecords", value: "6")))
        #expect(report.observations.contains(Observation(name: "undatableLines", value: "0")))
        #expect(report.measurement?.value == 5)
    }

    @Test("zoned stamps are converted to the mall's time zone (default Asia/Shanghai) before taking the date")
    func mallTimeZone() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("2026-01-01T20:00:00Z a\n2026-01-03T01:00:00+08:00 b\n", to: "z.log", in: directory)
        // In Xuzhou (Asia/Shanghai, the default) 2026-01-01T20:00Z is 2026-01-02 04:00: no gap. (Before the mall's
        // days were counted, the stamp was dated as written, 2026-01-01, and 2026-01-02 was a gap.)
        let converted = try check(directory, asOf: "2026-01-03")
        #expect(converted.observations.contains(Observation(name: "gapDays", value: "none")))
        #expect(
            converted.observations.contains { $0.name == "oldestRecord" && $0.value.hasPrefix("2026-01-02 04:00:00") })
        #expect(converted.observations.contains(Observation(name: "mallTimeZone", value: "Asia/Shanghai")))
        #expect(converted.observations.contains(Observation(name: "linesWithOffset", value: "2")))
        // A mall on UTC sees 2026-01-03 01:00+08:00 on 2026-01-02 17:00 and the other record on 2026-01-01.
        let utc = try check(directory, asOf: "2026-01-03", settings: WiFiLogSettings(mallTimeZone: .utc))
        #expect(utc.observations.contains(Observation(name: "gapDays", value: "none")))
        #expect(utc.observations.contains { $0.name == "newestRecord" && $0.value.hasPrefix("2026-01-02 17:00:00") })
        #expect(utc.observations.contains { $0.name == "oldestRecord" && $0.value.hasPrefix("2026-01-01 20:00:00") })
    }

    @Test("undatable lines are counted and shown with file and line, never silently dropped")
    func undatable() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = logLines(from: "2025-12-31", through: "2026-03-02")
        text += "   java.lang.NullPointerException\n\n2026-02-30 10:00:00 impossible date\nOct 99 10:00:00 bad day\n"
        let url = try write(text, to: "wifi.log", in: directory)
        let report = try check(directory, asOf: "2026-03-02")
        #expect(report.verdict == .pass)
        #expect(report.observations.contains(Observation(name: "undatableLines", value: "3")))
        let samples = report.findings.filter { $0.kind == "undatableLine" }
        #expect(samples.map(\.line) == [63, 65, 66])
        #expect(samples.allSatisfy { $0.file == url.path })
        #expect(report.renderText().contains("java.lang.NullPointerException"))
    }

    @Test("a line longer than the read buffer is dated from its start and counted once")
    func overlongLine() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = logLines(from: "2025-12-31", through: "2026-01-01")
        text += "2026-01-02 00:00:00 " + String(repeating: "x", count: 9 << 20) + "\n"
        text += logLines(from: "2026-01-03", through: "2026-03-02")
        try write(text, to: "long.log", in: directory)
        let report = try check(directory, asOf: "2026-03-02")
        #expect(report.measurement?.value == 61)
        #expect(report.observations.contains(Observation(name: "lines", value: "62")))
        #expect(report.observations.contains { $0.name == "newestRecord" && $0.value.hasSuffix("long.log:62)") })
    }

    @Test("reading files on several threads gives exactly the report of one thread")
    func threadsAgree() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Seven files with overlapping days, equal times on the same day in different files, undatable lines in
        // several files, and gzip.
        for n in 0..<7 {
            var text = logLines(from: day("2025-12-20").adding(days: n * 10).description, through: "2026-03-02") {
                ["\($0) 09:00:00 same time in every file", "\(syslogStamp($0, "23:59:59")) last"]
            }
            text += "undatable \(n) a\nundatable \(n) b\n2099-01-01 10:00:00 future \(n)\n"
            if n % 3 == 0 {
                try write(gzipped(text), to: "ap\(n).log.gz", in: directory)
            } else {
                try write(text, to: "ap\(n).log", in: directory)
            }
        }
        let one = try WiFiLogCheck(directory: directory, asOf: day("2026-03-02"), workers: 1).run()
        for workers in [2, 3, 7, 16] {
            let many = try WiFiLogCheck(directory: directory, asOf: day("2026-03-02"), workers: workers).run()
            #expect(many.measurement == one.measurement)
            #expect(many.observations == one.observations)
            #expect(many.findings == one.findings)
            #expect(many.explanation == one.explanation)
        }
        #expect(one.observations.contains { $0.name == "oldestRecord" && $0.value.hasSuffix("ap0.log.gz:1)") })
        #expect(one.observations.contains { $0.name == "undatableLines" && $0.value == "14" })
        #expect(one.findings.filter { $0.kind == "undatableLine" }.map(\.subject) == [
            "line 147", "line 148", "line 127", "line 128", "line 107",
        ])
    }

    @Test("with several unusable files, the first in order is reported, however many threads read")
    func firstFailure() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["a.log", "b.log.bz2", "c.log", "d.log.bz2"] {
            try write(name.hasSuffix("bz2") ? "BZh91AY&SY" : "2026-01-01 10:00:00 x\n", to: name, in: directory)
        }
        for workers in [1, 2, 4] {
            let diagnostic = expectDiagnostic {
                try WiFiLogCheck(directory: directory, asOf: day("2026-03-02"), workers: workers).run()
            }
            #expect(diagnostic?.file?.hasSuffix("b.log.bz2") == true)
        }
    }

    @Test("unusable logs are errors naming the directory or file", arguments: ["missing", "empty", "undated", "bzip2"])
    func unusable(_ kind: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var target = directory
        var words = ""
        switch kind {
        case "missing":
            target = directory.appendingPathComponent("nope")
            words = "no such directory"
        case "empty":
            try write("", to: ".hidden", in: directory)
            words = "no log file"
        case "undated":
            try write("hello\nworld\n", to: "a.log", in: directory)
            words = "no line"
        default:
            try write(Array("BZh91AY&SY".utf8), to: "a.log.bz2", in: directory)
            words = "bzip2"
        }
        let diagnostic = expectDiagnostic { try check(target, asOf: "2026-03-02") }
        #expect(diagnostic?.message.contains(words) == true, "\(diagnostic?.message ?? "")")
        #expect(diagnostic?.file?.hasPrefix(directory.path) == true)
    }
}
