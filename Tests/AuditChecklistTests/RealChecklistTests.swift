import AuditChecklist
import AuditModel
import Foundation
import Testing

/// The clause numbering key, `spec/clauses.md`, beside the repository.
struct ClauseKey: Sendable {
    struct Row: Sendable {
        var id: String
        /// The "modality in the paragraph" cell, e.g. `应 + 可 + 应 … + 严禁`.
        var modalityCell: String
    }

    var rows: [Row]

    static let url = Paths.sharedSpec.appendingPathComponent("clauses.md")

    /// Reads the key table: every row whose first cell is a clause id.
    static func load() throws -> ClauseKey {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw MissingInput(
                message: "cannot read \(url.path): the clause key is spec/clauses.md in the repository")
        }
        var rows: [Row] = []
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            // "", id, subclause, modality, gist, ""
            guard cells.count >= 5, isClauseID(cells[1]) else { continue }
            rows.append(Row(id: cells[1], modalityCell: cells[3]))
        }
        return ClauseKey(rows: rows)
    }

    /// The clause ids, for parameterized tests; a placeholder that fails clearly when the key is missing.
    static func idsForArguments() -> [String] {
        (try? load().rows.map(\.id)) ?? ["(spec/clauses.md is missing)"]
    }

    static func isClauseID(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return (2...3).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
            && ["5", "6", "7", "8"].contains(String(parts[0]))
    }

    /// The modalities named by the modal words of a key cell (应→shall, 宜→should, 可→may, 严禁/不应→shallNot).
    static func modalities(inCell cell: String) -> Set<Modality> {
        var text = cell
        var result = Set<Modality>()
        for prohibition in ["严禁", "不应"] where text.contains(prohibition) {
            result.insert(.shallNot)
            text = text.replacingOccurrences(of: prohibition, with: "")
        }
        if text.contains("应") { result.insert(.shall) }
        if text.contains("宜") { result.insert(.should) }
        if text.contains("可") { result.insert(.may) }
        return result
    }

    struct MissingInput: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// The real checklist, loaded once: `$MALLAUDIT_CHECKLIST`, else `checklists/mall-digital-service.xml`.
enum RealChecklist {
    static let url = ChecklistLocator.defaultChecklist()

    static let validation: ChecklistValidation = ChecklistLoader.validate(file: url)

    /// The checklist, or a failure saying where it was looked for and why it cannot be used.
    static func load() throws -> Checklist {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ClauseKey.MissingInput(
                message: "the checklist \(url.path) does not exist: it is merged from the content branches "
                    + "(or set MALLAUDIT_CHECKLIST to a checklist file)")
        }
        guard let checklist = validation.checklist else {
            throw DiagnosticsError(validation.diagnostics)
        }
        return checklist
    }

    /// The standard's text with the Word export's `[bookmark: …]` markers removed.
    static func standardText() throws -> String {
        let url = Paths.sharedSpec.appendingPathComponent("standard.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ClauseKey.MissingInput(
                message: "cannot read the standard's text \(url.path) (spec/ in the repository)")
        }
        return text.replacingOccurrences(of: #"\[bookmark: [^\]]*\]"#, with: "", options: .regularExpression)
    }
}

@Suite("The real checklist against the clause key")
struct RealChecklistTests {
    @Test("the checklist validates with no error and no warning")
    func validates() throws {
        _ = try RealChecklist.load()
        #expect(RealChecklist.validation.diagnostics.isEmpty, "\(RealChecklist.validation.diagnostics)")
    }

