import AuditBundle
import AuditModel
import AuditSigning
import AuditStore
import Foundation
import Testing
import TestSupport

/// What the bureau's server takes from a verified bundle: `BundleVerifier.verify(bytes:…)` on the bytes in memory
/// agrees with `verify(archive:…)`, and its `report` states every result of the stored run as the store holds it.
@Suite("The verified report")
struct VerifiedReportTests {
    @Test("verify(bytes:) in memory gives the file's verdict, statement digest and signers, also for hostile bytes")
    func bytesAndFileAgree() throws {
        let run = try sharedRun.get()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try TestKeys.make(in: folder)
        let (bundle, outcome) = try makeBundle(run, by: keys.inspector, in: folder)
        let trust = try keys.trust([keys.inspector])
        let bytes = try Data(contentsOf: bundle)
        let fromFile = verify(bundle, trust: trust)
        let fromBytes = BundleVerifier.verify(bytes: bytes, trust: trust, schema: reportSchema)
        #expect(fromBytes.status == .valid, "\(fromBytes.problems)")
        #expect(fromBytes.statementDigest == fromFile.statementDigest)
        #expect(fromBytes.signatures == fromFile.signatures)
        #expect(fromBytes.report == fromFile.report)
        // The statement digest is the SHA-256 of the statement as signed.
        #expect(fromBytes.statementDigest == Digests.sha256Hex(try CanonicalJSON.compact(outcome.statement)))

        // The same refusals from memory as from a file: a flipped byte of the report, a truncated zip.
        var entries = try zipEntries(of: bundle)
        let index = try #require(entries.firstIndex { $0.path == "reports/report.xml" })
        entries[index].data[entries[index].data.count / 2] ^= 0x01
        let changed = folder.appendingPathComponent("changed.zip")
        try writeZip(entries, to: changed)
        let changedFromBytes = BundleVerifier.verify(bytes: try Data(contentsOf: changed), trust: trust, schema: reportSchema)
        #expect(changedFromBytes.codes == verify(changed, trust: trust).codes)
        #expect(changedFromBytes.codes.contains("member-changed"))
        #expect(changedFromBytes.report == nil)
        let truncated = BundleVerifier.verify(bytes: bytes.prefix(bytes.count / 2), trust: trust, schema: reportSchema)
        #expect(truncated.status == .invalid && truncated.codes == ["zip-unreadable"])
    }

    @Test("The report states every stored result: verdict, source, producer, reason, measurement, areas, checkpoints, evidence")
    func reportHoldsTheResults() throws {
        let run = try sharedRun.get()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try TestKeys.make(in: folder)
        let (bundle, _) = try makeBundle(run, by: keys.inspector, in: folder)
        let verification = verify(bundle, trust: try keys.trust([keys.inspector]))
        let report = try #require(verification.report)
        #expect(report.asOf == "2026-11-20")
        #expect(report.mall.creditCode == "91320303MA1DEMO00X")

        let store = try AuditStore(path: run.database.path, create: false)
        let (checklist, results) = try store.checklistAndResults(run: try store.resolveRun("latest"))
        #expect(report.statements.map(\.id) == checklist.statements.map(\.id))
        let stored = Dictionary(results.map { ($0.statementID, $0) }, uniquingKeysWith: { a, _ in a })
        var measured = 0
        var withCheckpoints = 0
        var withAreas = 0
        for reading in report.statements {
            guard let result = stored[reading.id] else {
                #expect(reading.verdict == .notAssessed && reading.source == .none, "\(reading.id)")
                continue
            }
            #expect(reading.verdict == result.verdict, "\(reading.id)")
            #expect(reading.source == result.source, "\(reading.id)")
            #expect(reading.producer == result.producer, "\(reading.id)")
            #expect(reading.reason == result.reason, "\(reading.id)")
            #expect(reading.measurement == result.measurement, "\(reading.id)")
            #expect(reading.evidenceFiles == result.evidence, "\(reading.id)")
            #expect(reading.areas == result.areas, "\(reading.id)")
            #expect(reading.observations == result.observations, "\(reading.id)")
            #expect(reading.checkpoints == result.checkpoints, "\(reading.id)")
            #expect(reading.notApplicable?.justification == result.notApplicable?.justification, "\(reading.id)")
            if reading.measurement != nil { measured += 1 }
            if !reading.checkpoints.isEmpty { withCheckpoints += 1 }
            if !reading.areas.isEmpty || reading.checkpoints.contains(where: { !$0.areas.isEmpty }) { withAreas += 1 }
        }
        // The demo run has measured values (WiFi logs, survey, complaints), checkpoints and per-area verdicts.
        #expect(measured >= 3)
        #expect(withCheckpoints >= 1)
        #expect(withAreas >= 1)
    }
}
