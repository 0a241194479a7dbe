import AuditModel
import AuditSupport
import Foundation
import Testing
import TestSupport

@testable import AuditReports

private let attack = "<script>alert(1)</script>\"; } body { display: none } </style>"

@Suite("JSON and OSCAL reports")
struct JSONAndOSCALTests {
    @Test("the JSON report matches its golden file and validates against reports/report.schema.json (jsonschema)")
    func jsonGoldenAndSchema() throws {
        let data = try JSONReportWriter().write(Fixture.report())
        let mismatch = try goldenMismatch(data, name: "report.json")
        #expect(mismatch == nil, "\(mismatch ?? "")")
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.json")
        try data.write(to: file)
        let schema = Fixture.root.appendingPathComponent("reports/report.schema.json")
        #expect(try ReportVerifiers.jsonSchemaProblems(document: file, schema: schema) == [])

        // The schema is not a rubber stamp: a verdict it does not know, a short digest, a missing field are refused.
        let text = String(decoding: data, as: UTF8.self)
        for (tamper, replacement) in [
            ("\"verdict\" : \"error\"", "\"verdict\" : \"maybe\""),
            ("\"sha256\" : \"\(Fixture.photoSHA)\"", "\"sha256\" : \"abc\""),
            ("\"conformance\" : \"nonConformant\",", ""),
        ] {
            #expect(text.contains(tamper), "the golden has \(tamper)")
            let bad = directory.appendingPathComponent("bad.json")
            try Data(text.replacingOccurrences(of: tamper, with: replacement).utf8).write(to: bad)
            #expect(try !ReportVerifiers.jsonSchemaProblems(document: bad, schema: schema).isEmpty, "\(tamper)")
        }
    }

    @Test("the JSON report says what the XML report says: run, summary, every statement, checkpoint and file")
    func jsonSameAsXML() throws {
        var report = Fixture.report()
        report.run.scope = ["5.1", "8.2.1-3"]
        let json = try JSONSerialization.jsonObject(with: try JSONReportWriter().write(report)) as! [String: Any]
        let reading = try XMLReportReader.read(try Fixture.xmlWriter().write(report), name: "report.xml")
        let run = json["run"] as! [String: Any]
        #expect(run["id"] as? String == reading.runID)
        #expect((run["mall"] as! [String: Any])["creditCode"] as? String == reading.mall.creditCode)
        #expect((run["checklist"] as! [String: Any])["digest"] as? String == reading.checklistDigest)
        #expect(run["scope"] as? [String] == ["5.1", "8.2.1-3"])
        #expect(run["asOf"] as? String == "2026-11-20")
        #expect((run["method"] as? [[String: Any]])?.count == report.run.settings?.entries.count)
        let summary = json["summary"] as! [String: Any]
        #expect(summary["conformance"] as? String == reading.conformance)
        for counts in summary["counts"] as! [[String: Any]] {
            let scope = counts["scope"] as! String
            let xml = try #require(reading.counts[scope])
            #expect(counts["pass"] as? Int == xml.pass && counts["fail"] as? Int == xml.fail, "\(scope)")
            #expect(counts["total"] as? Int == xml.total && counts["notAssessed"] as? Int == xml.notAssessed)
        }
        let adoption = summary["shouldAdoption"] as! [String: Any]
        #expect(adoption["pass"] as? Int == reading.shouldAdoption.pass)
        #expect(adoption["applicable"] as? Int == reading.shouldAdoption.applicable)
        #expect(adoption["assessed"] as? Int == report.scorecard.shouldAssessed)
        var statements: [String: [String: Any]] = [:]
        for chapter in json["chapters"] as! [[String: Any]] {
            for clause in chapter["clauses"] as! [[String: Any]] {
                #expect(clause["verdict"] as? String == reading.clauseVerdicts[clause["id"] as! String]?.rawValue)
                for statement in clause["statements"] as! [[String: Any]] {
                    statements[statement["id"] as! String] = statement
                }
            }
        }
        #expect(statements.count == reading.statements.count)
        for statement in reading.statements {
            let entry = try #require(statements[statement.id])
            #expect(entry["verdict"] as? String == statement.verdict.rawValue, "\(statement.id)")
            #expect(entry["modality"] as? String == statement.modality.rawValue)
            let own = (entry["evidence"] as! [[String: Any]]).map { $0["sha256"] as! String }
            let checkpoints = (entry["checkpoints"] as! [[String: Any]]).flatMap { checkpoint -> [String] in
                (checkpoint["evidence"] as! [[String: Any]]).map { $0["sha256"] as! String }
            }
            #expect(own + checkpoints == statement.evidence, "\(statement.id)")
        }
        let measured = try #require(statements["5.1.2-3"]?["measurement"] as? [String: Any])
        #expect(measured["value"] as? Double == 45 && measured["margin"] as? Double == -15)
    }

