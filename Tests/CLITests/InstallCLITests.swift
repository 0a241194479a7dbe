import Foundation
import Testing

/// `scripts/install.sh` as a user runs it, and the installed binary used outside the checkout: it must find the
/// checklist, schemas, templates, calendar and probes under PREFIX/share/mallaudit without any MALLAUDIT_*
/// variable, and `init` must leave a site profile whose probes exist.
@Suite("Installed mallaudit", .serialized)
struct InstallCLITests {
    /// Installs the binary the tests use into a fresh prefix; returns the prefix and the installed binary.
    private func install() throws -> (prefix: URL, binary: URL) {
        let prefix = try temporaryDirectory("mallaudit-prefix")
        let outcome = try runProcess(
            URL(fileURLWithPath: "/bin/bash"),
            [repositoryRoot().appendingPathComponent("scripts/install.sh").path, prefix.path],
            environment: ["MALLAUDIT_BIN": mallauditBinary().path], currentDirectory: repositoryRoot())
        try #require(outcome.status == 0, "install.sh failed: \(outcome.stderr)")
        let binary = prefix.appendingPathComponent("bin/mallaudit")
        #expect(FileManager.default.isExecutableFile(atPath: binary.path))
        return (prefix, binary)
    }

    /// The environment without any MALLAUDIT_* override, so only the installation can provide the files.
    private var bareEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MALLAUDIT_") }
    }

    @Test("the installed binary finds the checklist, calendar, templates and schema under share/mallaudit")
    func installedResources() throws {
        let (prefix, binary) = try install()
        let work = try temporaryDirectory("mallaudit-installed-work")
        defer {
            try? FileManager.default.removeItem(at: prefix)
            try? FileManager.default.removeItem(at: work)
        }
        let share = prefix.appendingPathComponent("share/mallaudit").path

        let validate = try runProcess(
            binary, ["checklist", "validate"], environment: bareEnvironment, currentDirectory: work, replace: true)
        #expect(validate.status == 0, "\(validate.stderr)")
        // Nothing above the prefix or in the working directory holds a checklist: only the installation can.
        #expect(validate.stdout.contains("valid: 63 clauses, 107 statements"), "\(validate.stdout)")
        #expect(FileManager.default.fileExists(atPath: share + "/checklists/mall-digital-service.xml"))

        // The calendar: a complaint received before the National Day holiday and answered on 2026-10-09 is on
        // time (working days skip the holiday); without the installed calendar this would be an error.
        let csv = work.appendingPathComponent("complaints.csv")
        try "id,received,replied\nC1,2026-09-30,2026-10-09\n".write(to: csv, atomically: true, encoding: .utf8)
        let complaints = try runProcess(
            binary, ["check", "complaints", "--csv", csv.path, "--as-of", "2026-11-01"], environment: bareEnvironment,
            currentDirectory: work, replace: true)
        #expect(complaints.status == 0, "\(complaints.stdout)\(complaints.stderr)")

        // Reports: templates and the XML schema come from the installation.
        let db = work.appendingPathComponent("audit.sqlite").path
        let seeded = try runProcess(
            binary, ["_bench-report", "--results", "30", "--store", db], environment: bareEnvironment,
            currentDirectory: work, replace: true)
        try #require(seeded.status == 0, "\(seeded.stderr)")
        for format in ["xml", "html", "junit"] {
            let output = work.appendingPathComponent("report.\(format)")
            let report = try runProcess(
                binary, ["report", "--db", db, "--format", format, "--output", output.path],
                environment: bareEnvironment, currentDirectory: work, replace: true)
            #expect(report.status == 0, "\(format): \(report.stderr)")
            let text = try String(contentsOf: output, encoding: .utf8)
            #expect(text.contains(format == "html" ? "符合性评估报告" : "5.1.1-1"), "\(format)")
        }
    }

    @Test("init writes the site profile and the shipped probes; the profile's probes load, an edit is kept")
    func initCopiesProbes() throws {
        let (prefix, binary) = try install()
        let work = try temporaryDirectory("mallaudit-init")
        defer {
            try? FileManager.default.removeItem(at: prefix)
            try? FileManager.default.removeItem(at: work)
        }
        let first = try runProcess(binary, ["init"], environment: bareEnvironment, currentDirectory: work, replace: true)
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

        // A second init refuses to overwrite the profile; with --force it rewrites it but keeps nothing edited
        // only when asked: without --force an edited probe file survives.
        let edited = work.appendingPathComponent("probes/\(shipped[0])")
        try "# the mall's own edit\nprobes: []\n".write(to: edited, atomically: true, encoding: .utf8)
        let again = try runProcess(binary, ["init"], environment: bareEnvironment, currentDirectory: work, replace: true)
        #expect(again.status == 1)
        #expect(again.stderr.contains("site.yaml") && again.stderr.contains("--force"))
        try FileManager.default.removeItem(at: work.appendingPathComponent("site.yaml"))
        let fresh = try runProcess(binary, ["init"], environment: bareEnvironment, currentDirectory: work, replace: true)
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(fresh.stdout.contains("kept probes/\(shipped[0])"))
        #expect(try String(contentsOf: edited, encoding: .utf8).hasPrefix("# the mall's own edit"))

        // Without any shipped probes to find, init says so and writes nothing (unless told --no-probes).
        let elsewhere = try temporaryDirectory("mallaudit-init-none")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        var environment = bareEnvironment
        environment["MALLAUDIT_PROBES"] = elsewhere.appendingPathComponent("missing").path
        let missing = try runProcess(binary, ["init"], environment: environment, currentDirectory: elsewhere, replace: true)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("MALLAUDIT_PROBES"))
        #expect(!FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("site.yaml").path))
        let bare = try runProcess(
            binary, ["init", "--no-probes"], environment: environment, currentDirectory: elsewhere, replace: true)
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("probes").path))
    }
}
