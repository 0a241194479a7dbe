import AuditModel
import Foundation
import Mustache

/// The HTML report's templates: `report.html.mustache` and every other `*.mustache` file under the same directory,
/// registered by relative path without the extension (`partials/statement`), as swift-mustache names partials.
///
/// Loading refuses any template that could print a value unescaped — triple mustache `{{{…}}}`, `{{&…}}` or a
/// delimiter change `{{=…=}}` — except the one slot for the SVG chart the writer builds itself (`{{{chartSVG}}}`).
/// Mall data therefore always goes through Mustache's HTML escaping, whoever edits the templates.
public struct HTMLTemplates: Sendable {
    /// The main template's file name.
    public static let mainFile = "report.html.mustache"
    /// The main template's name in the library.
    static let mainName = "report.html"
    /// Keys a template may print unescaped: markup the writer generates and escapes itself.
    static let trustedKeys: Set<String> = ["chartSVG"]

    let library: MustacheLibrary
    /// Where the templates were read from, for messages.
    public let directory: URL

    /// Reads and parses every template under `directory` (by default the one `ReportResources` finds).
    /// Throws a `DiagnosticsError` naming the file, line and column of each problem.
    public init(directory: URL = ReportResources.templates()) throws {
        self.directory = directory
        let main = directory.appendingPathComponent(Self.mainFile)
        guard FileManager.default.fileExists(atPath: main.path) else {
            throw DiagnosticsError(
                Diagnostic(
                    file: main.path, message: "the HTML report template is missing",
                    expected: "templates/\(Self.mainFile) from the repository; set $\(ReportResources.templatesVariable) "
                        + "to the templates directory"))
        }
        var library = MustacheLibrary()
        var problems: [Diagnostic] = []
        let base = directory.standardizedFileURL.path
        let files = (FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".mustache") }.sorted()
        for relative in files {
            let path = base + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(Diagnostic(file: path, message: "cannot read the template"))
                continue
            }
            let text = String(decoding: data, as: UTF8.self)
            let unsafe = Self.unescapedTags(in: text, file: path)
            if !unsafe.isEmpty {
                problems += unsafe
                continue
            }
            do {
                try library.register(MustacheTemplate(string: text), named: String(relative.dropLast(".mustache".count)))
            } catch let error as MustacheTemplate.ParserError {
                problems.append(
                    Diagnostic(
                        file: path, line: error.context.lineNumber, column: error.context.columnNumber,
                        message: "template syntax error: \(error.error)",
                        expected: "balanced {{#section}} … {{/section}} tags"))
            } catch {
                problems.append(Diagnostic(file: path, message: "template syntax error: \(error)"))
            }
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        self.library = library
    }

    /// Tags that would print a value without HTML escaping (`{{{name}}}`, `{{&name}}`) other than the trusted keys,
    /// and tags that change how later tags are read (`{{=<% %>=}}` delimiters, `{{% CONTENT_TYPE: TEXT}}`).
    /// swift-mustache reads the sigil right after `{{`, so a scan of the text finds every one.
    static func unescapedTags(in text: String, file: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = Substring(line)
            while let open = rest.range(of: "{{") {
                let after = rest[open.upperBound...]
                rest = after
                guard let sigil = after.first, "{&=%".contains(sigil) else { continue }
                let name = after.dropFirst().prefix { $0 != "}" }.trimmingCharacters(in: .whitespaces)
                if (sigil == "{" || sigil == "&") && trustedKeys.contains(name) { continue }
                let column = line.distance(from: line.startIndex, to: open.lowerBound) + 1
                problems.append(
                    Diagnostic(
                        file: file, line: index + 1, column: column,
                        message: "tag '{{\(after.prefix(24))' would print a value without HTML escaping",
                        expected: "{{name}}, which escapes the value; only "
                            + trustedKeys.sorted().map { "{{{\($0)}}}" }.joined(separator: ", ")
                            + " may be unescaped, and delimiters and content type may not change"))
            }
        }
        return problems
    }

    /// Renders the main template over `context`.
    func render(_ context: [String: Any]) -> String {
        library.render(context, withTemplate: Self.mainName) ?? ""
    }
}
