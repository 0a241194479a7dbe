import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Where the HTTP peer (scripts/peers/http.sh) listens, from the environment scripts/test.sh sets up.
enum Peer {
    static func value(_ variable: String) throws -> String { try peerVariable(variable) }

    /// `http://127.0.0.1:PORT`
    static func http() throws -> String { try value("MALLAUDIT_TEST_HTTP") }
    /// `https://127.0.0.1:PORT`, certificate from the CA at `ca()`.
    static func https() throws -> String { try value("MALLAUDIT_TEST_HTTPS") }
    /// `https://127.0.0.1:PORT` with a certificate valid from 2020-01-01 to 2021-01-01.
    static func httpsExpired() throws -> String { try value("MALLAUDIT_TEST_HTTPS_EXPIRED") }
    /// `https://127.0.0.1:PORT` that negotiates TLS 1.2 at most.
    static func httpsTLS12() throws -> String { try value("MALLAUDIT_TEST_HTTPS_TLS12") }
    /// The test CA certificate (PEM).
    static func ca() throws -> String { try value("MALLAUDIT_TEST_CA") }
}

/// A TCP port on 127.0.0.1 that nothing listens on: bound by the kernel's choice, then closed.
func closedLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Int32 in
            guard bind(fd, raw, length) == 0 else { return -1 }
            return getsockname(fd, raw, &length)
        }
    }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A JSON object body as a dictionary (for the server's echo and stats answers).
func jsonObject(_ data: Data) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw CocoaError(.propertyListReadCorrupt)
    }
    return object
}
