import AuditSNMP
import Foundation
import Testing
import TestSupport

/// Where the SNMP test peers listen, from the `export` lines of scripts/peers/snmp.sh (run by scripts/test.sh).
enum Peers {
    /// The variable's value; throws (failing the test, never skipping it) when the peers were not started.
    static func env(_ name: String) throws -> String { try TestPeer.value(name) }

    static func snmpd(version: SNMPAgent.Version = .v2c, timeout: Double = 1, retries: Int = 1) throws -> SNMPAgent {
        SNMPAgent(
            address: try env("MALLAUDIT_TEST_SNMPD"), version: version,
            community: try env("MALLAUDIT_TEST_SNMP_COMMUNITY"), timeout: timeout, retries: retries, name: "snmpd")
    }

    static func snmpsim(community: String? = nil) throws -> SNMPAgent {
        SNMPAgent(
            address: try env("MALLAUDIT_TEST_SNMPSIM"), version: .v2c,
            community: try community ?? env("MALLAUDIT_TEST_SNMPSIM_COMMUNITY"), timeout: 2, retries: 1,
            name: "snmpsim")
    }

    static func dead(timeout: Double = 0.3, retries: Int = 0) throws -> SNMPAgent {
        SNMPAgent(
            address: try env("MALLAUDIT_TEST_SNMP_DEAD"), version: .v2c, community: "mallaudit-test",
            timeout: timeout, retries: retries, name: "dead")
    }

    static func v3(
        level: SNMPAgent.SecurityLevel, user: String? = nil, auth: String? = nil, priv: String? = nil,
        timeout: Double = 1, retries: Int = 1
    ) throws -> SNMPAgent {
        let defaultUser =
            level == .authPriv
            ? try env("MALLAUDIT_TEST_SNMP_V3_AUTHPRIV_USER") : try env("MALLAUDIT_TEST_SNMP_V3_AUTHNOPRIV_USER")
        return SNMPAgent(
            address: try env("MALLAUDIT_TEST_SNMPD"), version: .v3,
            v3: SNMPAgent.V3Security(
                user: user ?? defaultUser, level: level, authProtocol: .sha,
                authPassphrase: try auth ?? env("MALLAUDIT_TEST_SNMP_V3_AUTH_PASS"), privProtocol: .aes,
                privPassphrase: level == .authPriv ? try priv ?? env("MALLAUDIT_TEST_SNMP_V3_PRIV_PASS") : nil),
            timeout: timeout, retries: retries, name: "snmpd-v3")
    }
}

/// Runs net-snmp's own command-line tool with no MIBs and no user configuration; returns its stdout.
func netSNMPTool(_ tool: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    // net-snmp's tools write under SNMP_PERSISTENT_DIR: a fresh directory, removed afterwards.
    let persistent = try temporaryDirectory("mallaudit-netsnmp")
    defer { try? FileManager.default.removeItem(at: persistent) }
    let outcome = try runProcess(
        URL(fileURLWithPath: "/usr/bin/\(tool)"), ["-m", ""] + arguments,
        environment: ["MIBS": "", "SNMPCONFPATH": "/nonexistent", "SNMP_PERSISTENT_DIR": persistent.path])
    return (outcome.status, outcome.stdout, outcome.stderr)
}

/// The first line where two outputs differ, for a readable failure.
func firstDifference(_ left: String, _ right: String) -> String {
    let a = left.split(separator: "\n", omittingEmptySubsequences: false)
    let b = right.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(a.count, b.count) {
        let x = index < a.count ? String(a[index]) : "<end>"
        let y = index < b.count ? String(b[index]) : "<end>"
        if x != y { return "line \(index + 1):\n  mallaudit:    \(x)\n  snmpbulkwalk: \(y)" }
    }
    return "no difference"
}

func oid(_ text: String) -> SNMPObjectID { SNMPObjectID(text)! }
