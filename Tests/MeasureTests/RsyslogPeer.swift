import AuditMeasures
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real rsyslogd started by scripts/peers/rsyslog.sh (run by scripts/test.sh): the tests send it syslog messages
/// with the timestamps they need, and read back the log files rsyslog writes in its own formats.
enum RsyslogPeer {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String {
            "\(name) is not set: the WiFi log tests read logs written by a real rsyslogd started by "
                + "scripts/peers/rsyslog.sh — run them with `bash scripts/test.sh`"
        }
    }

    /// The output formats of the peer (file names under its per-sender folder).
    enum Format: String, CaseIterable {
        /// `2026-01-01T16:10:00.000000+00:00 wlc01 app[311] …` (RSYSLOG_FileFormat)
        case rfc3339 = "rfc3339.log"
        /// `Jan  1 16:10:00 wlc01 app[311] …` (RSYSLOG_TraditionalFileFormat)
        case traditional = "traditional.log"
        /// `<134>1 2026-01-01T16:10:00.000000+00:00 wlc01 app 311 - - …` (RSYSLOG_SyslogProtocol23Format)
        case protocol5424 = "protocol.log"
        /// `{"@timestamp":"2026-01-01T16:10:00.000000+00:00", …}`
        case jsonAtTimestamp = "json-atimestamp.log"
        /// `{"timestamp":"2026-01-01T16:10:00.000000+00:00", …}`
        case jsonTimestamp = "json-timestamp.log"
        /// `{"time":1767283800, …}`
        case jsonTime = "json-time.log"
    }

    static func env(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(name: name) }
        return value
    }

    /// Sends one message per stamp (RFC 5424, as `logger --rfc5424` sends it, with the stamp given: RFC 3339 with
    /// its offset) under a fresh APP-NAME, waits until rsyslog has written every one of them in every format, and
    /// returns the folder holding those files.
    static func send(_ stamps: [String], host: String = "wlc01") throws -> URL {
        let socketPath = try env("MALLAUDIT_TEST_RSYSLOG_SOCKET")
        let out = URL(fileURLWithPath: try env("MALLAUDIT_TEST_RSYSLOG_OUT"))
        let app = "mallaudit-\(UUID().uuidString.prefix(8).lowercased())"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        precondition(pathBytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long")
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        for (index, stamp) in stamps.enumerated() {
            let mac = String(format: "02:00:00:00:%02x:%02x", index / 256 % 256, index % 256)
            let message =
                "<134>1 \(stamp) \(host) \(app) 311 - [timeQuality tzKnown=\"1\" isSynced=\"1\"] "
                + "sta=\(mac) user=138****\(String(format: "%04d", index % 10000)) auth-ok realname=sms"
            let bytes = Array(message.utf8)
            let sent = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard sent == bytes.count else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
        let folder = out.appendingPathComponent(app)
        let deadline = Date().addingTimeInterval(30)
        while true {
            let counts = Format.allCases.map { lineCount(folder.appendingPathComponent($0.rawValue)) }
            if counts.allSatisfy({ $0 == stamps.count }) { return folder }
            if Date() > deadline {
                Issue.record("rsyslog wrote \(counts) lines of \(stamps.count) to \(folder.path) in 30 s")
                return folder
            }
            usleep(20_000)
        }
    }

    /// Copies the peer's file in `format` from `folder` into a fresh directory (as `name`) for a check to read;
    /// `gzip` compresses it with the system's gzip, as logrotate does.
    static func logDirectory(_ folder: URL, _ format: Format, name: String = "wifi.log", gzip: Bool = false) throws
        -> URL
    {
        let directory = try makeTemporaryDirectory("rsyslog")
        let text = try String(contentsOf: folder.appendingPathComponent(format.rawValue), encoding: .utf8)
        if gzip {
            try write(gzipped(text), to: name + ".gz", in: directory)
        } else {
            try write(text, to: name, in: directory)
        }
        return directory
    }

    private static func lineCount(_ url: URL) -> Int {
        guard let data = try? Data(contentsOf: url) else { return 0 }
        return data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
