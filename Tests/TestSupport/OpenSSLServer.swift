import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `openssl s_server` on a free loopback port, for the TLS tests: a real TLS server that is not an HTTP server (or,
/// with `-www`, answers only the requests OpenSSL's test page knows). Its certificate is self-signed for 127.0.0.1 and
/// valid `days` days, so tests can trust it (`caFile`) and check the expiry margin. Whatever a client sends after the
/// handshake is written to `received` (s_server echoes it on standard output). `stop()` ends it.
public final class OpenSSLServer: @unchecked Sendable {
    public let port: Int
    public let folder: URL
    /// The certificate (PEM), also the CA to trust.
    public let caFile: String
    private let process: Process
    private let input: Pipe

    public var url: String { "https://127.0.0.1:\(port)/" }

    /// What the server printed: the data clients sent after the handshake, and its own notes.
    public var received: String {
        (try? String(contentsOf: folder.appendingPathComponent("s_server.out"), encoding: .utf8)) ?? ""
    }

    /// - Parameters:
    ///   - options: more `s_server` options (`-www`, `-tls1_1`, `-cipher DEFAULT@SECLEVEL=0`).
    ///   - days: the certificate's validity from now.
    public init(options: [String] = [], days: Int = 90, keyType: String = "rsa:2048") throws {
        folder = try temporaryDirectory("openssl-server")
        caFile = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        _ = try runTool("/usr/bin/openssl", [
            "req", "-x509", "-newkey", keyType, "-nodes", "-keyout", key, "-out", caFile, "-days", String(days),
            "-subj", "/CN=127.0.0.1/O=mallaudit test s_server", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        var lastError = ""
        for _ in 0..<5 {
            let port = try OpenSSLServer.freeTCPPort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", caFile, "-key", key] + options
            let input = Pipe()  // s_server ends at end of file on its standard input: keep it open
            process.standardInput = input
            let out = folder.appendingPathComponent("s_server.out")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)  // FileHandle below throws if it failed
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: out)
            try process.run()
            if OpenSSLServer.waitUntilListening(port: port, process: process) {
                self.port = port
                self.process = process
                self.input = input
                return
            }
            lastError = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        throw ToolFailed(
            path: "/usr/bin/openssl", arguments: ["s_server"] + options,
            outcome: ProcessOutcome(status: 1, stdout: "", stderr: lastError, processIdentifier: 0))
    }

    /// Ends the server (SIGKILL: a process Foundation starts from an async test inherits a signal mask that blocks
    /// SIGTERM) and removes its folder.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    /// A TCP port nothing listens on now (bound to port 0, read, released).
    static func freeTCPPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits (up to 10 s) until a TCP connection to the port succeeds; false when the process exits first.
    static func waitUntilListening(port: Int, process: Process) -> Bool {
        for _ in 0..<200 {
            guard process.isRunning else { return false }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(fd)
            if connected { return true }
            usleep(50_000)
        }
        return false
    }
}
