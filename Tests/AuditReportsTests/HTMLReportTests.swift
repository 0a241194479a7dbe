import AuditModel
import AuditTestKit
import Foundation
import Testing

@testable import AuditReports

private let attack = "<script>alert(1)</script>"
private let escapedAttack = "&lt;script&gt;alert(1)&lt;/script&gt;"

@Suite("HTML report")
struct HTMLReportTests {
    @Test("matches the golden files in Chinese and English", arguments: [Language.zh, .en])
    func golden(language: Language) throws {
        let html = try Fixture.htmlWriter().write(Fixture.report(), language: language)
        let mismatch = try goldenMismatch(Data(html.utf8), name: "report.\(language.rawValue).html")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test("is deterministic", arguments: [Language.zh, .en])
    func deterministic(language: Language) throws {
        let writer = try Fixture.htmlWriter()
        let first = try writer.write(Fixture.report(), language: language)
        #expect(first == (try writer.write(Fixture.report(results: Fixture.results().reversed()), language: language)))
    }

    @Test("Chinese by default, English on request")
    func languages() throws {
        let writer = try Fixture.htmlWriter()
        let zh = try writer.write(Fixture.report())
        #expect(zh.contains("<html lang=\"zh-CN\">"))
        #expect(zh.contains("符合性评估报告"))
        #expect(zh.contains("逐条结果"))
        #expect(zh.contains("签字与盖章"))
        #expect(!zh.contains("Conformance report"))
        let en = try writer.write(Fixture.report(), language: .en)
        #expect(en.contains("<html lang=\"en\">"))
        #expect(en.contains("Conformance report"))
        #expect(en.contains("Non-conformant"))
        #expect(en.contains("Signature and seal"))
        #expect(!en.contains("符合性评估报告"))
        // English keeps the standard's Chinese text beside the translation.
        #expect(en.contains("日志留存时间应大于60日"))
    }

    @Test("the label tables have the same keys in both languages")
    func labelTables() {
        #expect(Set(HTMLLabels.zh.keys) == Set(HTMLLabels.en.keys))
        #expect(HTMLLabels.zh.values.allSatisfy { !$0.isEmpty })
    }

    @Test(
        "the badge shows the conformance",
        arguments: [
            ("nonConformant", "不符合", "Non-conformant"),
            ("conformant", "符合", "Conformant"),
            ("incomplete", "未完成", "Incomplete"),
        ])
    func badge(state: String, zh: String, en: String) throws {
        var results = Fixture.results()
        switch state {
        case "conformant":
            results = results.map { result in
                var result = result
                if result.verdict == .fail || result.verdict == .error { result.verdict = .pass }
                return result
            }
        case "incomplete":
            results = results.map { result in
                var result = result
                if result.verdict == .fail { result.verdict = .pass }
                return result
            }
        default: break
        }
        let report = Fixture.report(results: results)
        #expect(report.scorecard.conformance.rawValue == state)
        let writer = try Fixture.htmlWriter()
        let html = try writer.write(report)
        #expect(html.contains("<div class=\"badge \(state)\" role=\"status\">"))
        #expect(html.contains("<span class=\"badge-text\">\(zh)</span>"))
        #expect(try writer.write(report, language: .en).contains("<span class=\"badge-text\">\(en)</span>"))
    }

    @Test(
        "first screen: badge, counts and chart come before the failing shall statements, which come before the clauses")
    func order() throws {
        let html = try Fixture.htmlWriter().write(Fixture.report())
        let badge = try #require(html.range(of: "class=\"badge "))
        let counts = try #require(html.range(of: "<table class=\"counts\">"))
        let chart = try #require(html.range(of: "<svg class=\"chart\""))
        let failing = try #require(html.range(of: "<section class=\"failing\">"))
        let clauses = try #require(html.range(of: "<section class=\"clauses\">"))
        let decisions = try #require(html.range(of: "<section class=\"decisions\">"))
        let formula = try #require(html.range(of: "<p class=\"formula\">"))
        let signature = try #require(html.range(of: "评估人签字"))
        #expect(badge.lowerBound < counts.lowerBound)
        #expect(counts.lowerBound < chart.lowerBound)
        #expect(chart.lowerBound < failing.lowerBound)
        #expect(failing.lowerBound < clauses.lowerBound)
        #expect(clauses.lowerBound < decisions.lowerBound)
        #expect(decisions.lowerBound < formula.lowerBound)
        #expect(formula.lowerBound < signature.lowerBound)
        // The failing shall statement is in the failing section; the failing should statement is not.
        let failingSection = String(html[failing.lowerBound..<clauses.lowerBound])
        #expect(failingSection.contains("id=\"s-5.1.2-3\""))
        #expect(!failingSection.contains("id=\"s-5.1.1-2\""))
        // The error shall statement is not yet settled: it has its card there too; a passing one has not.
        #expect(failingSection.contains("id=\"s-8.1.2-2\""))
        #expect(failingSection.contains("最早的日志为 45 天前"))
        #expect(!failingSection.contains("id=\"s-5.1.2-1\""))
    }

    @Test("the clause list has one row per statement; statements that did not pass link to their card")
    func rows() throws {
        let report = Fixture.report()
        let html = try Fixture.htmlWriter().write(report)
        let clauses = try #require(html.range(of: "<section class=\"clauses\">"))
        let list = String(html[clauses.lowerBound...])
        for entry in report.chapters.flatMap({ $0.clauses.flatMap(\.statements) }) {
            let id = entry.statement.id
            // A row whose statement has a card says so (in print it leaves the card's details to the card).
            let rowClass = "v-\(entry.result.verdict.rawValue)" + (HTMLReportView.hasCard(entry) ? " has-card" : "")
            #expect(list.contains("<tr class=\"\(rowClass)\" id=\"r-\(id)\">"), "row of \(id)")
            let linked = list.contains("href=\"#s-\(id)\"")
            #expect(linked == HTMLReportView.hasCard(entry), "link to the card of \(id)")
            #expect(linked == html.contains("id=\"s-\(id)\""), "a link only where there is a card: \(id)")
        }
        #expect(!list.contains("<div class=\"statement "), "no card in the clause list")
        #expect(html.components(separatedBy: "<div class=\"statement ").count - 1 == 2, "1 failing shall, 1 shall in error")
    }

    @Test("every clause and statement of the checklist appears with its result")
    func everyClause() throws {
        let html = try Fixture.htmlWriter().write(Fixture.report())
        for clause in Fixture.checklist().clauses {
            #expect(html.contains("id=\"c-\(clause.id)\""), "clause \(clause.id)")
            #expect(html.contains(clause.text.zh))
        }
        for statement in Fixture.checklist().statements {
            #expect(html.contains("<span class=\"id\">\(statement.id)</span>"), "statement \(statement.id)")
        }
        #expect(html.contains("“大于60日”按严格大于理解。"), "clause notes are shown")
        #expect(html.contains("本次评估未记录该条款的结果"), "a statement without a result says so, in Chinese")
        let english = try Fixture.htmlWriter().write(Fixture.report(), language: .en)
        #expect(english.contains(AuditReport.noResultReason))
    }

    @Test("counts by verdict and modality add up")
    func countsTable() throws {
        let html = try Fixture.htmlWriter().write(Fixture.report())
        // Total row: pass 4, fail 2, error 1, not assessed 2, not applicable 1; 10 statements, 9 applicable.
        #expect(
            html.contains(
                "<tr class=\"total\"><td>合计</td><td class=\"n\">4</td><td class=\"n\">2</td><td class=\"n\">1</td>"
                    + "<td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">10</td><td class=\"n\">9</td></tr>"))
        #expect(html.contains("<tr><td>严禁/不应</td>"))
        // Should adoption over the should statements assessed (5.1.1-2 failed: 0 of 1), beside how many were.
        #expect(html.contains("&quot;宜&quot;条款采纳率 = 通过 0 / 已评估 1 = 0.0 %（适用 1 条，已评估 1 条）"))
        #expect(html.contains(Fixture.report().scorecard.formula(.zh).replacingOccurrences(of: "\"", with: "&quot;")))
    }

