import AuditSupport
import Foundation
import Mustache

/// The web pages' templates: every `*.mustache` under `templates/server/`, registered with swift-mustache under
/// `server-` and their path without the extension, `/` written `-` (`server-layout`, `server-partials-styles`):
/// swift-mustache's closing tags do not accept `/` in a name.
///
/// Every value reaches a page through `{{name}}`, which escapes it for HTML (and for attribute values). Loading
/// refuses any tag that could print a value unescaped — `{{{…}}}`, `{{&…}}` — and any tag that changes how later
/// tags are read (`{{=…=}}`, `{{%…}}`), with no exception: the charts are SVG written in the templates too, from
/// numbers the server computed. So a mall named `<script>` is text on every page, whoever edits the templates.
///
/// The templates are found like the report's: `$MALLAUDIT_TEMPLATES` (the `templates` folder), else `templates/`
/// of the repository or installation the executable is in, else under the current directory.
struct PageTemplates: Sendable {
    /// The folder under `templates/` that holds the pages.
    static let folder = "server"
    /// The template every page extends.
    static let layout = "server-layout"

    private let library: MustacheLibrary
    /// Where the templates were read from (for messages).
    let directory: URL

    init(templatesRoot: URL = PageTemplates.locateRoot()) throws {
        let directory = templatesRoot.appendingPathComponent(Self.folder)
        self.directory = directory
        _ = PageHTMLEscaping.registered
        let base = directory.standardizedFileURL.path
        let files = (FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".mustache") }.sorted()
        guard files.contains("layout.mustache") else {
            throw ServerError.configuration(
                "the web pages' templates are missing: \(base)/layout.mustache (set $MALLAUDIT_TEMPLATES to the "
                    + "repository's templates folder)")
        }
        var problems: [String] = []
        var library = MustacheLibrary()
        for relative in files {
            let path = base + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append("\(path): cannot read the template")
                continue
            }
            let text = String(decoding: data, as: UTF8.self)
            let unsafe = Self.unsafeTags(in: text, file: path)
            problems += unsafe
            guard unsafe.isEmpty else { continue }
            let name = Self.name(relative)
            do {
                // The escaping pragma on a line of its own (a standalone tag: it prints nothing).
                library.register(
                    try MustacheTemplate(string: PageHTMLEscaping.pragma + "\n" + text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                problems.append(
                    "\(path):\(max(1, error.context.lineNumber - 1)):\(error.context.columnNumber): "
                        + "template syntax error: \(error.error)")
            } catch {
                problems.append("\(path): template syntax error: \(error)")
            }
        }
        if !problems.isEmpty { throw ServerError.configuration(problems.joined(separator: "\n")) }
        self.library = library
    }

    /// The library name of a template file under `templates/server/`.
    static func name(_ relative: String) -> String {
        "server-" + relative.dropLast(".mustache".count).replacingOccurrences(of: "/", with: "-")
    }

    /// The `templates` folder (`$MALLAUDIT_TEMPLATES`, else beside the executable, else the current directory).
    static func locateRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let variable = "MALLAUDIT_TEMPLATES"
        if let path = environment[variable], !path.isEmpty {
            return ResourceLocator.locate(variable: variable, relative: "templates", environment: environment)
        }
        return ResourceLocator.locate(
            variable: variable, relative: "templates/\(folder)/layout.mustache", environment: environment
        ).deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Tags that would print a value without escaping, or change how later tags are read; each as `file:line:col`.
    static func unsafeTags(in text: String, file: String) -> [String] {
        var problems: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = Substring(line)
            while let open = rest.range(of: "{{") {
                let after = rest[open.upperBound...]
                rest = after
                guard let sigil = after.first, "{&=%".contains(sigil) else { continue }
                let column = line.distance(from: line.startIndex, to: open.lowerBound) + 1
                problems.append(
                    "\(file):\(index + 1):\(column): tag '{{\(after.prefix(24))' would print a value without "
                        + "HTML escaping or change the delimiters; the pages allow only {{name}}, sections, partials "
                        + "and blocks")
            }
        }
        return problems
    }

    /// Renders the page `name` (`server-overview`) over `context`.
    func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }

    /// Whether a template of this name was loaded.
    func has(_ name: String) -> Bool { library.getTemplate(named: name) != nil }
}

/// The pages' HTML escaping: `<` `>` `&` `"` `'` as entities (so values are safe in text and in quoted attributes),
/// control characters other than tab and line breaks as U+FFFD; done on UTF-8 bytes, not `Character` by
/// `Character` (a 1,000-mall overview escapes tens of thousands of values).
struct PageHTMLEscaping: MustacheContentType {
    static let name = "MALLAUDIT_PAGE_HTML"
    static let pragma = "{{% CONTENT_TYPE: \(name)}}"
    static let registered: Void = MustacheContentTypes.register(PageHTMLEscaping(), named: name)

    func escapeText(_ text: String) -> String { Self.escape(text) }

    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard
            utf8.contains(where: {
                $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27
                    || ($0 < 0x20 && $0 != 0x9 && $0 != 0xA && $0 != 0xD) || $0 == 0x7F
            })
        else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 0x3C: bytes.append(contentsOf: "&lt;".utf8)
            case 0x3E: bytes.append(contentsOf: "&gt;".utf8)
            case 0x26: bytes.append(contentsOf: "&amp;".utf8)
            case 0x22: bytes.append(contentsOf: "&quot;".utf8)
            case 0x27: bytes.append(contentsOf: "&#39;".utf8)
            case 0x9, 0xA, 0xD: bytes.append(byte)
            case 0..<0x20, 0x7F: bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