    @Test("JSON: mall text is data, deterministic bytes, a value that is not finite is a string")
    func jsonEdges() throws {
        var results = Fixture.results()
        results[0].reason = attack
        results[0].observations.append(Observation(name: attack, value: "\u{1}"))
        results[2].measurement = Measurement(value: .nan, threshold: Fixture.retention, unit: "day", sample: nil)
        let report = Fixture.report(mallName: attack, results: results)
        let data = try JSONReportWriter().write(report)
        #expect(data == (try JSONReportWriter().write(Fixture.report(mallName: attack, results: results.reversed()))))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(((json["run"] as! [String: Any])["mall"] as! [String: Any])["name"] as? String == attack)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"value\" : \"NaN\""))
        #expect(text.contains("\\u0001"))
    }

    @Test("the OSCAL export passes `trestle validate` (compliance-trestle, OSCAL 1.1) and matches its golden file")
    func oscalTrestle() throws {
        let data = try OSCALReportWriter().write(Fixture.report())
        let mismatch = try goldenMismatch(data, name: "report.oscal.json")
        #expect(mismatch == nil, "\(mismatch ?? "")")
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("assessment-results.json")
        try data.write(to: file)
        let verdict = try ReportVerifiers.trestleValidate(file)
        #expect(verdict.valid, "\(verdict.output)")

        // trestle is not a rubber stamp: an observation without methods, a bad state are refused.
        let text = String(decoding: data, as: UTF8.self)
        for (tamper, replacement) in [
            ("\"state\" : \"not-satisfied\"", "\"state\" : \"maybe\""), ("\"methods\" : [", "\"method\" : ["),
        ] {
            #expect(text.contains(tamper))
            try Data(text.replacingOccurrences(of: tamper, with: replacement).utf8).write(to: file)
            #expect(try !ReportVerifiers.trestleValidate(file).valid, "\(tamper)")
        }
    }

    @Test("OSCAL: one result, findings per statement and checkpoint, methods by source, evidence hashed, parties")
    func oscalMapping() throws {
        let data = try OSCALReportWriter().write(Fixture.report())
        #expect(data == (try OSCALReportWriter().write(Fixture.report())), "same run, same bytes (v5 UUIDs)")
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let document = root["assessment-results"] as! [String: Any]
        let metadata = document["metadata"] as! [String: Any]
        #expect(metadata["oscal-version"] as? String == "1.1.2")
        let parties = metadata["parties"] as! [[String: Any]]
        #expect(parties.contains { $0["type"] as? String == "person" && $0["name"] as? String == "王工" })
        #expect(parties.contains { $0["type"] as? String == "organization" && $0["name"] as? String == "徐州云龙万达广场" })
        let responsible = metadata["responsible-parties"] as! [[String: Any]]
        #expect(responsible.contains { $0["role-id"] as? String == "assessor" })
        let results = document["results"] as! [[String: Any]]
        #expect(results.count == 1)
        let result = results[0]
        #expect(result["start"] as? String == "2026-11-20T09:00:00Z")
        let selections = (result["reviewed-controls"] as! [String: Any])["control-selections"] as! [[String: Any]]
        let controls = selections[0]["include-controls"] as! [[String: Any]]
        #expect(controls.map { $0["control-id"] as! String } == Fixture.checklist().clauses.map { "mds-" + $0.id })
        let findings = result["findings"] as! [[String: Any]]
        #expect(findings.count == Fixture.checklist().statements.count, "one per statement (the fixture has no checkpoints)")
        func state(_ id: String) -> (String?, String?, String?) {
            let target = findings.first { ($0["target"] as! [String: Any])["target-id"] as? String == "mds-" + id }
                .map { $0["target"] as! [String: Any] }
            let status = target?["status"] as? [String: Any]
            return (
                status?["state"] as? String, status?["reason"] as? String,
                (target?["implementation-status"] as? [String: Any])?["state"] as? String
            )
        }
        #expect(state("5.1.1-1") == ("satisfied", "pass", nil))
        #expect(state("5.1.2-3") == ("not-satisfied", "fail", nil))
        #expect(state("8.1.2-2") == ("not-satisfied", "other", nil), "error is never satisfied")
        #expect(state("8.2.1-1") == ("not-satisfied", "other", nil), "not assessed is never satisfied")
        #expect(state("5.2.5-2") == ("satisfied", "other", "not-applicable"))
        let observations = result["observations"] as! [[String: Any]]
        func methods(_ id: String) -> [String] {
            observations.first { ($0["title"] as! String).hasPrefix(id + ":") }?["methods"] as? [String] ?? []
        }
        #expect(methods("5.1.1-1") == ["TEST"], "a probe tests")
        #expect(methods("5.1.2-3") == ["EXAMINE"], "a data check examines exports")
        #expect(methods("5.1.1-2") == ["EXAMINE"], "an inspector's finding by inspection examines")
        // Evidence: each file a back-matter resource with its SHA-256, referenced from its observation.
        let resources = (document["back-matter"] as! [String: Any])["resources"] as! [[String: Any]]
        let photo = try #require(resources.first { $0["title"] as? String == "B2-5G-测试截图.png" })
        let link = (photo["rlinks"] as! [[String: Any]])[0]
        #expect((link["hashes"] as! [[String: Any]])[0]["value"] as? String == Fixture.photoSHA)
        let evidence = observations.first { ($0["title"] as! String).hasPrefix("5.1.1-2:") }?["relevant-evidence"]
            as? [[String: Any]]
        #expect(evidence?.first?["href"] as? String == "#" + (photo["uuid"] as! String))
        #expect((document["import-ap"] as! [String: Any])["href"] as? String != nil)
    }

