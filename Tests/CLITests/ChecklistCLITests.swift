import Foundation
import Testing
import TestSupport

/// A malformed fixture and the first diagnostic line `mallaudit checklist validate` must print for it.
struct MalformedFixtureLine: Sendable, CustomTestStringConvertible {
    var file: String
    var line: Int
    /// The diagnostic after `path:line[:column]: error: `, including `(expected …)`.
    var diagnostic: String

    var testDescription: String { file }
}

private let doctype =
    "a DOCTYPE declaration is not allowed in a checklist (refused before reading it: no DTD, no entity is declared, "
    + "loaded or expanded) (expected no <!DOCTYPE …>: the document starts with "
    + "<checklist xmlns=\"urn:mallaudit:checklist:1\">)"
private let root = "(expected the root element <checklist xmlns=\"urn:mallaudit:checklist:1\" version=\"…\">)"
private let document =
    "(expected an XML checklist: <?xml version=\"1.0\" encoding=\"UTF-8\"?> then "
    + "<checklist xmlns=\"urn:mallaudit:checklist:1\" version=\"…\">)"
private let methods =
    "(expected methods=\"…\" listing one or more of probe, data, inspection, document, interview (space-separated))"

private let malformedLines: [MalformedFixtureLine] = [
    .init(
        file: "bad-modality.xml", line: 19,
        diagnostic: "statement 5.1.1-2: attribute modality \"must\" is not allowed "
            + "(expected one of 'shall', 'shallNot', 'should', 'may')"),
    .init(
        file: "duplicate-statement-id.xml", line: 19,
        diagnostic: "statement 5.1.1-1: duplicate statement or option id \"5.1.1-1\" (first used on line 15) "
            + "(expected each statement and option id once in the checklist)"),
    .init(
        file: "duplicate-clause-id.xml", line: 24,
        diagnostic: "clause 5.1.1: duplicate clause id \"5.1.1\" (first used on line 9) "
            + "(expected each clause id once in the checklist)"),
    .init(
        file: "missing-chinese-text.xml", line: 20,
        diagnostic: "statement 5.1.1-2: <en> is not expected here (expected <zh>)"),
    .init(
        file: "english-in-chinese-text.xml", line: 31,
        diagnostic:
            "statement 5.1.2-1: <zh> \"free WiFi\" is not accepted (expected Chinese text (at least one CJK ideograph))"
    ),
    .init(
        file: "statement-without-method.xml", line: 30,
        diagnostic: "statement 5.1.2-1: attribute methods is missing \(methods)"),
    .init(
        file: "statement-with-empty-methods.xml", line: 30,
        diagnostic: "statement 5.1.2-1: attribute methods is empty \(methods)"),
    .init(file: "external-entity.xml", line: 2, diagnostic: doctype),
    .init(file: "billion-laughs.xml", line: 3, diagnostic: doctype),
    .init(file: "doctype-without-entities.xml", line: 3, diagnostic: doctype),
    .init(
        file: "not-xml.xml", line: 1, diagnostic: "not well-formed XML: Start tag expected, '<' not found \(document)"),
    .init(file: "empty.xml", line: 1, diagnostic: "the file is empty \(document)"),
    .init(file: "blank.xml", line: 1, diagnostic: "the file is blank \(document)"),
    .init(
        file: "wrong-root.xml", line: 2,
        diagnostic: "the root element is <audit> in namespace \"urn:mallaudit:checklist:1\" \(root)"),
    .init(
        file: "wrong-namespace.xml", line: 2,
        diagnostic: "the root element is <checklist> in namespace \"urn:example:checklist\" \(root)"),
    .init(file: "no-namespace.xml", line: 2, diagnostic: "the root element is <checklist> without a namespace \(root)"),
    .init(
        file: "statement-not-under-clause.xml", line: 30,
        diagnostic: "statement id 5.1.1-3 is not under its clause 5.1.2 "
            + "(expected 5.1.2-N for the N-th obligation of the paragraph or 5.1.2.x for list item x))"),
    .init(
        file: "clause-not-under-chapter.xml", line: 24,
        diagnostic: "clause 6.1.2 is in chapter 5 "
            + "(expected a clause id beginning with \"5.\" (ids follow spec/clauses.md))"),
    .init(
        file: "option-not-under-clause.xml", line: 33,
        diagnostic: "option id 5.1.1.b of statement 5.1.2-1 is not under its clause 5.1.2 "
            + "(expected 5.1.2.x, x the letter of the item in the paragraph)"),
    .init(
        file: "minimum-options-without-options.xml", line: 30,
        diagnostic: "statement 5.1.2-1 sets minimumOptions=\"1\" but lists no <option> "
            + "(expected minimumOptions only on a statement with <option> elements)"),
    .init(
        file: "minimum-options-above-count.xml", line: 30,
        diagnostic: "statement 5.1.2-1 sets minimumOptions=\"3\" but lists only 2 option(s) "
            + "(expected a minimumOptions from 1 to 2, the number of its options)"),
    .init(
        file: "unclosed-element.xml", line: 18,
        diagnostic: "not well-formed XML: Opening and ending tag mismatch: evidence line 17 and statement "
            + "(expected well-formed XML)"),
    .init(
        file: "several-problems.xml", line: 15,
        diagnostic: "statement 5.1.1-1: a child element is missing "
            + "(expected one of <condition>, <threshold>, <option>, <evidence>)"),
]

