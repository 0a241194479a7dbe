import AuditModel

/// Locale-independent, stable number formatting for reports. No `NumberFormatter`, no `String(format:)`: the same
/// Double always gives the same characters, whatever the machine's locale.
public enum ReportNumber {
    /// The exact value as an `xs:double` literal: Swift's shortest round-trip form (`85.0`, `0.1`, `1e-05`,
    /// `1e+16`), `NaN`, `INF` or `-INF`. Reading it back gives the same Double.
    public static func xml(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-INF" : "INF" }
        if value == 0 { return "0.0" }  // no "-0.0": a margin of zero is on the line, not below it
        return value.description
    }

    /// For people: at most two decimals, trailing zeros dropped (`85`, `84.95`, `-15`). Falls back to the exact
    /// value when rounding would hide something — a non-zero value that would print as 0, or (with a threshold) a
    /// value whose rounded form would land on the other side of the line (`84.996` against `≥ 85` prints
    /// `84.996`, never `85`).
    public static func human(_ value: Double, threshold: Threshold? = nil) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "−∞" : "∞" }
        guard abs(value) < 1e13 else { return value.description }
        let hundredths = (value * 100).rounded()
        let rounded = hundredths / 100
        if value != 0 && rounded == 0 { return value.description }
        if let threshold, threshold.isMet(by: rounded) != threshold.isMet(by: value) { return value.description }
        let magnitude = Int64(abs(hundredths))
        let whole = magnitude / 100
        let fraction = magnitude % 100
        var text = (hundredths < 0 ? "-" : "") + String(whole)
        if fraction != 0 {
            text += "." + (fraction < 10 ? "0" : "") + String(fraction)
            if text.hasSuffix("0") { text.removeLast() }
        }
        return text
    }

    /// A signed margin for people: `+1`, `-15`, `0`.
    public static func signedHuman(_ value: Double) -> String {
        let text = human(value)
        return value > 0 && !text.hasPrefix("-") ? "+" + text : text
    }
}
