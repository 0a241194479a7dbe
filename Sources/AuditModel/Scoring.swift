/// The overall outcome of an audit.
public enum Conformance: String, Sendable, Hashable, Codable {
    /// Every applicable shall statement passed.
    case conformant
    /// At least one applicable shall statement failed.
    case nonConformant
    /// No shall statement failed, but some are `error` or `notAssessed`.
    case incomplete

    /// 符合 / 不符合 / 未完成
    public var chinese: String {
        switch self {
        case .conformant: "符合"
        case .nonConformant: "不符合"
        case .incomplete: "未完成"
        }
    }
}

/// Counts of verdicts for a set of statements. The counts always add up to `total`.
public struct VerdictCounts: Sendable, Hashable, Codable {
    public private(set) var counts: [Verdict: Int] = [:]

    public init() {}

    public init(_ verdicts: some Sequence<Verdict>) {
        for verdict in verdicts { add(verdict) }
    }

    public mutating func add(_ verdict: Verdict) { counts[verdict, default: 0] += 1 }

    public subscript(_ verdict: Verdict) -> Int { counts[verdict] ?? 0 }

    public var total: Int { counts.values.reduce(0, +) }

    /// Statements the verdict applies to: everything except notApplicable.
    public var applicable: Int { total - self[.notApplicable] }
}

/// The scorecard of one run: conformance, counts by modality and verdict, the should-adoption score,
/// and clause roll-ups. Pure function of the checklist and the results.
public struct Scorecard: Sendable, Hashable, Codable {
    public var conformance: Conformance
    /// Verdict counts per modality; every statement of the checklist is counted exactly once.
    public var byModality: [Modality: VerdictCounts]
    /// Verdict counts per chapter number.
    public var byChapter: [Int: VerdictCounts]
    /// Clause roll-up: the worst applicable statement, requirements first.
    public var clauseVerdicts: [String: Verdict]
    /// Should statements passed / should statements assessed (applicable and judged pass or fail), in percent; nil
    /// when none was assessed. A should statement nothing covered, or one that could not be checked (`error`), is
    /// not counted against the mall: adoption is over what was seen, printed beside how many were assessed
    /// (`shouldAssessed` of the applicable ones).
    public var shouldAdoption: Double?
    /// Applicable should statements judged pass or fail: the denominator of `shouldAdoption`.
    public var shouldAssessed: Int
    public var requirementCounts: VerdictCounts
    public var total: VerdictCounts

    /// Judges `results` against `checklist`. A statement without a result counts as `notAssessed`.
    public init(checklist: Checklist, results: [StatementResult]) {
        var verdictByID: [String: Verdict] = [:]
        for result in results { verdictByID[result.statementID] = result.verdict }

        var byModality: [Modality: VerdictCounts] = [:]
        var byChapter: [Int: VerdictCounts] = [:]
        var clauseVerdicts: [String: Verdict] = [:]
        var total = VerdictCounts()
        var requirements = VerdictCounts()
        for chapter in checklist.chapters {
            for clause in chapter.clauses {
                for statement in clause.statements {
                    let verdict = verdictByID[statement.id] ?? .notAssessed
                    byModality[statement.modality, default: VerdictCounts()].add(verdict)
                    byChapter[chapter.number, default: VerdictCounts()].add(verdict)
                    total.add(verdict)
                    if statement.modality.isRequirement { requirements.add(verdict) }
                }
                clauseVerdicts[clause.id] = Scorecard.rollUp(clause: clause, verdicts: verdictByID)
            }
        }
        self.byModality = byModality
        self.byChapter = byChapter
        self.clauseVerdicts = clauseVerdicts
        self.total = total
        self.requirementCounts = requirements
        if requirements[.fail] > 0 {
            conformance = .nonConformant
        } else if requirements[.error] > 0 || requirements[.notAssessed] > 0 {
            conformance = .incomplete
        } else {
            conformance = .conformant
        }
        let should = byModality[.should] ?? VerdictCounts()
        shouldAssessed = should[.pass] + should[.fail]
        shouldAdoption = shouldAssessed > 0 ? Double(should[.pass]) / Double(shouldAssessed) * 100 : nil
    }

    /// Worst applicable statement of the clause, looking at requirements first: a clause whose
    /// requirements all pass is not dragged down by an unmet recommendation. A clause with only
    /// recommendations or permissions rolls up over those. All not applicable → notApplicable.
    public static func rollUp(clause: Clause, verdicts: [String: Verdict]) -> Verdict {
        func worst(_ statements: [Statement]) -> Verdict? {
            let applicable = statements.map { verdicts[$0.id] ?? .notAssessed }.filter { $0 != .notApplicable }
            return applicable.max { $0.severity < $1.severity }
        }
        let requirements = clause.statements.filter { $0.modality.isRequirement }
        if let verdict = worst(requirements) { return verdict }
        if let verdict = worst(clause.statements.filter { !$0.modality.isRequirement }) { return verdict }
        return .notApplicable
    }

    /// The should adoption as the reports print it: one decimal and the unit (`10.3 %`).
    public static func percent(_ adoption: Double) -> String { NumberFormat.fixed(adoption, decimals: 1) + " %" }

    /// The conformance rule with its numbers, as printed in every report.
    public func formula(_ language: Language) -> String {
        let r = requirementCounts
        switch language {
        case .zh:
            return """
                符合 ⇔ 适用的"应/严禁"条款全部通过：适用 \(r.applicable) 条 = 通过 \(r[.pass]) + 不通过 \(r[.fail]) \
                + 错误 \(r[.error]) + 未评估 \(r[.notAssessed])（不适用 \(r[.notApplicable]) 条另列）。\
                \(adoptionText(.zh))。
                """
        case .en:
            return """
                Conformant ⇔ every applicable shall statement passes: applicable \(r.applicable) = pass \(r[.pass]) \
                + fail \(r[.fail]) + error \(r[.error]) + not assessed \(r[.notAssessed]) \
                (not applicable \(r[.notApplicable]) listed separately). \
                \(adoptionText(.en)).
                """
        }
    }

    /// The should adoption with its numbers: over the should statements assessed, beside how many applicable ones
    /// were (`"宜"条款采纳率 = 通过 3 / 已评估 5 = 60.0 %（适用 30 条，已评估 5 条）`); when none was assessed, says so instead
    /// of a percentage.
    public func adoptionText(_ language: Language) -> String {
        let should = byModality[.should] ?? VerdictCounts()
        guard let adoption = shouldAdoption else {
            switch language {
            case .zh: return "\"宜\"条款采纳率：无法计算（适用 \(should.applicable) 条，已评估 0 条）"
            case .en:
                return "Should adoption: not computed (\(should.applicable) applicable, none assessed)"
            }
        }
        switch language {
        case .zh:
            return "\"宜\"条款采纳率 = 通过 \(should[.pass]) / 已评估 \(shouldAssessed) = \(Scorecard.percent(adoption))"
                + "（适用 \(should.applicable) 条，已评估 \(shouldAssessed) 条）"
        case .en:
            return "Should adoption = pass \(should[.pass]) / assessed \(shouldAssessed) = \(Scorecard.percent(adoption)) "
                + "(\(shouldAssessed) of \(should.applicable) applicable assessed)"
        }
    }
}
