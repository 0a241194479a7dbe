import AuditModel

/// Who was assessed: the mall as its site profile names it.
public struct MallIdentity: Sendable, Hashable, Codable {
    /// The mall's name (from the site profile; mall data, always escaped on output).
    public var name: String
    public var address: String?
    /// 统一社会信用代码 (unified social credit code), when the profile gives it.
    public var creditCode: String?

    public init(name: String, address: String? = nil, creditCode: String? = nil) {
        self.name = name
        self.address = address
        self.creditCode = creditCode
    }
}

/// Where a run stood when the report was written.
public enum RunCompletion: String, Sendable, Hashable, Codable, CaseIterable {
    /// The run finished: every statement was judged.
    case completed
    /// The run is still going: the report is a snapshot.
    case running
    /// The run's process died before it finished.
    case interrupted
}

/// Metadata of one audit run, as stored. Times are ISO 8601 strings, never "now": the same stored run always
/// gives the same report bytes.
public struct RunMetadata: Sendable, Hashable, Codable {
    /// The run's id in the store (`42`), printed as given.
    public var runID: String
    public var mall: MallIdentity
    /// Who led the assessment. Never a secret.
    public var assessor: String?
    /// ISO 8601 (`2026-11-20T09:00:00Z`).
    public var startedAt: String
    /// ISO 8601; nil while running or for an interrupted run.
    public var endedAt: String?
    public var completion: RunCompletion
    /// `mallaudit --version` of the tool that ran the audit.
    public var toolVersion: String
    /// Lowercase hex SHA-256 of the site profile the run used.
    public var siteProfileDigest: String?
    /// The judgement date (`--as-of`), `YYYY-MM-DD`; nil for runs stored before it was recorded.
    public var asOf: String?
    /// What the run was judged with besides the checklist (limits, readings, areas, time zone).
    public var settings: AuditSettings?
    /// The ids the run was restricted to (`mallaudit run --only`: statement, clause or section ids), as given; nil
    /// for a run of the whole checklist.
    public var scope: [String]?

    public init(
        runID: String, mall: MallIdentity, assessor: String? = nil, startedAt: String, endedAt: String? = nil,
        completion: RunCompletion = .completed, toolVersion: String, siteProfileDigest: String? = nil,
        asOf: String? = nil, settings: AuditSettings? = nil, scope: [String]? = nil
    ) {
        self.scope = scope
        self.asOf = asOf
        self.settings = settings
        self.runID = runID
        self.mall = mall
        self.assessor = assessor
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.completion = completion
        self.toolVersion = toolVersion
        self.siteProfileDigest = siteProfileDigest
    }

    /// Whether `statement` is in the run's scope: always without one; else when an id of the scope names it, its
    /// clause, or a section or chapter above it (as `mallaudit run --only` selects).
    public func inScope(_ statement: Statement) -> Bool {
        guard let scope, !scope.isEmpty else { return true }
        return scope.contains { id in
            id == statement.id || id == statement.clauseID || statement.clauseID.hasPrefix(id + ".")
        }
    }

    /// The mall's time zone the report shows times in (`settings.timeZone`, else Asia/Shanghai).
    public var timeZone: String { settings?.timeZone ?? AuditSettings.defaultTimeZone }
}

/// Everything a report shows: run metadata, the checklist the run was judged against, one result per statement,
/// the not-applicable decisions and the scorecard computed from them. A pure value: writers add no clock, no
/// environment and no randomness, so the same report always gives the same bytes.
public struct AuditReport: Sendable, Hashable {
    public var run: RunMetadata
    public var checklist: Checklist
    /// At most one result per statement of `checklist`. A statement without a result is shown as `notAssessed`.
    public var results: [StatementResult]
    /// Not-applicable decisions from the site profile. A result's own `notApplicable` wins over these.
    public var decisions: [NotApplicableDecision]
    /// `Scorecard(checklist:results:)`, computed once when the report is made.
    public let scorecard: Scorecard
    /// What each statement's verdict was judged from, by statement id: every piece of evidence (probe, data check,
    /// a fact of the site profile, an inspector's finding), as the store keeps it. The HTML report explains each
    /// verdict from these; empty for runs stored before they were kept.
    public var judgementInputs: [String: [StatementResult]]

    public init(
        run: RunMetadata, checklist: Checklist, results: [StatementResult], decisions: [NotApplicableDecision] = [],
        judgementInputs: [String: [StatementResult]] = [:]
    ) {
        self.judgementInputs = judgementInputs
        self.run = run
        self.checklist = checklist
        self.results = results
        self.decisions = decisions
        self.scorecard = Scorecard(checklist: checklist, results: results)
    }

