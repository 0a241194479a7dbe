/// How one statement's verdict is reached from everything gathered about it.
///
/// Rules, in order:
/// 1. A recorded not-applicable decision (justified, attributed — from the site profile or an inspector's finding)
///    makes it `notApplicable`.
/// 2. Otherwise the verdict is the worst of all evidence — probes, data checks and the inspector's finding:
///    fail > error > notAssessed > pass. An unreachable device cannot be outvoted by a pass elsewhere, and a manual
///    pass cannot hide a failed probe.
/// 3. No evidence at all is `notAssessed` — never a pass.
public enum Judgement {
    public static func judge(
        statement: Statement, evidence: [StatementResult], decision: NotApplicableDecision?, judgedAt: String?
    ) -> StatementResult {
        if let decision = decision ?? evidence.lazy.compactMap(\.notApplicable).first {
            return StatementResult(
                statementID: statement.id, verdict: .notApplicable, source: .decision, producer: decision.decidedBy,
                reason: decision.justification, observations: evidence.flatMap(\.observations),
                evidence: evidence.flatMap(\.evidence), notApplicable: decision, judgedAt: judgedAt)
        }
        let applicable = evidence.filter { $0.verdict != .notApplicable }
        guard !applicable.isEmpty else {
            return StatementResult(
                statementID: statement.id, verdict: .notAssessed, source: .none,
                reason: "no probe, data check or finding covers this statement (methods: "
                    + statement.methods.map(\.rawValue).joined(separator: ", ") + ")",
                judgedAt: judgedAt)
        }
        if applicable.count == 1 {
            var only = applicable[0]
            only.judgedAt = judgedAt
            return only
        }
        let worst = applicable.max { $0.verdict.severity < $1.verdict.severity }!
        let ordered = applicable.sorted { $0.verdict.severity > $1.verdict.severity }
        return StatementResult(
            statementID: statement.id, verdict: worst.verdict, source: worst.source,
            producer: ordered.compactMap(\.producer).joined(separator: ", "),
            measurement: ordered.compactMap(\.measurement).first,
            reason: ordered.map { "[\($0.producer ?? $0.source.rawValue): \($0.verdict.rawValue)] \($0.reason)" }
                .joined(separator: "; "),
            observations: ordered.flatMap(\.observations), evidence: ordered.flatMap(\.evidence),
            judgedAt: judgedAt)
    }
}
