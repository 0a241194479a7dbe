import AuditModel
import AuditStore
import AuditSupport
import Foundation

/// What `mallaudit run` says when Ctrl-C (SIGINT), SIGTERM or SIGHUP stops it: how many results the run keeps and
/// the exact command that resumes it. Every result judged before the signal is already committed (docs/store.md);
/// the run is marked `interrupted` at once, so the resume command works straight away.
final class RunInterruption: @unchecked Sendable {
    private let lock = NSLock()
    private var run: Int64?
    private var total = 0
    private let database: URL
    private let arguments: [String]

    /// - Parameters:
    ///   - database: the run's database.
    ///   - arguments: the command line as typed (`CommandLine.arguments`).
    init(database: URL, arguments: [String] = CommandLine.arguments) {
        self.database = database
        self.arguments = arguments
    }

    /// Notes the run and its size from the engine's progress.
    func update(run: Int64, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        self.run = run
        self.total = total
    }

    /// The command that resumes run `run`: the command line as typed, with `--db` made explicit (absolute) and
    /// `--resume RUN`; each word quoted for a POSIX shell where needed.
    static func resumeCommand(arguments: [String], database: URL, run: Int64) -> String {
        var words: [String] = []
        var skipNext = false
        for argument in arguments {
            if skipNext {
                skipNext = false
                continue
            }
            if argument == "--db" || argument == "--resume" {
                skipNext = true
                continue
            }
            if argument.hasPrefix("--db=") || argument.hasPrefix("--resume=") { continue }
            words.append(argument)
        }
        words += ["--db", database.path, "--resume", String(run)]
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// `word` as a POSIX shell reads it back: as it is when it holds only safe characters, else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,+@%")
        if !word.isEmpty, word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Marks the run interrupted and prints what it keeps and how to resume it (on standard error). Runs on the
    /// interrupt thread, after the signal.
    func report() {
        lock.lock()
        let run = self.run
        let total = self.total
        lock.unlock()
        guard let run else {
            printError("mallaudit: error: interrupted before the run started: nothing was stored")
            return
        }
        var kept = "its results"
        if let store = try? AuditStore(path: database.path, create: false) {
            try? store.markInterrupted(run)
            if let record = try? store.requireRun(run) {
                kept = "\(record.resultCount) of \(total) result(s)"
            }
        }
        printError("mallaudit: error: interrupted: run \(run) keeps \(kept); resume it with:")
        printError("  " + Self.resumeCommand(arguments: arguments, database: database, run: run))
    }
}
