import AuditModel
import AuditXML
import Foundation

/// Writes the XML conformance report (namespace `urn:mallaudit:report:1`, schema `reports/report.xsd`).
///
/// The document is written with libxml2's `xmlTextWriter`, which escapes every attribute and text; it is then parsed
/// back with the safe options and validated against the schema **before** it is returned. A report that would not
/// validate is a bug (or bad upstream data such as a malformed digest): `write` throws a `DiagnosticsError` naming
/// each problem with its line in the produced document.
///
/// Byte-for-byte deterministic: chapters, clauses and statements in checklist order, counts in a fixed order, no
/// clock, Doubles in Swift's shortest round-trip form (locale-independent).
public struct XMLReportWriter: Sendable {
    /// Version of the report format, written as `formatVersion` on the root.
    public static let formatVersion = 1

    /// The schema every report is validated against.
    public var schema: URL

    /// A writer validating against `schema` (by default the one `ReportResources` finds).
    public init(schema: URL = ReportResources.schema()) {
        self.schema = schema
    }

    /// The report as UTF-8 XML bytes, validated against the schema.
    public func write(_ report: AuditReport) throws -> Data {
        let data = try XMLReportWriter.unvalidatedBytes(report)
        let problems = try ReportValidation.problems(
            in: data, name: "<XML report of run \(report.run.runID)>", schema: schema)
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        return data
    }

    /// The report's bytes before validation. Not public API: everything public goes through `write`; the report
    /// benchmark (AuditTestKit) times it through `@_spi(Benchmark) import AuditReports`.
    @_spi(Benchmark) public static func unvalidatedBytes(_ report: AuditReport) throws -> Data {
        try report.checkConsistency()
        let xml = try XMLTextWriter(what: "<XML report of run \(report.run.runID)>")
        try xml.startDocument()
        try xml.startElement("report", namespace: ReportResources.namespace)
        try xml.attribute("formatVersion", formatVersion)
        try writeRun(report, xml)
        try writeSummary(report.scorecard, xml)
        for chapter in report.chapters {
            try xml.startElement("chapter")
            try xml.attribute("number", chapter.chapter.number)
            try writeLocalized("title", chapter.chapter.title, xml)
            try writeCounts("chapter", chapter.counts, xml)
            for clause in chapter.clauses {
                try xml.startElement("clause")
                try xml.attribute("id", clause.clause.id)
                try xml.attribute("verdict", clause.verdict.rawValue)
                try writeLocalized("title", clause.clause.title, xml)
                for statement in clause.statements { try writeStatement(statement, xml) }
                try xml.endElement()
            }
            try xml.endElement()
        }
        try xml.endElement()
        return try xml.finish()
    }

    private static func writeRun(_ report: AuditReport, _ xml: XMLTextWriter) throws {
        let run = report.run
        try xml.startElement("run")
        try xml.attribute("id", run.runID)
        try xml.attribute("completion", run.completion.rawValue)
        try xml.startElement("mall")
        try xml.element("name", text: run.mall.name)
        try xml.element("address", optionalText: run.mall.address)
        try xml.element("creditCode", optionalText: run.mall.creditCode)
        try xml.endElement()
        try xml.element("assessor", optionalText: run.assessor)
        try xml.element("startedAt", text: run.startedAt)
        try xml.element("endedAt", optionalText: run.endedAt)
        try xml.startElement("tool")
        try xml.attribute("version", run.toolVersion)
        try xml.endElement()
        try xml.startElement("checklist")
        try xml.attribute("version", report.checklist.version)
        try xml.attribute("digest", report.checklist.digest)
        try writeLocalized(
            "title", LocalizedText(zh: report.checklist.standardTitleZH, en: report.checklist.standardTitleEN), xml)
        try xml.endElement()
        if let digest = run.siteProfileDigest {
            try xml.startElement("siteProfile")
            try xml.attribute("digest", digest)
            try xml.endElement()
        }
        try xml.element("asOf", optionalText: run.asOf)
        if let scope = run.scope, !scope.isEmpty {
            try xml.startElement("scope")
            for id in scope { try xml.element("id", text: id) }
            try xml.endElement()
        }
        if let settings = run.settings {
            try xml.startElement("method")
            for entry in settings.entries {
                try xml.startElement("setting")
                try xml.attribute("key", entry.key)
                try xml.attribute("value", entry.value)
                try xml.attribute("default", entry.isDefault ? "true" : "false")
                try writeLocalized("meaning", entry.meaning, xml)
                try xml.endElement()
            }
            try xml.endElement()
        }
        try xml.endElement()
    }

    private static func writeEvidence(_ evidence: EvidenceRef, _ xml: XMLTextWriter) throws {
        try xml.startElement("evidence")
        try xml.attribute("sha256", evidence.sha256)
        try xml.attribute("size", String(evidence.size))
        try xml.element("name", text: evidence.name)
        try xml.element("collectedBy", optionalText: evidence.collectedBy)
        try xml.element("collectedAt", optionalText: evidence.collectedAt)
        try xml.element("description", optionalText: evidence.description)
        try xml.endElement()
    }

