import Foundation
import Testing
import TestSupport

// Issue 13, item 8: the store's evidence copies live in a folder of its own beside the database
// (`mallaudit.sqlite-evidence/`), never in a folder the user named — such as the `evidence/` folder where the inspector
// keeps the photos the findings point at.

@Suite("Evidence store apart from the user's folders")
struct EvidenceStoreCLITests {
    /// Every regular file below `dir`, relative to it, sorted.
    private func files(below dir: URL) -> [String] {
        let base = dir.standardizedFileURL.path
        let enumerator = FileManager.default.enumerator(atPath: base)
        var found: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                found.append(relative)
            }
        }
        return found.sorted()
    }

    private func mode(_ url: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }

    @Test("evidence copies never land in a folder the user named (run --findings, assess --evidence)")
    func copiesStayInTheStore() throws {
        let fixture = try SiteFixture("evidence-store")
        defer { fixture.remove() }
        var site = SiteYAML()
        site.findings = "findings.yaml"
        try fixture.writeSite(site)
        try fixture.write("probes/none.yaml", "probes: []\n")
        let photo = try fixture.write("evidence/machine-room.txt", "机房在一层，无窗\n")
        let ar = try fixture.write("evidence/ar.txt", "AR 景观照片\n")
        try fixture.write(
            "findings.yaml",
            """
            assessor: 测试员
            findings:
              - statement: 5.2.5-1
                verdict: pass
                evidence: [evidence/machine-room.txt]

            """)

        // The database in a folder the user named (`audits/`): the copies go to the store's own folder in it.
        try FileManager.default.createDirectory(
            at: fixture.dir.appendingPathComponent("audits"), withIntermediateDirectories: true)
        let database = fixture.dir.appendingPathComponent("audits/audit.sqlite").path
        let run = try fixture.mallaudit(
            ["run", "--site", fixture.site, "--db", database, "--only", "5.2.5-1,6.8.a", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")  // the finding passes 5.2.5-1; 6.8.a is a should statement
        let assess = try fixture.mallaudit(
            ["assess", "--db", database, "--run", "latest", "6.8.a", "--verdict", "pass", "--evidence", ar.path])
        #expect(assess.status == 0, "\(assess.stderr)")

        let digests = [try sha256sum(photo), try sha256sum(ar)].sorted()
        // The inspector's folder holds exactly the inspector's files.
        #expect(files(below: fixture.dir.appendingPathComponent("evidence")) == ["ar.txt", "machine-room.txt"])
        // The copies are in audit.sqlite-evidence/ beside the database, named by their digests, owner-only.
        let store = fixture.dir.appendingPathComponent("audits/audit.sqlite-evidence")
        #expect(files(below: store) == digests)
        #expect(try mode(store) == 0o700)
        for digest in digests { #expect(try mode(store.appendingPathComponent(digest)) == 0o400) }
        // Nowhere else below the fixture is a file named by a digest.
        let everywhere = files(below: fixture.dir).filter { path in digests.contains { path.hasSuffix($0) } }
        #expect(everywhere == digests.map { "audits/audit.sqlite-evidence/\($0)" })

        // The stored paths name the store's folder.
        let stored = try fixture.sqlite3(["-readonly", database, "SELECT DISTINCT stored_path FROM evidence ORDER BY 1"])
        #expect(stored.split(separator: "\n").map(String.init) == digests.map { "audit.sqlite-evidence/\($0)" })
    }
}
