import AuditModel
import AuditReports
import AuditStore
import Foundation

/// The report formats `mallaudit report` writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    case xml, html, junit, pdf, json, oscal

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
        let id = try store.resolveRun(reference)
        let record = try store.requireRun(id)
        let (checklist, results) = try store.checklistAndResults(run: id)
        let completion: RunCompletion =
            switch record.status {
            case .completed: .completed
            case .running: .running
            case .interrupted: .interrupted
            }
        let metadata = RunMetadata(
            runID: String(record.id), mall: MallIdentity(name: record.siteName, address: record.mallAddress, creditCode: record.mallCreditCode), assessor: record.assessor,
            startedAt: record.startedAt, endedAt: record.endedAt, completion: completion,
            toolVersion: record.toolVersion, siteProfileDigest: record.siteDigest, asOf: record.asOf,
            settings: record.settings, scope: record.scope)
        return AuditReport(
            run: metadata, checklist: checklist, results: results, decisions: results.compactMap(\.notApplicable),
            judgementInputs: try store.judgementInputs(run: id).mapValues(\.all))
    }

    /// Renders `report` in `format` (HTML and PDF in `language`). The PDF is the HTML report printed on A4 by
    /// headless Chromium (`PDFRenderer`).
    public static func render(_ report: AuditReport, format: ReportFormat, language: Language = .zh) throws -> Data {
        switch format {
        case .xml: return try XMLReportWriter().write(report)
        case .junit: return try JUnitReportWriter().write(report)
        case .html: return Data(try HTMLReportWriter().write(report, language: language).utf8)
        case .pdf: return try PDFRenderer().render(html: try HTMLReportWriter().write(report, language: language))
        case .json: return try JSONReportWriter().write(report)
        case .oscal: return try OSCALReportWriter().write(report)
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
