import Foundation
import Testing

@Suite("mallaudit _bench-report")
struct BenchReportCommandTests {
    @Test("times the three writers over a synthetic run and saves the reports when asked")
    func writesReports() throws {
        let directory = try temporaryDirectory("bench-report")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try runMallaudit(["_bench-report", "--results", "120", "--output", directory.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("results: 120"))
        for writer in ["xml (write + validate)", "html", "junit"] {
            #expect(outcome.stdout.contains("\(writer): "), "\(writer) timing in \(outcome.stdout)")
        }
        for name in ["report.xml", "report.html", "report.junit.xml"] {
            let size =
                (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path))?[
                    .size] as? Int
            #expect((size ?? 0) > 1000, "\(name) written")
        }
    }

    @Test("refuses a non-positive result count with a clear message")
    func refusesZero() throws {
        let outcome = try runMallaudit(["_bench-report", "--results", "0"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("--results must be at least 1"))
    }

    @Test("a missing templates directory is an error naming it, not a crash")
    func missingTemplates() throws {
        let outcome = try runMallaudit(["_bench-report", "--results", "5", "--templates", "/nonexistent/templates"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/nonexistent/templates/report.html.mustache"))
    }

    @Test("is hidden from the help")
    func hidden() throws {
        let outcome = try runMallaudit(["--help"])
        #expect(outcome.status == 0)
        #expect(!outcome.stdout.contains("_bench-report"))
    }
}
