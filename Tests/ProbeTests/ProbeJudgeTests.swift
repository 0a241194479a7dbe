import AuditModel
import Foundation
import Testing

@testable import AuditProbes
import AuditSite
import AuditSupport
import AuditSNMP

private let now = Date(timeIntervalSince1970: 1_790_000_000)

private func probe(_ yaml: String) throws -> ProbeDefinition {
    try ProbeDefinitionLoader.parse(YAMLValue.parse(yaml, file: "test.yaml"))[0]
}

private let waterLeakProbe = """
    probes:
      - id: water
        statements: [5.2.5-4]
        snmp:
          agent: machine_room
          values:
            - {name: leak, oid: .1.3.6.1.4.1.32473.1.1.1.1.0, ok: [1], alarm: [2, 3]}
            - {name: updated, oid: .1.3.6.1.4.1.32473.1.1.1.3.0}
        expect:
          - {value: leak, state: ok}
          - {value: updated, max_age: 900}
    """

private func agent(_ leak: SNMPAgentAnswer.Reading, updatedSecondsAgo: Double = 10) -> ProbeAnswer {
    let updated = now.timeIntervalSince1970 - updatedSecondsAgo
    return .snmp([
        SNMPAgentAnswer(
            agent: "machine_room", area: nil,
            readings: ["leak": leak, "updated": .value(text: String(Int(updated)), number: updated)], error: nil)
    ])
}

@Suite("Judging probe answers")
struct ProbeJudgeTests {
    @Test("a healthy sensor passes, an alarm fails, an unmapped state is an error, an absent sensor fails")
    func sensorStates() throws {
        let water = try probe(waterLeakProbe)
        #expect(ProbeJudge.judge(water, answer: agent(.value(text: "1", number: 1)), now: now).verdict == .pass)
        let alarm = ProbeJudge.judge(water, answer: agent(.value(text: "2", number: 2)), now: now)
        #expect(alarm.verdict == .fail)
        #expect(alarm.reason.contains("alarm"))
        #expect(ProbeJudge.judge(water, answer: agent(.value(text: "7", number: 7)), now: now).verdict == .error)
        let absent = ProbeJudge.judge(water, answer: agent(.absent("noSuchObject")), now: now)
        #expect(absent.verdict == .fail)
        #expect(absent.reason.contains("not present"))
    }

    @Test("freshness: exactly max_age old passes, one second older fails")
    func freshnessBoundary() throws {
        let water = try probe(waterLeakProbe)
        let ok = ProbeJudge.judge(water, answer: agent(.value(text: "1", number: 1), updatedSecondsAgo: 900), now: now)
        #expect(ok.verdict == .pass)
        let stale = ProbeJudge.judge(
            water, answer: agent(.value(text: "1", number: 1), updatedSecondsAgo: 901), now: now)
        #expect(stale.verdict == .fail)
        #expect(stale.reason.contains("last reading 901 s old, more than 900 s"), "\(stale.reason)")
    }

    @Test("freshness: a reading a fraction of a second past max_age is never reported as exactly max_age old")
    func freshnessNotCutOntoTheLimit() throws {
        let water = try probe(waterLeakProbe)
        let stale = ProbeJudge.judge(
            water, answer: agent(.value(text: "1", number: 1), updatedSecondsAgo: 900.25), now: now)
        #expect(stale.verdict == .fail)
        #expect(!stale.reason.contains("900 s old"), "\(stale.reason)")
        #expect(stale.reason.contains("last reading 900.25 s old, more than 900 s"), "\(stale.reason)")
        let older = ProbeJudge.judge(
            water, answer: agent(.value(text: "1", number: 1), updatedSecondsAgo: 7202.75), now: now)
        #expect(older.reason.contains("last reading 7202 s old, more than 900 s"), "\(older.reason)")
    }

