import AuditModel
import AuditSupport
import Foundation

/// One data row of a CSV file, with the physical line it starts on (right even when an earlier field held
/// a quoted line break).
public struct CSVRow: Sendable, Hashable {
    /// 1-based physical line of the row's first character.
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }

    /// The field at `index`, or "" when the row is shorter (rows of a parsed table never are).
    public subscript(_ index: Int) -> String { index < fields.count ? fields[index] : "" }
}

/// A CSV file read by ``CSVReader``: the header and the data rows.
public struct CSVTable: Sendable, Hashable {
    /// The path as given, for messages.
    public var file: String
    /// The header fields, trimmed.
    public var header: [String]
    /// Physical line of the header row.
    public var headerLine: Int
    public var rows: [CSVRow]
    /// `UTF-8`, `UTF-8 with BOM` or `GB18030`.
    public var encoding: String
    /// Physical lines of the blank records after the header (empty, or only spaces and delimiters), which are not in
    /// ``rows``. In a one-column export such a line can be an unanswered row: a check decides.
    public var blankLines: [Int]

    public init(
        file: String, header: [String], headerLine: Int, rows: [CSVRow], encoding: String, blankLines: [Int] = []
    ) {
        self.file = file
        self.header = header
        self.headerLine = headerLine
        self.rows = rows
        self.encoding = encoding
        self.blankLines = blankLines
    }

    static func normalise(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Index of the first column whose name matches one of `names` (case-insensitive, trimmed), or nil.
    public func column(_ names: [String]) -> Int? {
        let wanted = names.map(CSVTable.normalise)
        for name in wanted {
            if let index = header.firstIndex(where: { CSVTable.normalise($0) == name }) { return index }
        }
        return nil
    }

    /// Index of the column `name` (or one of its `alternatives`); throws a diagnostic naming the file, the
    /// header line, the column expected and the columns found.
    public func requireColumn(_ name: String, alternatives: [String] = []) throws -> Int {
        if let index = column([name] + alternatives) { return index }
        let also = alternatives.isEmpty ? "" : " (or " + alternatives.map { "'\($0)'" }.joined(separator: ", ") + ")"
        throw DiagnosticsError(
            Diagnostic(
                file: file, line: headerLine, message: "no column named '\(name)'\(also) in the header",
                expected: "a header row with a '\(name)' column; found: "
                    + header.map { "'\($0)'" }.joined(separator: ", ")))
    }

    /// The table with every cell of a personal column (a complainant's name or phone: `PersonalData`) masked as it
    /// is read: nothing a check quotes from such a column can carry the person (docs/privacy.md).
    public func maskingPersonalColumns(_ masker: PersonalData) -> CSVTable {
        let personal = header.indices.filter { masker.isPersonalColumn(header[$0]) }
        guard !personal.isEmpty else { return self }
        var copy = self
        copy.rows = rows.map { row in
            var row = row
            for index in personal where index < row.fields.count && !row.fields[index].isEmpty {
                row.fields[index] = PersonalData.maskCell(row.fields[index])
            }
            return row
        }
        return copy
    }

    /// A diagnostic at `row`.
    public func problem(_ row: CSVRow, _ message: String, expected: String? = nil) -> DiagnosticsError {
        DiagnosticsError(Diagnostic(file: file, line: row.line, message: message, expected: expected))
    }
}

/// Reads CSV exports as malls produce them: RFC 4180 quoting (commas, doubled quotes and line breaks inside
/// quotes), UTF-8 with or without a byte-order mark, or GB18030 (Chinese Excel's "CSV" save), CRLF or LF.
///
/// Encoding detection: a UTF-8 BOM means UTF-8; otherwise the bytes are UTF-8 when they are valid UTF-8, and
/// GB18030 when they are not (GBK text is almost never valid UTF-8). The first non-blank record is the header;
/// blank lines after it are not rows (their line numbers are kept in ``CSVTable/blankLines``). A tab-separated file
/// (header with tabs and no commas) is read with tabs.
public enum CSVReader {
    /// The largest export read: 1 GiB (a year of payments of a large mall is a few hundred megabytes).
    public static let maximumFileSize = 1 << 30

