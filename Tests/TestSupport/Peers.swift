import Foundation

/// A peer a test needs (snmpd, snmpsim, the dead SNMP agent, the HTTP server) is not running: the test fails with
/// how to start it, never skips.
public struct PeerNotRunning: Error, CustomStringConvertible {
    public var variable: String
    public var description: String {
        "\(variable) is not set: this test talks to the real test peers (snmpd, snmpsim, the dead SNMP agent, the "
            + "HTTP server) that scripts/peers/*.sh start — run it with `bash scripts/test.sh`"
    }
}

/// The value of a `MALLAUDIT_TEST_*` variable a peer script exported (where the peer listens, its secrets).
public func peerVariable(_ name: String) throws -> String {
    guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
        throw PeerNotRunning(variable: name)
    }
    return value
}
