/// `partials/statement-row`, compiled for the one-line subset of Mustache it is written in, so that the
/// clause-by-clause list of a large report renders fast. swift-mustache stays the reference: it renders every other
/// template, and the tests render rows both ways and compare.
///
/// Why: a row is one table row per statement, so a 10,000-result report renders the partial 10,000 times, and
/// swift-mustache spends about 3 µs on each tag (dynamic casts, context copies) — most of the report's time. This
/// renderer walks a pre-parsed tree over the same dictionaries in a fraction of that.
///
/// The subset, which is what `compile` accepts (anything else gives nil, and the row is rendered by swift-mustache):
/// - text without line breaks (a trailing one is allowed), so no tag can be a "standalone line" whose whitespace
///   Mustache would remove;
/// - `{{name}}` and `{{.}}`, HTML-escaped with `ReportHTMLEscaping` like every `{{…}}` of the report's templates;
/// - sections `{{#name}}…{{/name}}`: skipped when the key is missing or `false`; once when `true`; once per element
///   (pushed as the context) of an array; once with the value pushed otherwise;
/// - names are plain keys, looked up from the innermost context outwards (no dotted names).
///
/// No inverted sections, partials, comments, unescaped output, delimiter or content-type changes.
struct RowTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(String)
        case current
        case section(String, [Node])
    }

    let nodes: [Node]

    /// The compiled template, or nil when `text` uses anything outside the subset (see the type's documentation).
    static func compile(_ text: String) -> RowTemplate? {
        let body = text.hasSuffix("\n") ? text.dropLast() : Substring(text)
        guard !body.contains("\n"), !body.contains("\r") else { return nil }
        // Each open section: its name and the nodes collected so far; the bottom entry is the template itself.
        var open: [(name: String, nodes: [Node])] = [("", [])]
        var rest = Substring(text)
        while let start = rest.range(of: "{{") {
            if start.lowerBound > rest.startIndex { open[open.count - 1].nodes.append(.text(String(rest[..<start.lowerBound]))) }
            let afterOpen = rest[start.upperBound...]
            guard let end = afterOpen.range(of: "}}") else { return nil }
            let tag = afterOpen[..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = afterOpen[end.upperBound...]
            guard let first = tag.first else { return nil }
            switch first {
            case "#":
                guard let name = plainName(tag.dropFirst()) else { return nil }
                open.append((name, []))
            case "/":
                guard let name = plainName(tag.dropFirst()), open.count > 1, open[open.count - 1].name == name else {
                    return nil
                }
                let section = open.removeLast()
                open[open.count - 1].nodes.append(.section(name, section.nodes))
            case ".":
                guard tag == "." else { return nil }
                open[open.count - 1].nodes.append(.current)
            default:
                guard let name = plainName(Substring(tag)) else { return nil }
                open[open.count - 1].nodes.append(.variable(name))
            }
        }
        guard open.count == 1 else { return nil }
        if !rest.isEmpty { open[0].nodes.append(.text(String(rest))) }
        return RowTemplate(nodes: open[0].nodes)
    }

    /// `text` trimmed, when it is a plain key (letters, digits, `_`, `-`).
    private static func plainName(_ text: Substring) -> String? {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty,
            name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" })
        else { return nil }
        return name
    }

    /// The template rendered over `context` (the row's dictionary).
    func render(_ context: [String: Any]) -> String {
        var output = ""
        var stack: [Any] = [context]
        Self.render(nodes, stack: &stack, into: &output)
        return output
    }

    private static func render(_ nodes: [Node], stack: inout [Any], into output: inout String) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .current:
                output += ReportHTMLEscaping.escape(describe(stack[stack.count - 1]))
            case .variable(let name):
                if let value = lookup(name, in: stack) { output += ReportHTMLEscaping.escape(describe(value)) }
            case .section(let name, let children):
                switch lookup(name, in: stack) {
                case nil:
                    break
                case let array as [Any]:
                    for element in array {
                        stack.append(element)
                        render(children, stack: &stack, into: &output)
                        stack.removeLast()
                    }
                case let flag as Bool:
                    if flag { render(children, stack: &stack, into: &output) }
                case let value?:
                    stack.append(value)
                    render(children, stack: &stack, into: &output)
                    stack.removeLast()
                }
            }
        }
    }

    /// The value of `name` in the innermost context (a dictionary) that has it.
    private static func lookup(_ name: String, in stack: [Any]) -> Any? {
        for context in stack.reversed() {
            if let dictionary = context as? [String: Any], let value = dictionary[name] { return value }
        }
        return nil
    }

    /// A value as Mustache prints it: strings as they are, anything else as `String(describing:)`.
    private static func describe(_ value: Any) -> String {
        switch value {
        case let text as String: text
        case let number as Int: String(number)
        default: String(describing: value)
        }
    }
}
