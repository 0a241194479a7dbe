import Foundation

/// What one run of the built `mallaudit` binary did.
struct ProcessOutcome {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The built `mallaudit` binary: `$MALLAUDIT_BIN` (set by scripts/test.sh), else next to the test bundle.
func mallauditBinary() -> URL {
    if let path = ProcessInfo.processInfo.environment["MALLAUDIT_BIN"], !path.isEmpty {
        return URL(fileURLWithPath: path)
    }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("mallaudit")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: ".build/debug/mallaudit")
}

/// The repository root (where Package.swift is), so tests can read checklists/, examples/, fixtures.
func repositoryRoot() -> URL {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
        dir = dir.deletingLastPathComponent()
    }
    fatalError("Package.swift not found above \(#filePath)")
}

/// Runs `mallaudit` with `arguments` and waits for it, capturing both streams.
func runMallaudit(
    _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil, stdin: String? = nil
) throws -> ProcessOutcome {
    try runProcess(
        mallauditBinary(), arguments, environment: environment, currentDirectory: currentDirectory, stdin: stdin)
}

/// Runs `executable` with `arguments` and waits for it, capturing both streams. `environment` is added to this
/// process's environment, or is the whole environment with `replace`.
func runProcess(
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
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
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
        stderr: String(decoding: errData, as: UTF8.self))
}

/// A fresh temporary directory, removed by the caller when done.
func temporaryDirectory(_ name: String = "mallaudit-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
