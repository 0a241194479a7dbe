import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs another program and waits for it: the one way mallaudit starts a child process (headless Chromium for PDF,
/// the demo's peers, openssl in tools).
///
/// - The child starts with an empty signal mask and every signal at its default disposition
///   (`posix_spawnattr_setsigmask` / `setsigdefault`): a child spawned from an async thread, whose mask blocks every
///   signal, would otherwise ignore SIGTERM.
/// - It runs in a process group of its own, so a timeout stops it and everything it started (SIGTERM, then SIGKILL
///   after `grace` seconds).
/// - Its output goes to temporary files, never pipes: a daemon it leaves behind cannot hold a pipe open and hang the
///   caller; the files are read and removed when it ends.
/// - Standard input is /dev/null.
public enum ChildProcess {
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it.
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
        /// Whether the timeout ended it.
        public var timedOut: Bool

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var code: Int32
        public var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    /// Runs `executable` (an absolute path, or a name looked up on `PATH`) with `arguments` and waits.
    ///
    /// - Parameters:
    ///   - environment: the child's environment (default: this process's).
    ///   - currentDirectory: where it runs (default: the current directory).
    ///   - timeout: seconds before it and its process group are stopped (nil: wait for ever).
    ///   - grace: seconds between SIGTERM and SIGKILL on timeout.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: URL? = nil, timeout: Double? = nil, grace: Double = 2
    ) throws -> Outcome {
        let folder = FileManager.default.temporaryDirectory
        let token = UUID().uuidString
        let outPath = folder.appendingPathComponent("mallaudit-child-\(token).out").path
        let errPath = folder.appendingPathComponent("mallaudit-child-\(token).err").path
        defer {
            unlink(outPath)
            unlink(errPath)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        let flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP
        posix_spawnattr_setflags(&attributes, Int16(flags))

        // Swift's Glibc module does not export posix_spawn_file_actions_addchdir_np: `env -C DIR` changes directory.
        var program = executable
        var argv = [executable] + arguments
        if let currentDirectory {
            program = "/usr/bin/env"
            argv = ["/usr/bin/env", "-C", currentDirectory.path, executable] + arguments
        }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let code = withCStrings(argv) { argvPointer in
            withCStrings(env) { envPointer in
                program.contains("/")
                    ? posix_spawn(&pid, program, &actions, &attributes, argvPointer, envPointer)
                    : posix_spawnp(&pid, program, &actions, &attributes, argvPointer, envPointer)
            }
        }
        guard code == 0 else { throw SpawnError(executable: executable, code: code) }

        var status: Int32 = 0
        var timedOut = false
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var killAt: Date?
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done == -1 && errno != EINTR { break }
            let now = Date()
            if let deadline, now >= deadline, killAt == nil {
                timedOut = true
                kill(-pid, SIGTERM)
                killAt = now.addingTimeInterval(grace)
            }
            if let killAt, now >= killAt {
                kill(-pid, SIGKILL)
            }
            usleep(5_000)
        }
        // Whatever the child left in its group (a forked helper) goes with it.
        if timedOut { kill(-pid, SIGKILL) }
        let exit: Int32
        if status & 0x7f == 0 {
            exit = (status >> 8) & 0xff
        } else {
            exit = 128 + (status & 0x7f)
        }
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
        return Outcome(status: exit, stdout: stdout, stderr: stderr, timedOut: timedOut)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R)
        -> R
    {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
