import AuditSNMP
import Foundation
import Testing

/// The machine-room sensors snmpd serves (scripts/snmp/sensors.txt): status .1.0, reading .2.0 for S = 1…6.
private let sensorOIDs: [SNMPObjectID] = (1...6).flatMap { sensor in
    [oid(".1.3.6.1.4.1.32473.1.1.\(sensor).1.0"), oid(".1.3.6.1.4.1.32473.1.1.\(sensor).2.0")]
}

private let expectedSensorValues: [SNMPValue] = [
    .integer(1), .octets(Array("dry".utf8)), .integer(1), .integer(45), .integer(1), .octets(Array("clear".utf8)),
    .integer(1), .integer(22), .integer(1), .octets(Array("closed".utf8)), .integer(1),
    .octets(Array("recording".utf8)),
]

@Suite struct SNMPGetTests {
    @Test func severalSensorsInOnePDU() async throws {
        let agent = try Peers.snmpd()
        let results = await SNMPClient(maxVarBindsPerPDU: 32).poll([SNMPPollRequest(agent: agent, oids: sensorOIDs)])
        let result = try #require(results.first)
        let varbinds = try result.result.get()
        #expect(varbinds.map(\.oid) == sensorOIDs)
        #expect(varbinds.map(\.value) == expectedSensorValues)
        #expect(result.statistics.requests == 1)
        #expect(result.statistics.responses == 1)
        #expect(result.statistics.timeouts == 0)
    }

    /// 12 OIDs: a PDU limit of 12 needs one PDU, 11 needs two, 4 needs three; the values stay in the asked order.
    @Test(arguments: [(12, 1), (11, 2), (4, 3), (1, 12)])
    func batchesAtTheLimit(limit: Int, pdus: Int) async throws {
        let agent = try Peers.snmpd()
        let results = await SNMPClient(maxVarBindsPerPDU: limit).poll([
            SNMPPollRequest(agent: agent, oids: sensorOIDs)
        ])
        let result = try #require(results.first)
        #expect(try result.result.get().map(\.value) == expectedSensorValues)
        #expect(result.statistics.requests == pdus)
    }

    @Test func exceptionsAreReportedAsSuch() async throws {
        let agent = try Peers.snmpd()
        let client = SNMPClient()
        let got = try await client.get(
            agent, [oid(".1.3.6.1.4.1.32473.1.1.99.1.0"), oid(".1.3.6.1.2.1.1.1.1"), oid(".1.3.6.1.2.1.1.1.0")]
        ).get()
        #expect(got.map(\.value) == [.noSuchObject, .noSuchInstance, .octets(Array("mallaudit test agent".utf8))])
        // Past the end of the agent's MIB view.
        let next = try await client.getNext(agent, [oid(".2.1")]).get()
        #expect(next.map(\.value) == [.endOfMibView])
    }

    @Test func v1NoSuchNameMarksOnlyThatOID() async throws {
        let agent = try Peers.snmpd(version: .v1)
        let asked = [sensorOIDs[0], oid(".1.3.6.1.4.1.32473.1.1.99.1.0"), sensorOIDs[1]]
        let got = try await SNMPClient().get(agent, asked).get()
        #expect(got.map(\.oid) == asked)
        #expect(got.map(\.value) == [.integer(1), .noSuchObject, .octets(Array("dry".utf8))])
    }

    @Test func v3AuthPriv() async throws {
        let got = try await SNMPClient().get(try Peers.v3(level: .authPriv), sensorOIDs).get()
        #expect(got.map(\.value) == expectedSensorValues)
    }

    @Test func v3AuthNoPriv() async throws {
        let got = try await SNMPClient().get(try Peers.v3(level: .authNoPriv), [sensorOIDs[0]]).get()
        #expect(got.map(\.value) == [.integer(1)])
    }

    /// A wrong passphrase is refused — also right after the right one worked in this process (net-snmp keeps
    /// localized keys per user in a process-wide table), and the right one works again afterwards.
    @Test func wrongV3PasswordIsAnAuthenticationFailure() async throws {
        let client = SNMPClient()
        _ = try await client.get(try Peers.v3(level: .authPriv), [sensorOIDs[0]]).get()
        let wrong = try Peers.v3(level: .authPriv, auth: "not-the-passphrase")
        let result = await client.get(wrong, [sensorOIDs[0]])
        guard case let .failure(error) = result else {
            Issue.record("a wrong v3 passphrase was accepted: \(result)")
            return
        }
        #expect(error == .authenticationFailure(agent: wrong.label, reason: .wrongDigest))
        #expect(error.description.contains("wrong authentication passphrase"))
        #expect(!error.description.contains("not-the-passphrase"))
        #expect(try await client.get(try Peers.v3(level: .authPriv), [sensorOIDs[0]]).get().first?.value == .integer(1))
    }

