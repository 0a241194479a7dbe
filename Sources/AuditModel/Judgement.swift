/// How one statement's verdict is reached from everything gathered about it.
///
/// Rules, in order:
/// 1. A recorded not-applicable decision (justified, attributed — from the site profile or an inspector's finding)
///    makes it `notApplicable`.
/// 2. A statement whose words carry several obligations holds checkpoints. Each checkpoint is judged on the evidence
///    bound to it plus the evidence bound to the whole statement (an inspector's finding on the whole statement
///    covers every checkpoint). The statement's verdict is the worst of its checkpoints: it passes only when every
///    checkpoint has passing evidence; a checkpoint nothing covered is `notAssessed`, so the statement is at best
///    `notAssessed`, never `pass`.
/// 3. Otherwise (and within each checkpoint) the verdict is the worst of all evidence — probes, data checks and the
///    inspector's finding: fail > error > notAssessed > pass. An unreachable device cannot be outvoted by a pass
///    elsewhere, and a manual pass cannot hide a failed probe.
/// 4. An obligation that must hold in every area (`Scope.everyArea`) is judged against the areas the site profile
///    declares — never against what a mall system says about itself. Each area needs its own passing evidence: an
///    area no probe saw fails, naming the area. A probe or data check that does not say which area it saw can fail
///    the obligation but cannot pass an area; an inspector's finding on the whole obligation covers every area.
/// 5. No evidence at all is `notAssessed` — never a pass.
public enum Judgement {
    public static func judge(
        statement: Statement, evidence: [StatementResult], decision: NotApplicableDecision?, judgedAt: String?,
        areas: [String] = []
    ) -> StatementResult {
        let decidingPiece = decision == nil ? evidence.first { $0.notApplicable != nil } : nil
        if let decision = decision ?? decidingPiece?.notApplicable {
            // A decision of the site profile is a `decision`; one from a piece of evidence (an inspector's finding,
            // a fact the profile declares) keeps that piece's source.
            let source = decidingPiece?.source ?? .decision
            return StatementResult(
                statementID: statement.id, verdict: .notApplicable, source: source, producer: decision.decidedBy,
                reason: decision.justification, observations: evidence.flatMap(\.observations),
                evidence: unique(evidence.flatMap(\.evidence)), notApplicable: decision, judgedAt: judgedAt)
        }
        let applicable = evidence.filter { $0.verdict != .notApplicable }
        guard !statement.checkpoints.isEmpty else {
            var result = combine(
                applicable, statementID: statement.id, judgedAt: judgedAt,
                nothing: "no probe, data check or finding covers this statement (methods: "
                    + statement.methods.map(\.rawValue).joined(separator: ", ") + ")")
            if statement.scope == .everyArea, !applicable.isEmpty {
                let perArea = areaVerdicts(applicable, declared: areas)
                result.areas = perArea
                applyAreas(perArea, to: &result.verdict, reason: &result.reason, label: statement.id)
            }
            return result
        }

        var checkpointResults: [CheckpointResult] = []
        for checkpoint in statement.checkpoints {
            let pieces = applicable.filter { $0.checkpointID == nil || $0.checkpointID == checkpoint.id }
            var combined = combine(
                pieces, statementID: statement.id, judgedAt: judgedAt,
                nothing: "nothing covers “\(checkpoint.quote)” (methods: "
                    + checkpoint.methods.map(\.rawValue).joined(separator: ", ") + ")")
            var perArea: [AreaResult] = []
            if checkpoint.scope == .everyArea, !pieces.isEmpty {
                perArea = areaVerdicts(pieces, declared: areas)
                applyAreas(perArea, to: &combined.verdict, reason: &combined.reason, label: checkpoint.id)
            }
            checkpointResults.append(
                CheckpointResult(
                    checkpointID: checkpoint.id, verdict: combined.verdict, source: combined.source,
                    producer: combined.producer, reason: combined.reason, evidence: combined.evidence, areas: perArea))
        }
        let worst = checkpointResults.max { $0.verdict.severity < $1.verdict.severity }!
        let open = checkpointResults.filter { $0.verdict != .pass }
        let reason: String
        if open.isEmpty {
            reason = "every checkpoint passes: " + checkpointResults.map { name($0.checkpointID) }
                .joined(separator: ", ")
        } else {
            reason = open.map { "\(name($0.checkpointID)) \($0.verdict.rawValue): \($0.reason)" }
                .joined(separator: "; ")
        }
        let ordered = worstFirst(applicable)
        return StatementResult(
            statementID: statement.id, verdict: worst.verdict, source: worst.source,
            producer: orderedUnique(ordered.compactMap(\.producer)).joined(separator: ", ").nilIfEmpty,
            measurement: ordered.compactMap(\.measurement).first, reason: reason,
            observations: ordered.flatMap(\.observations), evidence: unique(ordered.flatMap(\.evidence)),
            judgedAt: judgedAt, checkpoints: checkpointResults)
    }

    /// A fixed order for evidence gathered concurrently: by producer, then checkpoint, then verdict.
    public static func evidenceOrder(_ lhs: StatementResult, _ rhs: StatementResult) -> Bool {
        (lhs.producer ?? "", lhs.checkpointID ?? "", lhs.verdict.rawValue, lhs.reason)
            < (rhs.producer ?? "", rhs.checkpointID ?? "", rhs.verdict.rawValue, rhs.reason)
    }

