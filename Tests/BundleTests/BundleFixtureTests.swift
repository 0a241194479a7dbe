import AuditBundle
import Foundation
import Testing
import TestSupport

/// Bundles of every format version ever written stay verifiable (Fixtures/vN/bundle.zip, never re-recorded).
@Suite("Committed bundles of each format version")
struct BundleFixtureTests {
    static let fixtures = repositoryRoot().appendingPathComponent("Tests/BundleTests/Fixtures")

    @Test("The committed bundle of each format version verifies", arguments: [1])
    func committedBundle(version: Int) throws {
        let folder = Self.fixtures.appendingPathComponent("v\(version)")
        let trust = try TrustStore.load(folder.appendingPathComponent("trust"))
        let result = verify(folder.appendingPathComponent("bundle.zip"), trust: trust)
        #expect(result.status == .valid, "\(result.problems)")
        let predicate = try #require(result.statement?.predicate)
        #expect(predicate.bundleFormatVersion == version)
        #expect(predicate.mall.name == "星河广场" && predicate.mall.district == "云龙区")
        #expect(predicate.verdict == "nonConformant")
        #expect(result.signatures.map(\.role) == [.inspector, .mall])
        #expect(result.signatures.map(\.algorithm) == ["sm2-sm3", "ed25519"])
        #expect(BundleFormat.readableVersions.contains(version))
    }

    @Test("Every format version this mallaudit reads has a committed bundle")
    func everyVersionHasAFixture() {
        for version in BundleFormat.readableVersions {
            #expect(FileManager.default.fileExists(
                atPath: Self.fixtures.appendingPathComponent("v\(version)/bundle.zip").path), "v\(version)")
        }
    }
}