    @Test("evidence shows its name and short SHA-256, the full digest on hover")
    func evidence() throws {
        let html = try Fixture.htmlWriter().write(Fixture.report())
        #expect(html.contains("<span class=\"evidence-name\">B2-5G-测试截图.png</span>"))
        #expect(html.contains("title=\"SHA-256 \(Fixture.photoSHA)\">sha256:\(Fixture.photoSHA.prefix(12))…</span>"))
        #expect(html.contains("商场无地下二、三层，机房位于地面一层"), "N/A justification")
        #expect(html.contains("王工（评估组长）"), "who decided")
    }

    @Test("control bytes from a device become U+FFFD in the HTML, as in the XML report")
    func controlBytes() throws {
        var results = Fixture.results()
        results[0].reason = "sensor said \u{1B}[31m\u{0}\u{7}<b>"
        let html = try Fixture.htmlWriter().write(Fixture.report(mallName: "星河\u{1}广场", results: results))
        #expect(html.contains("星河\u{FFFD}广场"))
        #expect(html.contains("sensor said \u{FFFD}[31m\u{FFFD}\u{FFFD}&lt;b&gt;"))
        #expect(!html.unicodeScalars.contains { $0.value < 0x20 && ![0x9, 0xA, 0xD].contains($0.value) })
        #expect(ReportHTMLEscaping.escape("plain 中文 \t\n") == "plain 中文 \t\n")
    }

