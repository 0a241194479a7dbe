import AuditModel
import AuditProbes
import AuditSite
import AuditSupport
import AuditStore
import Foundation

/// A findings file: what an inspector fills in on site (YAML).
///
/// ```yaml
/// assessor: 王工               # who made the findings (or give --assessor)
/// findings:
///   - statement: 5.2.5-6       # a statement id of the checklist (严禁玻璃门窗)
///     verdict: fail            # pass | fail | notApplicable | notAssessed
///     note: 机房北墙有玻璃窗
///     evidence:                # paths relative to this file
///       - photos/machine-room-north.jpg
///       - path: docs/floor-plan.pdf
///         description: 机房平面图
///   - statement: 6.8.a
///     verdict: notApplicable
///     justification: 商场未设 AR 景观区域，经管委会确认
/// ```
///
/// Reading collects every problem (file, line, what was expected) instead of stopping at the first.
public struct FindingsFile: Sendable {
    /// The file as given.
    public var path: String
    /// The top-level `assessor`, if any.
    public var assessor: String?
    public var findings: [ManualFinding]

    static let topKeys: Set<String> = ["assessor", "findings"]
    static let findingKeys: Set<String> = ["statement", "verdict", "note", "evidence", "justification", "assessor"]

    /// Reads `url`. A finding's assessor is its own `assessor`, else the file's, else `defaultAssessor`.
    /// Evidence paths are resolved against the file's folder (absolute paths are kept).
    ///
    /// - Throws: `DiagnosticsError` with every problem found (syntax, unknown keys, bad verdicts, missing
    ///   statement or assessor).
    public static func load(_ url: URL, defaultAssessor: String? = nil) throws -> FindingsFile {
        let root = try YAMLValue.load(url)
        let folder = url.deletingLastPathComponent()
        var problems: [Diagnostic] = []
        func collect(_ body: () throws -> Void) {
            do { try body() } catch let error as DiagnosticsError { problems += error.diagnostics } catch {
                problems.append(Diagnostic(file: url.path, message: "\(error)"))
            }
        }

        var fileAssessor: String?
        var findings: [ManualFinding] = []
        collect {
            try root.requireKeys(in: topKeys)
            fileAssessor = try root["assessor"]?.nonEmptyString(expected: "the inspector's name")
        }
        let list: [YAMLValue]
        do {
            list = try root.required("findings", expected: "a list of findings (statement, verdict, …)").items()
        } catch let error as DiagnosticsError {
            throw DiagnosticsError(problems + error.diagnostics)
        }
        for item in list {
            collect {
                if let finding = try finding(item, folder: folder, assessor: fileAssessor ?? defaultAssessor) {
                    findings.append(finding)
                }
            }
        }
        guard problems.isEmpty else { throw DiagnosticsError(problems) }
        return FindingsFile(path: url.path, assessor: fileAssessor, findings: findings)
    }

    private static func finding(_ item: YAMLValue, folder: URL, assessor fallback: String?) throws -> ManualFinding? {
        try item.requireKeys(in: findingKeys)
        let statement = try item.required("statement", expected: "a statement id such as 5.2.5-4")
        let id = try statement.nonEmptyString(expected: "a statement id such as 5.2.5-4")
        let verdictNode = try item.required("verdict", expected: "pass, fail, notApplicable or notAssessed")
        guard let verdict = ManualVerdict(rawValue: try verdictNode.choice(ManualVerdict.allCases.map(\.rawValue)))
        else { return nil }
        let note = try item["note"]?.string()
        let justification = try item["justification"]?.string()
        // No assessor at all is reported by FindingRules.validate, with the finding's line.
        let assessor = try item["assessor"]?.nonEmptyString(expected: "the inspector's name") ?? fallback ?? ""
        var evidence: [FindingEvidence] = []
        if let list = item["evidence"] {
            let entries: [YAMLValue]
            if case .sequence = list.node { entries = try list.items() } else { entries = [list] }
            for entry in entries {
                let written: String
                var description: String?
                if case .mapping = entry.node {
                    try entry.requireKeys(in: ["path", "description"])
                    written = try entry.required("path", expected: "the evidence file's path").nonEmptyString()
                    description = try entry["description"]?.string()
                } else {
                    written = try entry.nonEmptyString(expected: "an evidence file path")
                }
                evidence.append(
                    FindingEvidence(
                        written: written, url: resolve(written, against: folder), description: description,
                        location: SourceLocation(file: entry.file, line: entry.line, column: entry.column)))
            }
        }
        return ManualFinding(
            target: id, verdict: verdict, note: note, evidence: evidence, justification: justification,
            assessor: assessor,
            location: SourceLocation(file: statement.file, line: statement.line, column: statement.column))
    }

    static func resolve(_ path: String, against folder: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
        return folder.appendingPathComponent(expanded).standardizedFileURL
    }
}

/// `mallaudit assess`: recording manual findings into a stored run.
public enum ManualAssessment {
    /// What was stored.
    public struct Outcome: Sendable {
        public var run: Int64
        public var results: [StatementResult]
        /// Warnings, file and line each: a pass recorded as notAssessed for want of evidence (never silent), evidence
        /// files that hold personal identifiers (kept as given, never quoted).
        public var warnings: [Diagnostic]

        init(run: Int64, findings: [ManualFinding], results: [StatementResult], evidence: [Diagnostic]) {
            self.run = run
            self.results = results
            warnings = zip(findings, results).compactMap { FindingRules.passWithoutEvidence($0, stored: $1) } + evidence
        }
    }

    static func warnings(_ findings: [ManualFinding], store: AuditStore, run: Int64) throws -> [Diagnostic] {
        let masker = try store.masker(run: run)
        return findings.flatMap { finding in
            finding.evidence.flatMap { masker.evidenceWarnings($0.url, shownAs: $0.written) }
        }
    }

    /// Records one finding given on the command line. Evidence paths are relative to the working directory.
    /// The assessor is `assessor`, else the run's assessor.
    public static func assess(
        database: String, run reference: String, statement: String, verdict: ManualVerdict, note: String?,
        evidence: [String], justification: String?, assessor: String?
    ) throws -> Outcome {
        let store = try AuditStore(path: database, create: false)
        let run = try store.requireRun(store.resolveRun(reference))
        // No assessor at all is reported by FindingRules.validate, together with any other problem.
        let who = nonEmpty(assessor) ?? nonEmpty(run.assessor) ?? ""
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        // Typed on the command line: no file, and evidence relative to the working directory.
        let where_ = SourceLocation(file: nil)
        let finding = ManualFinding(
            target: statement, verdict: verdict, note: note,
            evidence: evidence.map {
                FindingEvidence(written: $0, url: FindingsFile.resolve($0, against: here), location: where_)
            },
            justification: justification, assessor: who, location: where_)
        return Outcome(
            run: run.id, findings: [finding], results: try store.record(findings: [finding], run: run.id),
            evidence: try warnings([finding], store: store, run: run.id))
    }

    /// Records every finding of a findings file; nothing is recorded when any finding is wrong.
    public static func importFindings(database: String, run reference: String, file: String, assessor: String?)
        throws -> Outcome
    {
        let store = try AuditStore(path: database, create: false)
        let run = try store.requireRun(store.resolveRun(reference))
        let findings = try FindingsFile.load(
            URL(fileURLWithPath: file), defaultAssessor: nonEmpty(assessor) ?? nonEmpty(run.assessor))
        return Outcome(
            run: run.id, findings: findings.findings, results: try store.record(findings: findings.findings, run: run.id),
            evidence: try warnings(findings.findings, store: store, run: run.id))
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }
}
