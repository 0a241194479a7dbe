import ArgumentParser
import AuditModel
import AuditSupport
import Foundation

/// The tool's version, recorded with every run and report.
let mallauditVersion = "0.1.0"

/// The `mallaudit` command: argument parsing only; every subcommand calls one library function.
@main
struct MallAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mallaudit",
        abstract: "Audit a shopping mall against the Xuzhou standard 商场数字化服务规范.",
        discussion: """
            Exit status, the same for every command (docs/cli.md lists each command's):
              0    ok: conformant, the check passed, done
              1    the tool could not do it (bad input, unreadable file, unset variable)
              2    not conformant, the check failed, items still open
              3    incomplete: something could not be checked (a device did not answer)
              64   usage error (an unknown option, a missing argument)
              130  interrupted (Ctrl-C)

            Errors go to standard error as `mallaudit: FILE:LINE: error: …`, or `mallaudit: error: …` when no file \
            is involved; warnings the same with `warning:`.
            """,
        version: mallauditVersion,
        subcommands: [
            InitCommand.self, ChecklistCommand.self,
            DemoCommand.self, LintCommand.self, RunCommand.self, ProbeCommand.self, CheckCommand.self, ReportCommand.self,
            AssessCommand.self, RunsCommand.self, DiffCommand.self, SubmitCommand.self,
            SNMPCommand.self, HTTPCommand.self, WorksheetCommand.self,
            KeysCommand.self, BundleCommand.self, VerifyCommand.self,
        ]
    )

    /// Usage errors start like every other error.
    static var _errorPrefix: String { "mallaudit: error: " }

    /// Parses and runs the command; every way out goes through `finish`.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // An interruption ends the command its own way (130, 143), whatever error it caused meanwhile.
            Interrupts.waitIfInterrupted()
            finish(error)
        }
        Interrupts.waitIfInterrupted()
    }

    /// Exits for `error` with the status of the exit table: help and version on standard output with 0; an
    /// `ExitCode` as it is (its message is printed already); a usage error as `mallaudit: error: …` with the usage
    /// indented under it (64); a `DiagnosticsError` one line per diagnostic (1).
    static func finish(_ error: Error) -> Never {
        if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
        if let diagnostics = error as? DiagnosticsError {
            for diagnostic in diagnostics.diagnostics { printError(errorLine(diagnostic)) }
            Foundation.exit(1)
        }
        let code = exitCode(for: error)
        if code == .success { exit(withError: error) }
        let lines = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        for (index, line) in lines.enumerated() {
            if index == 0 || line.hasPrefix(_errorPrefix) {
                printError(line.hasPrefix(_errorPrefix) ? line : _errorPrefix + line)
            } else {
                printError(line.hasPrefix(" ") ? line : "  " + line)
            }
        }
        Foundation.exit(code.rawValue)
    }
}
