import AuditModel
import AuditXML
import Foundation
import Testing
import TestSupport

@_spi(Benchmark) @testable import AuditReports

@Suite("XML report")
struct XMLReportTests {
    @Test("matches the golden file byte for byte")
    func golden() throws {
        let data = try Fixture.xmlWriter().write(Fixture.report())
        let mismatch = try goldenMismatch(data, name: "report.xml")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test("is deterministic: same bytes twice, and whatever order the results come in")
    func deterministic() throws {
        let writer = Fixture.xmlWriter()
        let first = try writer.write(Fixture.report())
        let second = try writer.write(Fixture.report())
        #expect(first == second)
        let shuffled = try writer.write(Fixture.report(results: Fixture.results().reversed()))
        #expect(first == shuffled, "results are written in checklist order, not in the order given")
    }

    @Test("xmllint accepts it against reports/report.xsd, and rejects a report with a verdict the schema lacks")
    func xmllint() throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.xml")
        let data = try Fixture.xmlWriter().write(Fixture.report())
        try data.write(to: file)
        let accepted = try runXmllint(file)
        #expect(accepted.status == 0, "xmllint: \(accepted.output)")
        #expect(accepted.output.contains("validates"))

        let tampered = String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: "verdict=\"error\"", with: "verdict=\"maybe\"")
        try Data(tampered.utf8).write(to: file)
        let rejected = try runXmllint(file)
        #expect(rejected.status != 0, "the schema must constrain verdicts")
        #expect(rejected.output.contains("maybe"))
    }

    @Test("carries the run metadata, the summary and the formula with its numbers")
    func content() throws {
        let data = try Fixture.xmlWriter().write(Fixture.report())
        let doc = try #require(XPathDocument(data))
        #expect(doc.string("/r:report/r:run/@id") == "17")
        #expect(doc.string("/r:report/r:run/r:mall/r:name") == "徐州云龙万达广场")
        #expect(doc.string("/r:report/r:run/r:mall/r:creditCode") == "91320300MA1XXXXX0Q")
        #expect(doc.string("/r:report/r:run/r:assessor") == "王工")
        #expect(doc.string("/r:report/r:run/r:startedAt") == "2026-11-20T09:00:00Z")
        #expect(doc.string("/r:report/r:run/r:checklist/@digest") == Fixture.checklistDigest)
        #expect(doc.string("/r:report/r:run/r:siteProfile/@digest") == Fixture.siteDigest)
        #expect(doc.string("/r:report/r:summary/@conformance") == "nonConformant")
        let formula = try #require(doc.string("/r:report/r:summary/r:formula[@lang='zh']"))
        #expect(formula == Fixture.report().scorecard.formula(.zh))
        #expect(formula.contains("适用 6 条 = 通过 4 + 不通过 1 + 错误 1 + 未评估 0"))
        #expect(doc.string("/r:report/r:summary/r:shouldAdoption/@pass") == "0")
        #expect(doc.string("/r:report/r:summary/r:shouldAdoption/@applicable") == "1")
        #expect(doc.string("/r:report/r:summary/r:shouldAdoption/@percent") == "0.0")
    }

    @Test("every count agrees with the statements written")
    func counts() throws {
        let data = try Fixture.xmlWriter().write(Fixture.report())
        let doc = try #require(XPathDocument(data))
        let statements = try #require(doc.int("count(//r:statement)"))
        #expect(statements == Fixture.checklist().statements.count)
        #expect(doc.int("number(/r:report/r:summary/r:counts[@scope='total']/@total)") == statements)
        for verdict in Verdict.allCases {
            let written = doc.int("count(//r:statement[@verdict='\(verdict.rawValue)'])")
            #expect(written == doc.int("number(/r:report/r:summary/r:counts[@scope='total']/@\(verdict.rawValue))"))
            #expect(written ?? 0 > 0, "the fixture covers \(verdict)")
            for chapter in [5, 8] {
                let inChapter = doc.int(
                    "count(//r:chapter[@number=\(chapter)]//r:statement[@verdict='\(verdict.rawValue)'])")
                #expect(inChapter == doc.int("number(//r:chapter[@number=\(chapter)]/r:counts/@\(verdict.rawValue))"))
            }
        }
        for modality in Modality.allCases {
            #expect(
                doc.int("count(//r:statement[@modality='\(modality.rawValue)'])")
                    == doc.int("number(/r:report/r:summary/r:counts[@scope='\(modality.rawValue)']/@total)"))
        }
        let requirements = doc.int("count(//r:statement[@modality='shall' or @modality='shallNot'])")
        #expect(requirements == doc.int("number(/r:report/r:summary/r:counts[@scope='requirements']/@total)"))
        #expect(
            doc.int("number(/r:report/r:summary/r:counts[@scope='total']/@applicable)")
                == statements - (doc.int("count(//r:statement[@verdict='notApplicable'])") ?? 0))
    }

    @Test("a statement carries its measurement, threshold, margin, evidence and N/A decision")
    func statementDetail() throws {
        let data = try Fixture.xmlWriter().write(Fixture.report())
        let doc = try #require(XPathDocument(data))
        let retention = "//r:statement[@id='5.1.2-3']"
        #expect(doc.string("\(retention)/@verdict") == "fail")
        #expect(doc.string("\(retention)/@source") == "data")
        #expect(doc.string("\(retention)/r:producer") == "wifi-logs")
        #expect(doc.string("\(retention)/r:measurement/@value") == "45.0")
        #expect(doc.string("\(retention)/r:measurement/@sample") == "45")
        #expect(doc.string("\(retention)/r:measurement/@margin") == "-15.0")
        #expect(doc.string("\(retention)/r:measurement/r:threshold/@comparison") == "gt")
        #expect(doc.string("\(retention)/r:measurement/r:threshold/@value") == "60.0")
        #expect(doc.string("\(retention)/r:evidence/@sha256") == Fixture.logSHA)
        #expect(doc.string("\(retention)/r:evidence/r:name") == "wifi-logs-manifest.txt")
        #expect(doc.string("\(retention)/r:observation/r:value") == "portal-20261006.log.gz")
        // On the line of "≥ 85 %": passes with margin 0.
        #expect(doc.string("//r:statement[@id='8.2.1-3']/r:measurement/@margin") == "0.0")
        #expect(doc.string("//r:statement[@id='8.2.1-3']/@verdict") == "pass")
        let na = "//r:statement[@id='5.2.5-2']"
        #expect(doc.string("\(na)/r:notApplicable/r:justification") == Fixture.machineRoomDecision.justification)
        #expect(doc.string("\(na)/r:notApplicable/r:decidedBy") == "王工（评估组长）")
        // No result at all: shown as not assessed, source none, with a reason.
        #expect(doc.string("//r:statement[@id='8.2.1-1']/@verdict") == "notAssessed")
        #expect(doc.string("//r:statement[@id='8.2.1-1']/@source") == "none")
        #expect(doc.string("//r:statement[@id='8.2.1-1']/r:reason") == AuditReport.noResultReason)
        // Clause roll-up: 5.2.5's requirements pass, its N/A permission does not drag it down.
        #expect(doc.string("//r:clause[@id='5.2.5']/@verdict") == "pass")
        #expect(doc.string("//r:clause[@id='5.1.1']/@verdict") == "pass")
        #expect(doc.string("//r:clause[@id='8.1.2']/@verdict") == "error")
    }

    @Test("mall text with markup and control bytes is written as text and still validates")
    func hostileText() throws {
        let hostile = "<script>alert(1)</script> & \"quotes\" \u{1}\u{0}bell"
        var results = Fixture.results()
        results[0].observations.append(Observation(name: hostile, value: hostile))
        results[0].reason = hostile
        let data = try Fixture.xmlWriter().write(Fixture.report(mallName: hostile, results: results))
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("<script>"))
        let doc = try #require(XPathDocument(data))
        let expected = "<script>alert(1)</script> & \"quotes\" \u{FFFD}\u{FFFD}bell"
        #expect(doc.string("/r:report/r:run/r:mall/r:name") == expected)
        #expect(doc.string("//r:statement[@id='5.1.1-1']/r:reason") == expected)
    }

    @Test(
        "a report that would not validate throws with diagnostics naming the line",
        arguments: [
            "evidence digest", "start time",
        ])
    func invalidThrows(defect: String) throws {
        var report = Fixture.report()
        switch defect {
        case "evidence digest":
            report = Fixture.report(
                results: Fixture.results(
                    replacing: "5.1.2-3",
                    with: StatementResult(
                        statementID: "5.1.2-3", verdict: .fail, source: .data, reason: "x",
                        evidence: [EvidenceRef(name: "log.txt", sha256: "not-a-digest", size: 1)])))
        default:
            report.run.startedAt = "yesterday"
        }
        let error = try #require(throws: DiagnosticsError.self) { try Fixture.xmlWriter().write(report) }
        let text = error.description
        #expect(text.contains(defect == "start time" ? "startedAt" : "not-a-digest"), "\(text)")
        #expect(error.diagnostics.allSatisfy { $0.line != nil }, "\(text)")
    }

    @Test("the streaming check agrees with tree validation: valid, invalid, not well-formed")
    func streamingValidation() throws {
        let schema = try ReportValidation.compiledSchema(Fixture.schema)
        let valid = try XMLReportWriter.unvalidatedBytes(Fixture.report())
        #expect(schema.isValidStreaming(valid))
        #expect(try ReportValidation.problems(in: valid, name: "valid", schema: Fixture.schema).isEmpty)

        let text = String(decoding: valid, as: UTF8.self)
        let invalid = Data(text.replacingOccurrences(of: "verdict=\"pass\"", with: "verdict=\"passed\"").utf8)
        #expect(invalid != valid)
        #expect(!schema.isValidStreaming(invalid))
        let problems = try ReportValidation.problems(in: invalid, name: "invalid", schema: Fixture.schema)
        #expect(problems.contains { $0.message.contains("passed") && $0.line != nil }, "\(problems)")

        let truncated = valid.prefix(valid.count / 2)
        #expect(!schema.isValidStreaming(Data(truncated)))
        #expect(!(try ReportValidation.problems(in: Data(truncated), name: "cut", schema: Fixture.schema)).isEmpty)
        #expect(!schema.isValidStreaming(Data()))
    }

    @Test(
        "a report with a DOCTYPE is refused at its line by the XML layer: internal subset with an entity, SYSTEM id",
        arguments: [
            "<!DOCTYPE report [<!ENTITY verdict \"pass\">]>", "<!DOCTYPE report SYSTEM \"file:///etc/passwd\">",
        ])
    func doctypeRefused(doctype: String) throws {
        let valid = String(decoding: try XMLReportWriter.unvalidatedBytes(Fixture.report()), as: UTF8.self)
        let declaration = try #require(valid.range(of: "?>\n"))
        let tampered = Data(valid.replacingCharacters(in: declaration, with: "?>\n\(doctype)\n").utf8)
        #expect(!(try ReportValidation.compiledSchema(Fixture.schema)).isValidStreaming(tampered))
        let problems = try ReportValidation.problems(in: tampered, name: "report.xml", schema: Fixture.schema)
        #expect(
            problems.map(\.description) == [
                "report.xml:2: error: " + DoctypeRefusal.message(for: ReportValidation.reportRole)
                    + " (expected no <!DOCTYPE …>: the document starts with <report xmlns=\"urn:mallaudit:report:1\">)"
            ])
        let error = try #require(throws: DiagnosticsError.self) {
            try ReportValidation.wellFormedRoot(of: tampered, name: "report.xml")
        }
        #expect(error.diagnostics.map(\.line) == [2])
        #expect(error.diagnostics.first?.message.hasPrefix("a DOCTYPE declaration is not allowed in") == true)
    }

    @Test("results for unknown or repeated statements are refused, not silently dropped")
    func inconsistent() throws {
        var results = Fixture.results()
        results.append(StatementResult(statementID: "9.9.9-1", verdict: .pass, source: .manual, reason: "x"))
        results.append(Fixture.results()[0])
        let report = Fixture.report(results: results)
        #expect(report.consistencyProblems().count == 2)
        let error = try #require(throws: DiagnosticsError.self) { try Fixture.xmlWriter().write(report) }
        #expect(error.description.contains("9.9.9-1"))
        #expect(error.description.contains("more than one result"))
        #expect(throws: DiagnosticsError.self) { try JUnitReportWriter().write(report) }
        #expect(throws: DiagnosticsError.self) { try Fixture.htmlWriter().write(report) }
    }

    @Test("a missing schema is a clear error naming the path and the environment variable")
    func missingSchema() throws {
        let writer = XMLReportWriter(schema: URL(fileURLWithPath: "/nonexistent/report.xsd"))
        let error = try #require(throws: DiagnosticsError.self) { try writer.write(Fixture.report()) }
        #expect(error.description.contains("/nonexistent/report.xsd"))
        #expect(error.description.contains(ReportResources.schemaVariable))
    }

    @Test("the locator prefers the environment, then the repository above the executable")
    func locator() throws {
        let fromEnv = ReportResources.schema(
            environment: [ReportResources.schemaVariable: "/tmp/x.xsd"], executable: nil,
            currentDirectory: URL(fileURLWithPath: "/"))
        #expect(fromEnv.path == "/tmp/x.xsd")
        let executable = Fixture.root.appendingPathComponent(".build/debug/mallaudit")
        let found = ReportResources.schema(
            environment: [:], executable: executable, currentDirectory: URL(fileURLWithPath: "/"))
        #expect(found.standardizedFileURL.path == Fixture.schema.standardizedFileURL.path)
        let templates = ReportResources.templates(
            environment: [:], executable: executable, currentDirectory: URL(fileURLWithPath: "/"))
        #expect(templates.standardizedFileURL.path == Fixture.templatesDirectory.standardizedFileURL.path)
    }
}

