import AuditMeasures
import AuditModel
import AuditSupport
import Foundation
import Testing

/// RFC 3339 stamps (`2025-12-31T16:10:00.000000+00:00`), one per day from `first` through `last` (dates on the
/// stamp's own clock), at `time` with `offset`.
private func dailyStamps(from first: String, through last: String, time: String = "16:10:00", offset: String = "+00:00")
    -> [String]
{
    var stamps: [String] = []
    var date = day(first)
    while date <= day(last) {
        stamps.append("\(date)T\(time).000000\(offset)")
        date = date.adding(days: 1)
    }
    return stamps
}

private func check(_ directory: URL, asOf: String, _ settings: WiFiLogSettings = WiFiLogSettings()) throws
    -> MeasuredCheckReport
{
    try WiFiLogCheck(directory: directory, asOf: day(asOf), settings: settings).run()
}

private func observation(_ report: MeasuredCheckReport, _ name: String) -> String? {
    report.observations.first { $0.name == name }?.value
}

/// Logs written by a real rsyslogd (scripts/peers/rsyslog.sh): the mall's days, whatever clock the device keeps.
@Suite("WiFi logs on the mall's clock (real rsyslog)")
struct WiFiLogMallDayTests {
    /// Each format rsyslog writes, and whether the check reads it gzipped (as logrotate leaves it).
    static let zonedFormats: [(RsyslogPeer.Format, Bool)] = [
        (.rfc3339, false), (.protocol5424, false), (.jsonAtTimestamp, false), (.jsonTimestamp, false),
        (.jsonTime, false), (.jsonAtTimestamp, true), (.jsonTime, true), (.rfc3339, true),
    ]

    @Test(
        "a UTC controller: 16:10Z is 00:10 in Xuzhou, so 61 days in log time are 60 in the mall's calendar (fail)",
        arguments: zonedFormats.indices)
    func utcController(_ index: Int) throws {
        let (format, gzip) = Self.zonedFormats[index]
        // Every day from 2025-12-31 through 2026-03-01 at 16:10 UTC, i.e. 2026-01-01 00:10 … 2026-03-02 00:10 in
        // Xuzhou. Counted in log time: 2026-03-02 − 2025-12-31 = 61 days (pass); in the mall's: 60 days (fail).
        let folder = try RsyslogPeer.send(dailyStamps(from: "2025-12-31", through: "2026-03-01"))
        let directory = try RsyslogPeer.logDirectory(folder, format, gzip: gzip)
        defer { try? FileManager.default.removeItem(at: directory) }

        let mall = try check(directory, asOf: "2026-03-02")
        #expect(mall.measurement?.value == 60, "\(format) gzip=\(gzip)")
        #expect(mall.verdict == .fail)
        #expect(observation(mall, "oldestRecord")?.hasPrefix("2026-01-01 00:10:00") == true)
        #expect(observation(mall, "newestRecord")?.hasPrefix("2026-03-02 00:10:00") == true)
        #expect(observation(mall, "gapDays") == "none")
        #expect(observation(mall, "mallTimeZone") == "Asia/Shanghai")
        #expect(observation(mall, "linesWithOffset") == "61")
        #expect(observation(mall, "undatableLines") == "0")
        #expect(mall.reason.contains("logs kept 60 days (2026-03-02 − 2026-01-01)"), "\(mall.reason)")
        #expect(
            mall.explanation.contains { $0.contains("61 lines carry a UTC offset") && $0.contains("Asia/Shanghai") })
        if format.rawValue.hasPrefix("json") {
            #expect(observation(mall, "jsonLines") == "61")
            #expect(observation(mall, "malformedJSONLines") == "0")
        }