    @Test("mall data is escaped everywhere and never appears raw")
    func escaping() throws {
        var results = Fixture.results()
        for index in results.indices {
            results[index].reason = attack
            results[index].producer = attack
            results[index].observations.append(Observation(name: attack, value: attack))
            results[index].evidence.append(
                EvidenceRef(
                    name: attack, sha256: Fixture.logSHA, size: 1, collectedBy: attack, collectedAt: attack,
                    description: attack))
        }
        let decision = NotApplicableDecision(
            statementID: "5.2.5-2", justification: attack, decidedBy: attack, decidedAt: attack)
        results = results.map { result in
            var result = result
            if result.statementID == "5.2.5-2" { result.notApplicable = decision }
            return result
        }
        var report = Fixture.report(mallName: attack, results: results)
        report.run.assessor = attack
        report.run.mall.address = attack
        report.run.mall.creditCode = attack
        report.run.runID = attack
        report.run.toolVersion = attack
        for language in Language.allCases {
            let html = try Fixture.htmlWriter().write(report, language: language)
            #expect(!html.contains(attack), "raw mall data in the \(language) report")
            #expect(!html.lowercased().contains("<script"), "no script element at all")
            #expect(html.contains("<p class=\"mall-name\">\(escapedAttack)</p>"))
            #expect(html.contains("<span class=\"evidence-name\">\(escapedAttack)</span>"))
            #expect(html.contains("<li>\(escapedAttack) = <code>\(escapedAttack)</code></li>"), "observation")
            #expect(html.components(separatedBy: escapedAttack).count > 60, "every field is shown, escaped")
        }
    }

    @Test("attribute-breaking quotes in mall data are escaped too")
    func quotes() throws {
        let name = "\" onmouseover=\"alert(1)"
        var results = Fixture.results()
        results[1].evidence[0].name = name
        let html = try Fixture.htmlWriter().write(Fixture.report(mallName: name, results: results))
        #expect(!html.contains(name))
        #expect(html.contains("&quot; onmouseover=&quot;alert(1)"))
    }

