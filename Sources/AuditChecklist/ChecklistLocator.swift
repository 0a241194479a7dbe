import AuditSupport
import Foundation

/// Finds the default checklist and its schema.
///
/// The checklist is, in order:
/// 1. `$MALLAUDIT_CHECKLIST`, when set and not empty;
/// 2. `checklists/mall-digital-service.xml` in the repository the executable was built in, found by
///    walking up from the executable's directory (`.build/debug/mallaudit` → the repository root);
/// 3. `checklists/mall-digital-service.xml` under the current directory.
public enum ChecklistLocator {
    /// Environment variable naming the checklist to use.
    public static let environmentVariable = "MALLAUDIT_CHECKLIST"
    /// Path of the checklist inside the repository.
    public static let relativePath = "checklists/mall-digital-service.xml"

    /// The checklist to use when none is given.
    ///
    /// - Parameters:
    ///   - environment: the process environment (injectable for tests).
    ///   - executable: the running executable; by default this process's.
    ///   - currentDirectory: the directory relative paths start from; by default the process's.
    public static func defaultChecklist(
        environment: [String: String] = ProcessInfo.processInfo.environment, executable: URL? = executableURL(),
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) -> URL {
        ResourceLocator.locate(
            variable: environmentVariable, relative: relativePath, environment: environment, executable: executable,
            currentDirectory: currentDirectory)
    }

    /// The schema of `checklist`: `checklist.xsd` beside it when present; else the schema of the
    /// repository the executable belongs to (`checklists/checklist.xsd`); else the path beside it,
    /// so that the "cannot read" diagnostic names the place looked at first.
    public static func schema(forChecklist checklist: URL, executable: URL? = executableURL()) -> URL {
        let beside = checklist.deletingLastPathComponent().appendingPathComponent(ChecklistLoader.schemaFileName)
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        if let executable,
            let found = searchUpwards(
                from: executable.deletingLastPathComponent(), for: "checklists/\(ChecklistLoader.schemaFileName)")
        {
            return found
        }
        return beside
    }

    /// This process's executable, symbolic links resolved.
    public static func executableURL() -> URL? { ResourceLocator.executableURL() }

    static func searchUpwards(from directory: URL, for relative: String) -> URL? {
        ResourceLocator.searchUpwards(from: directory, for: relative)
    }
}
