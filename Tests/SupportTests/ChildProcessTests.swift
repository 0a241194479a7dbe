import AuditSupport
import Foundation
import Testing

@Suite("Child processes")
struct ChildProcessTests {
    @Test("output, exit status and the environment reach the caller")
    func basics() throws {
        let outcome = try ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; echo $CHILD_X; exit 3"],
                                           environment: ["CHILD_X": "x-value", "PATH": "/usr/bin:/bin"])
        #expect(outcome.status == 3)
        #expect(outcome.stdoutText == "out\nx-value\n")
        #expect(outcome.stderrText == "err\n")
        #expect(!outcome.timedOut)
    }

    /// A child spawned from an async task inherits that thread's mask, which blocks every signal: it would ignore
    /// SIGTERM and make every `stop` wait for SIGKILL. The child must start with nothing blocked.
    @Test("the child starts with an empty signal mask, even from an async task with signals blocked")
    func signalMask() async throws {
        let outcome = try await Task.detached { () -> ChildProcess.Outcome in
            var all = sigset_t()
            sigfillset(&all)
            pthread_sigmask(SIG_BLOCK, &all, nil)
            defer {
                var none = sigset_t()
                sigemptyset(&none)
                pthread_sigmask(SIG_SETMASK, &none, nil)
            }
            return try ChildProcess.run("/bin/sh", ["-c", "grep -E '^Sig(Blk|Ign):' /proc/self/status"])
        }.value
        func mask(_ name: String) -> UInt64? {
            outcome.stdoutText.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { UInt64($0.split(separator: "\t").last ?? "", radix: 16) }
        }
        #expect(mask("SigBlk") == 0, "\(outcome.stdoutText)")
        // SIGHUP, SIGINT, SIGTERM (bits 0, 1, 14) at their defaults: glibc keeps its own internal signals 32/33.
        let stops: UInt64 = 1 << (UInt64(SIGHUP) - 1) | 1 << (UInt64(SIGINT) - 1) | 1 << (UInt64(SIGTERM) - 1)
        #expect(mask("SigIgn").map { $0 & stops } == 0, "\(outcome.stdoutText)")
    }

    @Test("a timeout stops the child and what it started; the outcome says so")
    func timeout() throws {
        let start = Date()
        let outcome = try ChildProcess.run("/bin/sh", ["-c", "sleep 30 & sleep 30"], timeout: 0.3, grace: 0.2)
        #expect(outcome.timedOut)
        #expect(outcome.status == 128 + SIGTERM || outcome.status == 128 + SIGKILL)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test("a program that does not exist is an error naming it")
    func missing() {
        #expect(throws: ChildProcess.SpawnError.self) { try ChildProcess.run("/nonexistent/tool", []) }
    }
}
