import AuditModel
import Foundation
import Yams

/// A YAML node with the file it came from and its path, so every problem becomes a `Diagnostic`
/// naming file, line and what was expected. Used for the site profile, probe definitions and findings.
public struct YAMLValue: @unchecked Sendable {
    public let node: Node
    public let file: String
    /// Dotted path from the document root, e.g. `snmp_agents.machine_room.timeout`.
    public let path: String

    /// 1-based line of this node in `file`, when known.
    public var line: Int? { node.mark?.line }
    public var column: Int? { node.mark?.column }

    /// Parses `text`; a syntax error becomes a diagnostic with the parser's line and column.
    public static func parse(_ text: String, file: String) throws -> YAMLValue {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw DiagnosticsError(Diagnostic(file: file, line: 1, message: "the file is empty",
                                                  expected: "a YAML mapping"))
            }
            return YAMLValue(node: node, file: file, path: "")
        } catch let error as YamlError {
            throw DiagnosticsError(YAMLValue.diagnostic(for: error, file: file))
        }
    }

    /// The largest YAML file read (a site profile, probe or findings file, a calendar is a few kilobytes).
    public static let maximumFileSize = 16 << 20

    /// Reads and parses a YAML file.
    public static func load(_ url: URL) throws -> YAMLValue { try loadWithBytes(url).value }

    /// Reads and parses a YAML file, returning the bytes read too (for a digest of exactly what was parsed).
    public static func loadWithBytes(_ url: URL) throws -> (value: YAMLValue, bytes: Data) {
        let data: Data
        do {
            // A regular file only (a FIFO or /dev/zero is refused, not waited on or read forever), of a sane size.
            data = try InputFile.contents(url.path, limit: maximumFileSize)
        } catch {
            throw DiagnosticsError(
                Diagnostic(file: url.path, message: "the file \(error.reason)", expected: error.expected))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticsError(Diagnostic(file: url.path, line: 1, message: "the file is not UTF-8 text",
                                              expected: "a UTF-8 YAML file"))
        }
        return (try parse(text, file: url.path), data)
    }

    /// The diagnostic of a Yams error, at its line whenever Yams knows it. Never quotes the whole document (Yams'
    /// own description of some errors does).
    package static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let what = [context?.text, problem].compactMap { $0 }.joined(separator: ": ")
            return Diagnostic(file: file, line: mark.line, column: mark.column, message: "YAML syntax error: \(what)",
                              expected: "valid YAML")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return Diagnostic(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(keys) in the mapping", expected: "each key once in a mapping")
        case let .reader(problem, offset, _, yaml):
            let line = offset.map { offset in yaml.utf8.prefix(offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 } }
            return Diagnostic(file: file, line: line, message: "YAML error: \(problem)", expected: "UTF-8 YAML text")
        default:
            return Diagnostic(file: file, line: nil, message: "YAML error: \(error)", expected: "valid YAML")
        }
    }

    /// A diagnostic located at this node.
    public func problem(_ message: String, expected: String? = nil) -> DiagnosticsError {
        let at = path.isEmpty ? "" : "\(path): "
        return DiagnosticsError(Diagnostic(file: file, line: line, column: column, message: at + message,
                                           expected: expected))
    }

    private func child(_ node: Node, _ component: String) -> YAMLValue {
        YAMLValue(node: node, file: file, path: path.isEmpty ? component : "\(path).\(component)")
    }

    /// The mapping entries, in file order; throws when this is not a mapping.
    public func entries() throws -> [(key: String, value: YAMLValue)] {
        guard case let .mapping(mapping) = node else { throw problem("not a mapping", expected: "key: value pairs") }
        return try mapping.map { key, value in
            guard let name = key.string else {
                throw YAMLValue(node: key, file: file, path: path).problem("a key is not a string",
                                                                            expected: "a plain key")
            }
            if name.utf8.contains(0) {
                throw YAMLValue(node: key, file: file, path: path).problem(
                    "a key contains a NUL character (\\0)", expected: "a plain key")
            }
            return (name, child(value, name))
        }
    }

    /// The mapping entries with each key as a node of its own (for problems at the key's line), in file order.
    public func keyedEntries() throws -> [(key: YAMLValue, value: YAMLValue)] {
        let named = try entries()
        guard case let .mapping(mapping) = node else { return [] }
        return zip(mapping, named).map { pair, entry in
            (YAMLValue(node: pair.key, file: file, path: entry.value.path), entry.value)
        }
    }

    /// Throws on any key not in `allowed`, at the key's own line (not its value's, which for a nested block is a
    /// later line), listing the allowed keys.
    public func requireKeys(in allowed: Set<String>) throws {
        _ = try entries()  // a mapping whose keys are strings
        guard case let .mapping(mapping) = node else { return }
        for (key, _) in mapping {
            guard let name = key.string, !allowed.contains(name) else { continue }
            let list = allowed.sorted().joined(separator: ", ")
            throw YAMLValue(node: key, file: file, path: path).problem(
                "unknown key '\(name)'", expected: "one of \(list)")
        }
    }

    /// The value at `key`, or nil when absent or null.
    public subscript(_ key: String) -> YAMLValue? {
        guard case let .mapping(mapping) = node, let value = mapping[key] else { return nil }
        if value.null != nil, value.tag == .implicit || value.scalar?.string == "" { return nil }
        if case let .scalar(scalar) = value, scalar.string == "~" || scalar.string == "null" { return nil }
        return child(value, key)
    }

    /// The value at `key`; throws when absent.
    public func required(_ key: String, expected: String) throws -> YAMLValue {
        guard let value = self[key] else { throw problem("missing key '\(key)'", expected: expected) }
        return value
    }

    /// The sequence items; throws when this is not a sequence.
    public func items() throws -> [YAMLValue] {
        guard case let .sequence(sequence) = node else { throw problem("not a list", expected: "a YAML list") }
        return sequence.enumerated().map { index, node in child(node, "[\(index)]") }
    }

    /// A scalar as text (numbers and booleans too, as written). A NUL character (YAML's `"\0"` escape) is refused
    /// here, at the value's line: stored, it would cut the text short (SQLite's C strings end at NUL).
    public func string() throws -> String {
        guard case let .scalar(scalar) = node else { throw problem("not a single value", expected: "a string") }
        if scalar.string.utf8.contains(0) {
            throw problem("contains a NUL character (\\0)", expected: "text without NUL characters")
        }
        return scalar.string
    }

    /// A calendar date written `YYYY-MM-DD` that exists (`2026-02-30`, `2026-13-45` or anything else is refused at
    /// its line); returned as written.
    public func date(expected: String = "a date YYYY-MM-DD, e.g. 2026-11-01") throws -> String {
        let text = try nonEmptyString(expected: expected)
        guard ISODate.isValid(text) else { throw problem("'\(text)' is not a date", expected: expected) }
        return text
    }

    public func nonEmptyString(expected: String = "a non-empty string") throws -> String {
        let text = try string().trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw problem("is empty", expected: expected) }
        return text
    }

    public func double() throws -> Double {
        guard case let .scalar(scalar) = node, let value = Double(scalar.string.trimmingCharacters(in: .whitespaces))
        else { throw problem("'\((try? string()) ?? "…")' is not a number", expected: "a number") }
        return value
    }

    public func int() throws -> Int {
        guard case let .scalar(scalar) = node, let value = Int(scalar.string.trimmingCharacters(in: .whitespaces))
        else { throw problem("'\((try? string()) ?? "…")' is not a whole number", expected: "a whole number") }
        return value
    }

    public func bool() throws -> Bool {
        guard case let .scalar(scalar) = node else { throw problem("not a single value", expected: "true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw problem("'\(scalar.string)' is not a boolean", expected: "true or false")
        }
    }

    /// A scalar or a list of scalars, as strings (`statements: 5.1.2-3` or `statements: [5.1.2-3, 5.1.2-2]`).
    public func stringList() throws -> [String] {
        if case .sequence = node { return try items().map { try $0.nonEmptyString() } }
        return try string().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// One of `choices`, exactly as written.
    public func choice(_ choices: [String]) throws -> String {
        let text = try string()
        guard choices.contains(text) else {
            throw problem("'\(text)' is not allowed", expected: "one of \(choices.joined(separator: ", "))")
        }
        return text
    }
}