    @Test("an unreachable agent is an error, never a pass")
    func unreachable() throws {
        let water = try probe(waterLeakProbe)
        let answer = ProbeAnswer.snmp([
            SNMPAgentAnswer(agent: "machine_room", area: nil, readings: [:], error: "timeout after 1.0 s")
        ])
        let outcome = ProbeJudge.judge(water, answer: answer, now: now)
        #expect(outcome.verdict == .error)
        #expect(outcome.reason.contains("timeout"))
        #expect(ProbeJudge.judge(water, answer: .failure("connection refused"), now: now).verdict == .error)
    }

    @Test("HTTP: a redirect to the real-name portal passes; a 200 without redirect fails; a 500 is an error")
    func redirect() throws {
        let portal = try probe("""
            probes:
              - id: portal
                statements: [5.1.2-2]
                http: {system: wifi_portal, path: /}
                expect:
                  - {status: [302]}
                  - {header: Location, matches: "realname"}
            """)
        let redirected = HTTPAnswer(
            url: "http://x/", status: 302, headers: ["location": "/portal/realname"], body: Data())
        #expect(ProbeJudge.judge(portal, answer: .http(redirected), now: now).verdict == .pass)
        let open = HTTPAnswer(url: "http://x/", status: 200, headers: [:], body: Data("welcome".utf8))
        #expect(ProbeJudge.judge(portal, answer: .http(open), now: now).verdict == .fail)

        let features = try probe("""
            probes:
              - id: features
                statements: [6.2.1-1]
                http: {system: member_api, path: /api}
                expect:
                  - {json: "$.points", equals: "true"}
            """)
        let broken = HTTPAnswer(url: "http://x/api", status: 500, headers: [:], body: Data("oops".utf8))
        let outcome = ProbeJudge.judge(features, answer: .http(broken), now: now)
        #expect(outcome.verdict == .error)
        #expect(outcome.reason.contains("500"))
    }

    @Test("TLS: certificate valid for exactly the required days passes, one day less fails, expired fails")
    func certificateBoundary() throws {
        let tls = try probe("""
            probes:
              - id: tls
                statements: [6.2.3-2]
                tls: {system: member_api}
                expect:
                  - {tls_min_version: "1.2"}
                  - {cert_valid_days: 30}
            """)
        func answer(daysLeft: Double, version: String = "TLSv1.3") -> ProbeAnswer {
            .tls(TLSAnswer(
                url: "https://x", protocolVersion: version, certificateSubject: "CN=x",
                certificateNotBefore: now.addingTimeInterval(-86_400),
                certificateNotAfter: now.addingTimeInterval(daysLeft * 86_400), verified: true,
                verificationError: nil))
        }
        #expect(ProbeJudge.judge(tls, answer: answer(daysLeft: 30), now: now).verdict == .pass)
        #expect(ProbeJudge.judge(tls, answer: answer(daysLeft: 29), now: now).verdict == .fail)
        #expect(ProbeJudge.judge(tls, answer: answer(daysLeft: -1), now: now).reason.contains("expired"))
        #expect(ProbeJudge.judge(tls, answer: answer(daysLeft: 90, version: "TLSv1.1"), now: now).verdict == .fail)
        #expect(ProbeJudge.judge(tls, answer: answer(daysLeft: 90, version: "TLSv1.2"), now: now).verdict == .pass)
    }
}

