import AuditTestKit
import Foundation
import Testing
import func TestSupport.zipEntries

/// The bundles `benchmarks/server.sh` files (`mallaudit-testkit bench-bundles`): reports rendered once per template,
/// then written per mall and run by substituting names. Each must be a complete bundle that the real server
/// verifies and files under the mall it names, with no member still naming the template's placeholder mall.
@Suite("Benchmark bundles")
struct BenchBundleTests {
    @Test("A template bundle is accepted for the mall it names; no member names the placeholder; no PDF is carried")
    func templateBundle() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let source = try SourceRun.shared.get()
        let template = try BundleTemplate(factory: source.factory, verdicts: [:], judgementDate: "2025-03-15")
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var statements: [String] = []
        for (run, code) in [("BENCH-RUN-1", Bureau.mallA), ("BENCH-RUN-2", Bureau.mallA)] {
            let output = folder.appendingPathComponent("\(run).zip")
            try template.write(
                mallName: "云龙万达广场", creditCode: code, district: "云龙区", runID: run,
                signings: [Signing(signer: bureau.inspectorKey, role: "inspector").bundleSigning], output: output)
            let bytes = try Data(contentsOf: output)
            let entries = try zipEntries(bytes)
            let paths = Set(entries.map(\.path))
            #expect(paths.isSuperset(of: ["reports/report.xml", "reports/report.html", "reports/report.junit.xml"]))
            #expect(!paths.contains("reports/report.pdf"))
            for entry in entries {
                let text = String(decoding: entry.data, as: UTF8.self)
                #expect(!text.contains("PLACEHOLD"), "\(entry.path) still names the template's placeholder")
            }
            let answer = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.inspector.token))
            #expect(answer.status == 201, "\(answer.text)")
            statements.append(try statementDigest(of: bytes))
        }
        // Two runs of one mall: two records, both under the mall the bundles name.
        #expect(Set(statements).count == 2)
        #expect(try world.sql("SELECT string_agg(r.run_ref, ',' ORDER BY r.run_ref) FROM runs r JOIN malls m "
            + "ON m.id = r.mall_id WHERE m.credit_code = '\(Bureau.mallA)'") == "BENCH-RUN-1,BENCH-RUN-2")
    }
}
