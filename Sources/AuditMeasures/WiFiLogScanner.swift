import AuditModel
import AuditSupport
import CLibZ
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams WiFi access/audit logs and collects the set of the mall's days that have records, in memory that does not
/// grow with the size of the logs (one small record per distinct day, plus a handful of sample lines).
///
/// Recognised line starts (after an optional `<PRI>`, an RFC 5424 version and an optional `[`):
/// - RFC 5424 / RFC 3339 `2026-01-05T14:30:01.003+08:00` (rsyslog's `RSYSLOG_FileFormat` and
///   `RSYSLOG_SyslogProtocol23Format`), ISO 8601 `2026-01-05T14:30:01Z`, `2026-01-05 14:30:01`, `2026/01/05 …`;
/// - RFC 3164 `Oct  9 14:30:01` (rsyslog's `RSYSLOG_TraditionalFileFormat`), also `Oct  9 2025 14:30:01`;
/// - a JSON object (one per line) whose time is in the settings' field, else `@timestamp`, `timestamp` or `time`:
///   a string in one of the forms above, or a number of seconds (milliseconds, microseconds, nanoseconds, by
///   magnitude) since 1970-01-01 UTC.
///
/// Every stamp is placed on the mall's clock before its day is taken: one with a UTC offset (`Z`, `+08:00`) is
/// converted from that offset; one without is read on the device's clock (``WiFiLogSettings/deviceTimeZone``) and
/// converted from it. A stamp without a year gets one by the settings' ``YearlessStampRule``. Stamps are parsed by
/// hand from the bytes (no `DateFormatter`); the date of a line equal to the previous line's date comes from a cache.
struct WiFiLogScanner {
    /// What the scan found on one day with records.
    struct DayStats {
        var lines: Int
        var firstSecond: Int32
        var firstFile: Int32
        var firstLine: Int
        var lastSecond: Int32
        var lastFile: Int32
        var lastLine: Int
    }

    /// A line kept as an example (undatable, or dated after the as-of date), with why.
    struct Sample {
        var file: Int
        var line: Int
        var text: String
        var why: String
    }

    /// One file read.
    struct FileStats {
        /// Position of the file in the sorted list of all files (samples and day records refer to it).
        var index: Int
        var path: String
        var gzip: Bool
        var lines = 0
        var bytes: Int64 = 0
        var firstDay = Int.max
        var lastDay = Int.min
        /// The file's modification date on the device's clock, when the year rule dates year-less stamps by it.
        var yearReference: Int?
    }

    static let sampleLimit = 5
    static let sampleWidth = 160
    /// Sentinels for "the stamp had no UTC offset" and "the stamp was a date alone".
    static let noZone = Int.min
    static let dateOnly = Int.min + 1

    let asOfDay: Int
    let settings: WiFiLogSettings
    /// RFC 3164 month*32+day → day number by the year rule (Int.min for an impossible date).
    private(set) var syslogDays: [Int]
    private var mallClock: ZoneCursor
    private var deviceClock: ZoneCursor
    /// The device's clock is the mall's: a stamp without an offset needs no conversion.
    private let deviceIsMall: Bool
    /// JSON field names tried, in order of preference.
    private let timeFields: [[UInt8]]

    var days: [Int: DayStats] = [:]
    /// The files this scanner read, in the order read.
    var files: [FileStats] = []
    var totalLines = 0
    var blankLines = 0
    var datedLines = 0
    /// Lines whose stamp had no year (RFC 3164), dated by the year rule.
    var syslogLines = 0
    /// Lines whose stamp carried a UTC offset (or was a JSON epoch number): converted to the mall's clock.
    var zonedLines = 0
    /// Lines whose stamp had a time but no offset: read on the device's clock.
    var unzonedLines = 0
    /// Lines read as a JSON object, and those of them that could not be dated (also counted as undatable).
    var jsonLines = 0
    var malformedJSONLines = 0
    var undatableLines = 0
    var undatableSamples: [Sample] = []
    var futureLines = 0
    var futureSamples: [Sample] = []
    /// The mall's days after the as-of date that have records (left out of the retention).
    var futureDays: Set<Int> = []

