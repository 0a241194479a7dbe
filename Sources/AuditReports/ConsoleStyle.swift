import AuditModel
import AuditSupport

/// How console text is written: in which language, and whether FAIL and ERROR are coloured.
///
/// Colour is the command's decision (on a terminal, not when piped, never with `NO_COLOR`); a plain style writes no
/// escape code at all.
public struct ConsoleStyle: Sendable, Hashable {
    public var colour: Bool
    public var language: Language

    public init(colour: Bool = false, language: Language = .en) {
        self.colour = colour
        self.language = language
    }

    /// English, no colour: what scripts and tests read.
    public static let plain = ConsoleStyle()

    /// ANSI SGR codes; only written when `colour` is on.
    enum Paint: String {
        case red = "1;31"
        case yellow = "1;33"
        case green = "32"
    }

    /// `text` neutralised (`ConsoleText`), then wrapped in the paint's escape codes when `colour` is on: the only
    /// escape sequences console text ever holds are these, added after everything else is made safe.
    func paint(_ text: String, _ paint: Paint?) -> String {
        let safe = ConsoleText.neutralised(text)
        guard colour, let paint else { return safe }
        return "\u{1B}[\(paint.rawValue)m\(safe)\u{1B}[0m"
    }

    /// The colour of a verdict: FAIL red, ERROR yellow, pass green, the rest none.
    static func paint(for verdict: Verdict) -> Paint? {
        switch verdict {
        case .fail: .red
        case .error: .yellow
        case .pass: .green
        case .notApplicable, .notAssessed: nil
        }
    }

    /// The colour of a conformance verdict.
    static func paint(for conformance: Conformance) -> Paint {
        switch conformance {
        case .conformant: .green
        case .nonConformant: .red
        case .incomplete: .yellow
        }
    }

    /// A verdict's console word: `FAIL`, `ERROR`, … in English; 不通过, 错误, … in Chinese.
    public func word(_ verdict: Verdict) -> String {
        switch (verdict, language) {
        case (.pass, .en): "pass"
        case (.fail, .en): "FAIL"
        case (.error, .en): "ERROR"
        case (.notApplicable, .en): "n/a"
        case (.notAssessed, .en): "not assessed"
        case (.pass, .zh): "通过"
        case (.fail, .zh): "不通过"
        case (.error, .zh): "错误"
        case (.notApplicable, .zh): "不适用"
        case (.notAssessed, .zh): "未评估"
        }
    }

    /// A modality's console word: `shall`, … in English; 应, 严禁, 宜, 可 in Chinese.
    public func word(_ modality: Modality) -> String {
        switch (modality, language) {
        case (_, .en): modality.rawValue
        case (.shall, .zh): "应"
        case (.shallNot, .zh): "严禁"
        case (.should, .zh): "宜"
        case (.may, .zh): "可"
        }
    }

    /// `text` padded with spaces to `width` terminal columns (Chinese characters take two).
    public static func pad(_ text: String, _ width: Int) -> String {
        let used = text.unicodeScalars.reduce(0) { $0 + (wide($1) ? 2 : 1) }
        return text + String(repeating: " ", count: max(0, width - used))
    }

    private static func wide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            true
        default: false
        }
    }
}
