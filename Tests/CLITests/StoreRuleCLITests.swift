import Foundation
import Testing
import TestSupport

// Issue 13, item 2: one way to find the store for every command — --db, else $MALLAUDIT_DB, else mallaudit.sqlite in
// the working directory — and a command that reads never creates a database: it says where it looked.

@Suite("One rule to find the store")
struct StoreRuleCLITests {
    /// Every command that reads a stored run, with arguments that would otherwise work.
    static let readers: [(name: String, arguments: [String])] = [
        ("report", ["report", "--run", "latest", "--format", "xml", "--output", "r.xml"]),
        ("assess", ["assess", "--run", "latest", "5.2.5-6", "--verdict", "fail", "--note", "有窗"]),
        ("runs", ["runs"]),
        ("diff", ["diff", "latest~1", "latest"]),
        ("bundle create", ["bundle", "create", "--key", "no.key", "--output", "b.zip"]),
        ("run --resume", ["run", "--site", "site.yaml", "--resume", "latest"]),
    ]

    /// The names in `dir` that a database would leave (the file, -wal, -shm, its evidence folder).
    private func storeFiles(in dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".sqlite") }.sorted()
    }

    @Test("each reader, with no database where the rule says, creates none and says where it looked and why",
          arguments: readers.map(\.name))
    func readerSaysWhereItLooked(_ name: String) throws {
        let arguments = try #require(Self.readers.first { $0.name == name }).arguments
        let dir = try temporaryDirectory("mallaudit-store-rule")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("mall: {}\n".utf8).write(to: dir.appendingPathComponent("site.yaml"))
        let here = dir.standardizedFileURL.appendingPathComponent("mallaudit.sqlite").path

        let plain = try runMallaudit(arguments, environment: ["MALLAUDIT_DB": ""], currentDirectory: dir)
        #expect(plain.status == 1, "\(name): \(plain.stderr)")
        #expect(plain.stderr.contains("no audit database at \(here)"), "\(name): \(plain.stderr)")
        #expect(plain.stderr.contains("in the working directory"), "\(name): \(plain.stderr)")

        let named = dir.appendingPathComponent("elsewhere/audit.sqlite").path
        let variable = try runMallaudit(arguments, environment: ["MALLAUDIT_DB": named], currentDirectory: dir)
        #expect(variable.status == 1, "\(name): \(variable.stderr)")
        #expect(variable.stderr.contains("no audit database at \(named)"), "\(name): \(variable.stderr)")
        #expect(variable.stderr.contains("$MALLAUDIT_DB"), "\(name): \(variable.stderr)")

        let option = try runMallaudit(
            arguments + ["--db", "given.sqlite"], environment: ["MALLAUDIT_DB": named], currentDirectory: dir)
        #expect(option.status == 1, "\(name): \(option.stderr)")
        #expect(option.stderr.contains("no audit database at \(dir.standardizedFileURL.path)/given.sqlite"))
        #expect(option.stderr.contains("--db"), "\(name): \(option.stderr)")

        let left = try storeFiles(in: dir)
        #expect(left.isEmpty, "\(name) created \(left)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("elsewhere").path))
    }

    @Test("run and the readers meet in the same database: the working directory's, or $MALLAUDIT_DB")
    func runAndReadersAgree() throws {
        let fixture = try SiteFixture("store-rule")
        defer { fixture.remove() }
        try fixture.writeSite(SiteYAML())
        try fixture.write("probes/none.yaml", "probes: []\n")
        let work = try temporaryDirectory("mallaudit-store-rule-work")
        defer { try? FileManager.default.removeItem(at: work) }

        // From another folder than the profile's: the database is the working directory's, not the profile's.
        let run = try runMallaudit(
            ["run", "--site", fixture.site, "--only", "6.8.a"], environment: ["MALLAUDIT_DB": ""], currentDirectory: work)
        #expect(run.status == 0, "\(run.stderr)")  // a should statement not assessed: conformant
        let database = work.standardizedFileURL.appendingPathComponent("mallaudit.sqlite").path
        #expect(run.stdout.contains("stored in \(database)"), "\(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: fixture.database))
        let runs = try runMallaudit(["runs", "--format", "json"], environment: ["MALLAUDIT_DB": ""], currentDirectory: work)
        #expect(runs.status == 0, "\(runs.stderr)")
        #expect(try JSONDecoder().decode([RunListing].self, from: Data(runs.stdout.utf8)).count == 1)

        // $MALLAUDIT_DB: run creates it there and the readers read it, from any folder.
        let named = fixture.dir.appendingPathComponent("named.sqlite").path
        let second = try runMallaudit(
            ["run", "--site", fixture.site, "--only", "6.8.a"], environment: ["MALLAUDIT_DB": named],
            currentDirectory: work)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(FileManager.default.fileExists(atPath: named))
        let report = try runMallaudit(
            ["report", "--format", "xml", "--output", "named.xml"], environment: ["MALLAUDIT_DB": named],
            currentDirectory: fixture.dir)
        #expect(report.status == 0, "\(report.stderr)")
        let listing = try runMallaudit(["runs", "--format", "json"], environment: ["MALLAUDIT_DB": named])
        #expect(try JSONDecoder().decode([RunListing].self, from: Data(listing.stdout.utf8)).count == 1)
    }
}
