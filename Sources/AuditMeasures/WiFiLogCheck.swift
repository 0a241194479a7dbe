import AuditModel
import AuditSupport
import Foundation

/// How the WiFi log check reads the logs' clocks: the mall's time zone (whose calendar days are counted), the
/// device's clock for stamps that carry no UTC offset, how a stamp without a year gets one, and the time field of a
/// JSON-lines export.
public struct WiFiLogSettings: Sendable, Hashable {
    /// JSON fields tried, in this order, when no field is named.
    public static let defaultTimeFields = ["@timestamp", "timestamp", "time"]

    /// The mall's time zone (site profile `mall.time_zone`; default Asia/Shanghai): every record's day is its day on
    /// this clock.
    public var mallTimeZone: ClockZone
    /// The device's clock for stamps without a UTC offset (`2026-01-05 14:30:01`, `Nov 20 08:14:07`): site profile
    /// `data.wifi_logs_time_zone`; nil means the mall's clock.
    public var deviceTimeZone: ClockZone?
    /// How a stamp without a year gets one (site profile `data.wifi_logs_year`; default: by the as-of date).
    public var yearRule: YearlessStampRule
    /// The time field of a JSON-lines export (site profile `data.wifi_logs_time_field`); nil tries
    /// ``defaultTimeFields``.
    public var timeField: String?

    public init(
        mallTimeZone: ClockZone = .shanghai, deviceTimeZone: ClockZone? = nil, yearRule: YearlessStampRule = .asOf,
        timeField: String? = nil
    ) {
        self.mallTimeZone = mallTimeZone
        self.deviceTimeZone = deviceTimeZone
        self.yearRule = yearRule
        self.timeField = timeField
    }
}

/// 5.1.2: WiFi access/audit logs shall be kept for more than 60 days (日志留存时间应大于60日: 61 passes, 60 fails).
///
/// Reads every regular file under a directory (plain or gzip, rotated daily or not; hidden files skipped) and
/// dates each line by the stamp it starts with, or a JSON line by its time field (see ``WiFiLogScanner``), on the
/// mall's clock (``WiFiLogSettings``). The value is the number of days from the oldest record of the unbroken run of
/// days with records up to the as-of date: as-of date minus that record's date. The as-of day itself may be empty
/// (it is still being written); any earlier day without a record breaks the run, is reported as a gap day, and
/// records older than the gap do not count. Lines that cannot be dated are counted and shown, and records dated after
/// the as-of date are counted, listed and left out (never moved to another year).
public struct WiFiLogCheck: Sendable {
    public static let name = "wifi-logs"
    public static let clause = "5.1.2"
    public static let statementID = "5.1.2-3"
    public static let threshold = Threshold(quantity: "logRetention", comparison: .greaterThan, value: 60, unit: "day")

    public var directory: URL
    public var asOf: MeasureDate
    /// The clocks: the mall's time zone, the device's, the year rule, the JSON time field.
    public var settings: WiFiLogSettings

    /// Files are read by this many threads at once (each file by one thread); the result does not depend on it.
    public var workers: Int

    public init(directory: URL, asOf: MeasureDate, settings: WiFiLogSettings = WiFiLogSettings(), workers: Int? = nil) {
        self.directory = directory
        self.asOf = asOf
        self.settings = settings
        self.workers = max(1, workers ?? min(ProcessInfo.processInfo.activeProcessorCount, 4))
    }

    /// The files that will be read, sorted by path (see ``listing()``).
    public func logFiles() throws -> [URL] { try listing().files.map(\.url) }

    /// What the walk of `directory` found: the log files to read (with the file each symbolic link leads to) and
    /// what it left out, with why.
    public struct Listing: Sendable {
        public struct File: Sendable, Hashable {
            /// The path under the log folder (a symbolic link's own path when read through one).
            public var url: URL
            /// The file a symbolic link leads to, when the file was reached through one.
            public var linkTarget: String?
        }

        public var files: [File]
        /// Paths not read and why: hidden files, a second path to a file already read.
        public var skipped: [(path: String, why: String)]
    }

