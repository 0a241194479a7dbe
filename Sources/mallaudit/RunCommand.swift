import ArgumentParser
import AuditEngine
import AuditModel
import AuditMeasures
import AuditProbes
import AuditReports
import AuditSupport
import Foundation

/// Parses `--as-of YYYY-MM-DD` (noon of that day, local time); nil means now. A date that does not exist
/// (`2026-02-30`, `2026-13-01`) is a usage error, not rolled over into another one.
func parseAsOf(_ text: String?) throws -> Date {
    guard let text else { return Date() }
    guard let day = MeasureDate(iso: text),
        let date = Calendar(identifier: .gregorian).date(
            from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))
    else {
        throw ValidationError("--as-of '\(text)' is not a date (expected YYYY-MM-DD)")
    }
    return date
}

/// Parses `--only 5.2.5,5.1.2-3, 6.6` into its ids; nil stays nil (the whole checklist).
func parseIDs(_ text: String?) -> [String]? {
    text?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
}

/// A progress line on a terminal (stderr), none when stderr is not a terminal or with --quiet. Written with a
/// carriage return and spaces only: no escape code.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var width = 0

    init(quiet: Bool = false) { enabled = !quiet && isatty(STDERR_FILENO) == 1 }

    func update(_ done: Int, _ total: Int, _ current: String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        // No escape sequence of ours (a carriage return and spaces rub the line out); the probe's or statement's name
        // is neutralised.
        let text = "[\(done)/\(total)] \(ConsoleText.neutralised(current))"
        let count = text.count
        FileHandle.standardError.write(Data(("\r" + text + String(repeating: " ", count: max(0, width - count))).utf8))
        width = count
    }

    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if width > 0 { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: width) + "\r").utf8)) }
        width = 0
    }

    /// Runs `body` with a progress line, clears the line however it ends, and turns an error into exit status 1
    /// with its message (as `orExit` does); an `ExitCode` passes through.
    static func showing<T>(quiet: Bool = false, _ body: (ProgressLine) async throws -> T) async throws -> T {
        let line = ProgressLine(quiet: quiet)
        defer { line.finish() }
        return try await orExitAsync { try await body(line) }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Prints each warning as `mallaudit: FILE:LINE: warning: …`.
func printWarnings(_ warnings: [Diagnostic]) {
    for warning in warnings { printError(errorLine(warning)) }
}

/// `mallaudit run`: one audit run, stored.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an audit: probes, measured checks and findings, judged and stored.",
        discussion: """
            Runs every probe and measured check the site profile enables, merges the inspector's findings, \
            judges every statement of the checklist and stores each result as soon as it is judged (an \
            interrupted run keeps them; finish it with --resume). With --report-dir the reports are written \
            at the end.

            \(databaseRule)

            Exit status: 0 conformant; 2 not conformant (an applicable shall statement failed); 3 incomplete \
            (no shall statement failed, but some are error or not assessed); 1 the tool could not run (bad \
            profile, unreadable file, unset secret, a --resume refused for changed inputs: nothing is stored); 64 \
            usage error; 130 interrupted (it says how many results are kept and the exact command that resumes \
            the run).
            """)

    @Option(help: "The site profile (see `mallaudit init`).")
    var site: String

    @Option(help: databaseHelp)
    var db: String?

    @Option(help: "A findings file (YAML) with the inspector's manual findings (default: the profile's findings:).")
    var findings: String?

    @Option(help: "Only these statement, clause or section ids, comma-separated (e.g. 5.2.5,5.1.2-3,6.6).")
    var only: String?

    @Option(name: .customLong("as-of"), help: "Judge measured checks as of this date (YYYY-MM-DD; default today).")
    var asOf: String?

    @Option(help: "Who leads the assessment (default: the profile's assessor).")
    var assessor: String?

    @Option(help: "The checklist XML (default: the bundled one).")
    var checklist: String?

    @Option(help: "Finish an interrupted run (its id, latest or latest~N).")
    var resume: String?

    @Flag(
        name: .customLong("accept-changed-inputs"),
        help: ArgumentHelp(
            "With --resume: go on although the profile, a probe file, the findings or the checklist changed since "
                + "the run started (recorded with the run)."))
    var acceptChangedInputs = false

    @Option(
        name: .customLong("carry-findings"),
        help: ArgumentHelp(
            "Re-inspection: carry the manual findings of this earlier run (its id, latest or latest~N) into the "
                + "new run, marked as carried, unless re-assessed.", valueName: "RUN"))
    var carryFindings: String?

    @Option(help: ArgumentHelp("Write the run's reports into this folder at the end.", valueName: "DIR"))
    var reportDir: String?

    @Option(
        help: ArgumentHelp(
            "The reports --report-dir writes, comma-separated (default: xml,html,junit).", valueName: "FORMATS"))
    var reportFormat: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var console: ConsoleOptions

    func validate() throws {
        if acceptChangedInputs, resume == nil {
            throw ValidationError("--accept-changed-inputs goes with --resume RUN")
        }
        if reportFormat != nil, reportDir == nil { throw ValidationError("--report-format goes with --report-dir DIR") }
        _ = try parseReportFormats(reportFormat)
    }

    func run() async throws {
        // A new run creates the database where the rule says; a resumed one must find it there.
        let database = try resume == nil ? storeURL(db) : orExit { try existingStore(db).url }
        var options = AuditOptions(
            site: URL(fileURLWithPath: site), database: database,
            findings: findings.map { URL(fileURLWithPath: $0) }, only: parseIDs(only),
            checklist: checklist.map { URL(fileURLWithPath: $0) }, asOf: try parseAsOf(asOf), assessor: assessor,
            resume: resume, toolVersion: mallauditVersion)
        options.acceptChangedInputs = acceptChangedInputs
        options.carryFindings = carryFindings
        // Ctrl-C: say what the run keeps and how to resume it (every judged result is committed already).
        let interruption = RunInterruption(database: database)
        Interrupts.install()
        let token = Interrupts.onInterrupt { interruption.report() }
        defer { Interrupts.remove(token) }
        let outcome = try await ProgressLine.showing(quiet: console.quiet) { line in
            try await AuditEngine.run(options, runner: LiveProbeRunner()) {
                interruption.update(run: $0.run, total: $0.total)
                line.update($0.judged, $0.total, $0.current)
            }
        }
        printWarnings(outcome.warnings)
        var written: [URL] = []
        if let reportDir {
            written = try orExit {
                try Reporting.writeReports(
                    database: outcome.database, run: String(outcome.run.id), formats: parseReportFormats(reportFormat),
                    language: .zh, into: URL(fileURLWithPath: reportDir))
            }
        }
        let style = console.style
        let lang = style.language
        switch format {
        case .json:
            struct Summary: Encodable {
                var run: Int64
                var database: String
                var conformance: String
                var statements: Int
                var counts: [String: Int]
                var formula: String
                var reports: [String]
                var results: [StatementResult]
            }
            var counts: [String: Int] = [:]
            for verdict in Verdict.allCases { counts[verdict.rawValue] = outcome.scorecard.total[verdict] }
            print(
                try ResultJSON.encode(
                    Summary(
                        run: outcome.run.id, database: outcome.database.path,
                        conformance: outcome.scorecard.conformance.rawValue, statements: outcome.scope.statements.count,
                        counts: counts, formula: outcome.scorecard.formula(.en), reports: written.map(\.path),
                        results: outcome.results)))
        case .text where console.quiet:
            break
        case .text:
            let failing = outcome.results.filter {
                ($0.verdict == .fail || $0.verdict == .error)
                    && (outcome.scope.statement($0.statementID)?.modality.isRequirement ?? false)
            }
            if !failing.isEmpty {
                print(
                    Console.text(
                        lang, en: "Shall statements that failed or could not be checked:",
                        zh: "未通过或无法检查的“应/严禁”条款："))
                printStyled(ConsoleReport.results(failing, checklist: outcome.scope, observations: false, style: style))
                print("")
            }
            let id = outcome.run.id
            let path = outcome.database.path
            print(Console.text(lang, en: "run \(id) stored in \(path)", zh: "运行 \(id) 已保存：\(path)"))
            if let from = outcome.carriedFrom {
                let carried = outcome.carried
                print(
                    Console.text(
                        lang, en: "carried \(carried) finding(s) from run \(from) (re-inspection; marked as carried)",
                        zh: "复查：沿用运行 \(from) 的 \(carried) 项人工检查结论（已标为沿用）"))
            }
            let count = outcome.scope.statements.count
            let version = outcome.scope.version
            print(
                Console.text(
                    lang, en: "scope: \(count) statement(s) of checklist \(version)",
                    zh: "范围：检查表 \(version) 的 \(count) 条"))
            printStyled(ConsoleReport.summary(outcome.scorecard, results: outcome.results, style: style))
            if written.isEmpty {
                print(
                    Console.text(lang, en: "reports: ", zh: "报告：")
                        + "mallaudit report --db \(path) --run \(id) --format html --output report.html")
            } else {
                print(Console.text(lang, en: "reports:", zh: "报告："))
                for url in written { print("  \(url.path)") }
            }
        }
        switch outcome.scorecard.conformance {
        case .conformant: return
        case .nonConformant: throw ExitCode(2)
        case .incomplete: throw ExitCode(3)
        }
    }
}

