import AuditModel
import Foundation

/// Writes the conformance report as JSON: the same content as the XML report (run, summary, chapters, clauses,
/// statements with measurements, observations, evidence, not-applicable decisions, areas and checkpoints), for tools
/// that read JSON. Its schema is `reports/report.schema.json` (JSON Schema 2020-12); the tests validate every report
/// they write against it with an independent validator.
///
/// Deterministic: keys sorted, arrays in checklist order, no clock. Stored text (reasons, observations) is as the
/// run stored it, in English where the tool wrote it, as in the XML report; times are UTC as stored. Numbers are JSON
/// numbers; a value that is not finite (a device's `NaN`) is the string `NaN`, `Infinity` or `-Infinity`.
public struct JSONReportWriter: Sendable {
    /// Version of the JSON report format (`formatVersion`), the same as the XML report's.
    public static let formatVersion = XMLReportWriter.formatVersion

    public init() {}

    /// The report as UTF-8 JSON, pretty-printed with sorted keys, ending in a newline.
    public func write(_ report: AuditReport) throws -> Data {
        try report.checkConsistency()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        var data = try encoder.encode(JSONReport(report))
        data.append(0x0A)
        return data
    }
}

/// The JSON document. Field names follow the XML report's elements and attributes.
struct JSONReport: Encodable {
    struct Localized: Encodable {
        var zh: String
        var en: String
        init(_ text: LocalizedText) {
            zh = text.zh
            en = text.en
        }
    }

    struct Counts: Encodable {
        var scope: String
        var total: Int
        var applicable: Int
        var pass: Int
        var fail: Int
        var error: Int
        var notAssessed: Int
        var notApplicable: Int
        init(_ scope: String, _ counts: VerdictCounts) {
            self.scope = scope
            total = counts.total
            applicable = counts.applicable
            pass = counts[.pass]
            fail = counts[.fail]
            error = counts[.error]
            notAssessed = counts[.notAssessed]
            notApplicable = counts[.notApplicable]
        }
    }

    struct Mall: Encodable {
        var name: String
        var address: String?
        var creditCode: String?
    }

    struct Version: Encodable { var version: String }

    struct ChecklistRef: Encodable {
        var version: String
        var digest: String
        var title: Localized
    }

    struct Digest: Encodable { var digest: String }

    struct Setting: Encodable {
        var key: String
        var value: String
        var `default`: Bool
        var meaning: Localized
    }

    struct Run: Encodable {
        var id: String
        var completion: String
        var mall: Mall
        var assessor: String?
        var startedAt: String
        var endedAt: String?
        var tool: Version
        var checklist: ChecklistRef
        var siteProfile: Digest?
        var asOf: String?
        var scope: [String]?
        var method: [Setting]?
    }

    struct Adoption: Encodable {
        var pass: Int
        var applicable: Int
        var assessed: Int
        var percent: Double?
    }

    struct Summary: Encodable {
        var conformance: String
        var counts: [Counts]
        var shouldAdoption: Adoption
        var formula: Localized
    }

    struct Threshold: Encodable {
        var quantity: String
        var comparison: String
        var value: Double
        var unit: String
    }

    struct Measurement: Encodable {
        var value: Double
        var unit: String
        var sample: Int?
        var margin: Double?
        var threshold: Threshold?
    }

    struct Observation: Encodable {
        var name: String
        var value: String
    }

    struct Evidence: Encodable {
        var sha256: String
        var size: Int64
        var name: String
        var collectedBy: String?
        var collectedAt: String?
        var description: String?
        init(_ evidence: EvidenceRef) {
            sha256 = evidence.sha256
            size = evidence.size
            name = evidence.name
            collectedBy = evidence.collectedBy
            collectedAt = evidence.collectedAt
            description = evidence.description
        }
    }

    struct NotApplicable: Encodable {
        var justification: String
        var decidedBy: String
        var decidedAt: String?
    }

    struct Area: Encodable {
        var name: String
        var verdict: String
        var reason: String
        init(_ area: AreaResult) {
            name = area.area
            verdict = area.verdict.rawValue
            reason = area.reason
        }
    }

    struct Checkpoint: Encodable {
        var id: String
        var verdict: String
        var source: String
        var quote: String
        var text: Localized
        var producer: String?
        var reason: String
        var areas: [Area]
        var evidence: [Evidence]
    }

