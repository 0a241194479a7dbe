import AuditModel
import AuditSupport
import AuditXML
import Foundation

/// The outcome of reading and validating one checklist file: the checklist when it is usable, and
/// every diagnostic found (errors and warnings), each naming the file, the line and what was expected.
public struct ChecklistValidation: Sendable {
    /// The checked file as the user named it.
    public var file: String
    /// The schema the file was validated against.
    public var schema: String
    /// The checklist, when the file has no error (warnings allowed).
    public var checklist: Checklist?
    /// Every problem found, in file order within each stage (well-formedness, schema, semantics).
    public var diagnostics: [Diagnostic]

    public init(file: String, schema: String, checklist: Checklist?, diagnostics: [Diagnostic]) {
        self.file = file
        self.schema = schema
        self.checklist = checklist
        self.diagnostics = diagnostics
    }

    /// Diagnostics of severity `error`.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// Diagnostics of severity `warning`.
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// Whether the checklist can be used: no error (warnings do not count).
    public var isValid: Bool { checklist != nil && errors.isEmpty }
}

/// Reads a checklist XML file (see `checklists/checklist.xsd`), validates it and builds the `Checklist`.
///
/// Validation happens in three stages, and every problem of a stage is reported, not just the first:
/// 1. well-formedness, parsed by AuditXML (libxml2 with no network, no entity substitution); any
///    `<!DOCTYPE` is refused before parsing, so no external entity is read and no entity is expanded;
/// 2. the XML Schema, with libxml2's structured errors turned into diagnostics;
/// 3. rules the schema cannot express: a clause id begins with its chapter number, a statement
///    or option id with its clause id, `minimumOptions` only with options and at most their count,
///    and (a warning) a statement's Chinese text contains the modal word of its modality.
///
/// Thread-safe: every call builds and frees its own documents and schema on the calling thread.
public enum ChecklistLoader {
    /// The checklist namespace.
    public static let namespace = "urn:mallaudit:checklist:1"
    /// File name of the schema, looked for beside the checklist by default.
    public static let schemaFileName = "checklist.xsd"

    static let expectedRoot = "the root element <checklist xmlns=\"\(namespace)\" version=\"…\">"
    static let expectedDocument =
        "an XML checklist: <?xml version=\"1.0\" encoding=\"UTF-8\"?> then "
        + "<checklist xmlns=\"\(namespace)\" version=\"…\">"
    /// What a checklist is, in the words of a DOCTYPE refusal.
    static let role = XMLDocumentRole(noun: "a checklist", start: "<checklist xmlns=\"\(namespace)\">")

    /// Loads and validates the checklist at `file`.
    ///
    /// - Parameters:
    ///   - file: the checklist XML.
    ///   - schema: the XSD; by default `checklist.xsd` beside the file (see `ChecklistLocator.schema(forChecklist:)`).
    ///   - displayName: how diagnostics name the file; by default its path.
    /// - Returns: the checklist, with `digest` set to the SHA-256 of the file's bytes.
    /// - Throws: `DiagnosticsError` with every diagnostic (errors and warnings) when there is any error.
    public static func load(file: URL, schema: URL? = nil, displayName: String? = nil) throws -> Checklist {
        try checked(validate(file: file, schema: schema, displayName: displayName))
    }

    /// Loads and validates a checklist held in memory; `displayName` names it in diagnostics.
    public static func load(data: Data, displayName: String, schema: URL) throws -> Checklist {
        try checked(validate(data: data, displayName: displayName, schema: schema))
    }