    @Test func unknownV3User() async throws {
        let agent = try Peers.v3(level: .authNoPriv, user: "nobody-here")
        guard case let .failure(error) = await SNMPClient().get(agent, [sensorOIDs[0]]) else {
            Issue.record("an unknown user was accepted")
            return
        }
        #expect(error == .authenticationFailure(agent: agent.label, reason: .unknownUser))
    }

    /// v1/v2c agents drop a request with a wrong community: a timeout, worded apart from a v3 refusal.
    @Test func wrongCommunityIsANoResponse() async throws {
        var agent = try Peers.snmpd(timeout: 0.3, retries: 0)
        agent.community = "wrong-community"
        let results = await SNMPClient().poll([SNMPPollRequest(agent: agent, oids: sensorOIDs)])
        let result = try #require(results.first)
        guard case let .failure(error) = result.result else {
            Issue.record("a wrong community was answered")
            return
        }
        #expect(error.code == "timeout")
        #expect(error.description.contains("wrong community or agent down"))
        #expect(!error.description.contains("wrong-community"))
        #expect(result.statistics.timeouts == 1)
    }

    /// However many OIDs, a dead agent is asked once: one PDU, its retransmissions, one timeout.
    @Test(arguments: [0, 2])
    func deadAgentCostsOneTimeout(retries: Int) async throws {
        let agent = try Peers.dead(timeout: 0.2, retries: retries)
        let many = (1...100).map { oid(".1.3.6.1.4.1.32473.9.1.1.\($0)") }
        let results = await SNMPClient(maxVarBindsPerPDU: 10).poll([SNMPPollRequest(agent: agent, oids: many)])
        let result = try #require(results.first)
        guard case let .failure(error) = result.result else {
            Issue.record("the dead agent answered")
            return
        }
        #expect(error == .timeout(agent: agent.label, version: .v2c, seconds: 0.2, attempts: retries + 1))
        #expect(result.statistics.requests == 1)
        #expect(result.statistics.retransmissions == retries)
        #expect(result.statistics.timeouts == 1)
        #expect(result.statistics.responses == 0)
    }

    /// Live agents, a dead one and a v3 one, polled together: every agent gets its own result in the asked order,
    /// and the whole poll counts exactly one timeout (the dead agent's).
    @Test func pollingManyAgentsIncludingADeadOne() async throws {
        let requests = [
            SNMPPollRequest(agent: try Peers.snmpd(), oids: sensorOIDs),
            SNMPPollRequest(agent: try Peers.dead(), oids: sensorOIDs),
            SNMPPollRequest(agent: try Peers.snmpsim(), oids: [oid(".1.3.6.1.2.1.1.5.0")]),
            SNMPPollRequest(agent: try Peers.v3(level: .authPriv), oids: sensorOIDs),
            SNMPPollRequest(agent: try Peers.snmpd(version: .v1), oids: sensorOIDs),
        ]
        let results = await SNMPClient(maxVarBindsPerPDU: 4).poll(requests)
        #expect(results.map(\.agent.label) == requests.map(\.agent.label))
        #expect(results.map { (try? $0.result.get()) != nil } == [true, false, true, true, true])
        #expect(results.reduce(0) { $0 + $1.statistics.timeouts } == 1)
        #expect(results[1].statistics.timeouts == 1)
        #expect(try results[0].result.get().map(\.value) == expectedSensorValues)
        #expect(try results[3].result.get().map(\.value) == expectedSensorValues)
        #expect(try results[4].result.get().map(\.value) == expectedSensorValues)
        #expect(try results[2].result.get().first?.value.typeName == "STRING")
    }

