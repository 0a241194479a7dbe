import Foundation
import Testing
import TestSupport

/// The test helpers live in their own executable, `mallaudit-testkit`: the product knows nothing of them.
@Suite("mallaudit-testkit, apart from the product")
struct TestKitTests {
    /// Names a test or benchmark command could have in the product.
    private let testCommands = ["_store-stress", "_store-seed", "_bench-report", "store-stress", "store-seed", "bench"]

    @Test("mallaudit --help (even --help-hidden) lists no test or benchmark command, and refuses to run one")
    func productHasNoTestCommands() throws {
        for flag in ["--help", "--help-hidden"] {
            let help = try runMallaudit([flag])
            #expect(help.status == 0, "\(help.stderr)")
            #expect(help.stdout.contains("check") && help.stdout.contains("report"), "\(help.stdout)")
            for name in testCommands + ["testkit"] {
                #expect(!help.stdout.contains(name), "\(flag) lists \(name): \(help.stdout)")
            }
        }
        for name in ["_store-stress", "_store-seed", "_bench-report"] {
            let outcome = try runMallaudit([name])
            #expect(outcome.status == 64, "mallaudit \(name) still runs: \(outcome.stdout)")
            #expect(outcome.stderr.contains("Unexpected argument '\(name)'"), "\(outcome.stderr)")
        }
        let testkit = try runTestKit(["--help"])
        #expect(testkit.status == 0)
        for name in ["store-stress", "store-seed", "bench-report"] {
            #expect(testkit.stdout.contains(name), "\(testkit.stdout)")
        }
    }

    @Test("bench-report times the three writers over a synthetic run and saves the reports when asked")
    func writesReports() throws {
        let directory = try temporaryDirectory("bench-report")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try runTestKit(["bench-report", "--results", "120", "--output", directory.path])
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

    @Test("bench-report refuses a non-positive result count with a clear message")
    func refusesZero() throws {
        let outcome = try runTestKit(["bench-report", "--results", "0"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("--results must be at least 1"))
    }

    @Test("bench-report: a missing templates directory is an error naming it, not a crash")
    func missingTemplates() throws {
        let outcome = try runTestKit(["bench-report", "--results", "5", "--templates", "/nonexistent/templates"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/nonexistent/templates/report.html.mustache"))
    }
}