    /// `pieces` worst first; pieces of equal severity keep their given order.
    static func worstFirst(_ pieces: [StatementResult]) -> [StatementResult] {
        pieces.enumerated().sorted { lhs, rhs in
            lhs.element.verdict.severity != rhs.element.verdict.severity
                ? lhs.element.verdict.severity > rhs.element.verdict.severity : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// The worst of `pieces` as one result (no checkpoints); `nothing` is the reason when there are none.
    static func combine(_ all: [StatementResult], statementID: String, judgedAt: String?, nothing: String)
        -> StatementResult
    {
        // Evidence that can fail an obligation but cannot pass it alone: its pass is shown, never counted.
        let supporting = all.filter { !$0.conclusive && $0.verdict == .pass }
        let pieces = all.filter { $0.conclusive || $0.verdict != .pass }
        guard !pieces.isEmpty else {
            guard !supporting.isEmpty else {
                return StatementResult(
                    statementID: statementID, verdict: .notAssessed, source: .none, reason: nothing, judgedAt: judgedAt)
            }
            return StatementResult(
                statementID: statementID, verdict: .notAssessed, source: .none,
                producer: supporting.compactMap(\.producer).joined(separator: ", "),
                reason: "only supporting evidence, which cannot settle it alone: "
                    + supporting.map { "[\($0.producer ?? $0.source.rawValue): pass] \($0.reason)" }
                    .joined(separator: "; "),
                observations: supporting.flatMap(\.observations), evidence: supporting.flatMap(\.evidence),
                judgedAt: judgedAt)
        }
        if pieces.count == 1 {
            var only = pieces[0]
            only.statementID = statementID
            only.judgedAt = judgedAt
            only.checkpointID = nil
            return only
        }
        let ordered = worstFirst(pieces)
        let worst = ordered[0]
        return StatementResult(
            statementID: statementID, verdict: worst.verdict, source: worst.source,
            producer: ordered.compactMap(\.producer).joined(separator: ", "),
            measurement: ordered.compactMap(\.measurement).first,
            reason: ordered.map { "[\($0.producer ?? $0.source.rawValue): \($0.verdict.rawValue)] \($0.reason)" }
                .joined(separator: "; "),
            observations: ordered.flatMap(\.observations), evidence: ordered.flatMap(\.evidence),
            judgedAt: judgedAt, areas: ordered.flatMap(\.areas))
    }

    /// Each declared area's verdict from `pieces` (rule 4). Areas some piece reported that the profile does not
    /// declare are listed after them, as seen, and do not count.
    static func areaVerdicts(_ pieces: [StatementResult], declared: [String]) -> [AreaResult] {
        // An inspector's finding on the whole obligation covers every area; a probe that did not say which area it
        // saw can only fail it.
        let covering = pieces.filter { $0.areas.isEmpty && $0.source == .manual }
        let blind = pieces.filter { $0.areas.isEmpty && $0.source != .manual && $0.verdict != .pass }
        var results: [AreaResult] = []
        for area in declared {
            var seen = pieces.flatMap(\.areas).filter { $0.area == area }
            seen += covering.map { AreaResult(area: area, verdict: $0.verdict, reason: $0.reason) }
            seen += blind.map { AreaResult(area: area, verdict: $0.verdict, reason: $0.reason) }
            guard let worst = seen.max(by: { $0.verdict.severity < $1.verdict.severity }) else {
                results.append(
                    AreaResult(
                        area: area, verdict: .fail,
                        reason: "no evidence for area \(area) (declared in the site profile's areas)"))
                continue
            }
            results.append(AreaResult(area: area, verdict: worst.verdict, reason: worst.reason))
        }
        let undeclared = orderedUnique(pieces.flatMap(\.areas).map(\.area).filter { !declared.contains($0) })
        for area in undeclared {
            results.append(
                AreaResult(area: area, verdict: .notApplicable, reason: "area \(area) is not in the site profile's areas"))
        }
        return results
    }

    /// Folds the declared areas' verdicts into an obligation's verdict and reason.
    static func applyAreas(_ perArea: [AreaResult], to verdict: inout Verdict, reason: inout String, label: String) {
        let judged = perArea.filter { $0.verdict != .notApplicable }
        guard !judged.isEmpty else { return }
        let worst = judged.max { $0.verdict.severity < $1.verdict.severity }!
        if worst.verdict.severity > verdict.severity { verdict = worst.verdict }
        let open = judged.filter { $0.verdict != .pass }
        if open.isEmpty {
            if verdict == .pass {
                reason = "every area passes (\(judged.map(\.area).joined(separator: ", "))): " + reason
            }
        } else {
            reason = open.map { "area \($0.area) \($0.verdict.rawValue): \($0.reason)" }.joined(separator: "; ")
                + (verdict == worst.verdict && reason.isEmpty ? "" : "; " + reason)
        }
    }

    private static func name(_ checkpointID: String) -> String { Checkpoint.split(checkpointID).checkpoint ?? checkpointID }

    static func unique(_ evidence: [EvidenceRef]) -> [EvidenceRef] {
        var seen: Set<String> = []
        return evidence.filter { seen.insert($0.sha256 + "\u{0}" + $0.name).inserted }
    }

    static func orderedUnique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
