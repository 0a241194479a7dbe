import ArgumentParser
import AuditEngine
import AuditModel
import AuditReports
import AuditSupport
import Foundation

/// `mallaudit lint`: checks a site profile, its probes, findings and data paths without contacting the mall.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a site profile, its probes, findings and data paths offline (nothing is contacted).",
        usage: "mallaudit lint --site <site> [<options>]",
        discussion: """
            Loads the site profile, its probe files and findings file as `run` would, checks that the data \
            exports it names exist, and refuses values still holding the markers of the `mallaudit init` \
            template (the example mall name, CHANGE ME, example.com hosts, documentation addresses) and statements that \
            contradict each other (an area on a basement level the building does not have). `probe` and `run` \
            make the same checks before they start. No network, no database.

            Exit status: 0 the profile can be used (warnings may be printed); 2 problems found (each printed \
            as FILE:LINE: error: …); 1 the profile cannot be read; 64 usage error.
            """)

    @Option(help: "The site profile (see `mallaudit init`).")
    var site: String

    @Option(help: "A findings file (YAML) to check instead of the profile's findings:.")
    var findings: String?

    @Option(help: "The checklist XML (default: the bundled one).")
    var checklist: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let url = URL(fileURLWithPath: site)
        if let refusal = InputFile.refusal(url.path) {
            throw failure(
                DiagnosticsError(
                    Diagnostic(file: site, message: "the site profile \(refusal.reason)", expected: refusal.expected)))
        }
        let report = SiteLint.check(
            site: url, checklist: checklist.map { URL(fileURLWithPath: $0) },
            findings: findings.map { URL(fileURLWithPath: $0) })
        switch format {
        case .json:
            struct Summary: Encodable {
                var site: String
                var ok: Bool
                var probes: Int
                var findings: Int
                var errors: [Diagnostic]
                var warnings: [Diagnostic]
            }
            print(
                try ResultJSON.encode(
                    Summary(
                        site: site, ok: report.errors.isEmpty, probes: report.probeCount,
                        findings: report.findingCount, errors: report.errors, warnings: report.warnings)))
        case .text:
            for diagnostic in report.diagnostics { printError(errorLine(diagnostic)) }
            if report.errors.isEmpty {
                print(
                    "\(site): ok (\(report.probeCount) probe(s), \(report.findingCount) finding(s)"
                        + (report.warnings.isEmpty ? ")" : ", \(report.warnings.count) warning(s))"))
            } else {
                print("\(site): \(report.errors.count) problem(s)")
            }
        }
        if !report.errors.isEmpty { throw ExitCode(2) }
    }
}
