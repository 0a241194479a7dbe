import Foundation
import Testing

/// What one run of a command did.
struct ProcessOutcome {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The repository root (where Package.swift is).
func repositoryRoot() -> URL {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
        dir = dir.deletingLastPathComponent()
    }
    fatalError("Package.swift not found above \(#filePath)")
}

/// A built executable of this package: `$MALLAUDIT_BIN`'s folder (set by scripts/test.sh), else beside the test
/// bundle, else `.build/debug`.
func builtExecutable(_ name: String) -> URL {
    var candidates: [URL] = []
    if let path = ProcessInfo.processInfo.environment["MALLAUDIT_BIN"], !path.isEmpty {
        candidates.append(URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(name))
    }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(dir.appendingPathComponent(name))
        dir = dir.deletingLastPathComponent()
    }
    candidates.append(repositoryRoot().appendingPathComponent(".build/debug/\(name)"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
}

/// Runs `executable` and waits for it, capturing both streams; `environment` is added to this process's.
///
/// The streams go to temporary files, not pipes: Foundation's `Process` lets a child inherit this process's other
/// descriptors, so a daemon started meanwhile (a server, a PostgreSQL cluster) could hold a pipe open and a
/// read-to-end would wait for that daemon, not for this command.
func runProcess(
    _ executable: URL, _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil
) throws -> ProcessOutcome {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.currentDirectoryURL = currentDirectory ?? repositoryRoot()
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("mallaudit-run-\(UUID().uuidString)")
    let outURL = base.appendingPathExtension("out")
    let errURL = base.appendingPathExtension("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try? out.close()
    try? err.close()
    return ProcessOutcome(
        status: process.terminationStatus,
        stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
        stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
}

/// A fresh temporary directory.
func temporaryDirectory(_ name: String = "mallaudit-server-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The PostgreSQL cluster scripts/peers/postgres.sh started (its `MALLAUDIT_TEST_PG_*` variables).
struct PostgresPeer: Sendable {
    var host: String
    var port: Int
    var user: String
    var password: String
    var bin: URL

    /// The peer of this test run; a test that needs it fails (never skips) when it is missing.
    static func require() throws -> PostgresPeer {
        let env = ProcessInfo.processInfo.environment
        guard let host = env["MALLAUDIT_TEST_PG_HOST"], let port = env["MALLAUDIT_TEST_PG_PORT"].flatMap(Int.init),
            let user = env["MALLAUDIT_TEST_PG_USER"], let password = env["MALLAUDIT_TEST_PG_PASSWORD"],
            let bin = env["MALLAUDIT_TEST_PG_BIN"]
        else {
            Issue.record(
                "MALLAUDIT_TEST_PG_* are not set: run the tests through scripts/test.sh, or start scripts/peers/postgres.sh and export what it prints")
            throw PeerMissing()
        }
        return PostgresPeer(host: host, port: port, user: user, password: password, bin: URL(fileURLWithPath: bin))
    }

    struct PeerMissing: Error {}

    /// Runs SQL with psql (`-At`: unaligned, tuples only) against `database`; throws with psql's message on error.
    /// `port` and `user` default to the peer's (a replica's port, the `postgres` superuser for replica control).
    @discardableResult
    func psql(_ database: String, _ sql: String, port: Int? = nil, user: String? = nil) throws -> String {
        let outcome = try runProcess(
            bin.appendingPathComponent("psql"),
            ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port ?? self.port), "-U", user ?? self.user,
             "-d", database, "-c", sql],
            environment: ["PGPASSWORD": password])
        guard outcome.status == 0 else { throw PSQLFailure(message: outcome.stderr) }
        return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct PSQLFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// A new, empty database for one test.
    func createDatabase() throws -> String {
        let name = "t_" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))
        try psql("postgres", "CREATE DATABASE \(name)")
        return String(name)
    }

    /// One integer from a query.
    func count(_ database: String, _ sql: String) throws -> Int {
        let text = try psql(database, sql)
        guard let value = Int(text) else { throw PSQLFailure(message: "not a number: \(text)") }
        return value
    }
}

/// A cluster of its own from scripts/peers/postgres.sh (and, when asked, a streaming replica of it), for the tests
/// that need an empty cluster or a replica; `stop()` stops both and removes their folders.
struct OwnCluster {
    let state: URL
    let peer: PostgresPeer
    /// The hot standby's port, when one was asked for. The peer's password is also the `postgres` superuser's.
    let replicaPort: Int?

    init(replica: Bool = false) throws {
        state = try temporaryDirectory("mallaudit-own-cluster")
        let values = try Self.script("start", state)
        peer = PostgresPeer(
            host: values["MALLAUDIT_TEST_PG_HOST"] ?? "", port: Int(values["MALLAUDIT_TEST_PG_PORT"] ?? "") ?? 0,
            user: values["MALLAUDIT_TEST_PG_USER"] ?? "", password: values["MALLAUDIT_TEST_PG_PASSWORD"] ?? "",
            bin: URL(fileURLWithPath: values["MALLAUDIT_TEST_PG_BIN"] ?? ""))
        if replica {
            do {
                replicaPort = Int(try Self.script("replica", state)["MALLAUDIT_TEST_PG_REPLICA_PORT"] ?? "")
            } catch {
                _ = try? Self.script("stop", state)
                throw error
            }
        } else {
            replicaPort = nil
        }
    }

    /// Runs the peer script; returns the variables it exports.
    private static func script(_ command: String, _ state: URL) throws -> [String: String] {
        let script = repositoryRoot().appendingPathComponent("scripts/peers/postgres.sh").path
        let outcome = try runProcess(URL(fileURLWithPath: "/bin/bash"), [script, command, state.path])
        guard outcome.status == 0 else {
            throw PostgresPeer.PSQLFailure(message: "postgres.sh \(command): \(outcome.stderr)")
        }
        var values: [String: String] = [:]
        for line in outcome.stdout.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst(7).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { values[String(pair[0])] = String(pair[1]) }
        }
        return values
    }

    func stop() {
        _ = try? Self.script("stop", state)
        try? FileManager.default.removeItem(at: state)
    }
}
