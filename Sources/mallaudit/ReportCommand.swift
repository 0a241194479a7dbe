import ArgumentParser
import AuditEngine
import AuditModel
import AuditReports
import AuditSupport
import Foundation

extension ReportFormat: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}

/// Parses `xml,html,junit` into report formats (nil: the standard three); an unknown name is a usage error.
func parseReportFormats(_ text: String?) throws -> [ReportFormat] {
    guard let text else { return ReportFormat.standard }
    var formats: [ReportFormat] = []
    for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
        guard let format = ReportFormat(rawValue: name) else {
            throw ValidationError(
                "'\(name)' is not a report format (expected "
                    + ReportFormat.allCases.map(\.rawValue).joined(separator: ", ") + ", or several comma-separated)")
        }
        if !formats.contains(format) { formats.append(format) }
    }
    guard !formats.isEmpty else { throw ValidationError("--format names no report format") }
    return formats
}

/// `mallaudit report`: a stored run as XML, HTML, JUnit, PDF, JSON or OSCAL.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the conformance report of a stored run (XML, HTML, JUnit, PDF, JSON or OSCAL).",
        usage: "mallaudit report --format <FORMATS> --output <FILE|DIR|-> [<options>]",
        discussion: """
            xml    the formal report, namespaced and valid against reports/report.xsd
                   (checked before writing); byte-for-byte the same for the same run
            html   one self-contained page (Chinese by default, --lang en), printable
                   on A4
            pdf    the HTML report printed on A4 by headless Chromium: running
                   header, page numbers, fonts embedded
            json   the XML report's content as JSON, valid against
                   reports/report.schema.json
            oscal  NIST OSCAL 1.1.2 assessment results (JSON): findings per
                   statement, evidence with SHA-256
            junit  one test case per statement, so a mall's CI can fail on a
                   regression

            --output FILE writes one format to FILE; --output - writes it to standard \
            output (nothing else is printed there). Several formats (--format \
            xml,html,junit) go into a folder: --output DIR, each under its usual name \
            (report.xml, report.html, report.junit.xml, report.pdf, report.json, \
            report.oscal.json). --lang applies to the formats written in a language (html, \
            pdf); with only others it is refused.

            The database is --db, else $MALLAUDIT_DB, else mallaudit.sqlite in the \
            working directory; it is never created (without one, it says where it looked).

            Exit status: 0 written; 1 the report could not be written (no such database \
            or run, unwritable file); 64 usage error.
            """)

    @Option(help: databaseHelp)
    var db: String?

    @Option(name: .customLong("run"), help: "The run: its id, latest, or latest~N.")
    var runReference: String = "latest"

    @Option(help: ArgumentHelp("xml, html, junit, pdf, json or oscal; several comma-separated.", valueName: "FORMATS"))
    var format: String

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Where to write: a file, - for standard output, or a folder.", valueName: "FILE|DIR|-"))
    var output: String

    @Option(help: ArgumentHelp("The language of the HTML and PDF reports: zh (default) or en.", valueName: "zh|en"))
    var lang: Language?

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        let formats = try parseReportFormats(format)
        if lang != nil, !formats.contains(where: \.usesLanguage) {
            throw ValidationError(
                "--lang applies to the HTML and PDF reports only; "
                    + formats.map(\.rawValue).joined(separator: ", ") + " has no language")
        }
        if output == "-", formats.count > 1 {
            throw ValidationError("--output - writes one format; several go into a folder (--output DIR)")
        }
    }

    func run() throws {
        let formats = try parseReportFormats(format)
        let language = lang ?? .zh
        try orExit {
            let database = try existingStore(db).url
            if output == "-" {
                let report = try Reporting.report(database: database, run: runReference)
                FileHandle.standardOutput.write(try Reporting.render(report, format: formats[0], language: language))
                return
            }
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isFolder)
            if formats.count > 1 || (exists && isFolder.boolValue) {
                let written = try Reporting.writeReports(
                    database: database, run: runReference, formats: formats, language: language,
                    into: URL(fileURLWithPath: output))
                if !quiet { for url in written { print("wrote \(url.path)") } }
                return
            }
            let report = try Reporting.report(database: database, run: runReference)
            try Reporting.write(report, format: formats[0], language: language, to: URL(fileURLWithPath: output))
            if !quiet { print("wrote \(output) (run \(report.run.runID), \(report.scorecard.conformance.rawValue))") }
        }
    }
}

/// `mallaudit demo`: the whole tool on the bundled demo mall.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Audit the bundled demo mall end to end and write its reports.",
        discussion: """
            Starts the demo mall's systems on free ports of 127.0.0.1 (Debian's snmpd \
            serving its machine-room and area sensors, snmpsimd its core switch, an HTTP(S) server with its service \
            APIs), checks that each answers, runs the audit \
            with a profile made from examples/demo-mall/site.yaml and its findings, stores \
            it in OUTPUT/mallaudit.sqlite, writes report.xml, report.html, \
            report.junit.xml, report.pdf, report.json and report.oscal.json, signs the \
            run's bundle as the inspector (demo-bundle.zip, SM2 key made for the demo in \
            OUTPUT/demo-keys), countersigns it as the mall (Ed25519) and verifies it against \
            OUTPUT/trusted-keys, and stops the systems. Its working files (the profile, a CA \
            and its key, the systems' logs) live in a temporary folder removed at the end. \
            The demo mall has realistic problems on purpose: expect "not conformant".

            Exit status: 0 the demo ran (whatever the demo mall's verdict); 1 it could not \
            (a system did not start or answer: the message names it); 64 usage error; 130 \
            interrupted (the systems are stopped all the same).
            """)

    @Option(name: .shortAndLong, help: "Where to write the database and the reports.")
    var output: String = "mallaudit-demo"

    @OptionGroup var console: ConsoleOptions

    func run() async throws {
        // Ctrl-C, SIGTERM and SIGHUP stop the demo's systems and remove their folder before the exit.
        Interrupts.install()
        let outcome = try await ProgressLine.showing(quiet: console.quiet) { line in
            try await Demo.run(output: URL(fileURLWithPath: output), toolVersion: mallauditVersion) {
                line.update($0.judged, $0.total, $0.current)
            }
        }
        printWarnings(outcome.audit.warnings)
        guard !console.quiet else { return }
        let style = console.style
        let id = outcome.audit.run.id
        let path = outcome.audit.database.path
        print(
            Console.text(
                style.language, en: "demo mall 星河广场 audited: run \(id) in \(path)",
                zh: "演示商场 星河广场 审核完成：运行 \(id)，数据库 \(path)"))
        printStyled(ConsoleReport.summary(outcome.audit.scorecard, results: outcome.audit.results, style: style))
        print(Console.text(style.language, en: "reports:", zh: "报告："))
        for format in ReportFormat.allCases {
            if let url = outcome.reports[format] { print("  \(url.path)") }
        }
        if let bundle = outcome.bundle {
            let signers = bundle.verification.signatures.map { "\($0.name) (\($0.role.rawValue), \($0.algorithm))" }
            print(
                Console.text(
                    style.language, en: "signed bundle: \(bundle.bundle.path), verified: \(signers.joined(separator: ", "))",
                    zh: "签名审核包：\(bundle.bundle.path)，验证通过：\(signers.joined(separator: "、"))"))
            print("  mallaudit verify \(bundle.bundle.path) --trust \(bundle.trust.path)")
        }
    }
}
