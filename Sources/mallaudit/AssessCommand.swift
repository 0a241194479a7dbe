import ArgumentParser
import AuditEngine
import AuditStore
import Foundation

extension ManualVerdict: ExpressibleByArgument {}

/// `mallaudit assess`: records an inspector's finding — one statement, or a whole findings file — into a run.
struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Record an inspector's finding (or a findings file) into a stored run.",
        usage: "mallaudit assess --run <RUN> <STATEMENT> --verdict <verdict> [<options>]\nmallaudit assess --run <RUN> --findings <FILE> [<options>]",
        discussion: """
            Record one finding:
              mallaudit assess --run 3 5.2.5-6 --verdict fail \\
                --note "机房北墙有玻璃窗" --evidence north.jpg
              mallaudit assess --run latest 6.8.a --verdict notApplicable \\
                --justification "未设 AR 景观区域"
            Record a findings file (YAML; see docs/store.md):
              mallaudit assess --run latest --findings findings.yaml

            Rules. An unknown statement id or a missing evidence file is an error, and then \
            nothing is recorded. notApplicable needs --justification. A pass on a shall \
            statement whose method calls for evidence (probe, data, inspection, document) \
            needs at least one --evidence file, or it is stored as notAssessed with that \
            reason and a warning. A new finding for a statement replaces the run's earlier \
            result for it.

            Evidence files are copied into the store's own folder beside the database \
            (mallaudit.sqlite-evidence/ for mallaudit.sqlite), named by their SHA-256; the folders you keep them in \
            are left as they are. The database is --db, else $MALLAUDIT_DB, else mallaudit.sqlite in the working \
            directory; it is never created.

            Prints the stored verdict of each finding. Exit status: 0 recorded; 1 nothing \
            recorded (an error); 64 usage error.

            """)

    @Option(help: databaseHelp)
    var db: String?

    @Option(
        name: .customLong("run"),
        help: ArgumentHelp("The run to record into: its id, `latest`, or `latest~N`.", valueName: "RUN"))
    var runReference: String

    @Argument(help: ArgumentHelp("The statement id, e.g. 5.2.5-4 (not with --findings).", valueName: "STATEMENT"))
    var statement: String?

    @Option(help: "The verdict: pass, fail, notApplicable or notAssessed.")
    var verdict: ManualVerdict?

    @Option(help: "What the inspector saw, in words that can be repeated to the mall.")
    var note: String?

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp("Evidence files (photos, documents) backing the finding.", valueName: "FILE"))
    var evidence: [String] = []

    @Option(help: "Why the statement does not apply to this mall (required with --verdict notApplicable).")
    var justification: String?

    @Option(help: "Who made the finding (default: the run's assessor, or the findings file's `assessor`).")
    var assessor: String?

    @Option(help: ArgumentHelp("A findings file (YAML) to record instead of one statement.", valueName: "FILE"))
    var findings: String?

    @Flag(name: .shortAndLong, help: "Print nothing but errors and warnings.")
    var quiet = false

    /// Misuse of the options is a usage error (exit status 64), as for every command.
    func validate() throws {
        if let findings {
            if statement != nil {
                throw ValidationError("give either STATEMENT or --findings \(findings), not both")
            }
            if verdict != nil || note != nil || !evidence.isEmpty || justification != nil {
                throw ValidationError(
                    "--verdict, --note, --evidence and --justification go in the findings file, not beside "
                        + "--findings")
            }
        } else {
            guard statement != nil else {
                throw ValidationError("name the STATEMENT (e.g. 5.2.5-4) or give --findings FILE")
            }
            guard verdict != nil else {
                throw ValidationError("give --verdict pass|fail|notApplicable|notAssessed for \(statement ?? "")")
            }
        }
    }

    func run() throws {
        let outcome = try orExit {
            let db = try existingStore(db).path
            if let findings {
                return try ManualAssessment.importFindings(
                    database: db, run: runReference, file: findings, assessor: assessor)
            }
            return try ManualAssessment.assess(
                database: db, run: runReference, statement: statement ?? "", verdict: verdict ?? .notAssessed,
                note: note,
                evidence: evidence, justification: justification, assessor: assessor)
        }
        printWarnings(outcome.warnings)
        guard !quiet else { return }
        for result in outcome.results {
            print("run \(outcome.run)  \(result.statementID)  \(result.verdict.rawValue)  \(result.reason)")
            for file in result.evidence {
                print("  evidence \(file.name)  sha256:\(file.sha256)  \(file.size) bytes")
            }
        }
    }
}