    // The file being read: bytes on disk, first and last day with a record.
    private var fileBytes: Int64 = 0
    private var fileFirstDay = Int.max
    private var fileLastDay = Int.min
    // The day being accumulated (logs are mostly in order, so most lines only touch these).
    private var currentDay = Int.min
    private var current = DayStats(
        lines: 0, firstSecond: 0, firstFile: 0, firstLine: 0, lastSecond: 0, lastFile: 0, lastLine: 0)
    // Cache of the last ISO date seen: its first 8 bytes, bytes 8–9, and its day number.
    private var isoKey8: UInt64 = 0
    private var isoKey2: UInt16 = 0
    private var isoDay = Int.min
    /// Why the last stamp could not be read, when the reason is more precise than "no date recognised".
    private var failure: String?

    init(asOf: MeasureDate, settings: WiFiLogSettings) {
        asOfDay = asOf.dayNumber
        self.settings = settings
        mallClock = ZoneCursor(settings.mallTimeZone)
        let device = settings.deviceTimeZone ?? settings.mallTimeZone
        deviceClock = ZoneCursor(device)
        deviceIsMall = device.hasSameRules(as: settings.mallTimeZone)
        timeFields = (settings.timeField.map { [$0] } ?? WiFiLogSettings.defaultTimeFields).map { Array($0.utf8) }
        syslogDays = WiFiLogScanner.yearTable(rule: settings.yearRule, reference: asOf)
    }

    /// The day numbers of every `month*32+day` of a year-less stamp under `rule`, with `reference` as the reference
    /// date (the as-of date or the file's modification date): the year that puts the month within the twelve months
    /// ending with the month after the reference month; 29 February of a common year goes back to the last leap year.
    static func yearTable(rule: YearlessStampRule, reference: MeasureDate) -> [Int] {
        var table = Array(repeating: Int.min, count: 13 * 32)
        let endMonth = reference.month == 12 ? 1 : reference.month + 1
        let endYear = reference.month == 12 ? reference.year + 1 : reference.year
        for month in 1...12 {
            for day in 1...31 {
                if case let .year(year) = rule {
                    if let date = MeasureDate(year: year, month: month, day: day) {
                        table[month * 32 + day] = date.dayNumber
                    }
                    continue
                }
                let year = month <= endMonth ? endYear : endYear - 1
                for candidate in stride(from: year, through: year - 8, by: -1) {
                    guard let date = MeasureDate(year: candidate, month: month, day: day) else { continue }
                    table[month * 32 + day] = date.dayNumber
                    break
                }
            }
        }
        return table
    }

    /// The day on the device's clock of a UTC instant (a file's modification time).
    mutating func deviceDay(ofUTC utc: Int) -> Int {
        let local = utc + deviceClock.offset(utc)
        return WiFiLogScanner.floorDiv(local, 86_400)
    }