/// Runs `xmllint --noout --nonet --schema reports/report.xsd file`; fails clearly when xmllint is not installed.
func runXmllint(_ file: URL) throws -> (status: Int32, output: String) {
    let xmllint = "/usr/bin/xmllint"
    guard FileManager.default.isExecutableFile(atPath: xmllint) else {
        Issue.record("xmllint is not installed: run `bash scripts/test.sh` (it installs libxml2-utils)")
        return (-1, "")
    }
    let outcome = try runProcess(
        URL(fileURLWithPath: xmllint), ["--noout", "--nonet", "--schema", Fixture.schema.path, file.path])
    return (outcome.status, outcome.stdout + outcome.stderr)
}

@Suite("Console report")
struct ConsoleReportTests {
    @Test("a value just below its threshold is never printed rounded onto the threshold")
    func noRoundingAcrossTheThreshold() {
        let threshold = Threshold(quantity: "satisfaction", comparison: .greaterThanOrEqual, value: 85, unit: "%")
        let result = StatementResult(
            statementID: "8.2.1-3", verdict: .fail, source: .data,
            measurement: Measurement(value: 84.996, threshold: threshold, unit: "%", sample: 250), reason: "below")
        let text = ConsoleReport.results([result], checklist: Fixture.checklist())
        #expect(text.contains("measured: 84.996 %"), "\(text)")
        #expect(text.contains("threshold: ≥ 85 %"), "\(text)")
        #expect(!text.contains("85.00"))
    }

