import ArgumentParser
import AuditStore

/// `mallaudit runs`: lists the runs stored in an audit database.
struct RunsCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the audit runs stored in a database.",
        discussion: """
            One line per run: id, status, conformance, site, start and end time, checklist version, assessor, \
            and how many results have each verdict (statements without a result are not counted).

            Status: running (a process is judging it), completed, or interrupted (its process died: killed, \
            crashed, power cut; `mallaudit run --resume RUN` finishes it).

            The database is --db, else $MALLAUDIT_DB, else mallaudit.sqlite in the \
            working directory; it is never created (without one, it says where it looked).

            Exit status: 0 listed; 1 the database cannot be read; 64 usage error.

            Example: mallaudit runs --db mallaudit.sqlite --format json

            \(databaseRule)
            """)

    @Option(help: databaseHelp)
    var db: String?

    @Option(help: "Output format: table or json.")
    var format: Format = .table

    func run() throws {
        print(
            try orExit {
                try History.listRuns(database: existingStore(db).path, format: format == .json ? .json : .table)
            })
    }
}
