import AuditModel
import Foundation
import Testing
import TestSupport

/// A store an inspector wrote before checkpoints existed keeps working: it opens and migrates, its run still reports,
/// and a re-inspection into it says which statements are now judged by checkpoints instead of calling them changed
/// verdicts of the mall.
@Suite("Stores written before checkpoints")
struct OldStoreTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/store-v3")

    private func copyFixture(into fixture: SiteFixture) throws {
        try FileManager.default.copyItem(
            at: Self.fixture.appendingPathComponent("mallaudit.sqlite"), to: URL(fileURLWithPath: fixture.database))
        try FileManager.default.copyItem(
            at: Self.fixture.appendingPathComponent("evidence"), to: fixture.dir.appendingPathComponent("evidence"))
    }

    @Test("a v3 store opens, migrates, reports its old run and takes a new run; diff names the re-judged statements")
    func migrateAndReinspect() throws {
        let fixture = try SiteFixture("old-store")
        defer { fixture.remove() }
        try copyFixture(into: fixture)

        let runs = try fixture.runs()
        #expect(runs.map(\.id) == [1])
        #expect(runs.first?.status == "completed" && runs.first?.results == 107)
        let migrations = try fixture.sqlite3(["-readonly", fixture.database, "SELECT identifier FROM grdb_migrations"])
        #expect(migrations.split(separator: "\n") == ["v1", "v2", "v3", "v4", "v5", "v6"])

        let xml = fixture.dir.appendingPathComponent("old.xml").path
        let report = try fixture.mallaudit(["report", "--db", fixture.database, "--run", "1", "--format", "xml", "--output", xml])
        #expect(report.status == 0, "\(report.stderr)")
        let text = try String(contentsOfFile: xml, encoding: .utf8)
        #expect(text.contains(#"<checklist version="1.0.0""#))
        #expect(!text.contains("<checkpoint "), "the old run was judged whole; its report says so by having none")
        #expect(!text.contains("<method>"), "the old run recorded no limits or readings")

        // The re-inspection: today's checklist splits 5.1.2-2, and only its real-name redirect is probed.
        var site = SiteYAML()
        site.http = [("mall", try TestPeer.http())]
        try fixture.writeSite(site)
        try fixture.writeProbes([ProbeYAML.realNameRedirect(statements: ["5.1.2-2/realName"])])
        let second = try fixture.run(["--only", "5.1.2-2"])
        #expect(second.status == 3, "\(second.stderr)")
        #expect(try SiteFixture.summary(second).run == 2)

        let diff = try fixture.mallaudit(["diff", "1", "2", "--db", fixture.database, "--format", "json"])
        #expect(diff.status == 0, "\(diff.stderr)")
        let listing = try JSONDecoder().decode(DiffListing.self, from: Data(diff.stdout.utf8))
        // 5.1.2-2 passed whole in run 1; by its checkpoints it is not assessed: the method changed, not the mall.
        #expect(listing.gainedCheckpoints.map(\.statement) == ["5.1.2-2"])
        #expect(listing.gainedCheckpoints.first?.before == "pass" && listing.gainedCheckpoints.first?.after == "notAssessed")
        #expect(!listing.otherChanges.contains { $0.statement == "5.1.2-2" })
        let textDiff = try fixture.mallaudit(["diff", "1", "2", "--db", fixture.database])
        #expect(textDiff.stdout.contains("Now judged by checkpoints 改为按检查点判定"))
        #expect(textDiff.stdout.contains("note: the runs used different checklists (1.0.0 and 1.1.0)"))
    }
}
