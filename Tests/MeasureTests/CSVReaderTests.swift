import AuditModel
import AuditMeasures
import Foundation
import Testing

@Suite("MeasureDate")
struct MeasureDateTests {
    @Test(
        "day numbers round-trip and weekdays are right",
        arguments: [
            ("1970-01-01", 0, 4), ("2000-02-29", 11_016, 2), ("2026-10-10", 20_736, 6), ("2026-09-20", 20_716, 7),
            ("2025-12-31", 20_453, 3),
        ])
    func dayNumbers(_ text: String, _ number: Int, _ weekday: Int) {
        let date = day(text)
        #expect(date.dayNumber == number)
        #expect(MeasureDate(dayNumber: number) == date)
        #expect(date.weekday == weekday)
        #expect(date.description == text)
    }

    @Test(
        "invalid dates are rejected", arguments: ["2026-02-29", "2026-13-01", "2026-1-5", "26-01-05", "2026-01-32", ""])
    func invalid(_ text: String) {
        #expect(MeasureDate(iso: text) == nil)
    }

    @Test(
        "date-times as complaint registers write them",
        arguments: [
            ("2026-09-30", "2026-09-30"), ("2026/9/30 14:05", "2026-09-30 14:05:00"),
            ("2026-09-30T14:05:09+08:00", "2026-09-30 14:05:09"), ("2026年9月30日", "2026-09-30"),
            ("  2026-10-13 23:59:59 ", "2026-10-13 23:59:59"), ("2026.10.13 08:00:00.250Z", "2026-10-13 08:00:00"),
        ])
    func dateTimes(_ text: String, _ expected: String) {
        #expect(MeasureDateTime(parsing: text)?.description == expected)
    }

    @Test(
        "unparseable date-times", arguments: ["30/09/2026", "2026-09-31", "yesterday", "2026-09-30 25:00", "2026-09"])
    func badDateTimes(_ text: String) {
        #expect(MeasureDateTime(parsing: text) == nil)
    }
}

