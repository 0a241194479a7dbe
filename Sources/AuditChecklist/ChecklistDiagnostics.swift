import AuditModel
import AuditXML
import Foundation

/// Turns the XML layer's parser and schema issues into `Diagnostic`s a checklist author can act on:
/// the file, the line, the statement or clause concerned, and what was expected there.
struct ChecklistDiagnostics {
    /// Display name of the checked file, as the user gave it.
    var file: String
    /// Display name of the schema, for the fallback "expected" text.
    var schemaName: String
    /// Root of the checked document, to find where a duplicated id was first used.
    var root: MarkupNode?

    static let namespacePrefix = "{\(ChecklistLoader.namespace)}"

    // MARK: Well-formedness

    /// What a checklist author is expected to write where the parser stopped.
    static func expected(for issue: XMLIssue) -> String {
        switch issue.kind {
        case .notADocument: ChecklistLoader.expectedDocument
        case .undeclaredEntity:
            "no entity reference but &lt; &gt; &amp; &apos; &quot; and &#…; (checklists declare no entity)"
        case .other: "well-formed XML"
        }
    }

    // MARK: Schema validity

    /// Diagnostics for the errors of one schema validation, in order. libxml2 often reports a bad value
    /// twice, once for the facet it breaks and once for its type; the second adds nothing and is dropped.
    func schemaDiagnostics(_ errors: [XMLIssue]) -> [Diagnostic] {
        var reported = Set<String>()
        var result: [Diagnostic] = []
        for error in errors {
            let parsed = ParsedSchemaMessage(error.message)
            let key = "\(error.line ?? 0)|\(parsed.element ?? "")|\(parsed.attribute ?? "")"
            if parsed.rest.contains("is not a valid value of"), reported.contains(key) { continue }
            reported.insert(key)
            result.append(schemaDiagnostic(error))
        }
        return result
    }

    /// A diagnostic for an error found while validating against the checklist schema.
    func schemaDiagnostic(_ error: XMLIssue) -> Diagnostic {
        let line = error.line ?? error.node?.line ?? 1
        let parsed = ParsedSchemaMessage(error.message)
        let context = error.node?.describedContext
        // "statement 5.1.1-2: " or "<standard>: "
        let prefix: String
        var subject: String
        if let context {
            prefix = "\(context.element) \(context.identifier): "
            subject = context.element == parsed.element ? "" : "<\(parsed.element ?? "?")> "
        } else if let element = parsed.element {
            prefix = ""
            subject = "<\(element)> "
        } else {
            prefix = ""
            subject = ""
        }
        if let attribute = parsed.attribute { subject += "attribute \(attribute) " }

        let (text, expected) = explain(parsed, subject: subject, line: line)
        var diagnostic = error.diagnostic(file: file, message: prefix + text, expected: expected)
        diagnostic.line = line
        diagnostic.column = nil
        return diagnostic
    }

