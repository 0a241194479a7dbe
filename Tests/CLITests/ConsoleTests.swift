import Foundation
import Testing
import TestSupport

/// The console as a person and a pipe see it: help that reads whole at 80 columns, colour only on a terminal and
/// never with NO_COLOR, the summary in the locale's language, --quiet.
@Suite("Console: help, colour, language, quiet")
struct ConsoleTests {
    /// Terminal columns of `text`: East Asian wide characters take two.
    static func width(_ text: Substring) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                total + 2
            default: total + 1
            }
        }
    }

    /// The column where a help line's text starts: after the option column for `  --opt <v>   help`, else after the
    /// indentation.
    static func textColumn(_ line: Substring) -> Int {
        let indent = line.prefix { $0 == " " }.count
        let rest = line.dropFirst(indent)
        if rest.hasPrefix("-"), let gap = rest.range(of: "  ") {
            let after = rest[gap.lowerBound...].prefix { $0 == " " }.count
            return indent + rest.distance(from: rest.startIndex, to: gap.lowerBound) + after
        }
        return indent
    }

    /// The subcommands a help text lists.
    static func subcommands(_ help: String) -> [String] {
        var names: [String] = []
        var inside = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") {
                inside = true
                continue
            }
            guard inside else { continue }
            if line.isEmpty { if !names.isEmpty { break } else { continue } }
            if line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first {
                names.append(String(name))
            }
        }
        return names.filter { $0 != "help" }
    }

    /// Problems with a help text at 80 columns: a line wider than 80 columns, or a line broken before it was full
    /// (the next line of the same paragraph starts with a word that would have fitted), which is how a sentence
    /// breaks in the middle.
    static func problems(in help: String, command: String) -> [String] {
        var found: [String] = []
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if width(line) > 80 { found.append("\(command): \(width(line)) columns: \(line)") }
            guard index + 1 < lines.count else { continue }
            let next = lines[index + 1]
            let trimmed = next.drop { $0 == " " }
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty, let word = trimmed.split(separator: " ").first
            else { continue }
            // The same paragraph: the next line starts where this line's text does, with a lower-case word
            // (not a new item, an example command, an option, or a table row).
            guard next.count - trimmed.count == textColumn(line), let first = word.first,
                first.isLowercase || "(\"'`".contains(first),
                !["mallaudit", "export"].contains(String(word)), !word.hasPrefix("-"),
                trimmed.range(of: #"\S  +\S"#, options: .regularExpression) == nil,
                !line.hasSuffix(":"), !line.hasSuffix(".")
            else { continue }
            if width(line) + 1 + width(word) < 80 {
                found.append("\(command): broken early:\n  \(line)\n  \(next)")
            }
        }
        return found
    }

    @Test("every --help reads whole at 80 columns: no line wider, no sentence broken early")
    func helpAt80Columns() throws {
        var pending: [[String]] = [[]]
        var checked = 0
        while let path = pending.popLast() {
            let outcome = try runMallaudit(path + ["--help"], environment: ["COLUMNS": "80"])
            #expect(outcome.status == 0, "\(path)")
            let name = (["mallaudit"] + path).joined(separator: " ")
            for problem in Self.problems(in: outcome.stdout, command: name) { Issue.record("\(problem)") }
            pending += Self.subcommands(outcome.stdout).map { path + [$0] }
            checked += 1
        }
        #expect(checked >= 30, "every command and subcommand: \(checked)")
    }

    @Test("the checker finds a sentence broken early and a line too wide")
    func helpCheckerFindsProblems() {
        let ragged = "OVERVIEW: Something.\n\nStarts the demo mall's systems on 127.0.0.1 (snmpd serving its\n"
            + "sensors,\nan HTTP(S) server with its APIs), runs the audit.\n"
        #expect(Self.problems(in: ragged, command: "x").count == 2, "both short lines are broken early")
        let wide = String(repeating: "word ", count: 17)
        #expect(Self.problems(in: wide, command: "x").count == 1)
        let whole = "It reads whole: every line is filled before it breaks, the way the parser wraps\n"
            + "paragraphs written as one line.\n"
        #expect(Self.problems(in: whole, command: "x").isEmpty)
    }

    /// A failing run: the payments export has a merchant without e-CNY.
    private func failingFixture(_ name: String) throws -> SiteFixture {
        let fixture = try SiteFixture(name)
        var site = SiteYAML()
        site.data = [("payments", "exports/payments.csv")]
        try fixture.writeSite(site)
        try fixture.writeProbes([ProbeYAML.check("payments", statements: Checkpoints.payments, kind: "payments")])
        try fixture.write("exports/payments.csv", "merchant,cash,mobile,bank_card,ecny\n甲店,是,是,是,否\n")
        return fixture
    }

    /// Runs `mallaudit ARGS` on a pseudo-terminal (util-linux `script`); returns everything it printed there.
    private func onTerminal(_ arguments: [String], environment: [String: String], in folder: URL) throws -> String {
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = ([try mallauditBinary().path] + arguments).map(quoted).joined(separator: " ")
        let outcome = try runProcess(
            URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], environment: environment,
            currentDirectory: folder)
        return outcome.stdout
    }

    @Test("FAIL in colour on a terminal; no escape code with NO_COLOR, none through a pipe")
    func colour() throws {
        let fixture = try failingFixture("colour")
        defer { fixture.remove() }
        let arguments = ["run", "--site", fixture.site, "--db", fixture.database, "--only", "6.6.2-1", "--lang", "en"]
        let terminal = try onTerminal(arguments, environment: ["NO_COLOR": "", "TERM": "xterm"], in: fixture.dir)
        #expect(terminal.contains("\u{1B}[1;31mFAIL        \u{1B}[0m 6.6.2-1"), "\(terminal.debugDescription)")
        #expect(terminal.contains("conformance: \u{1B}[1;31mnonConformant\u{1B}[0m"))

        let noColour = try onTerminal(arguments, environment: ["NO_COLOR": "1", "TERM": "xterm"], in: fixture.dir)
        #expect(noColour.contains("FAIL         6.6.2-1"), "\(noColour.debugDescription)")
        #expect(!noColour.contains("\u{1B}"), "\(noColour.debugDescription)")

        let dumb = try onTerminal(arguments, environment: ["NO_COLOR": "", "TERM": "dumb"], in: fixture.dir)
        #expect(!dumb.contains("\u{1B}"))

        let piped = try runMallaudit(arguments, environment: ["NO_COLOR": ""])
        #expect(piped.status == 2)
        #expect(piped.stdout.contains("FAIL         6.6.2-1"))
        #expect(!piped.stdout.contains("\u{1B}") && !piped.stderr.contains("\u{1B}"))
    }

    @Test("the console summary follows --lang, else the locale: Chinese for zh_CN")
    func language() throws {
        let fixture = try failingFixture("language")
        defer { fixture.remove() }
        func run(_ extra: [String], _ environment: [String: String]) throws -> ProcessOutcome {
            try runMallaudit(
                ["run", "--site", fixture.site, "--db", fixture.database, "--only", "6.6.2-1"] + extra,
                environment: environment)
        }
        let chinese = try run([], ["LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"])
        #expect(chinese.status == 2)
        #expect(chinese.stdout.contains("未通过或无法检查的“应/严禁”条款："), "\(chinese.stdout)")
        #expect(chinese.stdout.contains("不通过" + String(repeating: " ", count: 7) + "6.6.2-1 (应)"), "\(chinese.stdout)")
        #expect(chinese.stdout.contains("运行 1 已保存：\(fixture.database)"))
        #expect(chinese.stdout.contains("结论：不符合（nonConformant）"))
        #expect(chinese.stdout.contains("符合 ⇔ 适用的\"应/严禁\"条款全部通过"))

        let english = try run(["--lang", "en"], ["LANG": "zh_CN.UTF-8"])
        #expect(english.stdout.contains("conformance: nonConformant (不符合)"), "\(english.stdout)")
        #expect(english.stdout.contains("run 2 stored in"))

        let byLCAll = try run([], ["LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"])
        #expect(byLCAll.stdout.contains("conformance: nonConformant"), "LC_ALL comes first")
        let byLanguageFlag = try run(["--lang", "zh"], ["LC_ALL": "C", "LANG": "C"])
        #expect(byLanguageFlag.stdout.contains("结论：不符合"))
    }

    @Test("--quiet prints nothing on success or failure but errors and warnings; the exit status says it")
    func quiet() throws {
        let fixture = try failingFixture("quiet")
        defer { fixture.remove() }
        let run = try runMallaudit(["run", "--site", fixture.site, "--db", fixture.database, "--only", "6.6.2-1", "-q"])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty && run.stderr.isEmpty, "\(run.stdout)\(run.stderr)")
        let probe = try runMallaudit(["probe", "--site", fixture.site, "--only", "6.6.2-1", "--quiet"])
        #expect(probe.status == 2)
        #expect(probe.stdout.isEmpty)
        // JSON is output asked for: --quiet does not hide it.
        let json = try runMallaudit(
            ["run", "--site", fixture.site, "--db", fixture.database, "--only", "6.6.2-1", "-q", "--format", "json"])
        #expect(json.stdout.hasPrefix("{"))
        let report = try runMallaudit(
            ["report", "--db", fixture.database, "--format", "xml", "--output",
             fixture.dir.appendingPathComponent("r.xml").path, "--quiet"])
        #expect(report.status == 0 && report.stdout.isEmpty)
        let failed = try runMallaudit(["report", "--db", "/nonexistent.sqlite", "--format", "xml", "--output", "-", "-q"])
        #expect(failed.status == 1 && failed.stderr.hasPrefix("mallaudit: "), "errors still show")
    }
}
