import AuditModel
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

// The reliability suite (docs/reliability.md): hostile inputs and faults, each against the built `mallaudit` and the
// real peers. Rerun it alone with `swift test --skip-build --filter ReliabilityTests` (peers started as
// scripts/test.sh starts them). Every command runs under a watchdog: a hang is a failed test, never a stuck suite.

/// What a bounded run of `mallaudit` did.
struct BoundedOutcome {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Killed by the watchdog: the command did not finish in time.
    var timedOut: Bool
    /// The raw bytes of standard output (to look for control characters).
    var stdoutBytes: Data
    var stderrBytes: Data

    var all: String { stdout + stderr }
}

/// Runs `mallaudit ARGS…` with `environment` added, in `directory`, killing it (and failing the expectation of the
/// caller) when it runs longer than `seconds`. Output goes to files, so a command that prints without end cannot
/// block on a pipe.
func bounded(
    _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil, seconds: Double = 120
) throws -> BoundedOutcome {
    let scratch = try temporaryDirectory("bounded")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    for url in [outURL, errURL] {
        try #require(FileManager.default.createFile(atPath: url.path, contents: nil), "cannot create \(url.path)")
    }
    let process = Process()
    process.executableURL = try mallauditBinary()
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.currentDirectoryURL = directory ?? repositoryRoot()
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    var timedOut = false
    if done.wait(timeout: .now() + seconds) == .timedOut {
        timedOut = true
        kill(process.processIdentifier, SIGKILL)
        done.wait()
    }
    try out.close()
    try err.close()
    // A copy the command's output may still hold open is not ours to wait for: read what is there.
    let stdoutBytes = (try? Data(contentsOf: outURL)) ?? Data()
    let stderrBytes = (try? Data(contentsOf: errURL)) ?? Data()
    return BoundedOutcome(
        status: process.terminationStatus, stdout: String(decoding: stdoutBytes, as: UTF8.self),
        stderr: String(decoding: stderrBytes, as: UTF8.self), timedOut: timedOut, stdoutBytes: stdoutBytes,
        stderrBytes: stderrBytes)
}

/// A temporary folder for one test: files, a seeded database, a site profile.
struct Workspace {
    let dir: URL

    init(_ name: String) throws { dir = try temporaryDirectory("reliability-\(name)") }

    func remove() {
        // Stored evidence is read-only and its folder owner-only: make it removable first.
        _ = try? runTool("/bin/chmod", ["-R", "u+rwX", dir.path])
        try? FileManager.default.removeItem(at: dir)
    }

    var db: String { dir.appendingPathComponent("mallaudit.sqlite").path }
    /// The store's evidence folder (`mallaudit.sqlite-evidence/`).
    var evidence: URL { dir.appendingPathComponent("mallaudit.sqlite-evidence") }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> URL {
        try write(relative, Data(text.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> URL {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url
    }

    func url(_ relative: String) -> URL { dir.appendingPathComponent(relative) }

    /// A completed run over the shared sample checklist, stored through `mallaudit-testkit store-seed`; its id.
    func seed() throws -> Int {
        let checklist = url("checklist.json")
        try JSONEncoder().encode(sampleChecklist).write(to: checklist)
        let results = [StatementResult(statementID: "5.1.1-1", verdict: .fail, source: .probe, reason: "seeded")]
        let resultsFile = url("results.json")
        try JSONEncoder().encode(results).write(to: resultsFile)
        let outcome = try runTestKit([
            "store-seed", "--db", db, "--checklist-json", checklist.path, "--results-json", resultsFile.path,
            "--assessor", "王工", "--complete",
        ])
        try #require(outcome.status == 0, "seeding failed: \(outcome.stderr)")
        return try #require(Int(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Files in the evidence folder whose name starts with `.incoming-` (partial copies).
    func partialCopies() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: evidence.path)) ?? []).filter {
            $0.hasPrefix(".incoming-")
        }
    }

    /// Stored evidence files (named by their SHA-256).
    func storedEvidence() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: evidence.path)) ?? []).filter { !$0.hasPrefix(".") }
    }

    /// A named pipe at `relative`.
    func fifo(_ relative: String) throws -> URL {
        let url = self.url(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try #require(mkfifo(url.path, 0o600) == 0, "mkfifo: \(String(cString: strerror(errno)))")
        return url
    }

    /// A symbolic link at `relative` to `target`.
    @discardableResult
    func link(_ relative: String, to target: String) throws -> URL {
        let url = self.url(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
        return url
    }

    /// A minimal site profile (no probes unless given) with `extra` lines appended; returns its path.
    @discardableResult
    func site(
        _ extra: [String] = [], probes: [String] = [], http: [(name: String, url: String, timeout: String)] = []
    ) throws -> String {
        var lines = [
            "mall:",
            "  name: 测试广场",
            "  address: 江苏省徐州市测试路 1 号",
            "  credit_code: 91320303MA1TEST00X",
            "  basement_levels: 1",
            "assessor: 测试员",
            "areas: [1F]",
        ]
        if !http.isEmpty {
            lines.append("http:")
            for system in http {
                lines += ["  \(system.name):", "    base_url: \(system.url)", "    timeout: \(system.timeout)"]
            }
        }
        lines.append("probes: [\(probes.joined(separator: ", "))]")
        lines += extra
        return try write("site.yaml", lines.joined(separator: "\n") + "\n").path
    }

    /// `mallaudit run --site site.yaml --db mallaudit.sqlite ARGS…`, bounded.
    func run(_ arguments: [String] = [], environment: [String: String] = [:], seconds: Double = 120) throws
        -> BoundedOutcome
    {
        try bounded(
            ["run", "--site", url("site.yaml").path, "--db", db] + arguments, environment: environment, in: dir,
            seconds: seconds)
    }

    /// Runs `/usr/bin/sqlite3` read-only on the database.
    func sqlite(_ query: String) throws -> String { try runTool("/usr/bin/sqlite3", ["-readonly", db, query]) }
}

/// The 1-based line of the first line of `text` containing `needle`.
func line(of needle: String, in text: String) -> Int? {
    text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
}

/// Permission bits of `path`.
func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
}

/// Whether `data` holds a byte of a C0 control (other than tab and line feed) or DEL.
func hasRawControl(_ data: Data) -> Bool {
    data.contains { ($0 < 0x20 && $0 != 0x0A && $0 != 0x09) || $0 == 0x7F }
}
