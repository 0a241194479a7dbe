import ArgumentParser
import AuditModel
import AuditStore
import AuditSupport
import Foundation

// Every message a command writes to standard error has one form (docs/cli.md):
//   mallaudit: FILE:LINE[:COLUMN]: error: …     a problem in a file
//   mallaudit: error: …                         any other problem
//   mallaudit: warning: …                       something done, but not as asked
// Lines that belong to the message above them (a usage, a list) are indented by two spaces.

/// Writes a line to standard error (control characters neutralised, see `writeError`).
func printError(_ text: String) {
    writeError(text + "\n")
}

// Console output: everything this executable prints goes through `writeOutput`/`writeError` (and `print` below),
// which show control characters as visible escapes (`ConsoleText`): values from a mall's systems — log lines, CSV
// cells, HTTP answers, SNMP strings — never reach the inspector's terminal as escape sequences.

/// Writes `text` to standard output, control characters neutralised.
func writeOutput(_ text: String) {
    FileHandle.standardOutput.write(Data(ConsoleText.neutralised(text).utf8))
}

/// Writes `text` to standard error, control characters neutralised.
func writeError(_ text: String) {
    FileHandle.standardError.write(Data(ConsoleText.neutralised(text).utf8))
}

/// Writes console text made by `ConsoleReport` (values neutralised there, then FAIL/ERROR coloured when the style says
/// so) to standard output as it is, so that its colour codes reach the terminal.
func printStyled(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// The standard library's `print`, with control characters neutralised: shadows `Swift.print` in this module.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    writeOutput(items.map { "\($0)" }.joined(separator: separator) + terminator)
}

/// `mallaudit: ` and the diagnostic (`FILE:LINE: error: …`, or `error: …` without a file).
func errorLine(_ diagnostic: Diagnostic) -> String {
    "mallaudit: \(diagnostic.description)"
}

/// Prints `mallaudit: warning: message` on standard error.
func warn(_ message: String) {
    printError("mallaudit: warning: \(message)")
}

/// Stops the command with exit status 1 ("the tool could not do it"), after printing `mallaudit: error: message` on
/// standard error.
func failure(_ message: String) -> ExitCode {
    printError("mallaudit: error: \(message)")
    return ExitCode(1)
}

/// Stops the command with exit status 1, after printing each diagnostic on a line of its own.
func failure(_ error: DiagnosticsError) -> ExitCode {
    for diagnostic in error.diagnostics { printError(errorLine(diagnostic)) }
    return ExitCode(1)
}

/// Runs `body`, turning a `DiagnosticsError` or any other error into exit status 1 with a clear message.
func orExit<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DiagnosticsError {
        throw failure(error)
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        throw failure("\(error)")
    }
}

/// `orExit` for async work.
func orExitAsync<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as DiagnosticsError {
        throw failure(error)
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        throw failure("\(error)")
    }
}

/// The one rule every command follows to find the audit database (`StoreLocation`), said in every `--db` help.
let databaseRule = """
    The database is --db FILE, else $MALLAUDIT_DB, else mallaudit.sqlite in the working directory; only run \
    creates it, every other command says where it looked when there is none.
    """

/// The help of every `--db` option.
let databaseHelp = ArgumentHelp(
    "The audit database (default: $MALLAUDIT_DB, else mallaudit.sqlite in the working directory).",
    valueName: "FILE")

/// The database a command that reads finds by the rule (`StoreLocation`); throws, saying where it looked, when there
/// is none there. Never creates one.
func existingStore(_ db: String?) throws -> StoreLocation {
    let location = StoreLocation.resolve(db)
    try location.requireExisting()
    return location
}

/// The database `run` writes by the rule (`StoreLocation`), created when missing.
func storeURL(_ db: String?) -> URL { StoreLocation.resolve(db).url }
