import ArgumentParser

/// The `mallaudit` command: argument parsing only; every subcommand calls one library function.
struct MallAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mallaudit",
        abstract: "Audit a shopping mall against 商场数字化服务规范 (Xuzhou mall digital-service specification).",
        version: "0.1.0",
        subcommands: [InitCommand.self, BenchReportCommand.self]
    )
}