    /// Problems that make the report inconsistent (its counts would not add up): results or decisions for
    /// statements the checklist does not have, or two results for one statement. Writers refuse such a report.
    public func consistencyProblems() -> [Diagnostic] {
        let known = Set(checklist.statements.map(\.id))
        var seen: Set<String> = []
        var problems: [Diagnostic] = []
        for (index, result) in results.enumerated() {
            if !known.contains(result.statementID) {
                problems.append(
                    Diagnostic(
                        file: "run \(run.runID)",
                        message: "result #\(index + 1) is for statement "
                            + "'\(result.statementID)', which checklist \(checklist.version) does not have",
                        expected: "a statement id of the checklist the run was judged against"))
            }
            if !seen.insert(result.statementID).inserted {
                problems.append(
                    Diagnostic(
                        file: "run \(run.runID)", message: "statement '\(result.statementID)' has more than one result",
                        expected: "one judged result per statement"))
            }
        }
        for decision in decisions where !known.contains(decision.statementID) {
            problems.append(
                Diagnostic(
                    file: "run \(run.runID)",
                    message: "not-applicable decision for unknown statement '\(decision.statementID)'",
                    expected: "a statement id of checklist \(checklist.version)"))
        }
        return problems
    }

    /// Throws the consistency problems, if any.
    func checkConsistency() throws {
        let problems = consistencyProblems()
        if !problems.isEmpty { throw DiagnosticsError(problems) }
    }

    /// Every statement of the checklist in document order, with its result (a `notAssessed` stand-in when none was
    /// recorded) and its not-applicable decision, grouped by chapter and clause.
    var chapters: [ReportChapter] {
        var resultByID: [String: StatementResult] = [:]
        for result in results { resultByID[result.statementID] = result }
        var decisionByID: [String: NotApplicableDecision] = [:]
        for decision in decisions { decisionByID[decision.statementID] = decision }
        return checklist.chapters.map { chapter in
            ReportChapter(
                chapter: chapter, counts: scorecard.byChapter[chapter.number] ?? VerdictCounts(),
                clauses: chapter.clauses.map { clause in
                    ReportClause(
                        clause: clause, verdict: scorecard.clauseVerdicts[clause.id] ?? .notAssessed,
                        statements: clause.statements.map { statement in
                            let result =
                                resultByID[statement.id]
                                ?? StatementResult(
                                    statementID: statement.id, verdict: .notAssessed, source: .none,
                                    reason: run.inScope(statement)
                                        ? AuditReport.noResultReason
                                        : AuditReport.outOfScopeReason(run.scope ?? []))
                            return ReportStatement(
                                statement: statement, result: result,
                                decision: result.notApplicable ?? decisionByID[statement.id])
                        })
                })
        }
    }

    /// The reason shown for a statement the run recorded no result for.
    static let noResultReason = "no result recorded for this statement in this run"

    /// The reason shown for a statement outside the run's `--only` scope.
    static func outOfScopeReason(_ scope: [String]) -> String {
        "outside this run's scope (--only \(scope.joined(separator: ",")))"
    }
}

/// A chapter of the report: the checklist's chapter with its counts and clauses.
struct ReportChapter: Sendable {
    var chapter: Chapter
    var counts: VerdictCounts
    var clauses: [ReportClause]
}

/// A clause of the report with its roll-up verdict.
struct ReportClause: Sendable {
    var clause: Clause
    var verdict: Verdict
    var statements: [ReportStatement]
}

/// One statement with its result and, when it has one, its not-applicable decision.
struct ReportStatement: Sendable {
    var statement: Statement
    var result: StatementResult
    var decision: NotApplicableDecision?

    /// Every checkpoint of the statement with its result. A statement judged before it had checkpoints (or left
    /// without a result) shows each checkpoint as the statement's own verdict when that is notApplicable, else as
    /// `notAssessed`: nothing was recorded for it.
    var checkpoints: [ReportCheckpoint] {
        statement.checkpoints.map { checkpoint in
            if let judged = result.checkpoints.first(where: { $0.checkpointID == checkpoint.id }) {
                return ReportCheckpoint(checkpoint: checkpoint, result: judged)
            }
            let verdict: Verdict = result.verdict == .notApplicable ? .notApplicable : .notAssessed
            return ReportCheckpoint(
                checkpoint: checkpoint,
                result: CheckpointResult(
                    checkpointID: checkpoint.id, verdict: verdict, source: verdict == .notApplicable ? result.source : .none,
                    reason: verdict == .notApplicable ? result.reason : "no result recorded for this checkpoint"))
        }
    }
}

/// One checkpoint of a statement with its result.
struct ReportCheckpoint: Sendable {
    var checkpoint: Checkpoint
    var result: CheckpointResult
}

extension Verdict {
    /// Fixed output order of verdicts in every report.
    static let reportOrder: [Verdict] = [.pass, .fail, .error, .notAssessed, .notApplicable]
}

extension Modality {
    /// Fixed output order of modalities in every report.
    static let reportOrder: [Modality] = [.shall, .shallNot, .should, .may]
}
