import AuditModel
import AuditXML
import Foundation

/// What a written XML report says, read back: who and what it is about, the summary it states, and every statement's
/// modality and verdict — enough to recompute the summary and to check it against what a signed bundle claims.
public struct ReportReading: Sendable, Hashable {
    public struct Counts: Sendable, Hashable, Codable {
        public var total: Int
        public var applicable: Int
        public var pass: Int
        public var fail: Int
        public var error: Int
        public var notAssessed: Int
        public var notApplicable: Int

        public init(total: Int, applicable: Int, pass: Int, fail: Int, error: Int, notAssessed: Int, notApplicable: Int) {
            self.total = total
            self.applicable = applicable
            self.pass = pass
            self.fail = fail
            self.error = error
            self.notAssessed = notAssessed
            self.notApplicable = notApplicable
        }

        public init(_ counts: VerdictCounts) {
            self.init(
                total: counts.total, applicable: counts.applicable, pass: counts[.pass], fail: counts[.fail],
                error: counts[.error], notAssessed: counts[.notAssessed], notApplicable: counts[.notApplicable])
        }
    }

    public struct StatementReading: Sendable, Hashable {
        public var id: String
        public var clauseID: String
        public var chapter: Int
        public var modality: Modality
        public var verdict: Verdict
        /// SHA-256 of every evidence file the statement and its checkpoints list.
        public var evidence: [String]
    }

    public var formatVersion: Int?
    public var runID: String
    public var completion: String
    public var mall: MallIdentity
    public var toolVersion: String
    public var checklistVersion: String
    public var checklistDigest: String
    public var siteProfileDigest: String?
    /// The conformance the summary states.
    public var conformance: String
    /// The counts the summary states, by scope (`total`, `requirements`, `shall`, `shallNot`, `should`, `may`).
    public var counts: [String: Counts]
    /// The should adoption the summary states: passed and applicable should statements.
    public var shouldAdoption: (pass: Int, applicable: Int)
    /// Clause id → the roll-up verdict the report states.
    public var clauseVerdicts: [String: Verdict]
    public var statements: [StatementReading]

    public static func == (lhs: ReportReading, rhs: ReportReading) -> Bool {
        lhs.runID == rhs.runID && lhs.statements == rhs.statements && lhs.counts == rhs.counts
            && lhs.conformance == rhs.conformance && lhs.mall == rhs.mall
            && lhs.shouldAdoption == rhs.shouldAdoption && lhs.clauseVerdicts == rhs.clauseVerdicts
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(runID)
        hasher.combine(statements)
    }

    /// The scorecard recomputed from the statements' own modalities and verdicts (the report's summary and clause
    /// verdicts are not looked at), with the same rule every report applies (`Scorecard`).
    public func recomputedScorecard() -> Scorecard {
        var chapters: [Chapter] = []
        for statement in statements {
            let model = Statement(
                id: statement.id, clauseID: statement.clauseID, modality: statement.modality,
                text: LocalizedText(zh: "", en: ""), methods: [])
            if chapters.last?.number != statement.chapter {
                chapters.append(Chapter(number: statement.chapter, title: LocalizedText(zh: "", en: ""), clauses: []))
            }
            if chapters[chapters.count - 1].clauses.last?.id != statement.clauseID {
                chapters[chapters.count - 1].clauses.append(
                    Clause(id: statement.clauseID, chapter: statement.chapter, title: LocalizedText(zh: "", en: ""),
                           text: LocalizedText(zh: "", en: ""), statements: []))
            }
            let chapter = chapters.count - 1
            chapters[chapter].clauses[chapters[chapter].clauses.count - 1].statements.append(model)
        }
        let checklist = Checklist(
            version: checklistVersion, standardTitleZH: "", standardTitleEN: "", digest: checklistDigest,
            chapters: chapters)
        let results = statements.map {
            StatementResult(statementID: $0.id, verdict: $0.verdict, source: .none, reason: "")
        }
        return Scorecard(checklist: checklist, results: results)
    }
}

