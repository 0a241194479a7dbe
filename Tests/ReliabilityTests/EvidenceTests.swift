import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

// D1, D2, D3 and the evidence refusals of issue 12. On the code before the fix (main at 0c02db1) `/dev/zero` copied
// forever (the watchdog kills it), a FIFO hung, `/proc/self/environ` was stored, a killed copy stayed behind and the
// store was world-readable: every test below fails there.

@Suite("Reliability: evidence (D1 D2 D3, /proc, limits, modes)")
struct EvidenceTests {
    /// `mallaudit assess … --evidence PATH` on a seeded run.
    func assess(_ ws: Workspace, run: Int, evidence: String, environment: [String: String] = [:], seconds: Double = 60)
        throws -> BoundedOutcome
    {
        try bounded(
            [
                "assess", "--db", ws.db, "--run", "\(run)", "5.2.5-4", "--verdict", "pass", "--evidence", evidence,
            ], environment: environment, in: ws.dir, seconds: seconds)
    }

    @Test(
        "D1/D2: a device, a FIFO, a kernel file or a folder is refused by what it is, at once, and nothing is stored",
        arguments: [
            ("/dev/zero", "character device"), ("/dev/null", "character device"), ("/dev/urandom", "character device"),
            ("/proc/self/environ", "procfs"), ("/proc/self/status", "procfs"), ("/sys/kernel/uevent_seqnum", "sysfs"),
        ])
    func specialFiles(path: String, what: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("\(path) does not exist on this machine")
            return
        }
        let ws = try Workspace("special")
        defer { ws.remove() }
        let run = try ws.seed()
        let outcome = try assess(ws, run: run, evidence: path)
        #expect(!outcome.timedOut, "mallaudit assess --evidence \(path) did not finish")
        #expect(outcome.status == 1, "\(outcome.all)")
        #expect(outcome.stderr.contains(path) && outcome.stderr.contains(what), "\(outcome.stderr)")
        #expect(ws.storedEvidence().isEmpty && ws.partialCopies().isEmpty)
    }

    @Test("D2: a FIFO as evidence is refused at once (nobody writes to it), naming it a FIFO")
    func fifoEvidence() throws {
        let ws = try Workspace("fifo")
        defer { ws.remove() }
        let run = try ws.seed()
        let fifo = try ws.fifo("photo.jpg")
        let outcome = try assess(ws, run: run, evidence: fifo.path, seconds: 30)
        #expect(!outcome.timedOut, "a FIFO as evidence hung the command")
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("FIFO"), "\(outcome.stderr)")
    }

    @Test("/proc/self/environ given as evidence is refused, and the secret in the environment is stored nowhere")
    func procEnviron() throws {
        let ws = try Workspace("environ")
        defer { ws.remove() }
        let run = try ws.seed()
        let secret = "S3CRET-\(UUID().uuidString)"
        let outcome = try assess(ws, run: run, evidence: "/proc/self/environ", environment: ["MALL_TOKEN": secret])
        #expect(outcome.status == 1, "\(outcome.all)")
        #expect(outcome.stderr.contains("/proc/self/environ") && outcome.stderr.contains("procfs"), "\(outcome.stderr)")
        // Through a symbolic link too: what the file is decides, not its name.
        let link = try ws.link("innocent.txt", to: "/proc/self/environ")
        let linked = try assess(ws, run: run, evidence: link.path, environment: ["MALL_TOKEN": secret])
        #expect(linked.status == 1 && linked.stderr.contains("procfs"), "\(linked.all)")
        let grep = try runProcess(URL(fileURLWithPath: "/bin/grep"), ["-rl", secret, ws.dir.path])
        #expect(grep.stdout.isEmpty, "the secret reached \(grep.stdout)")
    }

    @Test("D1: a findings file naming /dev/zero or a FIFO is refused at the evidence's line, before any copy")
    func findingsNamingDevices() throws {
        let ws = try Workspace("findings-devices")
        defer { ws.remove() }
        let run = try ws.seed()
        _ = try ws.fifo("pipe.jpg")
        let text = """
            assessor: 王工
            findings:
              - statement: 5.2.5-4
                verdict: pass
                evidence:
                  - /dev/zero
                  - pipe.jpg
            """
        let file = try ws.write("findings.yaml", text)
        let outcome = try bounded(
            ["assess", "--db", ws.db, "--run", "\(run)", "--findings", file.path], in: ws.dir, seconds: 60)
        #expect(!outcome.timedOut)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("findings.yaml:6") && outcome.stderr.contains("character device"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("findings.yaml:7") && outcome.stderr.contains("FIFO"), "\(outcome.stderr)")
        #expect(ws.storedEvidence().isEmpty && ws.partialCopies().isEmpty)
    }

    @Test("D1: the evidence limit (MALLAUDIT_EVIDENCE_MAX_MB): exactly the limit is stored, one byte more is refused")
    func sizeLimit() throws {
        let ws = try Workspace("limit")
        defer { ws.remove() }
        let run = try ws.seed()
        let limit = ["MALLAUDIT_EVIDENCE_MAX_MB": "1"]
        let exact = try ws.write("exact.bin", Data(repeating: 0x41, count: 1_000_000))
        let over = try ws.write("over.bin", Data(repeating: 0x42, count: 1_000_001))
        let refused = try assess(ws, run: run, evidence: over.path, environment: limit)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("over.bin") && refused.stderr.contains("1 MB"), "\(refused.stderr)")
        #expect(ws.storedEvidence().isEmpty)
        let stored = try assess(ws, run: run, evidence: exact.path, environment: limit)
        #expect(stored.status == 0, "\(stored.all)")
        #expect(ws.storedEvidence().count == 1)
        for bad in ["0", "-5", "abc", "100001", ""] {
            let outcome = try assess(ws, run: run, evidence: exact.path, environment: ["MALLAUDIT_EVIDENCE_MAX_MB": bad])
            #expect(outcome.status == 1, "MALLAUDIT_EVIDENCE_MAX_MB=\(bad): \(outcome.all)")
            #expect(outcome.stderr.contains("MALLAUDIT_EVIDENCE_MAX_MB"), "\(outcome.stderr)")
        }
    }

    @Test("D3: a partial copy of a killed process is removed by the next command; a live process's copy is kept")
    func abandonedCopiesRemoved() throws {
        let ws = try Workspace("abandoned")
        defer { ws.remove() }
        let run = try ws.seed()
        let photo = try ws.write("photo.jpg", "a photo")
        #expect(try assess(ws, run: run, evidence: photo.path).status == 0)
        // A copy named by a process that is gone (pid 2^22 + 1 is above Linux's pid_max), one by this live process.
        let dead = ".incoming-4194305-12345-\(UUID().uuidString)"
        let ticks = try liveStartTicks()
        let live = ".incoming-\(getpid())-\(ticks)-\(UUID().uuidString)"
        for name in [dead, live] {
            let path = ws.evidence.appendingPathComponent(name).path
            try #require(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)), "\(path)")
        }
        let outcome = try bounded(["runs", "--db", ws.db], in: ws.dir)
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(ws.partialCopies() == [live])
    }

    @Test("D3: `assess` killed while copying leaves a partial copy that the next command removes")
    func killedWhileCopying() throws {
        let ws = try Workspace("killed")
        defer { ws.remove() }
        let run = try ws.seed()
        // 190 MB (under the 200 MB default): long enough to be caught copying.
        let big = ws.url("video.mp4")
        try #require(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        let block = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        for _ in 0..<181 { handle.write(block) }
        try handle.close()

        var caught = false
        for _ in 0..<5 where !caught {
            let child = try ChildProcess(
                try mallauditBinary(),
                ["assess", "--db", ws.db, "--run", "\(run)", "5.2.5-4", "--verdict", "pass", "--evidence", big.path],
                currentDirectory: ws.dir)
            let deadline = Date().addingTimeInterval(60)
            while child.isRunning, Date() < deadline {
                if !ws.partialCopies().isEmpty {
                    child.kill()
                    caught = true
                    break
                }
                usleep(500)
            }
            if child.isRunning { child.kill() }
            if !caught { _ = try? runTool("/bin/chmod", ["-R", "u+rwX", ws.evidence.path]) }
            if !caught { try? FileManager.default.removeItem(at: ws.evidence) }
        }
        try #require(caught, "assess was never caught while copying (the copy was too fast to kill)")
        #expect(!ws.partialCopies().isEmpty, "the killed copy left nothing to clean up")
        let outcome = try bounded(["runs", "--db", ws.db], in: ws.dir)
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(ws.partialCopies().isEmpty, "left behind: \(ws.partialCopies())")
    }

    @Test("stored evidence and a new database are readable by their owner only")
    func ownerOnlyModes() throws {
        let ws = try Workspace("modes")
        defer { ws.remove() }
        // A database made by `mallaudit run` (the store's own creation, not the test kit's).
        try ws.site()
        let made = try ws.run(["--only", "5.2.5-4"])
        #expect(made.status == 3, "\(made.all)")
        #expect(try mode(ws.db) == 0o600)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: ws.db + suffix) {
            #expect(try mode(ws.db + suffix) == 0o600, "\(suffix)")
        }
        let photo = try ws.write("photo.jpg", "a photo of the machine room")
        let outcome = try bounded(
            ["assess", "--db", ws.db, "--run", "latest", "5.2.5-4", "--verdict", "pass", "--evidence", photo.path,
             "--assessor", "王工"], in: ws.dir)
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(try mode(ws.evidence.path) == 0o700)
        let stored = try #require(ws.storedEvidence().first)
        #expect(try mode(ws.evidence.appendingPathComponent(stored).path) == 0o400)
    }

    /// This process's start time in clock ticks (field 22 of /proc/self/stat).
    func liveStartTicks() throws -> Int64 {
        let text = try String(contentsOfFile: "/proc/self/stat", encoding: .utf8)
        let close = try #require(text.lastIndex(of: ")"))
        let fields = text[text.index(after: close)...].split(separator: " ")
        return try #require(Int64(fields[19]))
    }
}
