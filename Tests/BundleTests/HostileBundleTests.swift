import AuditBundle
import AuditSigning
import Foundation
import Testing
import TestSupport
import ZIPFoundation

/// Hostile bundles are refused — never a crash, never a file written outside a temporary folder.
@Suite("Hostile bundles")
struct HostileBundleTests {
    /// A countersigned bundle of the shared run, its keys and the trust store of both signers.
    struct Setting {
        var folder: URL
        var keys: TestKeys
        var bundle: URL
        var entries: [(path: String, data: Data)]
        var trust: TrustStore

        init() throws {
            folder = try temporaryFolder()
            keys = try TestKeys.make(in: folder)
            (bundle, _) = try makeBundle(try sharedRun.get(), by: keys.inspector, in: folder)
            _ = try BundleCountersign.countersign(archive: bundle, identity: keys.mall, role: .mall, schema: reportSchema)
            entries = try zipEntries(of: bundle)
            trust = try keys.trust([keys.inspector, keys.mall])
        }

        /// Writes `entries` as a bundle and verifies it.
        func verifyVariant(_ entries: [(path: String, data: Data)], name: String = UUID().uuidString + ".zip",
                           symlinks: [(path: String, target: String)] = [], limits: ZipLimits = ZipLimits())
            throws -> BundleVerification
        {
            let url = folder.appendingPathComponent(name)
            try writeZip(entries, to: url, symlinks: symlinks)
            return verify(url, trust: trust, limits: limits)
        }

        func cleanUp() { try? FileManager.default.removeItem(at: folder) }
    }

