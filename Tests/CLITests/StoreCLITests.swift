import AuditModel
import Foundation
import Testing
import TestSupport

/// A temporary folder holding `mallaudit.sqlite` and the JSON inputs of `mallaudit-testkit store-seed`; the runs are
/// over the shared `sampleChecklist` (TestSupport).
private struct Workspace {
    let dir: URL
    var db: String { dir.appendingPathComponent("mallaudit.sqlite").path }

    init() throws {
        dir = try temporaryDirectory("store-cli")
        try JSONEncoder().encode(sampleChecklist).write(to: dir.appendingPathComponent("checklist.json"))
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    /// Stores a completed run with these verdicts (through `mallaudit-testkit store-seed`) and returns its id.
    func seed(_ verdicts: [String: Verdict], assessor: String? = "王工", complete: Bool = true) throws -> Int {
        let results = verdicts.map {
            StatementResult(statementID: $0.key, verdict: $0.value, source: .probe, reason: "seeded \($0.value)")
        }
        let resultsFile = dir.appendingPathComponent("results-\(UUID().uuidString).json")
        try JSONEncoder().encode(results).write(to: resultsFile)
        var arguments = [
            "store-seed", "--db", db, "--checklist-json", dir.appendingPathComponent("checklist.json").path,
            "--results-json", resultsFile.path,
        ]
        if let assessor { arguments += ["--assessor", assessor] }
        if complete { arguments.append("--complete") }
        let outcome = try runTestKit(arguments)
        try #require(outcome.status == 0, "seeding failed: \(outcome.stderr)")
        return try #require(Int(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func write(_ name: String, _ text: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    func runsJSON() throws -> [[String: Any]] {
        let outcome = try runMallaudit(["runs", "--db", db, "--format", "json"])
        try #require(outcome.status == 0, "\(outcome.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]])
    }

    /// The verdict of `statement` in `run`, read back through `mallaudit diff --format json` against itself.
    func storedVerdict(_ statement: String, run: Int) throws -> String? {
        let outcome = try runMallaudit(["diff", "\(run)", "\(run)", "--db", db, "--format", "json"])
        // Against itself a failing statement is "still open": diff exits 2 then.
        try #require([0, 2].contains(outcome.status), "\(outcome.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let entries = ["fixed", "newlyFailing", "stillOpen", "otherChanges", "unchanged"].flatMap {
            json[$0] as? [[String: Any]] ?? []
        }
        if let entry = entries.first(where: { $0["statement"] as? String == statement }) {
            return entry["after"] as? String
        }
        return nil
    }
}

@Suite("mallaudit assess / runs / diff")
struct StoreCLITests {
    @Test("assess: a shall pass with evidence is stored as pass; the evidence is copied under its SHA-256")
    func assessPassWithEvidence() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let run = try ws.seed(["5.1.1-1": .fail])
        let photo = try ws.write("photos/机房.jpg", "no glass windows")
        let outcome = try runMallaudit(
            [
                "assess", "--db", ws.db, "--run", "\(run)", "5.2.5-4", "--verdict", "pass", "--note", "机房无玻璃门窗",
                "--evidence", photo.path,
            ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("run \(run)  5.2.5-4  pass  机房无玻璃门窗"))
        let digest = try sha256sum(photo)
        #expect(outcome.stdout.contains("sha256:\(digest)"))
        #expect(FileManager.default.fileExists(atPath: ws.dir.appendingPathComponent("mallaudit.sqlite-evidence/\(digest)").path))
        #expect(try ws.storedVerdict("5.2.5-4", run: run) == "pass")
    }

    @Test("assess: a shall pass without evidence is stored as notAssessed with the reason; exit 0")
    func assessPassWithoutEvidence() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let run = try ws.seed([:])
        let outcome = try runMallaudit(["assess", "--db", ws.db, "--run", "latest", "5.1.1-1", "--verdict", "pass"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("5.1.1-1  notAssessed  manual pass without evidence"))
        #expect(try ws.storedVerdict("5.1.1-1", run: run) == "notAssessed")
        // The boundary: a should statement, or a shall assessed by interview only, passes on the inspector's word.
        for id in ["5.1.1-2", "7.3.1-1"] {
            let word = try runMallaudit(["assess", "--db", ws.db, "--run", "\(run)", id, "--verdict", "pass"])
            #expect(word.status == 0 && word.stdout.contains("\(id)  pass"), "\(word.stdout)\(word.stderr)")
        }
    }

