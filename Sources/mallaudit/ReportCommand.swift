import ArgumentParser
import AuditEngine
import AuditModel
import AuditReports
import Foundation

extension ReportFormat: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}

/// `mallaudit report`: a stored run as XML, HTML, JUnit, PDF, JSON or OSCAL.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the conformance report of a stored run (XML, HTML, JUnit, PDF, JSON or OSCAL).",
        discussion: """
            xml    the formal report, namespaced and valid against reports/report.xsd (checked before writing);
                   byte-for-byte the same for the same stored run
            html   one self-contained page (Chinese by default, --lang en), printable on A4
            pdf    the HTML report printed on A4 by headless Chromium: running header, page numbers, fonts embedded
            json   the XML report's content as JSON, valid against reports/report.schema.json
            oscal  NIST OSCAL 1.1.2 assessment results (JSON): findings per statement, evidence with SHA-256
            junit  one test case per statement, so a mall's CI can fail on a regression
            """)

    @Option(help: "The audit database.")
    var db: String = "mallaudit.sqlite"

    @Option(name: .customLong("run"), help: "The run: its id, latest, or latest~N.")
    var runReference: String = "latest"

    @Option(help: "xml, html, junit, pdf, json or oscal.")
    var format: ReportFormat

    @Option(name: .shortAndLong, help: "Where to write the report.")
    var output: String

    @Option(help: "Language of the HTML and PDF reports: zh or en.")
    var lang: Language = .zh

    func run() throws {
        try orExit {
            let report = try Reporting.report(database: URL(fileURLWithPath: db), run: runReference)
            try Reporting.write(report, format: format, language: lang, to: URL(fileURLWithPath: output))
            print("wrote \(output) (run \(report.run.runID), \(report.scorecard.conformance.rawValue))")
        }
    }
}

/// `mallaudit demo`: the whole tool on the bundled demo mall.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Audit the bundled demo mall end to end and write its reports.",
        discussion: """
            Starts the demo mall's systems on 127.0.0.1 (Debian's snmpd serving its machine-room and area sensors,
            snmpsimd its core switch, an HTTP(S) server with its service APIs), runs the audit with
            examples/demo-mall/site.yaml and its findings, stores it in OUTPUT/mallaudit.sqlite, writes
            report.xml, report.html, report.junit.xml, report.pdf, report.json and report.oscal.json, and stops the
            systems. The demo mall has realistic
            problems on purpose: expect "not conformant".
            """)

    @Option(name: .shortAndLong, help: "Where to write the database and the reports.")
    var output: String = "mallaudit-demo"

    func run() async throws {
        let outcome = try await ProgressLine.showing { line in
            try await Demo.run(output: URL(fileURLWithPath: output), toolVersion: mallauditVersion) {
                line.update($0.judged, $0.total, $0.current)
            }
        }
        let card = outcome.audit.scorecard
        print("demo mall 星河广场 audited: run \(outcome.audit.run.id) in \(outcome.audit.database.path)")
        print(ConsoleReport.summary(card, results: outcome.audit.results))
        print("reports:")
        for format in ReportFormat.allCases {
            if let url = outcome.reports[format] { print("  \(url.path)") }
        }
    }
}
