import AuditModel
import AuditXML
import Foundation
import Mustache

/// The HTML report's templates: `report.html.mustache` and every other `*.mustache` file under the same directory,
/// registered by relative path without the extension (`partials/statement`), as swift-mustache names partials.
///
/// Loading refuses any template that could print a value unescaped — triple mustache `{{{…}}}`, `{{&…}}` or a
/// delimiter change `{{=…=}}` — except the one slot for the SVG chart the writer builds itself (`{{{chartSVG}}}`).
/// Mall data therefore always goes through Mustache's HTML escaping, whoever edits the templates.
///
/// Fixed words (`{{labels.key}}`) are looked up once, when the templates are loaded: each language gets its own
/// compiled copy with the label text (HTML-escaped) in place of the tag. An unknown label key is a load error. This
/// keeps a 10,000-statement report from looking up the same words 10,000 times.
public struct HTMLTemplates: Sendable {
    /// The main template's file name.
    public static let mainFile = "report.html.mustache"
    /// The main template's name in the library.
    static let mainName = "report.html"
    /// Keys a template may print unescaped: markup the writer generates and escapes itself.
    ///
    /// - `chartSVG`: the chart, built in Swift with every label escaped (`XMLText.escaped`);
    /// - `renderedStatements`: a clause's statement rows, each rendered from `partials/statement-row`;
    /// - `failingCards`, `pendingCards`: detailed statement cards, each rendered from `partials/statement`;
    /// - `pageCSS`: the printed page's running header and footer, every value escaped for a CSS string
    ///   (`HTMLReportView.cssString`).
    ///
    /// Those partials are themselves templates under these rules, so every value in them went through `{{…}}`
    /// escaping.
    static let trustedKeys: Set<String> = [
        "chartSVG", "renderedStatements", "failingCards", "pendingCards", "pageCSS",
    ]
    /// The partial a statement's detailed card is rendered with.
    static let statementPartial = "partials/statement"
    /// The partial a statement's row in the clause-by-clause list is rendered with.
    static let rowPartial = "partials/statement-row"

    private let libraries: [Language: MustacheLibrary]
    /// The row and card partials compiled by `CompiledPartial`, by language and partial name, when written in its
    /// subset (as shipped).
    private let compiled: [Language: [String: CompiledPartial]]
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
                    expected:
                        "templates/\(Self.mainFile) from the repository; set $\(ReportResources.templatesVariable) "
                        + "to the templates directory"))
        }
        var problems: [Diagnostic] = []
        var sources: [(name: String, path: String, text: String)] = []
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
            problems += Self.unescapedTags(in: text, file: path)
            sources.append((String(relative.dropLast(".mustache".count)), path, text))
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        var libraries: [Language: MustacheLibrary] = [:]
        var compiled: [Language: [String: CompiledPartial]] = [:]
        for language in Language.allCases {
            var library = MustacheLibrary()
            for source in sources {
                let localized = Self.substituteLabels(
                    in: source.text, labels: HTMLLabels.table(language), file: source.path, problems: &problems)
                if Self.compiledPartials.contains(source.name) {
                    compiled[language, default: [:]][source.name] = CompiledPartial.compile(localized)
                }
                do {
                    // Every template escapes with the report's own (faster, equivalent) HTML escaping. The pragma is
                    // a line of its own, which Mustache drops as a standalone tag, so the template's first line is
                    // read like any other (`CompiledPartial` relies on that); error lines are shifted back by one.
                    _ = ReportHTMLEscaping.registered
                    try library.register(
                        MustacheTemplate(string: ReportHTMLEscaping.pragma + "\n" + localized), named: source.name)
                } catch let error as MustacheTemplate.ParserError {
                    problems.append(
                        Diagnostic(
                            file: source.path, line: max(1, error.context.lineNumber - 1),
                            column: error.context.columnNumber,
                            message: "template syntax error: \(error.error)",
                            expected: "balanced {{#section}} … {{/section}} tags"))
                } catch {
                    problems.append(Diagnostic(file: source.path, message: "template syntax error: \(error)"))
                }
            }
            // Both languages see the same files: report each problem once.
            if !problems.isEmpty { throw DiagnosticsError(Self.unique(problems)) }
            libraries[language] = library
        }
        self.libraries = libraries
        self.compiled = compiled
    }

    private static func unique(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen: Set<Diagnostic> = []
        return diagnostics.filter { seen.insert($0).inserted }
    }

    /// `text` with every `{{labels.key}}` replaced by the HTML-escaped label. Line breaks are kept, so parser
    /// errors still point at the right line. Unknown keys are reported.
    static func substituteLabels(
        in text: String, labels: [String: String], file: String, problems: inout [Diagnostic]
    ) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                result += rest[open.lowerBound...]
                rest = rest[rest.endIndex...]
                break
            }
            let name = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("labels.") {
                let key = String(name.dropFirst("labels.".count))
                if let label = labels[key] {
                    result += XMLText.escaped(label)
                } else {
                    let line = text[..<open.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
                    problems.append(
                        Diagnostic(
                            file: file, line: line, message: "unknown label '\(key)'",
                            expected: "a key of the label tables in Sources/AuditReports/HTMLLabels.swift"))
                }
            } else {
                result += rest[open.lowerBound..<close.upperBound]
            }
            rest = after[close.upperBound...]
        }
        result += rest
        return result
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

    /// The partials rendered once per statement, which `CompiledPartial` renders when they are in its subset.
    static let compiledPartials: Set<String> = [rowPartial, statementPartial]

    /// Renders one statement row with `partials/statement-row`, compiled for `language`.
    func renderRow(_ row: [String: Any], language: Language) -> String {
        renderPartial(Self.rowPartial, row, language: language)
    }

    /// Renders one statement card with `partials/statement`, compiled for `language`.
    func renderStatement(_ card: [String: Any], language: Language) -> String {
        renderPartial(Self.statementPartial, card, language: language)
    }

    /// Renders `partial` over `context` with `CompiledPartial` when the partial is written in its subset, else with
    /// swift-mustache.
    func renderPartial(_ partial: String, _ context: [String: Any], language: Language) -> String {
        if let template = compiled[language]?[partial] { return template.render(context) }
        return renderWithMustache(partial, context, language: language)
    }

    /// Renders `partial` with swift-mustache, the reference `CompiledPartial` is tested against.
    func renderWithMustache(_ partial: String, _ context: [String: Any], language: Language) -> String {
        libraries[language]?.render(context, withTemplate: partial) ?? ""
    }

    /// Whether `partial` is rendered by `CompiledPartial` (it is written in its subset).
    func isCompiled(_ partial: String, language: Language) -> Bool { compiled[language]?[partial] != nil }

    /// Renders the main template, compiled for `language`, over `context`.
    func render(_ context: [String: Any], language: Language) -> String {
        libraries[language]?.render(context, withTemplate: Self.mainName) ?? ""
    }
}