    @Test("The untouched bundle is valid (the baseline of every case below)")
    func baseline() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        #expect(verify(setting.bundle, trust: setting.trust).status == .valid)
        #expect(try setting.verifyVariant(setting.entries).status == .valid)
    }

    @Test("A flipped byte in any member is refused, naming the member")
    func flippedByteInEveryMember() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        for (index, member) in setting.entries.enumerated() {
            var changed = setting.entries
            var data = member.data
            data[data.count / 2] ^= 0x01
            changed[index].data = data
            let result = try setting.verifyVariant(changed)
            #expect(result.status == .invalid, "\(member.path)")
            if member.path != BundleFormat.envelopePath {
                #expect(result.problems.contains { $0.code == "member-changed" && $0.member == member.path },
                        "\(member.path): \(result.problems)")
            }
        }
    }

    @Test("A flipped byte anywhere in the zip never crashes, and never passes with changed contents")
    func flippedRawBytes() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        let original = try Data(contentsOf: setting.bundle)
        let step = max(1, original.count / 150)
        var refused = 0
        for position in stride(from: 0, to: original.count, by: step) {
            var bytes = original
            bytes[position] ^= 0x5a
            let url = setting.folder.appendingPathComponent("raw-\(position).zip")
            try bytes.write(to: url)
            let result = verify(url, trust: setting.trust)
            #expect(result.status != .unusable)
            if result.isValid {
                // Only bytes no digest covers changed (a time stamp, an attribute): the contents are the same.
                let contents = try zipEntries(of: url)
                #expect(contents.map(\.path) == setting.entries.map(\.path), "\(position)")
                #expect(contents.map(\.data) == setting.entries.map(\.data), "\(position)")
            } else {
                refused += 1
            }
            try? FileManager.default.removeItem(at: url)
        }
        #expect(refused > 100)
    }

    @Test("A member removed or added is refused, naming it")
    func removedAndAdded() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        let evidence = try #require(setting.entries.first { $0.path.hasPrefix("evidence/") }?.path)
        for removed in ["reports/report.xml", "manifest.json", "site/site.yaml", evidence] {
            let result = try setting.verifyVariant(setting.entries.filter { $0.path != removed })
            #expect(result.problems.contains { $0.code == "member-missing" && $0.member == removed }, "\(removed)")
        }
        let extra = Data("a photo nobody signed".utf8)
        for added in ["notes.txt", "evidence/" + Digests.sha256Hex(extra)] {
            let result = try setting.verifyVariant(setting.entries + [(added, extra)])
            #expect(result.problems.contains { $0.code == "member-extra" && $0.member == added }, "\(added)")
        }
    }

    @Test("Signatures from untrusted keys, and bundles re-signed by someone else, are refused")
    func untrustedAndResigned() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        // Nobody the verifier trusts signed it.
        let outsiderTrust = try setting.keys.trust([setting.keys.outsider])
        let untrusted = verify(setting.bundle, trust: outsiderTrust)
        #expect(untrusted.status == .invalid)
        #expect(untrusted.problems.filter { $0.code == "signature-untrusted" }.count == 2)

        // An outsider edits a verdict and signs in the inspector's place.
        let forged = try resign(setting.entries, by: [(setting.keys.outsider, .inspector)])
        let result = try setting.verifyVariant(forged)
        #expect(result.codes.isSuperset(of: ["signature-untrusted", "signer-missing"]), "\(result.problems)")

        // A trusted key (the mall's) signing alone in the inspector's place: the statement names the inspector.
        let swapped = try resign(setting.entries, by: [(setting.keys.mall, .inspector)])
        let swappedResult = try setting.verifyVariant(swapped)
        #expect(swappedResult.codes == ["signer-missing"], "\(swappedResult.problems)")

        // A signature that does not verify (its bytes from another bundle's signature).
        var (envelope, _) = try statement(of: setting.entries)
        envelope.signatures[0].sig = envelope.signatures[1].sig
        let bad = setting.entries.map {
            $0.path == BundleFormat.envelopePath ? ($0.path, try! CanonicalJSON.pretty(envelope)) : $0
        }
        #expect(try setting.verifyVariant(bad).codes.contains("signature-invalid"))
    }

    @Test("Another mall's reports in a bundle are refused, even re-hashed and re-signed by a trusted key")
    func anotherMallsReports() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        let otherFolder = setting.folder.appendingPathComponent("other", isDirectory: true)
        try FileManager.default.createDirectory(at: otherFolder, withIntermediateDirectories: true)
        let (other, _) = try makeBundle(try otherMallRun.get(), by: setting.keys.inspector, in: otherFolder)
        let otherReports = try zipEntries(of: other).filter { $0.path.hasPrefix("reports/") }
        let swapped = setting.entries.map { entry in
            otherReports.first { $0.path == entry.path } ?? entry
        }
        let plain = try setting.verifyVariant(swapped)
        #expect(plain.problems.contains { $0.code == "member-changed" && $0.member == "reports/report.xml" })
        let resigned = try setting.verifyVariant(try resign(swapped, by: [(setting.keys.inspector, .inspector)]))
        #expect(resigned.problems.contains { $0.code == "report-mismatch" && $0.message.contains("another mall") },
                "\(resigned.problems)")
    }

    @Test("An edited verdict or count is caught even when re-hashed and re-signed by the trusted key")
    func editedVerdictsAndCounts() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        let xmlIndex = try #require(setting.entries.firstIndex { $0.path == "reports/report.xml" })
        let xml = String(decoding: setting.entries[xmlIndex].data, as: UTF8.self)
        func withXML(_ text: String) -> [(path: String, data: Data)] {
            var changed = setting.entries
            changed[xmlIndex].data = Data(text.utf8)
            return changed
        }
        let signer = [(setting.keys.inspector, SignerRole.inspector)]
        // A failed statement turned into a pass.
        let failed = try #require(xml.range(of: "verdict=\"fail\" source=\"manual\""))
        let edited = xml.replacingCharacters(in: failed, with: "verdict=\"pass\" source=\"manual\"")
        let verdictResult = try setting.verifyVariant(try resign(withXML(edited), by: signer))
        #expect(verdictResult.codes.contains("summary-mismatch"), "\(verdictResult.problems)")
        #expect(!verdictResult.codes.contains("member-changed"))

        // A count in the report's summary.
        let count = try #require(xml.range(of: #"<counts scope="total" total="107""#))
        let line = xml[count.lowerBound...].prefix { $0 != ">" }
        let pass = try #require(line.range(of: #"pass=""#))
        let digits = line[pass.upperBound...].prefix { $0.isNumber }
        let newLine = line.replacingCharacters(in: pass.upperBound..<line.index(pass.upperBound, offsetBy: digits.count),
                                               with: String(Int(digits)! + 1))
        let countEdited = xml.replacingOccurrences(of: String(line), with: newLine)
        let countResult = try setting.verifyVariant(try resign(withXML(countEdited), by: signer))
        #expect(countResult.problems.contains { $0.code == "summary-mismatch" && $0.message.contains("report states total") },
                "\(countResult.problems)")

        // The predicate's verdict and counts.
        let claimed = try setting.verifyVariant(try resign(setting.entries, by: signer) { predicate in
            predicate.verdict = "conformant"
            predicate.summary.total.fail = 0
        })
        #expect(claimed.problems.filter { $0.code == "summary-mismatch" }.count == 2, "\(claimed.problems)")
    }

    @Test("Zip-slip names, absolute paths and symbolic links are refused and nothing is written")
    func unsafeNames() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        let payload = Data("pwned".utf8)
        let parent = setting.folder.deletingLastPathComponent()
        let token = "evil-\(UUID().uuidString)"
        for (name, code) in [("../\(token).txt", "zip-slip"), ("evidence/../../\(token).txt", "zip-slip"),
                             ("/tmp/\(token)-abs.txt", "zip-absolute-path"), ("Evil.TXT", "zip-bad-name"),
                             ("evidence/.hidden", "zip-bad-name")] {
            let result = try setting.verifyVariant(setting.entries + [(name, payload)])
            #expect(result.codes == [code], "\(name): \(result.problems)")
            #expect(!FileManager.default.fileExists(atPath: name.hasPrefix("/") ? name : parent.path + "/" + name))
        }
        let linked = try setting.verifyVariant(setting.entries, symlinks: [("evidence/link", "/etc/passwd")])
        #expect(linked.codes == ["zip-symlink"])
        // Nothing of the hostile names reached the file system, anywhere near.
        for folder in [parent, setting.folder, URL(fileURLWithPath: "/tmp")] {
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.contains(token) })
        }
    }

    @Test("Zip bombs are refused by the limits: ratio, entry size, total size, entry count, lying sizes")
    func zipBombs() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        let zeros = Data(count: 16 << 20)  // 16 MiB of zeros deflate to ~16 KiB: about 1000:1
        let bomb = try setting.verifyVariant(setting.entries + [("bomb.bin", zeros)])
        #expect(bomb.codes == ["zip-limit"])
        #expect(bomb.problems.first?.message.contains("zip bomb") == true)

        let sizes = setting.entries.map { Int64($0.data.count) }
        let largest = try #require(sizes.max())
        let total = sizes.reduce(0, +)
        var limits = ZipLimits()
        limits.entryBytes = largest  // the boundary: exactly the largest member is allowed
        #expect(try setting.verifyVariant(setting.entries, limits: limits).status == .valid)
        limits.entryBytes = largest - 1
        #expect(try setting.verifyVariant(setting.entries, limits: limits).codes == ["zip-limit"])
        limits = ZipLimits()
        limits.totalBytes = total
        #expect(try setting.verifyVariant(setting.entries, limits: limits).status == .valid)
        limits.totalBytes = total - 1
        #expect(try setting.verifyVariant(setting.entries, limits: limits).codes == ["zip-limit"])
        limits = ZipLimits()
        limits.entries = setting.entries.count
        #expect(try setting.verifyVariant(setting.entries, limits: limits).status == .valid)
        limits.entries = setting.entries.count - 1
        #expect(try setting.verifyVariant(setting.entries, limits: limits).codes == ["zip-limit"])

        // An entry whose central directory understates its size: reading stops at the declared size.
        let url = setting.folder.appendingPathComponent("lying.zip")
        try writeZip(setting.entries, to: url)
        var bytes = try Data(contentsOf: url)
        let name = Data("reports/report.html".utf8)
        var patched = false
        var index = bytes.startIndex
        while let found = bytes.range(of: Data([0x50, 0x4b, 0x01, 0x02]), in: index..<bytes.endIndex) {
            let header = found.lowerBound
            let nameLength = Int(bytes[header + 28]) | Int(bytes[header + 29]) << 8
            if bytes.subdata(in: (header + 46)..<(header + 46 + nameLength)) == name {
                for offset in 24..<28 { bytes[header + offset] = offset == 24 ? 0x10 : 0 }  // 16 bytes
                patched = true
            }
            index = found.upperBound
        }
        #expect(patched)
        try bytes.write(to: url)
        let lying = verify(url, trust: setting.trust)
        #expect(lying.status == .invalid)
        #expect(lying.problems.contains { $0.member == "reports/report.html" }, "\(lying.problems)")
    }

    @Test("A truncated archive is refused, at any length")
    func truncated() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        let original = try Data(contentsOf: setting.bundle)
        for length in [0, 1, 21, 22, original.count / 10, original.count / 2, original.count - 22, original.count - 1] {
            let url = setting.folder.appendingPathComponent("cut-\(length).zip")
            try original.prefix(length).write(to: url)
            let result = verify(url, trust: setting.trust)
            #expect(result.status == .invalid, "\(length)")
            #expect(!result.problems.isEmpty)
        }
        let empty = setting.folder.appendingPathComponent("not-a-zip.zip")
        try Data("PK\u{3}\u{4} hello".utf8).write(to: empty)
        #expect(verify(empty, trust: setting.trust).codes == ["zip-unreadable"])
    }

    @Test("A report with a DOCTYPE is refused without expanding anything")
    func doctypeInReport() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        let index = try #require(setting.entries.firstIndex { $0.path == "reports/report.xml" })
        var xml = String(decoding: setting.entries[index].data, as: UTF8.self)
        xml = xml.replacingOccurrences(
            of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            with: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n")
        var changed = setting.entries
        changed[index].data = Data(xml.utf8)
        let result = try setting.verifyVariant(try resign(changed, by: [(setting.keys.inspector, .inspector)]))
        #expect(result.status == .invalid)
        #expect(result.codes.contains("report-schema") || result.codes.contains("report-invalid"), "\(result.problems)")
    }

    @Test("A bundle of a newer format version is unusable here (exit 1), not silently accepted")
    func newerFormat() throws {
        let setting = try Setting()
        defer { setting.cleanUp() }
        let result = try setting.verifyVariant(try resign(setting.entries, by: [(setting.keys.inspector, .inspector)]) {
            $0.bundleFormatVersion = 2
        })
        #expect(result.status == .unusable)
        #expect(result.exitCode == 1)
        #expect(result.codes == ["format-version"])
    }
}
