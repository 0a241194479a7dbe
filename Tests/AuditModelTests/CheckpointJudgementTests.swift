import AuditModel
import Foundation
import Testing

private func checkpoint(_ name: String, scope: Scope = .mall) -> Checkpoint {
    Checkpoint(
        id: "5.1.2-2/\(name)", quote: name, text: LocalizedText(zh: name, en: name), methods: [.probe], scope: scope)
}

private let wifiMeasures = Statement(
    id: "5.1.2-2", clauseID: "5.1.2", modality: .shall, text: LocalizedText(zh: "上网实名认证、上网行为审计", en: "x"),
    methods: [.probe, .document], checkpoints: [checkpoint("realName"), checkpoint("behaviourAudit")])

private func piece(
    _ verdict: Verdict, _ checkpoint: String? = nil, source: ResultSource = .probe, producer: String = "p",
    areas: [AreaResult] = [], conclusive: Bool = true
) -> StatementResult {
    StatementResult(
        statementID: "5.1.2-2", verdict: verdict, source: source, producer: producer, reason: "\(producer) said so",
        checkpointID: checkpoint.map { "5.1.2-2/\($0)" }, areas: areas, conclusive: conclusive)
}

@Suite("Judging a statement by its checkpoints")
struct CheckpointJudgementTests {
    @Test("one checkpoint's pass never passes the statement: the other is notAssessed, so the statement is")
    func partial() {
        let result = Judgement.judge(
            statement: wifiMeasures, evidence: [piece(.pass, "realName")], decision: nil, judgedAt: nil)
        #expect(result.verdict == .notAssessed)
        #expect(result.checkpoints.map(\.verdict) == [.pass, .notAssessed])
        #expect(result.reason.contains("behaviourAudit notAssessed"))
    }

    @Test("every checkpoint passing passes the statement")
    func whole() {
        let result = Judgement.judge(
            statement: wifiMeasures, evidence: [piece(.pass, "realName"), piece(.pass, "behaviourAudit", producer: "q")],
            decision: nil, judgedAt: nil)
        #expect(result.verdict == .pass)
        #expect(result.reason.hasPrefix("every checkpoint passes"))
    }

    @Test("worst checkpoint wins", arguments: [
        (Verdict.fail, Verdict.pass, Verdict.fail), (.error, .pass, .error), (.fail, .error, .fail),
        (.error, .notAssessed, .error),
    ])
    func worst(first: Verdict, second: Verdict, expected: Verdict) {
        var evidence = [piece(first, "realName")]
        if second != .notAssessed { evidence.append(piece(second, "behaviourAudit", producer: "q")) }
        let result = Judgement.judge(statement: wifiMeasures, evidence: evidence, decision: nil, judgedAt: nil)
        #expect(result.verdict == expected)
    }

    @Test("a finding on the whole statement covers every checkpoint, but a failed probe on one still fails it")
    func wholeFinding() {
        let finding = piece(.pass, source: .manual, producer: "王工")
        let covered = Judgement.judge(statement: wifiMeasures, evidence: [finding], decision: nil, judgedAt: nil)
        #expect(covered.verdict == .pass)
        #expect(covered.checkpoints.map(\.verdict) == [.pass, .pass])
        let probeFailed = Judgement.judge(
            statement: wifiMeasures, evidence: [piece(.fail, "realName"), finding], decision: nil, judgedAt: nil)
        #expect(probeFailed.verdict == .fail)
        #expect(probeFailed.checkpoints.map(\.verdict) == [.fail, .pass])
    }

    @Test("supporting evidence (conclusive: false) can fail a checkpoint but its pass never counts")
    func supporting() {
        let tls = piece(.pass, "realName", producer: "tls", conclusive: false)
        let alone = Judgement.judge(
            statement: wifiMeasures, evidence: [tls, piece(.pass, "behaviourAudit")], decision: nil, judgedAt: nil)
        #expect(alone.checkpoints.map(\.verdict) == [.notAssessed, .pass])
        #expect(alone.checkpoints[0].reason.contains("only supporting evidence"))
        let withFinding = Judgement.judge(
            statement: wifiMeasures,
            evidence: [tls, piece(.pass, "realName", source: .manual, producer: "王工"), piece(.pass, "behaviourAudit")],
            decision: nil, judgedAt: nil)
        #expect(withFinding.verdict == .pass)
        let failing = Judgement.judge(
            statement: wifiMeasures, evidence: [piece(.fail, "realName", producer: "tls", conclusive: false)],
            decision: nil, judgedAt: nil)
        #expect(failing.checkpoints[0].verdict == .fail)
    }