    private static func writeAreas(_ areas: [AreaResult], _ xml: XMLTextWriter) throws {
        for area in areas {
            try xml.startElement("area")
            try xml.attribute("name", area.area)
            try xml.attribute("verdict", area.verdict.rawValue)
            try xml.element("reason", text: area.reason)
            try xml.endElement()
        }
    }

    private static func writeSummary(_ card: Scorecard, _ xml: XMLTextWriter) throws {
        try xml.startElement("summary")
        try xml.attribute("conformance", card.conformance.rawValue)
        try writeCounts("total", card.total, xml)
        try writeCounts("requirements", card.requirementCounts, xml)
        for modality in Modality.reportOrder {
            try writeCounts(modality.rawValue, card.byModality[modality] ?? VerdictCounts(), xml)
        }
        let should = card.byModality[.should] ?? VerdictCounts()
        try xml.startElement("shouldAdoption")
        try xml.attribute("pass", should[.pass])
        try xml.attribute("applicable", should.applicable)
        try xml.attribute("assessed", card.shouldAssessed)
        try xml.attribute("percent", card.shouldAdoption.map(NumberFormat.xml))
        try xml.endElement()
        for language in [Language.zh, .en] {
            try xml.element("formula", attributes: ["lang": language.rawValue], text: card.formula(language))
        }
        try xml.endElement()
    }

    private static func writeCounts(_ scope: String, _ counts: VerdictCounts, _ xml: XMLTextWriter) throws {
        try xml.startElement("counts")
        try xml.attribute("scope", scope)
        try xml.attribute("total", counts.total)
        try xml.attribute("applicable", counts.applicable)
        for verdict in Verdict.reportOrder { try xml.attribute(verdict.rawValue, counts[verdict]) }
        try xml.endElement()
    }

    private static func writeLocalized(_ name: String, _ text: LocalizedText, _ xml: XMLTextWriter) throws {
        try xml.startElement(name)
        try xml.element("zh", text: text.zh)
        try xml.element("en", text: text.en)
        try xml.endElement()
    }

    private static func writeStatement(_ entry: ReportStatement, _ xml: XMLTextWriter) throws {
        let result = entry.result
        try xml.startElement("statement")
        try xml.attribute("id", entry.statement.id)
        try xml.attribute("modality", entry.statement.modality.rawValue)
        try xml.attribute("verdict", result.verdict.rawValue)
        try xml.attribute("source", result.source.rawValue)
        try writeLocalized("text", entry.statement.text, xml)
        try xml.element("producer", optionalText: result.producer)
        try xml.element("judgedAt", optionalText: result.judgedAt)
        if let measurement = result.measurement {
            try xml.startElement("measurement")
            try xml.attribute("value", NumberFormat.xml(measurement.value))
            try xml.attribute("unit", measurement.unit)
            try xml.attribute("sample", measurement.sample.map(String.init))
            try xml.attribute("margin", measurement.margin.map(NumberFormat.xml))
            if let threshold = measurement.threshold {
                try xml.startElement("threshold")
                try xml.attribute("quantity", threshold.quantity)
                try xml.attribute("comparison", threshold.comparison.rawValue)
                try xml.attribute("value", NumberFormat.xml(threshold.value))
                try xml.attribute("unit", threshold.unit)
                try xml.endElement()
            }
            try xml.endElement()
        }
        try xml.element("reason", text: result.reason)
        for observation in result.observations {
            try xml.startElement("observation")
            try xml.element("name", text: observation.name)
            try xml.element("value", text: observation.value)
            try xml.endElement()
        }
        for evidence in result.evidence { try writeEvidence(evidence, xml) }
        if let decision = entry.decision {
            try xml.startElement("notApplicable")
            try xml.element("justification", text: decision.justification)
            try xml.element("decidedBy", text: decision.decidedBy)
            try xml.element("decidedAt", optionalText: decision.decidedAt)
            try xml.endElement()
        }
        try writeAreas(result.areas, xml)
        for checkpoint in entry.checkpoints {
            try xml.startElement("checkpoint")
            try xml.attribute("id", checkpoint.checkpoint.id)
            try xml.attribute("verdict", checkpoint.result.verdict.rawValue)
            try xml.attribute("source", checkpoint.result.source.rawValue)
            try xml.element("quote", text: checkpoint.checkpoint.quote)
            try writeLocalized("text", checkpoint.checkpoint.text, xml)
            try xml.element("producer", optionalText: checkpoint.result.producer)
            try xml.element("reason", text: checkpoint.result.reason)
            try writeAreas(checkpoint.result.areas, xml)
            for evidence in checkpoint.result.evidence { try writeEvidence(evidence, xml) }
            try xml.endElement()
        }
        try xml.endElement()
    }
}
