import AuditSupport
import Foundation

/// Finds the report schema and the HTML templates at run time, the way the checklist is found.
///
/// Each is, in order:
/// 1. the environment variable (`$MALLAUDIT_REPORT_SCHEMA`, `$MALLAUDIT_TEMPLATES`), when set and not empty;
/// 2. `reports/report.xsd` / `templates/` in the repository the executable was built in, found by walking up from
///    the executable's directory (`.build/debug/mallaudit` → the repository root);
/// 3. the same relative path under the current directory.
public enum ReportResources {
    /// Environment variable naming the report schema file.
    public static let schemaVariable = "MALLAUDIT_REPORT_SCHEMA"
    /// Environment variable naming the templates directory.
    public static let templatesVariable = "MALLAUDIT_TEMPLATES"
    /// Path of the schema inside the repository.
    public static let schemaRelativePath = "reports/report.xsd"
    /// Path of the templates directory inside the repository.
    public static let templatesRelativePath = "templates"
    /// The namespace of the XML report.
    public static let namespace = "urn:mallaudit:report:1"

    /// The XML report's schema.
    public static func schema(
        environment: [String: String] = ProcessInfo.processInfo.environment, executable: URL? = executableURL(),
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) -> URL {
        locate(
            variable: schemaVariable, relative: schemaRelativePath, environment: environment, executable: executable,
            currentDirectory: currentDirectory)
    }

    /// The directory holding `report.html.mustache` and its partials.
    public static func templates(
        environment: [String: String] = ProcessInfo.processInfo.environment, executable: URL? = executableURL(),
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) -> URL {
        locate(
            variable: templatesVariable, relative: templatesRelativePath + "/" + HTMLTemplates.mainFile,
            environment: environment, executable: executable, currentDirectory: currentDirectory,
            isDirectoryLookup: true)
    }

    private static func locate(
        variable: String, relative: String, environment: [String: String], executable: URL?, currentDirectory: URL,
        isDirectoryLookup: Bool = false
    ) -> URL {
        let found = ResourceLocator.locate(
            variable: variable, relative: relative, environment: environment, executable: executable,
            currentDirectory: currentDirectory)
        // The templates variable names the directory itself; otherwise strip the file looked for.
        if isDirectoryLookup, environment[variable]?.isEmpty == false { return found }
        return isDirectoryLookup ? found.deletingLastPathComponent() : found
    }

    /// This process's executable, symbolic links resolved.
    public static func executableURL() -> URL? { ResourceLocator.executableURL() }
}
