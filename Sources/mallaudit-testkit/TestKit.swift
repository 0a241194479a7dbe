import ArgumentParser

/// `mallaudit-testkit`: the helpers the tests and benchmarks run as processes (store stress, store seeding, the
/// report benchmark). Not part of the product: `scripts/install.sh` does not install it and `mallaudit --help` does
/// not know it. Argument parsing only; the work is in AuditTestKit.
@main
struct TestKit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mallaudit-testkit",
        abstract: "Test and benchmark helpers for mallaudit (never installed).",
        subcommands: [
            StoreStressCommand.self, StoreSeedCommand.self, BenchReportCommand.self, BenchBundlesCommand.self,
        ])
}