        // The same records counted on a UTC calendar give the log's own figure.
        let logTime = try check(directory, asOf: "2026-03-02", WiFiLogSettings(mallTimeZone: .utc))
        #expect(logTime.measurement?.value == 61)
        #expect(logTime.verdict == .pass)
    }

    @Test("the traditional format of a UTC controller has no offset: the device's clock is set, or assumed and said")
    func utcControllerTraditional() throws {
        let folder = try RsyslogPeer.send(dailyStamps(from: "2025-12-31", through: "2026-03-01"))
        let directory = try RsyslogPeer.logDirectory(folder, .traditional)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try String(contentsOf: directory.appendingPathComponent("wifi.log"), encoding: .utf8)
        #expect(text.hasPrefix("Dec 31 16:10:00 wlc01 mallaudit-"), "rsyslog's traditional format: \(text.prefix(60))")

        let device = try check(directory, asOf: "2026-03-02", WiFiLogSettings(deviceTimeZone: .utc))
        #expect(device.measurement?.value == 60)
        #expect(device.verdict == .fail)
        #expect(observation(device, "oldestRecord")?.hasPrefix("2026-01-01 00:10:00") == true)
        #expect(observation(device, "deviceTimeZone") == "UTC (set for this device)")
        #expect(observation(device, "yearlessLines") == "61")
        #expect(device.explanation.contains { $0.contains("read on the device's clock, UTC (as set)") })

        // Nothing said about the device: its clock is taken to be the mall's, and the report says it assumed so.
        let assumed = try check(directory, asOf: "2026-03-02")
        #expect(assumed.measurement?.value == 61)
        #expect(observation(assumed, "deviceTimeZone") == "Asia/Shanghai (the mall's; no device time zone set)")
        #expect(assumed.explanation.contains { $0.contains("(assumed: no device time zone set)") })
    }

    @Test("on the mall's clock an oldest record at 23:59:59 gives 61 days (pass), one at 00:00 the next day 60 (fail)")
    func boundaryAtMidnight() throws {
        // Records every day at noon in Xuzhou from 2026-01-01 through 2026-03-02, and one earlier record written by a
        // UTC controller: 2025-12-31T15:59:59Z is 2025-12-31 23:59:59 in Xuzhou; 2025-12-31T16:00:00Z is 2026-01-01.
        let daily = dailyStamps(from: "2026-01-01", through: "2026-03-02", time: "12:00:00", offset: "+08:00")
        for (extra, value, verdict) in [
            ("2025-12-31T15:59:59.000000+00:00", 61.0, Verdict.pass), ("2025-12-31T16:00:00.000000+00:00", 60, .fail),
        ] {
            let folder = try RsyslogPeer.send([extra] + daily)
            for format in [RsyslogPeer.Format.rfc3339, .jsonAtTimestamp] {
                let directory = try RsyslogPeer.logDirectory(folder, format)
                defer { try? FileManager.default.removeItem(at: directory) }
                let report = try check(directory, asOf: "2026-03-02")
                #expect(report.measurement?.value == value, "\(extra) \(format)")
                #expect(report.verdict == verdict, "\(extra) \(format)")
            }
        }
    }

    @Test("year-less stamps near New Year with the as-of date in January; records after it are listed, not moved")
    func newYear() throws {
        // Every day 2025-11-01 … 2026-01-12 at 09:30 in Xuzhou, written in rsyslog's traditional format (no year).
        let folder = try RsyslogPeer.send(
            dailyStamps(from: "2025-11-01", through: "2026-01-12", time: "09:30:00", offset: "+08:00"))
        let directory = try RsyslogPeer.logDirectory(folder, .traditional)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try check(directory, asOf: "2026-01-10")
        // November and December are 2025 (the twelve months 2025-03 … 2026-02); 11 and 12 January are 2026, after the
        // as-of date: counted, listed, left out.
        #expect(report.measurement?.value == 70)
        #expect(report.verdict == .pass)
        #expect(observation(report, "oldestRecord")?.hasPrefix("2025-11-01 09:30:00") == true)
        #expect(observation(report, "newestRecord")?.hasPrefix("2026-01-10 09:30:00") == true)
        #expect(observation(report, "gapDays") == "none")
        #expect(observation(report, "linesAfterAsOf") == "2")
        #expect(observation(report, "daysAfterAsOf") == "2026-01-11 to 2026-01-12 (2 days)")
        #expect(observation(report, "yearRule")?.contains("2025-03 to 2026-02") == true)
        let future = report.findings.filter { $0.kind == "futureRecord" }
        #expect(future.map(\.line) == [72, 73])
        #expect(future.first?.detail.hasPrefix("dated 2026-01-11 on the mall's clock, after the as-of date") == true)
    }

    @Test("records after the as-of date stay in their year: no oldest record a year early, no 300-day gap")
    func recordsAfterAsOf() throws {
        // The export was taken on 2026-11-25; the audit is judged at 2026-11-20. Traditional stamps, no year.
        let folder = try RsyslogPeer.send(
            dailyStamps(from: "2026-09-01", through: "2026-11-25", time: "10:00:00", offset: "+08:00"))
        let directory = try RsyslogPeer.logDirectory(folder, .traditional)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try check(directory, asOf: "2026-11-20")
        #expect(report.measurement?.value == 80)
        #expect(report.verdict == .pass)
        #expect(observation(report, "oldestRecord")?.hasPrefix("2026-09-01 10:00:00") == true)
        #expect(observation(report, "gapDays") == "none")
        #expect(observation(report, "daysWithRecords") == "81")
        #expect(observation(report, "linesAfterAsOf") == "5")
        #expect(observation(report, "daysAfterAsOf") == "2026-11-21 to 2026-11-25 (5 days)")
        #expect(report.findings.filter { $0.kind == "futureRecord" }.count == 5)
        #expect(!report.findings.contains { $0.kind == "gapDay" })
    }

    @Test("year rule file-mtime: an old rotated file's December is the December before its modification date")
    func fileModificationYear() throws {
        // wifi.log.1: 2025-12-01 … 2026-01-12, traditional (no year), last written 2026-01-12 23:59 in Xuzhou;
        // wifi.log: 2026-01-13 … 2026-11-20 in RFC 3339. The audit is judged at 2026-11-20.
        let old = try RsyslogPeer.send(
            dailyStamps(from: "2025-12-01", through: "2026-01-12", time: "18:00:00", offset: "+08:00"))
        let current = try RsyslogPeer.send(
            dailyStamps(from: "2026-01-13", through: "2026-11-20", time: "18:00:00", offset: "+08:00"))
        let directory = try RsyslogPeer.logDirectory(current, .rfc3339)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rotated = directory.appendingPathComponent("wifi.log.1")
        try FileManager.default.copyItem(at: old.appendingPathComponent("traditional.log"), to: rotated)
        // 2026-01-12 23:59 in Xuzhou.
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 1_768_233_540)], ofItemAtPath: rotated.path)

        let byFile = try check(directory, asOf: "2026-11-20", WiFiLogSettings(yearRule: .fileModified))
        #expect(observation(byFile, "oldestRecord")?.hasPrefix("2025-12-01 18:00:00") == true)
        #expect(byFile.measurement?.value == 354)
        #expect(observation(byFile, "linesAfterAsOf") == "0")
        #expect(byFile.explanation.contains { $0.contains("wifi.log.1") && $0.contains("modified 2026-01-12") })

        // By the as-of date the year-less December falls in 2026-12, after the as-of date: listed, not counted.
        let byAsOf = try check(directory, asOf: "2026-11-20")
        #expect(observation(byAsOf, "oldestRecord")?.hasPrefix("2026-01-01 18:00:00") == true)
        #expect(byAsOf.measurement?.value == 323)
        #expect(observation(byAsOf, "linesAfterAsOf") == "31")
        #expect(observation(byAsOf, "daysAfterAsOf") == "2026-12-01 to 2026-12-31 (31 days)")
    }
}

