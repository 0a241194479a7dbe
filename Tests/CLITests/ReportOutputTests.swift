import Foundation
import Testing
import TestSupport

/// Where `mallaudit report` and `run --report-dir` put reports: a file, standard output, a folder of several.
@Suite("Reports: standard output, several formats, --lang where it means something")
struct ReportOutputTests {
    /// A folder with a database holding one stored run (made by the test helper).
    private func seeded() throws -> (folder: URL, db: String) {
        let folder = try temporaryDirectory("report-output")
        let db = folder.appendingPathComponent("audit.sqlite").path
        let seeded = try runTestKit(["bench-report", "--results", "30", "--store", db])
        try #require(seeded.status == 0, "\(seeded.stderr)")
        return (folder, db)
    }

    @Test("--output - writes the report to standard output, byte for byte the file's, and nothing else")
    func standardOutput() throws {
        let (folder, db) = try seeded()
        defer { try? FileManager.default.removeItem(at: folder) }
        for format in ["xml", "junit", "html"] {
            let piped = try runMallaudit(["report", "--db", db, "--format", format, "--output", "-"])
            #expect(piped.status == 0, "\(format): \(piped.stderr)")
            #expect(piped.stderr.isEmpty)
            let file = folder.appendingPathComponent("report.\(format)")
            let written = try runMallaudit(["report", "--db", db, "--format", format, "--output", file.path])
            #expect(written.status == 0)
            if format != "html" {
                #expect(piped.stdout == (try String(contentsOf: file, encoding: .utf8)), "\(format)")
            } else {
                #expect(piped.stdout.hasPrefix("<!DOCTYPE html>"), "\(piped.stdout.prefix(40))")
            }
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("-").path))
        }
        // xmllint reads the XML from the pipe and finds it valid against the schema.
        let xml = try runMallaudit(["report", "--db", db, "--format", "xml", "--output", "-"])
        let stdinFile = folder.appendingPathComponent("from-stdout.xml")
        try Data(xml.stdout.utf8).write(to: stdinFile)
        let schema = repositoryRoot().appendingPathComponent("reports/report.xsd").path
        #expect(try runProcess(URL(fileURLWithPath: "/usr/bin/xmllint"), ["--noout", "--schema", schema, stdinFile.path]).status == 0)
    }

    @Test("several formats in one call land in one folder under their usual names")
    func severalIntoFolder() throws {
        let (folder, db) = try seeded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("reports")
        let outcome = try runMallaudit(["report", "--db", db, "--format", "xml,html,junit", "--output", out.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == ["report.html", "report.junit.xml", "report.xml"])
        for name in names { #expect(outcome.stdout.contains("wrote \(out.appendingPathComponent(name).path)")) }
        // One format into an existing folder: its usual name there.
        let again = try runMallaudit(["report", "--db", db, "--format", "junit", "--output", out.path, "--quiet"])
        #expect(again.status == 0 && again.stdout.isEmpty, "\(again.stderr)")
        // Several formats cannot share standard output.
        let refused = try runMallaudit(["report", "--db", db, "--format", "xml,junit", "--output", "-"])
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("mallaudit: error: --output - writes one format"))
        let unknown = try runMallaudit(["report", "--db", db, "--format", "xml,docx", "--output", out.path])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("'docx' is not a report format"))
    }

    @Test("--lang is refused where it means nothing (xml, junit) and applies to html")
    func languageWhereMeaningful() throws {
        let (folder, db) = try seeded()
        defer { try? FileManager.default.removeItem(at: folder) }
        for format in ["xml", "junit", "xml,junit"] {
            let refused = try runMallaudit(
                ["report", "--db", db, "--format", format, "--output", folder.appendingPathComponent("r").path, "--lang",
                 "en"])
            #expect(refused.status == 64, "\(format)")
            #expect(refused.stderr.hasPrefix("mallaudit: error: --lang applies to the HTML and PDF reports only"))
        }
        let english = try runMallaudit(["report", "--db", db, "--format", "html", "--output", "-", "--lang", "en"])
        #expect(english.status == 0)
        #expect(english.stdout.contains("<html lang=\"en\""), "\(english.stdout.prefix(200))")
        let chinese = try runMallaudit(["report", "--db", db, "--format", "html", "--output", "-"])
        #expect(chinese.stdout.contains("<html lang=\"zh"), "\(chinese.stdout.prefix(200))")
        // With several formats, --lang goes to the one that has a language.
        let mixed = try runMallaudit(
            ["report", "--db", db, "--format", "xml,html", "--output", folder.appendingPathComponent("mixed").path,
             "--lang", "en"])
        #expect(mixed.status == 0, "\(mixed.stderr)")
    }

    @Test("run --report-dir writes the reports at the end of the run, and says where")
    func runReportDir() throws {
        let fixture = try SiteFixture("report-dir")
        defer { fixture.remove() }
        var site = SiteYAML()
        site.data = [("payments", "exports/payments.csv")]
        try fixture.writeSite(site)
        try fixture.writeProbes([ProbeYAML.check("payments", statements: Checkpoints.payments, kind: "payments")])
        try fixture.write("exports/payments.csv", "merchant,cash,mobile,bank_card,ecny\n甲店,是,是,是,否\n")
        let reports = fixture.dir.appendingPathComponent("reports")
        let text = try runMallaudit(
            ["run", "--site", fixture.site, "--db", fixture.database, "--only", "6.6.2-1", "--report-dir", reports.path])
        #expect(text.status == 2, "\(text.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted()
        #expect(names == ["report.html", "report.junit.xml", "report.xml"])
        for name in names { #expect(text.stdout.contains("  \(reports.appendingPathComponent(name).path)")) }
        // The XML report is the stored run's: the same bytes `report` writes from the database.
        let again = try runMallaudit(
            ["report", "--db", fixture.database, "--run", "latest", "--format", "xml", "--output", "-"])
        #expect(again.stdout == (try String(contentsOf: reports.appendingPathComponent("report.xml"), encoding: .utf8)))

        let json = try runMallaudit(
            ["run", "--site", fixture.site, "--db", fixture.database, "--only", "6.6.2-1", "--report-dir", reports.path,
             "--report-format",
             "junit", "--format", "json"])
        #expect(json.status == 2)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(summary["reports"] as? [String] == [reports.appendingPathComponent("report.junit.xml").path])
        let alone = try runMallaudit(["run", "--site", fixture.site, "--report-format", "xml"])
        #expect(alone.status == 64)
    }
}