    /// The message (after the context prefix) and the expectation for one schema error.
    private func explain(_ parsed: ParsedSchemaMessage, subject: String, line: Int) -> (String, String) {
        let rest = parsed.rest
        let element = parsed.element ?? "?"
        let value = rest.between("The value '", and: "'") ?? rest.between("'", and: "'") ?? ""
        let trimmedSubject = subject.trimmingCharacters(in: .whitespaces)
        let what = trimmedSubject.isEmpty ? "value" : trimmedSubject

        if rest.contains("[facet 'enumeration']") {
            let set = rest.between("{", and: "}") ?? ""
            return ("\(what) \"\(value)\" is not allowed", "one of \(set)")
        }
        if rest.contains("[facet 'pattern']") {
            let pattern = rest.between("by the pattern '", and: "'.") ?? ""
            return ("\(what) \"\(value)\" is not accepted", Self.describe(pattern: pattern))
        }
        if rest.contains("[facet 'minLength']") {
            if parsed.attribute == "methods" { return ("\(what) is empty", Self.expectedMethods) }
            let minimum = rest.between("minimum length of '", and: "'") ?? "1"
            return ("\(what) \"\(value)\" is too short", "at least \(minimum) character(s)")
        }
        if rest.contains("[facet 'minInclusive']") || rest.contains("[facet 'maxInclusive']") {
            if element == "chapter" && parsed.attribute == "number" {
                return (
                    "\(what) \"\(value)\" is out of range",
                    "a chapter number from 5 to 8 (chapters 5–8 hold requirements)"
                )
            }
            let limit = rest.between("allowed ('", and: "')") ?? "?"
            let bound = rest.contains("minInclusive") ? "at least" : "at most"
            return ("\(what) \"\(value)\" is out of range", "a value \(bound) \(limit)")
        }
        if rest.contains("is not a valid value of") {
            // A facet error has usually been reported for the same value just before; this one names the type.
            let type = rest.between("type '", and: "'") ?? ""
            if parsed.attribute == "methods" { return ("\(what) \"\(value)\" is not valid", Self.expectedMethods) }
            return ("\(what) \"\(value)\" is not valid", Self.describe(type: type))
        }
        if rest.hasPrefix("The attribute '") && rest.hasSuffix("is required but missing.") {
            let attribute = rest.between("The attribute '", and: "'") ?? "?"
            return ("\(subject)attribute \(attribute) is missing", Self.describe(requiredAttribute: attribute))
        }
        if rest.hasPrefix("The attribute '") && rest.hasSuffix("is not allowed.") {
            let attribute = rest.between("The attribute '", and: "'") ?? "?"
            return (
                "\(subject)attribute \(attribute) is not allowed",
                "only the attributes \(schemaName) declares for <\(element)>"
            )
        }
        if rest.hasPrefix("Missing child element(s).") {
            let what = subject.isEmpty ? "a child element is missing" : "\(subject)is missing a child element"
            return (what, Self.expectedElements(in: rest))
        }
        if rest.hasPrefix("This element is not expected.") {
            let expected =
                rest.contains("Expected is")
                ? Self.expectedElements(in: rest) : "no further element here (see \(schemaName))"
            return ("<\(element)> is not expected here", expected)
        }
        if rest.hasPrefix("Duplicate key-sequence") {
            let id = rest.between("['", and: "']") ?? "?"
            let constraint = rest.between("identity-constraint '", and: "'") ?? ""
            let first =
                firstLine(ofID: id, constraint: constraint, before: line).map { " (first used on line \($0))" } ?? ""
            switch constraint {
            case "uniqueClauseID":
                return ("duplicate clause id \"\(id)\"\(first)", "each clause id once in the checklist")
            case "uniqueChapter":
                return ("duplicate chapter number \"\(id)\"\(first)", "each chapter once in the checklist")
            default:
                return (
                    "duplicate statement or option id \"\(id)\"\(first)",
                    "each statement and option id once in the checklist"
                )
            }
        }
        if rest.hasPrefix("Character content other than whitespace is not allowed") {
            return ("<\(element)> contains text", "only child elements inside <\(element)>")
        }
        if rest.hasPrefix("Element content is not allowed") {
            return ("<\(element)> contains elements", "text only inside <\(element)>")
        }
        if rest.hasPrefix("No matching global declaration available for the validation root") {
            return ("<\(element)> is not a checklist", ChecklistLoader.expectedRoot)
        }
        return ("\(subject)\(rest)".trimmingCharacters(in: .whitespaces), "content valid against \(schemaName)")
    }

    /// Line of the first element carrying the duplicated value, when it comes before `line`.
    private func firstLine(ofID id: String, constraint: String, before line: Int) -> Int? {
        guard let root else { return nil }
        let attribute = constraint == "uniqueChapter" ? "number" : "id"
        let names: Set<String> =
            switch constraint {
            case "uniqueChapter": ["chapter"]
            case "uniqueClauseID": ["clause"]
            default: ["statement", "option"]
            }
        var stack = [root]
        var best: Int?
        while let node = stack.popLast() {
            if names.contains(node.localName), node.attribute(attribute) == id {
                let found = node.line
                if found < line, best.map({ found < $0 }) ?? true { best = found }
            }
            stack.append(contentsOf: node.childElements)
        }
        return best
    }

    // MARK: Expectations in words

    static let expectedMethods =
        "methods=\"…\" listing one or more of probe, data, inspection, document, interview (space-separated)"