/// Reads an XML report (namespace `urn:mallaudit:report:1`) back. The caller validates it against the schema first
/// (`ReportValidation.problems`); this parser uses the same safe options and refuses a DOCTYPE outright.
public enum XMLReportReader {
    public static func read(_ data: Data, name: String) throws -> ReportReading {
        func problem(_ message: String) -> DiagnosticsError {
            DiagnosticsError(Diagnostic(file: name, message: message))
        }
        let parsed = MarkupDocument.parseXML(data, name: name, role: ReportValidation.reportRole)
        guard let document = parsed.document, let root = document.root else {
            throw DiagnosticsError(parsed.diagnostics(file: name))
        }
        guard root.localName == "report", root.namespaceURI == ReportResources.namespace else {
            throw problem("the root is not a report element in \(ReportResources.namespace)")
        }
        guard let run = root.child("run"), let mall = run.child("mall"),
            let summary = root.child("summary"), let adoption = summary.child("shouldAdoption"),
            let tool = run.child("tool"), let checklist = run.child("checklist")
        else { throw problem("the report lacks its run or summary") }

        var counts: [String: ReportReading.Counts] = [:]
        for element in summary.children("counts") {
            func number(_ attribute: String) throws -> Int {
                guard let text = element.attribute(attribute), let value = Int(text) else {
                    throw problem("summary counts without a number for \(attribute)")
                }
                return value
            }
            let scope = element.attribute("scope") ?? ""
            counts[scope] = ReportReading.Counts(
                total: try number("total"), applicable: try number("applicable"), pass: try number("pass"),
                fail: try number("fail"), error: try number("error"), notAssessed: try number("notAssessed"),
                notApplicable: try number("notApplicable"))
        }
        var statements: [ReportReading.StatementReading] = []
        var clauseVerdicts: [String: Verdict] = [:]
        for chapter in root.children("chapter") {
            guard let number = chapter.attribute("number").flatMap(Int.init) else {
                throw problem("a chapter without a number")
            }
            for clause in chapter.children("clause") {
                guard let clauseID = clause.attribute("id"),
                    let clauseVerdict = clause.attribute("verdict").flatMap(Verdict.init(rawValue:))
                else { throw problem("a clause without an id or verdict") }
                clauseVerdicts[clauseID] = clauseVerdict
                for statement in clause.children("statement") {
                    guard let id = statement.attribute("id"),
                        let modality = statement.attribute("modality").flatMap(Modality.init(rawValue:)),
                        let verdict = statement.attribute("verdict").flatMap(Verdict.init(rawValue:))
                    else { throw problem("a statement of clause \(clauseID) without id, modality or verdict") }
                    statements.append(ReportReading.StatementReading(
                        id: id, clauseID: clauseID, chapter: number, modality: modality, verdict: verdict,
                        evidence: (statement.children("evidence")
                            + statement.children("checkpoint").flatMap { $0.children("evidence") })
                            .compactMap { $0.attribute("sha256") }))
                }
            }
        }
        return ReportReading(
            formatVersion: root.attribute("formatVersion").flatMap(Int.init),
            runID: run.attribute("id") ?? "", completion: run.attribute("completion") ?? "",
            mall: MallIdentity(
                name: mall.child("name")?.text ?? "", address: mall.child("address")?.text,
                creditCode: mall.child("creditCode")?.text),
            toolVersion: tool.attribute("version") ?? "",
            checklistVersion: checklist.attribute("version") ?? "",
            checklistDigest: checklist.attribute("digest") ?? "",
            siteProfileDigest: run.child("siteProfile")?.attribute("digest"),
            conformance: summary.attribute("conformance") ?? "", counts: counts,
            shouldAdoption: (
                Int(adoption.attribute("pass") ?? "") ?? -1, Int(adoption.attribute("applicable") ?? "") ?? -1
            ),
            clauseVerdicts: clauseVerdicts, statements: statements)
    }
}

