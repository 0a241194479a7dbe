import AuditModel
import Foundation
import Testing
import TestSupport

/// The WiFi log check on the mall's clock and the survey's blank rows and exclusions, from the command line and from
/// a site profile.
@Suite("mallaudit check and run: the mall's days, blank answers, exclusions")
struct MeasuredClockCLITests {
    /// `2025-12-31T16:10:00Z` … one line a day: a controller logging in UTC.
    private func utcLog(from first: String, days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let start = formatter.date(from: first)!
        return (0..<days).map {
            formatter.string(from: start.addingTimeInterval(Double($0) * 86_400)) + "T16:10:00Z wlc01 portal auth ok"
        }.joined(separator: "\n") + "\n"
    }

    private func write(_ text: String, _ relative: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test("wifi-logs: days on the mall's clock; --time-zone and --device-time-zone change it; mistakes exit 64")
    func wifiLogClocks() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try write(utcLog(from: "2025-12-31", days: 61), "zoned/wifi.log", in: directory)
        let zoned = directory.appendingPathComponent("zoned").path
        let mall = try runMallaudit(["check", "wifi-logs", "--dir", zoned, "--as-of", "2026-03-02"])
        #expect(mall.status == 2, "\(mall.stderr)")
        #expect(mall.stdout.contains("retention = 2026-03-02 − 2026-01-01 = 60 days"), "\(mall.stdout)")
        #expect(mall.stdout.contains("days are counted on the mall's clock, Asia/Shanghai"))
        let utc = try runMallaudit([
            "check", "wifi-logs", "--dir", zoned, "--as-of", "2026-03-02", "--time-zone", "UTC",
        ])
        #expect(utc.status == 0, "\(utc.stdout)")
        // The older spelling still works: a fixed offset for the mall.
        let offset = try runMallaudit([
            "check", "wifi-logs", "--dir", zoned, "--as-of", "2026-03-02", "--utc-offset", "+08:00",
        ])
        #expect(offset.status == 2)

        // The same controller's traditional syslog: no offset, no year.
        var traditional = ""
        for day in 0..<61 {
            let date = Date(timeIntervalSince1970: 1_767_139_800 + Double(day) * 86_400)  // 2025-12-31T00:10:00Z
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "MMM d"
            let text = formatter.string(from: date)
            let parts = text.split(separator: " ")
            traditional += "\(parts[0]) \(parts[1].count == 1 ? " " : "")\(parts[1]) 16:10:00 wlc01 portal[311]: ok\n"
        }
        _ = try write(traditional, "plain/messages", in: directory)
        let plain = directory.appendingPathComponent("plain").path
        let assumed = try runMallaudit([
            "check", "wifi-logs", "--dir", plain, "--as-of", "2026-03-02", "--format", "json",
        ])
        #expect(assumed.status == 0, "\(assumed.stdout)")
        #expect(assumed.stdout.contains("Asia/Shanghai (the mall's; no device time zone set)"))
        let device = try runMallaudit([
            "check", "wifi-logs", "--dir", plain, "--as-of", "2026-03-02", "--device-time-zone", "UTC",
            "--year-rule", "as-of",
        ])
        #expect(device.status == 2, "\(device.stdout)")
        #expect(device.stdout.contains("read on the device's clock, UTC (as set)"))

        for (option, value, words) in [
            ("--time-zone", "Asia/Xuzhou", "--time-zone 'Asia/Xuzhou' is not an IANA time zone name"),
            ("--device-time-zone", "+25:00", "'+25:00' is not a UTC offset"),
            ("--year-rule", "last", "--year-rule 'last' is not a year rule (expected as-of, file-mtime or a year"),
            ("--time-field", "", "--time-field is empty"),
        ] {
            let refused = try runMallaudit(["check", "wifi-logs", "--dir", plain, option, value])
            #expect(refused.status == 64, "\(option) \(value): a malformed option is a usage error")
            #expect(refused.stderr.contains(words), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)
        }
    }

    @Test("satisfaction: blank rows of a one-column export count; --exclude LINE:REASON takes an answer out, listed")
    func satisfactionBlanksAndExclusions() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Lines: 1 header; 2–6 满意; 7 empty; 8–12 满意; 13 empty; 14–18 满意; 19 empty; 20 满意; 21 不满意; 22 empty.
        let rows =
            Array(repeating: "满意", count: 5) + [""] + Array(repeating: "满意", count: 5) + [""]
            + Array(repeating: "满意", count: 5) + [""] + ["满意", "不满意", ""]
        let csv = try write((["满意度"] + rows).joined(separator: "\n") + "\n", "survey.csv", in: directory)
        let fail = try runMallaudit([
            "check", "satisfaction", "--csv", csv, "--as-of", "2026-11-20", "--format", "json",
        ])
        #expect(fail.status == 2, "\(fail.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(fail.stdout.utf8)) as? [String: Any])
        #expect(report["value"] as? Double == 80)
        #expect(report["sample"] as? Int == 20)