private let fixtures = "Tests/AuditChecklistTests/Fixtures"
private let mini = "\(fixtures)/valid/mini.xml"

/// The stderr line for a diagnostic, with or without a column after the line.
private func lineMatches(_ line: Substring, path: String, lineNumber: Int, diagnostic: String) -> Bool {
    let suffix = ": error: " + diagnostic
    let location = "mallaudit: \(path):\(lineNumber)"
    guard line.hasPrefix(location), line.hasSuffix(suffix) else { return false }
    let between = line.dropFirst(location.count).dropLast(suffix.count)
    return between.isEmpty || (between.first == ":" && between.dropFirst().allSatisfy(\.isNumber))
}

@Suite("mallaudit checklist")
struct ChecklistCLITests {
    @Test("validate: every malformed fixture exits 2 with its diagnostic on stderr", arguments: malformedLines)
    func validateMalformed(_ fixture: MalformedFixtureLine) throws {
        let path = "\(fixtures)/malformed/\(fixture.file)"
        let outcome = try runMallaudit(["checklist", "validate", path, "--schema", "checklists/checklist.xsd"])
        #expect(outcome.status == 2, "exit status \(outcome.status); stderr: \(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
        let lines = outcome.stderr.split(separator: "\n")
        #expect(
            lines.contains { lineMatches($0, path: path, lineNumber: fixture.line, diagnostic: fixture.diagnostic) },
            "stderr was:\n\(outcome.stderr)")
        #expect(lines.last?.hasPrefix("mallaudit: error: \(path) is invalid: ") == true)
    }

    @Test("list and show refuse a malformed checklist with its diagnostics and exit 1")
    func listRefusesMalformed() throws {
        let path = "\(fixtures)/malformed/bad-modality.xml"
        for arguments in [["checklist", "list"], ["checklist", "show", "5.1.1"]] {
            let outcome = try runMallaudit(arguments + ["--checklist", path, "--schema", "checklists/checklist.xsd"])
            #expect(outcome.status == 1)
            #expect(outcome.stdout.isEmpty)
            #expect(
                outcome.stderr.contains(
                    "mallaudit: \(path):19: error: statement 5.1.1-2: attribute modality \"must\" is not allowed"))
        }
    }

    @Test("validate: the external entity's file content never reaches the output")
    func externalEntityNotRead() throws {
        let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let firstLine = try #require(passwd.split(separator: "\n").first.map(String.init))
        let outcome = try runMallaudit(["checklist", "validate", "\(fixtures)/malformed/external-entity.xml"])
        #expect(outcome.status == 2)
        #expect(!outcome.stdout.contains(firstLine) && !outcome.stderr.contains(firstLine))
        #expect(!outcome.stderr.contains("root:"))
    }

    @Test("validate: a valid checklist exits 0 and says so; the schema defaults to the repository's")
    func validateValid() throws {
        let outcome = try runMallaudit(["checklist", "validate", mini])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.first == "valid: 5 clauses, 9 statements")
        #expect(lines.dropFirst().first?.hasPrefix("sha256: ") == true)
        #expect(outcome.stderr.isEmpty)
    }

    @Test("validate: warnings go to stderr and do not fail")
    func validateWarnings() throws {
        let path = "\(fixtures)/valid/modal-word-missing.xml"
        let outcome = try runMallaudit(["checklist", "validate", path])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("valid: 3 clauses, 3 statements, 1 warning\n"))
        #expect(
            outcome.stderr.contains("mallaudit: \(path):17: warning: statement 5.1.1-1 is shall but its Chinese text has no 应"))
    }

    @Test("validate: a missing file exits 1 naming it")
    func validateMissingFile() throws {
        let outcome = try runMallaudit(["checklist", "validate", "no/such/checklist.xml"])
        #expect(outcome.status == 1)
        #expect(
            outcome.stderr.contains(
                "mallaudit: no/such/checklist.xml: error: cannot read the checklist: No such file or directory"))
    }

    @Test("list --format json: filters by modality and chapter")
    func listJSONFilters() throws {
        func ids(_ extra: [String]) throws -> (clauses: [String], statements: [String], modalities: Set<String>) {
            let outcome = try runMallaudit(["checklist", "list", "--checklist", mini, "--format", "json"] + extra)
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
            let clauses = try #require(object["clauses"] as? [[String: Any]])
            let statements = clauses.flatMap { ($0["statements"] as? [[String: Any]]) ?? [] }
            return (
                clauses.compactMap { $0["id"] as? String }, statements.compactMap { $0["id"] as? String },
                Set(statements.compactMap { $0["modality"] as? String })
            )
        }
        let all = try ids([])
        #expect(all.clauses == ["5.1.2", "5.2.4", "5.2.5", "6.1", "6.4.2"])
        #expect(all.statements.count == 9)
        let should = try ids(["--modality", "should"])
        #expect(should.clauses == ["6.4.2"])
        #expect(should.modalities == ["should"])
        let shallNot = try ids(["--modality", "shallNot"])
        #expect(shallNot.statements == ["5.2.5-6"])
        let chapter6 = try ids(["--chapter", "6"])
        #expect(chapter6.clauses == ["6.1", "6.4.2"])
        let both = try ids(["--chapter", "5", "--modality", "may"])
        #expect(both.statements == ["5.2.5-2"])
    }

    @Test("list: the table lines up in a Chinese terminal")
    func listTable() throws {
        let outcome = try runMallaudit(["checklist", "list", "--checklist", mini])
        #expect(outcome.status == 0)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("编号") == true)
        #expect(lines.last == "共 5 条款，9 条陈述（应 6，严禁 1，宜 1，可 1）")
        // The methods column starts at one display column on every statement row.
        let statementRows = lines.filter { $0.hasPrefix("  ") }
        #expect(statementRows.count == 9)
        let starts = Set(
            statementRows.map { row -> Int in
                let methods = ["probe", "data", "inspection", "document", "interview"]
                let index = methods.compactMap { row.range(of: " \($0)")?.lowerBound }.min()!
                return columns(row[..<index])
            })
        #expect(starts.count == 1)
    }

    @Test("list: usage errors exit 64 with a message")
    func listUsage() throws {
        let chapter = try runMallaudit(["checklist", "list", "--checklist", mini, "--chapter", "4"])
        #expect(chapter.status == 64)
        #expect(chapter.stderr.contains("--chapter must be 5, 6, 7 or 8"))
        let modality = try runMallaudit(["checklist", "list", "--checklist", mini, "--modality", "must"])
        #expect(modality.status == 64)
        #expect(modality.stderr.contains("shallNot"))
    }

    @Test("show: a statement as text and JSON; an unknown id exits 1 with ids near it")
    func show() throws {
        let text = try runMallaudit(["checklist", "show", "5.1.2-3", "--checklist", mini])
        #expect(text.status == 0)
        #expect(
            text.stdout.contains(
                "5.1.2-3  应 shall  评估方法：data\n" + "  日志留存时间应大于60日\n" + "  阈值：logRetention > 60 day\n"))

        let english = try runMallaudit(["checklist", "show", "6.1", "--checklist", mini, "--lang", "en"])
        #expect(english.status == 0)
        #expect(english.stdout.hasPrefix("6.1 Smart parking (chapter 6, Service requirements)\n"))
        #expect(english.stdout.contains("6.1.b  应 shall  Methods: inspection\n  Mobile and frictionless payment.\n"))

        let json = try runMallaudit(["checklist", "show", "5.2.4.a", "--checklist", mini, "--format", "json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["match"] as? [String: String]) == ["id": "5.2.4.a", "kind": "option"])
        let clause = try #require(object["clause"] as? [String: Any])
        #expect(clause["id"] as? String == "5.2.4")
        #expect(clause["title"] as? [String: String] == ["zh": "存储与计算", "en": "Storage and computing"])

        let unknown = try runMallaudit(["checklist", "show", "5.1.2-2", "--checklist", mini])
        #expect(unknown.status == 1)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr.contains("has no clause, statement or option \"5.1.2-2\"; ids near it: 5.1.2"))
    }

    @Test("$MALLAUDIT_CHECKLIST chooses the checklist when --checklist is absent")
    func environmentVariable() throws {
        let outcome = try runMallaudit(
            ["checklist", "validate"],
            environment: ["MALLAUDIT_CHECKLIST": repositoryRoot().appendingPathComponent(mini).path])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("valid: 5 clauses, 9 statements\n"))
    }

    @Test("--help explains the subcommands")
    func help() throws {
        let outcome = try runMallaudit(["checklist", "--help"])
        #expect(outcome.status == 0)
        for word in ["list", "show", "validate", "--checklist", "MALLAUDIT_CHECKLIST"] {
            #expect(outcome.stdout.contains(word), "\(word) missing from help")
        }
    }
}

