import ArgumentParser
import AuditTestKit
import Foundation

/// The audit database both store commands write.
struct DatabaseOption: ParsableArguments {
    @Option(help: ArgumentHelp("The audit database.", valueName: "FILE"))
    var db: String
}

/// `store-stress`: records results one by one so that a test can SIGKILL the process mid-way.
struct StoreStressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-stress", abstract: "Record COUNT synthetic results one by one, printing each commit.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "Number of results to record.")
    var count: Int

    @Option(name: .customLong("delay-ms"), help: "Pause after each committed result, in milliseconds.")
    var delayMilliseconds = 0

    func run() throws {
        try StoreTestSupport.stress(database: database.db, count: count, delayMilliseconds: delayMilliseconds) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}

/// `store-seed`: opens a run over a checklist given as JSON, with optional results, and prints its id.
struct StoreSeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-seed", abstract: "Store a run over a JSON checklist with JSON results; print its id.")

    @OptionGroup var database: DatabaseOption

    @Option(name: .customLong("checklist-json"), help: "An AuditModel.Checklist as JSON.")
    var checklistJSON: String

    @Option(name: .customLong("results-json"), help: "A JSON array of AuditModel.StatementResult.")
    var resultsJSON: String?

    @Option var site = "测试商场"
    @Option var assessor: String?
    @Flag(help: "Complete the run (else it is left interrupted).") var complete = false

    func run() throws {
        print(
            try StoreTestSupport.seed(
                database: database.db, checklistJSON: URL(fileURLWithPath: checklistJSON),
                resultsJSON: resultsJSON.map { URL(fileURLWithPath: $0) }, site: site, assessor: assessor,
                complete: complete))
    }
}
