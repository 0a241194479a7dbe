import Foundation

/// Where a command finds the audit database — one rule for every command (docs/cli.md):
///
/// 1. `--db FILE`, when given;
/// 2. else `$MALLAUDIT_DB`, when set and not empty;
/// 3. else `mallaudit.sqlite` in the working directory.
///
/// Only `run` (and `demo`, in its own folder) creates a database there; every other command reads an existing one and,
/// when there is none, says where it looked and why (``requireExisting()``) instead of creating an empty one.
public struct StoreLocation: Sendable, Equatable {
    /// How the location was chosen.
    public enum Source: String, Sendable {
        case option, environment, workingDirectory
    }

    /// The environment variable naming the database when `--db` is not given.
    public static let variable = "MALLAUDIT_DB"
    /// The database's name in the working directory when neither `--db` nor `$MALLAUDIT_DB` names one.
    public static let defaultName = "mallaudit.sqlite"

    /// The database file (absolute).
    public var url: URL
    public var source: Source

    public var path: String { url.path }

    /// The location by the rule above.
    public static func resolve(
        _ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) -> StoreLocation {
        func absolute(_ path: String) -> URL {
            (path.hasPrefix("/") ? URL(fileURLWithPath: path) : workingDirectory.appendingPathComponent(path))
                .standardizedFileURL
        }
        if let option, !option.isEmpty { return StoreLocation(url: absolute(option), source: .option) }
        if let named = environment[variable], !named.isEmpty {
            return StoreLocation(url: absolute(named), source: .environment)
        }
        return StoreLocation(url: absolute(defaultName), source: .workingDirectory)
    }

    /// Why this is where the command looks, for messages.
    public var reason: String {
        switch source {
        case .option: "named by --db"
        case .environment: "named by $\(Self.variable)"
        case .workingDirectory:
            "\(Self.defaultName) in the working directory: no --db given and $\(Self.variable) is not set"
        }
    }

    /// Throws a `StoreError` saying where it looked, and why there, when no database is there. Creates nothing.
    public func requireExisting() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StoreError(
                .cannotOpen, "no audit database at \(path) (looked there: \(reason))",
                cause: "expected the database `mallaudit run` wrote: give --db FILE or set $\(Self.variable)")
        }
        if isDirectory.boolValue {
            throw StoreError(
                .cannotOpen, "\(path) is a folder, not an audit database (\(reason))",
                cause: "expected the database file, e.g. --db \(path)/\(Self.defaultName)")
        }
    }
}
