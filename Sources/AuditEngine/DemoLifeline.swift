import AuditModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the demo's two background parts (its systems, `DemoPeers`, and the bureau's service, `DemoService`) share:
/// a temporary folder of their own and the lifeline pipe their script's watchdog reads. Only this process holds the
/// write end (close-on-exec), so when it ends — even by SIGKILL — the watchdog reads end of file and stops what the
/// script started.
final class DemoLifeline: @unchecked Sendable {
    private var read: Int32 = -1
    private var write: Int32 = -1

    /// A pipe, or none when the system refuses one (the demo then runs without the SIGKILL guard).
    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            (read, write) = (fds[0], fds[1])
        }
    }

    /// `environment` with `MALLAUDIT_DEMO_LIFELINE` naming the read end the script's watchdog inherits.
    func adding(to environment: [String: String]) -> [String: String] {
        var environment = environment
        if read >= 0 { environment["MALLAUDIT_DEMO_LIFELINE"] = String(read) }
        return environment
    }

    /// After the script started: the read end is the watchdog's, this process keeps only the write end.
    func handOver() {
        if read >= 0 {
            close(read)
            read = -1
        }
    }

    /// Closes both ends (the watchdog then reads end of file).
    func cut() {
        for fd in [read, write] where fd >= 0 { close(fd) }
        (read, write) = (-1, -1)
    }

    /// A new `mallaudit-demo.XXXXXX` folder in the temporary folder; `what` names it in the error.
    static func temporaryFolder(what: String) throws -> URL {
        var template = Array(
            FileManager.default.temporaryDirectory.appendingPathComponent("mallaudit-demo.XXXXXX").path.utf8CString)
        guard mkdtemp(&template) != nil else {
            throw DiagnosticsError(Diagnostic(
                file: nil, message: "cannot make \(what): \(String(cString: strerror(errno)))",
                expected: "a writable temporary folder ($TMPDIR or /tmp)"))
        }
        return URL(fileURLWithPath: String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                                           as: UTF8.self))
    }
}