/// Terminal columns of `text`: East Asian Wide/Fullwidth characters count two (CJK blocks and fullwidth forms).
private func columns(_ text: Substring) -> Int {
    text.unicodeScalars.reduce(0) { total, scalar in
        let value = scalar.value
        let wide =
            (0x2E80...0x303E).contains(value) || (0x3041...0x9FFF).contains(value)
            || (0xFF01...0xFF60).contains(value) || (0xAC00...0xD7A3).contains(value)
        return total + (wide ? 2 : 1)
    }
}

// MARK: - The real checklist (checklists/mall-digital-service.xml) against the clause key

/// The clause ids of `spec/clauses.md`, beside the repository.
private func keyClauseIDs() throws -> [String] {
    let url = repositoryRoot().appendingPathComponent("spec/clauses.md")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("cannot read \(url.path): spec/clauses.md is part of the repository")
        return []
    }
    return text.split(separator: "\n").compactMap { line -> String? in
        guard line.hasPrefix("| ") else { return nil }
        let cell = line.split(separator: "|").first?.trimmingCharacters(in: .whitespaces) ?? ""
        let parts = cell.split(separator: ".")
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isNumber) }),
            ["5", "6", "7", "8"].contains(String(parts[0]))
        else { return nil }
        return cell
    }
}

