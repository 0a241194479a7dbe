import ArgumentParser
import AuditModel
import Foundation

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
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
