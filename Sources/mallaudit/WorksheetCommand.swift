import ArgumentParser
import AuditEngine
import AuditReports
import Foundation

/// `mallaudit worksheet`: the inspector's on-site sheet for everything no probe or data check settles.
struct WorksheetCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, pdf, yaml
    }

    static let configuration = CommandConfiguration(
        commandName: "worksheet",
        abstract: "Write the inspection worksheet: every statement and checkpoint no probe or data check settles.",
        usage: "mallaudit worksheet --site <site> --format <format>\n  --output <output> [<options>]",
        discussion: """
            html   a printable page (A4): the standard's words, what evidence to take,
                   boxes for the verdict and notes
            pdf    that page printed on A4 by headless Chromium (the report's PDF renderer)
            yaml   a findings-file skeleton: write each verdict, note and evidence file,
                   then pass it to `mallaudit run --findings`

            With --run, the statements whose result in that stored run was error or \
            notAssessed are added, and what the run settled is left out.
            """)

    @Option(help: "The site profile (its probes decide what is covered).")
    var site: String

    @Option(name: .customLong("run"), help: "A stored run (id, latest, latest~N) whose errors and gaps to add.")
    var runReference: String?

    @Option(help: "The audit database for --run (default: mallaudit.sqlite beside the site profile).")
    var db: String?

    @Option(help: "html, pdf or yaml.")
    var format: Format

    @Option(name: .shortAndLong, help: "Where to write the worksheet.")
    var output: String

    func run() throws {
        try orExit {
            let (profile, items) = try Worksheet.items(
                site: URL(fileURLWithPath: site), database: db.map { URL(fileURLWithPath: $0) }, run: runReference)
            let url = URL(fileURLWithPath: output)
            let assessor = profile.assessor ?? ""
            switch format {
            case .html:
                try Data(Worksheet.html(items, mall: profile.mall.name, assessor: assessor).utf8).write(
                    to: url, options: .atomic)
            case .pdf:
                try PDFRenderer().render(html: Worksheet.html(items, mall: profile.mall.name, assessor: assessor), to: url)
            case .yaml:
                try Data(Worksheet.yaml(items, mall: profile.mall.name, assessor: assessor).utf8).write(
                    to: url, options: .atomic)
            }
            print("wrote \(output) (\(items.count) items)")
        }
    }
}
