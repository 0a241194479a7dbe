import AuditChecklist
import Testing

@Suite("Display width")
struct DisplayWidthTests {
    @Test(
        "columns of a string",
        arguments: [
            ("", 0),
            ("shall", 5),
            ("5.1.2-3", 7),
            ("网络通信", 8),  // CJK unified ideographs: wide
            ("5G网络", 6),
            ("、。「」", 8),  // CJK punctuation: wide
            ("，（）：；", 10),  // fullwidth forms: fullwidth
            ("ＡＢＣ", 6),  // fullwidth Latin
            ("ｱｲｳ", 3),  // halfwidth katakana: narrow
            ("ひらがなカタカナ", 16),
            ("한국어", 6),  // hangul syllables
            ("e\u{301}", 1),  // combining acute accent: zero
            ("a\u{200B}b", 2),  // zero-width space: format, zero
            ("“…”", 3),  // East Asian Ambiguous counts one
            ("𠀀", 2),  // CJK extension B (outside the BMP)
            ("👍", 2),
            ("é", 1),
            ("\t", 0),
        ])
    func width(_ text: String, _ columns: Int) {
        #expect(DisplayWidth.of(text) == columns, "\(text)")
    }

    @Test("range edges: the last narrow and first wide code points around the CJK blocks")
    func edges() {
        #expect(DisplayWidth.of(Unicode.Scalar(0x2E7F)!) == 1)
        #expect(DisplayWidth.of(Unicode.Scalar(0x2E80)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0x303E)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0x303F)!) == 1)
        #expect(DisplayWidth.of(Unicode.Scalar(0x4E00)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0x9FFF)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0xA4CF)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0xA4D0)!) == 1)
        #expect(DisplayWidth.of(Unicode.Scalar(0xFF00)!) == 1)
        #expect(DisplayWidth.of(Unicode.Scalar(0xFF01)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0xFF60)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0xFF61)!) == 1)
        #expect(DisplayWidth.of(Unicode.Scalar(0x10FFFF)!) == 1)
    }

    @Test("padding brings mixed strings to the same number of columns")
    func padding() {
        let cells = ["应 shall", "严禁 shallNot", "宜 should", "可 may", "ASCII only"]
        let width = cells.map { DisplayWidth.of($0) }.max()!
        #expect(width == 13)
        for cell in cells {
            let padded = DisplayWidth.pad(cell, to: width)
            #expect(DisplayWidth.of(padded) == width)
            #expect(padded.hasPrefix(cell))
        }
        #expect(DisplayWidth.pad("网络通信", to: 6) == "网络通信")  // already wider: unchanged
        #expect(DisplayWidth.pad("网络", to: 6) == "网络  ")
    }

    @Test("truncation counts columns, never splits a character, and marks the cut")
    func truncation() {
        #expect(DisplayWidth.truncate("商场应提供免费WiFi接入服务", to: 100) == "商场应提供免费WiFi接入服务")
        let cut = DisplayWidth.truncate("商场应提供免费WiFi接入服务", to: 10)
        #expect(cut == "商场应...")  // 3 ideographs (6) + "..." (3) = 9; a fourth would make 11
        #expect(DisplayWidth.of(cut) <= 10)
        #expect(DisplayWidth.truncate("abcdefghij", to: 10) == "abcdefghij")
        #expect(DisplayWidth.truncate("abcdefghijk", to: 10) == "abcdefg...")
    }
}
