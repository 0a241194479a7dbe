import Foundation
import Testing
import TestSupport

/// `mallaudit check …` run as a process: exit codes, output, and messages naming file and line.
@Suite("mallaudit check")
struct CheckCLITests {
    /// Writes `text` into a fresh directory and returns the file's path.
    private func file(_ name: String, _ text: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func days(from first: String, count: Int) -> [String] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let start = formatter.date(from: first)!
        return (0..<count).map { formatter.string(from: start.addingTimeInterval(Double($0) * 86_400)) }
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("wifi-logs: 61 days exits 0, 60 days exits 2; JSON carries the measurement")
    func wifiLogs() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = days(from: "2025-12-31", count: 62).map { "\($0) 10:00:00 ap1 auth ok" }
        _ = try file("logs/wifi.log", lines.joined(separator: "\n") + "\n", in: directory)
        let dir = directory.appendingPathComponent("logs").path

        let pass = try runMallaudit(["check", "wifi-logs", "--dir", dir, "--as-of", "2026-03-02", "--format", "json"])
        #expect(pass.status == 0, "\(pass.stderr)")
        let report = try json(pass.stdout)
        #expect(report["check"] as? String == "wifi-logs")
        #expect(report["clause"] as? String == "5.1.2")
        #expect(report["verdict"] as? String == "pass")
        #expect(report["value"] as? Double == 61)
        #expect(report["threshold"] as? Double == 60)
        #expect(report["comparison"] as? String == "gt")
        #expect(report["unit"] as? String == "day")
        #expect(report["sample"] as? Int == 62)

        let fail = try runMallaudit(["check", "wifi-logs", "--dir", dir, "--as-of", "2026-03-01"])
        #expect(fail.status == 2)
        #expect(fail.stdout.contains("FAIL"))
        #expect(fail.stdout.contains("retention = 2026-03-01 − 2025-12-31 = 60 days"))
        #expect(fail.stdout.contains("oldest record: 2025-12-31 10:00:00"))
    }

