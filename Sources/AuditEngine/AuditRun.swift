import AuditChecklist
import AuditModel
import AuditProbes
import AuditSite
import AuditStore
import AuditSupport
import Foundation

/// What `mallaudit run` was asked to do.
public struct AuditOptions: Sendable {
    public var site: URL
    /// Default: by the rule of `StoreLocation` (`$MALLAUDIT_DB`, else `mallaudit.sqlite` in the working directory).
    public var database: URL?
    /// Default: the profile's `findings:`.
    public var findings: URL?
    /// Statement or clause ids to restrict the run to (`5.2.5-4`, `6.1`); nil = every statement.
    public var only: [String]?
    /// Default: the bundled checklist (`ChecklistLocator`).
    public var checklist: URL?
    /// The date measured checks are judged at; default today.
    public var asOf: Date
    public var assessor: String?
    /// A run to finish (`--resume`): an id, `latest` or `latest~N`.
    public var resume: String?
    /// Resume even though an input (profile, probe file, findings, checklist file) changed since the run started
    /// (`--accept-changed-inputs`); the changes are recorded with the run.
    public var acceptChangedInputs: Bool = false
    /// The re-inspection (复查): carry the manual findings of this earlier run (an id, `latest` or `latest~N`, in the
    /// same database) into the new run, each marked as carried, unless the new run re-assesses it.
    public var carryFindings: String?
    public var toolVersion: String
    public var environment: [String: String]

    public init(
        site: URL, database: URL? = nil, findings: URL? = nil, only: [String]? = nil, checklist: URL? = nil,
        asOf: Date = Date(), assessor: String? = nil, resume: String? = nil, toolVersion: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.site = site
        self.database = database
        self.findings = findings
        self.only = only
        self.checklist = checklist
        self.asOf = asOf
        self.assessor = assessor
        self.resume = resume
        self.toolVersion = toolVersion
        self.environment = environment
    }
}

/// What one audit run produced.
public struct AuditOutcome: Sendable {
    public var run: RunRecord
    public var database: URL
    /// The statements in scope (all of them unless `--only`), with their results.
    public var scope: Checklist
    public var results: [StatementResult]
    /// Conformance over the statements in scope.
    public var scorecard: Scorecard
    /// The earlier run whose manual findings were carried (`--carry-findings`), and how many were.
    public var carriedFrom: Int64?
    public var carried: Int = 0
    /// Warnings the command prints: a manual pass stored as notAssessed for want of evidence, evidence files that
    /// hold personal identifiers; file and line each.
    public var warnings: [Diagnostic] = []
}

/// Progress of a run, for a terminal progress line.
public struct AuditProgress: Sendable {
    /// The run being judged (known from the first report on).
    public var run: Int64
    public var judged: Int
    public var total: Int
    public var current: String
}

