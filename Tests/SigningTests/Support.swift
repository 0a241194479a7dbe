import Foundation
import Testing

/// What one run of an outside tool did.
struct ToolOutcome {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `executable` (a path, or a name looked up in /usr/bin) and waits, capturing both streams.
func tool(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ToolOutcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/\(executable)")
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ToolOutcome(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// The Python with the pinned independent verifiers (gmssl, securesystemslib) that scripts/test.sh installs.
/// Throws — failing the test, never skipping it — when it is not there.
func testPython() throws -> String {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "MALLAUDIT_TEST_PYTHON is not set: the interop tests use gmssl and securesystemslib from the virtual "
                + "environment scripts/test.sh makes — run them with `bash scripts/test.sh`"
        }
    }
    guard let path = ProcessInfo.processInfo.environment["MALLAUDIT_TEST_PYTHON"], !path.isEmpty else {
        throw Missing()
    }
    return path
}

/// A fresh temporary folder.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mallaudit-signing-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
