import AuditBundle
import AuditModel
import AuditSigning
import Foundation

/// The bundles of `benchmarks/server.sh`: MALLS malls × RUNS runs of real signed bundles made from one stored run
/// (`BundleFactory`), with verdicts that vary by run and by mall. Only `runs × patterns` report sets are rendered
/// (`BundleTemplate`); every bundle is then written from one of them with its own mall, run id, manifest, statement
/// and signature.
public enum ServerBenchmark {
    /// Xuzhou's districts, assigned to the malls in turn.
    public static let districts = ["云龙区", "鼓楼区", "泉山区", "铜山区", "贾汪区", "新沂市", "邳州市"]

    /// The credit code of mall `index` (18 characters: `91320300`, nine digits, `X`).
    public static func creditCode(_ index: Int) -> String { "91320300" + String(format: "%09d", index) + "X" }

    /// Verdicts of template (run, pattern): the statements the source run did not pass pass, except a few that
    /// fail or err, chosen by run and pattern; the last run of pattern 0 fails nothing (conformant malls).
    static func verdicts(run: Int, pattern: Int, runs: Int, factory: BundleFactory) -> [String: Verdict] {
        var verdicts: [String: Verdict] = [:]
        let results = Dictionary(
            factory.source.report.results.map { ($0.statementID, $0.verdict) }, uniquingKeysWith: { a, _ in a })
        let statements = factory.source.report.checklist.statements
        for (index, statement) in statements.enumerated() {
            let own = results[statement.id]
            if own != .pass && own != .notApplicable { verdicts[statement.id] = .pass }
            guard !(run == runs - 1 && pattern == 0) else { continue }
            let pick = (index * 31 + run * 7 + pattern * 13) % 23
            if pick == 0 || pick == 11 { verdicts[statement.id] = .fail }
            if pick == 5 && pattern % 2 == 1 { verdicts[statement.id] = .error }
        }
        return verdicts
    }

    /// Writes the bundles into `output` (`mall-NNNN-run-RR.zip`), signed by the key at `keyFile` as inspector, using
    /// `threads` threads; `progress` gets a line now and then. Returns the number written.
    public static func generate(
        factory: BundleFactory, keyFile: URL, malls: Int, runs: Int, patterns: Int = 4, output: URL, threads: Int,
        progress: @escaping @Sendable (String) -> Void
    ) throws -> Int {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let start = Date()
        var templates: [[BundleTemplate]] = []
        for run in 0..<runs {
            var row: [BundleTemplate] = []
            for pattern in 0..<patterns {
                let month = run % 12 + 1
                let date = String(format: "%04d-%02d-15", 2025 + run / 12, month)
                row.append(try BundleTemplate(
                    factory: factory, verdicts: verdicts(run: run, pattern: pattern, runs: runs, factory: factory),
                    judgementDate: date))
            }
            templates.append(row)
        }
        progress("rendered \(runs * patterns) report sets in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        let sets = templates
        let failures = Failures()
        let counter = Failures()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            // One key object per thread (each signs with its own OpenSSL context).
            guard let identity = try? SigningIdentity.load(keyFile: keyFile, passphrase: nil) else {
                failures.add("cannot load \(keyFile.path)")
                return
            }
            var mall = thread
            while mall < malls {
                for run in 0..<runs {
                    let template = sets[run][mall % patterns]
                    let name = String(format: "mall-%04d-run-%02d.zip", mall, run)
                    do {
                        try template.write(
                            mallName: "徐州测试商场\(mall)", creditCode: creditCode(mall),
                            district: districts[mall % districts.count], runID: "M\(mall)-R\(run)",
                            signings: [BundleSigning(identity, role: .inspector, at: Date())],
                            output: output.appendingPathComponent(name))
                    } catch {
                        failures.add("\(name): \(error)")
                    }
                }
                let done = counter.increment()
                if done % 100 == 0 {
                    progress("\(done * runs) bundles written, \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
                }
                mall += threads
            }
        }
        if let first = failures.messages.first {
            throw DiagnosticsError(Diagnostic(file: output.path, message: "\(failures.messages.count) bundles failed: \(first)"))
        }
        return malls * runs
    }

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        private var count = 0
        var messages: [String] { lock.withLock { list } }
        func add(_ message: String) { lock.withLock { list.append(message) } }
        func increment() -> Int { lock.withLock { count += 1; return count } }
    }
}
