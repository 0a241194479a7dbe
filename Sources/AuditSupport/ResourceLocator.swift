import Foundation

/// Finds the files mallaudit ships beside its code (the checklist, the report schema and templates, the
/// working-day calendar, the shipped probe definitions): `$VARIABLE` when set; else, walking up from the
/// executable's directory, the first `relative` or `share/mallaudit/relative` that exists (the repository root for
/// a `swift build` binary, `PREFIX/share/mallaudit` for one installed by `scripts/install.sh` in `PREFIX/bin`);
/// else `relative` under the current directory, so that a "cannot read" message names a sensible place.
public enum ResourceLocator {
    /// Where `scripts/install.sh` puts the shipped files, relative to the installation prefix.
    public static let installedDirectory = "share/mallaudit"

    public static func locate(
        variable: String, relative: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: URL? = executableURL(),
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) -> URL {
        if let path = environment[variable], !path.isEmpty {
            // Not `URL(fileURLWithPath:relativeTo:)`: it drops the base's last component unless the base is known
            // to be a directory (it ends in "/" only when the directory exists when the URL is made).
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : currentDirectory.appendingPathComponent(path)
            return url.standardizedFileURL
        }
        if let executable, let found = searchUpwards(from: executable.deletingLastPathComponent(), for: relative) {
            return found
        }
        return currentDirectory.appendingPathComponent(relative).standardizedFileURL
    }

    /// This process's executable, symbolic links resolved.
    public static func executableURL() -> URL? {
        #if os(Linux)
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
                return URL(fileURLWithPath: path)
            }
        #endif
        if let url = Bundle.main.executableURL { return url.resolvingSymlinksInPath() }
        guard let first = CommandLine.arguments.first else { return nil }
        return URL(fileURLWithPath: first).resolvingSymlinksInPath()
    }

    /// The first `directory/…/relative` or `directory/…/share/mallaudit/relative` that exists, walking up to the
    /// file-system root (a checkout wins over an installation at the same level).
    public static func searchUpwards(from directory: URL, for relative: String) -> URL? {
        var current = directory.standardizedFileURL
        while true {
            for candidate in [
                current.appendingPathComponent(relative),
                current.appendingPathComponent(installedDirectory).appendingPathComponent(relative),
            ] where FileManager.default.fileExists(atPath: candidate.path) {
                return candidate
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }
}