    @inline(__always)
    static func floorDiv(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
    // MARK: files

    /// Reads one file (plain or gzip, by its magic bytes) and scans every line; `index` is the file's position in
    /// the sorted list of all files.
    mutating func scanFile(_ path: String, index fileIndex: Int) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DiagnosticsError(
                Diagnostic(file: path, message: "cannot open the log file: \(reason)", expected: "a readable file"))
        }
        defer { close(fd) }
        #if os(Linux)
            _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
        fileBytes = 0
        fileFirstDay = Int.max
        fileLastDay = Int.min
        var yearReference: Int?
        if settings.yearRule == .fileModified {
            // Year-less stamps are dated against the day the file was last written, on the device's clock.
            guard let modified = try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
            else {
                throw DiagnosticsError(
                    Diagnostic(
                        file: path, message: "cannot read the file's modification time",
                        expected: "a file whose modification time can be read (data.wifi_logs_year: file-mtime)"))
            }
            let day = deviceDay(ofUTC: Int(modified.timeIntervalSince1970.rounded(.down)))
            yearReference = day
            syslogDays = WiFiLogScanner.yearTable(rule: .fileModified, reference: MeasureDate(dayNumber: day))
        }
        var magic = [UInt8](repeating: 0, count: 6)
        let got = pread(fd, &magic, 6, 0)
        let isGzip = got >= 2 && magic[0] == 0x1F && magic[1] == 0x8B
        if got >= 3, magic[0] == 0x42, magic[1] == 0x5A, magic[2] == 0x68 {
            throw unsupported(path, "bzip2")
        }
        if got >= 6, magic == [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] { throw unsupported(path, "xz") }
        if got >= 4, magic[0] == 0x28, magic[1] == 0xB5, magic[2] == 0x2F, magic[3] == 0xFD {
            throw unsupported(path, "zstd")
        }
        let capacity = 4 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var lineNumber = 0
        if isGzip {
            try readGzip(
                fd: fd, path: path, file: fileIndex, buffer: buffer, capacity: capacity, lineNumber: &lineNumber)
        } else {
            var filled = 0
            while true {
                let n = read(fd, buffer + filled, capacity - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DiagnosticsError(
                        Diagnostic(
                            file: path, line: lineNumber + 1,
                            message: "read error: \(String(cString: strerror(errno)))"))
                }
                fileBytes += Int64(n)
                filled += n
                let atEnd = n == 0
                let used = consume(
                    buffer, filled, capacity: capacity, file: fileIndex, lineNumber: &lineNumber, atEnd: atEnd)
                if used < filled { memmove(buffer, buffer + used, filled - used) }
                filled -= used
                if atEnd { break }
            }
        }
        flushDay()
        files.append(
            FileStats(
                index: fileIndex, path: path, gzip: isGzip, lines: lineNumber, bytes: fileBytes, firstDay: fileFirstDay,
                lastDay: fileLastDay, yearReference: yearReference))
        totalLines += lineNumber
    }

    private func unsupported(_ path: String, _ format: String) -> DiagnosticsError {
        DiagnosticsError(
            Diagnostic(
                file: path, line: 1, message: "the log file is compressed with \(format)",
                expected: "plain text or gzip (.gz) logs; decompress it first"))
    }

    /// Inflates a gzip file (several concatenated members allowed) into `buffer` and scans it.
    private mutating func readGzip(
        fd: Int32, path: String, file: Int, buffer: UnsafeMutablePointer<UInt8>, capacity: Int,
        lineNumber: inout Int
    ) throws {
        let inputCapacity = 1 << 20
        let input = UnsafeMutablePointer<UInt8>.allocate(capacity: inputCapacity)
        defer { input.deallocate() }
        var stream = z_stream()
        // 15 + 32: a window of 32 KiB, and detect the gzip (or zlib) header automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DiagnosticsError(Diagnostic(file: path, message: "cannot start gzip decompression"))
        }
        defer { inflateEnd(&stream) }
        var filled = 0
        var inputEnded = false
        var memberEnded = false
        func damaged(_ what: String, line: Int) -> DiagnosticsError {
            DiagnosticsError(
                Diagnostic(
                    file: path, line: line, message: "the gzip data is damaged: \(what)",
                    expected: "a complete gzip file"))
        }
        while true {
            if stream.avail_in == 0, !inputEnded {
                var n = 0
                repeat { n = read(fd, input, inputCapacity) } while n < 0 && errno == EINTR
                if n < 0 {
                    throw DiagnosticsError(
                        Diagnostic(file: path, message: "read error: \(String(cString: strerror(errno)))"))
                }
                fileBytes += Int64(n)
                stream.next_in = input
                stream.avail_in = UInt32(n)
                inputEnded = n == 0
            }
            if memberEnded {
                if stream.avail_in > 0 {
                    // Another gzip member follows (files joined with `cat a.gz b.gz`).
                    guard inflateReset(&stream) == Z_OK else {
                        throw damaged("cannot read the next member", line: lineNumber + 1)
                    }
                    memberEnded = false
                } else if inputEnded {
                    break
                } else {
                    continue
                }
            }
            if filled == capacity {
                let used = consume(
                    buffer, filled, capacity: capacity, file: file, lineNumber: &lineNumber, atEnd: false)
                if used < filled { memmove(buffer, buffer + used, filled - used) }
                filled -= used
            }
            stream.next_out = buffer + filled
            stream.avail_out = UInt32(capacity - filled)
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = capacity - filled - Int(stream.avail_out)
            filled += produced
            switch status {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK, Z_BUF_ERROR:
                if produced == 0, stream.avail_in == 0, inputEnded {
                    throw damaged("the file ends in the middle of the compressed data", line: lineNumber + 1)
                }
            case Z_NEED_DICT:
                throw damaged("a preset dictionary is needed", line: lineNumber + 1)
            case Z_DATA_ERROR:
                throw damaged(stream.msg.map { String(cString: $0) } ?? "invalid compressed data", line: lineNumber + 1)
            case Z_MEM_ERROR:
                throw damaged("out of memory", line: lineNumber + 1)
            default:
                throw damaged("zlib status \(status)", line: lineNumber + 1)
            }
        }
        _ = consume(buffer, filled, capacity: capacity, file: file, lineNumber: &lineNumber, atEnd: true)
    }

    // MARK: lines

    /// Scans the complete lines in `buffer[0..<count]` (and the rest too when `atEnd`); returns the bytes used.
    /// A line longer than the whole buffer is dated from its start and its remainder skipped.
    private mutating func consume(
        _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int, capacity: Int, file: Int, lineNumber: inout Int,
        atEnd: Bool
    ) -> Int {
        let base = UnsafePointer(buffer)
        let end = base + count
        var p = base
        while p < end {
            guard let newline = memchr(p, 0x0A, end - p) else { break }
            let lineEnd = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self))
            if skippingRestOfLine {
                // The tail of an overlong line, already counted.
                skippingRestOfLine = false
            } else {
                lineNumber += 1
                line(p, lineEnd, file: file, lineNumber: lineNumber)
            }
            p = lineEnd + 1
        }
        if p == base, count == capacity, !atEnd {
            // No line break in a full buffer: an overlong line. Date it from its start and skip the rest.
            if !skippingRestOfLine {
                lineNumber += 1
                line(p, end, file: file, lineNumber: lineNumber)
                skippingRestOfLine = true
            }
            return count
        }
        if atEnd, p < end {
            if skippingRestOfLine {
                skippingRestOfLine = false
            } else {
                lineNumber += 1
                line(p, end, file: file, lineNumber: lineNumber)
            }
            p = end
        }
        if atEnd { skippingRestOfLine = false }
        return p - base
    }

    /// Set while skipping the tail of an overlong line (its first part was already counted).
    private var skippingRestOfLine = false

    @inline(__always)
    private mutating func line(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, file: Int, lineNumber: Int) {
        failure = nil
        guard let (day, second) = stamp(start, end) else {
            var p = start
            while p < end, p.pointee == 0x20 || p.pointee == 0x09 || p.pointee == 0x0D { p += 1 }
            if p == end {
                blankLines += 1
            } else {
                undatableLines += 1
                if undatableSamples.count < WiFiLogScanner.sampleLimit {
                    undatableSamples.append(
                        sample(start, end, file: file, line: lineNumber, why: failure ?? "no date recognised"))
                }
            }
            return
        }
        if day > asOfDay {
            futureLines += 1
            futureDays.insert(day)
            if futureSamples.count < WiFiLogScanner.sampleLimit {
                let date = MeasureDate(dayNumber: day)
                futureSamples.append(
                    sample(start, end, file: file, line: lineNumber, why: "dated \(date) on the mall's clock"))
            }
            return
        }
        datedLines += 1
        if day != currentDay {
            flushDay()
            currentDay = day
            current =
                days[day]
                ?? DayStats(
                    lines: 0, firstSecond: Int32.max, firstFile: 0, firstLine: 0, lastSecond: Int32.min, lastFile: 0,
                    lastLine: 0)
            if day < fileFirstDay { fileFirstDay = day }
            if day > fileLastDay { fileLastDay = day }
        }
        current.lines += 1
        let s = Int32(truncatingIfNeeded: second)
        if s < current.firstSecond {
            current.firstSecond = s
            current.firstFile = Int32(truncatingIfNeeded: file)
            current.firstLine = lineNumber
        }
        if s >= current.lastSecond {
            current.lastSecond = s
            current.lastFile = Int32(truncatingIfNeeded: file)
            current.lastLine = lineNumber
        }
    }

    /// Combines scanners that each read some of the files into one, as if one scanner had read every file in
    /// index order: day records keep the earliest and latest record (ties go to the earlier file and line, as a
    /// sequential scan would), samples are the first ones by file and line.
    static func merged(_ parts: [WiFiLogScanner]) -> WiFiLogScanner {
        guard var result = parts.first else { preconditionFailure("no scanner to merge") }
        for part in parts.dropFirst() {
            for (day, stats) in part.days {
                guard var mine = result.days[day] else {
                    result.days[day] = stats
                    continue
                }
                mine.lines += stats.lines
                if (stats.firstSecond, stats.firstFile, stats.firstLine) < (mine.firstSecond, mine.firstFile, mine.firstLine) {
                    mine.firstSecond = stats.firstSecond
                    mine.firstFile = stats.firstFile
                    mine.firstLine = stats.firstLine
                }
                if (stats.lastSecond, stats.lastFile, stats.lastLine) > (mine.lastSecond, mine.lastFile, mine.lastLine) {
                    mine.lastSecond = stats.lastSecond
                    mine.lastFile = stats.lastFile
                    mine.lastLine = stats.lastLine
                }
                result.days[day] = mine
            }
            result.files += part.files
            result.totalLines += part.totalLines
            result.blankLines += part.blankLines
            result.datedLines += part.datedLines
            result.syslogLines += part.syslogLines
            result.zonedLines += part.zonedLines
            result.unzonedLines += part.unzonedLines
            result.jsonLines += part.jsonLines
            result.malformedJSONLines += part.malformedJSONLines
            result.undatableLines += part.undatableLines
            result.undatableSamples += part.undatableSamples
            result.futureLines += part.futureLines
            result.futureSamples += part.futureSamples
            result.futureDays.formUnion(part.futureDays)
        }
        result.files.sort { $0.index < $1.index }
        func firstSamples(_ samples: [Sample]) -> [Sample] {
            Array(samples.sorted { ($0.file, $0.line) < ($1.file, $1.line) }.prefix(sampleLimit))
        }
        result.undatableSamples = firstSamples(result.undatableSamples)
        result.futureSamples = firstSamples(result.futureSamples)
        return result
    }

    private func sample(
        _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, file: Int, line: Int, why: String
    ) -> Sample {
        var length = min(end - start, WiFiLogScanner.sampleWidth)
        if length > 0, start[length - 1] == 0x0D { length -= 1 }
        let text = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        return Sample(file: file, line: line, text: text, why: why)
    }

    /// Stores the day being accumulated.
    mutating func flushDay() {
        if currentDay != Int.min { days[currentDay] = current }
        currentDay = Int.min
    }

    // MARK: stamps

    @inline(__always)
    private static func digit(_ byte: UInt8) -> Int {
        let value = Int(byte) &- 48
        return value >= 0 && value <= 9 ? value : -1
    }

    @inline(__always)
    private static func two(_ p: UnsafePointer<UInt8>) -> Int {
        let a = digit(p[0])
        let b = digit(p[1])
        return a < 0 || b < 0 ? -1 : a * 10 + b
    }

    /// `HH:MM:SS` at `p` (8 bytes available) as seconds of the day, or -1.
    @inline(__always)
    private static func time(_ p: UnsafePointer<UInt8>) -> Int {
        guard p[2] == 0x3A, p[5] == 0x3A else { return -1 }
        let h = two(p)
        let m = two(p + 3)
        let s = two(p + 6)
        guard h >= 0, h < 24, m >= 0, m < 60, s >= 0, s < 61 else { return -1 }
        return h * 3600 + m * 60 + min(s, 59)
    }

    /// The mall's day number and second of the day of the stamp a line starts with (or of its JSON time field), or
    /// nil (with ``failure`` set when there is more to say than "no date recognised").
    @inline(__always)
    mutating func stamp(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int, Int)? {
        var p = start
        guard p < end else { return nil }
        if p.pointee == 0xEF, end - p >= 3, p[1] == 0xBB, p[2] == 0xBF { p += 3 }  // a UTF-8 byte-order mark
        guard p < end else { return nil }
        if p.pointee == 0x3C {  // <PRI>
            var q = p + 1
            while q < end, q - p <= 4, WiFiLogScanner.digit(q.pointee) >= 0 { q += 1 }
            guard q < end, q.pointee == 0x3E, q > p + 1 else { return nil }
            p = q + 1
            // RFC 5424 VERSION (1–2 digits) and a space.
            if end - p >= 3, WiFiLogScanner.digit(p[0]) >= 0 {
                if p[1] == 0x20 {
                    p += 2
                } else if WiFiLogScanner.digit(p[1]) >= 0, p[2] == 0x20 {
                    p += 3
                }
            }
        } else if p.pointee == 0x7B || p.pointee == 0x20 || p.pointee == 0x09 {
            var q = p
            while q < end, q.pointee == 0x20 || q.pointee == 0x09 { q += 1 }
            if q < end, q.pointee == 0x7B { return json(q, end) }
        }
        if p < end, p.pointee == 0x5B { p += 1 }  // [
        return text(p, end)
    }

    /// A stamp at the start of `p..<end` (ISO 8601 / RFC 3339 or RFC 3164) on the mall's clock.
    @inline(__always)
    private mutating func text(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int, Int)? {
        guard p < end else { return nil }
        if WiFiLogScanner.digit(p.pointee) >= 0 {
            guard let (day, second, zone) = iso(p, end) else { return nil }
            return place(day, second, zone: zone)
        }
        guard let (day, second) = syslog(p, end) else { return nil }
        return place(day, second, zone: WiFiLogScanner.noZone)
    }

    /// Puts a wall-clock stamp on the mall's clock: from its own offset, or from the device's clock when it has none.
    @inline(__always)
    private mutating func place(_ day: Int, _ second: Int, zone: Int) -> (Int, Int) {
        switch zone {
        case WiFiLogScanner.dateOnly:
            // A date without a time of day names a day; there is no instant to convert.
            return (day, second)
        case WiFiLogScanner.noZone:
            unzonedLines += 1
            if deviceIsMall { return (day, second) }
            return mallTime(ofUTC: deviceClock.utc(fromLocal: day * 86_400 + second))
        default:
            zonedLines += 1
            return mallTime(ofUTC: day * 86_400 + second - zone)
        }
    }

    /// The mall's day and second of the day of a UTC instant.
    @inline(__always)
    private mutating func mallTime(ofUTC utc: Int) -> (Int, Int) {
        let local = utc + mallClock.offset(utc)
        let day = WiFiLogScanner.floorDiv(local, 86_400)
        return (day, local - day * 86_400)
    }

    /// `YYYY-MM-DD` (or `YYYY/MM/DD`), optionally followed by `T` or a space and `HH:MM:SS`, a fraction and an offset
    /// (`Z`, `±HH:MM`, `±HHMM`, `±HH`). Returns the written day, second and offset (``noZone`` without one,
    /// ``dateOnly`` for a date alone).
    @inline(__always)
    private mutating func iso(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int, Int, Int)? {
        let available = end - p
        guard available >= 10 else { return nil }
        let raw = UnsafeRawPointer(p)
        let key8 = raw.loadUnaligned(as: UInt64.self)
        let key2 = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        let day: Int
        if key8 == isoKey8, key2 == isoKey2 {
            day = isoDay
        } else {
            let sep = p[4]
            guard sep == 0x2D || sep == 0x2F, p[7] == sep else { return nil }
            let hi = WiFiLogScanner.two(p)
            let lo = WiFiLogScanner.two(p + 2)
            let month = WiFiLogScanner.two(p + 5)
            let dayOfMonth = WiFiLogScanner.two(p + 8)
            guard hi >= 0, lo >= 0, month >= 1, month <= 12, dayOfMonth >= 1 else { return nil }
            let year = hi * 100 + lo
            guard year >= 1, dayOfMonth <= MeasureDate.daysIn(month: month, year: year) else { return nil }
            day = MeasureDate.dayNumber(year: year, month: month, day: dayOfMonth)
            isoKey8 = key8
            isoKey2 = key2
            isoDay = day
        }
        guard available >= 19, p[10] == 0x54 || p[10] == 0x20 else {
            // A date alone: accepted when nothing or a separator follows.
            if available == 10 || p[10] == 0x20 || p[10] == 0x09 || p[10] == 0x5D || p[10] == 0x0D {
                return (day, 0, WiFiLogScanner.dateOnly)
            }
            return nil
        }
        let second = WiFiLogScanner.time(p + 11)
        guard second >= 0 else { return nil }
        var q = p + 19
        if q < end, q.pointee == 0x2E || q.pointee == 0x2C {
            q += 1
            while q < end, WiFiLogScanner.digit(q.pointee) >= 0 { q += 1 }
        }
        guard q < end else { return (day, second, WiFiLogScanner.noZone) }
        if q.pointee == 0x5A || q.pointee == 0x7A { return (day, second, 0) }  // Z
        guard q.pointee == 0x2B || q.pointee == 0x2D, end - q >= 3, WiFiLogScanner.digit(q[1]) >= 0 else {
            return (day, second, WiFiLogScanner.noZone)
        }
        // An offset: ±HH, ±HHMM or ±HH:MM. Digits that are no offset (+25:00) make the stamp unreadable rather
        // than silently local.
        let sign = q.pointee == 0x2B ? 1 : -1
        let h = WiFiLogScanner.two(q + 1)
        var m = 0
        if end - q >= 6, q[3] == 0x3A {
            m = WiFiLogScanner.two(q + 4)
        } else if end - q >= 5, WiFiLogScanner.digit(q[3]) >= 0 {
            m = WiFiLogScanner.two(q + 3)
        }
        guard h >= 0, h <= 14, m >= 0, m < 60 else {
            failure = "the UTC offset after the time is not ±HH:MM (at most 14 hours)"
            return nil
        }
        return (day, second, sign * (h * 3600 + m * 60))
    }

    /// RFC 3164 `Mmm dd HH:MM:SS` (the year by the year rule) or `Mmm dd YYYY HH:MM:SS`; the written day and second.
    @inline(__always)
    private mutating func syslog(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int, Int)? {
        let available = end - p
        guard available >= 15, p[3] == 0x20 else { return nil }
        let key = Int(p[0]) << 16 | Int(p[1]) << 8 | Int(p[2])
        let month: Int
        switch key {
        case 0x4A616E: month = 1  // Jan
        case 0x466562: month = 2  // Feb
        case 0x4D6172: month = 3  // Mar
        case 0x417072: month = 4  // Apr
        case 0x4D6179: month = 5  // May
        case 0x4A756E: month = 6  // Jun
        case 0x4A756C: month = 7  // Jul
        case 0x417567: month = 8  // Aug
        case 0x536570: month = 9  // Sep
        case 0x4F6374: month = 10  // Oct
        case 0x4E6F76: month = 11  // Nov
        case 0x446563: month = 12  // Dec
        default: return nil
        }
        var dayOfMonth: Int
        var q = p + 4
        if q.pointee == 0x20 {
            dayOfMonth = WiFiLogScanner.digit(q[1])
            q += 2
        } else {
            dayOfMonth = WiFiLogScanner.digit(q[0])
            if WiFiLogScanner.digit(q[1]) >= 0 {
                dayOfMonth = dayOfMonth * 10 + WiFiLogScanner.digit(q[1])
                q += 2
            } else {
                q += 1
            }
        }
        guard dayOfMonth >= 1, dayOfMonth <= 31, q < end, q.pointee == 0x20 else { return nil }
        q += 1
        guard end - q >= 8 else { return nil }
        // An explicit year (`Oct  9 2025 14:30:01`).
        if end - q >= 13, q[4] == 0x20, q[2] != 0x3A {
            let hi = WiFiLogScanner.two(q)
            let lo = WiFiLogScanner.two(q + 2)
            guard hi >= 0, lo >= 0 else { return nil }
            let year = hi * 100 + lo
            guard year >= 1, dayOfMonth <= MeasureDate.daysIn(month: month, year: year) else { return nil }
            let second = WiFiLogScanner.time(q + 5)
            guard second >= 0 else { return nil }
            return (MeasureDate.dayNumber(year: year, month: month, day: dayOfMonth), second)
        }
        let day = syslogDays[month * 32 + dayOfMonth]
        guard day != Int.min else {
            if case let .year(year) = settings.yearRule, dayOfMonth <= MeasureDate.daysIn(month: month, year: 2000) {
                failure = "no such date in \(year), the year data.wifi_logs_year gives year-less stamps"
            }
            return nil
        }
        let second = WiFiLogScanner.time(q)
        guard second >= 0 else { return nil }
        syslogLines += 1
        return (day, second)
    }

    // MARK: JSON lines

    /// A line holding one JSON object: its time field (the first of ``timeFields`` present among the top-level keys)
    /// on the mall's clock. A line that is not one complete JSON object, or has no usable time field, is nil with the
    /// reason in ``failure``.
    private mutating func json(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int, Int)? {
        jsonLines += 1
        switch JSONLine.field(start, end, names: timeFields) {
        case let .problem(reason):
            malformedJSONLines += 1
            failure = reason
            return nil
        case let .text(name, valueStart, valueEnd):
            if let stamp = text(valueStart, valueEnd) { return stamp }
            let value = UnsafeBufferPointer(start: valueStart, count: valueEnd - valueStart)
            return jsonFailure(name, String(decoding: value, as: UTF8.self))
        case let .escapedText(name, value):
            var bytes = Array(value.utf8)
            if let stamp = bytes.withUnsafeMutableBufferPointer({ buffer -> (Int, Int)? in
                guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
                return text(UnsafePointer(base), UnsafePointer(base) + buffer.count)
            }) {
                return stamp
            }
            return jsonFailure(name, value)
        case let .number(name, value):
            // Seconds since 1970 UTC, or milliseconds, microseconds, nanoseconds, told apart by their magnitude.
            var seconds = value
            if seconds >= 1e17 {
                seconds /= 1e9
            } else if seconds >= 1e14 {
                seconds /= 1e6
            } else if seconds >= 1e11 {
                seconds /= 1e3
            }
            guard seconds.isFinite, seconds >= 0, seconds < 253_402_300_800 else {
                return jsonFailure(name, String(value))
            }
            zonedLines += 1
            return mallTime(ofUTC: Int(seconds.rounded(.down)))
        case let .notADate(name, kind):
            malformedJSONLines += 1
            failure = "the JSON field '\(name)' is \(kind), not a date"
            return nil
        }
    }

    private mutating func jsonFailure(_ name: String, _ value: String) -> (Int, Int)? {
        malformedJSONLines += 1
        if failure == nil {
            let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
            failure = "the JSON field '\(name)' holds no date recognised ('\(shown)')"
        }
        return nil
    }
}