    /// Reads and parses a file; throws ``DiagnosticsError`` naming the file (and line) when it cannot be read.
    public static func read(_ url: URL) throws -> CSVTable {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DiagnosticsError(
                Diagnostic(file: path, message: "no such file", expected: "a CSV file exported by the mall"))
        }
        guard !isDirectory.boolValue else {
            throw DiagnosticsError(Diagnostic(file: path, message: "is a directory", expected: "a CSV file"))
        }
        let data: Data
        do {
            // A regular file only: a FIFO is refused by what it is (not waited on), /dev/zero is not read forever.
            data = try InputFile.contents(path, limit: maximumFileSize)
        } catch {
            throw DiagnosticsError(
                Diagnostic(
                    file: path, message: "the file \(error.reason)",
                    expected: "a CSV file exported by the mall (\(error.expected))"))
        }
        return try parse([UInt8](data), file: path)
    }

    /// Decodes `bytes` (UTF-8 with/without BOM, else GB18030) to UTF-8 bytes; returns them and the encoding name.
    public static func decode(_ bytes: [UInt8], file: String) throws -> (utf8: [UInt8], encoding: String) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            let body = Array(bytes.dropFirst(3))
            guard String(validating: body, as: UTF8.self) != nil else {
                throw DiagnosticsError(
                    Diagnostic(
                        file: file, line: firstInvalidUTF8Line(body),
                        message: "the file starts with a UTF-8 byte-order mark but is not valid UTF-8",
                        expected: "UTF-8 text"))
            }
            return (body, "UTF-8 with BOM")
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let encoding: String.Encoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            guard let text = String(data: Data(bytes.dropFirst(2)), encoding: encoding) else {
                throw DiagnosticsError(
                    Diagnostic(
                        file: file, line: 1, message: "the file starts with a UTF-16 byte-order mark but is not UTF-16",
                        expected: "UTF-8, GB18030 or UTF-16 text"))
            }
            return (Array(text.utf8), "UTF-16")
        }
        if String(validating: bytes, as: UTF8.self) != nil { return (bytes, "UTF-8") }
        // Not UTF-8: GB18030, a superset of GBK and GB2312, as saved by Chinese Excel. Foundation on Linux knows it
        // under the CoreFoundation encoding kCFStringEncodingGB_18030_2000 (0x0632), exposed to NSString as
        // 0x80000000 | 0x0632 (the CF functions that compute this are not public on Linux).
        let gb18030 = String.Encoding(rawValue: 0x8000_0632)
        guard let text = String(data: Data(bytes), encoding: gb18030) else {
            throw DiagnosticsError(
                Diagnostic(
                    file: file, line: firstInvalidUTF8Line(bytes),
                    message: "the file is neither UTF-8 nor GB18030 text",
                    expected: "a CSV file saved as UTF-8 or GB18030 (Excel: CSV UTF-8, or CSV)"))
        }
        return (Array(text.utf8), "GB18030")
    }

    /// The line of the first byte sequence that is not UTF-8, for messages.
    static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
        var line = 1
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            if String(validating: bytes[start..<index], as: UTF8.self) == nil { return line }
            line += 1
            start = index + 1
        }
        return line
    }

    /// Parses CSV `bytes` (any supported encoding).
    public static func parse(_ bytes: [UInt8], file: String) throws -> CSVTable {
        let (utf8, encoding) = try decode(bytes, file: file)
        var records = try records(utf8, file: file, delimiter: UInt8(ascii: ","))
        guard let headerIndex = records.firstIndex(where: { !isBlank($0) }) else {
            throw DiagnosticsError(
                Diagnostic(file: file, line: 1, message: "the file is empty", expected: "a header row, then data rows"))
        }
        if records[headerIndex].fields.count == 1, records[headerIndex].fields[0].contains("\t") {
            records = try self.records(utf8, file: file, delimiter: UInt8(ascii: "\t"))
        }
        let headerRecord = records[headerIndex]
        let header = headerRecord.fields.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        // A column named twice is refused: a check looks columns up by name and would read the first one only.
        var firstColumn: [String: Int] = [:]
        for (index, name) in header.enumerated() where !name.isEmpty {
            let key = CSVTable.normalise(name)
            if let first = firstColumn[key] {
                throw DiagnosticsError(
                    Diagnostic(
                        file: file, line: headerRecord.line,
                        message: "the header names column '\(name)' twice (columns \(first + 1) and \(index + 1))",
                        expected: "each column name once in the header"))
            }
            firstColumn[key] = index
        }
        var rows: [CSVRow] = []
        var blankLines: [Int] = []
        for record in records[(headerIndex + 1)...] {
            if isBlank(record) {
                blankLines.append(record.line)
                continue
            }
            if record.fields.count > header.count, record.fields[header.count...].contains(where: { !$0.isEmpty }) {
                throw DiagnosticsError(
                    Diagnostic(
                        file: file, line: record.line,
                        message: "the row has \(record.fields.count) fields but the header has \(header.count)",
                        expected: "\(header.count) fields; quote a value that contains a comma (\"a, b\")"))
            }
            // A short row is refused rather than padded: it is most often one record cut in two by a line break in
            // an unquoted field, whose halves would otherwise count as two respondents with blank answers.
            if record.fields.count < header.count {
                throw DiagnosticsError(
                    Diagnostic(
                        file: file, line: record.line,
                        message: "the row has \(record.fields.count) field(s) but the header has \(header.count)",
                        expected: "\(header.count) fields, empty ones as ,, ; quote a value that contains a line "
                            + "break (\"a\nb\")"))
            }
            rows.append(record)
        }
        return CSVTable(
            file: file, header: header, headerLine: headerRecord.line, rows: rows, encoding: encoding,
            blankLines: blankLines)
    }

    static func isBlank(_ record: CSVRow) -> Bool {
        record.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Splits UTF-8 bytes into records per RFC 4180, tracking the physical line each record starts on.
    static func records(_ bytes: [UInt8], file: String, delimiter: UInt8) throws -> [CSVRow] {
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        var records: [CSVRow] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var index = 0
        let count = bytes.count
        var quoted = false
        var quoteLine = 1

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quoted = false
        }
        func endRecord() {
            endField()
            records.append(CSVRow(line: recordLine, fields: fields))
            fields.removeAll(keepingCapacity: true)
        }

        while index < count {
            let byte = bytes[index]
            if quoted {
                if byte == quote {
                    if index + 1 < count, bytes[index + 1] == quote {
                        field.append(quote)
                        index += 2
                        continue
                    }
                    // Closing quote: only a delimiter, a line break or the end may follow (spaces tolerated).
                    index += 1
                    while index < count, bytes[index] == UInt8(ascii: " ") { index += 1 }
                    if index < count, bytes[index] != delimiter, bytes[index] != lf, bytes[index] != cr {
                        throw DiagnosticsError(
                            Diagnostic(
                                file: file, line: line,
                                message: "unexpected text after the closing quote of a field",
                                expected: "a delimiter or the end of the line after a quoted field; "
                                    + "write a quote inside a quoted field as \"\""))
                    }
                    quoted = false
                    continue
                }
                if byte == lf || (byte == cr && !(index + 1 < count && bytes[index + 1] == lf)) { line += 1 }
                field.append(byte)
                index += 1
                continue
            }
            switch byte {
            case quote where field.allSatisfy({ $0 == UInt8(ascii: " ") }):
                // A quoted field (leading spaces before the quote are dropped).
                field.removeAll(keepingCapacity: true)
                quoted = true
                quoteLine = line
                index += 1
            case delimiter:
                endField()
                index += 1
            case lf, cr:
                endRecord()
                if byte == cr, index + 1 < count, bytes[index + 1] == lf { index += 1 }
                index += 1
                line += 1
                recordLine = line
            default:
                // Includes a quote inside an unquoted field, kept as written.
                field.append(byte)
                index += 1
            }
        }
        if quoted {
            throw DiagnosticsError(
                Diagnostic(
                    file: file, line: quoteLine, message: "a quoted field is not closed before the end of the file",
                    expected: "a closing quote (\")"))
        }
        if !fields.isEmpty || !field.isEmpty { endRecord() }
        return records
    }
}