/// `mallaudit probe`: run the probes of a site profile and print one result per statement; nothing is stored.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run the site's probes and print one result per statement (nothing is stored).",
        usage: "mallaudit probe --site <site> [<options>]",
        discussion: """
            Asks the mall's systems (SNMP sensors, HTTP APIs, TLS endpoints) and reads its data exports as the \
            probe files bound in the site profile say, and prints for each statement: pass, fail or error, the \
            values observed, and why. An unreachable agent, a timeout, an HTTP 500 or a malformed answer is an \
            error, never a pass.

            Exit status: 0 all pass; 2 a statement failed; 3 none failed but some could not be checked; 1 the \
            tool could not run (bad profile, unset secret); 64 usage error; 130 interrupted.
            """)

    @Option(help: "The site profile (see `mallaudit init`).")
    var site: String

    @Option(help: "Only these statement, clause or section ids, comma-separated (e.g. 5.2.5,6.6).")
    var only: String?

    @Option(name: .customLong("as-of"), help: "Judge measured checks as of this date (YYYY-MM-DD; default today).")
    var asOf: String?

    @Option(help: "The checklist XML (default: the bundled one).")
    var checklist: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var console: ConsoleOptions

    func run() async throws {
        let asOf = try parseAsOf(asOf)
        let outcome = try await ProgressLine.showing(quiet: console.quiet) { line in
            try await ProbeSession.run(
                site: URL(fileURLWithPath: site), only: parseIDs(only), checklist: checklist.map { URL(fileURLWithPath: $0) },
                asOf: asOf, environment: ProcessInfo.processInfo.environment, runner: LiveProbeRunner()
            ) { line.update($0, $1, $2) }
        }
        switch format {
        case .json: print(try ResultJSON.encode(outcome.results))
        case .text where console.quiet: break
        case .text:
            let style = console.style
            printStyled(ConsoleReport.results(outcome.results, checklist: outcome.checklist, style: style))
            let counts = VerdictCounts(outcome.results.map(\.verdict))
            let summary = Verdict.allCases.filter { counts[$0] > 0 }
            let probes = outcome.probesRun
            let statements = outcome.results.count
            print(
                "\n"
                    + Console.text(
                        style.language, en: "\(probes) probe(s), \(statements) statement(s): ",
                        zh: "探测 \(probes) 项，条款 \(statements) 条：")
                    + summary.map { "\(counts[$0]) \(style.language == .en ? $0.rawValue : style.word($0))" }
                    .joined(separator: style.language == .en ? ", " : "，"))
        }
        let verdicts = Set(outcome.results.map(\.verdict))
        if verdicts.contains(.fail) { throw ExitCode(2) }
        if verdicts.contains(.error) { throw ExitCode(3) }
    }
}