/// The position of a conversion between UTC and one zone's clock, with the interval of the last lookup cached:
/// logs are mostly in order, so nearly every lookup hits it.
struct ZoneCursor {
    let zone: ClockZone
    private var low = Int.max
    private var high = Int.min
    private var cached = 0

    init(_ zone: ClockZone) { self.zone = zone }

    /// Seconds east of UTC at the instant `utc`.
    @inline(__always)
    mutating func offset(_ utc: Int) -> Int {
        if utc >= low, utc < high { return cached }
        let transitions = zone.transitions
        let index = ClockZone.interval(transitions, utc)
        low = index == 0 ? Int.min : transitions[index - 1]
        high = index == transitions.count ? Int.max : transitions[index]
        cached = zone.offsets[index]
        return cached
    }

    /// The UTC instant of a wall-clock time on this zone's clock (see ``ClockZone/utc(fromLocal:)``).
    @inline(__always)
    mutating func utc(fromLocal local: Int) -> Int {
        if zone.isFixed { return local - zone.offsets[0] }
        let guess = local - offset(local - offset(local))
        // Away from a change of offset (nearly always) the guess is exact; near one, ask the zone's full rule.
        if offset(guess) == local - guess, offset(guess - 86_400) == offset(guess + 86_400) { return guess }
        return zone.utc(fromLocal: local)
    }
}
