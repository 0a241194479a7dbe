import AuditModel
import Testing

private let satisfaction = Threshold(quantity: "satisfaction", comparison: .greaterThanOrEqual, value: 85, unit: "%")
private let retention = Threshold(quantity: "logRetention", comparison: .greaterThan, value: 60, unit: "day")
private let coverage = Threshold(quantity: "paymentCoverage", comparison: .greaterThanOrEqual, value: 100, unit: "%")
private let mismatch = Threshold(quantity: "catalogMismatch", comparison: .lessThanOrEqual, value: 0, unit: "%")
private let exactly = Threshold(quantity: "count", comparison: .equal, value: 3, unit: "count")

@Suite("The one number formatter")
struct NumberFormatTests {
    /// The three rounded styles: for people (two decimals), a check's share (one to four), a check's value (up to
    /// four).
    enum Style: Sendable {
        case human, share, measure

        func text(_ value: Double, _ threshold: Threshold?) -> String {
            switch self {
            case .human: NumberFormat.human(value, threshold: threshold)
            case .share: NumberFormat.share(value, threshold: threshold)
            case .measure: NumberFormat.measure(value, threshold: threshold)
            }
        }
    }

    @Test(
        "rounded half away from zero, never across the threshold or to a false zero",
        arguments: [
            (.human, 85.0, nil, "85"), (.human, 84.95, nil, "84.95"), (.human, 84.9, nil, "84.9"),
            (.human, -15.0, nil, "-15"), (.human, 0.004, nil, "0.004"), (.human, -0.004, nil, "-0.004"),
            (.human, 84.996, nil, "85"), (.human, 84.996, satisfaction, "84.996"),
            (.human, 84.995, satisfaction, "84.995"), (.human, 84.994, satisfaction, "84.99"),
            (.human, 85.0, satisfaction, "85"), (.human, 85.001, satisfaction, "85"),
            (.human, 85.004, satisfaction, "85"), (.human, 60.004, retention, "60.004"),
            (.human, 60.0, retention, "60"),
            (.human, 60.01, retention, "60.01"), (.human, 59.996, retention, "60"), (.human, 1234.5678, nil, "1234.57"),
            (.human, 0.125, nil, "0.13"), (.human, -0.125, nil, "-0.13"), (.human, 1.005, nil, "1.01"),
            (.human, 0.575, nil, "0.58"), (.human, -0.0, nil, "0"), (.human, 99.999, coverage, "99.999"),
            (.human, 0.001, mismatch, "0.001"), (.human, 2.999, exactly, "2.999"), (.human, 3.0, exactly, "3"),
            // A measured check's share: one to four decimals.
            (.share, 85.0, satisfaction, "85.0"), (.share, 85.41666666666667, satisfaction, "85.4167"),
            (.share, 87.5, coverage, "87.5"), (.share, 100.0, coverage, "100.0"), (.share, 0.0, mismatch, "0.0"),
            (.share, 84.99996, satisfaction, "84.99996"),
            (.share, 84.99995000149981, satisfaction, "84.99995000149981"), (.share, 84.99994, satisfaction, "84.9999"),
            (.share, 99.99996, coverage, "99.99996"), (.share, 0.00004, mismatch, "4e-05"),
            (.share, 90.9090909090909, nil, "90.9091"), (.share, 84.99996, nil, "85.0"),
            // A measured check's value and margin: up to four decimals, whole numbers without decimals.
            (.measure, 85.0, satisfaction, "85"), (.measure, 61.0, retention, "61"), (.measure, 60.0, retention, "60"),
            (.measure, 60.00001, retention, "60.00001"), (.measure, 60.00006, retention, "60.0001"),
            (.measure, 84.99996, satisfaction, "84.99996"), (.measure, -12.5, nil, "-12.5"),
            (.measure, -0.00001, nil, "-1e-05"), (.measure, 0.4166666666666714, nil, "0.4167"),
        ] as [(Style, Double, Threshold?, String)])
    func rounded(style: Style, value: Double, threshold: Threshold?, expected: String) {
        #expect(style.text(value, threshold) == expected)
    }

