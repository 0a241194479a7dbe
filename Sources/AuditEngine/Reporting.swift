import AuditModel
import AuditReports
import AuditBundle
import AuditStore
import Foundation

/// The report formats `mallaudit report` writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    case xml, html, junit, pdf, json, oscal

    /// What `mallaudit run --report-dir` writes unless told otherwise (the demo writes every format).
    public static let standard: [ReportFormat] = [.xml, .html, .junit]

    /// Whether the report is written in a language (`--lang`); the others are for machines and have none.
    public var usesLanguage: Bool { self == .html || self == .pdf }

    /// The usual file name for a report of this format.
    public var defaultFileName: String {
        switch self {
        case .xml: "report.xml"
        case .html: "report.html"
        case .junit: "report.junit.xml"
        case .pdf: "report.pdf"
        case .json: "report.json"
        case .oscal: "report.oscal.json"
        }
    }

    /// Whether the format is for people and so written in one language (`--lang`).
    public var isForPeople: Bool { self == .html || self == .pdf }
}

/// Builds reports from a stored run: the checklist the run was judged with, its results, its N/A decisions.
/// Everything comes from the store, so the same stored run always gives the same report bytes.
public enum Reporting {
    /// The report of `run` (an id, `latest` or `latest~N`).
    public static func report(database: URL, run reference: String) throws -> AuditReport {
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw DiagnosticsError(Diagnostic(file: database.path, message: "no audit database here",
                                              expected: "the --db file `mallaudit run` wrote"))
        }
        let store = try AuditStore(path: database.path, create: false)
        return try StoredRunReport.make(store: store, run: try store.resolveRun(reference))
    }

    /// Renders `report` in `format` (HTML and PDF in `language`). The PDF is the HTML report printed on A4 by
    /// headless Chromium (`PDFRenderer`).
    public static func render(_ report: AuditReport, format: ReportFormat, language: Language = .zh) throws -> Data {
        switch format {
        case .xml: return try XMLReportWriter().write(report)
        case .junit: return try JUnitReportWriter().write(report)
        case .html: return Data(try HTMLReportWriter().write(report, language: language).utf8)
        case .pdf: return try PDFRenderer().render(report, language: language)
        case .json: return try JSONReportWriter().write(report)
        case .oscal: return try OSCALReportWriter().write(report)
        }
    }

    /// Writes the report of `run` in each of `formats` into `folder` (made when missing), each under its usual name
    /// (`ReportFormat.defaultFileName`); returns the files written, in the order of `formats`.
    public static func writeReports(
        database: URL, run reference: String, formats: [ReportFormat], language: Language = .zh, into folder: URL
    ) throws -> [URL] {
        let report = try report(database: database, run: reference)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DiagnosticsError(Diagnostic(
                file: folder.path, message: "cannot make the report folder: \(error.localizedDescription)"))
        }
        return try formats.map { format in
            let url = folder.appendingPathComponent(format.defaultFileName)
            try write(report, format: format, language: language, to: url)
            return url
        }
    }

    /// Renders and writes atomically (a half-written report never replaces a good one).
    /// A folder, a missing folder or an unwritable one is refused in words, not with Foundation's error number.
    public static func write(_ report: AuditReport, format: ReportFormat, language: Language = .zh, to url: URL) throws {
        if let problem = outputProblem(url, format: format) {
            throw DiagnosticsError(Diagnostic(file: url.path, message: problem.message, expected: problem.expected))
        }
        let data = try render(report, format: format, language: language)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw DiagnosticsError(
                Diagnostic(
                    file: url.path, message: "cannot write the report: \(error.localizedDescription)",
                    expected: "a file name in a folder this user can write"))
        }
    }

    /// Why the report cannot be written to `url`, or nil.
    static func outputProblem(_ url: URL, format: ReportFormat) -> (message: String, expected: String)? {
        let name = format.defaultFileName
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                return ("is a folder; --output names the report file", "a file name, e.g. \(url.path)/\(name)")
            }
            if !FileManager.default.isWritableFile(atPath: url.path) {
                return ("the report file exists and cannot be written", "a file name this user can write")
            }
            return nil
        }
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            return ("the folder \(folder) does not exist", "a file name in an existing folder")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            return ("the folder \(folder) cannot be written by this user", "a file name in a folder this user can write")
        }
        return nil
    }
}
