import AuditModel
import AuditSupport
import Foundation

/// The verdict a measured check gives one statement, with the number behind it.
public struct MeasuredStatementJudgement: Sendable, Hashable, Codable {
    /// `5.1.2-3`, `6.6.2-1`, …
    public var statementID: String
    /// The checkpoint judged (`6.6.2-1/eCny`), when the check judges one obligation of a statement.
    public var checkpointID: String?
    public var verdict: Verdict
    public var measurement: AuditModel.Measurement?
    /// Why, in words an inspector can repeat.
    public var reason: String

    public init(
        statementID: String, checkpointID: String? = nil, verdict: Verdict, measurement: AuditModel.Measurement?,
        reason: String
    ) {
        self.statementID = statementID
        self.checkpointID = checkpointID
        self.verdict = verdict
        self.measurement = measurement
        self.reason = reason
    }

    /// The checkpoint id, else the statement id.
    public var target: String { checkpointID ?? statementID }
}

/// A row, day or record that caused (or explains) a failure: a gap day in the logs, a late complaint,
/// a merchant missing a payment method, a SKU that differs, a line that could not be read.
public struct MeasuredFinding: Sendable, Hashable, Codable {
    /// `gapDay`, `undatableLine`, `futureRecord`, `blankAnswer`, `unrecognisedAnswer`, `lateComplaint`,
    /// `pendingComplaint`, `missingMethod`, `mismatch`.
    public var kind: String
    /// What it is about: a day, a complaint id, a merchant, a SKU.
    public var subject: String
    /// What is wrong with it.
    public var detail: String
    public var file: String?
    public var line: Int?

    /// `subject` and `detail` quote what a line or a cell says only with personal identifiers masked
    /// (`PersonalData`): a finding keeps the file and line an inspector follows, not a visitor's phone number.
    public init(kind: String, subject: String, detail: String, file: String? = nil, line: Int? = nil) {
        self.kind = kind
        self.subject = PersonalData.standard.mask(subject)
        self.detail = PersonalData.standard.mask(detail)
        self.file = file
        self.line = line
    }

    /// `file:line` when known.
    public var location: String? {
        guard let file else { return nil }
        return line.map { "\(file):\($0)" } ?? file
    }
}

/// What one measured check found: the verdict for each statement it judges, the headline measurement,
/// how the number was reached, and the rows or days that caused a failure.
///
/// A failed check is a value: `verdict` is `fail` (or `error` when the input could not be used and the report
/// was built with ``unusable(check:clause:statementIDs:asOf:diagnostics:)``).
public struct MeasuredCheckReport: Sendable, Hashable {
    /// Check name as on the command line: `wifi-logs`, `satisfaction`, `complaints`, `payments`, `catalog`.
    public var check: String
    /// Clause id: `5.1.2`, `8.2.1`, `8.1.2`, `6.6`, `6.9.1`.
    public var clause: String
    /// The worst verdict of the statements judged.
    public var verdict: Verdict
    /// The headline number, compared with the threshold the report is judged on.
    public var measurement: AuditModel.Measurement?
    /// The rule in words, e.g. `retention > 60 day (as-of date minus the date of the oldest record …)`.
    public var rule: String
    public var statements: [MeasuredStatementJudgement]
    /// One-line summary of the outcome.
    public var reason: String
    public var asOf: MeasureDate
    /// Files (or directories) read.
    public var inputs: [String]
    /// Facts behind the number, in reading order (`oldestRecord`, `respondents.满意`, `onTimeShare`, …).
    public var observations: [Observation]
    /// Rows, days or records that caused a failure, or were left out of the number with a reason.
    public var findings: [MeasuredFinding]
    /// How the number was reached, as lines of text for an inspector.
    public var explanation: [String]
    /// ISO 8601 time the report was made.
    public var judgedAt: String

    public init(
        check: String, clause: String, measurement: AuditModel.Measurement?, rule: String,
        statements: [MeasuredStatementJudgement], reason: String, asOf: MeasureDate, inputs: [String],
        observations: [Observation] = [], findings: [MeasuredFinding] = [], explanation: [String] = [],
        judgedAt: String = MeasuredCheckReport.now()
    ) {
        self.check = check
        self.clause = clause
        self.verdict = statements.map(\.verdict).max { $0.severity < $1.severity } ?? .error
        self.measurement = measurement
        self.rule = rule
        self.statements = statements
        self.reason = reason
        self.asOf = asOf
        self.inputs = inputs
        self.observations = observations
        self.findings = findings
        self.explanation = explanation
        self.judgedAt = judgedAt
    }

    /// A report with verdict `error` for every statement, when the input cannot be used. The audit engine stores
    /// this; the command line prints the diagnostics and exits 1 instead.
    public static func unusable(
        check: String, clause: String, statementIDs: [String], asOf: MeasureDate, inputs: [String],
        diagnostics: DiagnosticsError
    ) -> MeasuredCheckReport {
        let reason = "input unusable: " + diagnostics.description
        return MeasuredCheckReport(
            check: check, clause: clause, measurement: nil, rule: "",
            statements: statementIDs.map {
                MeasuredStatementJudgement(statementID: $0, verdict: .error, measurement: nil, reason: reason)
            },
            reason: reason, asOf: asOf, inputs: inputs, explanation: diagnostics.diagnostics.map(\.description))
    }

