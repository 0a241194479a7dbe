import AuditModel
import AuditXML
import Foundation

/// Writes a JUnit XML report, so a mall's IT can fail its own CI pipeline on a regression.
///
/// One `<testsuite>` per chapter, one `<testcase classname="<clause>" name="<statement-id> <modality>">` per
/// statement, in checklist order:
/// - `pass` → an empty test case;
/// - `fail` → `<failure message="reason" type="fail">` with the measurement and observations as its text;
/// - `error` → `<error message="reason" type="error">`;
/// - `notAssessed` → `<skipped message="not assessed">`;
/// - `notApplicable` → `<skipped message="not applicable: justification (decided by …)">`.
///
/// Every statement is a test case, whatever its modality: a failing `should` fails the suite too, and its name says
/// `should` so a pipeline can tell. `tests`, `failures`, `errors` and `skipped` on each suite and on `<testsuites>`
/// are the counts of the cases inside. Deterministic: no timestamps, no durations.
public struct JUnitReportWriter: Sendable {
    public init() {}

    /// The JUnit XML bytes (UTF-8). Throws only when the report is inconsistent or libxml2 fails.
    public func write(_ report: AuditReport) throws -> Data {
        try report.checkConsistency()
        let xml = try XMLTextWriter(what: "<JUnit report of run \(report.run.runID)>")
        let chapters = report.chapters
        try xml.startDocument()
        try xml.startElement("testsuites")
        try xml.attribute("name", "mallaudit \(report.checklist.standardTitleZH) — \(report.run.mall.name)")
        try writeCounts(report.scorecard.total, xml)
        for chapter in chapters {
            try xml.startElement("testsuite")
            try xml.attribute(
                "name", "\(chapter.chapter.number) \(chapter.chapter.title.zh) \(chapter.chapter.title.en)")
            try writeCounts(chapter.counts, xml)
            for clause in chapter.clauses {
                for entry in clause.statements { try writeCase(entry, xml) }
            }
            try xml.endElement()
        }
        try xml.endElement()
        return try xml.finish()
    }

    private func writeCounts(_ counts: VerdictCounts, _ xml: XMLTextWriter) throws {
        try xml.attribute("tests", counts.total)
        try xml.attribute("failures", counts[.fail])
        try xml.attribute("errors", counts[.error])
        try xml.attribute("skipped", counts[.notAssessed] + counts[.notApplicable])
    }

    private func writeCase(_ entry: ReportStatement, _ xml: XMLTextWriter) throws {
        let result = entry.result
        try xml.startElement("testcase")
        try xml.attribute("classname", entry.statement.clauseID)
        try xml.attribute("name", "\(entry.statement.id) \(entry.statement.modality.rawValue)")
        switch result.verdict {
        case .pass:
            break
        case .fail:
            try xml.element(
                "failure", attributes: ["message": result.reason, "type": "fail"], text: details(of: result))
        case .error:
            try xml.element(
                "error", attributes: ["message": result.reason, "type": "error"], text: details(of: result))
        case .notAssessed:
            try xml.startElement("skipped")
            try xml.attribute("message", "not assessed")
            try xml.endElement()
        case .notApplicable:
            var message = "not applicable: " + (entry.decision?.justification ?? result.reason)
            if let who = entry.decision?.decidedBy { message += " (decided by \(who))" }
            try xml.startElement("skipped")
            try xml.attribute("message", message)
            try xml.endElement()
        }
        try xml.endElement()
    }

    /// Plain-text body of a failure or error: statement text, source, measurement, observations, evidence.
    private func details(of result: StatementResult) -> String {
        var lines = ["source: \(result.source.rawValue)" + (result.producer.map { " (\($0))" } ?? "")]
        if let measurement = result.measurement {
            var line = "measured: \(NumberFormat.xml(measurement.value)) \(measurement.unit)"
            if let threshold = measurement.threshold {
                line +=
                    "; threshold: \(threshold.comparison.symbol) \(NumberFormat.xml(threshold.value)) \(threshold.unit)"
            }
            if let margin = measurement.margin { line += "; margin: \(NumberFormat.xml(margin))" }
            if let sample = measurement.sample { line += "; sample: \(sample)" }
            lines.append(line)
        }
        lines.append("reason: \(result.reason)")
        for checkpoint in result.checkpoints {
            lines.append("checkpoint \(checkpoint.checkpointID): \(checkpoint.verdict.rawValue) — \(checkpoint.reason)")
        }
        for area in result.areas { lines.append("area \(area.area): \(area.verdict.rawValue) — \(area.reason)") }
        for observation in result.observations { lines.append("observed: \(observation.name) = \(observation.value)") }
        for evidence in result.evidence { lines.append("evidence: \(evidence.name) sha256:\(evidence.sha256)") }
        return lines.joined(separator: "\n")
    }
}
