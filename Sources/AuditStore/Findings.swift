import AuditModel
import Foundation

/// The verdicts an inspector can give. `error` is not among them: it means a device or data could not be
/// checked, which is what probes report.
public enum ManualVerdict: String, Sendable, Hashable, Codable, CaseIterable {
    case pass, fail, notApplicable, notAssessed

    public var verdict: Verdict {
        switch self {
        case .pass: .pass
        case .fail: .fail
        case .notApplicable: .notApplicable
        case .notAssessed: .notAssessed
        }
    }
}

/// Where something was written, for diagnostics: a findings file and line, or a command-line option.
public struct SourceLocation: Sendable, Hashable {
    public var file: String?
    public var line: Int?
    public var column: Int?

    public init(file: String?, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }
}

/// One file an inspector offers as evidence.
public struct FindingEvidence: Sendable, Hashable {
    /// The path as written (relative to the findings file, or to the working directory on the command line).
    public var written: String
    /// The resolved file.
    public var url: URL
    public var description: String?
    public var location: SourceLocation?

    public init(written: String, url: URL, description: String? = nil, location: SourceLocation? = nil) {
        self.written = written
        self.url = url
        self.description = description
        self.location = location
    }
}

/// An inspector's finding on one statement or one of its checkpoints, from a findings file or `mallaudit assess`.
public struct ManualFinding: Sendable, Hashable {
    /// What the finding is about, as written: a statement id (`5.2.5-6`) — covering every checkpoint of the
    /// statement — or a checkpoint id (`5.1.2-2/keywordFilter`).
    public var target: String
    public var verdict: ManualVerdict
    public var note: String?
    public var evidence: [FindingEvidence]
    /// Why the statement does not apply; required for `notApplicable`.
    public var justification: String?
    /// Who made the finding.
    public var assessor: String
    /// Where the finding was written (its `statement:` line in a findings file).
    public var location: SourceLocation?

    public init(
        target: String, verdict: ManualVerdict, note: String? = nil, evidence: [FindingEvidence] = [],
        justification: String? = nil, assessor: String, location: SourceLocation? = nil
    ) {
        self.target = target
        self.verdict = verdict
        self.note = note
        self.evidence = evidence
        self.justification = justification
        self.assessor = assessor
        self.location = location
    }

    /// The statement the finding is about.
    public var statementID: String { Checkpoint.split(target).statement }
    /// The checkpoint id when the finding is about one checkpoint.
    public var checkpointID: String? { Checkpoint.split(target).checkpoint == nil ? nil : target }
}