@Suite("WiFi logs: clocks, year rules and JSON lines")
struct WiFiLogClockTests {
    @Test("a fixed year rule dates every year-less stamp in that year; 29 February of a common year is undatable")
    func fixedYear() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try write("Feb 28 10:00:00 a\nFeb 29 10:00:00 b\nMar  1 10:00:00 c\n", to: "l.log", in: directory)
        let report = try check(directory, asOf: "2026-03-01", WiFiLogSettings(yearRule: .year(2025)))
        #expect(observation(report, "oldestRecord")?.hasPrefix("2025-02-28 10:00:00") == true)
        #expect(observation(report, "newestRecord")?.hasPrefix("2025-03-01 10:00:00") == true)
        let undatable = report.findings.filter { $0.kind == "undatableLine" }
        #expect(undatable.map(\.line) == [2])
        #expect(undatable.first?.file == url.path)
        #expect(undatable.first?.detail.hasPrefix("no such date in 2025") == true, "\(undatable)")
        #expect(observation(report, "yearRule") == "2025: every year-less stamp in 2025")
    }

    @Test("an as-of date in December puts a year-less January in the next year (after the as-of date)")
    func decemberAsOf() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("Feb  1 10:00:00 a\nDec 20 10:00:00 b\nJan  3 10:00:00 c\n", to: "l.log", in: directory)
        let report = try check(directory, asOf: "2026-12-20")
        #expect(observation(report, "oldestRecord")?.hasPrefix("2026-02-01") == true)
        #expect(observation(report, "daysAfterAsOf") == "2027-01-03")
    }

    @Test("a device clock in a zone with daylight saving time is converted instant by instant")
    func daylightSavingDevice() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // New York: 2026-03-07 20:00 EST is 2026-03-08 09:00 in Xuzhou; 2026-03-08 20:00 EDT is 2026-03-09 08:00.
        try write("2026-03-07 20:00:00 a\n2026-03-08 20:00:00 b\n", to: "l.log", in: directory)
        let report = try check(
            directory, asOf: "2026-03-09", WiFiLogSettings(deviceTimeZone: ClockZone("America/New_York")))
        #expect(observation(report, "oldestRecord")?.hasPrefix("2026-03-08 09:00:00") == true)
        #expect(observation(report, "newestRecord")?.hasPrefix("2026-03-09 08:00:00") == true)
        #expect(observation(report, "linesWithoutOffset") == "2")
    }

    @Test("JSON lines: field names in order of preference, a named field, epoch numbers, escapes and nesting")
    func jsonFields() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = [
            // @timestamp wins over time, wherever it stands.
            #"{"time":"2026-01-01T12:00:00+08:00","@timestamp":"2026-01-02T12:00:00+08:00","msg":"a"}"#,
            // Nesting and escapes elsewhere in the object do not disturb the reading.
            #"  {"ctx":{"ap":["3F",{"x":null,"y":[1.5e3,-2,true]}],"note":"say \"hi\" \u00e9"},"#
                + #""timestamp":"2026-01-03 12:00:00"}"#,
            // Epoch seconds and milliseconds (UTC): 1767499200 is 2026-01-04T04:00:00Z.
            #"{"time":1767499200}"#,
            #"{"time":1767585600000}"#,
            // An escaped key and an escaped value.
            #"{"\u0040timestamp":"2026-01-06T12:00:00\u002B08:00"}"#,
        ]
        try write(lines.joined(separator: "\n") + "\n", to: "controller.json", in: directory)
        let report = try check(directory, asOf: "2026-01-06")
        #expect(observation(report, "daysWithRecords") == "5")
        #expect(observation(report, "oldestRecord")?.hasPrefix("2026-01-02 12:00:00") == true)
        #expect(observation(report, "gapDays") == "none")
        #expect(observation(report, "jsonLines") == "5")
        #expect(observation(report, "malformedJSONLines") == "0")

        // A field named in the settings is the only one read.
        let named = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: named) }
        try write(
            #"{"ts":"2026-01-05T10:00:00Z","@timestamp":"1999-01-01T00:00:00Z"}"# + "\n"
                + #"{"@timestamp":"2026-01-06T10:00:00Z"}"# + "\n", to: "a.json", in: named)
        let byName = try check(named, asOf: "2026-01-06", WiFiLogSettings(timeField: "ts"))
        #expect(observation(byName, "oldestRecord")?.hasPrefix("2026-01-05 18:00:00") == true)
        #expect(observation(byName, "undatableLines") == "1")
        let missing = byName.findings.filter { $0.kind == "undatableLine" }
        #expect(missing.map(\.line) == [2])
        #expect(missing.first?.detail.contains("without a time field ('ts')") == true)
    }

    @Test("malformed JSON lines are counted and shown with file, line and why, like unreadable syslog lines")
    func malformedJSON() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = [
            #"{"@timestamp":"2026-01-01T10:00:00+08:00"}"#,
            #"{"@timestamp":"2026-01-02T10:00:00+08:00""#,
            #"{"message":"no time"}"#,
            #"{"@timestamp":null}"#,
            #"{"@timestamp":"yesterday"}"#,
            #"{"@timestamp":"2026-01-02T10:00:00+08:00"} trailing"#,
            #"{"@timestamp":"2026-01-02T10:00:00+08:00", "n": 01}"#,
            #"{"@timestamp":"2026-01-02T10:00:00+08:00"}"#,
        ]
        let url = try write(gzipped(lines.joined(separator: "\n") + "\n"), to: "c.json.gz", in: directory)
        let report = try check(directory, asOf: "2026-01-02")
        #expect(report.measurement?.value == 1)
        #expect(observation(report, "jsonLines") == "8")
        #expect(observation(report, "malformedJSONLines") == "6")
        #expect(observation(report, "undatableLines") == "6")
        let undatable = report.findings.filter { $0.kind == "undatableLine" }
        // The first five, in order, each with its reason.
        #expect(undatable.map(\.line) == [2, 3, 4, 5, 6])
        #expect(undatable.allSatisfy { $0.file == url.path })
        #expect(undatable[0].detail.hasPrefix("malformed JSON line: expected ',' or '}'"), "\(undatable[0].detail)")
        #expect(undatable[1].detail.hasPrefix("JSON object without a time field ('@timestamp', 'timestamp', 'time')"))
        #expect(undatable[2].detail.hasPrefix("the JSON field '@timestamp' is null, not a date"))
        #expect(undatable[3].detail.hasPrefix("the JSON field '@timestamp' holds no date recognised ('yesterday')"))
        #expect(undatable[4].detail.hasPrefix("malformed JSON line: text after the closing '}'"))
        #expect(report.explanation.contains { $0.contains("8 lines are JSON objects") && $0.contains("6 of them") })
    }

    @Test("a UTF-8 byte-order mark before the first line (a Windows export) is skipped")
    func byteOrderMark() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = Array(#"{"@timestamp":"2026-01-01T10:00:00+08:00"}"#.utf8)
        try write([0xEF, 0xBB, 0xBF] + json + [0x0A], to: "a.json", in: directory)
        try write([0xEF, 0xBB, 0xBF] + Array("2026-01-02 10:00:00 ok\n".utf8), to: "b.log", in: directory)
        let report = try check(directory, asOf: "2026-01-02")
        #expect(observation(report, "undatableLines") == "0")
        #expect(observation(report, "daysWithRecords") == "2")
    }

    @Test("an offset that is no offset makes the stamp unreadable, not local")
    func badOffset() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("2026-01-01T10:00:00+25:00 a\n2026-01-02T10:00:00+08:00 b\n", to: "l.log", in: directory)
        let report = try check(directory, asOf: "2026-01-02")
        #expect(observation(report, "undatableLines") == "1")
        #expect(report.findings.contains { $0.kind == "undatableLine" && $0.detail.contains("UTC offset") })
    }
}

