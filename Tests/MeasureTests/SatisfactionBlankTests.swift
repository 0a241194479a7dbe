import AuditMeasures
import AuditModel
import Foundation
import Testing

/// A one-column survey export: the header, then one line per answer, where nil is an unanswered row (an empty line).
private func oneColumn(_ answers: [String?], trailingEmptyLines: Int = 0, lineEnd: String = "\n") -> String {
    (["satisfaction"] + answers.map { $0 ?? "" } + Array(repeating: "", count: trailingEmptyLines))
        .joined(separator: lineEnd) + lineEnd
}

/// `count` copies of an answer.
private func answers(_ value: String?, _ count: Int) -> [String?] { Array(repeating: value, count: count) }

private func judge(
    _ text: String, excluded: [SatisfactionCheck.Exclusion] = [], file: String = "survey.csv"
) throws -> MeasuredCheckReport {
    try SatisfactionCheck.judge(
        try CSVReader.parse(Array(text.utf8), file: file), column: nil, asOf: day("2026-11-20"), excluded: excluded)
}

private func observation(_ report: MeasuredCheckReport, _ name: String) -> String? {
    report.observations.first { $0.name == name }?.value
}

@Suite("SatisfactionCheck: blank rows and exclusions")
struct SatisfactionBlankTests {
    @Test("16 of 20 satisfied with 3 blank lines among them is 80 % and fails (not 16 of 17 = 94.1 %)")
    func issueCase() throws {
        // Lines: 1 header; 2–6 满意; 7 empty; 8–12 满意; 13 empty; 14–18 满意; 19 empty; 20 满意; 21 不满意;
        // then two empty lines that end the file.
        let rows: [String?] =
            answers("满意", 5) + [nil] + answers("满意", 5) + [nil] + answers("满意", 5) + [nil] + ["满意", "不满意"]
        let report = try judge(oneColumn(rows, trailingEmptyLines: 2))
        #expect(report.measurement?.value == 80)
        #expect(report.measurement?.sample == 20)
        #expect(report.verdict == .fail)
        #expect(report.reason.contains("(16 + 0) / 20 × 100"), "\(report.reason)")
        #expect(report.findings.filter { $0.kind == "blankAnswer" }.map(\.line) == [7, 13, 19])
        #expect(observation(report, "respondents.blank") == "3")
        #expect(observation(report, "blankAnswerLines") == "7, 13, 19")
        #expect(observation(report, "emptyLinesNotCounted") == "22, 23")
        #expect(observation(report, "answerRows") == "20")
        #expect(report.explanation.contains { $0.hasPrefix("one-column export") && $0.contains("(lines 7, 13, 19)") })
    }

    @Test("an empty line right after the header is an unanswered row; CRLF line ends read the same")
    func leadingBlank() throws {
        let report = try judge(oneColumn([nil] + answers("满意", 17) + answers("不满意", 2), lineEnd: "\r\n"))
        #expect(report.measurement?.sample == 20)
        #expect(report.measurement?.value == 85)
        #expect(report.findings.filter { $0.kind == "blankAnswer" }.map(\.line) == [2])
    }

    @Test("the threshold with blank rows: 850 of 1,000 (100 blank) is 85.0 % and passes, 849 is 84.9 % and fails")
    func boundaryWithBlanks() throws {
        func survey(satisfied: Int) -> String {
            // Blank rows spread through the file: every tenth row.
            var rows: [String?] = []
            var left = (satisfied: satisfied, blank: 100)
            for index in 0..<1000 {
                if index % 10 == 5, left.blank > 0 {
                    rows.append(nil)
                    left.blank -= 1
                } else if left.satisfied > 0 {
                    rows.append(index % 2 == 0 ? "满意" : "基本满意")
                    left.satisfied -= 1
                } else {
                    rows.append("不满意")
                }
            }
            return oneColumn(rows, trailingEmptyLines: 1)
        }
        let pass = try judge(survey(satisfied: 850))
        #expect(pass.measurement?.value == 85)
        #expect(pass.measurement?.sample == 1000)
        #expect(pass.verdict == .pass)
        #expect(observation(pass, "respondents.blank") == "100")
        let fail = try judge(survey(satisfied: 849))
        #expect(fail.measurement?.value == 84.9)
        #expect(fail.verdict == .fail)
    }

