import Foundation

/// Finds the files mallaudit ships beside its code (the checklist, the report schema and templates, the
/// working-day calendar): `$VARIABLE` when set; else `relative` in the executable's directory or the nearest
/// directory above it (the repository root for a `swift build` binary); else `relative` under the current
/// directory, so that a "cannot read" message names a sensible place.
public enum ResourceLocator {
    public static func locate(
        variable: String, relative: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: URL? = executableURL(),
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) -> URL {
        if let path = environment[variable], !path.isEmpty {
            return URL(fileURLWithPath: path, relativeTo: currentDirectory).standardizedFileURL
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

    /// The first `directory/…/relative` that exists, walking up to the file-system root.
    public static func searchUpwards(from directory: URL, for relative: String) -> URL? {
        var current = directory.standardizedFileURL
        while true {
            let candidate = current.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }
}
