import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

// D4–D9 and the smaller faults of issue 12, each against the built binary. On the code before the fix (main at
// 0c02db1) each of these fails: a linked log was skipped, impossible dates were stored, NUL cut text short, an HTTP
// timeout had no bound, escape sequences reached the terminal, a FIFO CSV said "permission denied", a folder as
// --output printed a Cocoa error, a repeated CSV column was used silently, a bad JSON path or XPath passed the load.

/// A WiFi log line dated `day` (ISO stamp), as the portal writes them.
private func logLine(_ day: String, _ n: Int) -> String {
    "\(day)T10:00:0\(n % 10)+08:00 portal auth ok mac=00:11:22:33:44:\(String(format: "%02d", n % 100))\n"
}

/// Lines for every day from `from` to `to` (inclusive), YYYY-MM-DD, one line per day.
private func logDays(from: String, to: String) -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
    var day = formatter.date(from: from)!
    let end = formatter.date(from: to)!
    var text = ""
    var n = 0
    while day <= end {
        text += logLine(formatter.string(from: day), n)
        n += 1
        day = day.addingTimeInterval(86_400)
    }
    return text
}

@Suite("Reliability: hostile inputs (D4–D9 and the smaller faults)")
struct HostileInputTests {
    // MARK: D4 symbolic links in a log folder