    @Test("name-based UUIDs are RFC 9562 version 5 (the value Python's uuid.uuid5 gives)")
    func uuid5() {
        #expect(
            NameBasedUUID.v5(namespace: NameBasedUUID.urlNamespace, name: "https://example.org/x")
                == "fdb420ba-c7a0-5bc0-b348-39fd508cc82c")
    }
}

@Suite("Printed report")
struct PrintedReportTests {
    @Test("a card explains the combination of evidence: an inspector's pass beside a failed check, and the fail stands")
    func explanation() throws {
        let zh = try Fixture.htmlWriter().write(Fixture.report())
        #expect(zh.contains("证据：数据检查 wifi-logs：不通过；人工核查 李检查员：通过；取其中最差者"))
        #expect(zh.contains("检查员的“通过”不能推翻数据检查 wifi-logs：不通过的结论"))
        let en = try Fixture.htmlWriter().write(Fixture.report(), language: .en)
        #expect(en.contains("The inspector&#39;s pass cannot override data check wifi-logs: fail"))
    }

    @Test("shall statements not assessed are one compact table, not cards; failing and unchecked ones are cards")
    func unassessedTable() throws {
        let results = Fixture.results().filter { $0.statementID != "5.2.5-4" }
        let html = try Fixture.htmlWriter().write(Fixture.report(results: results))
        #expect(html.contains("<table class=\"unassessed\">"))
        #expect(html.contains("<tr id=\"u-5.2.5-4\">"))
        #expect(!html.contains("id=\"s-5.2.5-4\""), "no card for a statement nothing assessed")
        #expect(html.contains("id=\"s-5.1.2-3\"") && html.contains("id=\"s-8.1.2-2\""), "fail and error have cards")
        #expect(html.contains("尚未评估的“应/严禁”条款 (1)"))
    }

    @Test("times in the mall's zone, with the zone; the judgement date, scope and versions in the header")
    func header() throws {
        var report = Fixture.report()
        report.run.scope = ["5.1"]
        let html = try Fixture.htmlWriter().write(report)
        #expect(html.contains("<dt>开始时间</dt><dd class=\"mono\">2026-11-20 17:00:00</dd>"))
        #expect(html.contains("<dt>结束时间</dt><dd class=\"mono\">2026-11-20 17:08:30</dd>"))
        #expect(html.contains("<dt>时区</dt><dd>Asia/Shanghai (+08:00)</dd>"))
        #expect(html.contains("<dt>判定基准日</dt><dd class=\"mono\">2026-11-20</dd>"))
        #expect(html.contains("<dt>评估范围</dt><dd>仅 5.1（10 条语句中的 3 条，mallaudit run --only）</dd>"))
        #expect(html.contains("本次评估只评估了部分条款（--only）"))
        #expect(html.contains("不在本次评估范围内（--only 5.1）"), "a statement outside the scope says so")
        #expect(!html.contains("2026-11-20T09:00:00Z"), "no UTC time shown to people")
        let xml = String(decoding: try Fixture.xmlWriter().write(report), as: UTF8.self)
        #expect(xml.contains("<scope>\n      <id>5.1</id>\n    </scope>"))
        #expect(xml.contains("<startedAt>2026-11-20T09:00:00Z</startedAt>"), "stored and exchanged as UTC")
    }

