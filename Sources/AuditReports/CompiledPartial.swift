import Foundation

/// A partial of the HTML report (`partials/statement-row`, `partials/statement`) compiled for the subset of Mustache
/// it is written in, so that the per-statement parts of a large report render fast. swift-mustache stays the
/// reference: it renders the main template and any partial outside the subset, and the tests render rows and cards
/// both ways and compare the bytes.
///
/// Why: a 10,000-result report renders the row partial 10,000 times and the card partial once per shall statement
/// that did not pass; swift-mustache spends about 3 µs on each tag (dynamic casts, context copies), which was most of
/// the report's time. This walks a pre-parsed tree over the same dictionaries in a fraction of that.
///
/// The subset, which is what `compile` accepts (anything else gives nil, and swift-mustache renders the partial):
/// - `{{name}}` and `{{.}}`, HTML-escaped with `ReportHTMLEscaping` like every `{{…}}` of the report's templates;
/// - sections `{{#name}}…{{/name}}`: skipped when the key is missing, `false` or an empty array; once when `true`;
///   once per element (pushed as the context) of an array; once with the value pushed otherwise;
/// - inverted sections `{{^name}}…{{/name}}`: rendered once when the key is missing, `false` or an empty array;
/// - comments `{{! … }}`;
/// - standalone lines: a line holding only spaces or tabs and one section, inverted-section, closing or comment tag
///   is reduced to the tag, without the whitespace and the line break, as the Mustache specification says (the
///   template's first line too: `HTMLTemplates` puts its content-type pragma on a line of its own);
/// - names are plain keys (letters, digits, `_`, `-`), looked up from the innermost context outwards.
///
/// No partials, unescaped output, dotted names, delimiter or content-type changes, carriage returns.
struct CompiledPartial: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(String)
        case current
        case section(String, [Node])
        case invertedSection(String, [Node])
    }

    let nodes: [Node]

    /// The compiled template, or nil when `text` uses anything outside the subset (see the type's documentation).
    static func compile(_ text: String) -> CompiledPartial? {
        guard !text.contains("\r") else { return nil }
        // Each open section: its sigil, name and the nodes collected so far; the bottom entry is the template.
        var open: [(sigil: Character, name: String, nodes: [Node])] = [(" ", "", [])]
        var rest = Substring(withoutStandaloneLines(text))
        while let start = rest.range(of: "{{") {
            if start.lowerBound > rest.startIndex {
                open[open.count - 1].nodes.append(.text(String(rest[..<start.lowerBound])))
            }
            let afterOpen = rest[start.upperBound...]
            guard let end = afterOpen.range(of: "}}") else { return nil }
            let tag = afterOpen[..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = afterOpen[end.upperBound...]
            guard let first = tag.first else { return nil }
            switch first {
            case "#", "^":
                guard let name = plainName(tag.dropFirst()) else { return nil }
                open.append((first, name, []))
            case "/":
                guard let name = plainName(tag.dropFirst()), open.count > 1, open[open.count - 1].name == name else {
                    return nil
                }
                let section = open.removeLast()
                open[open.count - 1].nodes.append(
                    section.sigil == "#" ? .section(name, section.nodes) : .invertedSection(name, section.nodes))
            case "!":
                continue
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
        return CompiledPartial(nodes: open[0].nodes)
    }

    /// `text` with each standalone line reduced to its tag: no indentation, no line break.
    static func withoutStandaloneLines(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let isLast = index == lines.count - 1
            // Spaces and tabs around the tag are allowed (and removed with the line).
            let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            let isStandalone =
                trimmed.hasPrefix("{{") && trimmed.hasSuffix("}}") && trimmed.count > 4
                && trimmed.components(separatedBy: "{{").count == 2 && trimmed.components(separatedBy: "}}").count == 2
                && "#^/!".contains(trimmed.dropFirst(2).drop(while: { $0 == " " }).first ?? " ")
            if isStandalone {
                result += trimmed
            } else {
                result += line
                if !isLast { result += "\n" }
            }
        }
        return result
    }

    /// `text` trimmed, when it is a plain key (letters, digits, `_`, `-`).
    private static func plainName(_ text: Substring) -> String? {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty,
            name.unicodeScalars.allSatisfy({
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
            })
        else { return nil }
        return name
    }

    /// The template rendered over `context` (a dictionary, as the report's views are).
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
            case .invertedSection(let name, let children):
                let isEmpty =
                    switch lookup(name, in: stack) {
                    case nil: true
                    case let array as [Any]: array.isEmpty
                    case let flag as Bool: !flag
                    case .some: false
                    }
                if isEmpty { render(children, stack: &stack, into: &output) }
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
