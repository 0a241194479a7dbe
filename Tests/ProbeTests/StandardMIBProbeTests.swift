import AuditModel
import AuditProbes
import AuditSite
import Foundation
import Testing
import TestSupport

/// The shipped standard-MIB probes (probes/network.yaml: IF-MIB; probes/machine-room.yaml: ENTITY-SENSOR-MIB) run
/// through the live runner against real agents: snmpsim serving the Debian recording of a real Cisco switch (as
/// recorded, and with a mall's ifAlias tags: scripts/snmp/mall-switch.py) and a machine-room monitor recording
/// written from RFC 3433's tables (scripts/snmp/machine-room.py); Debian's Linksys recording (system group only)
/// as an agent lacking the MIBs; the dead agent.
@Suite("Standard-MIB probes against real agents")
struct StandardMIBProbeTests {
    static let switchProbes = [
        "wired-network-ports-up", "wireless-network-link-up", "carrier-uplinks-up", "pos-network-link-up",
        "service-desk-port-up", "cashier-ports-up",
    ]
    static let roomProbes = ["machine-room-humidity", "machine-room-water-leak", "machine-room-smoke"]

    /// Runs the named shipped probes with `core_switch` and `machine_room` both at `address` with `community`.
    static func run(_ ids: [String], address: String, community: String, timeout: Double = 5)
        async throws -> [String: StatementResult]
    {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mallaudit-mib-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let agent = "{address: \"\(address)\", version: 2c, community_env: MIB_TEST_COMMUNITY, timeout: \(timeout), "
            + "retries: 0}"
        let site = directory.appendingPathComponent("site.yaml")
        try """
            mall: {name: 测试广场, address: 江苏省徐州市测试路 1 号, credit_code: 91320303MA1TEST00X, basement_levels: 1}
            assessor: 测试员
            areas: [1F]
            snmp:
              core_switch: \(agent)
              machine_room: \(agent)
            """.write(to: site, atomically: true, encoding: .utf8)
        let profile = try SiteProfile.load(site)
        let shipped = try ProbeDefinitionLoader.load([
            repositoryRoot().appendingPathComponent("probes/network.yaml"),
            repositoryRoot().appendingPathComponent("probes/machine-room.yaml"),
        ])
        let probes = shipped.filter { ids.contains($0.id) }
        #expect(probes.count == ids.count, "every named probe ships")
        var results: [String: StatementResult] = [:]
        for await result in LiveProbeRunner().run(
            probes, profile: profile, asOf: Date(), environment: ["MIB_TEST_COMMUNITY": community])
        {
            results[result.probe.id] = result.results.first
        }
        return results
    }

    static func verdicts(_ results: [String: StatementResult]) -> [String: Verdict] {
        results.mapValues(\.verdict)
    }

    @Test("IF-MIB: every switch probe passes against the mall's switch with its tagged ports up")
    func switchPasses() async throws {
        let results = try await Self.run(
            Self.switchProbes, address: try TestPeer.value("MALLAUDIT_TEST_SNMPSIM"), community: "mall-switch-ok")
        for id in Self.switchProbes {
            #expect(results[id]?.verdict == .pass, "\(id): \(results[id]?.reason ?? "no result")")
        }
        let uplinks = try #require(results["carrier-uplinks-up"])
        #expect(uplinks.observations.contains { $0.value.contains("uplink China Unicom fibre") })
    }

    @Test("IF-MIB: every switch probe fails when the ports are down, naming the port")
    func switchFails() async throws {
        let results = try await Self.run(
            Self.switchProbes, address: try TestPeer.value("MALLAUDIT_TEST_SNMPSIM"), community: "mall-switch-bad")
        for id in Self.switchProbes {
            #expect(results[id]?.verdict == .fail, "\(id): \(results[id]?.reason ?? "no result")")
        }
        #expect(results["cashier-ports-up"]?.reason.contains("cashier counter 2") == true)
    }

    @Test("IF-MIB: the Cisco recording as recorded has Ethernet ports and the WLC link up, but no tagged uplink")
    func realRecording() async throws {
        let results = try await Self.run(
            Self.switchProbes, address: try TestPeer.value("MALLAUDIT_TEST_SNMPSIM"), community: "cisco_16_switch")
        #expect(results["wired-network-ports-up"]?.verdict == .pass)
        #expect(results["wireless-network-link-up"]?.verdict == .pass)
        // No ifAlias names an uplink: nothing selected is a fail (never a pass).
        let uplinks = try #require(results["carrier-uplinks-up"])
        #expect(uplinks.verdict == .fail)
        #expect(uplinks.reason.contains("no row"))
    }

    @Test("ENTITY-SENSOR-MIB: the machine-room probes pass against a healthy monitor")
    func roomPasses() async throws {
        let results = try await Self.run(
            Self.roomProbes, address: try TestPeer.value("MALLAUDIT_TEST_SNMPSIM"), community: "machine-room-ok")
        for id in Self.roomProbes {
            #expect(results[id]?.verdict == .pass, "\(id): \(results[id]?.reason ?? "no result")")
        }
    }

    @Test("ENTITY-SENSOR-MIB: humidity above the limit, a stale leak reading and smoke fail")
    func roomFails() async throws {
        let results = try await Self.run(
            Self.roomProbes, address: try TestPeer.value("MALLAUDIT_TEST_SNMPSIM"), community: "machine-room-bad")
        for id in Self.roomProbes {
            #expect(results[id]?.verdict == .fail, "\(id): \(results[id]?.reason ?? "no result")")
        }
        #expect(results["machine-room-humidity"]?.reason.contains("85.3") == true)
        #expect(results["machine-room-humidity"]?.reason.contains("limits.humidity_max") == true)
        #expect(results["machine-room-water-leak"]?.reason.contains("3600 s old") == true)
        #expect(results["machine-room-smoke"]?.reason.contains("alarm") == true)
    }

    @Test("an agent lacking the MIB is an error, never a pass: Linksys (system group only), Cisco (no sensors)")
    func lackingMIB() async throws {
        let address = try TestPeer.value("MALLAUDIT_TEST_SNMPSIM")
        let linksys = try await Self.run(
            Self.switchProbes + Self.roomProbes, address: address, community: "linksys-system")
        for id in Self.switchProbes + Self.roomProbes {
            #expect(linksys[id]?.verdict == .error, "\(id): \(linksys[id]?.reason ?? "no result")")
            #expect(linksys[id]?.reason.contains("noSuchObject") == true)
        }
        // The Cisco switch serves ENTITY-MIB's entPhysicalTable but no entPhySensorTable.
        let cisco = try await Self.run(Self.roomProbes, address: address, community: "cisco_16_switch")
        for id in Self.roomProbes {
            #expect(cisco[id]?.verdict == .error, "\(id): \(cisco[id]?.reason ?? "no result")")
            #expect(cisco[id]?.reason.contains("entPhySensor") == true)
        }
    }

    @Test("a dead agent is an error for every standard-MIB probe")
    func deadAgent() async throws {
        let results = try await Self.run(
            Self.switchProbes + Self.roomProbes, address: try TestPeer.deadAgent(), community: "mallaudit-test",
            timeout: 0.3)
        for id in Self.switchProbes + Self.roomProbes {
            #expect(results[id]?.verdict == .error, "\(id): \(results[id]?.reason ?? "no result")")
        }
    }
}
