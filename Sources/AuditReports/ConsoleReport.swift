import AuditModel
import Foundation

/// Terminal output of results: one block per statement (verdict, id, producer, why, what was observed), and the
/// run summary with the conformance formula. Plain text — terminals escape nothing, so nothing here is HTML.
public enum ConsoleReport {
    /// `pass`/`fail`/… padded to one width, so ids line up.
    public static func label(_ verdict: Verdict) -> String {
        let text: String
        switch verdict {
        case .pass: text = "pass"
        case .fail: text = "FAIL"
        case .error: text = "ERROR"
        case .notApplicable: text = "n/a"
        case .notAssessed: text = "not assessed"
        }
        return text.padding(toLength: 12, withPad: " ", startingAt: 0)
    }

    /// One block per result: `FAIL         5.1.2-3  wifi-log-retention — reason` then `    observed: value` lines.
    public static func results(_ results: [StatementResult], checklist: Checklist, observations: Bool = true) -> String {
        var lines: [String] = []
        for result in results {
            let modality = checklist.statement(result.statementID)?.modality.rawValue ?? "?"
            var line = "\(label(result.verdict)) \(result.statementID) (\(modality))"
            if let producer = result.producer { line += "  [\(producer)]" }
            lines.append(line)
            lines.append("    " + result.reason)
            if let measurement = result.measurement {
                // Never rounded onto the other side of its threshold (84.996 is not "85"); the threshold is exact.
                let threshold = measurement.threshold
                let value = NumberFormat.human(measurement.value, threshold: threshold)
                var text = "    measured: \(value) \(measurement.unit)"
                if let threshold {
                    let limit = NumberFormat.exact(threshold.value)
                    text += "  threshold: \(threshold.comparison.symbol) \(limit) \(threshold.unit)"
                }
                if let sample = measurement.sample { text += "  sample: \(sample)" }
                if let margin = measurement.margin { text += "  margin: \(NumberFormat.signedHuman(margin))" }
                lines.append(text)
            }
            if observations {
                for observation in result.observations.prefix(12) {
                    lines.append("    · \(observation.name) = \(observation.value)")
                }
                if result.observations.count > 12 { lines.append("    · … \(result.observations.count - 12) more") }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The summary of a scorecard: verdict, counts by modality and verdict, failing shall statements, formula.
    public static func summary(_ card: Scorecard, results: [StatementResult], language: Language = .en) -> String {
        var lines: [String] = []
        lines.append("conformance: \(card.conformance.rawValue) (\(card.conformance.chinese))")
        let verdicts = Verdict.allCases
        lines.append(
            "modality   " + verdicts.map { $0.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) }.joined()
                + "total")
        for modality in Modality.allCases {
            guard let counts = card.byModality[modality] else { continue }
            lines.append(
                modality.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + verdicts.map { String(counts[$0]).padding(toLength: 14, withPad: " ", startingAt: 0) }.joined()
                    + String(counts.total))
        }
        lines.append(card.formula(language))
        return lines.joined(separator: "\n")
    }
}

/// JSON of results for `--format json`.
public enum ResultJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