    @Test("D4: a log file that is a symbolic link is read (and listed with its target); the verdict counts it")
    func linkedLogRead() throws {
        let ws = try Workspace("wifi-link")
        defer { ws.remove() }
        // 2026-09-01 … 2026-10-10 in a real file, 2026-10-11 … 2026-11-20 in a file outside, linked in: 80 days.
        try ws.write("logs/portal-old.log", logDays(from: "2026-09-01", to: "2026-10-10"))
        let outside = try ws.write("archive/portal-new.log", logDays(from: "2026-10-11", to: "2026-11-20"))
        try ws.link("logs/portal-new.log", to: outside.path)
        let outcome = try bounded(
            ["check", "wifi-logs", "--dir", ws.url("logs").path, "--as-of", "2026-11-20", "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.all)")
        let json = try #require(try JSONSerialization.jsonObject(with: outcome.stdoutBytes) as? [String: Any])
        #expect(json["value"] as? Double == 80, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("a symbolic link to \(outside.path)"), "the link is not listed")
    }

    @Test(
        "D4: a link loop, a dangling link, a link to a device, a FIFO in the folder: an error naming it",
        arguments: ["loop", "dangling", "device", "fifo", "folder-loop"])
    func badLogEntries(kind: String) throws {
        let ws = try Workspace("wifi-bad")
        defer { ws.remove() }
        try ws.write("logs/portal.log", logDays(from: "2026-09-01", to: "2026-11-20"))
        let name: String
        let words: String
        switch kind {
        case "loop":
            try ws.link("logs/a.log", to: ws.url("logs/b.log").path)
            try ws.link("logs/b.log", to: ws.url("logs/a.log").path)
            (name, words) = ("a.log", "loop")
        case "dangling":
            try ws.link("logs/gone.log", to: ws.url("nowhere/gone.log").path)
            (name, words) = ("gone.log", "does not exist")
        case "device":
            try ws.link("logs/zero.log", to: "/dev/zero")
            (name, words) = ("zero.log", "character device")
        case "fifo":
            _ = try ws.fifo("logs/live.log")
            (name, words) = ("live.log", "FIFO")
        default:
            try ws.link("logs/sub/up", to: ws.url("logs").path)
            (name, words) = ("up", "already walked")
        }
        let outcome = try bounded(
            ["check", "wifi-logs", "--dir", ws.url("logs").path, "--as-of", "2026-11-20"], seconds: 60)
        #expect(!outcome.timedOut)
        #expect(outcome.status == 1, "\(outcome.all)")
        #expect(outcome.stderr.contains(name) && outcome.stderr.contains(words), "\(outcome.stderr)")
    }

    // MARK: D5 dates

    @Test(
        "D5: a decided_at that is not a real date is refused at its line",
        arguments: ["2026-13-45", "2026-02-30", "2027-02-29", "<b>2026-01-01</b>", "2026-1-5", "yesterday"])
    func impossibleDates(date: String) throws {
        let ws = try Workspace("dates")
        defer { ws.remove() }
        let site = try ws.site([
            "not_applicable:", "  - statement: 6.8.a", "    justification: 商场未设 AR 景观区域",
            "    decided_by: 测试员", "    decided_at: \"\(date)\"",
        ])
        let text = try String(contentsOfFile: site, encoding: .utf8)
        let outcome = try ws.run(["--only", "6.8.a"])
        #expect(outcome.status == 1, "\(outcome.all)")
        let at = try #require(line(of: "decided_at", in: text))
        #expect(outcome.stderr.contains("site.yaml:\(at)") && outcome.stderr.contains("not a date"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.db), "a refused profile must not create a store")
    }

    @Test("D5: a real date (29 February of a leap year) is stored, and the XML report carries it as an xs:date")
    func realDateAndSchema() throws {
        let ws = try Workspace("dates-ok")
        defer { ws.remove() }
        try ws.site([
            "not_applicable:", "  - statement: 6.8.a", "    justification: 商场未设 AR 景观区域",
            "    decided_by: 测试员", "    decided_at: 2028-02-29",
        ])
        let outcome = try ws.run(["--only", "6.8.a"])
        #expect(outcome.status == 0, "\(outcome.all)")
        let report = ws.url("report.xml")
        let written = try bounded(["report", "--db", ws.db, "--format", "xml", "--output", report.path])
        #expect(written.status == 0, "\(written.all)")
        let xml = try String(contentsOf: report, encoding: .utf8)
        #expect(xml.contains("<decidedAt>2028-02-29</decidedAt>"))
        // The schema itself refuses a date that does not exist (xmllint, an independent validator).
        let schema = repositoryRoot().appendingPathComponent("reports/report.xsd").path
        #expect(try runProcess(URL(fileURLWithPath: "/usr/bin/xmllint"), ["--noout", "--schema", schema, report.path]).status == 0)
        for bad in ["2026-02-30", "2026-13-45", "&lt;b&gt;x&lt;/b&gt;"] {
            let forged = try ws.write("forged.xml", xml.replacingOccurrences(of: "2028-02-29", with: bad))
            let check = try runProcess(
                URL(fileURLWithPath: "/usr/bin/xmllint"), ["--noout", "--schema", schema, forged.path])
            #expect(check.status != 0, "the schema accepted decidedAt \(bad)")
        }
    }

    // MARK: D6 NUL

    @Test("D6: NUL in a finding's note, a justification or an assessor is refused at its line")
    func nulInFindings() throws {
        let ws = try Workspace("nul-findings")
        defer { ws.remove() }
        let run = try ws.seed()
        for (key, value) in [("note", "seen\\0hidden"), ("assessor", "\\0王工"), ("justification", "\\0not shown")] {
            let text = """
                assessor: 王工
                findings:
                  - statement: 5.2.5-4
                    verdict: \(key == "justification" ? "notApplicable" : "fail")
                    \(key): "\(value)"
                """
            let file = try ws.write("findings.yaml", text)
            let outcome = try bounded(["assess", "--db", ws.db, "--run", "\(run)", "--findings", file.path], in: ws.dir)
            #expect(outcome.status == 1, "\(key): \(outcome.all)")
            #expect(outcome.stderr.contains("findings.yaml:5") && outcome.stderr.contains("NUL"), "\(outcome.stderr)")
        }
    }

    @Test("D6: a justification that begins with NUL is refused at its line of the profile, not by the database")
    func nulJustification() throws {
        let ws = try Workspace("nul-profile")
        defer { ws.remove() }
        let site = try ws.site([
            "not_applicable:", "  - statement: 6.8.a", "    justification: \"\\0商场未设\"", "    decided_by: 测试员",
        ])
        let text = try String(contentsOfFile: site, encoding: .utf8)
        let outcome = try ws.run(["--only", "6.8.a"])
        #expect(outcome.status == 1, "\(outcome.all)")
        let at = try #require(line(of: "justification", in: text))
        #expect(outcome.stderr.contains("site.yaml:\(at)") && outcome.stderr.contains("NUL"), "\(outcome.stderr)")
    }

    @Test("D6: an HTTP value holding NUL is stored whole (NUL shown as ␀), never cut short")
    func nulFromHTTPStoredWhole() throws {
        let ws = try Workspace("nul-http")
        defer { ws.remove() }
        try ws.write(
            "probes/control.yaml",
            """
            probes:
              - id: control-status
                statements: [5.2.5-5]
                http: {system: api, path: /api/fault/control}
                expect:
                  - {json: $.status, equals: ok}
            """)
        try ws.site(probes: ["probes"], http: [("api", try TestPeer.http(), "5")])
        let outcome = try ws.run(["--only", "5.2.5-5"])
        #expect(outcome.status == 2, "\(outcome.all)")
        let stored = try ws.sqlite("SELECT reason || ' ' || observations FROM results WHERE statement_id = '5.2.5-5'")
        #expect(stored.contains("ok␀tail after NUL"), "stored: \(stored)")
    }

    // MARK: D7 timeouts

    @Test(
        "D7: an HTTP timeout above an hour (or not a number) is refused at its line; an hour is accepted",
        arguments: [("1e308", false), ("3600.5", false), ("inf", false), ("0", false), ("3600", true), ("0.001", true)])
    func httpTimeoutBound(timeout: String, accepted: Bool) throws {
        let ws = try Workspace("timeout")
        defer { ws.remove() }
        let site = try ws.site(http: [("api", "http://127.0.0.1:9", timeout)])
        let text = try String(contentsOfFile: site, encoding: .utf8)
        let outcome = try ws.run(["--only", "5.2.5-5"])
        if accepted {
            #expect(outcome.status == 3, "\(outcome.all)")
        } else {
            #expect(outcome.status == 1, "\(outcome.all)")
            let at = try #require(line(of: "timeout:", in: text))
            #expect(outcome.stderr.contains("site.yaml:\(at)") && outcome.stderr.contains("3600"), "\(outcome.stderr)")
        }
        // `http fetch --timeout`: refused as a bad option (ArgumentParser's usage error), or tried (3: no answer).
        let fetch = try bounded(["http", "fetch", "http://127.0.0.1:9/", "--timeout", timeout], seconds: 60)
        if accepted {
            #expect(fetch.status == 3, "http fetch --timeout \(timeout): \(fetch.all)")
        } else {
            #expect(fetch.status != 0 && fetch.status != 3, "http fetch --timeout \(timeout): \(fetch.all)")
            #expect(fetch.stderr.contains("--timeout") && fetch.stderr.contains("3600"), "\(fetch.stderr)")
        }
    }

    // MARK: D9 control characters on the console

    @Test("D9: escape sequences and NUL from a log line are shown as escapes, never written raw to the terminal")
    func logEscapes() throws {
        let ws = try Workspace("escapes")
        defer { ws.remove() }
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{00}\u{9B}31m cleared\r overwritten\n"
        try ws.write("logs/portal.log", logDays(from: "2026-09-01", to: "2026-11-20") + hostile)
        let outcome = try bounded(["check", "wifi-logs", "--dir", ws.url("logs").path, "--as-of", "2026-11-20"])
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(outcome.stdout.contains("\\x1B]0;pwned\\x07\\x1B[2J\\x00\\x9B31m cleared\\x0D overwritten"), "\(outcome.stdout)")
        #expect(!hasRawControl(outcome.stdoutBytes) && !hasRawControl(outcome.stderrBytes))
        #expect(!outcome.stdout.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
    }

    @Test("D9: an HTTP answer with escape sequences and NUL is printed with escapes by `http fetch`")
    func httpEscapes() throws {
        let outcome = try bounded(["http", "fetch", try TestPeer.http() + "/api/fault/control", "--json-path", "$.banner"])
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(outcome.stdout.contains("\\x1B]0;pwned\\x07\\x1B[2J"), "\(outcome.stdout)")
        #expect(!hasRawControl(outcome.stdoutBytes) && !hasRawControl(outcome.stderrBytes))
    }

    // MARK: the smaller faults

    @Test("a FIFO given as a CSV export says what it is (not 'permission denied') and does not wait on it")
    func fifoCSV() throws {
        let ws = try Workspace("fifo-csv")
        defer { ws.remove() }
        let fifo = try ws.fifo("survey.csv")
        let outcome = try bounded(["check", "satisfaction", "--csv", fifo.path], seconds: 30)
        #expect(!outcome.timedOut)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("FIFO") && !outcome.stderr.lowercased().contains("permission"), "\(outcome.stderr)")
    }

    @Test("a CSV header that names a column twice is refused at the header's line")
    func repeatedHeaderColumn() throws {
        let ws = try Workspace("csv-header")
        defer { ws.remove() }
        let csv = try ws.write("survey.csv", "\n编号,satisfaction,Satisfaction\n1,满意,不满意\n")
        let outcome = try bounded(["check", "satisfaction", "--csv", csv.path])
        #expect(outcome.status == 1, "\(outcome.all)")
        #expect(outcome.stderr.contains("survey.csv:2") && outcome.stderr.contains("twice"), "\(outcome.stderr)")
    }

    @Test("`report --output` naming a folder writes into it under the usual name; a file in a missing folder is refused in words")
    func reportOutputFolder() throws {
        let ws = try Workspace("report-output")
        defer { ws.remove() }
        _ = try ws.seed()
        let folder = ws.url("reports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let outcome = try bounded(["report", "--db", ws.db, "--format", "html", "--output", folder.path])
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(outcome.stdout.contains("wrote \(folder.appendingPathComponent("report.html").path)"), "\(outcome.stdout)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.html").path))
        let missing = try bounded(
            ["report", "--db", ws.db, "--format", "xml", "--output", ws.url("nowhere/report.xml").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("does not exist") && !missing.stderr.contains("Cocoa"), "\(missing.stderr)")
    }

    @Test(
        "a probe file's JSON path or XPath that does not compile is refused at its line when the file is loaded",
        arguments: [
            ("{json: \"$.a[\", equals: x}", "not a JSON path"), ("{json: \"$..\", non_empty: true}", "not a JSON path"),
            ("{xpath: \"//form[\", equals: x}", "not an XPath"), ("{xpath: \"count(//li\", at_least: 1}", "not an XPath"),
            ("{json: $.a, at_least: nan}", "not a finite number"),
        ])
    func probeFileCompiledAtLoad(expectation: String, words: String) throws {
        let ws = try Workspace("probe-load")
        defer { ws.remove() }
        let text = """
            probes:
              - id: broken
                statements: [5.2.5-5]
                http: {system: api, path: /api/member/features}
                expect:
                  - \(expectation)
            """
        try ws.write("probes/broken.yaml", text)
        try ws.site(probes: ["probes"], http: [("api", "http://127.0.0.1:9", "1")])
        let outcome = try ws.run(["--only", "5.2.5-5"])
        #expect(outcome.status == 1, "\(outcome.all)")
        #expect(outcome.stderr.contains("broken.yaml:6") && outcome.stderr.contains(words), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.db))
    }
}
