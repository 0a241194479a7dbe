/// Calendar dates as the profile and reports write them: `YYYY-MM-DD` (ISO 8601 / `xs:date` without a zone), and
/// only dates that exist.
public enum ISODate {
    /// Whether `text` is exactly `YYYY-MM-DD` (ASCII digits, year 0001–9999) and names a day of the Gregorian
    /// calendar: `2026-02-28` and `2028-02-29` are, `2026-02-30`, `2026-13-45` and `2026-1-5` are not.
    public static func isValid(_ text: String) -> Bool { parse(text) != nil }

    /// The year, month and day of a valid `YYYY-MM-DD`, else nil.
    public static func parse(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), year >= 1,
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        return (year, month, day)
    }

    /// Days in `month` (1–12) of `year`, Gregorian.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