@Suite("ClockZone")
struct ClockZoneTests {
    @Test("names and offsets: IANA names exactly, UTC, ±HH:MM; anything else is refused with a reason")
    func parsing() {
        #expect(ClockZone("Asia/Shanghai")?.name == "Asia/Shanghai")
        #expect(ClockZone("UTC") == .utc)
        #expect(ClockZone("Z") == .utc)
        #expect(ClockZone("+08:00")?.offsets == [28_800])
        #expect(ClockZone("-0530")?.offsets == [-19_800])
        #expect(ClockZone("+08")?.name == "+08:00")
        for bad in ["asia/shanghai", "Asia/Xuzhou", "PRC", "GMT+8", "+15:00", "+08:60", "8", ""] {
            #expect(ClockZone(bad) == nil, "\(bad)")
        }
        #expect(ClockZone.problem("Asia/Xuzhou") == "'Asia/Xuzhou' is not an IANA time zone name")
        #expect(ClockZone.problem("+15:00")?.contains("not a UTC offset") == true)
    }

    @Test("Asia/Shanghai: +08:00 today, +09:00 in the summer of 1988 (China's daylight saving time 1986–1991)")
    func shanghai() {
        let zone = ClockZone.shanghai
        #expect(zone.offset(atUTC: 1_767_283_800) == 28_800)
        #expect(zone.offset(atUTC: 586_000_000) == 32_400)  // 1988-07-27
        #expect(!zone.hasSameRules(as: ClockZone(fixedOffset: 28_800)))
    }