/// The rules for manual findings, independent of where they are stored.
///
/// - A finding for a statement the checklist does not have is an error naming the file, line and id.
/// - A missing evidence file (or a folder, a FIFO, a device, a file of /proc or /sys, a file over the evidence limit
///   given as one) is an error naming it.
/// - `notApplicable` without a justification is refused.
/// - A manual `pass` on a statement whose `manualPassNeedsEvidence` is true, with no evidence file, is stored as
///   `notAssessed` with that reason: a shall statement never passes on a word alone.
public enum FindingRules {
    /// Every problem with `findings` against `checklist`; empty when all can be recorded. Evidence must be a
    /// readable regular file of at most `evidenceLimit` bytes, outside the kernel's pseudo file systems
    /// (see ``EvidenceFiles``).
    public static func validate(
        _ findings: [ManualFinding], checklist: Checklist, evidenceLimit: Int64 = EvidenceFiles.defaultSizeLimit
    ) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var seen: [String: Int?] = [:]
        for finding in findings {
            let at = finding.location
            func problem(_ message: String, expected: String? = nil, location: SourceLocation? = nil) {
                let place = location ?? at
                diagnostics.append(
                    Diagnostic(
                        file: place?.file, line: place?.line, column: place?.column, message: message,
                        expected: expected))
            }
            if checklist.statement(finding.statementID) == nil {
                problem(
                    "unknown statement id '\(finding.target)' (not in checklist \(checklist.version))",
                    expected: expectedID(near: finding.statementID, in: checklist))
            } else if checklist.target(finding.target) == nil {
                let statement = checklist.statement(finding.statementID)!
                let known = statement.checkpoints.map(\.id)
                problem(
                    "statement \(statement.id) has no checkpoint '\(Checkpoint.split(finding.target).checkpoint ?? "")'",
                    expected: known.isEmpty
                        ? "\(statement.id) itself (it carries one obligation)"
                        : "\(statement.id) (all of it) or one of \(known.joined(separator: ", "))")
            } else if let earlier = seen[finding.target] {
                let first = earlier.map { " (the first is on line \($0))" } ?? ""
                problem(
                    "a second finding for \(finding.target)\(first)",
                    expected: "one finding per statement or checkpoint")
            } else if finding.verdict == .notApplicable, finding.checkpointID != nil {
                problem(
                    "\(finding.target): a checkpoint cannot be not applicable on its own",
                    expected: "notApplicable on the whole statement \(finding.statementID)")
            }
            seen.updateValue(at?.line, forKey: finding.target)
            if finding.assessor.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                problem(
                    "no assessor for the finding on \(finding.target)",
                    expected: "the inspector's name: `assessor: NAME` in the findings file, or --assessor NAME")
            }
            if finding.verdict == .notApplicable,
                (finding.justification ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            {
                problem(
                    "\(finding.statementID): notApplicable without a justification is refused",
                    expected: "a justification saying why the statement does not apply to this mall")
            }
            for file in finding.evidence {
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: file.url.path, isDirectory: &isDirectory) {
                    // A finding given on the command line has no file: its evidence is relative to where it was typed.
                    let base = file.location?.file == nil ? "the working directory" : "the findings file"
                    problem(
                        "evidence file '\(file.written)' not found (looked for \(file.url.path))",
                        expected: "an existing file, relative to \(base)", location: file.location)
                } else if isDirectory.boolValue {
                    problem(
                        "evidence '\(file.written)' is a folder (\(file.url.path))", expected: "a file",
                        location: file.location)
                } else if let refusal = EvidenceFiles.problem(file.url, limit: evidenceLimit) {
                    // A FIFO, a device, a file of /proc or /sys, a file over the limit: refused here, at its line.
                    problem(
                        "evidence '\(file.written)' \(refusal.reason) (\(file.url.path))", expected: refusal.expected,
                        location: file.location)
                }
            }
        }
        return diagnostics
    }

    /// A warning for a finding that asked for a pass but was stored as `result` = notAssessed because it has no
    /// evidence (a shall statement never passes on a word alone); nil for any other finding.
    public static func passWithoutEvidence(_ finding: ManualFinding, stored result: StatementResult) -> Diagnostic? {
        guard finding.verdict == .pass, result.verdict == .notAssessed, result.evidence.isEmpty else { return nil }
        let how = finding.location?.file == nil ? "--evidence FILE" : "`evidence: [FILE]`"
        return Diagnostic(
            .warning, file: finding.location?.file, line: finding.location?.line,
            message: "\(finding.target): pass without evidence stored as notAssessed (a manual pass on this statement "
                + "needs at least one evidence file: add \(how))")
    }

    /// The result a valid finding becomes, given its evidence already imported into the store: a piece of evidence
    /// bound to the finding's statement or checkpoint.
    public static func result(
        for finding: ManualFinding, statement: Statement, evidence: [EvidenceRef], judgedAt: String
    ) -> StatementResult {
        let note = finding.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        let noteText = (note?.isEmpty ?? true) ? nil : note
        let checkpoint = finding.checkpointID.flatMap { statement.checkpoint($0) }
        let needsEvidence =
            checkpoint?.manualPassNeedsEvidence(modality: statement.modality) ?? statement.manualPassNeedsEvidence
        switch finding.verdict {
        case .notApplicable:
            let justification = (finding.justification ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return StatementResult(
                statementID: finding.statementID, verdict: .notApplicable, source: .manual, producer: finding.assessor,
                reason: justification, evidence: evidence,
                notApplicable: NotApplicableDecision(
                    statementID: finding.statementID, justification: justification, decidedBy: finding.assessor,
                    decidedAt: judgedAt),
                judgedAt: judgedAt)
        case .pass where needsEvidence && evidence.isEmpty:
            let methods = (checkpoint?.methods ?? statement.methods).map(\.rawValue).joined(separator: ", ")
            var reason =
                "manual pass without evidence: \(finding.target) is a \(statement.modality.rawValue) "
                + "\(checkpoint == nil ? "statement" : "checkpoint") assessed by \(methods), so a pass needs at least "
                + "one evidence file; recorded as notAssessed"
            if let noteText { reason += ". Inspector's note: \(noteText)" }
            return StatementResult(
                statementID: finding.statementID, verdict: .notAssessed, source: .manual, producer: finding.assessor,
                reason: reason, judgedAt: judgedAt, checkpointID: finding.checkpointID)
        default:
            let reason = noteText ?? "manual finding by \(finding.assessor): \(finding.verdict.rawValue)"
            return StatementResult(
                statementID: finding.statementID, verdict: finding.verdict.verdict, source: .manual,
                producer: finding.assessor, reason: reason, evidence: evidence, judgedAt: judgedAt,
                checkpointID: finding.checkpointID)
        }
    }

    /// What a valid id looks like, with the closest ids of the checklist when there are any.
    static func expectedID(near id: String, in checklist: Checklist) -> String {
        let clause = id.split(whereSeparator: { $0 == "-" }).first.map(String.init) ?? id
        var candidates = checklist.statements.map(\.id).filter { $0.hasPrefix(clause) }
        if candidates.isEmpty, let dot = clause.lastIndex(of: ".") {
            let parent = String(clause[..<dot])
            candidates = checklist.statements.map(\.id).filter {
                $0.hasPrefix(parent + ".") || $0.hasPrefix(parent + "-")
            }
        }
        if candidates.isEmpty { return "a statement id of the checklist, such as 5.1.1-1 or 6.1.d" }
        return "a statement id of the checklist, such as " + candidates.prefix(6).joined(separator: ", ")
    }
}