    @Test("one self-contained file: no external resource, no script")
    func selfContained() throws {
        let html = try Fixture.htmlWriter().write(Fixture.report()).lowercased()
        for forbidden in [
            "<script", "<link", "src=", "@import", "url(", "@font-face", "href=\"http", "<img", "<iframe",
        ] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.contains("<style>"))
        #expect(html.contains("<svg class=\"chart\""))
    }

    @Test("prints on A4 without breaking rows or statements")
    func printCSS() throws {
        let html = try Fixture.htmlWriter().write(Fixture.report())
        #expect(html.contains("@page { size: A4; margin: 15mm 11mm 13mm 11mm;"))
        #expect(html.contains("tr, .statement, .signature, .decision, figure { break-inside: avoid;"))
        // Printed, a card may continue on the next page, only between its lines, its heading kept with its text.
        let print = try #require(html.components(separatedBy: "@media print {").dropFirst().first)
        #expect(print.contains(".statement { break-inside: auto;"))
        #expect(print.contains(".statement > header, .statement-text, .statement dt { break-after: avoid;"))
        #expect(print.contains(".statement dd > p, .statement li { break-inside: avoid;"))
        #expect(print.contains("tr.has-card .obs"), "a row leaves the details to its card")
        // The running header (mall, run, judgement date) and page x / y, as margin boxes Chromium prints.
        #expect(html.contains("@top-left { content: \"徐州云龙万达广场 \u{00B7} 评估编号 17 \u{00B7} 判定基准日 2026-11-20\"; }"))
        #expect(html.contains("@bottom-center { content: \"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\"; }"))
    }

    @Test(
        "how far from the threshold, in words, on both sides and on the line",
        arguments: [
            (Fixture.retention, 61.0, "+1 天", "满足阈值，余量 1 天", "meets the threshold with 1 day"),
            (
                Fixture.retention, 60.0, "0 天", "恰在阈值上；阈值为严格比较（&gt;），不满足",
                "exactly on the line; the comparison is strict"
            ),
            (Fixture.retention, 59.0, "-1 天", "未达阈值，差 1 天", "misses the threshold by 1 day"),
            (Fixture.satisfaction, 85.0, "0%", "恰在阈值上，满足", "exactly on the line, which meets it"),
            (Fixture.satisfaction, 84.9, "-0.1%", "未达阈值，差 0.1%", "misses the threshold by 0.1%"),
            (Fixture.satisfaction, 85.1, "+0.1%", "满足阈值，余量 0.1%", "meets the threshold with 0.1% to spare"),
        ] as [(Threshold, Double, String, String, String)])
    func margins(threshold: Threshold, value: Double, marginZH: String, phraseZH: String, phraseEN: String) throws {
        let id = threshold.quantity == "logRetention" ? "5.1.2-3" : "8.2.1-3"
        let verdict: Verdict = threshold.isMet(by: value) ? .pass : .fail
        let result = StatementResult(
            statementID: id, verdict: verdict, source: .data,
            measurement: Measurement(value: value, threshold: threshold, unit: threshold.unit, sample: 10),
            reason: "measured")
        let report = Fixture.report(results: Fixture.results(replacing: id, with: result))
        let writer = try Fixture.htmlWriter()
        let zh = try writer.write(report)
        #expect(zh.contains("\(marginZH)</span> — \(phraseZH)"), "\(value) against \(threshold.comparison.symbol)")
        #expect(zh.contains("class=\"margin \(verdict == .pass ? "met" : "missed")\""))
        #expect(try writer.write(report, language: .en).contains(phraseEN))
    }
}