    struct Statement: Encodable {
        var id: String
        var modality: String
        var verdict: String
        var source: String
        var text: Localized
        var producer: String?
        var judgedAt: String?
        var measurement: Measurement?
        var reason: String
        var observations: [Observation]
        var evidence: [Evidence]
        var notApplicable: NotApplicable?
        var areas: [Area]
        var checkpoints: [Checkpoint]
    }

    struct Clause: Encodable {
        var id: String
        var verdict: String
        var title: Localized
        var statements: [Statement]
    }

    struct Chapter: Encodable {
        var number: Int
        var title: Localized
        var counts: Counts
        var clauses: [Clause]
    }

    var formatVersion: Int
    var run: Run
    var summary: Summary
    var chapters: [Chapter]

    init(_ report: AuditReport) {
        formatVersion = JSONReportWriter.formatVersion
        let meta = report.run
        run = Run(
            id: meta.runID, completion: meta.completion.rawValue,
            mall: Mall(name: meta.mall.name, address: meta.mall.address, creditCode: meta.mall.creditCode),
            assessor: meta.assessor, startedAt: meta.startedAt, endedAt: meta.endedAt,
            tool: Version(version: meta.toolVersion),
            checklist: ChecklistRef(
                version: report.checklist.version, digest: report.checklist.digest,
                title: Localized(
                    LocalizedText(zh: report.checklist.standardTitleZH, en: report.checklist.standardTitleEN))),
            siteProfile: meta.siteProfileDigest.map(Digest.init), asOf: meta.asOf,
            scope: meta.scope.flatMap { $0.isEmpty ? nil : $0 },
            method: meta.settings.map { settings in
                settings.entries.map {
                    Setting(key: $0.key, value: $0.value, default: $0.isDefault, meaning: Localized($0.meaning))
                }
            })
        let card = report.scorecard
        let should = card.byModality[.should] ?? VerdictCounts()
        summary = Summary(
            conformance: card.conformance.rawValue,
            counts: [Counts("total", card.total), Counts("requirements", card.requirementCounts)]
                + Modality.reportOrder.map { Counts($0.rawValue, card.byModality[$0] ?? VerdictCounts()) },
            shouldAdoption: Adoption(
                pass: should[.pass], applicable: should.applicable, assessed: card.shouldAssessed,
                percent: card.shouldAdoption),
            formula: Localized(LocalizedText(zh: card.formula(.zh), en: card.formula(.en))))
        chapters = report.chapters.map { chapter in
            Chapter(
                number: chapter.chapter.number, title: Localized(chapter.chapter.title),
                counts: Counts("chapter", chapter.counts),
                clauses: chapter.clauses.map { clause in
                    Clause(
                        id: clause.clause.id, verdict: clause.verdict.rawValue, title: Localized(clause.clause.title),
                        statements: clause.statements.map(JSONReport.statement))
                })
        }
    }

    static func statement(_ entry: ReportStatement) -> Statement {
        let result = entry.result
        return Statement(
            id: entry.statement.id, modality: entry.statement.modality.rawValue, verdict: result.verdict.rawValue,
            source: result.source.rawValue, text: Localized(entry.statement.text), producer: result.producer,
            judgedAt: result.judgedAt,
            measurement: result.measurement.map { measurement in
                Measurement(
                    value: measurement.value, unit: measurement.unit, sample: measurement.sample,
                    margin: measurement.margin,
                    threshold: measurement.threshold.map {
                        Threshold(
                            quantity: $0.quantity, comparison: $0.comparison.rawValue, value: $0.value, unit: $0.unit)
                    })
            },
            reason: result.reason, observations: result.observations.map { Observation(name: $0.name, value: $0.value) },
            evidence: result.evidence.map(Evidence.init),
            notApplicable: entry.decision.map {
                NotApplicable(justification: $0.justification, decidedBy: $0.decidedBy, decidedAt: $0.decidedAt)
            },
            areas: result.areas.map(Area.init),
            checkpoints: entry.checkpoints.map { checkpoint in
                Checkpoint(
                    id: checkpoint.checkpoint.id, verdict: checkpoint.result.verdict.rawValue,
                    source: checkpoint.result.source.rawValue, quote: checkpoint.checkpoint.quote,
                    text: Localized(checkpoint.checkpoint.text), producer: checkpoint.result.producer,
                    reason: checkpoint.result.reason, areas: checkpoint.result.areas.map(Area.init),
                    evidence: checkpoint.result.evidence.map(Evidence.init))
            })
    }
}