extension AuditStore {
    /// Records manual findings into a run: validates all of them first (against `checklist`, by default the
    /// run's own), so that nothing is recorded when any is wrong; then copies each finding's evidence into the
    /// store and records its result in its own transaction. Returns the stored results, in the findings' order.
    ///
    /// - Throws: `DiagnosticsError` listing every problem (unknown id with file and line, missing evidence file,
    ///   N/A without justification); `StoreError` when the store cannot go on.
    @discardableResult
    public func record(findings: [ManualFinding], run: Int64, checklist: Checklist? = nil) throws
        -> [StatementResult]
    {
        _ = try requireRun(run)
        let checklist = try checklist ?? self.checklist(run: run)
        let problems = FindingRules.validate(findings, checklist: checklist, evidenceLimit: try EvidenceFiles.sizeLimit())
        guard problems.isEmpty else { throw DiagnosticsError(problems) }
        var stored: [StatementResult] = []
        let existing = Dictionary(try results(run: run).map { ($0.statementID, $0) }, uniquingKeysWith: { a, _ in a })
        let settings = try settings(run: run)
        var inputsByStatement: [String: JudgementInputs] = [:]
        for finding in findings {
            guard let statement = checklist.statement(finding.statementID) else { continue }
            let judgedAt = timestamp()
            let evidence = try finding.evidence.map {
                try importEvidence(
                    $0.url, collectedBy: finding.assessor, collectedAt: judgedAt, description: $0.description)
            }
            let piece = FindingRules.result(for: finding, statement: statement, evidence: evidence, judgedAt: judgedAt)
            // A finding adds to what probes and data checks found; it never silently replaces it (a manual pass
            // cannot hide a failed probe). An earlier finding on the same statement or checkpoint is replaced (the
            // inspector corrects it); findings on the statement's other checkpoints stay.
            var inputs = try inputsByStatement[statement.id] ?? judgementInputs(run: run, statement: statement.id)
            if inputs == nil, let earlier = existing[statement.id], earlier.source == .probe || earlier.source == .data
            {
                inputs = JudgementInputs(automated: [earlier])
            }
            var kept = inputs ?? JudgementInputs()
            kept.findings.removeAll { $0.target == piece.target }
            kept.findings.append(piece)
            let result = Judgement.judge(
                statement: statement, evidence: kept.all, decision: nil, judgedAt: judgedAt, areas: settings.areas)
            try record(result, run: run, inputs: kept)
            inputsByStatement[statement.id] = kept
            stored.append(result)
        }
        return stored
    }
}