    static func describe(requiredAttribute attribute: String) -> String {
        switch attribute {
        case "methods": expectedMethods
        case "modality": "modality=\"…\" with one of shall, shallNot, should, may"
        case "id": "an id=\"…\" attribute (clause 5.1.2, statement 5.1.2-1 or 6.1.a, option 5.2.4.a)"
        case "number": "number=\"…\" with the chapter number, 5 to 8"
        case "version": "version=\"…\" like 1.0.0"
        default: "attribute \(attribute)"
        }
    }

    static func describe(pattern: String) -> String {
        switch pattern {
        case #"[\s\S]*[\p{IsCJKUnifiedIdeographs}][\s\S]*"#: "Chinese text (at least one CJK ideograph)"
        case #"[\s\S]*\S[\s\S]*"#: "non-blank text"
        case #"[5-8]\.[0-9]{1,2}(\.[0-9]{1,2})?"#: "a clause id like 5.1.2, 6.1 or 7.4.10"
        case #"[5-8]\.[0-9]{1,2}(\.[0-9]{1,2})?(-[0-9]{1,2}|\.[a-z])"#:
            "a statement id like 5.1.1-1 (N-th obligation) or 6.1.d (list item d)"
        case #"[5-8]\.[0-9]{1,2}(\.[0-9]{1,2})?\.[a-z]"#: "an option id like 5.2.4.a"
        case #"[0-9]+\.[0-9]+\.[0-9]+"#: "a version like 1.0.0"
        default: "a value matching the pattern \(pattern)"
        }
    }

    static func describe(type: String) -> String {
        switch type {
        case "xs:decimal": "a decimal number like 60 or 85.5"
        case "xs:positiveInteger": "a whole number of at least 1"
        case "xs:NCName": "a name without spaces or colons, like logRetention"
        default: "a value of type \(type)"
        }
    }

    /// `<zh>` or `one of <condition>, <threshold>` from libxml2's "Expected is ( … )." tail.
    static func expectedElements(in message: String) -> String {
        guard let list = message.between("( ", and: " )") else { return "the elements the schema declares here" }
        let names = list.split(separator: ",").map { name -> String in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            let local = trimmed.hasPrefix("{") ? String(trimmed.drop { $0 != "}" }.dropFirst()) : trimmed
            return "<\(local)>"
        }
        return names.count == 1 ? names[0] : "one of " + names.joined(separator: ", ")
    }
}

/// libxml2's schema messages have the shape `Element '{ns}name'[, attribute 'a']: rest`.
struct ParsedSchemaMessage {
    var element: String?
    var attribute: String?
    var rest: String

    init(_ message: String) {
        var text = Substring(message)
        if text.hasPrefix("Element '"), let close = text.dropFirst(9).firstIndex(of: "'") {
            let qualified = text[text.index(text.startIndex, offsetBy: 9)..<close]
            element = qualified.hasPrefix("{") ? String(qualified.drop { $0 != "}" }.dropFirst()) : String(qualified)
            text = text[text.index(after: close)...]
            if text.hasPrefix(", attribute '"), let attributeClose = text.dropFirst(13).firstIndex(of: "'") {
                attribute = String(text[text.index(text.startIndex, offsetBy: 13)..<attributeClose])
                text = text[text.index(after: attributeClose)...]
            }
            if text.hasPrefix(":") { text = text.dropFirst() }
        }
        rest = text.trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: ChecklistDiagnostics.namespacePrefix, with: "")
    }
}

extension StringProtocol {
    /// The text between the first `start` and the next `end` after it.
    func between(_ start: String, and end: String) -> String? {
        guard let open = range(of: start) else { return nil }
        guard let close = self[open.upperBound...].range(of: end) else { return nil }
        return String(self[open.upperBound..<close.lowerBound])
    }
}

extension MarkupNode {
    /// The element itself or its nearest ancestor element that has an `id` (or a chapter `number`),
    /// to say in a diagnostic which statement, clause or chapter it is about.
    var describedContext: (element: String, identifier: String)? {
        var current: MarkupNode? = isElement ? self : nil
        while let node = current {
            if let id = node.attribute("id") { return (node.localName, id) }
            if node.localName == "chapter", let number = node.attribute("number") { return ("chapter", number) }
            current = node.parent
        }
        return nil
    }
}
