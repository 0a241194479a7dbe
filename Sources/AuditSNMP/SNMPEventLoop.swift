import CNetSNMP
import CNetSNMPShim
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one thread that talks to net-snmp.
///
/// Debian's net-snmp is not reentrant, so every session is opened, driven and closed here. Callers submit
/// operations from any thread; the loop wakes (a self-pipe), starts them, and on every pass waits in `select`
/// over all sessions' sockets until a reply arrives or the earliest retransmission/timeout is due, then reads the
/// ready sockets and runs `snmp_sess_timeout` on every session. Many agents are thus polled at once: a dead agent
/// costs its own timeout in parallel with the others, never in sequence.
final class SNMPEventLoop: @unchecked Sendable {
    /// The process-wide loop (net-snmp's state is process-wide too).
    static let shared = SNMPEventLoop()

    /// Sessions driven at once; more wait their turn. Keeps socket numbers under select()'s FD_SETSIZE (1024).
    static let maxActiveSessions = 512

    private let lock = NSLock()
    private var submitted: [SNMPOperation] = []
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1
    private var thread: Thread?

    private init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            wakeRead = fds[0]
            wakeWrite = fds[1]
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "mallaudit.snmp"
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    /// Hands operations to the loop; they start on its next pass.
    func submit(_ operations: [SNMPOperation]) {
        guard !operations.isEmpty else { return }
        lock.lock()
        submitted.append(contentsOf: operations)
        lock.unlock()
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)  // a full pipe already means "wake up"
    }

    private func takeSubmitted() -> [SNMPOperation] {
        lock.lock()
        defer { lock.unlock() }
        let taken = submitted
        submitted.removeAll()
        return taken
    }

    private func run() {
        cnetsnmpshim_init()
        var active: [SNMPOperation] = []
        var waiting: [SNMPOperation] = []
        while true {
            waiting.append(contentsOf: takeSubmitted())
            if !waiting.isEmpty { startWaiting(&waiting, &active) }
            if active.isEmpty {
                // Idle: sleep until something is submitted (poll briefly if the wake-up pipe could not be made).
                _ = cnetsnmpshim_poll(nil, 0, wakeRead, wakeRead >= 0 ? 60_000_000 : 20_000)
                continue
            }
            let handles: [OpaquePointer?] = active.map { $0.session?.handle }
            let status = handles.withUnsafeBufferPointer {
                cnetsnmpshim_poll($0.baseAddress, Int32($0.count), wakeRead, wakeRead >= 0 ? 1_000_000 : 20_000)
            }
            if status < 0 {
                let reason =
                    status == -2 ? "a descriptor is beyond select()'s limit" : "select() failed (errno \(errno))"
                for operation in active {
                    operation.finish(.failure(.sendFailed(agent: operation.agent.label, message: reason)))
                }
            }
            for operation in active { operation.drain() }
            active.removeAll { $0.isFinished }
        }
    }

    /// Starts what may start: within the session limit, and never two sessions of one v3 user name with different
    /// credentials at once (net-snmp keeps one key table per user and engine for the whole process).
    private func startWaiting(_ waiting: inout [SNMPOperation], _ active: inout [SNMPOperation]) {
        var deferred: [SNMPOperation] = []
        for operation in waiting {
            if active.count >= Self.maxActiveSessions || conflicts(operation, active) {
                deferred.append(operation)
                continue
            }
            operation.start()
            if !operation.isFinished { active.append(operation) }
        }
        waiting = deferred
    }

    private func conflicts(_ operation: SNMPOperation, _ active: [SNMPOperation]) -> Bool {
        guard let identity = operation.agent.usmIdentity else { return false }
        return active.contains { other in
            guard let otherIdentity = other.agent.usmIdentity else { return false }
            return otherIdentity.user == identity.user && otherIdentity != identity
        }
    }
}