    /// Validates the checklist at `file`; never throws: problems are diagnostics.
    public static func validate(file: URL, schema: URL? = nil, displayName: String? = nil) -> ChecklistValidation {
        let name = displayName ?? file.path
        let schemaURL = schema ?? ChecklistLocator.schema(forChecklist: file)
        let data: Data
        do throws(XMLFileError) {
            data = try XMLFile.contents(of: file, limit: maximumFileSize, tooLarge: tooLarge)
        } catch {
            let diagnostic = Diagnostic(
                file: name, message: "cannot read the checklist: \(error.reason)",
                expected: "a readable checklist XML file")
            return ChecklistValidation(file: name, schema: schemaURL.path, checklist: nil, diagnostics: [diagnostic])
        }
        return validate(data: data, displayName: name, schema: schemaURL)
    }

    /// Validates a checklist held in memory against the schema at `schema`; never throws.
    public static func validate(data: Data, displayName: String, schema: URL) -> ChecklistValidation {
        let schemaName = schema.path
        var diagnostics: [Diagnostic] = []
        func finish(_ checklist: Checklist? = nil) -> ChecklistValidation {
            let valid = diagnostics.allSatisfy { $0.severity != .error }
            return ChecklistValidation(
                file: displayName, schema: schemaName, checklist: valid ? checklist : nil, diagnostics: diagnostics)
        }

        // Stage 1: well-formedness.
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            diagnostics.append(
                Diagnostic(
                    file: displayName, line: 1, message: data.isEmpty ? "the file is empty" : "the file is blank",
                    expected: expectedDocument))
            return finish()
        }
        let parsed = MarkupDocument.parseXML(data, name: displayName, role: role)
        let translator = ChecklistDiagnostics(file: displayName, schemaName: schemaName, root: parsed.document?.root)
        guard let document = parsed.document, let root = document.root else {
            diagnostics += parsed.diagnostics(
                file: displayName, expected: ChecklistDiagnostics.expected(for:), otherwise: expectedDocument)
            return finish()
        }
        diagnostics += parsed.diagnostics(file: displayName, expected: ChecklistDiagnostics.expected(for:))
        guard root.localName == "checklist", root.namespaceURI == namespace else {
            let namespaceText = root.namespaceURI.map { "in namespace \"\($0)\"" } ?? "without a namespace"
            diagnostics.append(
                Diagnostic(
                    file: displayName, line: root.line,
                    message: "the root element is <\(root.localName)> \(namespaceText)", expected: expectedRoot))
            return finish()
        }

        // Stage 2: the schema.
        let compilation = CompiledSchema.load(
            schema, what: "the checklist schema",
            expected: "the XML Schema \(schemaFileName) beside the checklist, or a schema passed explicitly")
        diagnostics += compilation.diagnostics
        guard let compiled = compilation.schema else { return finish() }
        let validation = compiled.validate(document)
        diagnostics += translator.schemaDiagnostics(validation.issues)
        if !validation.isValid {
            if diagnostics.allSatisfy({ $0.severity != .error }) {
                diagnostics.append(
                    Diagnostic(
                        file: displayName, line: root.line, message: "the checklist is not valid against the schema",
                        expected: "content valid against \(schemaName)"))
            }
            return finish()
        }

        // Stage 3: what the schema cannot say.
        var reader = ChecklistTreeReader(file: displayName)
        let checklist = reader.read(root: root, digest: sha256Hex(data))
        diagnostics += reader.diagnostics
        return finish(checklist)
    }

    /// Lowercase hex SHA-256 of `data`: the checklist's `digest`.
    public static func sha256Hex(_ data: Data) -> String { SHA256Digest.hex(of: data) }

    // MARK: - Helpers

    private static func checked(_ validation: ChecklistValidation) throws -> Checklist {
        guard validation.isValid, let checklist = validation.checklist else {
            throw DiagnosticsError(validation.diagnostics)
        }
        return checklist
    }

    /// The largest file read: the whole standard encodes in about 150 KB; this stops `/dev/zero` and the like.
    static let maximumFileSize = XMLFile.defaultLimit
    static let tooLarge = "larger than \(maximumFileSize / 1024 / 1024) MiB, far more than a checklist"
}

