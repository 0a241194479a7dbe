import ArgumentParser
import AuditModel
import AuditSupport
import Foundation

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

/// The standard library's `print`, with control characters neutralised: shadows `Swift.print` in this module.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    writeOutput(items.map { "\($0)" }.joined(separator: separator) + terminator)
}

/// Stops the command with exit status 1 ("the tool could not run"), after printing `message` on stderr.
/// Diagnostics print one per line as `file:line:column: error: message (expected …)`.
func failure(_ message: String) -> ExitCode {
    printError("mallaudit: \(message)")
    return ExitCode(1)
}

func failure(_ error: DiagnosticsError) -> ExitCode {
    for diagnostic in error.diagnostics { printError(diagnostic.description) }
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
    } catch {
        throw failure("\(error)")
    }
}
