import Foundation
import Testing
import TestSupport

/// `mallaudit worksheet` for the demo mall: the inspector's sheet lists what no shipped probe or data check
/// settles; its HTML prints on A4 through headless Chromium; its YAML, once filled in, is a findings file that
/// `run --findings` accepts (and unfilled, it is refused at its line).
@Suite("The inspection worksheet")
struct WorksheetCLITests {
    static let site = repositoryRoot().appendingPathComponent("examples/demo-mall/site.yaml").path

    @Test("the YAML skeleton lists the uncovered checkpoints only; filled in, run --findings accepts it")
    func yamlRoundTrip() throws {
        let work = try temporaryDirectory("worksheet")
        defer { try? FileManager.default.removeItem(at: work) }
        let sheet = work.appendingPathComponent("worksheet.yaml")
        let written = try runMallaudit(["worksheet", "--site", Self.site, "--format", "yaml", "--output", sheet.path])
        #expect(written.status == 0, "\(written.stderr)")
        let text = try String(contentsOf: sheet, encoding: .utf8)
        // Inspection-only statements and checkpoints are on it; what a shipped probe settles is not.
        for target in ["5.2.5-8", "5.1.2-2/keywordFiltering", "8.1.2-1/commentBox", "5.2.1-1/infrastructure"] {
            #expect(text.contains("  - statement: \(target)\n"), "\(target) missing")
        }
        for target in ["5.2.1-2", "5.1.2-2/realName", "8.1.2-1/supervisionPhone", "6.3-1/hotZones"] {
            #expect(!text.contains("  - statement: \(target)\n"), "\(target) is settled by a probe")
        }

        // Unfilled, the skeleton is refused with the file and line of the first empty verdict.
        let database = work.appendingPathComponent("mallaudit.sqlite").path
        let refused = try runMallaudit([
            "run", "--site", Self.site, "--findings", sheet.path, "--db", database, "--only", "5.2.5-8",
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("worksheet.yaml:"), "\(refused.stderr)")

        // Filled in (every verdict fail, with a note), it is a findings file the run accepts.
        let filled = work.appendingPathComponent("filled.yaml")
        try text.replacingOccurrences(of: "    verdict:\n", with: "    verdict: fail\n")
            .replacingOccurrences(of: "    note: \"\"\n", with: "    note: 现场检查未见\n")
            .write(to: filled, atomically: true, encoding: .utf8)
        let accepted = try runMallaudit([
            "run", "--site", Self.site, "--findings", filled.path, "--db", database, "--only", "5.2.5-8,8.1.2-1",
        ])
        #expect(accepted.status == 2, "a failed shall statement; not refused: \(accepted.stderr)")
        let stored = try runProcess(URL(fileURLWithPath: "/usr/bin/sqlite3"), [
            "-readonly", database, "SELECT verdict FROM results WHERE statement_id = '5.2.5-8'",
        ])
        #expect(stored.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "fail")
    }

    @Test("the HTML worksheet escapes every text; --format pdf prints it on A4 through headless Chromium")
    func printsOnA4() throws {
        let work = try temporaryDirectory("worksheet-pdf")
        defer { try? FileManager.default.removeItem(at: work) }
        let html = work.appendingPathComponent("worksheet.html")
        let written = try runMallaudit(["worksheet", "--site", Self.site, "--format", "html", "--output", html.path])
        #expect(written.status == 0, "\(written.stderr)")
        let source = try String(contentsOf: html, encoding: .utf8)
        #expect(source.contains("@page { size: A4"))
        #expect(source.contains("5.2.5-8") && source.contains("地面铺设瓷砖"))
        #expect(!source.contains("<script"))
        // The PDF comes from mallaudit itself, through the report's one Chromium path (PDFRenderer).
        let pdf = work.appendingPathComponent("worksheet.pdf")
        let printed = try runMallaudit(["worksheet", "--site", Self.site, "--format", "pdf", "--output", pdf.path])
        #expect(printed.status == 0, "\(printed.stderr)")
        let bytes = try Data(contentsOf: pdf)
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        let latin = String(decoding: bytes, as: UTF8.self)
        // A4 is 595.28 × 841.89 pt; Chromium writes its page boxes as 594.96 × 841.92.
        #expect(latin.contains("/MediaBox [0 0 59"), "not an A4 page box")
        #expect(latin.contains(" 841.") || latin.contains(" 842"), "not an A4 page height")
        #expect(latin.components(separatedBy: "/Type /Page\n").count + latin.components(separatedBy: "/Type /Page/").count > 2)
    }
}
