import AuditModel
import AuditStore
import Foundation
import Testing
import TestSupport

@Suite("Evidence files")
struct EvidenceTests {
    @Test("a file larger than one chunk is copied beside the database under its SHA-256, as sha256sum computes it")
    func copyAndDigest() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("机房北墙.jpg")
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<(3 * 1_048_576 + 123)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try bytes.write(to: source)

        let ref = try store.importEvidence(source, collectedBy: "王工", description: "north wall")
        #expect(ref.sha256 == (try sha256sum(source)))
        #expect(ref.size == Int64(bytes.count))
        #expect(ref.name == "机房北墙.jpg")
        #expect(ref.collectedBy == "王工" && ref.description == "north wall" && ref.collectedAt != nil)
        let stored = store.evidenceDirectory.appendingPathComponent(ref.sha256)
        #expect(store.evidenceDirectory.lastPathComponent == store.databaseURL.lastPathComponent + "-evidence")
        #expect(store.evidenceURL(ref).standardizedFileURL == stored.standardizedFileURL)
        #expect(try Data(contentsOf: stored) == bytes)
        #expect(try sha256sum(stored) == ref.sha256)
        let mode = try FileManager.default.attributesOfItem(atPath: stored.path)[.posixPermissions] as? Int
        #expect(mode == 0o400, "stored evidence is read-only, by its owner only")
    }

    @Test("the same bytes under two names are stored once; the empty file has the well-known digest")
    func dedup() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("a.pdf")
        let second = dir.appendingPathComponent("b.pdf")
        try Data("合同 contract".utf8).write(to: first)
        try Data("合同 contract".utf8).write(to: second)
        let a = try store.importEvidence(first, collectedBy: nil)
        let b = try store.importEvidence(second, collectedBy: nil)
        #expect(a.sha256 == b.sha256 && a.name == "a.pdf" && b.name == "b.pdf")
        let empty = dir.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        let e = try store.importEvidence(empty, collectedBy: nil)
        #expect(e.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" && e.size == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: store.evidenceDirectory.path).sorted()
        #expect(files == [a.sha256, e.sha256].sorted(), "no duplicate and no leftover temporary file")

        let run = try store.openRun(newRun())
        var pass = result("5.1.1-1", .pass)
        pass.evidence = [a, b]
        try store.record(pass, run: run.id)
        #expect(try store.results(run: run.id).first?.evidence == [a, b])
    }

    @Test("a missing file or a folder is an evidence error naming it")
    func missing() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("no-photo.jpg")
        #expect {
            _ = try store.importEvidence(missing, collectedBy: nil)
        } throws: { error in
            (error as? StoreError)?.code == .evidence && "\(error)".contains("no-photo.jpg")
        }
        #expect(throws: StoreError.self) { _ = try store.importEvidence(dir, collectedBy: nil) }
    }
}

@Suite("Evidence of stores written before the store's own evidence folder")
struct LegacyEvidenceTests {
    @Test("a v3 store's copies in evidence/ are still read; new copies go to the store's own folder")
    func legacyFolderRead() throws {
        let dir = try temporaryDirectory("legacy-evidence")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixture = repositoryRoot().appendingPathComponent("Tests/CLITests/Fixtures/store-v3")
        for name in ["mallaudit.sqlite", "evidence"] {
            try FileManager.default.copyItem(
                at: fixture.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        let store = try AuditStore(path: dir.appendingPathComponent("mallaudit.sqlite").path)
        let refs = try store.results(run: 1).flatMap { $0.evidence + $0.checkpoints.flatMap(\.evidence) }
        #expect(!refs.isEmpty)
        for ref in refs {
            let url = store.evidenceURL(ref)
            #expect(url.deletingLastPathComponent().lastPathComponent == "evidence", "\(url.path)")
            #expect(try sha256sum(url) == ref.sha256)
        }
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("evidence").path)
        let source = dir.appendingPathComponent("new-photo.jpg")
        try Data("新照片".utf8).write(to: source)
        let ref = try store.importEvidence(source, collectedBy: "王工")
        #expect(store.evidenceURL(ref).deletingLastPathComponent().lastPathComponent == "mallaudit.sqlite-evidence")
        let after = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("evidence").path)
        #expect(after.sorted() == before.sorted(), "the old folder is read, never written")
    }
}
