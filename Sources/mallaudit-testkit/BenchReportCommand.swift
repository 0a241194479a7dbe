import ArgumentParser
import AuditReports
import AuditTestKit
import Foundation

/// `bench-report`: times the XML, HTML and JUnit writers over a synthetic run (used by benchmarks/reports.sh).
struct BenchReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-report",
        abstract: "Time the three report writers over a synthetic run of N results.",
        discussion: """
            Builds a synthetic checklist with one result per statement (every verdict and modality, measurements, \
            evidence, N/A decisions), writes it once as XML (including schema validation), HTML and JUnit, and \
            prints the time and size of each and the process's peak memory. Used by benchmarks/reports.sh.
            """)

    @Option(name: .long, help: "Number of statement results in the synthetic run.")
    var results: Int = 10_000

    @Option(name: .customLong("repeat"), help: "Write each report this many times and keep the best time.")
    var repetitions: Int = 1

    @Option(name: .long, help: "Directory to save the three reports in (not saved when omitted).")
    var output: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Store the synthetic run in this new audit database and print its id, instead of timing the writers "
                + "(benchmarks/reports.sh then times `mallaudit report` on it).", valueName: "FILE"))
    var store: String?

    @Option(name: .long, help: "Templates directory (default: $MALLAUDIT_TEMPLATES, else the repository's templates/).")
    var templates: String?

    func validate() throws {
        guard results > 0 else { throw ValidationError("--results must be at least 1") }
    }

    func run() throws {
        if let store {
            print(try ReportBenchmark.store(results: results, database: store))
            return
        }
        let outcome = try ReportBenchmark.measure(
            results: results, templates: templates.map { URL(fileURLWithPath: $0) } ?? ReportResources.templates(),
            output: output.map { URL(fileURLWithPath: $0) }, repetitions: repetitions)
        for line in outcome.lines { print(line) }
    }
}