    @Test("an excluded answer leaves the denominator and is listed with its reason; nothing else does")
    func exclusions() throws {
        // 17 satisfied, 3 dissatisfied, 1 blank (line 12), and one more dissatisfied (line 23): 17 / 22 = 77.3 %.
        let rows: [String?] = answers("满意", 10) + [nil] + answers("满意", 7) + answers("不满意", 4)
        let text = oneColumn(rows)
        let none = try judge(text)
        #expect(none.measurement?.sample == 22)
        #expect(none.verdict == .fail)
        // The evaluator declares the blank questionnaire and one dissatisfied one invalid: 17 / 20 = 85.0 → pass.
        let excluded = [
            SatisfactionCheck.Exclusion(line: 23, reason: "问卷重复填写（同一手机号）", declaredAt: "site.yaml:31"),
            SatisfactionCheck.Exclusion(line: 12, reason: "空白问卷，未作答", declaredAt: "site.yaml:33"),
        ]
        let report = try judge(text, excluded: excluded)
        #expect(report.measurement?.value == 85)
        #expect(report.measurement?.sample == 20)
        #expect(report.verdict == .pass)
        #expect(observation(report, "respondents.excluded") == "2")
        #expect(observation(report, "respondents.blank") == "0")
        #expect(observation(report, "excludedAnswers") == "line 12: 空白问卷，未作答; line 23: 问卷重复填写（同一手机号）")
        let listed = report.findings.filter { $0.kind == "excludedAnswer" }
        #expect(listed.map(\.line) == [12, 23])
        #expect(listed.last?.detail == "excluded by the evaluator: 问卷重复填写（同一手机号）; left out of the denominator")
        #expect(report.explanation.contains("everyone surveyed = 22 rows − 2 excluded = 20 respondents"))
        #expect(report.explanation.contains("  line 23: 问卷重复填写（同一手机号） (declared at site.yaml:31)"))
        // Just below with an exclusion: only the blank one excluded, 17 / 21 = 80.95 % → fail.
        let below = try judge(text, excluded: [excluded[1]])
        #expect(below.measurement?.sample == 21)
        #expect(below.verdict == .fail)
    }

    @Test("an exclusion must name an answer row, once, with a reason", arguments: [2, 5, 6, 7, 8])
    func badExclusions(_ kind: Int) throws {
        // Lines: 1 header; 2 满意; 3 empty (a blank answer); 4 不满意; 5–6 empty (the file's end).
        let text = oneColumn(["满意", nil, "不满意"], trailingEmptyLines: 2)
        var excluded: [SatisfactionCheck.Exclusion]
        var words: String
        switch kind {
        case 2:
            excluded = [.init(line: 1, reason: "表头", declaredAt: "site.yaml:9")]
            words = "the excluded line 1 (declared at site.yaml:9) is not a respondent's row"
        case 5:
            excluded = [.init(line: 5, reason: "空行", declaredAt: "site.yaml:9")]
            words = "the excluded line 5 (declared at site.yaml:9) is not a respondent's row"
        case 6:
            excluded = [.init(line: 4, reason: "无效"), .init(line: 4, reason: "重复")]
            words = "line 4 is excluded twice"
        case 7:
            excluded = [.init(line: 4, reason: "  ")]
            words = "gives no reason"
        default:
            excluded = [.init(line: 2, reason: "无效"), .init(line: 3, reason: "无效"), .init(line: 4, reason: "无效")]
            words = "every answer of the survey (3) is excluded"
        }
        let diagnostic = expectDiagnostic { try judge(text, excluded: excluded) }
        #expect(diagnostic?.file == "survey.csv")
        #expect(diagnostic?.message.contains(words) == true, "\(diagnostic?.message ?? "")")
        if kind == 2 || kind == 5 {
            #expect(diagnostic?.line == (kind == 2 ? 1 : 5))
            #expect(diagnostic?.expected?.contains("lines 2–4") == true)
        }
    }

    @Test("in a wider export an empty line is not a row: skipped, and said so")
    func multiColumnEmptyLines() throws {
        let text = "id,satisfaction\n1,满意\n\n2,不满意\n3,\n\n"
        let report = try judge(text)
        #expect(report.measurement?.sample == 3)
        #expect(report.findings.filter { $0.kind == "blankAnswer" }.map(\.line) == [5])
        #expect(observation(report, "emptyLinesNotCounted") == "3, 6")
        #expect(report.explanation.contains { $0.hasPrefix("empty lines skipped: 2 (lines 3, 6)") })
    }

    @Test("a one-column export whose only lines after the header are empty has no respondent")
    func onlyEmptyLines() {
        let diagnostic = expectDiagnostic { try judge("satisfaction\n\n\n") }
        #expect(diagnostic?.line == 2)
        #expect(diagnostic?.message.contains("no respondent") == true)
    }
}
