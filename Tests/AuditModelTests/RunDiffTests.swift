import AuditModel
import Testing

private func result(_ id: String, _ verdict: Verdict) -> StatementResult {
    StatementResult(statementID: id, verdict: verdict, source: .manual, reason: "\(id) \(verdict)")
}

@Suite("Run diff (复查)")
struct RunDiffTests {
    @Test(
        "each change of verdict lands in the documented category",
        arguments: [
            (Verdict?.some(.fail), Verdict?.some(.pass), RunDiff.Category.fixed),
            (.error, .pass, .fixed),
            (.pass, .fail, .newlyFailing),
            (nil, .fail, .newlyFailing),
            (.notAssessed, .fail, .newlyFailing),
            (.error, .fail, .newlyFailing),
            (.notApplicable, .fail, .newlyFailing),
            (.fail, .fail, .stillOpen),
            (.pass, .pass, .unchanged),
            (.error, .error, .unchanged),
            (.notAssessed, .pass, .otherChanges),
            (.notApplicable, .pass, .otherChanges),
            (nil, .pass, .otherChanges),
            (.pass, .error, .otherChanges),
            (.fail, .error, .otherChanges),
            (.fail, .notApplicable, .otherChanges),
            (.fail, nil, .otherChanges),
            (.pass, nil, .otherChanges),
        ])
    func category(before: Verdict?, after: Verdict?, expected: RunDiff.Category) {
        #expect(RunDiff.Category.of(before: before, after: after) == expected)
        let diff = RunDiff(
            before: before.map { [result("5.1.1-1", $0)] } ?? [], after: after.map { [result("5.1.1-1", $0)] } ?? [])
        #expect(diff[expected].map(\.statementID) == ["5.1.1-1"])
        #expect(diff.total == 1)
    }

    @Test("every statement of either run is in exactly one category, in checklist order")
    func partition() {
        let verdicts: [Verdict?] = [nil] + Verdict.allCases.map { $0 }
        var before: [StatementResult] = []
        var after: [StatementResult] = []
        var index = 0
        for b in verdicts {
            for a in verdicts where b != nil || a != nil {
                index += 1
                if let b { before.append(result("6.\(index)", b)) }
                if let a { after.append(result("6.\(index)", a)) }
            }
        }
        let diff = RunDiff(before: before, after: after)
        #expect(diff.total == index)
        let all = RunDiff.Category.allCases.flatMap { diff[$0].map(\.statementID) }
        #expect(Set(all).count == index)
        #expect(diff.stillOpen.count == 1)
        #expect(diff.fixed.count == 2)
        #expect(diff.newlyFailing.count == 5)
        #expect(diff.unchanged.count == 4)
        #expect(diff.stillOpen[0].beforeVerdict == .fail && diff.stillOpen[0].afterVerdict == .fail)
    }

    @Test("entries follow the given order, then natural id order")
    func ordering() {
        let ids = ["6.10.1-1", "6.1.b", "5.2.10-1", "6.1.a", "5.2.9-1", "5.2.9-2"]
        let diff = RunDiff(before: [], after: ids.map { result($0, .fail) })
        #expect(
            diff.newlyFailing.map(\.statementID) == ["5.2.9-1", "5.2.9-2", "5.2.10-1", "6.1.a", "6.1.b", "6.10.1-1"])
        let ordered = RunDiff(before: [], after: ids.map { result($0, .fail) }, order: ["6.1.b", "6.1.a"])
        #expect(ordered.newlyFailing.map(\.statementID).prefix(2) == ["6.1.b", "6.1.a"])
        #expect(StatementID.areInIncreasingOrder("6.1", "6.1.a"))
        #expect(!StatementID.areInIncreasingOrder("6.1.a", "6.1"))
        #expect(StatementID.areInIncreasingOrder("7.4.9", "7.4.10"))
    }
}
