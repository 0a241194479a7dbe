import ArgumentParser
import AuditStore

/// `mallaudit diff`: the re-inspection (复查) — what changed between two runs.
struct DiffCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two runs: what was fixed, what newly fails, what is still open (复查).",
        discussion: """
            Every statement with a result in either run is in exactly one category:
              fixed          was fail or error, now pass
              newly failing  now fail, and did not fail before (or had no result)
              still open     fail in both runs
              other changes  any other change, e.g. pass → error, notAssessed → pass
              unchanged      same verdict in both (counted in text, listed in JSON)

            Runs are ids, `latest`, or `latest~N` (N runs before the latest). After a
            rectification notice:
              mallaudit diff latest~1 latest

            The database is --db, else $MALLAUDIT_DB, else mallaudit.sqlite in the \
            working directory; it is never created (without one, it says where it looked).

            Exit status: 0 nothing is still open or newly failing; 2 items are still open \
            or newly failing (so a script can wait for the rectification); 1 the runs \
            cannot be read; 64 usage error.
            """)

    @Argument(help: ArgumentHelp("The earlier run (e.g. the inspection that issued the notice).", valueName: "RUN_A"))
    var before: String

    @Argument(help: ArgumentHelp("The later run (the re-inspection).", valueName: "RUN_B"))
    var after: String

    @Option(help: databaseHelp)
    var db: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        let diff = try orExit {
            try History.diffWithOpenItems(
                database: existingStore(db).path, before: before, after: after,
                format: format == .json ? .json : .text)
        }
        print(diff.text)
        if diff.open > 0 { throw ExitCode(2) }
    }
}
