import AuditChecklist
import AuditModel
import AuditProbes
import AuditSite
import AuditSupport
import Foundation

/// `mallaudit probe`: runs the probes of a site profile without storing anything, and judges each statement
/// the probes give evidence for (not-applicable decisions of the profile are honoured and shown).
public enum ProbeSession {
    public struct Outcome: Sendable {
        public var profile: SiteProfile
        public var checklist: Checklist
        /// One per statement that some probe covers, in checklist order.
        public var results: [StatementResult]
        public var probesRun: Int
    }

    public static func run(
        site: URL, only: [String]?, checklist checklistURL: URL?, asOf: Date, environment: [String: String],
        runner: any ProbeRunning, progress: (@Sendable (Int, Int, String) -> Void)? = nil
    ) async throws -> Outcome {
        let profile = try SiteProfile.load(site)
        let checklist = try ChecklistLoader.load(file: checklistURL ?? ChecklistLocator.defaultChecklist())
        let probes = try ProbeDefinitionLoader.load(profile.probePaths)
        // The checks of `mallaudit lint` first (template markers, contradictions, data paths).
        var problems = try SiteLint.problems(profile).filter { $0.severity == .error }
        problems += profile.unknownStatements(in: checklist)
        for probe in probes { problems += probe.problems(profile: profile, checklist: checklist) }
        let scope = Set(try AuditEngine.select(only, in: checklist).statements.map(\.id))
        let selected = probes.filter { $0.statementIDs.contains(where: scope.contains) }
        problems += SecretCheck.unset(profile: profile, probes: selected, environment: environment)
        guard problems.isEmpty else { throw DiagnosticsError(problems) }

        var evidence: [String: [StatementResult]] = [:]
        var done = 0
        for await outcome in runner.run(selected, profile: profile, asOf: asOf, environment: environment) {
            done += 1
            progress?(done, selected.count, outcome.probe.id)
            for result in outcome.results where scope.contains(result.statementID) {
                evidence[result.statementID, default: []].append(result)
            }
        }
        let decisions = Dictionary(profile.notApplicable.map { ($0.statementID, $0) }, uniquingKeysWith: { a, _ in a })
        let masker = PersonalData(rules: profile.privacy)
        let results = checklist.statements.filter { evidence[$0.id] != nil }.map {
            Judgement.judge(
                statement: $0, evidence: (evidence[$0.id] ?? []).sorted(by: Judgement.evidenceOrder),
                decision: decisions[$0.id], judgedAt: nil,
                areas: profile.areas
            ).masked(by: masker)
        }
        return Outcome(profile: profile, checklist: checklist, results: results, probesRun: selected.count)
    }
}
