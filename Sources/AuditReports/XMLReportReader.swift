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
        /// Where the verdict came from (probe, data, manual, decision, none).
        public var source: ResultSource = .none
        /// The probe, check or assessor that produced it.
        public var producer: String? = nil
        public var judgedAt: String? = nil
        /// Why this verdict, as the report states it.
        public var reason: String = ""
        /// The measured value against its threshold, when the statement has one.
        public var measurement: AuditModel.Measurement? = nil
        public var observations: [Observation] = []
        /// The evidence files bound to the whole statement (those bound to a checkpoint are in `checkpoints`).
        public var evidenceFiles: [EvidenceRef] = []
        public var notApplicable: NotApplicableDecision? = nil
        /// Per area, for an obligation that must hold in every area.
        public var areas: [AreaResult] = []
        /// Each checkpoint's verdict, reason, areas and evidence, in the report's order.
        public var checkpoints: [CheckpointResult] = []

        /// The statement's result as the report states it.
        public var result: StatementResult {
            StatementResult(
                statementID: id, verdict: verdict, source: source, producer: producer, measurement: measurement,
                reason: reason, observations: observations, evidence: evidenceFiles, notApplicable: notApplicable,
                judgedAt: judgedAt, checkpoints: checkpoints, areas: areas)
        }
    }

    public var formatVersion: Int?
    public var runID: String
    public var completion: String
    public var mall: MallIdentity
    public var assessor: String? = nil
    public var startedAt: String = ""
    public var endedAt: String? = nil
    /// The date the run was judged at, when the report states one.
    public var asOf: String? = nil
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
        func source(_ element: MarkupNode, _ what: String) throws -> ResultSource {
            guard let value = element.attribute("source").flatMap(ResultSource.init(rawValue:)) else {
                throw problem("\(what) has no source")
            }
            return value
        }
        func double(_ element: MarkupNode, _ attribute: String, _ what: String) throws -> Double? {
            guard let text = element.attribute(attribute) else { return nil }
            guard let value = Double(text) else { throw problem("\(what): \(attribute) '\(text)' is not a number") }
            return value
        }
        func measurement(_ element: MarkupNode?, _ what: String) throws -> AuditModel.Measurement? {
            guard let element else { return nil }
            guard let value = try double(element, "value", what) else { throw problem("\(what): a measurement without a value") }
            var threshold: Threshold?
            if let limit = element.child("threshold") {
                guard let comparison = limit.attribute("comparison").flatMap(Comparison.init(rawValue:)),
                    let limitValue = try double(limit, "value", what)
                else { throw problem("\(what): a threshold without comparison or value") }
                threshold = Threshold(
                    quantity: limit.attribute("quantity") ?? "", comparison: comparison, value: limitValue,
                    unit: limit.attribute("unit") ?? "")
            }
            var result = AuditModel.Measurement(
                value: value, threshold: threshold, unit: element.attribute("unit") ?? "",
                sample: element.attribute("sample").flatMap(Int.init))
            // The margin as the report states it (the writer computed it from the same numbers).
            result.margin = try double(element, "margin", what)
            return result
        }
        func evidence(_ element: MarkupNode, _ what: String) throws -> EvidenceRef {
            guard let sha256 = element.attribute("sha256"), let size = element.attribute("size").flatMap(Int64.init) else {
                throw problem("\(what): evidence without its SHA-256 or size")
            }
            return EvidenceRef(
                name: element.child("name")?.text ?? "", sha256: sha256, size: size,
                collectedBy: element.child("collectedBy")?.text, collectedAt: element.child("collectedAt")?.text,
                description: element.child("description")?.text)
        }
        func areas(_ element: MarkupNode, _ what: String) throws -> [AreaResult] {
            try element.children("area").map { area in
                guard let name = area.attribute("name"),
                    let verdict = area.attribute("verdict").flatMap(Verdict.init(rawValue:))
                else { throw problem("\(what): an area without name or verdict") }
                return AreaResult(area: name, verdict: verdict, reason: area.child("reason")?.text ?? "")
            }
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
                    var reading = ReportReading.StatementReading(
                        id: id, clauseID: clauseID, chapter: number, modality: modality, verdict: verdict,
                        evidence: (statement.children("evidence")
                            + statement.children("checkpoint").flatMap { $0.children("evidence") })
                            .compactMap { $0.attribute("sha256") })
                    reading.source = try source(statement, "statement \(id)")
                    reading.producer = statement.child("producer")?.text
                    reading.judgedAt = statement.child("judgedAt")?.text
                    reading.reason = statement.child("reason")?.text ?? ""
                    reading.measurement = try measurement(statement.child("measurement"), "statement \(id)")
                    reading.observations = statement.children("observation").map {
                        Observation(name: $0.child("name")?.text ?? "", value: $0.child("value")?.text ?? "")
                    }
                    reading.evidenceFiles = try statement.children("evidence").map { try evidence($0, "statement \(id)") }
                    if let decision = statement.child("notApplicable") {
                        reading.notApplicable = NotApplicableDecision(
                            statementID: id, justification: decision.child("justification")?.text ?? "",
                            decidedBy: decision.child("decidedBy")?.text ?? "",
                            decidedAt: decision.child("decidedAt")?.text)
                    }
                    reading.areas = try areas(statement, "statement \(id)")
                    reading.checkpoints = try statement.children("checkpoint").map { checkpoint in
                        guard let checkpointID = checkpoint.attribute("id"),
                            let checkpointVerdict = checkpoint.attribute("verdict").flatMap(Verdict.init(rawValue:))
                        else { throw problem("a checkpoint of statement \(id) without id or verdict") }
                        let what = "checkpoint \(checkpointID)"
                        return CheckpointResult(
                            checkpointID: checkpointID, verdict: checkpointVerdict,
                            source: try source(checkpoint, what), producer: checkpoint.child("producer")?.text,
                            reason: checkpoint.child("reason")?.text ?? "",
                            evidence: try checkpoint.children("evidence").map { try evidence($0, what) },
                            areas: try areas(checkpoint, what))
                    }
                    statements.append(reading)
                }
            }
        }
        var reading = ReportReading(
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
        reading.assessor = run.child("assessor")?.text
        reading.startedAt = run.child("startedAt")?.text ?? ""
        reading.endedAt = run.child("endedAt")?.text
        reading.asOf = run.child("asOf")?.text
        return reading
    }
}