@Suite("Judging several agents")
struct SeveralAgentsTests {
    @Test("an observed failure on one agent outweighs another agent being unreachable; errors alone stay error")
    func failBeatsError() throws {
        let water = try ProbeDefinitionLoader.parse(YAMLValue.parse(waterLeakProbeForAreas, file: "t.yaml"))[0]
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let alarm = SNMPAgentAnswer(
            agent: "gw_1f", area: "1F", readings: ["leak": .value(text: "2", number: 2)], error: nil)
        let dead = SNMPAgentAnswer(agent: "gw_3f", area: "3F", readings: [:], error: "no response")
        let healthy = SNMPAgentAnswer(
            agent: "gw_2f", area: "2F", readings: ["leak": .value(text: "1", number: 1)], error: nil)
        let mixed = ProbeJudge.judge(water, answer: .snmp([alarm, dead]), now: now)
        #expect(mixed.verdict == .fail)
        #expect(mixed.reason.contains("gw_3f"))
        #expect(ProbeJudge.judge(water, answer: .snmp([healthy, dead]), now: now).verdict == .error)
        #expect(ProbeJudge.judge(water, answer: .snmp([healthy]), now: now).verdict == .pass)
    }
}

@Suite("At least one of several SNMP values (any_value)")
struct AnyValueTests {
    /// A probe reading three device kinds of an area's gateway, with `expect` as its one expectation; the
    /// expectation is on line 11 (DefinitionLoadingTests refuses bad ones there).
    static func probeYAML(expect: String = "{any_value: [camera, presence, energyMeter]}") -> String {
        """
        probes:
          - id: kinds
            statements: [5.2.2-1]
            snmp:
              agents: every-area
              values:
                - {name: camera, oid: .1.3.6.1.4.1.32473.1.2.1.1.0}
                - {name: presence, oid: .1.3.6.1.4.1.32473.1.2.3.1.0}
                - {name: energyMeter, oid: .1.3.6.1.4.1.32473.1.2.4.1.0}
            expect:
              - \(expect)
        """
    }

    static func agent(_ area: String, present: [String], absent: [String]) -> SNMPAgentAnswer {
        var readings: [String: SNMPAgentAnswer.Reading] = [:]
        for name in present { readings[name] = .value(text: "1", number: 1) }
        for name in absent { readings[name] = .absent("noSuchObject") }
        return SNMPAgentAnswer(agent: "gw_\(area)", area: area, readings: readings, error: nil)
    }

    @Test("an area passes with one kind present of three (the kinds are examples), fails by name with none")
    func oneOfSeveral() throws {
        let kinds = try probe(Self.probeYAML())
        #expect(kinds.expectations == [.snmpAnyPresent(values: ["camera", "presence", "energyMeter"])])
        let one = Self.agent("1F", present: ["presence"], absent: ["camera", "energyMeter"])
        let all = Self.agent("2F", present: ["camera", "presence", "energyMeter"], absent: [])
        let none = Self.agent("3F", present: [], absent: ["camera", "presence", "energyMeter"])
        let passed = ProbeJudge.judge(kinds, answer: .snmp([one, all]), now: now)
        #expect(passed.verdict == .pass, "\(passed.reason)")
        // Which kinds answered is on record as observations, the absent ones too.
        #expect(passed.observations.contains { $0.name == "gw_1F.camera" && $0.value.contains("noSuchObject") })
        #expect(passed.observations.contains { $0.name == "gw_1F.presence" && $0.value == "1" })
        let failed = ProbeJudge.judge(kinds, answer: .snmp([one, none]), now: now)
        #expect(failed.verdict == .fail)
        #expect(failed.reason.contains("gw_3F (3F): none of camera, presence, energyMeter is present"), "\(failed.reason)")
        #expect(!failed.reason.contains("gw_1F"))
        // A value the answer lacks altogether (not asked) is an error, never a pass on the others' account.
        let unread = SNMPAgentAnswer(agent: "gw_1F", area: "1F", readings: [:], error: nil)
        #expect(ProbeJudge.judge(kinds, answer: .snmp([unread]), now: now).verdict == .error)
    }
}

private let waterLeakProbeForAreas = """
    probes:
      - id: water
        statements: [5.2.2-2]
        snmp:
          agents: every-area
          values:
            - {name: leak, oid: .1.3.6.1.4.1.32473.1.2.2.1.0, ok: [1], alarm: [2, 3]}
        expect:
          - {value: leak, state: ok}
    """
