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

/// Where the real test peers listen, from the `export NAME=value` lines of scripts/peers/*.sh (run by
/// scripts/test.sh). Each accessor throws ``PeerNotRunning`` when its peer was not started.
public enum TestPeer {
    /// The value of a `MALLAUDIT_TEST_*` variable a peer script exported (where a peer listens, its secrets).
    public static func value(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw PeerNotRunning(variable: name)
        }
        return value
    }

    /// snmpd serving the demo sensors (scripts/snmp/sensors.txt), `udp:127.0.0.1:PORT`.
    public static func snmpd() throws -> String { try value("MALLAUDIT_TEST_SNMPD") }
    /// snmpd's v2c community (a secret: it reaches mallaudit only through an environment variable).
    public static func community() throws -> String { try value("MALLAUDIT_TEST_SNMP_COMMUNITY") }
    /// A bound UDP port that never answers.
    public static func deadAgent() throws -> String { try value("MALLAUDIT_TEST_SNMP_DEAD") }
    /// `http://127.0.0.1:PORT` of the mall HTTP server (routes in scripts/peers/http-fixtures/routes.json).
    public static func http() throws -> String { try value("MALLAUDIT_TEST_HTTP") }
    /// `https://127.0.0.1:PORT`, certificate from the CA at `ca()`.
    public static func https() throws -> String { try value("MALLAUDIT_TEST_HTTPS") }
    /// `https://127.0.0.1:PORT` with a certificate valid from 2020-01-01 to 2021-01-01.
    public static func httpsExpired() throws -> String { try value("MALLAUDIT_TEST_HTTPS_EXPIRED") }
    /// `https://127.0.0.1:PORT` that negotiates TLS 1.2 at most.
    public static func httpsTLS12() throws -> String { try value("MALLAUDIT_TEST_HTTPS_TLS12") }
    /// The test CA certificate (PEM).
    public static func ca() throws -> String { try value("MALLAUDIT_TEST_CA") }
}
