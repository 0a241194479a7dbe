import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

// Faults of the world outside: a mall system that accepts and never answers, an endless body, a redirect loop, a
// trickle, bad TLS (scripts/peers/mall_http_server.py: `/fault/*` routes and `--fault` listeners), and several
// audits started together on a new database (D8). Each is met by a real `mallaudit` process; the watchdog of
// `bounded` turns a hang into a failure.

@Suite("Reliability: faults (fault server, concurrent store creation)")
struct FaultTests {
    @Test(
        "http fetch gives up on each fault with exit 3 (no answer) and says why",
        arguments: [
            ("silent listener", "http://{silent}/", ["--timeout", "1"], "timed out"),
            ("silent TLS listener", "https://{silent}/", ["--timeout", "1"], "timed out"),
            ("garbage instead of TLS", "https://{garbage}/", ["--timeout", "5"], "TLS"),
            ("silent answer", "{http}/fault/silent", ["--timeout", "1"], "timed out"),
            ("trickle", "{http}/fault/trickle?ms=200", ["--timeout", "2"], "timed out"),
            ("endless body", "{http}/fault/endless", ["--timeout", "60", "--max-body", "1000000"], "1000000"),
            ("redirect loop", "{http}/fault/redirect-loop", ["--follow", "--max-redirects", "5", "--timeout", "10"], "redirect"),
        ])
    func fetchFaults(name: String, url: String, options: [String], words: String) throws {
        let target = url.replacingOccurrences(of: "{silent}", with: try TestPeer.value("MALLAUDIT_TEST_FAULT_SILENT"))
            .replacingOccurrences(of: "{garbage}", with: try TestPeer.value("MALLAUDIT_TEST_FAULT_GARBAGE"))
            .replacingOccurrences(of: "{http}", with: try TestPeer.http())
        let outcome = try bounded(["http", "fetch", target, "--no-body"] + options, seconds: 90)
        #expect(!outcome.timedOut, "\(name): mallaudit did not give up")
        #expect(outcome.status == 3, "\(name): \(outcome.all)")
        #expect(outcome.all.lowercased().contains(words.lowercased()), "\(name): \(outcome.all)")
        #expect(!hasRawControl(outcome.stdoutBytes) && !hasRawControl(outcome.stderrBytes), "\(name)")
    }

    @Test("an audit whose HTTP system accepts and never answers records `error` for it and finishes (exit 3)")
    func runAgainstSilentSystem() throws {
        let ws = try Workspace("silent-run")
        defer { ws.remove() }
        try ws.write(
            "probes/member.yaml",
            """
            probes:
              - id: member-features
                statements: [5.2.5-5]
                http: {system: member, path: /api/member/features}
                expect:
                  - {status: [200]}
            """)
        let silent = try TestPeer.value("MALLAUDIT_TEST_FAULT_SILENT")
        try ws.site(probes: ["probes"], http: [("member", "http://\(silent)", "1")])
        let outcome = try ws.run(["--only", "5.2.5-5", "--format", "json"], seconds: 120)
        #expect(!outcome.timedOut)
        #expect(outcome.status == 3, "\(outcome.all)")
        let stored = try ws.sqlite("SELECT verdict FROM results WHERE statement_id = '5.2.5-5'")
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == "error", "stored: \(stored)")
    }

    @Test("D8: ten `mallaudit run` started at once on a new database all finish with the audit's exit code")
    func concurrentRunsOnNewDatabase() throws {
        let ws = try Workspace("concurrent")
        defer { ws.remove() }
        // An HTTP system nobody listens on: every run is incomplete (3); exit 1 would mean the tool failed.
        try ws.write(
            "probes/member.yaml",
            """
            probes:
              - id: member-features
                statements: [5.2.5-5]
                http: {system: member, path: /api/member/features}
                expect:
                  - {status: [200]}
            """)
        try ws.site(probes: ["probes"], http: [("member", "http://127.0.0.1:9", "1")])
        let site = ws.url("site.yaml").path
        let binary = try mallauditBinary()
        for attempt in 1...5 {
            let db = ws.url("try-\(attempt).sqlite").path
            var children: [Process] = []
            let logs = try (0..<10).map { index -> URL in
                try ws.write("try-\(attempt)-\(index).log", "")
            }
            for index in 0..<10 {
                let process = Process()
                process.executableURL = binary
                process.arguments = ["run", "--site", site, "--db", db, "--only", "5.2.5-5"]
                process.currentDirectoryURL = ws.dir
                process.standardOutput = FileHandle.nullDevice
                process.standardError = try FileHandle(forWritingTo: logs[index])
                process.standardInput = FileHandle.nullDevice
                children.append(process)
            }
            for process in children { try process.run() }
            for (index, process) in children.enumerated() {
                process.waitUntilExit()
                let log = (try? String(contentsOf: logs[index], encoding: .utf8)) ?? ""
                #expect(
                    process.terminationStatus == 3,
                    "attempt \(attempt), process \(index): exit \(process.terminationStatus): \(log)")
            }
            let runs = try runTool("/usr/bin/sqlite3", ["-readonly", db, "SELECT count(*) FROM runs"])
            #expect(runs.trimmingCharacters(in: .whitespacesAndNewlines) == "10")
        }
    }
}
