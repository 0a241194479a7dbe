import AuditModel
import CLibZ
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams WiFi access/audit logs and collects the set of days that have records, in memory that does not grow
/// with the size of the logs (one small record per distinct day, plus a handful of sample lines).
///
/// Recognised line starts (after an optional `<PRI>` and an optional `[`):
/// - RFC 3164 syslog `Oct  9 14:30:01` (also `Oct 9 2025 14:30:01`): the year is the as-of year, unless that
///   would date the record after the as-of date, then the year before (so `Dec 31` read on 2026-01-02 is 2025);
/// - RFC 5424 `<34>1 2026-01-05T14:30:01.003+08:00 …` and ISO 8601 `2026-01-05T14:30:01Z`;
/// - `2026-01-05 14:30:01` (also with `/` between date parts).
///
/// Stamps are parsed by hand from the bytes (no `DateFormatter`); the date of a line equal to the previous line's
/// date is taken from a cache. Stamps with a UTC offset are taken at their written date, or converted to
/// `utcOffset` when one is given.
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

    /// A line kept as an example (undatable, or dated after the as-of date).
    struct Sample {
        var file: Int
        var line: Int
        var text: String
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
    }

    static let sampleLimit = 5
    static let sampleWidth = 160

    let asOfDay: Int
    let utcOffset: Int?
    /// RFC 3164 month*32+day → inferred day number (or Int.min for an impossible date).
    let syslogDays: [Int]

    var days: [Int: DayStats] = [:]
    /// The files this scanner read, in the order read.
    var files: [FileStats] = []
    var totalLines = 0
    var blankLines = 0
    var datedLines = 0
    var syslogLines = 0
    var undatableLines = 0
    var undatableSamples: [Sample] = []
    var futureLines = 0
    var futureSamples: [Sample] = []

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

    init(asOf: MeasureDate, utcOffset: Int?) {
        asOfDay = asOf.dayNumber
        self.utcOffset = utcOffset
        var table = Array(repeating: Int.min, count: 13 * 32)
        for month in 1...12 {
            for day in 1...31 {
                // The as-of year unless that is after the as-of date; walk back to a year where the date exists
                // (29 February).
                for year in stride(from: asOf.year, through: asOf.year - 8, by: -1) {
                    guard let date = MeasureDate(year: year, month: month, day: day), date <= asOf else { continue }
                    table[month * 32 + day] = date.dayNumber
                    break
                }
            }
        }
        syslogDays = table
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
                lastDay: fileLastDay))
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
        guard let (day, second) = stamp(start, end) else {
            var p = start
            while p < end, p.pointee == 0x20 || p.pointee == 0x09 || p.pointee == 0x0D { p += 1 }
            if p == end {
                blankLines += 1
            } else {
                undatableLines += 1
                if undatableSamples.count < WiFiLogScanner.sampleLimit {
                    undatableSamples.append(sample(start, end, file: file, line: lineNumber))
                }
            }
            return
        }
        if day > asOfDay {
            futureLines += 1
            if futureSamples.count < WiFiLogScanner.sampleLimit {
                futureSamples.append(sample(start, end, file: file, line: lineNumber))
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
            result.undatableLines += part.undatableLines
            result.undatableSamples += part.undatableSamples
            result.futureLines += part.futureLines
            result.futureSamples += part.futureSamples
        }
        result.files.sort { $0.index < $1.index }
        func firstSamples(_ samples: [Sample]) -> [Sample] {
            Array(samples.sorted { ($0.file, $0.line) < ($1.file, $1.line) }.prefix(sampleLimit))
        }
        result.undatableSamples = firstSamples(result.undatableSamples)
        result.futureSamples = firstSamples(result.futureSamples)
        return result
    }

    private func sample(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, file: Int, line: Int) -> Sample {
        var length = min(end - start, WiFiLogScanner.sampleWidth)
        if length > 0, start[length - 1] == 0x0D { length -= 1 }
        let text = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        return Sample(file: file, line: line, text: text)
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

    /// The day number and second of the day of the stamp a line starts with, or nil.
    @inline(__always)
    mutating func stamp(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int, Int)? {
        var p = start
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
        }
        if p < end, p.pointee == 0x5B { p += 1 }  // [
        guard p < end else { return nil }
        if WiFiLogScanner.digit(p.pointee) >= 0 { return iso(p, end) }
        return syslog(p, end)
    }

    /// `YYYY-MM-DD` (or `YYYY/MM/DD`), optionally followed by `T` or a space and `HH:MM:SS`, fractions and a zone.
    @inline(__always)
    private mutating func iso(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int, Int)? {
        let available = end - p
        guard available >= 10 else { return nil }
        let raw = UnsafeRawPointer(p)
        let key8 = raw.loadUnaligned(as: UInt64.self)
        let key2 = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        var day: Int
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
            if available == 10 || p[10] == 0x20 || p[10] == 0x09 || p[10] == 0x5D || p[10] == 0x0D { return (day, 0) }
            return nil
        }
        var second = WiFiLogScanner.time(p + 11)
        guard second >= 0 else { return nil }
        if let target = utcOffset {
            var q = p + 19
            if q < end, q.pointee == 0x2E || q.pointee == 0x2C {
                q += 1
                while q < end, WiFiLogScanner.digit(q.pointee) >= 0 { q += 1 }
            }
            var zone: Int?
            if q < end, q.pointee == 0x5A {
                zone = 0
            } else if q < end, q.pointee == 0x2B || q.pointee == 0x2D, end - q >= 3 {
                let sign = q.pointee == 0x2B ? 1 : -1
                let h = WiFiLogScanner.two(q + 1)
                var m = 0
                if end - q >= 6, q[3] == 0x3A {
                    m = WiFiLogScanner.two(q + 4)
                } else if end - q >= 5, WiFiLogScanner.digit(q[3]) >= 0 {
                    m = WiFiLogScanner.two(q + 3)
                }
                if h >= 0, m >= 0 { zone = sign * (h * 3600 + m * 60) }
            }
            if let zone {
                second += target - zone
                if second < 0 {
                    second += 86_400
                    day -= 1
                } else if second >= 86_400 {
                    second -= 86_400
                    day += 1
                }
            }
        }
        return (day, second)
    }

    /// RFC 3164 `Mmm dd HH:MM:SS` or `Mmm dd YYYY HH:MM:SS`.
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
        guard day != Int.min else { return nil }
        let second = WiFiLogScanner.time(q)
        guard second >= 0 else { return nil }
        syslogLines += 1
        return (day, second)
    }
}
