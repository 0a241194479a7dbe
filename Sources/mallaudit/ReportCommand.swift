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
        usage: "mallaudit demo [-o <output>] [<options>]\nmallaudit demo [-o <output>] --with-server [--keep-serving] [<options>]",
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

            With --with-server it then hands the bundle to the bureau's service: a throwaway \
            PostgreSQL cluster and mallaudit-server (the executable beside mallaudit) on free \
            ports of 127.0.0.1, the accounts the chain needs (a bureau administrator, the \
            inspector with the demo's SM2 key, the mall with its Ed25519 key), the bundle \
            submitted as the inspector (as mallaudit submit does), and the mall's latest \
            verdict read back through the API as the bureau. Both are stopped and removed \
            afterwards; with --keep-serving they run until Ctrl-C, so the pages can be opened \
            in a browser (the URL and a sign-in are printed).

            Exit status: 0 the demo ran (whatever the demo mall's verdict); 1 it could not \
            (a system did not start or answer, or with --with-server mallaudit-server or \
            PostgreSQL is missing or the service did not accept the bundle: the message names \
            it; the reports and the bundle are written all the same); 64 usage error; 130 \
            interrupted (the systems are stopped all the same; also how --keep-serving ends).
            """)

    @Option(name: .shortAndLong, help: "Where to write the database and the reports.")
    var output: String = "mallaudit-demo"

    @Flag(help: "Then submit the signed bundle to a throwaway mallaudit-server and PostgreSQL started for it.")
    var withServer = false

    @Flag(help: "With --with-server: keep the server running until Ctrl-C (to open its pages).")
    var keepServing = false

    @OptionGroup var console: ConsoleOptions

    func validate() throws {
        if keepServing && !withServer { throw ValidationError("--keep-serving needs --with-server") }
    }

    func run() async throws {
        // Ctrl-C, SIGTERM and SIGHUP stop the demo's systems and remove their folder before the exit.
        Interrupts.install()
        let outcome = try await ProgressLine.showing(quiet: console.quiet) { line in
            try await Demo.run(output: URL(fileURLWithPath: output), toolVersion: mallauditVersion) {
                line.update($0.judged, $0.total, $0.current)
            }
        }
        printWarnings(outcome.audit.warnings)
        let style = console.style
        if !console.quiet {
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
                        style.language,
                        en: "signed bundle: \(bundle.bundle.path), verified: \(signers.joined(separator: ", "))",
                        zh: "签名审核包：\(bundle.bundle.path)，验证通过：\(signers.joined(separator: "、"))"))
                print("  mallaudit verify \(bundle.bundle.path) --trust \(bundle.trust.path)")
            }
        }
        guard withServer, let bundle = outcome.bundle else { return }
        try await serve(bundle: bundle, conformance: outcome.audit.scorecard.conformance)
    }

    /// `--with-server`: the bundle submitted to a throwaway service and the verdict read back (`DemoServer`).
    private func serve(bundle: DemoBundle.Outcome, conformance: Conformance) async throws {
        let language = console.style.language
        if !console.quiet {
            print(Console.text(
                language, en: "the bureau's service: starting PostgreSQL and mallaudit-server on 127.0.0.1…",
                zh: "商务局服务：在 127.0.0.1 上启动 PostgreSQL 与 mallaudit-server……"))
        }
        let server = try DemoServer(serverExecutable: DemoServer.serverBesideExecutable())
        defer { server.stop() }
        let served = try await server.run(bundle: bundle)
        guard let run = served.mall.latestRun else {
            throw DiagnosticsError(Diagnostic(
                file: nil, message: "the demo's service accepted the bundle but shows no run for \(served.mall.name)"))
        }
        guard run.conformance == conformance.rawValue else {
            throw DiagnosticsError(Diagnostic(
                file: nil, message: "the demo's service holds the verdict \(run.conformance) for \(served.mall.name), "
                    + "not the demo's \(conformance.rawValue)"))
        }
        if !console.quiet {
            let stored = served.submissionStatus == 201
            let c = run.counts
            print(Console.text(
                language,
                en: "  submitted as inspector 王工 to \(served.url): "
                    + (stored ? "accepted, stored as a new run (201)" : "accepted, known already (200)"),
                zh: "  以检查员 王工 身份提交到 \(served.url)：" + (stored ? "已接收，存为新的运行（201）" : "已接收，此前已有（200）")))
            print(Console.text(
                language,
                en: "  the bureau sees \(served.mall.name) (\(served.mall.creditCode), "
                    + "\(served.mall.district ?? "-")): "
                    + "\(run.conformance) on \(run.judgementDate), \(run.shallFailures) shall failure(s); "
                    + "pass \(c.pass), fail \(c.fail), error \(c.error), not applicable \(c.notApplicable), "
                    + "not assessed \(c.notAssessed); server run \(run.id), filed by \(run.filedBy ?? "-")",
                zh: "  商务局看到 \(served.mall.name)（\(served.mall.creditCode)，\(served.mall.district ?? "-")）："
                    + "\(conformance.chinese)，判定日 \(run.judgementDate)，\(run.shallFailures) 项“应”不符合；"
                    + "通过 \(c.pass)，不通过 \(c.fail)，错误 \(c.error)，不适用 \(c.notApplicable)，"
                    + "未评估 \(c.notAssessed)；服务器运行 \(run.id)，提交者 \(run.filedBy ?? "-")"))
            print(Console.text(
                language, en: "  the same verdict as the demo's run: \(conformance.rawValue)",
                zh: "  与演示运行的结论一致：\(conformance.chinese)"))
        }
        guard keepServing else {
            server.stop()
            if !console.quiet {
                print(Console.text(
                    language, en: "  service stopped, its cluster removed (--keep-serving keeps it running)",
                    zh: "  服务已停止，数据库集群已删除（--keep-serving 可保持运行）"))
            }
            return
        }
        // Printed also with --quiet: without it the running server cannot be used.
        print(Console.text(
            language,
            en: "  pages: \(served.url)/overview — sign in as \(served.adminName) with the password "
                + "\(served.adminPassword) (made for this demo; the service runs on 127.0.0.1 until Ctrl-C)",
            zh: "  页面：\(served.url)/overview —— 以 \(served.adminName) 登录，密码 \(served.adminPassword)"
                + "（为本次演示生成；服务在 127.0.0.1 上运行，按 Ctrl-C 停止）"))
        print("  " + served.folder.path)
        fflush(nil)  // every stream: a reader of a pipe sees the lines now
        // Ctrl-C (or SIGTERM, SIGHUP) runs the service's stop through `Interrupts`, then exits 128 + the signal.
        while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
    }
}