        // The evaluator declares the three empty questionnaires and the dissatisfied one invalid: 16 / 16.
        let excluded = try runMallaudit([
            "check", "satisfaction", "--csv", csv, "--as-of", "2026-11-20", "--exclude", "7:空白问卷",
            "--exclude", "13:空白问卷", "--exclude", "19: 空白问卷", "--exclude", "21:问卷重复填写",
        ])
        #expect(excluded.status == 0, "\(excluded.stdout)\(excluded.stderr)")
        #expect(excluded.stdout.contains("excludedAnswer: respondent at line 21 — excluded by the evaluator: 问卷重复填写"))
        #expect(excluded.stdout.contains("  line 19: 空白问卷 (declared at --exclude)"))

        let header = try runMallaudit(["check", "satisfaction", "--csv", csv, "--exclude", "1:表头"])
        #expect(header.status == 1)
        #expect(header.stderr.contains("\(csv):1"), "\(header.stderr)")
        #expect(header.stderr.contains("is not a respondent's row"))
        let malformed = try runMallaudit(["check", "satisfaction", "--csv", csv, "--exclude", "21"])
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("--exclude '21' is not LINE:REASON"))
    }

    @Test("a site profile's mall.time_zone, data.wifi_logs_time_zone and data.satisfaction_excluded reach the audit")
    func profileKeys() throws {
        let directory = try temporaryDirectory("e2e-clock")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try write(utcLog(from: "2025-12-31", days: 61), "exports/wifi/wifi.log", in: directory)
        _ = try write(
            (["satisfaction"] + Array(repeating: "满意", count: 17) + ["", "不满意", "不满意", "不满意"])
                .joined(separator: "\n") + "\n", "exports/survey.csv", in: directory)
        _ = try write(
            ProbeYAML.file([
                ProbeYAML.check("wifi", statements: ["5.1.2-3"], kind: "wifi-logs"),
                ProbeYAML.check("survey", statements: ["8.2.1-3"], kind: "satisfaction"),
            ]), "probes/probes.yaml", in: directory)
        func run(timeZone: String?, excluded: String?) throws -> RunSummary {
            var site = SiteYAML()
            if let timeZone { site.basementLine += "\n  time_zone: \(timeZone)" }
            site.data = [("wifi_logs", "exports/wifi"), ("satisfaction", "exports/survey.csv")]
            if let excluded { site.data.append(("satisfaction_excluded", excluded)) }
            let sitePath = try write(site.text, "site.yaml", in: directory)
            let database = directory.appendingPathComponent("audit-\(UUID().uuidString).sqlite").path
            let outcome = try runMallaudit(
                ["run", "--site", sitePath, "--db", database, "--as-of", "2026-03-02", "--format", "json"],
                currentDirectory: directory)
            #expect(outcome.status != 1, "\(outcome.stderr)")
            return try SiteFixture.summary(outcome)
        }
        let defaults = try run(timeZone: nil, excluded: nil)
        let wifi = try #require(defaults.result("5.1.2-3"))
        #expect(wifi.verdict == .fail)
        #expect(wifi.measurement?.value == 60)
        #expect(wifi.observations.contains(Observation(name: "mallTimeZone", value: "Asia/Shanghai")))
        // 17 satisfied of 21 rows (one blank): 80.95 % → fail.
        let survey = try #require(defaults.result("8.2.1-3"))
        #expect(survey.verdict == .fail)
        #expect(survey.measurement?.sample == 21)

        let set = try run(timeZone: "UTC", excluded: "[{line: 19, reason: 问卷未作答}]")
        #expect(set.result("5.1.2-3")?.verdict == .pass)
        #expect(set.result("5.1.2-3")?.measurement?.value == 61)
        let excluded = try #require(set.result("8.2.1-3"))
        #expect(excluded.verdict == .pass)
        #expect(excluded.measurement?.value == 85)
        #expect(excluded.observations.contains(Observation(name: "excludedAnswers", value: "line 19: 问卷未作答")))
        #expect(
            excluded.observations.contains {
                $0.name == "excludedAnswer"
                    && $0.value.hasPrefix("respondent at line 19: excluded by the evaluator: 问卷未作答")
            })
    }

    @Test("the demo's WiFi logs measure the retention its generator states (45 days from 2026-10-06), and fail")
    func demoRetentionAgreesWithGenerator() throws {
        let demo = repositoryRoot().appendingPathComponent("examples/demo-mall")
        let generator = try String(
            contentsOf: demo.appendingPathComponent("generate-data.py"), encoding: .utf8)
        #expect(generator.contains("retention = 2026-11-20 - 2026-10-06 = 45 days"))
        let result = try runMallaudit([
            "check", "wifi-logs", "--dir", demo.appendingPathComponent("exports/wifi-logs").path, "--as-of",
            "2026-11-20", "--format", "json",
        ])
        #expect(result.status == 2, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["value"] as? Double == 45)
        #expect(report["sample"] as? Int == 46)
        #expect(result.stdout.contains("retention = 2026-11-20 − 2026-10-06 = 45 days"))
    }
}