    @Test("the running header is a CSS string: nothing in a mall's name ends it or the style element")
    func cssString() throws {
        #expect(HTMLReportView.cssString("星河 Plaza 1") == "\"星河 Plaza 1\"")
        #expect(HTMLReportView.cssString("a\"b</style>\\\n") == "\"a\\000022b\\00003C\\00002Fstyle\\00003E\\00005C\\00000A\"")
        let html = try Fixture.htmlWriter().write(Fixture.report(mallName: attack))
        let style = html.components(separatedBy: "</style>")[0]
        #expect(!style.contains("<script"), "the name cannot leave its string")
        let header = try #require(style.components(separatedBy: "@top-left { content: ").dropFirst().first)
        #expect(
            header.hasPrefix(String(HTMLReportView.cssString(attack).dropLast()) + " \u{00B7} "),
            "the whole name inside one string, the rule goes on after it")
        #expect(html.components(separatedBy: "</style>").count == 2, "one style element, closed once")
    }

    @Test("the Chinese report has no English prose; the English one names the same things in English")
    func oneLanguage() throws {
        let zh = ReportVerifiers.htmlText(try Fixture.htmlWriter().write(Fixture.report()))
        #expect(LatinProse.runs(in: zh, allowing: ["Specification for digital services of shopping malls"]) == [])
        let en = try Fixture.htmlWriter().write(Fixture.report(), language: .en)
        #expect(en.contains("Judgement date") && en.contains("2026-11-20 17:00:00"))
    }

    @Test("printed to PDF by headless Chromium: A4, page x / y and the mall's name on every page, fonts embedded")
    func pdf() throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = directory.appendingPathComponent("report.pdf")
        let html = try Fixture.htmlWriter().write(Fixture.report())
        try PDFRenderer().render(html: html, to: pdf)
        let info = try ReportVerifiers.pdfInfo(pdf)
        #expect(info["Page size"]?.contains("(A4)") == true, "\(info)")
        let pages = try ReportVerifiers.pdfPages(pdf)
        #expect(pages.count == Int(info["Pages"] ?? ""))
        #expect(pages.count >= 2)
        // pdftotext drops the spaces between Chinese and digits: compare without white space.
        for (index, page) in pages.map({ $0.filter { !$0.isWhitespace } }).enumerated() {
            #expect(page.contains("徐州云龙万达广场"), "mall's name on page \(index + 1)")
            #expect(page.contains("第\(index + 1)页/共\(pages.count)页"), "page number on page \(index + 1)")
            #expect(page.contains("判定基准日2026-11-20"), "judgement date on page \(index + 1)")
        }
        let fonts = try ReportVerifiers.pdfFonts(pdf)
        #expect(!fonts.isEmpty && fonts.allSatisfy(\.embedded), "\(fonts)")
        #expect(!String(decoding: try Data(contentsOf: pdf), as: UTF8.self).contains(directory.path))
    }

    @Test("a Chromium that fails is an error naming what happened, never an empty PDF")
    func pdfFailure() throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = directory.appendingPathComponent("report.pdf")
        #expect(throws: DiagnosticsError.self) {
            try PDFRenderer(executable: "/bin/false").render(html: "<p>x</p>", to: pdf)
        }
        #expect(!FileManager.default.fileExists(atPath: pdf.path))
        #expect(throws: DiagnosticsError.self) {
            try PDFRenderer(environment: ["PATH": directory.path]).render(html: "<p>x</p>", to: pdf)
        }
    }

    @Test("a PDF is stamped with the run's end, not the printing time: two printings of a report are the same bytes")
    func stampedPDF() throws {
        // Only the digits after the two date keys change; anything else that looks alike is left alone.
        let raw = Data(
            ("%PDF-1.4\n/CreationDate (D:20261206090250+00'00')\n/ModDate (D:20261206090251+00'00')>>\n"
                + "/CreationDate (D:notdigits12345+00'00')\n").utf8)
        let stamped = PDFRenderer.stamping(raw, at: Date(timeIntervalSince1970: 1_795_161_600))  // 2026-11-20T08:00:00Z
        #expect(
            String(decoding: stamped, as: UTF8.self)
                == "%PDF-1.4\n/CreationDate (D:20261120080000+00'00')\n/ModDate (D:20261120080000+00'00')>>\n"
                + "/CreationDate (D:notdigits12345+00'00')\n")
        #expect(stamped.count == raw.count)
        // A date cut short at the end of the file is left as it is (and nothing is read past the end).
        let cut = Data("%PDF-1.4\n/ModDate (D:2026".utf8)
        #expect(PDFRenderer.stamping(cut, at: Date(timeIntervalSince1970: 0)) == cut)

        var report = Fixture.report()
        report.run.endedAt = "2026-11-20T08:00:00Z"
        let first = try PDFRenderer().render(report)
        Thread.sleep(forTimeInterval: 1.1)  // a second later: Chromium's own stamp would differ
        let second = try PDFRenderer().render(report)
        #expect(first == second)
        #expect(first.range(of: Data("/CreationDate (D:20261120080000".utf8)) != nil)
    }
}
