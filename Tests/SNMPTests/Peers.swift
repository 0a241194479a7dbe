import AuditSNMP
import Foundation
import Testing

/// Where the SNMP test peers listen, from the `export` lines of scripts/peers/snmp.sh (run by scripts/test.sh).
enum Peers {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String {
            "\(name) is not set: the SNMP tests talk to real agents started by scripts/peers/snmp.sh — "
                + "run them with `bash scripts/test.sh`"
        }
    }

    /// The variable's value; throws (failing the test, never skipping it) when the peers were not started.
    static func env(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(name: name) }
        return value
    }

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
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
    process.arguments = ["-m", ""] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["MIBS"] = ""
    environment["SNMPCONFPATH"] = "/nonexistent"
    // net-snmp's tools write under SNMP_PERSISTENT_DIR: a fresh directory, removed afterwards.
    let persistent = FileManager.default.temporaryDirectory.appendingPathComponent("mallaudit-netsnmp-\(UUID())")
    defer { try? FileManager.default.removeItem(at: persistent) }
    environment["SNMP_PERSISTENT_DIR"] = persistent.path
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self)
    )
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