/// The audit pipeline: load → plan → probe → judge → store.
///
/// Every statement in scope gets exactly one stored result. A statement is judged and committed the moment its
/// last probe or check finishes, so an interrupted run keeps every verdict reached before the interruption, and
/// `--resume` only runs what is missing.
public enum AuditEngine {
    public static func run(
        _ options: AuditOptions, runner: any ProbeRunning, progress: (@Sendable (AuditProgress) -> Void)? = nil
    ) async throws -> AuditOutcome {
        // MARK: load
        let profile = try SiteProfile.load(options.site)
        let checklistURL = options.checklist ?? ChecklistLocator.defaultChecklist()
        let loadedChecklist = try ChecklistLoader.load(file: checklistURL)
        let probes = try ProbeDefinitionLoader.load(profile.probePaths)
        let findingsURL = options.findings ?? profile.findings
        let assessor = options.assessor ?? profile.assessor
        let findings = try findingsURL.map { try FindingsFile.load($0, defaultAssessor: assessor).findings } ?? []
        // What the run is judged from, by digest: a resume refuses inputs edited in between (unless told to).
        var inputFiles: [(role: String, url: URL)] = [("profile", profile.file)]
        inputFiles += try ProbeDefinitionLoader.files(profile.probePaths).map { ("probes", $0) }
        if let findingsURL { inputFiles.append(("findings", findingsURL)) }
        inputFiles.append(("checklist", checklistURL))
        let inputs = try RunInputs.digest(inputFiles)

        let databaseURL = options.database ?? StoreLocation.resolve(nil, environment: options.environment).url

        // MARK: plan
        // A new run opens (and creates) the store only once its inputs are known to be good, so a run refused for
        // bad input leaves nothing behind; a resumed run needs the store first, for the checklist it started with.
        var openedStore: AuditStore?
        var resumed: Int64?
        var alreadyJudged: Set<String> = []
        var changedInputs: [RunInputs.Change] = []
        var inputProblems: [Diagnostic] = []
        let checklist: Checklist
        if let reference = options.resume {
            let store = try AuditStore(path: databaseURL.path, create: false)
            openedStore = store
            let runID = try store.resolveRun(reference)
            resumed = runID
            checklist = try store.checklist(run: runID)
            guard checklist.digest == loadedChecklist.digest else {
                throw DiagnosticsError(Diagnostic(
                    file: checklistURL.path,
                    message: "run \(runID) was judged with checklist \(checklist.version) (\(checklist.digest.prefix(12))…), "
                        + "not this one (\(loadedChecklist.digest.prefix(12))…)",
                    expected: "the checklist the run started with (--checklist FILE)"))
            }
            if let started = try store.inputs(run: runID) {
                changedInputs = inputs.changes(since: started)
                if !options.acceptChangedInputs {
                    inputProblems = changedInputs.map {
                        Diagnostic(
                            file: $0.path, message: "run \(runID) cannot be resumed: the \($0)",
                            expected: "the inputs the run started with, or --accept-changed-inputs to resume with "
                                + "these (recorded with the run)")
                    }
                }
            }
        } else {
            checklist = loadedChecklist
        }

        // The checks of `mallaudit lint` (template markers, contradictions, data paths), then the inputs' own.
        let linted = try SiteLint.problems(profile)
        // The re-inspection: the earlier run's manual findings, read before anything is created.
        var carriedFrom: Int64?
        var carriedByStatement: [String: [StatementResult]] = [:]
        if let reference = options.carryFindings {
            guard FileManager.default.fileExists(atPath: databaseURL.path) else {
                throw DiagnosticsError(
                    Diagnostic(
                        file: nil, message: "--carry-findings \(reference): no audit database at \(databaseURL.path)",
                        expected: "the database that holds the earlier run (--db FILE)"))
            }
            let store = try openedStore ?? AuditStore(path: databaseURL.path, create: false)
            openedStore = store
            let earlier = try store.resolveRun(reference)
            guard earlier != resumed else {
                throw DiagnosticsError(
                    Diagnostic(
                        file: nil, message: "--carry-findings \(reference) names run \(earlier), the run being resumed",
                        expected: "the earlier run whose findings the re-inspection carries (its id)"))
            }
            carriedFrom = earlier
            carriedByStatement = try Carry.findings(from: earlier, store: store, checklist: checklist)
        }
        var problems = inputProblems + linted.filter { $0.severity == .error }
        problems += profile.unknownStatements(in: checklist)
        for probe in probes { problems += probe.problems(profile: profile, checklist: checklist) }
        problems += FindingRules.validate(findings, checklist: checklist, evidenceLimit: try EvidenceFiles.sizeLimit())
        let scope = try select(options.only, in: checklist)
        // Every secret the probes in scope need is set, or nothing runs: one error per variable, before the store.
        let scopeIDs = Set(scope.statements.map(\.id))
        problems += SecretCheck.unset(
            profile: profile, probes: probes.filter { $0.statementIDs.contains(where: scopeIDs.contains) },
            environment: options.environment)
        guard problems.isEmpty else { throw DiagnosticsError(problems) }
        // Only now, with the inputs known to be good, is a resumed run marked running again: a resume refused for
        // bad input leaves the run interrupted, as it was.
        if let resumed, let store = openedStore {
            _ = try store.resumeRun(resumed)
            if !changedInputs.isEmpty { try store.acceptChangedInputs(changedInputs, inputs: inputs, run: resumed) }
            alreadyJudged = Set(try store.results(run: resumed).map(\.statementID))
        }

        let store = try openedStore ?? AuditStore(path: databaseURL.path)
        let settings = try resumed.map { try store.settings(run: $0) } ?? profile.settings
        let runID =
            try resumed
            ?? store.openRun(
                NewRun(
                    siteName: profile.mall.name, siteDigest: profile.digest, checklist: checklist,
                    toolVersion: options.toolVersion, assessor: assessor, mallAddress: profile.mall.address,
                    mallCreditCode: profile.mall.creditCode, settings: settings,
                    asOf: Self.day(options.asOf, timeZone: settings.timeZone),
                    scope: options.only.flatMap { $0.isEmpty ? nil : $0 })
            ).id

        if resumed == nil { try store.setInputs(inputs, run: runID) }

        let inScope = Set(scope.statements.map(\.id))
        let pending = scope.statements.filter { !alreadyJudged.contains($0.id) }
        let pendingIDs = Set(pending.map(\.id))
        let decisions = Dictionary(profile.notApplicable.map { ($0.statementID, $0) }, uniquingKeysWith: { a, _ in a })
        let findingsByStatement = Dictionary(grouping: findings, by: \.statementID)
        let runnable = probes.filter { probe in
            probe.statementIDs.contains { pendingIDs.contains($0) && decisions[$0] == nil }
        }
        var sourcesLeft: [String: Int] = [:]
        for probe in runnable {
            for statement in Set(probe.statementIDs) where pendingIDs.contains(statement) && decisions[statement] == nil {
                sourcesLeft[statement, default: 0] += 1
            }
        }

        // MARK: judge and store
        var judged = alreadyJudged.intersection(inScope).count
        let total = scope.statements.count
        progress?(AuditProgress(run: runID, judged: judged, total: total, current: ""))
        // Facts the site profile declares (the machine room's floor) are evidence from the start.
        var evidence = Dictionary(grouping: SiteFacts.evidence(profile: profile, checklist: checklist), by: \.statementID)

        let masker = PersonalData(rules: settings.privacy)
        var warnings: [Diagnostic] = linted.filter { $0.severity != .error }
        var carried = 0
        func judgeAndRecord(_ statement: Statement) throws {
            // In a fixed order (probe, then checkpoint), not the order probes happened to finish: the same run
            // always gives the same report.
            var inputs = JudgementInputs(automated: (evidence[statement.id] ?? []).sorted(by: Judgement.evidenceOrder))
            // Findings carried from the earlier run, except those this run's findings re-assess (same target).
            let reassessed = Set((findingsByStatement[statement.id] ?? []).map(\.target))
            for piece in carriedByStatement[statement.id] ?? [] where !reassessed.contains(piece.target) {
                inputs.findings.append(piece)
                carried += 1
            }
            for finding in findingsByStatement[statement.id] ?? [] {
                for file in finding.evidence {
                    warnings += masker.evidenceWarnings(file.url, shownAs: file.written)
                }
                let at = store.timestamp()
                let files = try finding.evidence.map {
                    try store.importEvidence(
                        $0.url, collectedBy: finding.assessor, collectedAt: at, description: $0.description)
                }
                let result = FindingRules.result(for: finding, statement: statement, evidence: files, judgedAt: at)
                if let warning = FindingRules.passWithoutEvidence(finding, stored: result) { warnings.append(warning) }
                inputs.findings.append(result)
            }
            let result = Judgement.judge(
                statement: statement, evidence: inputs.all, decision: decisions[statement.id],
                judgedAt: store.timestamp(), areas: settings.areas)
            try store.record(result, run: runID, inputs: inputs)
            judged += 1
            progress?(AuditProgress(run: runID, judged: judged, total: total, current: statement.id))
        }

        // Statements no probe feeds are judged at once: decisions, findings, or notAssessed.
        for statement in pending where sourcesLeft[statement.id] == nil {
            try judgeAndRecord(statement)
        }
        let byID = Dictionary(pending.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for await outcome in runner.run(runnable, profile: profile, asOf: options.asOf, environment: options.environment) {
            for result in outcome.results where sourcesLeft[result.statementID] != nil {
                evidence[result.statementID, default: []].append(result)
            }
            for statement in Set(outcome.probe.statementIDs) {
                guard let left = sourcesLeft[statement] else { continue }
                if left == 1 {
                    sourcesLeft[statement] = nil
                    if let definition = byID[statement] { try judgeAndRecord(definition) }
                } else {
                    sourcesLeft[statement] = left - 1
                }
            }
        }
        // A runner that ended without reporting every probe: what is left could not be checked.
        for (statementID, _) in sourcesLeft.sorted(by: { $0.key < $1.key }) {
            evidence[statementID, default: []].append(
                StatementResult(
                    statementID: statementID, verdict: .error, source: .probe,
                    reason: "a probe bound to this statement did not report"))
            if let definition = byID[statementID] { try judgeAndRecord(definition) }
        }

        _ = try store.completeRun(runID)
        let results = try store.results(run: runID).filter { inScope.contains($0.statementID) }
        return AuditOutcome(
            run: try store.requireRun(runID), database: databaseURL, scope: scope, results: results,
            scorecard: Scorecard(checklist: scope, results: results), carriedFrom: carriedFrom, carried: carried,
            warnings: warnings)
    }

    /// The calendar day of `date` in the mall's time zone, `YYYY-MM-DD`.
    static func day(_ date: Date, timeZone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: AuditSettings.defaultTimeZone)!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// The checklist restricted to `ids`: statement ids, clause ids meaning all their statements, or section and
    /// chapter numbers (`6.6`, `5`) meaning every clause under them.
    public static func select(_ ids: [String]?, in checklist: Checklist) throws -> Checklist {
        guard let ids, !ids.isEmpty else { return checklist }
        var wanted: Set<String> = []
        var unknown: [String] = []
        let clauses = checklist.chapters.flatMap(\.clauses)
        for id in ids {
            if checklist.statement(id) != nil {
                wanted.insert(id)
            } else if let clause = checklist.clause(id) {
                wanted.formUnion(clause.statements.map(\.id))
            } else {
                let under = clauses.filter { $0.id.hasPrefix(id + ".") }
                if under.isEmpty { unknown.append(id) }
                wanted.formUnion(under.flatMap { $0.statements.map(\.id) })
            }
        }
        guard unknown.isEmpty else {
            throw DiagnosticsError(unknown.map {
                Diagnostic(file: nil, message: "--only names unknown id '\($0)'",
                           expected: "statement ids (5.1.2-3, 6.1.d), clause ids (5.2.5) or section numbers (6.6) "
                               + "of the checklist")
            })
        }
        var scoped = checklist
        scoped.chapters = checklist.chapters.compactMap { chapter in
            var chapter = chapter
            chapter.clauses = chapter.clauses.compactMap { clause in
                var clause = clause
                clause.statements = clause.statements.filter { wanted.contains($0.id) }
                return clause.statements.isEmpty ? nil : clause
            }
            return chapter.clauses.isEmpty ? nil : chapter
        }
        return scoped
    }
}
