import ArgumentParser
import AuditChecklist
import AuditModel
import Foundation

/// `mallaudit checklist list|show|validate`: the standard as a validated, searchable checklist.
struct ChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "List, show and validate the checklist: the standard's 63 clauses and their statements.",
        discussion: """
            The checklist encodes 商场数字化服务规范 clause by clause
            (checklists/mall-digital-service.xml, schema checklists/checklist.xsd). Each
            clause (5.1.2, 6.1, 7.4.10) holds statements, each with a modality: shall (应),
            shallNot (严禁/不应), should (宜) or may (可). Statement ids: 5.1.1-2 is the
            second obligation of clause 5.1.1, 6.1.d is list item d) of clause 6.1, 5.2.4.a
            is an option.

            Without --checklist the checklist is $MALLAUDIT_CHECKLIST, else checklists/mall-digital-service.xml \
            of the repository this mallaudit was built in, else of the current directory.

            Examples:
              mallaudit checklist list --chapter 6 --modality should
              mallaudit checklist show 5.1.2-3
              mallaudit checklist show 6.1 --lang en --format json
              mallaudit checklist validate mine.xml --schema checklists/checklist.xsd
            """,
        subcommands: [List.self, Show.self, Validate.self]
    )

    /// Where the checklist and its schema are.
    struct Source: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "The checklist XML file. Default: $MALLAUDIT_CHECKLIST, else the repository's checklist.",
                valueName: "file"))
        var checklist: String?

        @Option(
            help: ArgumentHelp(
                "The XML Schema to validate against. Default: checklist.xsd beside the checklist.", valueName: "file"))
        var schema: String?

        /// The checklist file and the name diagnostics use for it (the path as the user typed it).
        func checklistFile(positional: String? = nil) -> (url: URL, name: String) {
            if let path = positional ?? checklist { return (URL(fileURLWithPath: path), path) }
            let url = ChecklistLocator.defaultChecklist()
            return (url, url.path)
        }

        var schemaURL: URL? { schema.map { URL(fileURLWithPath: $0) } }

        /// The checklist, or every diagnostic on standard error and exit status 1.
        func load() throws -> (checklist: Checklist, name: String) {
            let (url, name) = checklistFile()
            do {
                return (try ChecklistLoader.load(file: url, schema: schemaURL, displayName: name), name)
            } catch let error as DiagnosticsError {
                for diagnostic in error.diagnostics { printError(errorLine(diagnostic)) }
                printError("mallaudit: error: \(name) is not a valid checklist; see `mallaudit checklist validate --help`")
                throw ExitCode(1)
            }
        }
    }

    enum ModalityArgument: String, CaseIterable, ExpressibleByArgument {
        case shall, shallNot, should, may
        var modality: Modality { Modality(rawValue: rawValue)! }
    }

    enum LanguageArgument: String, CaseIterable, ExpressibleByArgument {
        case zh, en
        var language: Language { Language(rawValue: rawValue)! }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List clauses and their statements, as a table or as JSON.",
            usage: "mallaudit checklist list [<options>]",
            discussion: """
                The table has one row per clause (its title) and one per statement (modality, assessment \
                methods, text) and ends with the counts. Chinese characters count as two columns, so the \
                columns line up in a terminal.

                --format json prints {"checklist": {file, version, digest, standard}, "filter": {…}, \
                "counts": {clauses, statements, byModality}, "clauses": [{id, chapter, section, title, text, \
                notes, statements: [{id, clauseID, modality, text, methods, evidence, threshold, options, \
                minimumOptions, condition}]}]}, texts as {"zh": …, "en": …}. See docs/checklist.md.
                """)

        enum Format: String, CaseIterable, ExpressibleByArgument { case table, json }

        @OptionGroup var source: Source

        @Option(help: "Keep only statements of this modality (and the clauses that have any).")
        var modality: ModalityArgument?

        @Option(help: ArgumentHelp("Keep only this chapter: 5, 6, 7 or 8.", valueName: "N"))
        var chapter: Int?

        @Option(help: "Output format.")
        var format: Format = .table

        @Option(name: .customLong("lang"), help: "Language of the table's texts.")
        var language: LanguageArgument = .zh

        @Option(help: ArgumentHelp("Cut the table's text column so each line fits in N columns.", valueName: "N"))
        var width: Int?

        func validate() throws {
            if let chapter, !(5...8).contains(chapter) {
                throw ValidationError("--chapter must be 5, 6, 7 or 8 (the chapters that hold requirements)")
            }
            if let width, width < 40 { throw ValidationError("--width must be at least 40") }
        }

        func run() throws {
            let (checklist, name) = try source.load()
            let filter = ChecklistFilter(modality: modality?.modality, chapter: chapter)
            switch format {
            case .table:
                print(
                    ChecklistView.table(checklist, filter: filter, language: language.language, width: width),
                    terminator: "")
            case .json:
                print(try ChecklistView.listJSON(checklist, file: name, filter: filter), terminator: "")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one clause, statement or option in full: text, notes, methods, evidence, threshold.",
            usage: "mallaudit checklist show <id> [<options>]",
            discussion: """
                ID is a clause (5.1.2), a statement (5.1.2-3, 6.1.d) or an option (5.2.4.a). A statement or \
                option is shown with its clause's heading. --format json prints {"checklist": {…}, "match": \
                {id, kind}, "clause": {…}} where the clause holds only the matched statement when ID is a \
                statement or an option. Exit status 1 when the id is not in the checklist.
                """)

        enum Format: String, CaseIterable, ExpressibleByArgument { case text, json }

        @OptionGroup var source: Source

        @Argument(help: ArgumentHelp("A clause, statement or option id.", valueName: "id"))
        var id: String

        @Option(help: "Output format.")
        var format: Format = .text

        @Option(name: .customLong("lang"), help: "Language of the text output.")
        var language: LanguageArgument = .zh

        func run() throws {
            let (checklist, name) = try source.load()
            guard let match = ChecklistView.find(id, in: checklist) else {
                var message = "mallaudit: error: \(name) has no clause, statement or option \"\(id)\""
                let near = ChecklistView.suggestions(for: id, in: checklist)
                if !near.isEmpty { message += "; ids near it: " + near.joined(separator: ", ") }
                printError(message)
                throw ExitCode(1)
            }
            switch format {
            case .text:
                print(ChecklistView.text(match, checklist: checklist, language: language.language), terminator: "")
            case .json:
                print(try ChecklistView.showJSON(match, id: id, checklist: checklist, file: name), terminator: "")
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a checklist file against the schema and the id rules; report every problem.",
            usage: "mallaudit checklist validate [<file>] [<options>]",
            discussion: """
                Prints "valid: N clauses, M statements" and exits 0 when the file is usable (warnings, on \
                standard error, do not count). Otherwise prints every problem on standard error as \
                `mallaudit: FILE:LINE: error: message (expected …)` and exits 2; a file that cannot be read \
                exits 1. A DOCTYPE is refused outright: checklists need no DTD and no entity.
                """)

        @OptionGroup var source: Source

        @Argument(
            help: ArgumentHelp(
                "The checklist to check. Default: --checklist, else the default checklist.", valueName: "file"))
        var file: String?

        func run() throws {
            let (url, name) = source.checklistFile(positional: file)
            let result = ChecklistLoader.validate(file: url, schema: source.schemaURL, displayName: name)
            for diagnostic in result.diagnostics { printError(errorLine(diagnostic)) }
            let warnings = result.warnings.count
            let warningText = warnings == 0 ? "" : ", \(warnings) warning\(warnings == 1 ? "" : "s")"
            guard result.isValid, let checklist = result.checklist else {
                // A file that cannot be read is not a verdict on a checklist: the tool could not do it.
                guard FileManager.default.isReadableFile(atPath: url.path) else { throw ExitCode(1) }
                let errors = result.errors.count
                printError(
                    "mallaudit: error: \(name) is invalid: \(errors) error\(errors == 1 ? "" : "s")\(warningText)")
                throw ExitCode(2)
            }
            print("valid: \(checklist.clauses.count) clauses, \(checklist.statements.count) statements\(warningText)")
            print("sha256: \(checklist.digest)")
        }
    }
}
