import AuditModel
import AuditProbes
import AuditSite
import Foundation
import Testing
import TestSupport

/// The shipped HTTP probes of probes/digital-services.yaml against the real test HTTP server: under `/good` it
/// serves, for every path, the documented example that meets every probe on it; under `/bad` an answer that meets
/// none (scripts/peers/http-fixtures/coverage/). Every probe passes on the one and fails (never errs) on the other.
@Suite("Digital-service probes against the HTTP server")
struct DigitalServiceProbeTests {
    static let systems = [
        "member_api", "analytics_api", "marketing_api", "kiosk_api", "signage_api", "payment_api", "logistics_api",
        "platform_api", "parking_api", "building_api", "video_api", "service_api",
    ]

    static func run(prefix: String) async throws -> (probes: [ProbeDefinition], results: [String: StatementResult]) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mallaudit-services-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = try TestPeer.http() + prefix
        var lines = [
            "mall: {name: 测试广场, address: 江苏省徐州市测试路 1 号, credit_code: 91320303MA1TEST00X, basement_levels: 1}",
            "assessor: 测试员", "areas: [1F]", "http:",
        ]
        for system in Self.systems { lines.append("  \(system): {base_url: \"\(base)\", timeout: 10}") }
        let site = directory.appendingPathComponent("site.yaml")
        try lines.joined(separator: "\n").write(to: site, atomically: true, encoding: .utf8)
        let profile = try SiteProfile.load(site)
        let probes = try ProbeDefinitionLoader.load([
            repositoryRoot().appendingPathComponent("probes/digital-services.yaml")
        ])
        var results: [String: StatementResult] = [:]
        for await result in LiveProbeRunner().run(probes, profile: profile, asOf: Date(), environment: [:]) {
            results[result.probe.id] = result.results.first
        }
        return (probes, results)
    }

    @Test("every probe passes against the documented example answer")
    func passes() async throws {
        let (probes, results) = try await Self.run(prefix: "/good")
        #expect(probes.count > 100)
        for probe in probes {
            #expect(results[probe.id]?.verdict == .pass, "\(probe.id): \(results[probe.id]?.reason ?? "no result")")
        }
    }

    @Test("every probe fails, and none errs, against an answer that does not meet it")
    func fails() async throws {
        let (probes, results) = try await Self.run(prefix: "/bad")
        for probe in probes {
            #expect(results[probe.id]?.verdict == .fail, "\(probe.id): \(results[probe.id]?.reason ?? "no result")")
        }
    }

    @Test("a system that does not answer is an error for its probes, never a pass")
    func unreachable() async throws {
        let (probes, results) = try await Self.run(prefix: "/nowhere")
        for probe in probes {
            #expect(results[probe.id]?.verdict == .error, "\(probe.id): \(results[probe.id]?.reason ?? "no result")")
        }
    }
}
