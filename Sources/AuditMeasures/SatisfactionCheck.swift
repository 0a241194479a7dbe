import AuditModel
import AuditSupport
import Foundation

/// 8.2.1: customer satisfaction = (满意 + 基本满意) / everyone surveyed × 100, which shall be at least 85 %
/// (不低于85%: 85.0 passes).
///
/// One row per respondent; the answer column (default `satisfaction`, else `满意度`) holds 满意 / 基本满意 /
/// 不满意 or satisfied / basically satisfied / dissatisfied (case and spacing ignored). Blank and unrecognised
/// answers stay in the denominator — everyone surveyed — and are counted and listed separately. In a one-column
/// export an unanswered row is an empty line: every empty line between the header and the last answer is a blank
/// answer; empty lines after the last answer are the file's end, not respondents. Only answers the evaluator
/// excluded, each with a reason (an invalid questionnaire), leave the denominator, and they are listed.
public struct SatisfactionCheck: Sendable {
    public static let name = "satisfaction"
    public static let clause = "8.2.1"
    public static let statementID = "8.2.1-3"
    public static let threshold = Threshold(
        quantity: "satisfaction", comparison: .greaterThanOrEqual, value: 85, unit: "%")
    /// Column names tried when none is given.
    public static let defaultColumns = ["satisfaction", "满意度"]

    /// How one answer was read.
    public enum Answer: String, Sendable, CaseIterable {
        case satisfied, basicallySatisfied, dissatisfied, blank, unrecognised

        /// The standard's word and the English one.
        public var label: String {
            switch self {
            case .satisfied: "满意 (satisfied)"
            case .basicallySatisfied: "基本满意 (basically satisfied)"
            case .dissatisfied: "不满意 (dissatisfied)"
            case .blank: "blank"
            case .unrecognised: "unrecognised"
            }
        }

