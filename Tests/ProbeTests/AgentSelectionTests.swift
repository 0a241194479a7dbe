import AuditModel
import Foundation
import Testing

@testable import AuditProbes
import AuditSite

/// Which agents a probe asks: `agents: every-area` takes the agents with an area and no role (each area's IoT
/// gateway); `agents: {role: R}` takes the agents of that role; `limits.humidity_max` is a relative humidity.
@Suite("Agent selection and the humidity limit")
struct AgentSelectionTests {
    static func profile(_ extra: String) throws -> SiteProfile {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let site = directory.appendingPathComponent("site.yaml")
        try """
            mall: {name: 测试广场, address: 江苏省徐州市测试路 1 号, credit_code: 91320303MA1TEST00X, basement_levels: 1}
            assessor: 测试员
            areas: [1F, 2F]
            snmp:
              gateway_1f: {address: "udp:127.0.0.1:9", version: 2c, community_env: C, area: 1F}
              player_2f: {address: "udp:127.0.0.1:9", version: 2c, community_env: C, area: 2F, role: signage-player}
              player_lobby: {address: "udp:127.0.0.1:9", version: 2c, community_env: C, role: signage-player}
              switch: {address: "udp:127.0.0.1:9", version: 2c, community_env: C}
            \(extra)
            """.write(to: site, atomically: true, encoding: .utf8)
        return try SiteProfile.load(site)
    }

    @Test("every-area takes area agents without a role; role takes that role's agents")
    func selection() throws {
        let site = try Self.profile("")
        let everyArea = SNMPRequestSpec(agents: .everyArea, values: [])
        #expect(LiveProbeRunner.agentNames(everyArea, profile: site) == ["gateway_1f"])
        let players = SNMPRequestSpec(agents: .role("signage-player"), values: [])
        #expect(LiveProbeRunner.agentNames(players, profile: site) == ["player_2f", "player_lobby"])
        #expect(LiveProbeRunner.agentNames(SNMPRequestSpec(agents: .role("none"), values: []), profile: site).isEmpty)
    }

    @Test("limits.humidity_max: 100 is accepted, above 100 and 0 are refused at their line; the default is 80")
    func humidityLimit() throws {
        #expect(try Self.profile("").limits.humidityMax == 80)
        #expect(try Self.profile("limits: {humidity_max: 100}").limits.humidityMax == 100)
        for bad in ["100.1", "0"] {
            do {
                _ = try Self.profile("limits: {humidity_max: \(bad)}")
                Issue.record("humidity_max \(bad) was accepted")
            } catch let error as DiagnosticsError {
                #expect(error.diagnostics.first?.line == 9, "\(error)")
                #expect(error.description.contains("relative humidity"))
            }
        }
    }
}
