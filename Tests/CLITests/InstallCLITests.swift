import Foundation
import Testing
import TestSupport

/// `scripts/install.sh` as a user runs it, and the installed binary used outside the checkout: it must find the
/// checklist, schemas, templates, calendar and probes under PREFIX/share/mallaudit without any MALLAUDIT_*
/// variable, and `init` must leave a site profile whose probes exist.
/// The test binary installed by `scripts/install.sh` into a fresh prefix, and a working directory outside the
/// checkout; both removed by `remove()`.
private struct Installation {
    let prefix: URL
    let binary: URL
    let work: URL

    init() throws {
        prefix = try temporaryDirectory("mallaudit-prefix")
        work = try temporaryDirectory("mallaudit-installed-work")
        // generate-manual is built by scripts/test.sh (`swift test` holds the build folder meanwhile).
        var environment = ["MALLAUDIT_BIN": try mallauditBinary().path]
        environment["MALLAUDIT_GENERATE_MANUAL"] = try TestPeer.value("MALLAUDIT_GENERATE_MANUAL")
        let outcome = try runProcess(
            URL(fileURLWithPath: "/bin/bash"),
            [repositoryRoot().appendingPathComponent("scripts/install.sh").path, prefix.path],
            environment: environment, currentDirectory: repositoryRoot())
        try #require(outcome.status == 0, "install.sh failed: \(outcome.stderr)")
        binary = prefix.appendingPathComponent("bin/mallaudit")
        #expect(FileManager.default.isExecutableFile(atPath: binary.path))
        // The test helpers are not part of the product: mallaudit and the bureau's server are installed, nothing else.
        let installedBinaries = try FileManager.default.contentsOfDirectory(
            atPath: prefix.appendingPathComponent("bin").path)
        #expect(installedBinaries.sorted() == ["mallaudit", "mallaudit-server"])
        let server = try runProcess(prefix.appendingPathComponent("bin/mallaudit-server"), ["--help"])
        #expect(server.status == 0 && server.stdout.contains("migrate"), "\(server.stdout)\(server.stderr)")
    }

    /// The environment without any MALLAUDIT_* override, so only the installation can provide the files.
    static var bareEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MALLAUDIT_") }
    }

    /// Runs the installed binary in `directory` (the working directory by default) with `environment` alone.
    func run(
        _ arguments: [String], environment: [String: String] = bareEnvironment, in directory: URL? = nil
    ) throws -> ProcessOutcome {
        try runProcess(binary, arguments, environment: environment, currentDirectory: directory ?? work, replace: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: prefix)
        try? FileManager.default.removeItem(at: work)
    }
}

@Suite("Installed mallaudit", .serialized)
struct InstallCLITests {
    @Test("the installed binary finds the checklist, calendar, templates and schema under share/mallaudit")
    func installedResources() throws {
        let installed = try Installation()
        defer { installed.remove() }
        let work = installed.work
        let share = installed.prefix.appendingPathComponent("share/mallaudit").path

        let validate = try installed.run(["checklist", "validate"])
        #expect(validate.status == 0, "\(validate.stderr)")
        // Nothing above the prefix or in the working directory holds a checklist: only the installation can.
        #expect(validate.stdout.contains("valid: 63 clauses, 107 statements"), "\(validate.stdout)")
        #expect(FileManager.default.fileExists(atPath: share + "/checklists/mall-digital-service.xml"))

        // The calendar: a complaint received before the National Day holiday and answered on 2026-10-09 is on
        // time (working days skip the holiday); without the installed calendar this would be an error.
        let csv = work.appendingPathComponent("complaints.csv")
        try "id,received,replied\nC1,2026-09-30,2026-10-09\n".write(to: csv, atomically: true, encoding: .utf8)
        let complaints = try installed.run(["check", "complaints", "--csv", csv.path, "--as-of", "2026-11-01"])
        #expect(complaints.status == 0, "\(complaints.stdout)\(complaints.stderr)")

        // Reports: templates and the XML schema come from the installation (the run is stored by the test helper).
        let db = work.appendingPathComponent("audit.sqlite").path
        let seeded = try runTestKit(["bench-report", "--results", "30", "--store", db])
        try #require(seeded.status == 0, "\(seeded.stderr)")
        for format in ["xml", "html", "junit"] {
            let output = work.appendingPathComponent("report.\(format)")
            let report = try installed.run(["report", "--db", db, "--format", format, "--output", output.path])
            #expect(report.status == 0, "\(format): \(report.stderr)")
            let text = try String(contentsOf: output, encoding: .utf8)
            #expect(text.contains(format == "html" ? "符合性评估报告" : "5.1.1-1"), "\(format)")
        }
    }

