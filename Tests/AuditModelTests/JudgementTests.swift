import AuditModel
import Testing

private let statement = Statement(
    id: "5.2.5-4", clauseID: "5.2.5", modality: .shall, text: LocalizedText(zh: "设置除湿和水浸警告设备", en: "x"),
    methods: [.probe, .inspection])

private func evidence(_ verdict: Verdict, _ producer: String) -> StatementResult {
    StatementResult(statementID: statement.id, verdict: verdict, source: .probe, producer: producer, reason: producer)
}

@Suite("Judging a statement from its evidence")
struct JudgementTests {
    @Test("no evidence is notAssessed, never a pass")
    func noEvidence() {
        let result = Judgement.judge(statement: statement, evidence: [], decision: nil, judgedAt: nil)
        #expect(result.verdict == .notAssessed)
        #expect(result.reason.contains("probe, inspection"))
    }

    @Test("the worst evidence wins", arguments: [
        ([Verdict.pass, .pass], Verdict.pass),
        ([.pass, .fail], .fail),
        ([.pass, .error], .error),
        ([.error, .fail], .fail),
        ([.pass, .notAssessed], .notAssessed),
    ])
    func worstWins(verdicts: [Verdict], expected: Verdict) {
        let result = Judgement.judge(
            statement: statement, evidence: verdicts.enumerated().map { evidence($1, "p\($0)") }, decision: nil,
            judgedAt: "2026-11-20T10:00:00Z")
        #expect(result.verdict == expected)
        #expect(result.judgedAt == "2026-11-20T10:00:00Z")
        if verdicts.count > 1 { #expect(result.reason.contains("p0") && result.reason.contains("p1")) }
    }

    @Test("a justified decision makes it notApplicable and keeps who decided")
    func decision() {
        let decision = NotApplicableDecision(statementID: statement.id, justification: "无机房", decidedBy: "张三")
        let result = Judgement.judge(
            statement: statement, evidence: [evidence(.fail, "p")], decision: decision, judgedAt: nil)
        #expect(result.verdict == .notApplicable)
        #expect(result.notApplicable?.decidedBy == "张三")
        #expect(result.reason == "无机房")
    }
}

@Suite("Judging with an inspector's not-applicable finding")
struct JudgementDecisionFromFindingTests {
    @Test("a justified N/A finding among the evidence makes the statement notApplicable")
    func findingDecision() {
        let decision = NotApplicableDecision(statementID: statement.id, justification: "无地下二层", decidedBy: "王工")
        let finding = StatementResult(
            statementID: statement.id, verdict: .notApplicable, source: .manual, producer: "王工",
            reason: "无地下二层", notApplicable: decision)
        let result = Judgement.judge(
            statement: statement, evidence: [evidence(.fail, "probe"), finding], decision: nil, judgedAt: nil)
        #expect(result.verdict == .notApplicable)
        #expect(result.notApplicable?.justification == "无地下二层")
    }
}
