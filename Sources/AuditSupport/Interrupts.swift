import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What to undo when the process is stopped by a signal (SIGINT from Ctrl-C, SIGTERM, SIGHUP): peers to stop,
/// temporary folders to remove. Work registers an action while it holds something and unregisters it when it has
/// let go; on a signal every registered action runs (newest first), then the process exits with 128 + the signal
/// number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP), the status a shell reports for a command the signal
/// stopped.
///
/// Until `install()` is called the signals keep their default action: only the commands that hold something worth
/// undoing install the handler. The handler itself only writes the signal number to a pipe (async-signal-safe);
/// a thread of its own reads it and runs the actions, so they may take locks, start processes and remove files.
///
/// SIGKILL cannot be caught: what must not outlive the process then has to watch it by itself (the demo's peers
/// do: see `Demo`).
public enum Interrupts {
    /// An action registered with `onInterrupt`.
    public struct Token: Hashable, Sendable {
        let id: Int
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var actions: [(Token, @Sendable () -> Void)] = []
    nonisolated(unsafe) private static var nextID = 0
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static var interrupted = false
    /// The write end of the pipe the handler writes to (read by the interrupt thread).
    nonisolated(unsafe) private static var signalPipe: (read: Int32, write: Int32) = (-1, -1)

    /// The signals handled once `install()` has been called.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handler for SIGINT, SIGTERM and SIGHUP (once; later calls do nothing).
    public static func install() {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        signalPipe = (fds[0], fds[1])
        installed = true
        let thread = Thread { waitForSignal() }
        thread.name = "mallaudit-interrupts"
        thread.start()
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(Interrupts.signalPipe.write, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    /// Registers `action` to run if a handled signal arrives before `remove(_:)`; returns its token.
    @discardableResult
    public static func onInterrupt(_ action: @escaping @Sendable () -> Void) -> Token {
        lock.lock()
        defer { lock.unlock() }
        nextID += 1
        let token = Token(id: nextID)
        actions.append((token, action))
        return token
    }

    /// Whether a handled signal has arrived (its actions are running, or have run and the process is exiting).
    public static var isInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return interrupted
    }

    /// Blocks for good when a handled signal has arrived, so that the process ends the way the signal asked (after
    /// its actions, with 128 + the signal number) and not the way the interrupted work would have ended it (an error
    /// the interruption caused, or success). Returns at once otherwise.
    public static func waitIfInterrupted() {
        guard isInterrupted else { return }
        while true { sleep(3600) }
    }

    /// Forgets a registered action (the work it undoes is done or undone already).
    public static func remove(_ token: Token) {
        lock.lock()
        defer { lock.unlock() }
        actions.removeAll { $0.0 == token }
    }

    private static func waitForSignal() {
        var byte: UInt8 = 0
        while true {
            let count = read(signalPipe.read, &byte, 1)
            if count == 1 { break }
            if count < 0 && errno == EINTR { continue }
            return
        }
        lock.lock()
        interrupted = true
        let pending = actions.reversed().map(\.1)
        actions.removeAll()
        lock.unlock()
        for action in pending { action() }
        exit(128 + Int32(byte))
    }
}