@Suite("mallaudit checklist on the real checklist")
struct RealChecklistCLITests {
    /// Without --checklist: $MALLAUDIT_CHECKLIST if set, else the repository's checklists/mall-digital-service.xml
    /// found from the executable. Runs from a temporary directory to show the current directory does not matter.
    @Test("list --format json lists exactly the 63 clause ids of spec/clauses.md")
    func listsTheKeysIDs() throws {
        let expected = try keyClauseIDs()
        #expect(expected.count == 63)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try runMallaudit(["checklist", "list", "--format", "json"], currentDirectory: directory)
        let hint = "the default checklist is checklists/mall-digital-service.xml (merged from the content branches)"
        #expect(outcome.status == 0, "stderr: \(outcome.stderr) — \(hint) or $MALLAUDIT_CHECKLIST")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let clauses = try #require(object["clauses"] as? [[String: Any]])
        #expect(clauses.compactMap { $0["id"] as? String } == expected)
        let header = try #require(object["checklist"] as? [String: Any])
        #expect((header["digest"] as? String)?.count == 64)
    }

    @Test("validate without arguments validates the default checklist")
    func validateDefault() throws {
        let outcome = try runMallaudit(["checklist", "validate"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("valid: 63 clauses, "))
        #expect(outcome.stderr.isEmpty)
    }
}