    @Test("init writes the site profile and the shipped probes; an edited probe file is kept")
    func initCopiesProbes() throws {
        let installed = try Installation()
        defer { installed.remove() }
        let work = installed.work
        let first = try installed.run(["init"])
        #expect(first.status == 0, "\(first.stderr)")
        let shipped = try FileManager.default.contentsOfDirectory(
            atPath: repositoryRoot().appendingPathComponent("probes").path
        ).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!shipped.isEmpty)
        for name in shipped {
            let copy = try Data(contentsOf: work.appendingPathComponent("probes/\(name)"))
            let original = try Data(contentsOf: repositoryRoot().appendingPathComponent("probes/\(name)"))
            #expect(copy == original, "probes/\(name)")
            #expect(first.stdout.contains("wrote probes/\(name)"))
        }
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("site.yaml").path))

        // A second init refuses to overwrite the profile. Once the profile is gone, init writes it again and keeps
        // the mall's edited probe file; only --force puts the shipped one back.
        let edited = work.appendingPathComponent("probes/\(shipped[0])")
        try "# the mall's own edit\nprobes: []\n".write(to: edited, atomically: true, encoding: .utf8)
        let again = try installed.run(["init"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("site.yaml") && again.stderr.contains("--force"))
        try FileManager.default.removeItem(at: work.appendingPathComponent("site.yaml"))
        let fresh = try installed.run(["init"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(fresh.stdout.contains("kept probes/\(shipped[0])"))
        #expect(try String(contentsOf: edited, encoding: .utf8).hasPrefix("# the mall's own edit"))
        let forced = try installed.run(["init", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(
            try Data(contentsOf: edited)
                == Data(contentsOf: repositoryRoot().appendingPathComponent("probes/\(shipped[0])")))

        // Without any shipped probes to find, init says so and writes nothing (unless told --no-probes).
        let elsewhere = try temporaryDirectory("mallaudit-init-none")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        var environment = Installation.bareEnvironment
        environment["MALLAUDIT_PROBES"] = elsewhere.appendingPathComponent("missing").path
        let missing = try installed.run(["init"], environment: environment, in: elsewhere)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("MALLAUDIT_PROBES"))
        #expect(!FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("site.yaml").path))
        let bare = try installed.run(["init", "--no-probes"], environment: environment, in: elsewhere)
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("probes").path))
    }

    @Test("install.sh leaves a manual that `man -l` renders and bash, zsh and fish completions")
    func manualAndCompletions() throws {
        let installed = try Installation()
        defer { installed.remove() }
        let manual = installed.prefix.appendingPathComponent("share/man/man1/mallaudit.1")
        #expect(FileManager.default.fileExists(atPath: manual.path))
        let rendered = try runProcess(
            URL(fileURLWithPath: "/usr/bin/man"), ["-l", manual.path],
            environment: ["MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat", "LANG": "C.UTF-8"])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        #expect(rendered.stderr.isEmpty, "man -l warns: \(rendered.stderr)")
        let page = rendered.stdout
        #expect(page.contains("MALLAUDIT(1)"), "\(page.prefix(300))")
        // Non-ASCII text survives (generate-manual alone drops it): the standard's name, the ellipsis of the format.
        #expect(page.contains("商场数字化服务规范"), "\(page.prefix(300))")
        #expect(page.contains("error: …"), "\(page.prefix(900))")
        for heading in ["NAME", "SYNOPSIS", "DESCRIPTION"] { #expect(page.contains(heading), "\(heading)") }
        // The exit table and every command are in it, as --help has them.
        #expect(page.contains("usage error (an unknown option, a missing argument)"))
        for command in ["demo", "run", "report", "assess", "diff", "http", "snmp", "verify"] {
            #expect(page.contains("\n     \(command)"), "\(command) not in the manual")
        }

        let share = installed.prefix.appendingPathComponent("share")
        let bash = share.appendingPathComponent("bash-completion/completions/mallaudit").path
        let zsh = share.appendingPathComponent("zsh/site-functions/_mallaudit").path
        let fish = share.appendingPathComponent("fish/vendor_completions.d/mallaudit.fish").path
        #expect(try String(contentsOfFile: zsh, encoding: .utf8).hasPrefix("#compdef mallaudit"))
        #expect(try String(contentsOfFile: fish, encoding: .utf8).contains("__mallaudit_parse_tokens"))
        // bash completes from the installed file: `mallaudit rep<TAB>` and `mallaudit snmp get --snmp<TAB>`.
        func complete(_ words: [String]) throws -> String {
            let script = """
                source '\(bash)'
                COMP_WORDS=(\(words.joined(separator: " "))); COMP_CWORD=\(words.count - 1)
                COMP_LINE='\(words.joined(separator: " "))'; COMP_POINT=${#COMP_LINE}
                _mallaudit mallaudit '\(words.last!)' '\(words[words.count - 2])'
                echo "${COMPREPLY[@]}"
                """
            return try runTool("/bin/bash", ["-c", script]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try complete(["mallaudit", "rep"]) == "report")
        #expect(try complete(["mallaudit", "snmp", "get", "--snmp"]) == "--snmp-version")
    }
}

