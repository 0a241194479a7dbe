import AuditModel
import AuditSupport
import Foundation

/// Terminal output of results: one block per statement (verdict, id, producer, why, what was observed), and the
/// run summary with the conformance formula. Plain text — terminals escape nothing, so nothing here is HTML; every
/// value from outside (ids, reasons, observations) is neutralised (`ConsoleText`) before the style colours a word, so
/// the text can be written as it is.
public enum ConsoleReport {
    /// `pass`/`FAIL`/… padded to one width, so ids line up; coloured when `style` says so.
    public static func label(_ verdict: Verdict, style: ConsoleStyle = .plain) -> String {
        style.paint(ConsoleStyle.pad(style.word(verdict), 12), ConsoleStyle.paint(for: verdict))
    }

    /// One block per result: `FAIL         5.1.2-3  wifi-log-retention — reason` then `    observed: value` lines.
    public static func results(
        _ results: [StatementResult], checklist: Checklist, observations: Bool = true, style: ConsoleStyle = .plain
    ) -> String {
        var lines: [String] = []
        let safe = ConsoleText.neutralised
        for result in results {
            let modality = checklist.statement(result.statementID).map { style.word($0.modality) } ?? "?"
            var line = "\(label(result.verdict, style: style)) \(safe(result.statementID)) (\(modality))"
            if let producer = result.producer { line += "  [\(safe(producer))]" }
            lines.append(line)
            lines.append("    " + safe(result.reason))
            if let measurement = result.measurement {
                // Never rounded onto the other side of its threshold (84.996 is not "85"); the threshold is exact.
                let threshold = measurement.threshold
                let value = NumberFormat.human(measurement.value, threshold: threshold)
                var text = "    measured: \(value) \(safe(measurement.unit))"
                if let threshold {
                    let limit = NumberFormat.exact(threshold.value)
                    text += "  threshold: \(threshold.comparison.symbol) \(limit) \(safe(threshold.unit))"
                }
                if let sample = measurement.sample { text += "  sample: \(sample)" }
                if let margin = measurement.margin { text += "  margin: \(NumberFormat.signedHuman(margin))" }
                lines.append(text)
            }
            if observations {
                for observation in result.observations.prefix(12) {
                    lines.append("    · \(safe(observation.name)) = \(safe(observation.value))")
                }
                if result.observations.count > 12 { lines.append("    · … \(result.observations.count - 12) more") }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The summary of a scorecard: verdict, counts by modality and verdict, formula; in `style.language` (the
    /// `language` of the formula when no style is given), the verdict coloured when `style` says so.
    public static func summary(
        _ card: Scorecard, results: [StatementResult], language: Language = .en, style: ConsoleStyle? = nil
    ) -> String {
        let style = style ?? ConsoleStyle(language: language)
        var lines: [String] = []
        let verdict = ConsoleStyle.paint(for: card.conformance)
        switch style.language {
        case .en:
            lines.append(
                "conformance: " + style.paint(card.conformance.rawValue, verdict) + " (\(card.conformance.chinese))")
        case .zh:
            lines.append("结论：" + style.paint(card.conformance.chinese, verdict) + "（\(card.conformance.rawValue)）")
        }
        let verdicts = Verdict.allCases
        let words = style.language == .en ? verdicts.map(\.rawValue) : verdicts.map(style.word)
        let first = style.language == .en ? "modality" : "类型"
        lines.append(
            ConsoleStyle.pad(first, 11) + words.map { ConsoleStyle.pad($0, 14) }.joined()
                + (style.language == .en ? "total" : "合计"))
        for modality in Modality.allCases {
            guard let counts = card.byModality[modality] else { continue }
            let name = style.language == .en ? modality.rawValue : style.word(modality)
            lines.append(
                ConsoleStyle.pad(name, 11) + verdicts.map { ConsoleStyle.pad(String(counts[$0]), 14) }.joined()
                    + String(counts.total))
        }
        lines.append(card.formula(style.language))
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
