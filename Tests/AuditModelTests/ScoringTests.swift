import AuditModel
import Testing
import TestSupport

/// 5.1.1-1 shall, 5.1.1-2 should, 5.1.2-1 shall (its clause's only statement), 8.2.3-1 may.
private let scoringChecklist = makeChecklist(
    [
        sampleStatement("5.1.1-1"), sampleStatement("5.1.1-2", .should), sampleStatement("5.1.2-1"),
        sampleStatement("8.2.3-1", .may),
    ], version: "1.0.0")

private func result(_ id: String, _ verdict: Verdict) -> StatementResult {
    StatementResult(statementID: id, verdict: verdict, source: .manual, reason: "test")
}

@Suite("Scorecard")
struct ScoringTests {
    @Test("every applicable shall passing is conformant")
    func conformant() {
        let card = Scorecard(
            checklist: scoringChecklist,
            results: [result("5.1.1-1", .pass), result("5.1.1-2", .fail), result("5.1.2-1", .pass)])
        #expect(card.conformance == .conformant)
        #expect(card.clauseVerdicts["5.1.1"] == .pass, "an unmet should does not fail a clause whose shall passes")
        #expect(card.shouldAdoption == 0)
    }

    @Test("one failing shall makes the mall non-conformant even when others are pending")
    func nonConformant() {
        let card = Scorecard(checklist: scoringChecklist, results: [result("5.1.2-1", .fail)])
        #expect(card.conformance == .nonConformant)
        #expect(card.clauseVerdicts["5.1.2"] == .fail)
    }

    @Test("a statement with no result counts as notAssessed and makes the run incomplete", arguments: [
        Verdict.error, .notAssessed,
    ])
    func incomplete(pending: Verdict) {
        let card = Scorecard(
            checklist: scoringChecklist, results: [result("5.1.1-1", .pass), result("5.1.2-1", pending)])
        #expect(card.conformance == .incomplete)
        let none = Scorecard(checklist: scoringChecklist, results: [result("5.1.1-1", .pass)])
        #expect(none.conformance == .incomplete)
        #expect(none.total[.notAssessed] == 3)
    }

    @Test("not-applicable shall statements are excluded from the applicable count, never hidden")
    func notApplicable() {
        let card = Scorecard(
            checklist: scoringChecklist,
            results: [result("5.1.1-1", .pass), result("5.1.2-1", .notApplicable), result("5.1.1-2", .pass)])
        #expect(card.conformance == .conformant)
        #expect(card.requirementCounts.applicable == 1)
        #expect(card.requirementCounts[.notApplicable] == 1)
        #expect(card.clauseVerdicts["5.1.2"] == .notApplicable)
        #expect(card.formula(.en).contains("not applicable 1"))
    }

    @Test("should adoption is over the should statements assessed, printed beside how many were; none assessed is no percentage")
    func shouldAdoptionOverAssessed() {
        let checklist = makeChecklist(
            [
                sampleStatement("5.1.1-1"), sampleStatement("5.1.1-2", .should), sampleStatement("5.1.1-3", .should),
                sampleStatement("5.1.1-4", .should), sampleStatement("5.1.1-5", .should),
                sampleStatement("5.1.1-6", .should),
            ], version: "1.0.0")
        let card = Scorecard(
            checklist: checklist,
            results: [
                result("5.1.1-2", .pass), result("5.1.1-3", .fail), result("5.1.1-4", .error),
                result("5.1.1-5", .notApplicable),
            ])
        // pass 1, fail 1 assessed; error and the statement with no result are not; not applicable is not applicable.
        #expect(card.shouldAssessed == 2)
        #expect(card.shouldAdoption == 50)
        #expect(card.adoptionText(.zh) == "\"宜\"条款采纳率 = 通过 1 / 已评估 2 = 50.0 %（适用 4 条，已评估 2 条）")
        #expect(card.adoptionText(.en) == "Should adoption = pass 1 / assessed 2 = 50.0 % (2 of 4 applicable assessed)")

        let none = Scorecard(checklist: checklist, results: [result("5.1.1-4", .error)])
        #expect(none.shouldAssessed == 0)
        #expect(none.shouldAdoption == nil, "no should statement assessed is not 0 % adoption")
        #expect(none.adoptionText(.zh) == "\"宜\"条款采纳率：无法计算（适用 5 条，已评估 0 条）")
        #expect(!none.formula(.zh).contains("%"))

        let allFailed = Scorecard(checklist: checklist, results: [result("5.1.1-2", .fail)])
        #expect(allFailed.shouldAdoption == 0, "one assessed and not adopted is 0 %")
    }

    @Test("counts always add up to the number of statements")
    func countsAddUp() {
        for verdict in Verdict.allCases {
            let card = Scorecard(
                checklist: scoringChecklist, results: scoringChecklist.statements.map { result($0.id, verdict) })
            #expect(card.total.total == scoringChecklist.statements.count)
            #expect(card.byModality.values.map(\.total).reduce(0, +) == 4)
            #expect(card.byChapter.values.map(\.total).reduce(0, +) == 4)
            #expect(card.total[verdict] == 4)
        }
    }

    @Test("thresholds: > is strict, ≥ includes the line, margins are signed toward passing")
    func thresholds() {
        let retention = Threshold(quantity: "logRetention", comparison: .greaterThan, value: 60, unit: "day")
        #expect(!retention.isMet(by: 60))
        #expect(retention.isMet(by: 61))
        #expect(retention.margin(of: 58) == -2)
        let satisfaction = Threshold(quantity: "satisfaction", comparison: .greaterThanOrEqual, value: 85, unit: "%")
        #expect(satisfaction.isMet(by: 85.0))
        #expect(!satisfaction.isMet(by: 84.9))
        let late = Threshold(quantity: "lateReplies", comparison: .lessThanOrEqual, value: 0, unit: "count")
        #expect(late.isMet(by: 0))
        #expect(!late.isMet(by: 1))
        #expect(late.margin(of: 3) == -3)
        #expect(Scorecard.percent(84.94) == "84.9 %")
        #expect(Scorecard.percent(85) == "85.0 %")
    }
}
