import Foundation

/// A compiled JSON path: the subset probes need.
///
/// | syntax | selects |
/// |---|---|
/// | `$` | the whole document |
/// | `.name`, `['name']`, `["name"]` | the member `name` of an object (quoted form for any name) |
/// | `[2]`, `[-1]` | the element at an index of an array (negative counts from the end) |
/// | `[*]`, `.*` | every element of an array, or every member value of an object |
///
/// `$.a.b[0].c` and `$.items[*].id` are typical. A step that does not apply (a member of an array, an index past
/// the end) selects nothing: no match is an empty list, not an error.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Step: Sendable, Hashable {
        case member(String)
        case index(Int)
        case wildcard
    }

    public let expression: String
    public let steps: [Step]

    /// - Throws: `ExtractionError` (`invalidExpression`) naming the character where the path goes wrong.
    public init(_ expression: String) throws(ExtractionError) {
        self.expression = expression
        self.steps = try JSONPath.compile(expression)
    }

    public var description: String { expression }

    /// Every value the path selects in `document`, in document order.
    public func select(in document: JSONValue) -> [JSONValue] {
        var current = [document]
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                switch (step, value) {
                case (.member(let name), .object):
                    if let member = value[member: name] { next.append(member) }
                case (.index(let position), .array(let items)):
                    let resolved = position < 0 ? items.count + position : position
                    if items.indices.contains(resolved) { next.append(items[resolved]) }
                case (.wildcard, .array(let items)):
                    next.append(contentsOf: items)
                case (.wildcard, .object(let members)):
                    next.append(contentsOf: members.map(\.value))
                default:
                    break
                }
            }
            current = next
        }
        return current
    }

    /// Parses `data` as JSON and returns the text of every value `path` selects (see `JSONValue.text`:
    /// `true`, `0`, `gold`; "" for null and empty arrays or objects).
    ///
    /// - Throws: `ExtractionError`: `expected JSON: unexpected character ',' at byte 24 (line 2, column 9)` for a
    ///   malformed body, or an invalid path.
    public static func values(_ path: String, in data: Data, source: String? = nil) throws(ExtractionError) -> [String]
    {
        let compiled = try JSONPath(path)
        return compiled.select(in: try JSONValue.parse(data, source: source)).map(\.text)
    }

    // MARK: compiling

    private static func compile(_ expression: String) throws(ExtractionError) -> [Step] {
        let characters = Array(expression)
        var position = 0
        func fail(_ what: String, at offset: Int) -> ExtractionError {
            ExtractionError(
                .invalidExpression,
                "invalid JSON path '\(expression)': \(what) at character \(offset + 1) (expected $ then .name, "
                    + "['name'], [N] or [*] steps)")
        }
        guard characters.first == "$" else { throw fail("it does not start with '$'", at: 0) }
        position = 1
        var steps: [Step] = []
        while position < characters.count {
            switch characters[position] {
            case ".":
                position += 1
                guard position < characters.count else { throw fail("a name is missing after '.'", at: position) }
                if characters[position] == "." {
                    throw fail("recursive descent '..' is not supported", at: position - 1)
                }
                if characters[position] == "*" {
                    steps.append(.wildcard)
                    position += 1
                    continue
                }
                let start = position
                while position < characters.count, !".[]'\" ".contains(characters[position]) { position += 1 }
                guard position > start else {
                    throw fail("'\(characters[position])' where a name should be", at: position)
                }
                steps.append(.member(String(characters[start..<position])))
            case "[":
                position += 1
                guard position < characters.count else { throw fail("unterminated '['", at: position - 1) }
                let opening = position - 1
                if characters[position] == "*" {
                    position += 1
                    steps.append(.wildcard)
                } else if characters[position] == "'" || characters[position] == "\"" {
                    let quote = characters[position]
                    position += 1
                    var name = ""
                    while position < characters.count, characters[position] != quote {
                        if characters[position] == "\\", position + 1 < characters.count { position += 1 }
                        name.append(characters[position])
                        position += 1
                    }
                    guard position < characters.count else { throw fail("unterminated quoted name", at: opening) }
                    position += 1
                    steps.append(.member(name))
                } else {
                    let start = position
                    if characters[position] == "-" { position += 1 }
                    while position < characters.count, characters[position].isASCII, characters[position].isNumber {
                        position += 1
                    }
                    guard let index = Int(String(characters[start..<position])) else {
                        throw fail("expected an index, '*' or a quoted name inside [ ]", at: start)
                    }
                    steps.append(.index(index))
                }
                guard position < characters.count, characters[position] == "]" else {
                    throw fail("expected ']'", at: min(position, characters.count))
                }
                position += 1
            default:
                throw fail("unexpected '\(characters[position])'", at: position)
            }
        }
        return steps
    }
}
