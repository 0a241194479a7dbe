import ArgumentParser

/// The tool's version, recorded with every run and report.
let mallauditVersion = "0.1.0"

/// The `mallaudit` command: argument parsing only; every subcommand calls one library function.
@main
struct MallAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mallaudit",
        abstract: "Audit a shopping mall against 商场数字化服务规范 (Xuzhou mall digital-service specification).",
        version: mallauditVersion,
        subcommands: [
            InitCommand.self, ChecklistCommand.self,
            DemoCommand.self, RunCommand.self, ProbeCommand.self, CheckCommand.self, ReportCommand.self,
            AssessCommand.self, RunsCommand.self, DiffCommand.self, SubmitCommand.self,
            SNMPCommand.self, HTTPCommand.self, WorksheetCommand.self,
            KeysCommand.self, BundleCommand.self, VerifyCommand.self,
        ]
    )
}
