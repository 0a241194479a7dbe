import AuditModel
import Foundation
import Testing
import TestSupport

/// Issue 16: personal information stays in the mall. Marker values — a mobile number, a MAC address, an ID-card
/// number, an e-mail address — are seeded in every place they can occur (WiFi log lines, an unparseable one included;
/// CSV cells; HTTP values; SNMP strings; an inspector's note), the full audit runs against the real peers, every
/// report format is written (the PDF read back as text with pdftotext), and no marker is found unmasked in any output,
/// the database or its WAL.
@Suite("Personal data never leaves the machine by accident")
struct PersonalDataCLITests {
    static let markers = ["13812342011", "b1:cd:bc:12:34:56", "32030319900101123X", "zhang.san@example.com", "张三丰"]
    static let reportFormats = ["xml", "html", "junit", "json", "pdf", "oscal"]

    @Test("markers in logs, CSV cells, HTTP values, SNMP strings and notes reach no report, no store, no WAL")
    func markers() throws {
        let fixture = try SiteFixture("personal-data")
        defer { fixture.remove() }
        var site = SiteYAML()
        site.http = [("mall", try TestPeer.http())]
        site.snmp = [("machine_room", try TestPeer.snmpd(), 2, 1)]
        site.data = [
            ("wifi_logs", "exports/wifi-logs"), ("satisfaction", "exports/survey.csv"),
            ("complaints", "exports/complaints.csv"),
        ]
        site.findings = "findings.yaml"
        site.extraLines = ["privacy:", "  personal_columns: [访客]"]
        try fixture.writeSite(site)
        try fixture.writeProbes([
            ProbeYAML.http(
                "member-contact", statements: ["6.2.1-1/memberSystem"], system: "mall", path: "/api/member/contact",
                expect: [#"{json: "$.hotline", non_empty: true}"#, #"{json: "$.owner.*", non_empty: true}"#]),
            """
              - id: controller-contact
                statements: [5.2.5-5]
                snmp:
                  agent: machine_room
                  values:
                    - {name: contact, oid: ".1.3.6.1.4.1.32473.1.3.1.0"}
                expect:
                  - {value: contact}

            """,
            ProbeYAML.check("wifi", statements: ["5.1.2-3"], kind: "wifi-logs"),
            ProbeYAML.check("survey", statements: ["8.2.1-3"], kind: "satisfaction"),
            ProbeYAML.check("complaints", statements: ["8.1.2-2/replyWithin5WorkingDays"], kind: "complaints"),
        ])
        // WiFi logs: 70 days of real-name logins (each with a phone and a MAC), and one unreadable line.
        var log = ""
        for day in 0..<70 {
            let date = Calendar(identifier: .gregorian).date(
                byAdding: .day, value: day, to: ISO8601DateFormatter().date(from: "2026-09-01T00:00:00Z")!)!
            let text = ISO8601DateFormatter().string(from: date).prefix(10)
            log += "\(text) 09:00:00 wlc01 portal sta=b1:cd:bc:12:34:56 user=13812342011 auth-ok\n"
        }
        log += "garbled entry user=13812342011 sta=b1:cd:bc:12:34:56 id=32030319900101123X zhang.san@example.com\n"
        try fixture.write("exports/wifi-logs/portal.log", log)
        // Survey: one answer that is none of the three, holding a phone; a respondent column that names people.
        var survey = "satisfaction,访客,联系电话\n"
        for _ in 0..<17 { survey += "满意,张三丰,13812342011\n" }
        survey += "请回电 13812342011,张三丰,13812342011\n"
        try fixture.write("exports/survey.csv", survey)
        // Complaints: the id column holds the complainant's phone, the subject names them.
        try fixture.write(
            "exports/complaints.csv",
            "id,received,replied,subject,投诉人\n13812342011,2026-10-09 10:05,2026-10-30 09:30,张三丰投诉 zhang.san@example.com,张三丰\n")
        // An inspector's note with a phone, and a text evidence file with one (kept as given, warned about).
        try fixture.write("notes/call-log.txt", "回访记录\n联系人电话 13812342011\n")
        try fixture.write(
            "findings.yaml",
            """
            assessor: 测试员
            findings:
              - statement: 8.1.2-1
                verdict: fail
                note: 意见箱无人管理，顾客 13812342011（zhang.san@example.com）反映无回复
                evidence: [notes/call-log.txt]

            """)

        let outcome = try fixture.run(["--as-of", "2026-11-20"])
        #expect([2, 3].contains(outcome.status), "\(outcome.stderr)")
        // The evidence file is warned about by file and line; the value itself is never printed.
        #expect(outcome.stderr.contains("notes/call-log.txt:2: warning: evidence holds what looks like a mobileNumber"))

        var outputs: [(String, Data)] = [("run stdout", Data(outcome.stdout.utf8)), ("run stderr", Data(outcome.stderr.utf8))]
        for format in Self.reportFormats {
            let path = fixture.dir.appendingPathComponent("report.\(format)").path
            let report = try fixture.mallaudit(
                ["report", "--db", fixture.database, "--run", "latest", "--format", format, "--output", path])
            #expect(report.status == 0, "\(format): \(report.stderr)")
            let written = URL(fileURLWithPath: path)
            if format == "pdf" {
                // A PDF's text is in compressed streams: read it as a reader would, and without the line breaks and
                // spaces pdftotext puts into long values.
                let text = try ReportVerifiers.pdfPages(written).joined().filter { !$0.isWhitespace }
                #expect(text.contains("138****2011"), "the PDF shows the masked form")
                outputs.append(("report.pdf (pdftotext)", Data(text.utf8)))
            } else {
                outputs.append(("report.\(format)", try Data(contentsOf: written)))
            }
        }
        #expect(outputs.count == 2 + Self.reportFormats.count)

        // The signed bundle of the run (issue 17): every member, unpacked, holds no marker. The inspector's note file
        // holds a phone number, so it is left out of the bundle, listed with its SHA-256 and why.
        let key = fixture.dir.appendingPathComponent("inspector.key").path
        let keys = try fixture.mallaudit([
            "keys", "generate", "--algorithm", "ed25519", "--name", "测试员", "--org", "测试局", "--output", key,
            "--unencrypted",
        ])
        #expect(keys.status == 0, "\(keys.stderr)")
        let bundle = fixture.dir.appendingPathComponent("bundle.zip")
        let bundled = try fixture.mallaudit([
            "bundle", "--db", fixture.database, "--run", "latest", "--key", key, "--output", bundle.path,
            "--site", fixture.dir.appendingPathComponent("site.yaml").path,
        ])
        #expect(bundled.status == 0, "\(bundled.stderr)")
        #expect(bundled.stdout.contains("left out (listed with its SHA-256), it holds what looks like a visitor's"))
        let unpacked = fixture.dir.appendingPathComponent("bundle-unpacked")
        let unzip = try runProcess(
            URL(fileURLWithPath: "/usr/bin/python3"),
            ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", bundle.path, unpacked.path])
        #expect(unzip.status == 0, "\(unzip.stderr)")
        let members = FileManager.default.enumerator(at: unpacked, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { !$0.hasDirectoryPath } ?? []
        #expect(members.contains { $0.lastPathComponent == "report.json" })
        for member in members {
            outputs.append(("bundle member \(member.path.dropFirst(unpacked.path.count))", try Data(contentsOf: member)))
        }
        let manifest = try String(contentsOf: unpacked.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"leftOutBecause\" : \"personalData\"") || manifest.contains("\"leftOutBecause\":\"personalData\""))
        for suffix in ["", "-wal"] {
            let url = URL(fileURLWithPath: fixture.database + suffix)
            if let data = try? Data(contentsOf: url) { outputs.append(("mallaudit.sqlite\(suffix)", data)) }
        }
        #expect(outputs.contains { $0.0 == "mallaudit.sqlite" })
        for (name, data) in outputs {
            for marker in Self.markers {
                #expect(data.range(of: Data(marker.utf8)) == nil, "\(marker) unmasked in \(name)")
            }
        }

        // The masked forms still let an inspector follow a finding to its line: file, line number, masked excerpt.
        let xml = String(decoding: outputs.first { $0.0 == "report.xml" }!.1, as: UTF8.self)
        #expect(xml.contains("138****2011"))
        #expect(xml.contains("b1:cd:bc:**:**:**"))
        #expect(xml.contains("3203**********123X"))
        #expect(xml.contains("z***@example.com"))
        #expect(xml.contains("portal.log:71"), "the unreadable line is named by file and line")
        for name in ["report.json", "report.oscal"] {
            let text = String(decoding: outputs.first { $0.0 == name }!.1, as: UTF8.self)
            #expect(text.contains("138****2011") && text.contains("z***@example.com"), "\(name) shows the masked forms")
        }
    }
}
