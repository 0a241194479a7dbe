import AuditModel

/// How a statement's verdict came out of its evidence, in words, for the detailed cards: which pieces there were
/// (each probe, data check, fact of the site profile and inspector's finding with its own verdict), which rule of
/// `Judgement` combined them, and — where it matters — why one piece did not outweigh another (an inspector's
/// "pass" beside a failed probe: the probe's fail stands).
struct VerdictExplanation {
    let text: ReportText

    private var zh: Bool { text.language == .zh }

    /// The lines of the explanation for `entry`, judged from `pieces` (the stored judgement inputs; empty when the
    /// run did not keep them).
    func lines(_ entry: ReportStatement, pieces: [StatementResult]) -> [String] {
        let result = entry.result
        if result.verdict == .notApplicable, let decision = entry.decision {
            return [
                zh
                    ? "不适用：\(text.producer(decision.decidedBy)) 的不适用决定优先于其他证据（判定规则 1）。"
                    : "Not applicable: the decision of \(text.producer(decision.decidedBy)) comes before any other "
                        + "evidence (rule 1 of the judgement)."
            ]
        }
        let applicable = pieces.filter { $0.verdict != .notApplicable }
        let checkpoints = entry.checkpoints
        guard !checkpoints.isEmpty else {
            var lines = [combination(applicable, verdict: result.verdict)]
            if entry.statement.scope == .everyArea, !result.areas.isEmpty { lines.append(areas(result.areas)) }
            return lines
        }
        var lines: [String] = []
        let counts = Dictionary(grouping: checkpoints, by: { $0.result.verdict })
        let tally = Verdict.reportOrder.compactMap { verdict -> String? in
            guard let group = counts[verdict], !group.isEmpty else { return nil }
            return "\(HTMLLabels.verdict(verdict, text.language)) \(group.count)"
        }.joined(separator: zh ? "、" : ", ")
        lines.append(
            zh
                ? "该条款含 \(checkpoints.count) 个检查点（\(tally)），须每个检查点都有通过的证据才能通过；条款取最差的检查点："
                    + "\(HTMLLabels.verdict(result.verdict, text.language))（判定规则 2）。"
                : "The statement has \(checkpoints.count) checkpoints (\(tally)); it passes only when every checkpoint "
                    + "has passing evidence, and takes the worst of them: "
                    + "\(HTMLLabels.verdict(result.verdict, text.language)) (rule 2 of the judgement).")
        for checkpoint in checkpoints where checkpoint.result.verdict != .pass {
            let bound = applicable.filter { $0.checkpointID == nil || $0.checkpointID == checkpoint.checkpoint.id }
            guard !bound.isEmpty else { continue }
            lines.append(
                "\(checkpoint.checkpoint.name)\(zh ? "：" : ": ")"
                    + combination(bound, verdict: checkpoint.result.verdict))
            if checkpoint.checkpoint.scope == .everyArea, !checkpoint.result.areas.isEmpty {
                lines.append(areas(checkpoint.result.areas))
            }
        }
        return lines
    }

    /// How `pieces` combined into `verdict` (rules 3 and 5, and evidence that cannot pass alone).
    func combination(_ pieces: [StatementResult], verdict: Verdict) -> String {
        let supporting = pieces.filter { !$0.conclusive && $0.verdict == .pass }
        let counted = pieces.filter { $0.conclusive || $0.verdict != .pass }
        if counted.isEmpty {
            if supporting.isEmpty {
                return zh
                    ? "没有任何系统探测、数据检查或核查结论：记为未评估，绝不视为通过（判定规则 5）。"
                    : "No probe, data check or finding at all: not assessed, never a pass (rule 5 of the judgement)."
            }
            return zh
                ? "只有辅助证据（\(list(supporting))）：它能证明不符合，但不能单独证明符合，故记为未评估。"
                : "Only supporting evidence (\(list(supporting))): it can show a failure but cannot settle a pass "
                    + "alone, so it is not assessed."
        }
        if counted.count == 1 {
            let only = counted[0]
            var line =
                zh
                ? "唯一的证据：\(describe(only))。"
                : "The only evidence: \(describe(only))."
            if !supporting.isEmpty {
                line += zh ? "另有辅助证据（\(list(supporting))），不单独计为通过。" : " Supporting evidence (\(list(supporting))) is shown, not counted as a pass."
            }
            return line
        }
        var line =
            zh
            ? "证据：\(list(counted))；取其中最差者（不通过 > 错误 > 未评估 > 通过）：\(HTMLLabels.verdict(verdict, text.language))（判定规则 3）。"
            : "Evidence: \(list(counted)); the worst of them counts (fail > error > not assessed > pass): "
                + "\(HTMLLabels.verdict(verdict, text.language)) (rule 3 of the judgement)."
        let manualPasses = counted.filter { $0.source == .manual && $0.verdict == .pass }
        let automatedBad = counted.filter {
            $0.source != .manual && ($0.verdict == .fail || $0.verdict == .error)
        }
        if !manualPasses.isEmpty, let worst = automatedBad.max(by: { $0.verdict.severity < $1.verdict.severity }) {
            line +=
                zh
                ? "检查员的“通过”不能推翻\(describe(worst))的结论：人工核查与系统探测、数据检查一并取最差，"
                    + "任何一方都不能覆盖另一方；须先消除\(worst.verdict == .fail ? "不符合项" : "无法检查的原因")，再重新评估。"
                : " The inspector's pass cannot override \(describe(worst)): findings, probes and data checks are "
                    + "combined by the worst, none hides another; the \(worst.verdict == .fail ? "failure" : "error") "
                    + "must be removed and the statement assessed again."
        }
        let manualFails = counted.filter { $0.source == .manual && $0.verdict == .fail }
        if !manualFails.isEmpty, counted.contains(where: { $0.source != .manual && $0.verdict == .pass }) {
            line +=
                zh
                ? "检查员现场发现的“不通过”成立：其他证据的“通过”不能掩盖现场发现的问题。"
                : " The inspector's fail stands: a pass elsewhere cannot hide what was found on site."
        }
        return line
    }

    private func areas(_ areas: [AreaResult]) -> String {
        let parts = areas.map { "\($0.area) \(HTMLLabels.verdict($0.verdict, text.language))" }
        return zh
            ? "须在场所配置声明的每个区域分别有通过的证据（判定规则 4）：\(parts.joined(separator: "、"))。"
            : "Every area the site profile declares needs its own passing evidence (rule 4 of the judgement): "
                + parts.joined(separator: ", ") + "."
    }

    private func list(_ pieces: [StatementResult]) -> String {
        pieces.map(describe).joined(separator: zh ? "；" : "; ")
    }

    /// `系统探测 machine-room-camera：不通过`.
    func describe(_ piece: StatementResult) -> String {
        let who = piece.producer.map { " " + text.producer($0) } ?? ""
        let weak = piece.conclusive ? "" : (zh ? "（辅助证据）" : " (supporting)")
        return "\(HTMLLabels.source(piece.source, text.language))\(who)\(weak)\(zh ? "：" : ": ")"
            + HTMLLabels.verdict(piece.verdict, text.language)
    }
}
