import AuditModel
import Foundation

/// Which clauses and statements a listing shows.
public struct ChecklistFilter: Sendable, Hashable, Codable {
    /// Keep only statements of this modality, and the clauses that have any.
    public var modality: Modality?
    /// Keep only this chapter (5 to 8).
    public var chapter: Int?

    public init(modality: Modality? = nil, chapter: Int? = nil) {
        self.modality = modality
        self.chapter = chapter
    }

    /// The clauses kept, in document order, each with only its kept statements.
    public func apply(to checklist: Checklist) -> [Clause] {
        checklist.clauses.compactMap { clause in
            if let chapter, clause.chapter != chapter { return nil }
            guard let modality else { return clause }
            var kept = clause
            kept.statements = clause.statements.filter { $0.modality == modality }
            return kept.statements.isEmpty ? nil : kept
        }
    }
}

/// What `checklist show` found for an id.
public enum ChecklistMatch: Sendable, Hashable {
    case clause(Clause)
    case statement(Statement, in: Clause)
    /// An alternative listed under a statement (`5.2.4.a`).
    case option(StatementOption, of: Statement, in: Clause)

    /// `clause`, `statement` or `option`, as the JSON says.
    public var kind: String {
        switch self {
        case .clause: "clause"
        case .statement: "statement"
        case .option: "option"
        }
    }

    /// The clause, with only the matched statement when a statement or option matched.
    public var clause: Clause {
        switch self {
        case .clause(let clause): return clause
        case .statement(let statement, let clause), .option(_, let statement, let clause):
            var narrowed = clause
            narrowed.statements = [statement]
            return narrowed
        }
    }
}

/// The text and JSON views of a checklist that the `checklist list` and `checklist show` commands print.
public enum ChecklistView {
    // MARK: Lookup

    /// The clause, statement or option with this id (`5.1.2`, `5.1.2-3`, `6.1.d`, `5.2.4.a`).
    public static func find(_ id: String, in checklist: Checklist) -> ChecklistMatch? {
        let wanted = id.trimmingCharacters(in: .whitespaces)
        for clause in checklist.clauses {
            if clause.id == wanted { return .clause(clause) }
            for statement in clause.statements {
                if statement.id == wanted { return .statement(statement, in: clause) }
                if let option = statement.options.first(where: { $0.id == wanted }) {
                    return .option(option, of: statement, in: clause)
                }
            }
        }
        return nil
    }

    /// Ids close to an unknown `id`, to suggest: the ids it begins, or that begin with it, or the clauses
    /// of the same section.
    public static func suggestions(for id: String, in checklist: Checklist, limit: Int = 8) -> [String] {
        let all = checklist.clauses.flatMap { clause in
            [clause.id] + clause.statements.flatMap { [$0.id] + $0.options.map(\.id) }
        }
        var found = all.filter { $0.hasPrefix(id) || (id.hasPrefix($0) && !$0.isEmpty) }
        if found.isEmpty {
            let section = id.split(separator: ".").prefix(2).joined(separator: ".")
            found = checklist.clauses.map(\.id).filter { $0.hasPrefix(section + ".") || $0 == section }
        }
        return Array(found.prefix(limit))
    }

    // MARK: Table