@Suite("CSVReader")
struct CSVReaderTests {
    @Test("RFC 4180 quoting: commas, doubled quotes, line breaks inside quotes; physical line numbers")
    func quoting() throws {
        let text =
            "id,comment,score\r\n1,\"a, b\",3\r\n2,\"she said \"\"hi\"\"\",4\r\n"
            + "3,\"two\r\nlines\nthree\",5\r\n4,plain,6\r\n"
        let table = try CSVReader.parse(Array(text.utf8), file: "t.csv")
        #expect(table.header == ["id", "comment", "score"])
        #expect(
            table.rows.map(\.fields) == [
                ["1", "a, b", "3"], ["2", "she said \"hi\"", "4"], ["3", "two\r\nlines\nthree", "5"],
                ["4", "plain", "6"],
            ])
        #expect(table.rows.map(\.line) == [2, 3, 4, 7])
        #expect(table.encoding == "UTF-8")
    }

    @Test("UTF-8 byte-order mark is dropped, also from the first column name")
    func bom() throws {
        let table = try CSVReader.parse([0xEF, 0xBB, 0xBF] + Array("satisfaction\n满意\n".utf8), file: "b.csv")
        #expect(table.encoding == "UTF-8 with BOM")
        #expect(table.column(["Satisfaction"]) == 0)
        #expect(table.rows.first?.fields == ["满意"])
    }

    @Test("GB18030 (Chinese Excel) is detected and decoded, quoted line break keeps line numbers")
    func gb18030File() throws {
        var bytes = gb18030(["编号", ",", "满意度", ",", "备注", "\r\n"])
        bytes += gb18030(["1,", "满意", ",\"", "好，很好", "\"\r\n"])
        bytes += gb18030(["2,", "基本满意", ",\"x\r\ny\"\r\n"])
        bytes += gb18030(["3,", "不满意", ",\r\n"])
        let table = try CSVReader.parse(bytes, file: "gb.csv")
        #expect(table.encoding == "GB18030")
        #expect(table.header == ["编号", "满意度", "备注"])
        #expect(table.rows.map { $0[1] } == ["满意", "基本满意", "不满意"])
        #expect(table.rows[0][2] == "好，很好")
        #expect(table.rows.map(\.line) == [2, 3, 5])
    }

    @Test("column lookup is case-insensitive and trimmed; a missing column names file, header line and columns")
    func columns() throws {
        let table = try CSVReader.parse(Array("\n Merchant , CASH\nA,yes\n".utf8), file: "p.csv")
        #expect(table.column(["merchant"]) == 0)
        #expect(table.column(["cash"]) == 1)
        let diagnostic = expectDiagnostic { try table.requireColumn("ecny") }
        #expect(diagnostic?.file == "p.csv")
        #expect(diagnostic?.line == 2)
        #expect(diagnostic?.message.contains("'ecny'") == true)
        #expect(diagnostic?.expected?.contains("'Merchant'") == true)
    }

    @Test("an unclosed quote is reported at the line where the field starts")
    func unclosedQuote() {
        let diagnostic = expectDiagnostic {
            try CSVReader.parse(Array("a,b\n1,2\n3,\"oops\n4,5\n".utf8), file: "q.csv")
        }
        #expect(diagnostic?.file == "q.csv")
        #expect(diagnostic?.line == 3)
        #expect(diagnostic?.message.contains("not closed") == true)
    }

    @Test("text after a closing quote is an error at its line")
    func textAfterQuote() {
        let diagnostic = expectDiagnostic { try CSVReader.parse(Array("a,b\n\"x\"y,2\n".utf8), file: "q.csv") }
        #expect(diagnostic?.line == 2)
    }

    @Test("a row with more non-empty fields than the header is an error; trailing empty fields are fine")
    func extraFields() throws {
        let diagnostic = expectDiagnostic { try CSVReader.parse(Array("a,b\n1,2\n3,4,5\n".utf8), file: "x.csv") }
        #expect(diagnostic?.line == 3)
        #expect(diagnostic?.message.contains("3 fields") == true)
        let table = try CSVReader.parse(Array("a,b\n1,2,,\n".utf8), file: "x.csv")
        #expect(table.rows.count == 1)
    }

    @Test("a row with fewer fields than the header (a record cut by an unquoted line break) is an error at its line")
    func shortRow() throws {
        let cut = "id,satisfaction,comment\nR1,满意,好\nR2,不满意,排队\n太久\nR3,满意,\n"
        let diagnostic = expectDiagnostic { try CSVReader.parse(Array(cut.utf8), file: "survey.csv") }
        #expect(diagnostic?.file == "survey.csv")
        #expect(diagnostic?.line == 4)
        #expect(diagnostic?.message.contains("1 field(s) but the header has 3") == true, "\(String(describing: diagnostic))")
        let quoted = "id,satisfaction,comment\nR1,满意,好\nR2,不满意,\"排队\n太久\"\nR3,满意,\n"
        let table = try CSVReader.parse(Array(quoted.utf8), file: "survey.csv")
        #expect(table.rows.map(\.line) == [2, 3, 5])
    }

    @Test("an empty file and a missing file are errors naming the file")
    func emptyAndMissing() throws {
        let empty = expectDiagnostic { try CSVReader.parse([], file: "e.csv") }
        #expect(empty?.file == "e.csv")
        #expect(empty?.message.contains("empty") == true)
        let missing = expectDiagnostic { try CSVReader.read(URL(fileURLWithPath: "/nonexistent/survey.csv")) }
        #expect(missing?.file == "/nonexistent/survey.csv")
        #expect(missing?.message.contains("no such file") == true)
    }

    @Test("bytes that are neither UTF-8 nor GB18030 are rejected")
    func garbage() {
        // 0xFF is never valid in UTF-8 nor as a GB18030 lead byte.
        let diagnostic = expectDiagnostic {
            try CSVReader.parse(Array("a\nok\n".utf8) + [0xFF, 0xFF, 0x0A], file: "g.csv")
        }
        #expect(diagnostic?.file == "g.csv")
        #expect(diagnostic?.line == 3)
    }

    @Test("blank lines are skipped and a tab-separated export is read with tabs")
    func blankLinesAndTabs() throws {
        let table = try CSVReader.parse(Array("a\tb\n\n1\t2\n\n".utf8), file: "t.tsv")
        #expect(table.header == ["a", "b"])
        #expect(table.rows.map(\.fields) == [["1", "2"]])
        #expect(table.rows[0].line == 3)
        // The lines of the blank records after the header are kept for the checks that need them.
        #expect(table.blankLines == [2, 4])
    }
}