    @Test("a statement judged before it had checkpoints decodes with none (old stores)")
    func decodesOld() throws {
        let old = #"{"statementID":"5.1.2-2","verdict":"pass","source":"probe","reason":"r","observations":[],"evidence":[]}"#
        let result = try JSONDecoder().decode(StatementResult.self, from: Data(old.utf8))
        #expect(result.checkpoints.isEmpty && result.areas.isEmpty && result.conclusive && result.checkpointID == nil)
        let statement = #"{"id":"5.1.2-2","clauseID":"5.1.2","modality":"shall","text":{"zh":"应","en":"x"},"methods":["probe"]}"#
        let decoded = try JSONDecoder().decode(Statement.self, from: Data(statement.utf8))
        #expect(decoded.checkpoints.isEmpty && decoded.scope == .mall)
    }
}

private let everyArea = Statement(
    id: "5.2.2-1", clauseID: "5.2.2", modality: .shall, text: LocalizedText(zh: "应在商场各区域", en: "x"),
    methods: [.probe], scope: .everyArea)

private func areaPiece(_ verdict: Verdict, areas: [(String, Verdict)], source: ResultSource = .probe) -> StatementResult {
    StatementResult(
        statementID: "5.2.2-1", verdict: verdict, source: source, producer: "iot", reason: "iot",
        areas: areas.map { AreaResult(area: $0.0, verdict: $0.1, reason: "seen in \($0.0)") })
}

@Suite("Judging an every-area statement against the profile's areas")
struct AreaJudgementTests {
    @Test("an area nobody looked at fails by name, even when every area that was looked at passes")
    func missingArea() {
        let result = Judgement.judge(
            statement: everyArea, evidence: [areaPiece(.pass, areas: [("1F", .pass)])], decision: nil, judgedAt: nil,
            areas: ["B1", "1F"])
        #expect(result.verdict == .fail)
        #expect(result.areas.map(\.area) == ["B1", "1F"])
        #expect(result.areas.map(\.verdict) == [.fail, .pass])
        #expect(result.reason.contains("area B1 fail"))
    }

    @Test("every declared area passing passes; areas the profile does not declare are listed, not counted")
    func allAreas() {
        let result = Judgement.judge(
            statement: everyArea,
            evidence: [areaPiece(.pass, areas: [("1F", .pass), ("B1", .pass), ("roof", .fail)])],
            decision: nil, judgedAt: nil, areas: ["B1", "1F"])
        #expect(result.verdict == .pass)
        #expect(result.areas.map(\.verdict) == [.pass, .pass, .notApplicable])
    }

    @Test("a probe that does not say which area it saw can fail the statement but pass no area")
    func blindProbe() {
        let blind = StatementResult(statementID: "5.2.2-1", verdict: .pass, source: .probe, producer: "api", reason: "ok")
        let result = Judgement.judge(
            statement: everyArea, evidence: [blind], decision: nil, judgedAt: nil, areas: ["B1", "1F"])
        #expect(result.verdict == .fail)
        #expect(result.areas.allSatisfy { $0.verdict == .fail })
        var failing = blind
        failing.verdict = .error
        let error = Judgement.judge(
            statement: everyArea, evidence: [failing], decision: nil, judgedAt: nil, areas: ["B1", "1F"])
        #expect(error.verdict == .error)
    }

    @Test("an inspector's finding on the whole statement covers every area")
    func finding() {
        let finding = StatementResult(statementID: "5.2.2-1", verdict: .pass, source: .manual, producer: "王工", reason: "seen")
        let result = Judgement.judge(
            statement: everyArea, evidence: [finding, areaPiece(.error, areas: [("1F", .error)])], decision: nil,
            judgedAt: nil, areas: ["B1", "1F"])
        #expect(result.areas.map(\.verdict) == [.pass, .error])
        #expect(result.verdict == .error)
    }
}
