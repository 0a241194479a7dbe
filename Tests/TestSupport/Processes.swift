import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// The one way the tests run programs: the built `mallaudit` and `mallaudit-testkit`, and the independent tools they
// check it against (sha256sum, sqlite3, snmpbulkwalk, xmllint, Chromium, util-linux `script`).

/// What one run of a program did.
public struct ProcessOutcome: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// The pid it ran as (reaped by now).
    public var processIdentifier: Int32
}

/// A built executable was not found where the test script puts it.
public struct BinaryNotFound: Error, CustomStringConvertible {
    public var name: String
    public var variable: String
    public var description: String {
        "the \(name) binary was not found: run `bash scripts/test.sh` (it builds it and sets \(variable))"
    }
}

/// A built executable of this package: `$variable` (set by scripts/test.sh), else next to the test bundle, else
/// under .build/debug.
private func builtBinary(_ name: String, variable: String) throws -> URL {
    if let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty {
        return URL(fileURLWithPath: path)
    }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    let fallback = repositoryRoot().appendingPathComponent(".build/debug/\(name)")
    guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
        throw BinaryNotFound(name: name, variable: variable)
    }
    return fallback
}

/// The built `mallaudit` binary: `$MALLAUDIT_BIN` (set by scripts/test.sh), else next to the test bundle.
public func mallauditBinary() throws -> URL { try builtBinary("mallaudit", variable: "MALLAUDIT_BIN") }

/// The built test helper `mallaudit-testkit` (store stress, store seeding, report benchmark; never installed):
/// `$MALLAUDIT_TESTKIT_BIN` (set by scripts/test.sh), else next to the test bundle.
public func testkitBinary() throws -> URL { try builtBinary("mallaudit-testkit", variable: "MALLAUDIT_TESTKIT_BIN") }

/// The repository root (where Package.swift is), so tests can read checklists/, examples/, fixtures.
public func repositoryRoot() -> URL {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
        dir = dir.deletingLastPathComponent()
    }
    fatalError("Package.swift not found above \(#filePath)")
}

/// A fresh temporary directory, removed by the caller when done.
public func temporaryDirectory(_ name: String = "mallaudit-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `mallaudit` with `arguments` (in the repository root unless told otherwise) and waits for it.
public func runMallaudit(
    _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil, stdin: String? = nil
) throws -> ProcessOutcome {
    try runProcess(
        mallauditBinary(), arguments, environment: environment, currentDirectory: currentDirectory, stdin: stdin)
}

/// Runs `mallaudit-testkit` with `arguments` and waits for it.
public func runTestKit(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessOutcome {
    try runProcess(testkitBinary(), arguments, environment: environment)
}

/// Runs `executable` with `arguments` and waits for it, capturing both streams. `environment` is added to this
/// process's environment, or is the whole environment with `replace`. Standard input is `stdin`, else empty
/// (/dev/null). The working directory is the repository root unless told otherwise.
public func runProcess(
    _ executable: URL, _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil,
    stdin: String? = nil, replace: Bool = false
) throws -> ProcessOutcome {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var env = replace ? [:] : ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.currentDirectoryURL = currentDirectory ?? repositoryRoot()
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = stdin.map { _ in Pipe() }
    process.standardInput = input ?? FileHandle.nullDevice
    try process.run()
    if let input, let stdin {
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
    }
    // Read both pipes concurrently so a chatty process cannot fill one and block.
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessOutcome(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self), processIdentifier: process.processIdentifier)
}

/// Runs the tool at `path` (`/usr/bin/sqlite3`, …) and returns its standard output; a non-zero exit throws.
/// `environment` is added to this process's environment, or is the whole environment with `replace`.
public func runTool(
    _ path: String, _ arguments: [String], environment: [String: String] = [:], replace: Bool = false
) throws -> String {
    let outcome = try runProcess(URL(fileURLWithPath: path), arguments, environment: environment, replace: replace)
    guard outcome.status == 0 else { throw ToolFailed(path: path, arguments: arguments, outcome: outcome) }
    return outcome.stdout
}

/// A tool run by ``runTool(_:_:environment:replace:)`` exited with a non-zero status.
public struct ToolFailed: Error, CustomStringConvertible {
    public var path: String
    public var arguments: [String]
    public var outcome: ProcessOutcome
    public var description: String {
        "\(path) \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.stderr)"
    }
}

/// The SHA-256 of a file as coreutils' `sha256sum` computes it (an independent check of the store's digests).
public func sha256sum(_ url: URL) throws -> String {
    String(try runTool("/usr/bin/sha256sum", [url.path]).prefix(64))
}

/// A child process left running, for the tests that SIGKILL it mid-way. Its standard output goes to `output` when
/// given, else to a pipe read with ``nextLine()``; its standard error to `errors`, else nowhere.
public final class ChildProcess {
    public let process = Process()
    private let pipe: Pipe?
    private var buffer = Data()

    public init(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil,
        output: FileHandle? = nil, errors: FileHandle? = nil
    ) throws {
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = currentDirectory ?? repositoryRoot()
        pipe = output == nil ? Pipe() : nil
        process.standardOutput = output ?? pipe
        process.standardError = errors ?? FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }

    /// The next complete line of standard output as it comes, or nil at end of file (or when it goes to a file).
    public func nextLine() -> String? {
        guard let handle = pipe?.fileHandleForReading else { return nil }
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer.append(chunk)
        }
    }

    /// SIGKILL: no handler, no cleanup, no last write. Waits for the process to be reaped.
    public func kill() {
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { kill() }
    }
}
