import AuditBundle
import AuditSigning
import Foundation
import Testing
import TestSupport
import ZIPFoundation

@Suite("Signed bundles")
struct BundleTests {
    @Test("A bundle of a real run verifies; it holds the reports, evidence, checklist, site profile, inputs, manifest",
          arguments: SigningAlgorithm.allCases)
    func roundTrip(algorithm: SigningAlgorithm) throws {
        let run = try sharedRun.get()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try TestKeys.make(in: folder, inspectorAlgorithm: algorithm)
        let (bundle, outcome) = try makeBundle(run, by: keys.inspector, in: folder)
        let result = verify(bundle, trust: try keys.trust([keys.inspector]))
        #expect(result.status == .valid, "\(result.problems)")
        #expect(result.exitCode == 0)
        #expect(result.signatures.map(\.role) == [.inspector])
        #expect(result.signatures.first?.algorithm == algorithm.signatureScheme)
        #expect(result.signatures.first?.distinguishingId == (algorithm == .sm2 ? "1234567812345678" : nil))

        let names = Set(try zipEntries(of: bundle).map(\.path))
        for required in ["reports/report.xml", "reports/report.html", "reports/report.junit.xml",
                         "reports/report.pdf", "reports/report.json", "reports/report.oscal.json",
                         "checklist/checklist.xml", "site/site.yaml", "measured-inputs.json", "manifest.json",
                         "envelope.dsse.json"] {
            #expect(names.contains(required), "\(required)")
        }
        // Every evidence file of the run: the demo's findings in the run's scope cite eleven files.
        #expect(names.filter { $0.hasPrefix("evidence/") }.count == 11)
        let predicate = outcome.statement.predicate
        #expect(predicate.mall.name == "星河广场")
        #expect(predicate.mall.creditCode == "91320303MA1DEMO00X")
        #expect(predicate.mall.district == "云龙区")
        #expect(predicate.judgementDate == "2026-11-20")
        #expect(predicate.verdict == "nonConformant")
        #expect(predicate.summary.total.total == 107)
        #expect(predicate.bundleFormatVersion == 1)
        #expect(predicate.signer.keyid == keys.inspector.fingerprint)
        #expect(outcome.statement.predicateType == "https://mallaudit.example/bundle/v1")
        #expect(outcome.statement.type == "https://in-toto.io/Statement/v1")
        // SM2 bundles carry SM3 digests too.
        for subject in outcome.statement.subject {
            #expect(subject.digest["sha256"]?.count == 64)
            #expect((subject.digest["sm3"] != nil) == (algorithm == .sm2))
        }
        // The measured checks' inputs are named by digest: the WiFi log folder, the survey, the exports.
        let inputs = try JSONDecoder().decode(
            MeasuredInputs.self, from: try #require(try zipEntries(of: bundle).first { $0.path == "measured-inputs.json" }).data)
        // `check` is the check that read the input, even where an assessor's finding settled another checkpoint of
        // the statement (8.1.2-2/handling, 6.9.1-2/equalRights): never "complaints, 王工…". Each statement is
        // listed once per input, though the check judged several of its checkpoints (6.9.1-2: three).
        let checks = Set(inputs.inputs.map(\.check))
        #expect(checks.isSuperset(of: ["wifi-logs", "satisfaction", "complaints", "payments"]), "\(checks.sorted())")
        #expect(checks.allSatisfy { !$0.contains(",") && !$0.contains("王工") }, "\(checks.sorted())")
        for input in inputs.inputs {
            #expect(Set(input.statements).count == input.statements.count, "\(input.path): \(input.statements)")
        }
        let complaints = try #require(inputs.inputs.first { $0.path.hasSuffix("exports/complaints.csv") })
        #expect(complaints.check == "complaints" && complaints.statements == ["8.1.2-2"])
        let survey = try #require(inputs.inputs.first { $0.path.hasSuffix("exports/survey.csv") })
        #expect(survey.sha256 == Digests.sha256Hex(try Data(contentsOf: run.site.deletingLastPathComponent()
            .appendingPathComponent("exports/survey.csv"))))
        #expect(inputs.inputs.contains { $0.kind == "folder" && $0.path.hasSuffix("exports/wifi-logs/") })
    }

    @Test("The WiFi log folder's digest is the documented sha256sum recipe")
    func folderDigestRecipe() throws {
        let run = try sharedRun.get()
        let folder = run.site.deletingLastPathComponent().appendingPathComponent("exports/wifi-logs")
        let shell = try tool(URL(fileURLWithPath: "/bin/sh"), [
            "-c", "cd '\(folder.path)' && find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum",
        ])
        let recipe = String(shell.stdout.prefix(64))
        let bundleFolder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: bundleFolder) }
        let keys = try TestKeys.make(in: bundleFolder, inspectorAlgorithm: .ed25519)
        let (bundle, _) = try makeBundle(run, by: keys.inspector, in: bundleFolder)
        let inputs = try JSONDecoder().decode(
            MeasuredInputs.self, from: try #require(try zipEntries(of: bundle).first { $0.path == "measured-inputs.json" }).data)
        let wifi = try #require(inputs.inputs.first { $0.kind == "folder" })
        #expect(wifi.sha256 == recipe)
    }

    @Test("Countersigning adds the mall's signature over the same statement; both are listed")
    func countersign() throws {
        let run = try sharedRun.get()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try TestKeys.make(in: folder)
        let (bundle, outcome) = try makeBundle(run, by: keys.inspector, in: folder)
        let before = try statement(of: zipEntries(of: bundle))
        let signatures = try BundleCountersign.countersign(
            archive: bundle, identity: keys.mall, role: .mall, schema: reportSchema)
        #expect(signatures.map(\.role) == [.inspector, .mall])
        #expect(signatures.map(\.name) == ["inspector", "mall"])
        let after = try statement(of: zipEntries(of: bundle))
        #expect(after.0.payload == before.0.payload)
        #expect(after.1 == outcome.statement)
        let both = verify(bundle, trust: try keys.trust([keys.inspector, keys.mall]))
        #expect(both.status == .valid, "\(both.problems)")
        #expect(both.signatures.map(\.keyid) == [keys.inspector.fingerprint, keys.mall.fingerprint])
        // A verifier that does not trust the mall's key refuses the bundle, naming the signature.
        let inspectorOnly = verify(bundle, trust: try keys.trust([keys.inspector]))
        #expect(inspectorOnly.codes == ["signature-untrusted"])
        // The same key cannot sign twice.
        #expect(throws: (any Error).self) {
            _ = try BundleCountersign.countersign(archive: bundle, identity: keys.mall, role: .mall, schema: reportSchema)
        }
    }

    @Test("Evidence left out on request stays listed with its SHA-256, and the bundle still verifies")
    func leaveOut() throws {
        let run = try sharedRun.get()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try TestKeys.make(in: folder)
        let photo = run.site.deletingLastPathComponent().appendingPathComponent("evidence/machine-room-no-windows.png")
        let sha = Digests.sha256Hex(try Data(contentsOf: photo))
        let txt = run.site.deletingLastPathComponent().appendingPathComponent("evidence/5g-indoor-acceptance.txt")
        let txtSHA = Digests.sha256Hex(try Data(contentsOf: txt))
        let (bundle, outcome) = try makeBundle(
            run, by: keys.inspector, leaveOut: ["machine-room-no-windows.png", txtSHA], in: folder)
        #expect(Set(outcome.leftOut.map(\.sha256)) == [sha, txtSHA])
        let all = try zipEntries(of: bundle)
        #expect(!all.contains { $0.path == "evidence/\(sha)" })
        let manifest = try JSONDecoder().decode(
            BundleManifest.self, from: try #require(all.first { $0.path == "manifest.json" }).data)
        let listed = try #require(manifest.evidence.first { $0.sha256 == sha })
        #expect(!listed.included && listed.path == nil && listed.uses.first?.name == "machine-room-no-windows.png")
        #expect(outcome.statement.predicate.evidence.leftOut == 2 && outcome.statement.predicate.evidence.included == 9)
        let result = verify(bundle, trust: try keys.trust([keys.inspector]))
        #expect(result.status == .valid, "\(result.problems)")
        // A name or digest the run does not have is an error, not silently ignored.
        #expect(throws: (any Error).self) {
            _ = try makeBundle(run, by: keys.inspector, leaveOut: ["no-such-photo.jpg"], name: "x.zip", in: folder)
        }
    }

    @Test("The same run and key give the same bytes; only the signing time (and SM2's random signature) differ")
    func deterministic() throws {
        let run = try sharedRun.get()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try TestKeys.make(in: folder, inspectorAlgorithm: .ed25519)
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        let (a, _) = try makeBundle(run, by: keys.inspector, now: at, name: "a.zip", in: folder)
        let (b, _) = try makeBundle(run, by: keys.inspector, now: at, name: "b.zip", in: folder)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
        let (c, _) = try makeBundle(run, by: keys.inspector, now: at + 60, name: "c.zip", in: folder)
        let (ea, ec) = (try zipEntries(of: a), try zipEntries(of: c))
        #expect(ea.map(\.path) == ec.map(\.path))
        for (x, y) in zip(ea, ec) where x.path != BundleFormat.envelopePath { #expect(x.data == y.data, "\(x.path)") }
        #expect(try statement(of: ea).0.payload == statement(of: ec).0.payload)
        // Members sorted by path, the envelope last.
        let paths = ea.map(\.path)
        #expect(paths.last == BundleFormat.envelopePath)
        #expect(Array(paths.dropLast()) == paths.dropLast().sorted())
        // SM2: the statement is the same, the signature differs.
        let sm2 = try TestKeys.make(in: folder.appendingPathComponent("sm2", isDirectory: true).creatingFolder())
        let (d, _) = try makeBundle(run, by: sm2.inspector, now: at, name: "d.zip", in: folder)
        let (e, _) = try makeBundle(run, by: sm2.inspector, now: at, name: "e.zip", in: folder)
        let (ed, ee) = (try statement(of: zipEntries(of: d)), try statement(of: zipEntries(of: e)))
        #expect(ed.0.payload == ee.0.payload)
        #expect(ed.0.signatures.first?.sig != ee.0.signatures.first?.sig)
    }

    @Test("Every bundled report is byte for byte what mallaudit report writes in its format")
    func sameReport() throws {
        let run = try sharedRun.get()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try TestKeys.make(in: folder)
        let (bundle, _) = try makeBundle(run, by: keys.inspector, in: folder)
        let written = folder.appendingPathComponent("report.xml")
        for (format, member) in [("xml", "reports/report.xml"), ("html", "reports/report.html"),
                                 ("junit", "reports/report.junit.xml"), ("pdf", "reports/report.pdf"),
                                 ("json", "reports/report.json"),
                                 ("oscal", "reports/report.oscal.json")] {
            let outcome = try tool(mallauditBinary(), [
                "report", "--db", run.database.path, "--run", "latest", "--format", format, "--output", written.path,
            ])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(try zipEntries(of: bundle).first { $0.path == member }?.data == Data(contentsOf: written), "\(format)")
        }
    }

    @Test("A key is refused outside its validity at the stated signing time, bounds included, and when revoked")
    func validityAndRevocation() throws {
        let run = try sharedRun.get()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        let keys = try TestKeys.make(in: folder, validFrom: start)  // valid 30 days from `start`
        let trust = try keys.trust([keys.inspector])
        let end = start + 30 * 86_400
        for (at, valid) in [(start, true), (end, true), (start - 1, false), (end + 1, false)] {
            let (bundle, _) = try makeBundle(run, by: keys.inspector, now: at, name: "\(at.timeIntervalSince1970).zip",
                                             in: folder)
            let result = verify(bundle, trust: trust)
            #expect(result.isValid == valid, "\(at): \(result.problems)")
            if !valid { #expect(result.codes == ["key-not-valid"]) }
        }
        let (bundle, _) = try makeBundle(run, by: keys.inspector, now: start + 10, in: folder)
        let revoked = folder.appendingPathComponent("revoked.txt")
        try "# revoked keys\n\n\(keys.inspector.fingerprint)  lost laptop, 2026-10-01\n".write(
            to: revoked, atomically: true, encoding: .utf8)
        let result = verify(bundle, trust: trust, revoked: try RevocationList.load(revoked))
        #expect(result.codes == ["key-revoked"])
        try "not-a-fingerprint\n".write(to: revoked, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { _ = try RevocationList.load(revoked) }
    }
}

extension URL {
    func creatingFolder() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
