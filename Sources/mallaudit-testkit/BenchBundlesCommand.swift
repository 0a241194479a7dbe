import ArgumentParser
import AuditTestKit
import Foundation

/// `bench-bundles`: writes the signed bundles `benchmarks/server.sh` files (MALLS × RUNS, from one stored run).
struct BenchBundlesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-bundles",
        abstract: "Write MALLS × RUNS real signed bundles made from one stored run (for benchmarks/server.sh).",
        discussion: """
            Renders RUNS × 4 report sets from the stored run (verdicts varied by run and mall pattern), then writes \
            every bundle from one of them with its own mall, run id, manifest, statement and SM2/Ed25519 signature.
            """)

    @Option(help: ArgumentHelp("The audit database holding the source run.", valueName: "FILE")) var db: String
    @Option(help: ArgumentHelp("The site profile the run used.", valueName: "FILE")) var site: String
    @Option(help: ArgumentHelp("The checklist the run was judged with.", valueName: "FILE")) var checklist: String
    @Option(help: ArgumentHelp("The inspector's private key (unencrypted).", valueName: "FILE")) var key: String
    @Option(help: "Number of malls.") var malls: Int = 1000
    @Option(help: "Runs per mall.") var runs: Int = 12
    @Option(help: "Threads writing bundles.") var threads: Int = 2
    @Option(help: ArgumentHelp("Folder for the bundles.", valueName: "DIR")) var output: String

    func run() throws {
        let factory = try BundleFactory(
            database: URL(fileURLWithPath: db), site: URL(fileURLWithPath: site),
            checklist: URL(fileURLWithPath: checklist))
        let start = Date()
        let count = try ServerBenchmark.generate(
            factory: factory, keyFile: URL(fileURLWithPath: key), malls: malls, runs: runs,
            output: URL(fileURLWithPath: output), threads: max(1, threads)
        ) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let seconds = Date().timeIntervalSince(start)
        print("wrote \(count) bundles in \(String(format: "%.1f", seconds)) s (\(String(format: "%.0f", Double(count) / seconds)) bundles/s)")
    }
}