    /// Walks `directory` recursively. Regular files are log files (plain or gzip); hidden files and folders are
    /// skipped (and listed). A symbolic link is followed once: to a log file, which is read; to a folder, which is
    /// walked. Refused with a diagnostic naming the path — never skipped in silence, which could only shorten the
    /// measured retention: a dangling link, a link loop or a link back into a folder already walked, a FIFO, socket
    /// or device (linked or not), a file of /proc or /sys, an entry that cannot be read.
    public func listing() throws -> Listing {
        let path = directory.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DiagnosticsError(
                Diagnostic(file: path, message: "no such directory", expected: "a directory of WiFi log files"))
        }
        guard isDirectory.boolValue else {
            throw DiagnosticsError(
                Diagnostic(file: path, message: "is a file, not a directory", expected: "a directory of WiFi log files")
            )
        }
        struct FileID: Hashable {
            var device: UInt64
            var inode: UInt64
        }
        func refused(_ path: String, _ message: String, expected: String) -> DiagnosticsError {
            DiagnosticsError(Diagnostic(file: path, message: message, expected: expected))
        }
        let readable = "every file and folder under \(path) readable by this user"
        var files: [Listing.File] = []
        var skipped: [(path: String, why: String)] = []
        var folders: Set<FileID> = []
        var seen: [FileID: String] = [:]
        var root = stat()
        guard stat(path, &root) == 0 else {
            throw refused(path, "cannot read it: \(String(cString: strerror(errno)))", expected: readable)
        }
        folders.insert(FileID(device: UInt64(root.st_dev), inode: UInt64(root.st_ino)))

