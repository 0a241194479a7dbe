import Foundation
import Testing
import TestSupport

/// `mallaudit snmp get|walk` against the real peers of scripts/peers/snmp.sh.
@Suite struct SNMPCLITests {
    func env(_ name: String) throws -> String { try TestPeer.value(name) }

    /// The community goes in through a variable the command is told to read.
    func communityEnvironment() throws -> [String: String] {
        ["MALLAUDIT_CLI_COMMUNITY": try env("MALLAUDIT_TEST_SNMP_COMMUNITY")]
    }

    @Test func getPrintsWhatSnmpgetPrints() throws {
        let outcome = try runMallaudit(
            [
                "snmp", "get", "--agent", try env("MALLAUDIT_TEST_SNMPD"), "--community-env", "MALLAUDIT_CLI_COMMUNITY",
                ".1.3.6.1.4.1.32473.1.1.1.1.0", ".1.3.6.1.4.1.32473.1.1.1.2.0", ".1.3.6.1.4.1.32473.1.1.99.1.0",
            ], environment: try communityEnvironment())
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.stdout == """
                .1.3.6.1.4.1.32473.1.1.1.1.0 = INTEGER: 1
                .1.3.6.1.4.1.32473.1.1.1.2.0 = STRING: "dry"
                .1.3.6.1.4.1.32473.1.1.99.1.0 = No Such Object available on this agent at this OID

                """)
    }

    @Test func walkOutputEqualsSnmpbulkwalk() throws {
        let address = try env("MALLAUDIT_TEST_SNMPSIM")
        let community = try env("MALLAUDIT_TEST_SNMPSIM_TYPES_COMMUNITY")
        let outcome = try runMallaudit(
            [
                "snmp", "walk", "--agent", address, "--community-env", "SIM_COMMUNITY", "--max-repetitions", "10",
                ".1.3.6.1.4.1.32473.7",
            ], environment: ["SIM_COMMUNITY": community])
        #expect(outcome.status == 0, "\(outcome.stderr)")

        let persistent = try temporaryDirectory("mallaudit-netsnmp")
        defer { try? FileManager.default.removeItem(at: persistent) }
        let reference = try runTool(
            "/usr/bin/snmpbulkwalk",
            ["-m", "", "-v2c", "-c", community, "-On", "-Cr10", address, ".1.3.6.1.4.1.32473.7"],
            environment: [
                "MIBS": "", "SNMPCONFPATH": "/nonexistent", "PATH": "/usr/bin:/bin",
                "SNMP_PERSISTENT_DIR": persistent.path,
            ], replace: true)
        #expect(reference.contains("Hex-STRING"))
        #expect(outcome.stdout == reference)
    }

    @Test func jsonGivesTypedValues() throws {
        let outcome = try runMallaudit(
            [
                "snmp", "get", "--agent", try env("MALLAUDIT_TEST_SNMPD"), "--community-env", "MALLAUDIT_CLI_COMMUNITY",
                "--format", "json", ".1.3.6.1.4.1.32473.1.1.2.2.0", ".1.3.6.1.4.1.32473.1.1.1.2.0",
            ], environment: try communityEnvironment())
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let agents = try #require(document["agents"] as? [[String: Any]])
        let varbinds = try #require(agents.first?["varbinds"] as? [[String: Any]])
        #expect(varbinds.count == 2)
        #expect(varbinds.first?["oid"] as? String == ".1.3.6.1.4.1.32473.1.1.2.2.0")
        #expect(varbinds.first?["type"] as? String == "INTEGER")
        #expect(varbinds.first?["value"] as? Int == 45)
        #expect(varbinds.last?["value"] as? String == "dry")
        #expect(varbinds.last?["text"] as? String == "STRING: \"dry\"")
    }

    @Test func v3AuthPrivFromEnvironmentVariables() throws {
        let outcome = try runMallaudit(
            [
                "snmp", "get", "--agent", try env("MALLAUDIT_TEST_SNMPD"), "--v3-user",
                try env("MALLAUDIT_TEST_SNMP_V3_AUTHPRIV_USER"), "--v3-auth-protocol", "SHA",
                "--v3-auth-env", "CLI_AUTH",
                "--v3-priv-protocol", "AES", "--v3-priv-env", "CLI_PRIV", ".1.3.6.1.4.1.32473.1.1.4.2.0",
            ],
            environment: [
                "CLI_AUTH": try env("MALLAUDIT_TEST_SNMP_V3_AUTH_PASS"),
                "CLI_PRIV": try env("MALLAUDIT_TEST_SNMP_V3_PRIV_PASS"),
            ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == ".1.3.6.1.4.1.32473.1.1.4.2.0 = INTEGER: 22\n")
    }

    @Test func wrongV3PassphraseExitsThreeAndNeverPrintsIt() throws {
        let secret = "definitely-wrong-passphrase"
        let outcome = try runMallaudit(
            [
                "snmp", "get", "--agent", try env("MALLAUDIT_TEST_SNMPD"), "--v3-user",
                try env("MALLAUDIT_TEST_SNMP_V3_AUTHNOPRIV_USER"), "--v3-auth-env", "CLI_AUTH",
                ".1.3.6.1.2.1.1.1.0",
            ], environment: ["CLI_AUTH": secret])
        #expect(outcome.status == 3, "an agent that gives no usable answer could not be checked")
        #expect(outcome.stderr.contains("authentication failure"))
        #expect(!outcome.stdout.contains(secret) && !outcome.stderr.contains(secret))
    }

    @Test func deadAgentExitsThreeWithNoResponse() throws {
        let outcome = try runMallaudit(
            [
                "snmp", "walk", "--agent", try env("MALLAUDIT_TEST_SNMP_DEAD"),
                "--community-env", "MALLAUDIT_CLI_COMMUNITY",
                "--timeout", "0.2", "--retries", "0", ".1.3.6.1",
            ], environment: try communityEnvironment())
        #expect(outcome.status == 3)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("no response"))
        #expect(outcome.stderr.contains("wrong community or agent down"))
    }

    /// Several agents in one `get`: each listed under its address; the dead one reported, exit 3.
    @Test func getOfSeveralAgentsReportsEach() throws {
        let live = try env("MALLAUDIT_TEST_SNMPD")
        let dead = try env("MALLAUDIT_TEST_SNMP_DEAD")
        let outcome = try runMallaudit(
            [
                "snmp", "get", "--agent", live, "--agent", dead, "--community-env", "MALLAUDIT_CLI_COMMUNITY",
                "--timeout", "0.2", "--retries", "0", ".1.3.6.1.4.1.32473.1.1.5.2.0",
            ], environment: try communityEnvironment())
        #expect(outcome.status == 3)
        #expect(outcome.stdout == "# \(live)\n.1.3.6.1.4.1.32473.1.1.5.2.0 = STRING: \"closed\"\n# \(dead)\n")
        #expect(outcome.stderr.contains("no response from \(dead)"))
    }

    @Test func unsetCommunityVariableExitsOneNamingIt() throws {
        let outcome = try runMallaudit(
            ["snmp", "get", "--agent", "udp:127.0.0.1:9", "--community-env", "MALLAUDIT_NOT_SET_ANYWHERE", ".1.3.6.1"],
            environment: ["MALLAUDIT_NOT_SET_ANYWHERE": ""])
        #expect(outcome.status == 1, "a setting that cannot work: the tool could not do it")
        #expect(outcome.stderr.hasPrefix("mallaudit: error: "))
        #expect(outcome.stderr.contains("MALLAUDIT_NOT_SET_ANYWHERE"))
    }

    @Test(arguments: [
        (["snmp", "get", "--agent", "udp:127.0.0.1:9", "sysDescr.0"], "not a numeric OID"),
        (["snmp", "get", "--agent", "10.0.0.1:161", ".1.3.6.1"], "udp:HOST:PORT"),
        (["snmp", "get", "--agent", "udp:127.0.0.1:9", "--v3-auth-protocol", "SHA3", ".1.3"], "--v3-auth-protocol"),
        (["snmp", "get", "--agent", "udp:127.0.0.1:9"], "at least one OID"),
        (["snmp", "walk", "--agent", "udp:127.0.0.1:9", "--max-repetitions", "0"], "--max-repetitions"),
        (["snmp", "get", "--agent", "udp:127.0.0.1:9", "--snmp-version", "4", ".1.3"], "--snmp-version '4'"),
        (["snmp", "get", "--agent", "udp:127.0.0.1:9", "-v", "2", ".1.3"], "--snmp-version '2'"),
    ])
    func usageErrorsSayWhatWasExpected(arguments: [String], message: String) throws {
        let outcome = try runMallaudit(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    }

    @Test("the SNMP version is -v/--snmp-version; --version is mallaudit's own, listed once")
    func versionOptions() throws {
        for command in ["get", "walk"] {
            let help = try runMallaudit(["snmp", command, "--help"])
            #expect(help.status == 0)
            let lines = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(lines.contains { $0.hasPrefix("-v, --snmp-version <snmp-version>") }, "\(help.stdout)")
            #expect(lines.filter { $0.hasPrefix("--version") }.count == 1, "\(help.stdout)")
        }
        let version = try runMallaudit(["snmp", "get", "--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        // -v 1 asks the agent with SNMPv1: the same answer as v2c for a plain GET.
        let v1 = try runMallaudit(
            [
                "snmp", "get", "--agent", try env("MALLAUDIT_TEST_SNMPD"), "-v", "1", "--community-env",
                "MALLAUDIT_CLI_COMMUNITY", ".1.3.6.1.4.1.32473.1.1.5.2.0",
            ], environment: try communityEnvironment())
        #expect(v1.status == 0, "\(v1.stderr)")
        #expect(v1.stdout == ".1.3.6.1.4.1.32473.1.1.5.2.0 = STRING: \"closed\"\n")
    }
}
