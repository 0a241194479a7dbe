import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process that owns a `running` run: stored with the run so that a later open can tell whether that
/// process is still alive or the run was left behind by a crash, a SIGKILL or a power cut.
///
/// A pid alone is not enough (pids are reused), so the owner also records the host name, the kernel boot id
/// and the process start time in clock ticks since boot (`/proc/PID/stat`, field 22). The owner is dead when
/// it ran on this host and the boot id changed, or no process has that pid, or the process with that pid
/// started at another time or is a zombie. On another host nothing can be known: the run stays `running`.
public struct RunOwner: Sendable, Hashable, Codable {
    public var host: String
    public var pid: Int32
    /// `/proc/sys/kernel/random/boot_id`, when the system has one.
    public var bootID: String?
    /// Start time of the process in clock ticks since boot, when the system tells it.
    public var startTicks: Int64?

    public init(host: String, pid: Int32, bootID: String?, startTicks: Int64?) {
        self.host = host
        self.pid = pid
        self.bootID = bootID
        self.startTicks = startTicks
    }

    /// The calling process.
    public static var current: RunOwner {
        let pid = getpid()
        return RunOwner(
            host: hostName(), pid: pid, bootID: readBootID(), startTicks: processStatus(pid)?.startTicks)
    }

    /// What can be known about the owner from this process.
    public enum Liveness: Sendable, Hashable {
        case alive
        case dead(reason: String)
        /// The owner ran on another host: its process cannot be looked at from here.
        case unknown
    }

    /// Whether the owning process still runs, seen from this host.
    public func liveness() -> Liveness {
        let here = RunOwner.hostName()
        guard host == here else { return .unknown }
        if let bootID, let currentBoot = RunOwner.readBootID(), bootID != currentBoot {
            return .dead(reason: "the machine rebooted since process \(pid) started the run")
        }
        if kill(pid, 0) != 0, errno == ESRCH {
            return .dead(reason: "process \(pid) no longer exists")
        }
        if let status = RunOwner.processStatus(pid) {
            if status.state == "Z" || status.state == "X" {
                return .dead(reason: "process \(pid) has exited")
            }
            if let startTicks, status.startTicks != startTicks {
                return .dead(reason: "process \(pid) no longer exists (the pid now belongs to another process)")
            }
        }
        return .alive
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func readBootID() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else {
            return nil
        }
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty ? nil : id
    }

    /// State letter and start time from `/proc/PID/stat`; nil where there is no procfs.
    static func processStatus(_ pid: Int32) -> (state: String, startTicks: Int64)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm) " the fields are: state(3) ppid(4) … starttime(22).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let start = Int64(fields[19]) else { return nil }
        return (String(fields[0]), start)
    }
}