    @Test("its clauses are exactly the 63 ids of the key, in the key's order")
    func clauseIDs() throws {
        let checklist = try RealChecklist.load()
        let key = try ClauseKey.load()
        #expect(key.rows.count == 63)
        #expect(checklist.clauses.map(\.id) == key.rows.map(\.id))
        #expect(
            Dictionary(grouping: checklist.clauses, by: \.chapter).mapValues(\.count) == [5: 7, 6: 23, 7: 28, 8: 5])
    }

    /// Statements whose words carry several obligations are split into checkpoints (docs/checkpoints.md); each
    /// quotes the standard, so an inspector can see which words a verdict stands for.
    @Test("107 statements, 68 of them split into 250 checkpoints, each quoting words of its clause's text")
    func checkpoints() throws {
        let checklist = try RealChecklist.load()
        #expect(checklist.statements.count == 107)
        let split = checklist.statements.filter { !$0.checkpoints.isEmpty }
        #expect(split.count == 68)
        #expect(split.flatMap(\.checkpoints).count == 250)
        for clause in checklist.clauses {
            for statement in clause.statements {
                #expect(statement.checkpoints.count != 1, "\(statement.id) has a single checkpoint")
                #expect(Set(statement.checkpoints.map(\.id)).count == statement.checkpoints.count)
                for checkpoint in statement.checkpoints {
                    #expect(checkpoint.id.hasPrefix(statement.id + "/"))
                    #expect(!checkpoint.quote.isEmpty)
                    #expect(clause.text.zh.contains(checkpoint.quote), "\(checkpoint.id): “\(checkpoint.quote)”")
                    #expect(statement.text.zh.contains(checkpoint.quote), "\(checkpoint.id)")
                    #expect(checkpoint.methods.allSatisfy(statement.methods.contains), "\(checkpoint.id)")
                }
            }
        }
        // The obligations the issue named are split as the words say.
        #expect(checklist.statement("5.1.2-2")?.checkpoints.map(\.name) == [
            "realName", "behaviourAudit", "logRetention", "keywordFiltering",
        ])
        #expect(checklist.statement("6.6.2-1")?.checkpoints.map(\.name) == ["cash", "mobilePayment", "bankCard", "eCny"])
        #expect(checklist.statement("6.6.1-1")?.checkpoint("mobileCoverage")?.scope == .eachMerchant)
        #expect(checklist.statement("5.2.2-1")?.scope == .everyArea)
        #expect(checklist.statement("5.2.3-1")?.scope == .everyArea)
    }

    @Test("each clause's modalities are the key's modal words", arguments: ClauseKey.idsForArguments())
    func modalities(_ id: String) throws {
        let key = try ClauseKey.load()
        let checklist = try RealChecklist.load()
        let row = try #require(key.rows.first { $0.id == id })
        let clause = try #require(checklist.clause(id), "clause \(id) is not in the checklist")
        let expected = ClauseKey.modalities(inCell: row.modalityCell)
        #expect(!expected.isEmpty, "no modal word in the key's cell \"\(row.modalityCell)\"")
        #expect(Set(clause.statements.map(\.modality)) == expected, "key cell: \(row.modalityCell)")
    }

    @Test("each clause's Chinese text is the standard's, line by line", arguments: ClauseKey.idsForArguments())
    func textIsVerbatim(_ id: String) throws {
        let standard = try RealChecklist.standardText()
        let checklist = try RealChecklist.load()
        let clause = try #require(checklist.clause(id), "clause \(id) is not in the checklist")
        let lines = clause.text.zh.split(separator: "\n").map { line -> String in
            var text = line.trimmingCharacters(in: .whitespaces)
            // GB/T 1.1 list prefixes "a) " that the Word export dropped.
            if let range = text.range(of: #"^[a-z]\) ?"#, options: .regularExpression) { text.removeSubrange(range) }
            return text
        }.filter { !$0.isEmpty }
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(standard.contains(line), "clause \(id): \"\(line)\" is not in the standard's text")
        }
    }

    @Test("7.6.3 and 7.6.4 carry a note on the duplication")
    func duplicationNotes() throws {
        let checklist = try RealChecklist.load()
        for id in ["7.6.3", "7.6.4"] {
            let clause = try #require(checklist.clause(id))
            #expect(!clause.notes.isEmpty, "clause \(id) has no note")
        }
    }

    @Test(
        "the measurable statements carry their thresholds",
        arguments: [
            ("5.1.2-3", Comparison.greaterThan, 60.0, "day"),
            ("8.2.1-3", Comparison.greaterThanOrEqual, 85.0, "%"),
            ("8.1.2-2", Comparison.lessThanOrEqual, 5.0, "workingDay"),
        ])
    func thresholds(_ id: String, _ comparison: Comparison, _ value: Double, _ unit: String) throws {
        let checklist = try RealChecklist.load()
        let statement = try #require(checklist.statement(id))
        let threshold = try #require(statement.threshold, "\(id) has no threshold")
        #expect(threshold.comparison == comparison)
        #expect(threshold.value == value)
        #expect(threshold.unit == unit)
        #expect(statement.modality == .shall)
    }

    @Test("the key parser reads modal words as the key defines them")
    func keyParser() {
        #expect(ClauseKey.modalities(inCell: "应 + 宜") == [.shall, .should])
        #expect(ClauseKey.modalities(inCell: "应 + 可 + 应 … + 严禁") == [.shall, .may, .shallNot])
        #expect(ClauseKey.modalities(inCell: "应, items a)–c)") == [.shall])
        #expect(ClauseKey.modalities(inCell: "不应") == [.shallNot])
        #expect(ClauseKey.modalities(inCell: "可 + 可 + 应") == [.may, .shall])
        #expect(ClauseKey.isClauseID("7.4.10"))
        #expect(ClauseKey.isClauseID("6.1"))
        #expect(!ClauseKey.isClauseID("id"))
        #expect(!ClauseKey.isClauseID("---"))
        #expect(!ClauseKey.isClauseID("4.1"))
    }
}