    @Test("whatever the value, the text lands on the same side of the threshold as the value")
    func neverAcrossTheLine() {
        let thresholds = [satisfaction, retention, coverage, mismatch, exactly]
        for threshold in thresholds {
            for step in -2000...2000 {
                let value = threshold.value + Double(step) * 0.0000173
                for text in [
                    NumberFormat.human(value, threshold: threshold), NumberFormat.share(value, threshold: threshold),
                    NumberFormat.measure(value, threshold: threshold),
                ] {
                    let shown = Double(text)
                    #expect(
                        shown.map(threshold.isMet(by:)) == threshold.isMet(by: value),
                        "\(value) shown as \(text) against \(threshold.comparison.symbol) \(threshold.value)")
                }
            }
        }
    }

    @Test("exactly on the line prints the line's own number: 85 passes ≥ 85, 60 fails > 60")
    func onTheLine() {
        #expect(NumberFormat.share(85, threshold: satisfaction) == "85.0")
        #expect(NumberFormat.measure(60, threshold: retention) == "60")
        #expect(NumberFormat.human(100, threshold: coverage) == "100")
    }

    @Test("negative margins keep their sign; a non-zero margin never prints as 0, +0 or -0")
    func margins() {
        #expect(NumberFormat.signedHuman(-15) == "-15")
        #expect(NumberFormat.signedHuman(1) == "+1")
        #expect(NumberFormat.signedHuman(0) == "0")
        #expect(NumberFormat.signedHuman(-0.0) == "0")
        #expect(NumberFormat.signedHuman(-0.004) == "-0.004")
        #expect(NumberFormat.signedHuman(0.004) == "+0.004")
        #expect(NumberFormat.signedHuman(-0.0400000000000063) == "-0.04")
        #expect(NumberFormat.measure(-0.0000001) == "-1e-07")
    }

    @Test("NaN and infinities are named, never digits")
    func notFinite() {
        #expect(NumberFormat.human(.nan) == "NaN")
        #expect(NumberFormat.human(.infinity) == "∞")
        #expect(NumberFormat.human(-.infinity, threshold: satisfaction) == "−∞")
        #expect(NumberFormat.share(.nan, threshold: satisfaction) == "NaN")
        #expect(NumberFormat.exact(.nan) == "NaN")
        #expect(NumberFormat.exact(.infinity) == "inf")
        #expect(NumberFormat.xml(.infinity) == "INF")
        #expect(NumberFormat.xml(-.infinity) == "-INF")
        #expect(NumberFormat.fixed(.nan, decimals: 1) == "NaN")
    }

    @Test("very large and very small values")
    func extremes() {
        #expect(NumberFormat.human(1e20) == "100000000000000000000")
        #expect(NumberFormat.measure(123456789012.34567) == "123456789012.3457")
        #expect(NumberFormat.human(1.7976931348623157e308).count == 309)
        #expect(NumberFormat.human(1e-300) == "1e-300")
        #expect(NumberFormat.human(Double.leastNonzeroMagnitude) == "5e-324")  // (the literal underflows)
        #expect(NumberFormat.human(-1e-300, threshold: mismatch) == "-1e-300")
        #expect(NumberFormat.human(1e-300, threshold: mismatch) == "1e-300")
        #expect(NumberFormat.fixed(1e-300, decimals: 3) == "0.000")
        #expect(NumberFormat.exact(1e16) == "1e+16")
        #expect(NumberFormat.exact(999_999_999_999_999) == "999999999999999")
    }

    @Test(
        "exact: whole numbers without .0, anything else as the shortest form that reads back the same",
        arguments: [
            (60.0, "60"), (85.0, "85"), (2.5, "2.5"), (-3.0, "-3"), (-0.0, "0"), (0.1 + 0.2, "0.30000000000000004"),
            (1e-5, "1e-05"),
        ])
    func exact(value: Double, expected: String) {
        #expect(NumberFormat.exact(value) == expected)
        #expect(Double(NumberFormat.exact(value)) == value)
    }

    @Test(
        "XML numbers are exact, locale-independent xs:double literals",
        arguments: [
            (85.0, "85.0"), (0.1, "0.1"), (-15.0, "-15.0"), (1e-5, "1e-05"), (1e16, "1e+16"), (-0.0, "0.0"),
            (Double.nan, "NaN"), (Double.infinity, "INF"), (-Double.infinity, "-INF"), (84.999, "84.999"),
        ])
    func xml(value: Double, expected: String) {
        #expect(NumberFormat.xml(value) == expected)
    }

    @Test("fixed decimals for numbers without a line: timings and the should adoption")
    func fixed() {
        #expect(NumberFormat.fixed(0.0523, decimals: 3) == "0.052")
        #expect(NumberFormat.fixed(0, decimals: 3) == "0.000")
        #expect(NumberFormat.fixed(2.0005, decimals: 3) == "2.001")
        #expect(NumberFormat.fixed(10.344827586206897, decimals: 1) == "10.3")
        #expect(NumberFormat.fixed(99.96, decimals: 1) == "100.0")
    }

    @Test("cut toward zero, as a clock counts seconds, but never cut onto the limit")
    func towardZero() {
        let fresh = Threshold(quantity: "readingAge", comparison: .lessThanOrEqual, value: 900, unit: "s")
        #expect(NumberFormat.decimal(7202.9, decimals: 0...0, threshold: fresh, rounding: .towardZero) == "7202")
        #expect(NumberFormat.decimal(900.4, decimals: 0...0, threshold: fresh, rounding: .towardZero) == "900.4")
        #expect(NumberFormat.decimal(901.9, decimals: 0...0, threshold: fresh, rounding: .towardZero) == "901")
        #expect(NumberFormat.decimal(-2.7, decimals: 0...0, rounding: .towardZero) == "-2")
    }
}