        /// Reads an answer as written in a survey export.
        public init(_ raw: String) {
            let words = MeasureFormat.trim(raw).lowercased()
                .split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "-" || $0 == "\u{3000}" })
                .joined(separator: " ")
            switch words {
            case "": self = .blank
            case "满意", "satisfied": self = .satisfied
            case "基本满意", "basically satisfied", "basicallysatisfied": self = .basicallySatisfied
            case "不满意", "dissatisfied", "unsatisfied", "not satisfied": self = .dissatisfied
            default: self = .unrecognised
            }
        }
    }

    /// An answer the evaluator excluded from the survey (an invalid questionnaire), by the physical line of its row,
    /// with the reason. Listed in the report; nothing else leaves the denominator.
    public struct Exclusion: Sendable, Hashable {
        /// Physical line of the answer's row in the export (as the report lists it).
        public var line: Int
        public var reason: String
        /// Where the exclusion was declared, for messages (`site.yaml:42`, `--exclude`).
        public var declaredAt: String?

        public init(line: Int, reason: String, declaredAt: String? = nil) {
            self.line = line
            self.reason = reason
            self.declaredAt = declaredAt
        }
    }

    public var file: URL
    /// The answer column; nil tries ``defaultColumns``.
    public var column: String?
    public var asOf: MeasureDate
    /// Personal columns and identifiers beyond the built-in ones (the profile's `privacy:`): masked as read.
    public var privacy = PrivacyRules()
    /// Answers the evaluator excluded, with their reasons.
    public var excluded: [Exclusion]

    public init(file: URL, column: String? = nil, asOf: MeasureDate, excluded: [Exclusion] = []) {
        self.file = file
        self.column = column
        self.asOf = asOf
        self.excluded = excluded
    }

    /// Reads the survey and judges 8.2.1-3. Throws ``DiagnosticsError`` when the file cannot be used (missing,
    /// no such column, no respondent) or an exclusion names a line that is not an answer's row.
    public func run() throws -> MeasuredCheckReport {
        try SatisfactionCheck.judge(try CSVReader.read(file).maskingPersonalColumns(PersonalData(rules: privacy)), column: column, asOf: asOf, excluded: excluded)
    }

    /// Judges an already-read survey table.
    public static func judge(
        _ table: CSVTable, column: String?, asOf: MeasureDate, excluded: [Exclusion] = []
    ) throws -> MeasuredCheckReport {
        let index: Int
        let columnName: String
        if let column {
            index = try table.requireColumn(column)
            columnName = column
        } else {
            index = try table.requireColumn(defaultColumns[0], alternatives: Array(defaultColumns.dropFirst()))
            columnName = table.header[index]
        }
        guard let lastAnswerLine = table.rows.last?.line else {
            throw DiagnosticsError(
                Diagnostic(
                    file: table.file, line: table.headerLine + 1, message: "the survey has no respondent",
                    expected: "one row per respondent after the header"))
        }
        // The rows of answers, by physical line. In a one-column export an empty line before the last answer is an
        // unanswered row; in a wider export an unanswered row still has its other fields (`R12,,`), so an empty line
        // is not a row.
        let oneColumn = table.header.count == 1
        var answers: [(line: Int, raw: String)] = table.rows.map { ($0.line, $0[index]) }
        let blankRows = oneColumn ? table.blankLines.filter { $0 < lastAnswerLine } : []
        let emptyLinesNotRows = oneColumn ? table.blankLines.filter { $0 > lastAnswerLine } : table.blankLines
        if !blankRows.isEmpty {
            answers += blankRows.map { ($0, "") }
            answers.sort { $0.line < $1.line }
        }

        // Exclusions must name answer rows, once each.
        let answerLines = Set(answers.map(\.line))
        var exclusionByLine: [Int: Exclusion] = [:]
        for exclusion in excluded {
            let declared = exclusion.declaredAt.map { " (declared at \($0))" } ?? ""
            guard answerLines.contains(exclusion.line) else {
                throw DiagnosticsError(
                    Diagnostic(
                        file: table.file, line: exclusion.line,
                        message: "the excluded line \(exclusion.line)\(declared) is not a respondent's row",
                        expected: "the line of an answer row (the header is line \(table.headerLine), the answers "
                            + "are on lines \(answers.first!.line)–\(lastAnswerLine))"))
            }
            guard exclusionByLine[exclusion.line] == nil else {
                throw DiagnosticsError(
                    Diagnostic(
                        file: table.file, line: exclusion.line,
                        message: "line \(exclusion.line) is excluded twice\(declared)",
                        expected: "one exclusion per answer row"))
            }
            guard !MeasureFormat.trim(exclusion.reason).isEmpty else {
                throw DiagnosticsError(
                    Diagnostic(
                        file: table.file, line: exclusion.line,
                        message: "the exclusion of line \(exclusion.line)\(declared) gives no reason",
                        expected: "why the questionnaire is invalid"))
            }
            exclusionByLine[exclusion.line] = exclusion
        }
        guard exclusionByLine.count < answers.count else {
            throw DiagnosticsError(
                Diagnostic(
                    file: table.file, line: table.headerLine + 1,
                    message: "every answer of the survey (\(answers.count)) is excluded",
                    expected: "at least one respondent left in the denominator"))
        }

        var counts: [Answer: Int] = [:]
        var findings: [MeasuredFinding] = []
        var unrecognisedValues: [String: Int] = [:]
        var blankLines: [Int] = []
        for (line, raw) in answers {
            if let exclusion = exclusionByLine[line] {
                findings.append(
                    MeasuredFinding(
                        kind: "excludedAnswer", subject: "respondent at line \(line)",
                        detail: "excluded by the evaluator: \(exclusion.reason); left out of the denominator",
                        file: table.file, line: line))
                continue
            }
            let answer = Answer(raw)
            counts[answer, default: 0] += 1
            switch answer {
            case .blank:
                blankLines.append(line)
                findings.append(
                    MeasuredFinding(
                        kind: "blankAnswer", subject: "respondent at line \(line)",
                        detail: "no answer; counted in the denominator", file: table.file, line: line))
            case .unrecognised:
                unrecognisedValues[MeasureFormat.trim(raw), default: 0] += 1
                findings.append(
                    MeasuredFinding(
                        kind: "unrecognisedAnswer", subject: "respondent at line \(line)",
                        detail: "answer '\(MeasureFormat.trim(raw))' is none of 满意/基本满意/不满意; "
                            + "counted in the denominator",
                        file: table.file, line: line))
            default: break
            }
        }
        let excludedCount = exclusionByLine.count
        let total = answers.count - excludedCount
        let satisfied = counts[.satisfied] ?? 0
        let basic = counts[.basicallySatisfied] ?? 0
        let value = MeasureFormat.percentage(satisfied + basic, total)
        let measurement = AuditModel.Measurement(value: value, threshold: threshold, unit: "%", sample: total)
        let verdict = MeasureFormat.verdict(threshold, value)
        let percent = NumberFormat.share(value, threshold: threshold)
        let formula = "(\(satisfied) + \(basic)) / \(total) × 100 = \(percent) %"
        let reason =
            verdict == .pass
            ? "satisfaction \(formula), at least 85 %"
            : "satisfaction \(formula), below 85 %"

        var explanation: [String] = [
            "column '\(columnName)' of \(table.file) (\(table.encoding)), \(answers.count) rows of answers "
                + "(lines \(answers.first!.line)–\(lastAnswerLine))"
        ]
        if oneColumn {
            explanation.append(
                "one-column export: an empty line between the header and the last answer is an unanswered row "
                    + "(a blank answer): \(blankRows.count)"
                    + (blankRows.isEmpty ? "" : " (lines \(lineList(blankRows)))")
                    + "; empty lines after the last answer are not rows: \(emptyLinesNotRows.count)")
        } else if !emptyLinesNotRows.isEmpty {
            explanation.append(
                "empty lines skipped: \(emptyLinesNotRows.count) (lines \(lineList(emptyLinesNotRows))); in a "
                    + "\(table.header.count)-column export an unanswered row keeps its other fields")
        }
        if excludedCount > 0 {
            explanation.append("excluded by the evaluator (left out of the denominator): \(excludedCount)")
            for exclusion in exclusionByLine.values.sorted(by: { $0.line < $1.line }) {
                let declared = exclusion.declaredAt.map { " (declared at \($0))" } ?? ""
                explanation.append("  line \(exclusion.line): \(exclusion.reason)\(declared)")
            }
        }
        explanation.append(
            "everyone surveyed = \(answers.count) rows − \(excludedCount) excluded = \(total) respondents")
        for answer in Answer.allCases {
            var line = "\(answer.label): \(counts[answer] ?? 0)"
            if answer == .blank || answer == .unrecognised { line += " (kept in the denominator)" }
            if answer == .unrecognised, !unrecognisedValues.isEmpty {
                line +=
                    ": "
                    + unrecognisedValues.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10)
                    .map { "'\($0.key)' ×\($0.value)" }.joined(separator: ", ")
            }
            explanation.append(line)
        }
        explanation.append("satisfaction = (满意 + 基本满意) / everyone surveyed × 100 = \(formula)")
        explanation.append(
            "\(percent) % \(verdict == .pass ? "≥" : "<") 85 % (不低于85%: 85.0 passes) → \(verdict.rawValue)")

        var observations = Answer.allCases.map {
            Observation(name: "respondents.\($0.rawValue)", value: String(counts[$0] ?? 0))
        }
        observations.insert(Observation(name: "respondents", value: String(total)), at: 0)
        observations.append(Observation(name: "respondents.excluded", value: String(excludedCount)))
        observations.append(Observation(name: "answerRows", value: String(answers.count)))
        observations.append(
            Observation(name: "blankAnswerLines", value: blankLines.isEmpty ? "none" : lineList(blankLines)))
        observations.append(
            Observation(
                name: "excludedAnswers",
                value: excludedCount == 0
                    ? "none"
                    : exclusionByLine.values.sorted(by: { $0.line < $1.line })
                        .map { "line \($0.line): \($0.reason)" }.joined(separator: "; ")))
        observations.append(
            Observation(
                name: "emptyLinesNotCounted",
                value: emptyLinesNotRows.isEmpty ? "none" : lineList(emptyLinesNotRows)))
        observations.append(Observation(name: "encoding", value: table.encoding))
        observations.append(Observation(name: "column", value: columnName))

        return MeasuredCheckReport(
            check: name, clause: clause, measurement: measurement,
            rule: "satisfaction ≥ 85 % = (满意 + 基本满意) / everyone surveyed × 100; blank and unrecognised answers "
                + "stay in the denominator; only answers the evaluator excluded with a reason leave it",
            statements: [
                MeasuredStatementJudgement(
                    statementID: statementID, verdict: verdict, measurement: measurement, reason: reason)
            ],
            reason: reason, asOf: asOf, inputs: [table.file], observations: observations, findings: findings,
            explanation: explanation)
    }

    /// `3, 7, 12` (at most 50 lines, then `… (N more)`).
    static func lineList(_ lines: [Int]) -> String {
        let shown = lines.prefix(50).map(String.init).joined(separator: ", ")
        return lines.count > 50 ? shown + ", … (\(lines.count - 50) more)" : shown
    }
}