    @Test("wall clock to UTC across DST: a skipped time uses the offset before, a repeated time the earlier instant")
    func daylightSaving() throws {
        let newYork = try #require(ClockZone("America/New_York"))
        func local(_ text: String) -> Int {
            let parts = text.split(separator: " ")
            let seconds = parts[1].split(separator: ":").map { Int($0)! }
            return day(String(parts[0])).dayNumber * 86_400 + seconds[0] * 3600 + seconds[1] * 60
        }
        let march8 = day("2026-03-08").dayNumber * 86_400
        // 01:30 EST = 06:30Z; 02:30 does not exist (read as EST: 07:30Z = 03:30 EDT); 03:30 EDT = 07:30Z.
        #expect(newYork.utc(fromLocal: local("2026-03-08 01:30")) == march8 + 6 * 3600 + 1800)
        #expect(newYork.utc(fromLocal: local("2026-03-08 02:30")) == march8 + 7 * 3600 + 1800)
        #expect(newYork.utc(fromLocal: local("2026-03-08 03:30")) == march8 + 7 * 3600 + 1800)
        // 2026-11-01 01:30 happens twice (EDT 05:30Z, then EST 06:30Z): the earlier.
        let november1 = day("2026-11-01").dayNumber * 86_400
        #expect(newYork.utc(fromLocal: local("2026-11-01 01:30")) == november1 + 5 * 3600 + 1800)
        #expect(newYork.offset(atUTC: november1 + 6 * 3600) == -18_000)
    }
}
