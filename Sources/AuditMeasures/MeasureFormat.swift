import AuditModel
import Foundation

/// Helpers shared by the measured checks; their numbers are written by ``NumberFormat`` (AuditModel).
enum MeasureFormat {
    /// `part / whole × 100`, computed by multiplying first so whole-number results are exact (17 / 20 → 85).
    static func percentage(_ part: Int, _ whole: Int) -> Double {
        whole == 0 ? 0 : Double(part) * 100 / Double(whole)
    }

    /// Lines for a list of days, runs of consecutive days shown as ranges.
    static func dayRanges(_ days: [Int]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < days.count {
            var end = index
            while end + 1 < days.count, days[end + 1] == days[end] + 1 { end += 1 }
            let first = MeasureDate(dayNumber: days[index])
            if end == index {
                out.append(first.description)
            } else {
                out.append("\(first) to \(MeasureDate(dayNumber: days[end])) (\(end - index + 1) days)")
            }
            index = end + 1
        }
        return out
    }

    /// The verdict a threshold gives a value.
    static func verdict(_ threshold: Threshold, _ value: Double) -> Verdict {
        threshold.isMet(by: value) ? .pass : .fail
    }

    /// Trims spaces (ASCII and the ideographic space U+3000) and line breaks.
    static func trim(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{3000}")))
    }
}
