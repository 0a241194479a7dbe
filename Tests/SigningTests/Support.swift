import Foundation
import Testing
import TestSupport

/// Runs `executable` (a path, or a name looked up in /usr/bin) and waits, capturing both streams.
func tool(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessOutcome {
    try runProcess(
        URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/\(executable)"), arguments,
        environment: environment)
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
func temporaryFolder() throws -> URL { try temporaryDirectory("mallaudit-signing") }