        func walk(_ folder: URL) throws {
            for name in try Self.names(in: folder, expected: readable).sorted() {
                let url = folder.appendingPathComponent(name)
                if name.hasPrefix(".") {
                    skipped.append((url.path, "hidden"))
                    continue
                }
                var info = stat()
                guard lstat(url.path, &info) == 0 else {
                    throw refused(url.path, "cannot read it: \(String(cString: strerror(errno)))", expected: readable)
                }
                var target: String?
                if info.st_mode & S_IFMT == S_IFLNK {
                    let written = (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) ?? "?"
                    guard stat(url.path, &info) == 0 else {
                        let failure = errno
                        let why = failure == ENOENT ? "does not exist" : String(cString: strerror(failure))
                        let reason =
                            failure == ELOOP
                            ? "is a symbolic link loop (it leads to \(written), which leads back to a link)"
                            : "is a symbolic link to \(written), which \(why)"
                        throw refused(url.path, reason, expected: "symbolic links to log files or folders that exist")
                    }
                    target = url.resolvingSymlinksInPath().path
                }
                let id = FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
                let through = target.map { "is a symbolic link to \($0), " } ?? "is "
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    guard folders.insert(id).inserted else {
                        throw refused(
                            url.path, "\(through)a folder already walked (a loop)",
                            expected: "symbolic links that lead out of the log folder, not back into it")
                    }
                    try walk(url)
                case S_IFREG:
                    if let refusal = InputFile.refusal(url.path) {
                        let reason = target.map { "is a symbolic link to \($0), which \(refusal.reason)" } ?? refusal.reason
                        throw refused(url.path, reason, expected: refusal.expected)
                    }
                    if let first = seen[id] {
                        skipped.append((url.path, "the same file as \(first), read once"))
                        continue
                    }
                    seen[id] = url.path
                    files.append(Listing.File(url: url, linkTarget: target))
                default:
                    throw refused(
                        url.path, "\(through)\(InputFile.Kind(mode: info.st_mode).rawValue), not a log file",
                        expected: "log files (regular files, plain or gzip) and folders of them")
                }
            }
        }
        try walk(directory)
        guard !files.isEmpty else {
            throw DiagnosticsError(
                Diagnostic(
                    file: path, message: "the directory has no log file", expected: "WiFi log files (plain or .gz)"))
        }
        return Listing(files: files.sorted { $0.url.path < $1.url.path }, skipped: skipped)
    }

    /// The names in `folder`; refused with a diagnostic naming it when it cannot be read. (Outside `listing()`'s
    /// nested `walk`, where Swift 6.3 wrongly warned that this `catch` was unreachable when building with debug info.)
    private static func names(in folder: URL, expected: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            let message = "cannot read it while listing the WiFi logs: \(error.localizedDescription)"
            throw DiagnosticsError(Diagnostic(file: folder.path, message: message, expected: expected))
        }
    }

    /// Scans the logs and judges 5.1.2-3. Throws ``DiagnosticsError`` when the logs cannot be used (no directory,
    /// no file, an unreadable or damaged file, no line with a date).
    ///
    /// Blocks while it reads: call it off any thread that must stay responsive.
    public func run() throws -> MeasuredCheckReport {
        let listing = try listing()
        let files = listing.files.map(\.url)
        let threads = min(workers, files.count)
        let asOf = self.asOf
        let settings = self.settings
        // Thread t reads files t, t + threads, t + 2·threads, … with its own scanner; the scanners are merged.
        let results = WiFiLogScanResults(count: threads)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var scanner = WiFiLogScanner(asOf: asOf, settings: settings)
            for index in stride(from: thread, to: files.count, by: threads) {
                do {
                    try scanner.scanFile(files[index].path, index: index)
                } catch {
                    results.set(thread, .failed(file: index, error))
                    return
                }
            }
            results.set(thread, .scanned(scanner))
        }
        var scanners: [WiFiLogScanner] = []
        var failure: (file: Int, error: any Error)?
        for result in results.all() {
            switch result {
            case let .scanned(scanner):
                scanners.append(scanner)
            case let .failed(file, error):
                // Report the failure of the first file in order, as reading them one by one would.
                if file < failure?.file ?? Int.max { failure = (file, error) }
            case nil:
                preconditionFailure("a log-reading thread returned nothing")
            }
        }
        if let failure { throw failure.error }
        return try judge(WiFiLogScanner.merged(scanners), listing: listing)
    }

    func judge(_ scan: WiFiLogScanner, listing: Listing? = nil) throws -> MeasuredCheckReport {
        let asOfDay = asOf.dayNumber
        func location(_ file: Int32, _ line: Int) -> String { "\(scan.files[Int(file)].path):\(line)" }
        func clock(_ second: Int32) -> String {
            let s = Int(second)
            func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            return "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
        }
        var samples = scan.undatableSamples.map {
            MeasuredFinding(
                kind: "undatableLine", subject: "line \($0.line)", detail: "\($0.why): \($0.text)",
                file: scan.files[$0.file].path, line: $0.line)
        }
        samples += scan.futureSamples.map {
            MeasuredFinding(
                kind: "futureRecord", subject: "line \($0.line)",
                detail: "\($0.why), after the as-of date \(asOf); left out of the retention: \($0.text)",
                file: scan.files[$0.file].path, line: $0.line)
        }
        let zoneName = settings.mallTimeZone.name
        let deviceClockText =
            settings.deviceTimeZone.map { "\($0.name) (set for this device)" }
            ?? "\(zoneName) (the mall's; no device time zone set)"
        let yearRuleText: String
        switch settings.yearRule {
        case .asOf:
            yearRuleText = "as-of: the year that puts the month in \(WiFiLogCheck.window(asOf)), by the as-of date"
        case .fileModified:
            yearRuleText = "file-mtime: by each file's modification date on the device's clock"
        case let .year(year):
            yearRuleText = "\(year): every year-less stamp in \(year)"
        }
        guard let newestDay = scan.days.keys.max(), let oldestDay = scan.days.keys.min() else {
            let first = scan.undatableSamples.first
            let message =
                scan.futureLines > 0
                ? "every dated line (\(scan.futureLines)) is dated after the as-of date \(asOf)"
                : "no line of the logs starts with a date (\(scan.undatableLines) undatable lines"
                    + (first.map { ", first: '\($0.text)'" } ?? "") + ")"
            throw DiagnosticsError(
                Diagnostic(
                    file: first.map { scan.files[$0.file].path } ?? directory.path, line: first?.line, message: message,
                    expected: "lines starting with a syslog stamp ('Oct  9 14:30:01'), an ISO 8601 / RFC 5424 stamp "
                        + "('2026-01-05T14:30:01+08:00') or '2026-01-05 14:30:01', or JSON objects with a time field ("
                        + (settings.timeField.map { "'\($0)'" }
                            ?? WiFiLogSettings.defaultTimeFields.map { "'\($0)'" }.joined(separator: ", ")) + ")"
                        + (scan.futureLines > 0 ? "; check --as-of" : "")))
        }
        // The run of consecutive days with records that reaches the as-of date (the as-of day may be empty).
        let runEnd: Int? =
            scan.days[asOfDay] != nil ? asOfDay : (scan.days[asOfDay - 1] != nil ? asOfDay - 1 : nil)
        var runStart = runEnd
        if let end = runEnd {
            var day = end
            while scan.days[day - 1] != nil { day -= 1 }
            runStart = day
        }
        var gapDays: [Int] = []
        if oldestDay < asOfDay {
            for day in oldestDay..<asOfDay where scan.days[day] == nil { gapDays.append(day) }
        }
        let value = runStart.map { asOfDay - $0 } ?? 0
        let sample = runStart.map { (runEnd ?? $0) - $0 + 1 } ?? 0
        let measurement = AuditModel.Measurement(
            value: Double(value), threshold: WiFiLogCheck.threshold, unit: "day",
            sample: sample)
        let verdict = MeasureFormat.verdict(WiFiLogCheck.threshold, Double(value))

        /// `2026-01-05 14:30:01 (file:line)` for the first or last record of a day.
        func record(_ day: Int, first: Bool) -> String {
            let stats = scan.days[day]!
            let second = first ? stats.firstSecond : stats.lastSecond
            let at = first ? location(stats.firstFile, stats.firstLine) : location(stats.lastFile, stats.lastLine)
            return "\(MeasureDate(dayNumber: day)) \(clock(second)) (\(at))"
        }
        let newestText = record(newestDay, first: false)
        let oldestText = record(oldestDay, first: true)
        let runOldestText = runStart.map { record($0, first: true) } ?? "none"

        let reason: String
        if let start = runStart {
            let older =
                start > oldestDay ? "; records before the gap on \(MeasureDate(dayNumber: start - 1)) do not count" : ""
            reason =
                "logs kept \(value) day\(value == 1 ? "" : "s") (\(asOf) − \(MeasureDate(dayNumber: start))), "
                + (verdict == .pass ? "more than 60" : "not more than 60") + older
        } else {
            reason =
                "no records on \(MeasureDate(dayNumber: asOfDay - 1)) or \(asOf): the newest record is "
                + "\(MeasureDate(dayNumber: newestDay)), so no run of logged days reaches the as-of date"
        }

        var explanation: [String] = []
        let gzipCount = scan.files.filter(\.gzip).count
        let bytes = scan.files.reduce(Int64(0)) { $0 + $1.bytes }
        explanation.append(
            "read \(scan.files.count) files under \(directory.path) (\(gzipCount) gzip), \(bytes) bytes on disk, "
                + "\(scan.totalLines) lines: \(scan.datedLines) dated up to the as-of date, "
                + "\(scan.undatableLines) undatable, \(scan.futureLines) dated after the as-of date, "
                + "\(scan.blankLines) blank")
        // Every file read is listed (a symbolic link with the file it leads to), and every path left out with why.
        let targets = Dictionary(
            (listing?.files ?? []).compactMap { file in file.linkTarget.map { (file.url.path, $0) } },
            uniquingKeysWith: { first, _ in first })
        for file in scan.files {
            let span =
                file.firstDay == Int.max
                ? "no dated line"
                : "\(MeasureDate(dayNumber: file.firstDay)) to \(MeasureDate(dayNumber: file.lastDay))"
            let modified = file.yearReference.map { ", modified \(MeasureDate(dayNumber: $0))" } ?? ""
            let link = targets[file.path].map { " (a symbolic link to \($0))" } ?? ""
            explanation.append(
                "  \(file.path)\(link)\(file.gzip ? " (gzip)" : ""): \(file.lines) lines, \(span)\(modified)")
        }
        for (path, why) in listing?.skipped ?? [] { explanation.append("  not read: \(path) (\(why))") }
        explanation += clockExplanation(scan)
        explanation.append(
            "days with records: \(scan.days.count), from \(MeasureDate(dayNumber: oldestDay)) to "
                + "\(MeasureDate(dayNumber: newestDay))")
        explanation.append("oldest record: \(oldestText)")
        explanation.append("newest record: \(newestText)")
        if scan.days[asOfDay] == nil {
            explanation.append("the as-of day \(asOf) has no record yet (not counted as a gap)")
        }
        if gapDays.isEmpty {
            explanation.append("gap days (no record) before the as-of date: none")
        } else {
            explanation.append(
                "gap days (no record) before the as-of date: \(gapDays.count): "
                    + MeasureFormat.dayRanges(gapDays).joined(separator: ", "))
        }
        explanation.append("oldest record of the unbroken run up to the as-of date: \(runOldestText)")
        if let start = runStart {
            explanation.append(
                "retention = \(asOf) − \(MeasureDate(dayNumber: start)) = \(value) day\(value == 1 ? "" : "s") "
                    + "\(verdict == .pass ? ">" : "≤") 60 (大于60日: 61 passes, 60 fails) → \(verdict.rawValue)")
        } else {
            explanation.append("retention = 0 days: \(reason) → \(verdict.rawValue)")
        }
        if scan.undatableLines > 0 {
            explanation.append(
                "undatable lines: \(scan.undatableLines) (not counted); first \(scan.undatableSamples.count):")
            for sample in scan.undatableSamples {
                explanation.append("  \(scan.files[sample.file].path):\(sample.line): \(sample.why): \(sample.text)")
            }
        }
        let futureDays = MeasureFormat.dayRanges(scan.futureDays.sorted())
        if scan.futureLines > 0 {
            explanation.append(
                "lines dated after the as-of date: \(scan.futureLines) on \(scan.futureDays.count) "
                    + "day\(scan.futureDays.count == 1 ? "" : "s") (\(futureDays.joined(separator: ", "))), left out "
                    + "of the retention and not moved to another year; first \(scan.futureSamples.count):")
            for sample in scan.futureSamples {
                explanation.append("  \(scan.files[sample.file].path):\(sample.line): \(sample.text)")
            }
        }

        // One finding per gap (a day or a range of days): a stray line stamped 1970-01-01 must not bury the
        // real gaps under 20,000 one-day findings.
        var findings = MeasureFormat.dayRanges(gapDays).map {
            MeasuredFinding(kind: "gapDay", subject: $0, detail: "no record: breaks the run of logged days")
        }
        findings += samples
        let observations = [
            Observation(name: "oldestRecordOfRun", value: runOldestText),
            Observation(name: "oldestRecord", value: oldestText),
            Observation(name: "newestRecord", value: newestText),
            Observation(name: "daysWithRecords", value: String(scan.days.count)),
            Observation(
                name: "gapDays",
                value: gapDays.isEmpty ? "none" : MeasureFormat.dayRanges(gapDays).joined(separator: ", ")),
            Observation(name: "files", value: String(scan.files.count)),
            Observation(name: "lines", value: String(scan.totalLines)),
            Observation(name: "datedLines", value: String(scan.datedLines)),
            Observation(name: "undatableLines", value: String(scan.undatableLines)),
            Observation(name: "linesAfterAsOf", value: String(scan.futureLines)),
            Observation(name: "daysAfterAsOf", value: futureDays.isEmpty ? "none" : futureDays.joined(separator: ", ")),
            Observation(name: "mallTimeZone", value: zoneName),
            Observation(name: "deviceTimeZone", value: deviceClockText),
            Observation(name: "yearRule", value: yearRuleText),
            Observation(name: "linesWithOffset", value: String(scan.zonedLines)),
            Observation(name: "linesWithoutOffset", value: String(scan.unzonedLines)),
            Observation(name: "yearlessLines", value: String(scan.syslogLines)),
            Observation(name: "jsonLines", value: String(scan.jsonLines)),
            Observation(name: "malformedJSONLines", value: String(scan.malformedJSONLines)),
        ]
        return MeasuredCheckReport(
            check: WiFiLogCheck.name, clause: WiFiLogCheck.clause, measurement: measurement,
            rule: "retention > 60 day: as-of date minus the date of the oldest record of the unbroken run of days "
                + "with records up to the as-of date (the as-of day itself may be empty)",
            statements: [
                MeasuredStatementJudgement(
                    statementID: WiFiLogCheck.statementID, verdict: verdict, measurement: measurement, reason: reason)
            ],
            reason: reason, asOf: asOf, inputs: [directory.path], observations: observations, findings: findings,
            explanation: explanation)
    }
}