/// Builds the model from a schema-valid tree and checks the rules the schema cannot express.
struct ChecklistTreeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    mutating func read(root: MarkupNode, digest: String) -> Checklist {
        let standardTitle = root.child("standard")?.child("title").map(localized)
        let chapters = root.children("chapter").map { readChapter($0) }
        return Checklist(
            version: root.attribute("version") ?? "", standardTitleZH: standardTitle?.zh ?? "",
            standardTitleEN: standardTitle?.en ?? "", digest: digest, chapters: chapters)
    }

    private mutating func readChapter(_ node: MarkupNode) -> Chapter {
        let number = numberAttribute(node, "number", as: Int.self, expected: "a chapter number such as 5") ?? 0
        let clauses = node.children("clause").map { readClause($0, chapter: number) }
        return Chapter(
            number: number, title: node.child("title").map(localized) ?? .init(zh: "", en: ""), clauses: clauses)
    }

    private mutating func readClause(_ node: MarkupNode, chapter: Int) -> Clause {
        let id = node.attribute("id") ?? ""
        if !id.hasPrefix("\(chapter).") {
            error(
                node, "clause \(id) is in chapter \(chapter)",
                expected: "a clause id beginning with \"\(chapter).\" (ids follow spec/clauses.md)")
        }
        let notes = node.children("note").map(localized)
        let statements = node.children("statement").map {
            readStatement($0, clauseID: id, clauseHasNote: !notes.isEmpty)
        }
        return Clause(
            id: id, chapter: chapter, section: node.child("section").map(localized),
            title: node.child("title").map(localized) ?? .init(zh: "", en: ""),
            text: node.child("text").map(localized) ?? .init(zh: "", en: ""), notes: notes, statements: statements)
    }

    private mutating func readStatement(_ node: MarkupNode, clauseID: String, clauseHasNote: Bool) -> Statement {
        let id = node.attribute("id") ?? ""
        let isListItem = Self.isListItem(id, of: clauseID)
        if !isListItem && !Self.isObligation(id, of: clauseID) {
            error(
                node, "statement id \(id) is not under its clause \(clauseID)",
                expected: "\(clauseID)-N for the N-th obligation of the paragraph or \(clauseID).x for list item x)")
        }
        let modality = Modality(rawValue: node.attribute("modality") ?? "") ?? .shall
        let methods = (node.attribute("methods") ?? "").split(whereSeparator: \.isWhitespace)
            .compactMap { AssessmentMethod(rawValue: String($0)) }
        let text = node.child("text").map(localized) ?? .init(zh: "", en: "")
        let options = node.children("option").map { option -> StatementOption in
            let optionID = option.attribute("id") ?? ""
            if !Self.isListItem(optionID, of: clauseID) {
                error(
                    option, "option id \(optionID) of statement \(id) is not under its clause \(clauseID)",
                    expected: "\(clauseID).x, x the letter of the item in the paragraph")
            }
            return StatementOption(id: optionID, text: localized(option))
        }
        var minimumOptions = options.count
        if let minimum = numberAttribute(
            node, "minimumOptions", as: Int.self, expected: "a whole number of options, at least 1")
        {
            minimumOptions = minimum
            if options.isEmpty {
                error(
                    node, "statement \(id) sets minimumOptions=\"\(minimum)\" but lists no <option>",
                    expected: "minimumOptions only on a statement with <option> elements")
            } else if minimum > options.count {
                error(
                    node,
                    "statement \(id) sets minimumOptions=\"\(minimum)\" but lists only \(options.count) option(s)",
                    expected: "a minimumOptions from 1 to \(options.count), the number of its options")
            }
        }
        if !isListItem && !clauseHasNote && !modality.chineseWords.contains(where: { text.zh.contains($0) }) {
            let words = modality.chineseWords.joined(separator: " or ")
            diagnostics.append(
                Diagnostic(
                    .warning, file: file, line: node.line,
                    message: "statement \(id) is \(modality.rawValue) but its Chinese text has no \(words)",
                    expected: "\(words) in the statement's <zh>, or a <note> on clause \(clauseID) saying why not"))
        }
        let threshold = node.child("threshold").map { element in
            Threshold(
                quantity: element.attribute("quantity") ?? "",
                comparison: Comparison(
                    rawValue: (element.attribute("comparison") ?? "").trimmingCharacters(in: .whitespaces)) ?? .equal,
                value: numberAttribute(element, "value", as: Double.self, expected: "a number such as 60 or 85.5")
                    ?? 0,
                unit: element.attribute("unit") ?? "")
        }
        let checkpoints = node.children("checkpoint").map { element -> Checkpoint in
            let name = element.attribute("id") ?? ""
            let quote = element.child("quote")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !quote.isEmpty, !text.zh.contains(quote) {
                error(
                    element, "checkpoint \(id)/\(name) quotes “\(quote)”, which is not in the statement's text",
                    expected: "the exact words of the standard the checkpoint stands for, from \(id)'s <zh>")
            }
            var checkpointMethods = methods
            if let written = element.attribute("methods") {
                checkpointMethods = written.split(whereSeparator: \.isWhitespace)
                    .compactMap { AssessmentMethod(rawValue: String($0)) }
                let extra = checkpointMethods.filter { !methods.contains($0) }
                if !extra.isEmpty {
                    error(
                        element, "checkpoint \(id)/\(name) has methods its statement does not: "
                            + extra.map(\.rawValue).joined(separator: ", "),
                        expected: "a subset of \(methods.map(\.rawValue).joined(separator: " "))")
                }
            }
            return Checkpoint(
                id: "\(id)/\(name)", quote: quote,
                text: element.child("text").map(localized) ?? .init(zh: "", en: ""), methods: checkpointMethods,
                evidence: element.children("evidence").map(localized),
                scope: Scope(rawValue: element.attribute("scope") ?? "") ?? .mall)
        }
        return Statement(
            id: id, clauseID: clauseID, modality: modality, text: text, methods: methods,
            evidence: node.children("evidence").map(localized), threshold: threshold, options: options,
            minimumOptions: minimumOptions, condition: node.child("condition").map(localized),
            checkpoints: checkpoints, scope: Scope(rawValue: node.attribute("scope") ?? "") ?? .mall)
    }

    private func localized(_ node: MarkupNode) -> LocalizedText {
        LocalizedText(
            zh: node.child("zh")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? "",
            en: node.child("en")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
    }

    /// The attribute `name` as a number, surrounding whitespace removed as the schema's numeric types do; nil when
    /// absent, and nil with an error at the element's line when it is not a number (never a silent 0).
    private mutating func numberAttribute<T: LosslessStringConvertible>(
        _ node: MarkupNode, _ name: String, as type: T.Type, expected: String
    ) -> T? {
        guard let text = node.attribute(name) else { return nil }
        guard let value = T(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            error(node, "\(name)=\"\(text)\" is not a number", expected: expected)
            return nil
        }
        return value
    }

    private mutating func error(_ node: MarkupNode, _ message: String, expected: String) {
        diagnostics.append(Diagnostic(file: file, line: node.line, message: message, expected: expected))
    }

    /// `6.1.d` under `6.1`: the clause id, a dot and one lowercase letter.
    static func isListItem(_ id: String, of clauseID: String) -> Bool {
        guard id.hasPrefix(clauseID + ".") else { return false }
        let rest = id.dropFirst(clauseID.count + 1)
        return rest.count == 1 && rest.allSatisfy { ("a"..."z").contains($0) }
    }

    /// `5.1.1-2` under `5.1.1`: the clause id, a hyphen and a number.
    static func isObligation(_ id: String, of clauseID: String) -> Bool {
        guard id.hasPrefix(clauseID + "-") else { return false }
        let rest = id.dropFirst(clauseID.count + 1)
        return !rest.isEmpty && rest.allSatisfy(\.isASCIIDigitCharacter)
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
