import AuditModel
import Foundation

/// 8.2.1: customer satisfaction = (满意 + 基本满意) / everyone surveyed × 100, which shall be at least 85 %
/// (不低于85%: 85.0 passes).
///
/// One row per respondent; the answer column (default `satisfaction`, else `满意度`) holds 满意 / 基本满意 /
/// 不满意 or satisfied / basically satisfied / dissatisfied (case and spacing ignored). Blank and unrecognised
/// answers stay in the denominator — everyone surveyed — and are counted and listed separately.
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

    public var file: URL
    /// The answer column; nil tries ``defaultColumns``.
    public var column: String?
    public var asOf: MeasureDate

    public init(file: URL, column: String? = nil, asOf: MeasureDate) {
        self.file = file
        self.column = column
        self.asOf = asOf
    }

    /// Reads the survey and judges 8.2.1-3. Throws ``DiagnosticsError`` when the file cannot be used (missing,
    /// no such column, no respondent).
    public func run() throws -> MeasuredCheckReport {
        try SatisfactionCheck.judge(try CSVReader.read(file), column: column, asOf: asOf)
    }

    /// Judges an already-read survey table.
    public static func judge(_ table: CSVTable, column: String?, asOf: MeasureDate) throws -> MeasuredCheckReport {
        let index: Int
        let columnName: String
        if let column {
            index = try table.requireColumn(column)
            columnName = column
        } else {
            index = try table.requireColumn(defaultColumns[0], alternatives: Array(defaultColumns.dropFirst()))
            columnName = table.header[index]
        }
        guard !table.rows.isEmpty else {
            throw DiagnosticsError(
                Diagnostic(
                    file: table.file, line: table.headerLine + 1, message: "the survey has no respondent",
                    expected: "one row per respondent after the header"))
        }
        var counts: [Answer: Int] = [:]
        var findings: [MeasuredFinding] = []
        var unrecognisedValues: [String: Int] = [:]
        for row in table.rows {
            let raw = row[index]
            let answer = Answer(raw)
            counts[answer, default: 0] += 1
            switch answer {
            case .blank:
                findings.append(
                    MeasuredFinding(
                        kind: "blankAnswer", subject: "respondent at line \(row.line)",
                        detail: "no answer; counted in the denominator", file: table.file, line: row.line))
            case .unrecognised:
                unrecognisedValues[MeasureFormat.trim(raw), default: 0] += 1
                findings.append(
                    MeasuredFinding(
                        kind: "unrecognisedAnswer", subject: "respondent at line \(row.line)",
                        detail: "answer '\(MeasureFormat.trim(raw))' is none of 满意/基本满意/不满意; "
                            + "counted in the denominator",
                        file: table.file, line: row.line))
            default: break
            }
        }
        let total = table.rows.count
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
            "column '\(columnName)' of \(table.file) (\(table.encoding)), \(total) respondents "
                + "(lines \(table.rows.first!.line)–\(table.rows.last!.line))"
        ]
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
        observations.append(Observation(name: "encoding", value: table.encoding))
        observations.append(Observation(name: "column", value: columnName))

        return MeasuredCheckReport(
            check: name, clause: clause, measurement: measurement,
            rule: "satisfaction ≥ 85 % = (满意 + 基本满意) / everyone surveyed × 100; blank and unrecognised answers "
                + "stay in the denominator",
            statements: [
                MeasuredStatementJudgement(
                    statementID: statementID, verdict: verdict, measurement: measurement, reason: reason)
            ],
            reason: reason, asOf: asOf, inputs: [table.file], observations: observations, findings: findings,
            explanation: explanation)
    }
}