    @Test("satisfaction: 85.0 % exits 0, 84.9 % exits 2; text shows respondents per answer")
    func satisfaction() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func survey(basic: Int) -> String {
            var text = "id,satisfaction\n"
            for n in 0..<1000 {
                let answer = n < 600 ? "满意" : (n < 600 + basic ? "基本满意" : "不满意")
                text += "\(n),\(answer)\n"
            }
            return text
        }
        let pass = try runMallaudit([
            "check", "satisfaction", "--csv", try file("a.csv", survey(basic: 250), in: directory),
        ])
        #expect(pass.status == 0, "\(pass.stderr)")
        #expect(pass.stdout.contains("满意 (satisfied): 600"))
        #expect(pass.stdout.contains("基本满意 (basically satisfied): 250"))
        #expect(pass.stdout.contains("(600 + 250) / 1000 × 100 = 85.0 %"))
        let fail = try runMallaudit([
            "check", "satisfaction", "--csv", try file("b.csv", survey(basic: 249), in: directory),
        ])
        #expect(fail.status == 2)
        #expect(fail.stdout.contains("84.9 %"))
    }

    /// Without --as-of a check is judged on the mall's day (Asia/Shanghai), not the computer's. UTC−11 and UTC+14
    /// are 25 hours apart: at any moment at least one of them is on another day than Xuzhou.
    @Test("without --as-of, the day is Xuzhou's whatever the computer's zone (TZ at UTC−11 and at UTC+14)")
    func defaultDayIsTheMalls() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = "id,satisfaction\n"
        for n in 0..<100 { text += "\(n),满意\n" }
        let csv = try file("survey.csv", text, in: directory)
        func shanghaiToday() -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            let day = calendar.dateComponents([.year, .month, .day], from: Date())
            return String(format: "%04d-%02d-%02d", day.year!, day.month!, day.day!)
        }
        for zone in ["Pacific/Pago_Pago", "Pacific/Kiritimati"] {
            let before = shanghaiToday()
            let outcome = try runMallaudit(["check", "satisfaction", "--csv", csv], environment: ["TZ": zone])
            let after = shanghaiToday()
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let line = outcome.stdout.split(separator: "\n").first { $0.contains("as of ") }.map(String.init) ?? ""
            #expect(line.contains("as of \(before)") || line.contains("as of \(after)"), "TZ=\(zone): \(line)")
        }
    }

    @Test("satisfaction just below 85 % (85011 of 100013 = 84.99995 %) never prints as 85.0 % or 85 %")
    func satisfactionJustBelowTheLine() throws {
        // Four decimals would round 84.999950001… to 85.0000: the old output said "= 85.0 %, below 85 %".
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = "id,satisfaction\n"
        for n in 0..<100_013 { text += "\(n),\(n < 85_011 ? "满意" : "不满意")\n" }
        let csv = try file("survey.csv", text, in: directory)
        let outcome = try runMallaudit(["check", "satisfaction", "--csv", csv, "--as-of", "2026-11-20"])
        #expect(outcome.status == 2, "below 85 % fails: \(outcome.stdout)\(outcome.stderr)")
        #expect(!outcome.stdout.contains("85.0 %"), "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("value: 85 %"), "\(outcome.stdout)")
        // Every number printed for the share reads back below 85.
        let reason = try #require(
            outcome.stdout.split(separator: "\n").first { $0.contains("8.2.1-3: fail") }.map(String.init))
        let shown = try #require(reason.components(separatedBy: "× 100 = ").last?.components(separatedBy: " %").first)
        #expect(reason.hasSuffix("\(shown) %, below 85 %"), "\(reason)")
        #expect(try #require(Double(shown)) < 85, "\(reason)")
        let value = try #require(
            outcome.stdout.split(separator: "\n").first { $0.hasPrefix("value: ") }?.split(separator: " ").dropFirst()
                .first)
        #expect(try #require(Double(value)) < 85, "value line: \(value)")
        #expect(outcome.stdout.contains("\(shown) % < 85 %"))
    }

    @Test("complaints: the shipped calendar is found from the binary; a late reply exits 2 and shows its deadline")
    func complaints() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let onTime = try file("ok.csv", "id,received,replied\nC1,2026-09-30,2026-10-13\n", in: directory)
        let ok = try runMallaudit(
            ["check", "complaints", "--csv", onTime, "--as-of", "2026-11-01"], environment: ["MALLAUDIT_CALENDAR": ""])
        #expect(ok.status == 0, "\(ok.stderr)")
        let late = try file("late.csv", "id,received,replied\nC1,2026-09-30,2026-10-14\n", in: directory)
        let result = try runMallaudit(["check", "complaints", "--csv", late, "--as-of", "2026-11-01"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("C1 (line 2)"))
        #expect(result.stdout.contains("deadline 2026-10-13"))
    }

    @Test("payments: a merchant without e-CNY is named; the mall still offers it (exit 0); --reading eachMerchant exits 2")
    func payments() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = try file(
            "m.csv", "merchant,cash,mobile,bank_card,ecny,face\n甲,是,是,是,否,否\n乙,是,是,是,是,是\n", in: directory)
        let targets = [
            "6.6.1-1/mobileCoverage", "6.6.2-1/cash", "6.6.2-1/mobilePayment", "6.6.2-1/bankCard", "6.6.2-1/eCny",
        ]

        let mall = try runMallaudit(["check", "payments", "--csv", csv, "--format", "json"])
        #expect(mall.status == 0, "\(mall.stderr)")
        let mallReport = try json(mall.stdout)
        #expect(mallReport["verdict"] as? String == "pass")
        let mallStatements = try #require(mallReport["statements"] as? [[String: Any]])
        #expect(mallStatements.map { $0["id"] as? String } == targets)
        let mallFindings = try #require(mallReport["findings"] as? [[String: Any]])
        #expect(mallFindings.map { $0["subject"] as? String } == ["甲"])

        let strict = try runMallaudit(["check", "payments", "--csv", csv, "--reading", "eachMerchant", "--format", "json"])
        #expect(strict.status == 2)
        let report = try json(strict.stdout)
        #expect(report["verdict"] as? String == "fail")
        let statements = try #require(report["statements"] as? [[String: Any]])
        #expect(statements.map { $0["verdict"] as? String } == ["pass", "pass", "pass", "pass", "fail"])
        #expect(statements.last?["value"] as? Double == 50)

        let refused = try runMallaudit(["check", "payments", "--csv", csv, "--reading", "somewhere"])
        #expect(refused.status == 64)
    }

    @Test("catalog: agreeing exports exit 0, a price difference exits 2")
    func catalog() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let online = try file("on.csv", "sku,category,stock,price\nA,服装,1,9.90\n", in: directory)
        let same = try file("same.csv", "sku,category,stock,price\nA,服装,1,9.9\n", in: directory)
        let other = try file("other.csv", "sku,category,stock,price\nA,服装,1,9.80\n", in: directory)
        #expect(try runMallaudit(["check", "catalog", "--online", online, "--offline", same]).status == 0)
        let result = try runMallaudit(["check", "catalog", "--online", online, "--offline", other])
        #expect(result.status == 2)
        #expect(result.stdout.contains("price 9.90 online vs 9.80 offline"))
    }

    @Test(
        "unusable input exits 1 with a message naming file, line and what was expected",
        arguments: ["missing file", "missing column", "unparseable date", "empty survey", "calendar without the year"])
    func badInput(_ kind: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var arguments: [String]
        var location: String
        var words: String
        switch kind {
        case "missing file":
            let path = directory.appendingPathComponent("nope.csv").path
            arguments = ["check", "payments", "--csv", path]
            location = path
            words = "no such file"
        case "missing column":
            let path = try file("s.csv", "id,score\n1,满意\n", in: directory)
            arguments = ["check", "satisfaction", "--csv", path]
            location = "\(path):1"
            words = "'satisfaction'"
        case "unparseable date":
            let path = try file("c.csv", "id,received,replied\nC1,2026-09-30,\nC2,30.09.2026x,\n", in: directory)
            arguments = ["check", "complaints", "--csv", path, "--as-of", "2026-11-01"]
            location = "\(path):3"
            words = "expected a date such as 2026-09-30"
        case "empty survey":
            let path = try file("e.csv", "id,satisfaction\n", in: directory)
            arguments = ["check", "satisfaction", "--csv", path]
            location = "\(path):2"
            words = "no respondent"
        default:
            let path = try file("y.csv", "id,received,replied\nC1,2027-03-01,2027-03-02\n", in: directory)
            let calendar = try file(
                "cal.yaml", "years:\n  2026:\n    holidays:\n      - {name: 国庆节, from: 2026-10-01, to: 2026-10-07}\n",
                in: directory)
            arguments = ["check", "complaints", "--csv", path, "--calendar", calendar, "--as-of", "2027-03-10"]
            location = calendar
            words = "does not cover 2027-03-02"
        }
        let result = try runMallaudit(arguments)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(location), "\(result.stderr)")
        #expect(result.stderr.contains(words), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a bad --as-of is a usage error (64) that says what is expected")
    func badAsOf() throws {
        let result = try runMallaudit(["check", "payments", "--csv", "x.csv", "--as-of", "2026-02-30"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("YYYY-MM-DD"))
        // run and probe read --as-of by the same rule: a day that does not exist is refused, not rolled over.
        for command in ["run", "probe"] {
            for day in ["2026-02-30", "2026-13-01", "10000-01-01"] {
                let refused = try runMallaudit([command, "--site", "no-such-site.yaml", "--as-of", day])
                #expect(refused.status == 64, "\(command) \(day)")
                #expect(refused.stderr.contains("--as-of '\(day)' is not a date"), "\(command) \(day): \(refused.stderr)")
            }
        }
    }

    @Test("help lists every kind")
    func help() throws {
        let result = try runMallaudit(["check", "--help"])
        #expect(result.status == 0)
        for kind in ["wifi-logs", "satisfaction", "complaints", "payments", "catalog"] {
            #expect(result.stdout.contains(kind))
        }
    }
}