    /// Current time as ISO 8601 (UTC).
    public static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    /// One result per statement judged, for the audit store: source `.data`, producer = check name,
    /// the report's observations and (the first 50) findings as observations.
    public func statementResults() -> [StatementResult] {
        var shared = observations
        shared.append(Observation(name: "asOf", value: asOf.description))
        for input in inputs { shared.append(Observation(name: "input", value: input)) }
        let limit = 50
        for finding in findings.prefix(limit) {
            let at = finding.location.map { " (\($0))" } ?? ""
            shared.append(Observation(name: finding.kind, value: "\(finding.subject): \(finding.detail)\(at)"))
        }
        if findings.count > limit {
            shared.append(Observation(name: "findingsNotListed", value: String(findings.count - limit)))
        }
        return statements.map {
            StatementResult(
                statementID: $0.statementID, verdict: $0.verdict, source: .data, producer: check,
                measurement: $0.measurement, reason: $0.reason, observations: shared, judgedAt: judgedAt,
                checkpointID: $0.checkpointID)
        }
    }

    // MARK: rendering

    /// `> 60 day`: the standard's number, exact.
    static func describe(_ threshold: Threshold) -> String {
        "\(threshold.comparison.symbol) \(NumberFormat.exact(threshold.value)) \(threshold.unit)"
    }

    /// The report as an inspector reads it: verdict, the number against the line, how it was reached, and
    /// the findings.
    public func renderText(maxFindings: Int = 200) -> String {
        var out: [String] = []
        out.append("\(check) — clause \(clause) — \(verdict.rawValue.uppercased())")
        out.append("as of \(asOf)")
        if !rule.isEmpty { out.append("rule: \(rule)") }
        if let m = measurement {
            var line = "value: \(NumberFormat.measure(m.value, threshold: m.threshold)) \(m.unit)"
            if let t = m.threshold { line += "   threshold: \(t.quantity) \(MeasuredCheckReport.describe(t))" }
            if let margin = m.margin { line += "   margin: \(NumberFormat.measure(margin))" }
            if let sample = m.sample { line += "   sample: \(sample)" }
            out.append(line)
        }
        for statement in statements {
            out.append("  \(statement.target): \(statement.verdict.rawValue) — \(statement.reason)")
        }
        if !explanation.isEmpty {
            out.append("")
            out.append("how the number was reached:")
            out.append(contentsOf: explanation.map { "  " + $0 })
        }
        if !findings.isEmpty {
            out.append("")
            out.append("findings (\(findings.count)):")
            for finding in findings.prefix(maxFindings) {
                let at = finding.location.map { "  [\($0)]" } ?? ""
                out.append("  \(finding.kind): \(finding.subject) — \(finding.detail)\(at)")
            }
            if findings.count > maxFindings {
                out.append("  … \(findings.count - maxFindings) more (use --format json for all)")
            }
        }
        out.append("")
        out.append("inputs: \(inputs.joined(separator: ", "))")
        return out.joined(separator: "\n") + "\n"
    }

    private struct JSONStatement: Encodable {
        var id: String
        var verdict: String
        var value: Double?
        var threshold: Double?
        var comparison: String?
        var quantity: String?
        var unit: String?
        var sample: Int?
        var margin: Double?
        var reason: String
    }

    private struct JSONReport: Encodable {
        var check: String
        var clause: String
        var verdict: String
        var value: Double?
        var threshold: Double?
        var comparison: String?
        var quantity: String?
        var unit: String?
        var sample: Int?
        var margin: Double?
        var rule: String
        var reason: String
        var asOf: String
        var judgedAt: String
        var inputs: [String]
        var statements: [JSONStatement]
        var observations: [Observation]
        var findings: [MeasuredFinding]
        var explanation: [String]
    }

    /// The report as JSON (sorted keys, pretty printed). At least `check`, `clause`, `verdict`, `value`,
    /// `threshold` (the limit as a number, with `comparison`, e.g. `gt`, and `quantity`), `unit`, `sample`.
    public func renderJSON() -> String {
        let m = measurement
        let report = JSONReport(
            check: check, clause: clause, verdict: verdict.rawValue, value: m?.value, threshold: m?.threshold?.value,
            comparison: m?.threshold?.comparison.rawValue, quantity: m?.threshold?.quantity, unit: m?.unit,
            sample: m?.sample, margin: m?.margin, rule: rule, reason: reason, asOf: asOf.description,
            judgedAt: judgedAt, inputs: inputs,
            statements: statements.map {
                JSONStatement(
                    id: $0.target, verdict: $0.verdict.rawValue, value: $0.measurement?.value,
                    threshold: $0.measurement?.threshold?.value,
                    comparison: $0.measurement?.threshold?.comparison.rawValue,
                    quantity: $0.measurement?.threshold?.quantity, unit: $0.measurement?.unit,
                    sample: $0.measurement?.sample, margin: $0.measurement?.margin, reason: $0.reason)
            },
            observations: observations, findings: findings, explanation: explanation)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and finite numbers cannot fail.
        let data = (try? encoder.encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