@Suite("HTML templates")
struct HTMLTemplateTests {
    private func templates(main: String, partials: [String: String] = [:]) throws -> URL {
        let directory = try Fixture.temporaryDirectory()
        try Data(main.utf8).write(to: directory.appendingPathComponent(HTMLTemplates.mainFile))
        if !partials.isEmpty {
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent("partials"), withIntermediateDirectories: true)
            for (name, text) in partials {
                try Data(text.utf8).write(to: directory.appendingPathComponent("partials/\(name).mustache"))
            }
        }
        return directory
    }

    @Test(
        "templates that could print mall data unescaped are refused with file, line and column",
        arguments: [
            "<p>{{{mallName}}}</p>", "<p>{{&mallName}}</p>", "<p>{{& reason }}</p>", "{{=<% %>=}}<p><%mallName%></p>",
            "{{% CONTENT_TYPE: TEXT}}<p>{{mallName}}</p>",
        ])
    func refusesUnescaped(tag: String) throws {
        let directory = try templates(main: "<html>\n\(tag)\n</html>")
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: DiagnosticsError.self) { try HTMLTemplates(directory: directory) }
        let diagnostic = try #require(error.diagnostics.first)
        #expect(diagnostic.file?.hasSuffix(HTMLTemplates.mainFile) == true)
        #expect(diagnostic.line == 2)
        #expect(diagnostic.column != nil)
        #expect(error.description.contains("without HTML escaping"))
    }

    @Test("an unescaped tag in a partial is refused too, naming the partial")
    func refusesInPartial() throws {
        let directory = try templates(main: "{{> partials/x}}", partials: ["x": "ok\n<b>{{{reason}}}</b>"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: DiagnosticsError.self) { try HTMLTemplates(directory: directory) }
        #expect(error.diagnostics.first?.file?.hasSuffix("partials/x.mustache") == true)
        #expect(error.diagnostics.first?.line == 2)
    }

    @Test("the chart slot is the only unescaped one allowed, and the shipped templates pass")
    func chartSlotAllowed() throws {
        let directory = try templates(main: "<div>{{{chartSVG}}}</div>")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try HTMLTemplates(directory: directory)
        _ = try HTMLTemplates(directory: Fixture.templatesDirectory)
    }

    @Test("the report's HTML escaping replaces exactly the five characters Mustache's does, on every template")
    func escaping() throws {
        #expect(ReportHTMLEscaping.escape("a<b>c&d\"e'f") == "a&lt;b&gt;c&amp;d&quot;e&#39;f")
        #expect(ReportHTMLEscaping.escape("徐州 商场 · 5G") == "徐州 商场 · 5G")
        #expect(ReportHTMLEscaping.escape("") == "")
        #expect(ReportHTMLEscaping.escape("<\u{301}script>") == "&lt;\u{301}script&gt;", "a combining mark after <")
        // Every compiled template uses it, partials included (swift-mustache's own escaping would leave the `<` that
        // a combining mark follows as it is).
        let directory = try templates(main: "<p>{{v}}</p>{{> partials/x}}", partials: ["x": "<i>{{v}}</i>"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let html = try HTMLTemplates(directory: directory).render(["v": "<\u{301}&\"'>"], language: .zh)
        #expect(html == "<p>&lt;\u{301}&amp;&quot;&#39;&gt;</p><i>&lt;\u{301}&amp;&quot;&#39;&gt;</i>")
    }

    @Test("a syntax error names the file and line")
    func syntaxError() throws {
        let directory = try templates(main: "<html>\n{{#chapters}}\n<p>{{label}}</p>\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: DiagnosticsError.self) { try HTMLTemplates(directory: directory) }
        #expect(error.diagnostics.first?.file?.hasSuffix(HTMLTemplates.mainFile) == true)
        #expect(error.diagnostics.first?.line != nil)
    }

    @Test("a missing templates directory names the path and the environment variable")
    func missing() throws {
        let error = try #require(throws: DiagnosticsError.self) {
            try HTMLTemplates(directory: URL(fileURLWithPath: "/nonexistent/templates"))
        }
        #expect(error.description.contains("/nonexistent/templates/report.html.mustache"))
        #expect(error.description.contains(ReportResources.templatesVariable))
    }
}

@Suite("SVG chart")
struct SVGChartTests {
    @Test("segments fill each bar exactly, in verdict order, with counts as labels")
    func geometry() throws {
        var counts = VerdictCounts()
        for verdict in [Verdict.pass, .pass, .pass, .fail, .error, .notApplicable] { counts.add(verdict) }
        let svg = SVGChart(bars: [SVGChart.Bar(label: "5 基础要求", counts: counts)], language: .zh, title: "各章结果")
            .render()
        let barWidth = SVGChart.width - SVGChart.countWidth
        // 6 statements over 670 units: pass 3 → 335, fail 1 → 111.67, error 1 → 111.67, not applicable 1 → 111.67,
        // edges from cumulative counts so the last one ends exactly at 670.
        #expect(barWidth == 670)
        #expect(svg.contains("<rect x=\"0\" y=\"22\" width=\"335\" height=\"20\" fill=\"#2e7d32\">"))
        #expect(svg.contains("<rect x=\"335\" y=\"22\" width=\"111.67\" height=\"20\" fill=\"#c62828\">"))
        #expect(svg.contains("<rect x=\"446.67\" y=\"22\" width=\"111.67\" height=\"20\" fill=\"#ef6c00\">"))
        #expect(svg.contains("<rect x=\"558.33\" y=\"22\" width=\"111.67\" height=\"20\" fill=\"#cfd8dc\">"))
        #expect(!svg.contains("fill=\"#8d8d8d\"><title>"), "no segment for a verdict with no statement")
        #expect(svg.contains("<title>5 基础要求: 通过 3</title>"))
    }

    @Test("labels are escaped")
    func escaped() throws {
        let report = Fixture.report(checklist: Fixture.checklist(chapter5Title: "基础<要求> & \"引号\""))
        let html = try Fixture.htmlWriter().write(report)
        #expect(html.contains("5 基础&lt;要求&gt; &amp; &quot;引号&quot;</text>"))
        #expect(!html.contains("基础<要求>"))
    }
}

@Suite("HTML report of a large run")
struct LargeHTMLReportTests {
    @Test("rows and cards rendered in parallel chunks equal the one-thread rendering, in order")
    func parallelEqualsSerial() throws {
        let report = ReportBenchmark.syntheticReport(results: 1_200)
        #expect(report.results.count >= HTMLReportWriter.parallelThreshold, "the parallel path is taken")
        let writer = try Fixture.htmlWriter()
        for language in Language.allCases {
            let view = HTMLReportView(report: report, language: language)
            let clauses = view.chapters.flatMap(\.clauses)
            let parallel = writer.renderStatements(clauses, view: view)
            let serial = clauses.map { clause in
                clause.statements.map { writer.templates.renderRow(view.statementRow($0), language: language) }
                    .joined()
            }
            #expect(parallel == serial)
            #expect(parallel.count == clauses.count)
            let cards = view.cardEntries.failing + view.cardEntries.errors
            #expect(cards.count >= HTMLReportWriter.parallelThreshold / 4, "the parallel path is taken")
            #expect(
                writer.renderCards(cards, view: view)
                    == cards.map { writer.templates.renderStatement(view.statementCard($0), language: language) }
                    .joined())
        }
        let html = try writer.write(report)
        #expect(html == (try writer.write(report)), "deterministic across runs of the parallel renderer")
        #expect(html.components(separatedBy: "<tr class=\"v-").count - 1 == 1_200)
        #expect(html.components(separatedBy: "<div class=\"statement ").count - 1 == report.notPassedShallCount)
    }
}

extension AuditReport {
    /// Shall statements that failed or could not be checked (error), which the HTML report shows as detailed cards
    /// (those not assessed are rows of one compact table).
    fileprivate var notPassedShallCount: Int {
        let modalities = Dictionary(uniqueKeysWithValues: checklist.statements.map { ($0.id, $0.modality) })
        return results.filter {
            [.fail, .error].contains($0.verdict) && modalities[$0.statementID]?.isRequirement == true
        }.count
    }
}
