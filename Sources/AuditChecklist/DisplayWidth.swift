/// Terminal column widths, so tables line up in a Chinese terminal.
///
/// East Asian Wide (W) and Fullwidth (F) characters (UAX #11) take two columns: CJK ideographs,
/// kana, hangul, CJK punctuation such as `、` and `。`, full-width forms such as `，` and `（`,
/// and most emoji. Combining marks, format characters and controls take none. Everything else,
/// including East Asian Ambiguous characters (`“`, `…`), takes one: tables avoid those where
/// alignment matters.
public enum DisplayWidth {
    /// Columns a terminal uses to show `text`.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// Columns a terminal uses to show one scalar: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if value < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(value) { return 0 }  // Hangul medial vowels and final consonants
        return isWide(value) ? 2 : 1
    }

    /// Pads `text` with spaces on the right to `width` columns (no truncation).
    public static func pad<S: StringProtocol>(_ text: S, to width: Int) -> String {
        let missing = width - of(text)
        return missing > 0 ? String(text) + String(repeating: " ", count: missing) : String(text)
    }

    /// `text` cut to at most `width` columns, ending in `...` when it was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        let budget = max(width - 3, 0)
        var used = 0
        var result = ""
        for character in text {
            let columns = of(String(character))
            if used + columns > budget { break }
            used += columns
            result.append(character)
        }
        return result + String(repeating: ".", count: min(3, width))
    }

    /// East Asian Wide or Fullwidth code points (UAX #11, Unicode 15), by block.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo initial consonants
        0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693,
        0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE,
        0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA,
        0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728, 0x274C...0x274C,
        0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797, 0x27B0...0x27B0,
        0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E,  // CJK radicals, Kangxi radicals, ideographic description, CJK symbols and punctuation
        0x3041...0x33FF,  // kana, bopomofo, hangul compatibility jamo, kanbun, CJK strokes, enclosed CJK, compatibility
        0x3400...0x4DBF,  // CJK unified ideographs extension A
        0x4E00...0x9FFF,  // CJK unified ideographs
        0xA000...0xA4CF,  // Yi
        0xA960...0xA97F,  // Hangul Jamo extended A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19,  // vertical forms
        0xFE30...0xFE6F,  // CJK compatibility forms, small form variants
        0xFF01...0xFF60,  // fullwidth ASCII variants and punctuation
        0xFFE0...0xFFE6,  // fullwidth signs
        0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF,  // Tangut, kana supplement
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
        0x1F200...0x1F251, 0x1F260...0x1F265,  // enclosed ideographic supplement
        0x1F300...0x1F64F,  // pictographs and emoticons (most are W)
        0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB, 0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF,
        0x20000...0x2FFFD,  // CJK extensions B–F, compatibility supplement
        0x30000...0x3FFFD,  // CJK extensions G, H
    ]

    private static func isWide(_ value: UInt32) -> Bool {
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