    /// A table of the clauses and statements the filter keeps, aligned for terminals where Chinese
    /// characters take two columns, ending with a count line.
    ///
    /// - Parameter width: when given, each line's text column is cut so the line fits in `width` columns.
    public static func table(
        _ checklist: Checklist, filter: ChecklistFilter = .init(), language: Language = .zh, width: Int? = nil
    ) -> String {
        let labels = Labels(language)
        let clauses = filter.apply(to: checklist)
        var rows: [[String]] = [[labels.id, labels.modality, labels.methods, labels.text]]
        for clause in clauses {
            rows.append([clause.id, "", "", clause.title.text(language)])
            for statement in clause.statements {
                var text = statement.text.text(language)
                if let threshold = statement.threshold { text += labels.thresholdSuffix(threshold) }
                if !statement.options.isEmpty {
                    text += labels.optionsSuffix(count: statement.options.count, minimum: statement.minimumOptions)
                }
                rows.append([
                    "  " + statement.id, labels.modalityName(statement.modality),
                    statement.methods.map(\.rawValue).joined(separator: " "), text,
                ])
            }
        }
        let columns = rows[0].count
        let widths = (0..<columns - 1).map { column in rows.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
        let separator = "  "
        let lead = widths.reduce(0, +) + separator.count * (columns - 1)
        var lines = rows.map { row -> String in
            var line = ""
            for column in 0..<columns - 1 { line += DisplayWidth.pad(row[column], to: widths[column]) + separator }
            var text = row[columns - 1]
            if let width { text = DisplayWidth.truncate(text, to: max(width - lead, 8)) }
            line += text
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
        lines.append(labels.summary(clauses: clauses, filter: filter))
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: JSON

    /// The JSON of `checklist list --format json`:
    /// `{"checklist": {file, version, digest, standard}, "filter": {modality?, chapter?},
    ///   "counts": {clauses, statements, byModality}, "clauses": [Clause…]}`.
    /// A clause has `id`, `chapter`, `section`?, `title`, `text`, `notes` and `statements`; a statement has
    /// `id`, `clauseID`, `modality`, `text`, `methods`, `evidence`, `threshold`?, `options`,
    /// `minimumOptions` and `condition`?; texts are `{"zh": …, "en": …}`. Keys are sorted.
    public static func listJSON(_ checklist: Checklist, file: String, filter: ChecklistFilter = .init()) throws
        -> String
    {
        let clauses = filter.apply(to: checklist)
        let statements = clauses.flatMap(\.statements)
        var byModality: [String: Int] = [:]
        for modality in Modality.allCases {
            byModality[modality.rawValue] = statements.filter { $0.modality == modality }.count
        }
        let document = ListDocument(
            checklist: Header(checklist, file: file), filter: filter,
            counts: Counts(clauses: clauses.count, statements: statements.count, byModality: byModality),
            clauses: clauses)
        return try encode(document)
    }

    /// The JSON of `checklist show --format json`: `{"checklist": {…}, "match": {"id", "kind"},
    /// "clause": Clause}` where the clause holds only the matched statement when a statement or option matched.
    public static func showJSON(_ match: ChecklistMatch, id: String, checklist: Checklist, file: String) throws
        -> String
    {
        try encode(
            ShowDocument(
                checklist: Header(checklist, file: file), match: .init(id: id, kind: match.kind), clause: match.clause))
    }

    // MARK: Text

    /// The full text of a clause, a statement or an option, with notes, evidence, thresholds and options.
    public static func text(_ match: ChecklistMatch, checklist: Checklist, language: Language = .zh) -> String {
        let labels = Labels(language)
        let clause: Clause
        let statements: [Statement]
        var highlighted: String?
        switch match {
        case .clause(let found):
            clause = found
            statements = found.statements
        case .statement(let statement, let found):
            clause = found
            statements = [statement]
        case .option(let option, let statement, let found):
            clause = found
            statements = [statement]
            highlighted = option.id
        }
        var lines: [String] = []
        let chapterTitle = checklist.chapters.first { $0.number == clause.chapter }?.title.text(language) ?? ""
        var heading = "\(clause.id) \(clause.title.text(language))"
        if let section = clause.section {
            heading = "\(clause.id) \(section.text(language)) — \(clause.title.text(language))"
        }
        lines.append(heading + labels.chapter(clause.chapter, title: chapterTitle))
        if case .clause = match {
            lines.append(clause.text.text(language))
            for note in clause.notes {
                lines.append("")
                lines.append(labels.note + note.text(language))
            }
        }
        for statement in statements {
            lines.append("")
            lines.append(
                "\(statement.id)  \(labels.modalityName(statement.modality))  \(labels.methodsField)\(labels.colon)"
                    + statement.methods.map(\.rawValue).joined(separator: " "))
            lines.append("  " + statement.text.text(language))
            if let condition = statement.condition {
                lines.append("  \(labels.condition)\(labels.colon)\(condition.text(language))")
            }
            if let threshold = statement.threshold {
                lines.append(
                    "  \(labels.threshold)\(labels.colon)\(threshold.quantity) \(threshold.comparison.symbol) "
                        + "\(NumberFormat.exact(threshold.value)) \(threshold.unit)")
            }
            if !statement.options.isEmpty {
                lines.append(
                    "  " + labels.optionsHeading(minimum: statement.minimumOptions, count: statement.options.count))
                for option in statement.options {
                    let marker = option.id == highlighted ? "→ " : "  "
                    lines.append("  \(marker)\(option.id)  \(option.text.text(language))")
                }
            }
            if !statement.evidence.isEmpty {
                lines.append("  \(labels.evidence)\(labels.colon.trimmingCharacters(in: .whitespaces))")
                for evidence in statement.evidence { lines.append("  - " + evidence.text(language)) }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Private

    private struct Header: Codable {
        var file: String
        var version: String
        var digest: String
        var standard: LocalizedText

        init(_ checklist: Checklist, file: String) {
            self.file = file
            version = checklist.version
            digest = checklist.digest
            standard = LocalizedText(zh: checklist.standardTitleZH, en: checklist.standardTitleEN)
        }
    }

    private struct Counts: Codable {
        var clauses: Int
        var statements: Int
        var byModality: [String: Int]
    }

    private struct ListDocument: Codable {
        var checklist: Header
        var filter: ChecklistFilter
        var counts: Counts
        var clauses: [Clause]
    }

    private struct MatchInfo: Codable {
        var id: String
        var kind: String
    }

    private struct ShowDocument: Codable {
        var checklist: Header
        var match: MatchInfo
        var clause: Clause
    }

    private static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Words of the table and text views in each language.
    private struct Labels {
        let language: Language

        init(_ language: Language) { self.language = language }

        var zh: Bool { language == .zh }
        var id: String { zh ? "编号" : "ID" }
        var modality: String { zh ? "模态" : "MODALITY" }
        var methods: String { zh ? "评估方法" : "METHODS" }
        var text: String { zh ? "内容" : "TEXT" }
        var methodsField: String { zh ? "评估方法" : "Methods" }
        var colon: String { zh ? "：" : ": " }
        var note: String { zh ? "注：" : "Note: " }
        var condition: String { zh ? "适用条件" : "Applies when" }
        var threshold: String { zh ? "阈值" : "Threshold" }
        var evidence: String { zh ? "证据" : "Evidence" }

        /// `应 shall`, `严禁 shallNot`, `宜 should`, `可 may`.
        func modalityName(_ modality: Modality) -> String { "\(modality.chineseWords[0]) \(modality.rawValue)" }

        func chapter(_ number: Int, title: String) -> String {
            zh ? "（第\(number)章 \(title)）" : " (chapter \(number), \(title))"
        }

        func thresholdSuffix(_ threshold: Threshold) -> String {
            let value =
                "\(threshold.comparison.symbol) \(NumberFormat.exact(threshold.value)) \(threshold.unit)"
            return zh ? "（阈值 \(value)）" : " (threshold \(value))"
        }

        func optionsSuffix(count: Int, minimum: Int) -> String {
            zh ? "（\(count) 个选项，至少 \(minimum) 个）" : " (\(count) options, at least \(minimum))"
        }

        func optionsHeading(minimum: Int, count: Int) -> String {
            zh ? "选项（\(count) 个中至少 \(minimum) 个）：" : "Options (at least \(minimum) of \(count)):"
        }

        func summary(clauses: [Clause], filter: ChecklistFilter) -> String {
            let statements = clauses.flatMap(\.statements)
            let counts = Modality.allCases.compactMap { modality -> String? in
                let count = statements.filter { $0.modality == modality }.count
                return count > 0 ? "\(zh ? modality.chineseWords[0] : modality.rawValue) \(count)" : nil
            }
            var conditions: [String] = []
            if let chapter = filter.chapter { conditions.append(zh ? "第\(chapter)章" : "chapter \(chapter)") }
            if let modality = filter.modality {
                conditions.append(zh ? "\(modality.chineseWords[0]) \(modality.rawValue)" : modality.rawValue)
            }
            let comma = zh ? "，" : ", "
            let filtered = conditions.isEmpty ? "" : (zh ? "；筛选：" : "; filter: ") + conditions.joined(separator: comma)
            let breakdown = counts.isEmpty ? "" : (zh ? "（" : " (") + counts.joined(separator: comma) + (zh ? "）" : ")")
            return zh
                ? "共 \(clauses.count) 条款，\(statements.count) 条陈述\(breakdown)\(filtered)"
                : "\(clauses.count) clauses, \(statements.count) statements\(breakdown)\(filtered)"
        }
    }
}