extension WiFiLogCheck {
    /// The twelve months a year-less stamp is placed in with `reference` as the reference date: `2025-03 to 2026-02`
    /// for 2026-01-10.
    static func window(_ reference: MeasureDate) -> String {
        let endMonth = reference.month == 12 ? 1 : reference.month + 1
        let endYear = reference.month == 12 ? reference.year + 1 : reference.year
        let startMonth = endMonth == 12 ? 1 : endMonth + 1
        let startYear = endMonth == 12 ? endYear : endYear - 1
        func month(_ year: Int, _ month: Int) -> String { "\(year)-\(month < 10 ? "0" : "")\(month)" }
        return "\(month(startYear, startMonth)) to \(month(endYear, endMonth))"
    }

    /// How the stamps were put on the mall's clock, in words: what was converted and what was assumed.
    func clockExplanation(_ scan: WiFiLogScanner) -> [String] {
        let zone = settings.mallTimeZone.name
        var lines = ["days are counted on the mall's clock, \(zone); times below are the mall's"]
        if scan.zonedLines > 0 {
            lines.append("  \(scan.zonedLines) lines carry a UTC offset (or a JSON epoch time): converted to \(zone)")
        }
        if scan.unzonedLines > 0 {
            let device =
                settings.deviceTimeZone.map { "the device's clock, \($0.name) (as set), converted to \(zone)" }
                ?? "the mall's clock, \(zone) (assumed: no device time zone set)"
            lines.append("  \(scan.unzonedLines) lines have a time without a UTC offset: read on \(device)")
        }
        if scan.syslogLines > 0 {
            let rule: String
            switch settings.yearRule {
            case .asOf:
                rule =
                    "by the as-of date \(asOf): the year that puts the month in \(WiFiLogCheck.window(asOf)) "
                    + "(29 February of a common year: the last leap year)"
            case .fileModified:
                rule =
                    "by each file's modification date on the device's clock: the year that puts the month in the "
                    + "twelve months ending with the month after it"
            case let .year(year):
                rule = "all in \(year) (as set)"
            }
            lines.append("  \(scan.syslogLines) lines have a stamp without a year (RFC 3164): year \(rule)")
        }
        if scan.jsonLines > 0 {
            let fields =
                settings.timeField.map { "'\($0)'" }
                ?? WiFiLogSettings.defaultTimeFields.map { "'\($0)'" }.joined(separator: ", then ")
            lines.append(
                "  \(scan.jsonLines) lines are JSON objects dated by their \(fields) field; "
                    + "\(scan.malformedJSONLines) of them could not be dated (counted as undatable)")
        }
        return lines
    }
}

/// Results of the log-reading threads, one slot per thread.
private final class WiFiLogScanResults: @unchecked Sendable {
    enum Outcome {
        case scanned(WiFiLogScanner)
        /// The thread stopped at the file with this index.
        case failed(file: Int, any Error)
    }

    // Guarded by `lock`.
    private var slots: [Outcome?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Outcome) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = result
    }

    func all() -> [Outcome?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