    @Test("assess errors exit 1 (usage errors 64) with a message naming the problem, and record nothing")
    func assessErrors() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let run = try ws.seed([:])
        let cases: [([String], String, Int32)] = [
            (["9.9-1", "--verdict", "fail"], "unknown statement id '9.9-1'", 1),
            (["6.8.a", "--verdict", "notApplicable"], "notApplicable without a justification is refused", 1),
            (["6.8.a", "--verdict", "notApplicable", "--justification", "  "], "without a justification is refused", 1),
            (
                ["5.2.5-4", "--verdict", "pass", "--evidence", "no-such-photo.jpg"],
                "evidence file 'no-such-photo.jpg' not found", 1
            ),
            (["5.2.5-4"], "give --verdict", 64),
            ([], "name the STATEMENT", 64),
        ]
        for (arguments, message, status) in cases {
            let outcome = try runMallaudit(
                ["assess", "--db", ws.db, "--run", "\(run)"] + arguments, currentDirectory: ws.dir)
            #expect(outcome.status == status, "\(arguments)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
        }
        let noRun = try runMallaudit(["assess", "--db", ws.db, "--run", "42", "5.1.1-1", "--verdict", "fail"])
        #expect(noRun.status == 1 && noRun.stderr.contains("no run 42"))
        let noDB = try runMallaudit([
            "assess", "--db", ws.dir.appendingPathComponent("nope.sqlite").path, "--run", "1",
            "5.1.1-1", "--verdict", "fail",
        ])
        #expect(noDB.status == 1 && noDB.stderr.contains("no audit database at "))
        let runs = try ws.runsJSON()
        #expect((runs.first?["results"] as? Int) == 0, "nothing was recorded")
    }

    @Test("assess: no assessor anywhere is an error; --assessor names who decided an N/A")
    func assessor() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let run = try ws.seed([:], assessor: nil)
        let nobody = try runMallaudit(["assess", "--db", ws.db, "--run", "\(run)", "5.1.1-1", "--verdict", "fail"])
        #expect(nobody.status == 1 && nobody.stderr.contains("no assessor"))
        let named = try runMallaudit(
            [
                "assess", "--db", ws.db, "--run", "\(run)", "6.8.a", "--verdict", "notApplicable", "--justification",
                "未设 AR 景观区域", "--assessor", "李工",
            ])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdout.contains("6.8.a  notApplicable  未设 AR 景观区域"))
    }

    @Test("assess --findings: a valid file records every finding, with evidence relative to the file")
    func findingsFile() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let run = try ws.seed(["5.2.5-4": .pass])
        _ = try ws.write("site-visit/photos/north.jpg", "glass window on the north wall")
        let file = try ws.write(
            "site-visit/findings.yaml",
            """
            assessor: 王工
            findings:
              - statement: 5.2.5-4
                verdict: fail
                note: 机房北墙有玻璃窗
                evidence:
                  - photos/north.jpg
              - statement: 5.1.1-1
                verdict: pass
              - statement: 6.8.a
                verdict: notApplicable
                justification: 商场未设 AR 景观区域
            """)
        let outcome = try runMallaudit(["assess", "--db", ws.db, "--run", "\(run)", "--findings", file.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("run ") }
        #expect(lines.count == 3)
        // The finding adds to the seeded probe result (worst wins), it does not replace it.
        #expect(outcome.stdout.contains("5.2.5-4  fail  [王工: fail] 机房北墙有玻璃窗; [probe: pass] seeded pass"))
        #expect(outcome.stdout.contains("5.1.1-1  notAssessed"))
        #expect(outcome.stdout.contains("6.8.a  notApplicable  商场未设 AR 景观区域"))
        #expect(outcome.stdout.contains("evidence north.jpg"))
        #expect(try ws.storedVerdict("5.2.5-4", run: run) == "fail")
    }

    @Test("assess --findings: each problem is reported with file and line, and nothing is recorded")
    func findingsFileErrors() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let run = try ws.seed([:])
        let file = try ws.write(
            "findings.yaml",
            """
            assessor: 王工
            findings:
              - statement: 5.1.1-1
                verdict: fail
              - statement: 5.2.5-9
                verdict: fail
              - statement: 5.2.5-4
                verdict: pass
                evidence: [photos/missing.jpg]
              - statement: 6.8.a
                verdict: notApplicable
              - statement: 7.3.1-1
                verdict: maybe
            """)
        let outcome = try runMallaudit(["assess", "--db", ws.db, "--run", "\(run)", "--findings", file.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("findings.yaml:13:"), "bad verdict on line 13: \(outcome.stderr)")
        #expect(outcome.stderr.contains("'maybe' is not allowed"))
        // The verdict problem is found while reading; fix it and the checklist problems show, with their lines.
        try Data(
            String(decoding: try Data(contentsOf: file), as: UTF8.self).replacingOccurrences(of: "maybe", with: "fail")
                .utf8
        ).write(to: file)
        let second = try runMallaudit(["assess", "--db", ws.db, "--run", "\(run)", "--findings", file.path])
        #expect(second.status == 1)
        #expect(
            second.stderr.contains("findings.yaml:5:") && second.stderr.contains("unknown statement id '5.2.5-9'"),
            "\(second.stderr)")
        #expect(
            second.stderr.contains("findings.yaml:9:") && second.stderr.contains("'photos/missing.jpg' not found"),
            "\(second.stderr)")
        #expect(
            second.stderr.contains("findings.yaml:10:") && second.stderr.contains("6.8.a: notApplicable without"),
            "\(second.stderr)")
        #expect((try ws.runsJSON().first?["results"] as? Int) == 0, "nothing was recorded")

        let broken = try ws.write("broken.yaml", "findings:\n  - statement: 5.1.1-1\n    verdict: [pass\n")
        let syntax = try runMallaudit(["assess", "--db", ws.db, "--run", "\(run)", "--findings", broken.path])
        #expect(
            syntax.status == 1 && syntax.stderr.contains("broken.yaml:") && syntax.stderr.contains("YAML syntax error"))
        let unknownKey = try ws.write(
            "keys.yaml", "findings:\n  - statement: 5.1.1-1\n    verdict: fail\n    photo: x.jpg\n")
        let key = try runMallaudit(["assess", "--db", ws.db, "--run", "\(run)", "--findings", unknownKey.path])
        #expect(
            key.status == 1 && key.stderr.contains("keys.yaml:4:") && key.stderr.contains("unknown key 'photo'"),
            "\(key.stderr)")
    }

    @Test("runs lists every run as a table and as JSON; an interrupted run shows as such")
    func runs() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let first = try ws.seed([
            "5.1.1-1": .pass, "5.1.2-1": .pass, "5.2.5-4": .pass, "7.3.1-1": .pass, "6.8.a": .fail,
        ])
        let second = try ws.seed(["5.1.1-1": .fail], complete: false)
        let table = try runMallaudit(["runs", "--db", ws.db])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("RUN") && lines[0].contains("CONFORMANCE"))
        #expect(lines[1].hasPrefix("\(first) ") && lines[1].contains("completed") && lines[1].contains("conformant 符合"))
        #expect(lines[2].hasPrefix("\(second) ") && lines[2].contains("interrupted"))

        let json = try ws.runsJSON()
        #expect(json.map { $0["id"] as? Int } == [first, second])
        #expect(json[0]["conformance"] as? String == "conformant")
        #expect(
            (json[0]["counts"] as? [String: Int]) == [
                "pass": 4, "fail": 1, "error": 0, "notApplicable": 0,
                "notAssessed": 0,
            ])
        #expect(json[1]["status"] as? String == "interrupted")
        #expect(json[0]["site"] as? String == "测试商场")

        let missing = try runMallaudit(["runs", "--db", ws.dir.appendingPathComponent("none.sqlite").path])
        #expect(missing.status == 1 && missing.stderr.contains("no audit database at "))
        #expect(!FileManager.default.fileExists(atPath: ws.dir.appendingPathComponent("none.sqlite").path))
    }

    @Test("diff lists fixed, newly failing, still open and other changes (复查)")
    func diff() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let a = try ws.seed(["5.1.1-1": .fail, "5.1.1-2": .pass, "5.1.2-1": .pass, "5.2.5-4": .fail, "7.3.1-1": .error])
        let b = try ws.seed([
            "5.1.1-1": .pass, "5.1.1-2": .fail, "5.1.2-1": .pass, "5.2.5-4": .fail, "7.3.1-1": .pass, "6.8.a": .fail,
        ])
        let json = try runMallaudit(["diff", "\(a)", "\(b)", "--db", ws.db, "--format", "json"])
        #expect(json.status == 2, "newly failing and still open: \(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        func ids(_ key: String) -> [String] {
            (object[key] as? [[String: Any]] ?? []).compactMap { $0["statement"] as? String }
        }
        #expect(ids("fixed") == ["5.1.1-1", "7.3.1-1"])
        #expect(ids("newlyFailing") == ["5.1.1-2", "6.8.a"])
        #expect(ids("stillOpen") == ["5.2.5-4"])
        #expect(ids("otherChanges").isEmpty)
        #expect(ids("unchanged") == ["5.1.2-1"])
        #expect(object["total"] as? Int == 6)
        let absent = (object["newlyFailing"] as? [[String: Any]])?.first { $0["statement"] as? String == "6.8.a" }
        #expect(absent?["before"] == nil && absent?["after"] as? String == "fail")

        let text = try runMallaudit(["diff", "latest~1", "latest", "--db", ws.db])
        #expect(text.status == 2)
        #expect(text.stdout.contains("Fixed 已整改: 2"))
        #expect(text.stdout.contains("Newly failing 新增不符合: 2"))
        #expect(text.stdout.contains("Still open 仍未整改: 1"))
        #expect(text.stdout.contains("6.8.a    absent → fail"))
        #expect(
            text.stdout.contains(
                "Summary: fixed 2, newly failing 2, still open 1, other changes 0, now judged by checkpoints 0, "
                    + "unchanged 1"))

        let bad = try runMallaudit(["diff", "\(a)", "99", "--db", ws.db])
        #expect(bad.status == 1 && bad.stderr.contains("no run 99"))
    }
}