    @Test func configurationProblemsSendNothing() async throws {
        let agent = try Peers.v3(level: .authPriv, priv: "short")
        let results = await SNMPClient().poll([SNMPPollRequest(agent: agent, oids: sensorOIDs)])
        let result = try #require(results.first)
        guard case let .failure(error) = result.result else {
            Issue.record("a 5-character privacy passphrase was used")
            return
        }
        #expect(error.code == "configuration")
        #expect(result.statistics.requests == 0)
    }

    @Test func emptyRequestIsAnEmptyAnswer() async throws {
        #expect(try await SNMPClient().get(try Peers.snmpd(), []).get().isEmpty)
    }
}

@Suite struct SNMPWalkTests {
    /// Walks `root` with mallaudit and with `snmpbulkwalk -On -Cr<N>` and compares the two listings exactly.
    private func compareWithSnmpbulkwalk(
        _ agent: SNMPAgent, root: String, repetitions: Int, version: String = "2c", tool: String = "snmpbulkwalk"
    ) async throws -> Int {
        let ours = try await SNMPClient().walk(agent, root: oid(root), maxRepetitions: repetitions).get()
        var arguments = ["-v\(version)", "-c", agent.community ?? "", "-On", "-t", "5", "-r", "1"]
        if tool == "snmpbulkwalk" { arguments.append("-Cr\(repetitions)") }
        let reference = try netSNMPTool(tool, arguments + [agent.address, root])
        #expect(reference.status == 0, "\(tool) failed: \(reference.stderr)")
        let text = ours.map { $0.netSNMPLine + "\n" }.joined()
        #expect(text == reference.stdout, "\(firstDifference(text, reference.stdout))")
        return ours.count
    }

    /// The whole recording of a real Cisco switch (51,000 OIDs of every common type) served by snmpsim.
    @Test func walkOfSnmpsimRecordingMatchesSnmpbulkwalk() async throws {
        let count = try await compareWithSnmpbulkwalk(try Peers.snmpsim(), root: ".1", repetitions: 25)
        #expect(count > 50_000)
    }

    /// Every value type net-snmp prints: strings with quotes, empty, binary at the 16-byte line breaks, UTF-8,
    /// negative integers, timeticks over days, Counter64, IpAddress, OID, Opaque (raw, and wrapping a float, a
    /// double, a Counter64, an Int64, a UInt64), NULL (scripts/snmp/mallaudit-types.snmprec), and the endOfMibView
    /// rows snmpbulkwalk prints at the end.
    @Test(arguments: [1, 10, 50])
    func walkOfEveryValueTypeMatchesSnmpbulkwalk(repetitions: Int) async throws {
        let agent = try Peers.snmpsim(community: Peers.env("MALLAUDIT_TEST_SNMPSIM_TYPES_COMMUNITY"))
        let count = try await compareWithSnmpbulkwalk(agent, root: ".1.3.6.1.4.1.32473.7", repetitions: repetitions)
        #expect(count >= 30)
    }

    @Test func walkOfSnmpdOverOIDsMatchesSnmpbulkwalk() async throws {
        let count = try await compareWithSnmpbulkwalk(try Peers.snmpd(), root: ".1.3.6.1.4.1.32473", repetitions: 50)
        #expect(count >= 2_400)
    }

    /// v1 has no GETBULK: the walk goes by GETNEXT and lists what `snmpwalk -v1` lists.
    @Test func v1WalkMatchesSnmpwalk() async throws {
        let count = try await compareWithSnmpbulkwalk(
            try Peers.snmpd(version: .v1), root: ".1.3.6.1.4.1.32473.1", repetitions: 1, version: "1", tool: "snmpwalk")
        #expect(count == 34)  // scripts/snmp/sensors.txt: 33 sensor values and the contact string
    }

    /// A root that is itself a leaf: nothing under it, so the walk GETs it, as snmpbulkwalk does.
    @Test func walkOfALeafGetsIt() async throws {
        let got = try await SNMPClient().walk(try Peers.snmpd(), root: sensorOIDs[0]).get()
        #expect(got == [SNMPVarBind(oid: sensorOIDs[0], value: .integer(1))])
    }

    @Test func walkOfADeadAgentIsOneTimeout() async throws {
        let result = await SNMPClient().walkWithStatistics(try Peers.dead(timeout: 0.2, retries: 1), root: oid(".1"))
        #expect((try? result.result.get()) == nil)
        #expect(result.statistics.timeouts == 1)
        #expect(result.statistics.requests == 1)
        #expect(result.statistics.retransmissions == 1)
    }
}