    @Test("in colour, a mall's value holding escape codes is neutralised first: the only escapes are the paint's")
    func colourAfterNeutralising() {
        let result = StatementResult(
            statementID: "5.1.1-1", verdict: .fail, source: .probe, producer: "core\u{1B}[2J",
            reason: "sysDescr \u{1B}]0;owned\u{07}\u{1B}[32mgreen",
            observations: [Observation(name: "sysDescr.0", value: "a\u{1B}[1;31mb\rc")])
        let style = ConsoleStyle(colour: true, language: .en)
        let text = ConsoleReport.results([result], checklist: Fixture.checklist(), style: style)
        #expect(text.hasPrefix("\u{1B}[1;31mFAIL        \u{1B}[0m 5.1.1-1"), "\(text.debugDescription)")
        #expect(text.contains("[core\\x1B[2J]"), "\(text.debugDescription)")
        #expect(text.contains("sysDescr \\x1B]0;owned\\x07\\x1B[32mgreen"), "\(text.debugDescription)")
        #expect(text.contains("sysDescr.0 = a\\x1B[1;31mb\\x0Dc"), "\(text.debugDescription)")
        // Two escapes in all: the paint's start and its reset.
        #expect(text.filter { $0 == "\u{1B}" }.count == 2, "\(text.debugDescription)")
        #expect(!text.contains("\u{07}") && !text.contains("\r"))
        // Without colour: no escape at all, the values neutralised just the same.
        let plain = ConsoleReport.results([result], checklist: Fixture.checklist())
        #expect(!plain.contains("\u{1B}"), "\(plain.debugDescription)")
    }
}
