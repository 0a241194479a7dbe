/// The one way mallaudit writes a number, for the console, the measured checks, XPath values and the reports.
///
/// Locale-independent and stable: no `NumberFormatter`, no `String(format:)`; the same Double always gives the same
/// characters on every machine. Rounding works on the shortest decimal form that reads back to the same Double (the
/// digits Swift prints), half away from zero, so `1.005` to two decimals is `1.01`, as a person rounding the printed
/// number would have it.
///
/// The rule every rounded form keeps: **a value is never rounded across its line.** When the rounded form would land
/// on the other side of the value's threshold (`84.996` against `≥ 85` would show as `85`), or a non-zero value would
/// show as zero (the line a margin is measured from), the exact value is shown instead (`84.996`). So a report never
/// says "85.0 %, below 85 %".
public enum NumberFormat {
    /// Decimals of a number for people in the reports and the console: `85`, `84.95`.
    public static let humanDecimals = 0...2
    /// Decimals of a measured check's value and margin: `85`, `85.4167`.
    public static let measureDecimals = 0...4
    /// Decimals of a share in a measured check's explanation: `85.0`, `87.5`, `85.4167`.
    public static let shareDecimals = 1...4

    /// How the digits beyond the last decimal shown are dropped.
    public enum Rounding: Sendable {
        /// To the nearest, a tie away from zero (`0.125` → `0.13`): the default.
        case halfAwayFromZero
        /// Cut off, as a clock counts whole seconds (`7202.9` → `7202`).
        case towardZero
    }

    /// `value` rounded to at most `decimals.upperBound` decimals, trailing zeros dropped down to
    /// `decimals.lowerBound` (`85.0` with `1...4`, `85` with `0...2`); the exact value (``exact(_:)``) where rounding
    /// would cross `threshold` or show a non-zero value as zero. `NaN`, `∞`, `−∞` as such.
    public static func decimal(
        _ value: Double, decimals: ClosedRange<Int>, threshold: Threshold? = nil, rounding: Rounding = .halfAwayFromZero
    ) -> String {
        let text = rounded(value, decimals: decimals, rounding)
        guard value.isFinite, let shown = Double(text) else { return text }
        if shown == 0, value != 0 { return exact(value) }
        if let threshold, threshold.isMet(by: shown) != threshold.isMet(by: value) { return exact(value) }
        return text
    }

    /// For people, in reports and on the console: at most two decimals (`85`, `84.95`, `-15`), never across
    /// `threshold` (`84.996` against `≥ 85` is `84.996`).
    public static func human(_ value: Double, threshold: Threshold? = nil) -> String {
        decimal(value, decimals: humanDecimals, threshold: threshold)
    }

    /// A signed margin for people: `+1`, `-15`, `0`. Never `+0` or `-0`: a margin that is not zero shows its digits.
    public static func signedHuman(_ value: Double) -> String {
        let text = human(value)
        return value > 0 && !text.hasPrefix("-") ? "+" + text : text
    }

    /// A measured check's value or margin: at most four decimals (`85`, `85.4167`), never across `threshold`.
    public static func measure(_ value: Double, threshold: Threshold? = nil) -> String {
        decimal(value, decimals: measureDecimals, threshold: threshold)
    }

    /// A percentage in a measured check's explanation: one to four decimals (`85.0`, `84.96`), never across
    /// `threshold`.
    public static func share(_ value: Double, threshold: Threshold? = nil) -> String {
        decimal(value, decimals: shareDecimals, threshold: threshold)
    }

    /// Exactly `decimals` decimals (`10.3 %`, `0.052 s`), for a number that has no line to be kept on the right
    /// side of (a should adoption, a timing): plain rounding, so a tiny value may show as `0.000`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        rounded(value, decimals: decimals...decimals, .halfAwayFromZero)
    }

    /// The rounded text alone, without the checks against the line.
    private static func rounded(_ value: Double, decimals: ClosedRange<Int>, _ rounding: Rounding) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "−∞" : "∞" }
        return DecimalDigits(value).rounded(decimals: decimals.upperBound, rounding)
            .text(minimumDecimals: decimals.lowerBound)
    }

    /// The exact value, for a number a reader or a probe compares as it is (a checklist threshold, an XPath
    /// result): a whole number without `.0` (`60`, `-3`), anything else in Swift's shortest round-trip form (`2.5`,
    /// `1e-05`, `1e+15`, `inf`), `NaN`.
    public static func exact(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// The exact value as an `xs:double` literal: the shortest round-trip form (`85.0`, `0.1`, `1e-05`, `1e+16`),
    /// `NaN`, `INF` or `-INF`. Reading it back gives the same Double.
    public static func xml(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-INF" : "INF" }
        if value == 0 { return "0.0" }  // no "-0.0": a margin of zero is on the line, not below it
        return value.description
    }
}

/// The decimal digits of a finite Double's shortest round-trip form: `value = ±0.d₁d₂d₃… × 10^point`, no leading
/// zero digit (no digit at all for zero).
private struct DecimalDigits {
    var negative: Bool
    var digits: [UInt8]
    var point: Int

    init(_ value: Double) {
        negative = value < 0
        let text = abs(value).description  // `85.0`, `0.001`, `1e-05`, `1.2345678901234568e+17`
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1)
        let whole = mantissa[0].utf8.map { $0 - UInt8(ascii: "0") }
        let fraction = mantissa.count == 2 ? mantissa[1].utf8.map { $0 - UInt8(ascii: "0") } : []
        digits = whole + fraction
        point = whole.count + exponent
        let leadingZeros = digits.prefix { $0 == 0 }.count
        digits.removeFirst(leadingZeros)
        point -= leadingZeros
        while digits.last == 0 { digits.removeLast() }
        if digits.isEmpty { point = 0 }
    }

    /// Rounded to `decimals` digits after the decimal point.
    func rounded(decimals: Int, _ rounding: NumberFormat.Rounding) -> DecimalDigits {
        let keep = point + decimals
        guard keep < digits.count else { return self }
        var copy = self
        guard keep >= 0 else {
            copy.digits = []
            copy.point = 0
            return copy
        }
        let roundsUp = rounding == .halfAwayFromZero && digits[keep] >= 5
        copy.digits = Array(digits[..<keep])
        if roundsUp {
            var index = keep - 1
            while index >= 0, copy.digits[index] == 9 {
                copy.digits[index] = 0
                index -= 1
            }
            if index >= 0 {
                copy.digits[index] += 1
            } else {
                copy.digits.insert(1, at: 0)
                copy.point += 1
            }
        }
        while copy.digits.last == 0 { copy.digits.removeLast() }
        if copy.digits.isEmpty { copy.point = 0 }
        return copy
    }

    /// Positional text with at least `minimumDecimals` digits after the point; `-` only on a non-zero value.
    func text(minimumDecimals: Int) -> String {
        func digit(_ index: Int) -> Character {
            index >= 0 && index < digits.count ? Character(Unicode.Scalar(digits[index] + UInt8(ascii: "0"))) : "0"
        }
        var text = digits.isEmpty || !negative ? "" : "-"
        if point <= 0 {
            text += "0"
        } else {
            for index in 0..<point { text.append(digit(index)) }
        }
        let decimals = max(minimumDecimals, digits.count - point)
        if decimals > 0 {
            text += "."
            for index in point..<(point + decimals) { text.append(digit(index)) }
        }
        return text
    }
}
