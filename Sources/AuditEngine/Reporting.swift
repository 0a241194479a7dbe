import AuditModel
import AuditReports
import AuditBundle
import AuditStore
import Foundation

/// The report formats `mallaudit report` writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    case xml, html, junit

    /// The usual file name for a report of this format.
    public var defaultFileName: String {
        switch self {
        case .xml: "report.xml"
        case .html: "report.html"
        case .junit: "report.junit.xml"
        }
    }
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

    /// Renders `report` in `format` (HTML in `language`).
    public static func render(_ report: AuditReport, format: ReportFormat, language: Language = .zh) throws -> Data {
        switch format {
        case .xml: return try XMLReportWriter().write(report)
        case .junit: return try JUnitReportWriter().write(report)
        case .html: return Data(try HTMLReportWriter().write(report, language: language).utf8)
        }
    }

    /// Renders and writes atomically (a half-written report never replaces a good one).
    public static func write(_ report: AuditReport, format: ReportFormat, language: Language = .zh, to url: URL) throws {
        let data = try render(report, format: format, language: language)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw DiagnosticsError(Diagnostic(file: url.path, message: "cannot write the report: \(error.localizedDescription)"))
        }
    }
}
