import AuditModel
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

// End-to-end tests of `mallaudit run`, `probe`, `assess`, `runs` and `diff` as a user runs them: the built binary,
// small site profiles in temporary folders, and the REAL peers scripts/test.sh starts (snmpd with the demo sensors,
// an SNMP agent that never answers, the loopback HTTP server). Issue 5's "Done when" and issue 3 item 5.

/// The probes most tests share, bound to statements whose verdict each peer decides:
///
/// | statement | probe | peer | verdict |
/// |---|---|---|---|
/// | 5.1.2-2 | real-name redirect (`GET /` → 302) | HTTP server | pass |
/// | 5.2.5-4 | water leak = 1, humidity = 1 | snmpd | pass |
/// | 5.2.5-5 | smoke = 1 | snmpd | pass |
/// | 5.2.2-2 | equipment monitor = 2 (alarm) | snmpd | fail |
/// | 5.2.5-3 | temperature | the dead agent | error |
/// | 6.2.2-1 | `GET /status/500` | HTTP server | error |
/// | 6.2.1-1 | `GET /api/broken/member` (malformed JSON) | HTTP server | error |
private func standardProbes() -> [String] {
    [
        ProbeYAML.realNameRedirect(),
        ProbeYAML.sensor("water-leak", statements: ["5.2.5-4/waterLeakAlarm"], agent: "machine_room", oid: SensorOID.waterLeak),
        ProbeYAML.sensor("humidity", statements: ["5.2.5-4/dehumidification"], agent: "machine_room", oid: SensorOID.humidity),
        ProbeYAML.sensor("smoke", statements: ["5.2.5-5"], agent: "machine_room", oid: SensorOID.smoke),
        ProbeYAML.sensor(
            "equipment-monitor", statements: Checkpoints.all("5.2.2-2"), agent: "gateway_1f", oid: SensorOID.equipmentMonitor),
        ProbeYAML.sensor("temperature", statements: Checkpoints.all("5.2.5-3"), agent: "machine_room_old", oid: SensorOID.temperature),
        ProbeYAML.http(
            "member-500", statements: Checkpoints.all("6.2.2-1"), system: "mall", path: "/status/500",
            expect: [#"{json: "$.features.points", equals: "true"}"#]),
        ProbeYAML.http(
            "member-broken", statements: Checkpoints.all("6.2.1-1"), system: "mall", path: "/api/broken/member",
            expect: [#"{json: "$.features.points", equals: "true"}"#]),
    ]
}

/// A profile with the mall's HTTP system, snmpd as the machine room and a 1F gateway, and the dead agent as an old
/// machine-room controller.
private func standardSite() throws -> SiteYAML {
    var site = SiteYAML()
    site.http = [("mall", try TestPeer.http())]
    site.snmp = [
        ("machine_room", try TestPeer.snmpd(), 2, 1), ("gateway_1f", try TestPeer.snmpd(), 2, 1),
        ("machine_room_old", try TestPeer.deadAgent(), 0.5, 0),
    ]
    return site
}

/// A fixture with `standardSite()` and `standardProbes()` written.
private func standardFixture(_ name: String, site: SiteYAML? = nil, extraProbes: [String] = []) throws -> SiteFixture {
    let fixture = try SiteFixture(name)
    try fixture.writeSite(try site ?? standardSite())
    try fixture.writeProbes(standardProbes() + extraProbes)
    return fixture
}

/// How long the slow probe of `slowProbeFixture` waits on the HTTP server.
private let slowMilliseconds = 10_000

/// A fixture for interrupting a run half-way: every statement of the checklist is in scope; those no probe covers are
/// judged at once (notAssessed), the SNMP and HTTP probes answer within a second, and one probe (6.1.d) waits
/// `slowMilliseconds` on the HTTP server's slow route.
private func slowProbeFixture(_ name: String) throws -> SiteFixture {
    var site = try standardSite()
    site.httpTimeout = 30
    return try standardFixture(
        name, site: site,
        extraProbes: [
            ProbeYAML.http(
                "parking-slow", statements: ["6.1.d"], system: "mall", path: "/slow?ms=\(slowMilliseconds)",
                expect: ["{json: \"$.slept_ms\", at_least: \(slowMilliseconds)}"])
        ])
}

/// Waits (read-only, with the sqlite3 tool, at most 60 s) until run 1 of `slowProbeFixture` has stored every result of
/// the `total` statements but the slow one, while `child` runs; returns the stored rows. `before` names what the test
/// does next, for the message when the run ends first.
private func waitUntilAllButSlowStored(_ fixture: SiteFixture, _ child: ChildProcess, total: Int, before: String)
    throws -> [StoredRow]
{
    var stored: [StoredRow] = []
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
        if FileManager.default.fileExists(atPath: fixture.database),
            let rows = try? fixture.storedRows(run: 1), rows.count >= total - 1
        {
            stored = rows
            break
        }
        try #require(child.isRunning, "mallaudit run ended before it was \(before)")
        Thread.sleep(forTimeInterval: 0.1)
    }
    try #require(stored.count == total - 1, "the results did not reach \(total - 1) within 60 s")
    return stored
}

private func verdicts(_ summary: RunSummary) -> [String: String] {
    Dictionary(uniqueKeysWithValues: summary.results.map { ($0.statementID, $0.verdict.rawValue) })
}

// MARK: - exit codes of `mallaudit run`

@Suite("mallaudit run: exit codes against the real peers")
struct RunExitCodeTests {
    @Test("0 conformant: every shall in scope passes on snmpd and the HTTP server; no community in the store")
    func conformant() throws {
        let fixture = try standardFixture("conformant")
        defer { fixture.remove() }
        let outcome = try fixture.run(["--only", "5.2.5-4,5.2.5-5,5.1.2-2"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let summary = try SiteFixture.summary(outcome)
        #expect(summary.conformance == "conformant")
        #expect(summary.statements == 3)
        #expect(verdicts(summary) == ["5.2.5-4": "pass", "5.2.5-5": "pass", "5.1.2-2": "pass"])
        // 5.2.5-4 is fed by two probes (water leak and humidity) and still has one result, judged on both.
        #expect(summary.result("5.2.5-4")?.producer?.contains("water-leak") == true)
        #expect(summary.result("5.2.5-4")?.producer?.contains("humidity") == true)
        #expect(summary.result("5.1.2-2")?.observations.contains { $0.value == "302" } == true)
        #expect(summary.counts["pass"] == 3 && summary.counts.values.reduce(0, +) == 3)

        // The exit status speaks for the statements in scope; the stored run is judged against the whole checklist,
        // where everything outside --only has no result: `runs` lists it as incomplete, never as conformant.
        let runs = try fixture.runs()
        #expect(runs.map(\.status) == ["completed"])
        #expect(runs.first?.conformance == "incomplete")
        #expect(runs.first?.results == 3)

        // The community came from the environment; it is nowhere in the database, its WAL, or the output.
        let community = try TestPeer.community()
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: fixture.database + suffix))) ?? Data()
            #expect(bytes.range(of: Data(community.utf8)) == nil, "the community is in mallaudit.sqlite\(suffix)")
        }
        #expect(!outcome.stdout.contains(community) && !outcome.stderr.contains(community))
    }

    @Test("the text summary names the run, the database and the formula; exit 0")
    func conformantText() throws {
        let fixture = try standardFixture("conformant-text")
        defer { fixture.remove() }
        let outcome = try fixture.mallaudit(
            ["run", "--site", fixture.site, "--db", fixture.database, "--only", "5.2.5-4,5.1.2-2"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("run 1 stored in \(fixture.database)"))
        #expect(outcome.stdout.contains("scope: 2 statement(s)"))
        #expect(outcome.stdout.contains("applicable 2 = pass 2 + fail 0 + error 0 + not assessed 0"))
        #expect(!outcome.stdout.contains("Shall statements that failed"))
    }

    @Test("2 not conformant: the gateway's equipment monitor is in alarm, and no merchant takes e-CNY")
    func notConformant() throws {
        var site = try standardSite()
        site.data = [("payments", "exports/payments.csv")]
        let fixture = try standardFixture(
            "not-conformant", site: site,
            extraProbes: [ProbeYAML.check("payments", statements: Checkpoints.payments, kind: "payments")])
        defer { fixture.remove() }
        try fixture.write(
            "exports/payments.csv", "merchant,cash,mobile,bank_card,ecny\n甲店,是,是,是,否\n乙店,是,是,是,否\n")

        let alarm = try fixture.run(["--only", "5.2.5-4,5.1.2-2,5.2.2-2"])
        #expect(alarm.status == 2, "\(alarm.stderr)")
        let alarmSummary = try SiteFixture.summary(alarm)
        #expect(alarmSummary.conformance == "nonConformant")
        #expect(verdicts(alarmSummary) == ["5.2.5-4": "pass", "5.1.2-2": "pass", "5.2.2-2": "fail"])
        let monitor = try #require(alarmSummary.result("5.2.2-2"))
        #expect(monitor.source == .probe && monitor.producer == "equipment-monitor")
        #expect(monitor.observations.contains { $0.name == "gateway_1f.status" && $0.value == "alarm (2)" })

        let payments = try fixture.run(["--only", "6.6"])
        #expect(payments.status == 2, "\(payments.stderr)")
        let paymentSummary = try SiteFixture.summary(payments)
        // Mobile payment is everywhere (6.6.1-1/mobileCoverage passes; 6.6.1-1's other obligations are for the
        // inspector, so the statement is not assessed, never a pass); the mall takes no e-CNY at all (6.6.2-1 fails
        // on its eCny checkpoint, 0 % of merchants, against the mall-level reading "> 0 %").
        let mobile = try #require(paymentSummary.result("6.6.1-1"))
        #expect(mobile.verdict == .notAssessed)
        #expect(mobile.checkpoints.first { $0.checkpointID == "6.6.1-1/mobileCoverage" }?.verdict == .pass)
        let ecny = try #require(paymentSummary.result("6.6.2-1"))
        #expect(ecny.verdict == .fail && ecny.source == .data)
        #expect(ecny.checkpoints.filter { $0.verdict == .fail }.map(\.checkpointID) == ["6.6.2-1/eCny"])
        #expect(ecny.measurement?.value == 0)
        #expect(ecny.measurement?.threshold?.value == 0)
        // The may/should statements of 6.6 have no evidence: notAssessed, which never outweighs the fail.
        #expect(paymentSummary.result("6.6.1-2")?.verdict == .notAssessed)
        #expect(try fixture.runs().map(\.conformance) == ["nonConformant", "nonConformant"])
    }

    @Test("1: --only naming an id the checklist does not have is refused, naming it")
    func unknownOnly() throws {
        let fixture = try standardFixture("unknown-only")
        defer { fixture.remove() }
        let outcome = try fixture.run(["--only", "5.2.5-4,6.66"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("--only names unknown id '6.66'"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.database))
    }

    @Test("3 incomplete: an unreachable agent is an error, never a pass and never a crash")
    func incompleteDeadAgent() throws {
        let fixture = try standardFixture("incomplete-dead")
        defer { fixture.remove() }
        let outcome = try fixture.run(["--only", "5.2.5-4,5.2.5-3"])
        #expect(outcome.status == 3, "\(outcome.stderr)")
        let summary = try SiteFixture.summary(outcome)
        #expect(summary.conformance == "incomplete")
        #expect(verdicts(summary) == ["5.2.5-4": "pass", "5.2.5-3": "error"])
        let dead = try #require(summary.result("5.2.5-3"))
        #expect(dead.reason.contains("machine_room_old"))
        #expect(dead.reason.contains("no response"))
        #expect(dead.reason.contains(try TestPeer.deadAgent()))
    }

    @Test("3 incomplete: a shall statement nothing covers is notAssessed, not a pass")
    func incompleteNotAssessed() throws {
        let fixture = try standardFixture("incomplete-na")
        defer { fixture.remove() }
        let outcome = try fixture.run(["--only", "5.2.5-4,5.2.1-1"])
        #expect(outcome.status == 3, "\(outcome.stderr)")
        let summary = try SiteFixture.summary(outcome)
        #expect(verdicts(summary) == ["5.2.5-4": "pass", "5.2.1-1": "notAssessed"])
        #expect(summary.result("5.2.1-1")?.source == ResultSource.none)
    }

    @Test("2, not 3: a failed shall outweighs an error elsewhere")
    func failOutweighsError() throws {
        let fixture = try standardFixture("fail-and-error")
        defer { fixture.remove() }
        let outcome = try fixture.run(["--only", "5.2.5-3,5.2.2-2,6.2.2-1"])
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(
            verdicts(try SiteFixture.summary(outcome)) == ["5.2.5-3": "error", "5.2.2-2": "fail", "6.2.2-1": "error"])
    }

    /// One bad input of `mallaudit run`: what is written, and what the error must say.
    struct BadInput: CustomTestStringConvertible, Sendable {
        var name: String
        /// Writes the broken input into the fixture and returns the extra `run` arguments.
        var prepare: @Sendable (SiteFixture) throws -> [String]
        /// File (relative to the fixture) and line the first error must name.
        var file: String
        var line: Int
        var mentions: [String]
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(
            name: "a misspelt key in the site profile",
            prepare: { fixture in
                var site = try standardSite()
                site.basementLine = "  basement_level: 1"
                try fixture.writeSite(site)
                return []
            }, file: "site.yaml", line: 6, mentions: ["basement_level", "basement_levels"]),
        BadInput(
            name: "an unknown statement id in a probe file",
            prepare: { fixture in
                try fixture.write(
                    "probes/zz-extra.yaml",
                    ProbeYAML.file([
                        ProbeYAML.sensor(
                            "smoke-typo", statements: ["5.2.5-55"], agent: "machine_room", oid: SensorOID.smoke)
                    ]))
                return []
            }, file: "probes/zz-extra.yaml", line: 2, mentions: ["5.2.5-55", "smoke-typo"]),
        BadInput(
            name: "a findings file naming a missing evidence file",
            prepare: { fixture in
                try fixture.write(
                    "findings.yaml",
                    """
                    assessor: 测试员
                    findings:
                      - statement: 5.2.5-6
                        verdict: pass
                        evidence: [photos/north-wall.jpg]

                    """)
                return ["--findings", fixture.dir.appendingPathComponent("findings.yaml").path]
            }, file: "findings.yaml", line: 5, mentions: ["photos/north-wall.jpg", "not found"]),
    ]

    @Test("1 the tool could not run: the error names the file, the line and what was expected", arguments: badInputs)
    func badInput(_ input: BadInput) throws {
        let fixture = try standardFixture("bad-input")
        defer { fixture.remove() }
        let extra = try input.prepare(fixture)
        let outcome = try fixture.run(extra + ["--only", "5.2.5-4"])
        #expect(outcome.status == 1, "stdout: \(outcome.stdout)")
        #expect(outcome.stdout.isEmpty)
        let path = fixture.dir.appendingPathComponent(input.file).path
        let first = try #require(outcome.stderr.split(separator: "\n").first.map(String.init))
        #expect(first.hasPrefix("mallaudit: \(path):\(input.line):"), "\(first)")
        #expect(first.contains("error:") && first.contains("(expected"), "\(first)")
        for word in input.mentions { #expect(outcome.stderr.contains(word), "\(outcome.stderr)") }
        #expect(!outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("Stack dump"))
        // Nothing was run, so nothing was stored: no run, not even an empty database beside the profile.
        #expect(!FileManager.default.fileExists(atPath: fixture.database))
    }
}

// MARK: - SIGKILL and --resume

@Suite("mallaudit run: killed half-way, then resumed")
struct RunKillResumeTests {
    @Test("SIGKILL keeps every result written, leaves a sound database and an interrupted run; --resume finishes it")
    func killThenResume() throws {
        let fixture = try slowProbeFixture("sigkill")
        defer { fixture.remove() }
        let all = try checklistStatementIDs()
        try #require(all.count > 100 && all.contains("6.1.d"))

        let child = try fixture.start(["run", "--site", fixture.site, "--db", fixture.database, "--format", "json"])
        let before = try waitUntilAllButSlowStored(fixture, child, total: all.count, before: "killed")
        try #require(!before.contains { $0.statement == "6.1.d" }, "the slow probe finished before the kill")
        try #require(child.isRunning)
        child.kill()
        #expect(child.process.terminationReason == .uncaughtSignal)
        #expect(child.process.terminationStatus == SIGKILL)

        // Every result written before the kill is still there, unchanged, and the database is sound.
        let afterKill = try fixture.storedRows(run: 1)
        #expect(afterKill == before)
        #expect(Set(before.map(\.verdict)).isSuperset(of: ["pass", "fail", "error", "notAssessed"]))
        #expect(try fixture.sqlite3(["-readonly", fixture.database, "PRAGMA integrity_check"]) == "ok\n")
        #expect(try fixture.sqlite3(["-readonly", fixture.database, "PRAGMA foreign_key_check"]).isEmpty)

        // `runs` (which opens the store) finds the run's process gone: interrupted, with its results counted.
        let interrupted = try #require(try fixture.runs().first)
        #expect(interrupted.id == 1)
        #expect(interrupted.status == "interrupted")
        #expect(interrupted.results == all.count - 1)
        #expect(interrupted.conformance == nil)

        // A resume refused for bad input (a finding for a statement the checklist lacks) leaves the run interrupted.
        let badFindings = try fixture.write(
            "bad-findings.yaml", "assessor: 王工\nfindings:\n  - statement: 9.9.9-1\n    verdict: pass\n")
        let refused = try fixture.mallaudit(
            ["run", "--resume", "1", "--site", fixture.site, "--db", fixture.database, "--findings", badFindings.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("9.9.9-1"), "\(refused.stderr)")
        #expect(
            try fixture.sqlite3(["-readonly", fixture.database, "SELECT status FROM runs WHERE id = 1"])
                == "interrupted\n")

        // Resume: only the missing statement is judged; the run completes with one result per statement.
        let resumed = try fixture.mallaudit(
            ["run", "--resume", "1", "--site", fixture.site, "--db", fixture.database, "--format", "json"])
        #expect(resumed.status == 2, "\(resumed.stderr)")  // 5.2.2-2 fails (the equipment monitor's alarm)
        let summary = try SiteFixture.summary(resumed)
        #expect(summary.run == 1)
        #expect(summary.results.map(\.statementID) == all)
        #expect(summary.result("6.1.d")?.verdict == .pass)
        #expect(summary.result("6.1.d")?.observations.contains { $0.value == String(slowMilliseconds) } == true)
        let completed = try #require(try fixture.runs().first)
        #expect(completed.status == "completed")
        #expect(completed.conformance == "nonConformant")
        #expect(completed.results == all.count)
        #expect(try fixture.runs().count == 1)

        let final = try fixture.storedRows(run: 1)
        #expect(final.map(\.statement).sorted() == all.sorted())
        #expect(Set(before).isSubset(of: Set(final)), "a result judged before the kill changed on resume")
        #expect(try fixture.sqlite3([fixture.database, "PRAGMA integrity_check"]) == "ok\n")

        // A completed run cannot be resumed again.
        let again = try fixture.mallaudit(["run", "--resume", "1", "--site", fixture.site, "--db", fixture.database])
        #expect(again.status == 1)
        #expect(again.stderr.contains("run 1 is completed"))
    }
}

// MARK: - findings

@Suite("mallaudit run: manual findings")
struct RunFindingsTests {
    @Test("a shall pass without evidence is stored notAssessed (exit 3); with an evidence file it passes (exit 0)")
    func passNeedsEvidence() throws {
        let fixture = try standardFixture("findings-evidence")
        defer { fixture.remove() }
        let photo = try fixture.write("photos/machine-room.txt", "机房位于一层东侧（照片说明）\n")
        func findings(evidence: Bool) -> String {
            """
            assessor: 测试员
            findings:
              - statement: 5.2.5-1
                verdict: pass
                note: 机房在地面一层
            \(evidence ? "    evidence: [photos/machine-room.txt]\n" : "")\
              - statement: 6.8.a
                verdict: pass
                note: 设有 AR 景观（宜条款，口头确认）

            """
        }
        try fixture.write("findings.yaml", findings(evidence: false))
        let findingsPath = fixture.dir.appendingPathComponent("findings.yaml").path
        let without = try fixture.run(["--findings", findingsPath, "--only", "5.2.5-1,6.8.a"])
        #expect(without.status == 3, "\(without.stderr)")
        let withoutSummary = try SiteFixture.summary(without)
        let pending = try #require(withoutSummary.result("5.2.5-1"))
        #expect(pending.verdict == .notAssessed)
        #expect(pending.source == .manual)
        #expect(pending.reason.contains("without evidence"))
        #expect(pending.reason.contains("机房在地面一层"))
        // A should statement passes on the inspector's word.
        #expect(withoutSummary.result("6.8.a")?.verdict == .pass)

        try fixture.write("findings.yaml", findings(evidence: true))
        let with = try fixture.run(["--findings", findingsPath, "--only", "5.2.5-1,6.8.a"])
        #expect(with.status == 0, "\(with.stderr)")
        let passed = try #require(try SiteFixture.summary(with).result("5.2.5-1"))
        #expect(passed.verdict == .pass)
        let evidence = try #require(passed.evidence.first)
        #expect(evidence.name == "machine-room.txt")
        #expect(evidence.sha256 == (try sha256sum(photo)))
        #expect(evidence.collectedBy == "测试员")
        // The file was copied into the store's evidence folder beside the database, named by its digest.
        let copy = fixture.dir.appendingPathComponent("mallaudit.sqlite-evidence").appendingPathComponent(evidence.sha256)
        #expect(try Data(contentsOf: copy) == (try Data(contentsOf: photo)))
    }

    @Test("notApplicable without a justification is refused naming file and line; with one it is stored and listed")
    func notApplicableNeedsJustification() throws {
        let fixture = try standardFixture("findings-na")
        defer { fixture.remove() }
        try fixture.write(
            "findings.yaml",
            """
            assessor: 测试员
            findings:
              - statement: 5.2.5-6
                verdict: pass
                evidence: [wall.txt]
              - statement: 6.1.f
                verdict: notApplicable
                note: 没有电子停车券

            """)
        try fixture.write("wall.txt", "四周实体墙\n")
        let findingsPath = fixture.dir.appendingPathComponent("findings.yaml").path
        let refused = try fixture.run(["--findings", findingsPath, "--only", "5.2.5-4,6.1.f"])
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.hasPrefix("mallaudit: \(findingsPath):6:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("6.1.f: notApplicable without a justification is refused"))
        #expect(!FileManager.default.fileExists(atPath: fixture.database))

        try fixture.write(
            "findings.yaml",
            """
            assessor: 测试员
            findings:
              - statement: 6.1.f
                verdict: notApplicable
                justification: 停车场免费开放，不发放停车券

            """)
        let accepted = try fixture.run(["--findings", findingsPath, "--only", "5.2.5-4,6.1.f"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let summary = try SiteFixture.summary(accepted)
        let decided = try #require(summary.result("6.1.f"))
        #expect(decided.verdict == .notApplicable)
        #expect(decided.notApplicable?.justification == "停车场免费开放，不发放停车券")
        #expect(decided.notApplicable?.decidedBy == "测试员")
        #expect(summary.counts["notApplicable"] == 1)
        #expect(summary.formula.contains("not applicable 1"))
    }
}

// MARK: - diff: the re-inspection after a rectification notice

@Suite("mallaudit diff of two runs")
struct RunDiffTests {
    /// A survey of 1,000 respondents: 600 satisfied, `basic` basically satisfied, the rest dissatisfied.
    static func survey(basic: Int) -> String {
        var text = "id,satisfaction\n"
        for n in 0..<1000 { text += "\(n),\(n < 600 ? "满意" : (n < 600 + basic ? "基本满意" : "不满意"))\n" }
        return text
    }

    @Test("re-inspection: e-CNY added is fixed, satisfaction at 84.9 % newly fails, the AC seal is still open")
    func rectification() throws {
        var site = try standardSite()
        site.data = [("payments", "exports/payments.csv"), ("satisfaction", "exports/survey.csv")]
        site.findings = "findings.yaml"
        let fixture = try SiteFixture("diff")
        defer { fixture.remove() }
        try fixture.writeSite(site)
        try fixture.writeProbes([
            ProbeYAML.check("payments", statements: Checkpoints.payments, kind: "payments"),
            ProbeYAML.check("satisfaction", statements: ["8.2.1-3"], kind: "satisfaction"),
            ProbeYAML.realNameRedirect(),
        ])
        try fixture.write("photos/ac.txt", "空调管线穿墙处未封堵\n")
        try fixture.write(
            "findings.yaml",
            """
            assessor: 测试员
            findings:
              - statement: 5.2.5-7
                verdict: fail
                note: 空调管线穿墙处未用防火泥封堵
                evidence: [photos/ac.txt]

            """)
        let all = try checklistStatementIDs()

        // The inspection: no shop takes e-CNY; satisfaction exactly 85.0 % (passes: 不低于85%).
        try fixture.write(
            "exports/payments.csv", "merchant,cash,mobile,bank_card,ecny\n甲店,是,是,是,否\n乙店,是,是,是,否\n")
        try fixture.write("exports/survey.csv", Self.survey(basic: 250))
        let first = try fixture.run(["--as-of", "2026-11-18"])
        #expect(first.status == 2, "\(first.stderr)")
        let firstSummary = try SiteFixture.summary(first)
        #expect(firstSummary.result("6.6.2-1")?.verdict == .fail)
        #expect(firstSummary.result("8.2.1-3")?.verdict == .pass)
        #expect(firstSummary.result("8.2.1-3")?.measurement?.value == 85)

        // The re-inspection: e-CNY added at 甲店; one basically-satisfied answer fewer (84.9 %).
        try fixture.write(
            "exports/payments.csv", "merchant,cash,mobile,bank_card,ecny\n甲店,是,是,是,是\n乙店,是,是,是,是\n")
        try fixture.write("exports/survey.csv", Self.survey(basic: 249))
        let second = try fixture.run(["--as-of", "2026-12-18"])
        #expect(second.status == 2, "\(second.stderr)")
        let secondSummary = try SiteFixture.summary(second)
        #expect(secondSummary.run == 2)
        #expect(secondSummary.result("6.6.2-1")?.verdict == .pass)
        #expect(secondSummary.result("8.2.1-3")?.verdict == .fail)

        let diff = try fixture.mallaudit(["diff", "1", "2", "--db", fixture.database, "--format", "json"])
        #expect(diff.status == 2, "one newly failing, one still open: \(diff.stderr)")
        let listing = try JSONDecoder().decode(DiffListing.self, from: Data(diff.stdout.utf8))
        #expect(listing.fixed.map(\.statement) == ["6.6.2-1"])
        #expect(listing.fixed.first?.before == "fail" && listing.fixed.first?.after == "pass")
        #expect(listing.newlyFailing.map(\.statement) == ["8.2.1-3"])
        #expect(listing.newlyFailing.first?.before == "pass")
        #expect(listing.stillOpen.map(\.statement) == ["5.2.5-7"])
        #expect(listing.otherChanges.isEmpty)
        // Every statement of the checklist has a result in both runs and lands in exactly one category.
        #expect(listing.total == all.count)
        let categorised = listing.fixed + listing.newlyFailing + listing.stillOpen + listing.otherChanges
            + listing.unchanged
        #expect(categorised.map(\.statement).sorted() == all.sorted())

        let text = try fixture.mallaudit(["diff", "latest~1", "latest", "--db", fixture.database])
        #expect(text.status == 2, "\(text.stderr)")
        #expect(text.stdout.contains("Fixed 已整改: 1"))
        #expect(text.stdout.contains("Newly failing 新增不符合: 1"))
        #expect(text.stdout.contains("Still open 仍未整改: 1"))
        #expect(text.stdout.contains("(\(all.count) statements compared)"))
    }
}

// MARK: - mallaudit probe

@Suite("mallaudit probe against the real peers")
struct ProbeCommandTests {
    @Test("JSON: one result per statement; dead agent, HTTP 500 and malformed JSON are errors with their reason")
    func oneResultPerStatement() throws {
        let fixture = try standardFixture("probe-json")
        defer { fixture.remove() }
        let outcome = try fixture.mallaudit(["probe", "--site", fixture.site, "--format", "json"])
        #expect(outcome.status == 2, "\(outcome.stderr)")  // 5.2.2-2 fails
        let results = try JSONDecoder().decode([StatementResult].self, from: Data(outcome.stdout.utf8))
        // Eight probes, seven statements (5.2.5-4 has two probes), in checklist order.
        #expect(
            results.map(\.statementID) == ["5.1.2-2", "5.2.2-2", "5.2.5-3", "5.2.5-4", "5.2.5-5", "6.2.1-1", "6.2.2-1"])
        let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.statementID, $0) })
        #expect(byID["5.1.2-2"]?.verdict == .pass)
        let redirect = byID["5.1.2-2"]?.observations.first { $0.name == "Location" }
        #expect(redirect?.value.hasSuffix("/portal/realname") == true)
        #expect(byID["5.2.5-4"]?.verdict == .pass)
        #expect(byID["5.2.5-5"]?.verdict == .pass)
        #expect(byID["5.2.2-2"]?.verdict == .fail)

        let dead = try #require(byID["5.2.5-3"])
        #expect(dead.verdict == .error)
        #expect(dead.reason.contains("no response from machine_room_old"), "\(dead.reason)")
        let serverError = try #require(byID["6.2.2-1"])
        #expect(serverError.verdict == .error)
        #expect(serverError.reason.contains("answered HTTP 500"), "\(serverError.reason)")
        let malformed = try #require(byID["6.2.1-1"])
        #expect(malformed.verdict == .error)
        #expect(malformed.reason.contains("/api/broken/member"), "\(malformed.reason)")
        #expect(malformed.reason.contains("JSON"), "\(malformed.reason)")

        // Piped: no progress line. Nothing is stored.
        #expect(!outcome.stderr.contains("\r"))
        #expect(!FileManager.default.fileExists(atPath: fixture.database))
    }

    @Test("exit codes: 0 all pass, 2 one fails, 3 none fails but some could not be checked")
    func exitCodes() throws {
        let fixture = try standardFixture("probe-exit")
        defer { fixture.remove() }
        let cases: [(only: String, status: Int32, verdicts: [Verdict])] = [
            ("5.2.5-4,5.1.2-2", 0, [.pass, .pass]),
            ("5.2.5-4,5.2.2-2", 2, [.fail, .pass]),
            ("5.2.5-3,6.2.1-1,6.2.2-1,5.2.5-5", 3, [.error, .pass, .error, .error]),
        ]
        for (only, status, expected) in cases {
            let outcome = try fixture.mallaudit(["probe", "--site", fixture.site, "--only", only, "--format", "json"])
            #expect(outcome.status == status, "--only \(only): \(outcome.stderr)")
            let results = try JSONDecoder().decode([StatementResult].self, from: Data(outcome.stdout.utf8))
            #expect(results.map(\.verdict) == expected, "--only \(only)")
        }
        // The text form, piped: results and a count line, no progress line.
        let text = try fixture.mallaudit(["probe", "--site", fixture.site, "--only", "5.2.5-3,5.2.5-4"])
        #expect(text.status == 3)
        // Three probes: water leak and humidity for 5.2.5-4, the dead agent's temperature for 5.2.5-3.
        #expect(text.stdout.contains("3 probe(s), 2 statement(s): 1 pass, 1 error"), "\(text.stdout)")
        #expect(!text.stderr.contains("\r") && !text.stdout.contains("\r"))
    }

    @Test("a progress line on a terminal (stderr), for probe and run; none when piped")
    func progressOnTerminal() throws {
        let fixture = try standardFixture("progress")
        defer { fixture.remove() }
        let probe = try mallauditOnTerminal(
            ["probe", "--site", fixture.site, "--only", "5.2.5-5,5.1.2-2"], environment: try SiteFixture.environment(),
            in: fixture.dir)
        #expect(probe.contains("\r[1/2] "), "\(probe.debugDescription)")
        #expect(probe.contains("\r[2/2] "), "\(probe.debugDescription)")
        // Cleared at the end with spaces, no escape code: the last thing written is a carriage return.
        #expect(probe.hasSuffix(" \r"), "the line is cleared at the end: \(probe.debugDescription)")
        #expect(!probe.contains("\u{1B}"), "\(probe.debugDescription)")
        let run = try mallauditOnTerminal(
            ["run", "--site", fixture.site, "--db", fixture.database, "--only", "5.2.5-5,5.1.2-2,5.2.1-1"],
            environment: try SiteFixture.environment(), in: fixture.dir)
        #expect(run.contains("[3/3] "), "\(run.debugDescription)")
        // The same runs piped: no progress line at all.
        let piped = try fixture.mallaudit(["probe", "--site", fixture.site, "--only", "5.2.5-5,5.1.2-2"])
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty, "\(piped.stderr.debugDescription)")
        let pipedRun = try fixture.mallaudit(
            ["run", "--site", fixture.site, "--db", fixture.database, "--only", "5.2.5-5,5.1.2-2,5.2.1-1"])
        #expect(pipedRun.status == 3)
        #expect(pipedRun.stderr.isEmpty, "\(pipedRun.stderr.debugDescription)")
    }

    @Test("probe refuses a bad profile with exit 1 and the file and line")
    func badProfile() throws {
        var site = try standardSite()
        site.basementLine = "  basement_levels: 1\n  floors: 5"
        let fixture = try standardFixture("probe-bad", site: site)
        defer { fixture.remove() }
        let outcome = try fixture.mallaudit(["probe", "--site", fixture.site])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.hasPrefix("mallaudit: \(fixture.site):7:"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("floors"))
    }
}

// MARK: - assess after a run

@Suite("mallaudit assess after a run: worst wins")
struct AssessAfterRunTests {
    @Test("a manual pass does not turn a failed or unreachable probe into a pass, even after an earlier manual fail")
    func manualPassCannotHideProbe() throws {
        let fixture = try standardFixture("assess")
        defer { fixture.remove() }
        try fixture.write("photos/fan.txt", "风扇已更换（照片说明）\n")
        let run = try fixture.run(["--only", "5.2.2-2,5.2.5-3,5.2.5-4"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(verdicts(try SiteFixture.summary(run)) == ["5.2.2-2": "fail", "5.2.5-3": "error", "5.2.5-4": "pass"])

        func assess(_ statement: String, _ verdict: String, evidence: Bool = true) throws -> ProcessOutcome {
            try fixture.mallaudit(
                ["assess", "--db", fixture.database, "--run", "1", statement, "--verdict", verdict, "--note", "现场复核"]
                    + (evidence ? ["--evidence", "photos/fan.txt"] : []))
        }
        func stored(_ statement: String) throws -> StoredRow? {
            try fixture.storedRows(run: 1).first { $0.statement == statement }
        }

        // The equipment monitor is in alarm: an inspector's pass (with evidence) does not outvote it.
        let onFail = try assess("5.2.2-2", "pass")
        #expect(onFail.status == 0, "\(onFail.stderr)")
        #expect(onFail.stdout.contains("5.2.2-2  fail"), "\(onFail.stdout)")
        #expect(try stored("5.2.2-2")?.verdict == "fail")

        // The dead agent: a pass does not hide the error ...
        let onError = try assess("5.2.5-3", "pass")
        #expect(onError.status == 0, "\(onError.stderr)")
        #expect(try stored("5.2.5-3")?.verdict == "error")
        // ... a manual fail outweighs it ...
        _ = try assess("5.2.5-3", "fail")
        #expect(try stored("5.2.5-3")?.verdict == "fail")
        // ... and correcting that fail to a pass brings back the probe's error, not a pass.
        let corrected = try assess("5.2.5-3", "pass")
        #expect(corrected.status == 0, "\(corrected.stderr)")
        let after = try #require(try stored("5.2.5-3"))
        #expect(after.verdict == "error", "\(after.reason)")
        #expect(after.reason.contains("no response"))

        // A passing probe plus a manual pass stays a pass.
        _ = try assess("5.2.5-4", "pass")
        #expect(try stored("5.2.5-4")?.verdict == "pass")

        let listing = try #require(try fixture.runs().first)
        #expect(listing.conformance == "nonConformant")
        #expect(listing.counts["pass"] == 1 && listing.counts["fail"] == 1 && listing.counts["error"] == 1)
    }

    @Test("a findings-file pass merged in the run does not hide a failing probe; a later assess still sees the probe")
    func findingsFilePassOnFailedProbe() throws {
        var site = try standardSite()
        site.findings = "findings.yaml"
        let fixture = try standardFixture("assess-file", site: site)
        defer { fixture.remove() }
        try fixture.write("photos/fan.txt", "风扇\n")
        try fixture.write(
            "findings.yaml",
            """
            assessor: 测试员
            findings:
              - statement: 5.2.2-2
                verdict: pass
                evidence: [photos/fan.txt]
              - statement: 5.2.5-3
                verdict: fail
                note: 温度传感器离线
                evidence: [photos/fan.txt]

            """)
        let outcome = try fixture.run(["--only", "5.2.2-2,5.2.5-3"])
        #expect(outcome.status == 2, "\(outcome.stderr)")
        let summary = try SiteFixture.summary(outcome)
        let result = try #require(summary.result("5.2.2-2"))
        #expect(result.verdict == .fail)
        #expect(result.reason.contains("[equipment-monitor: fail]"), "\(result.reason)")
        #expect(result.reason.contains("[测试员: pass]"), "\(result.reason)")
        #expect(result.evidence.count == 1)
        // The inspector's fail outweighs the dead agent's error ...
        #expect(summary.result("5.2.5-3")?.verdict == .fail)

        // ... and when the inspector later corrects it to a pass, the agent's error is what remains.
        let corrected = try fixture.mallaudit(
            [
                "assess", "--db", fixture.database, "--run", "latest", "5.2.5-3", "--verdict", "pass", "--evidence",
                "photos/fan.txt",
            ])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        let stored = try #require(try fixture.storedRows(run: 1).first { $0.statement == "5.2.5-3" })
        #expect(stored.verdict == "error", "\(stored.reason)")
        #expect(stored.reason.contains("no response from machine_room_old"))
    }
}

// MARK: - Ctrl-C and --resume with changed inputs (issue 13, item 4)

@Suite("mallaudit run: Ctrl-C says what is kept and how to resume; --resume refuses changed inputs")
struct RunInterruptResumeTests {
    @Test("SIGINT mid-run prints the kept results and the resume command; --resume refuses an edited probe file")
    func interruptThenResume() throws {
        let fixture = try slowProbeFixture("sigint")
        defer { fixture.remove() }
        let all = try checklistStatementIDs()

        // The database given relative to the working directory: the resume command names it absolutely.
        let child = try fixture.start(["run", "--site", "site.yaml", "--db", "mallaudit.sqlite", "--format", "json"])
        let stored = try waitUntilAllButSlowStored(fixture, child, total: all.count, before: "interrupted").count
        _ = kill(child.process.processIdentifier, SIGINT)
        child.process.waitUntilExit()
        #expect(child.process.terminationReason == .exit && child.process.terminationStatus == 130)

        let stderr = try String(contentsOf: fixture.dir.appendingPathComponent("child.stderr"), encoding: .utf8)
        let lines = stderr.components(separatedBy: "\n")
        let said = try #require(lines.firstIndex { $0.contains("interrupted") }, "\(stderr)")
        #expect(
            lines[said] == "mallaudit: error: interrupted: run 1 keeps \(stored) of \(all.count) result(s); "
                + "resume it with:", "\(stderr)")
        let command = try #require(lines.dropFirst(said + 1).first, "\(stderr)")
        let database = fixture.dir.standardizedFileURL.appendingPathComponent("mallaudit.sqlite").path
        #expect(command.hasPrefix("  "))
        let words = command.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
        #expect(
            Array(words.dropFirst()) == [
                "run", "--site", "site.yaml", "--format", "json", "--db", database, "--resume", "1",
            ], "\(command)")
        // The run is interrupted at once (not only once a later command finds its process gone).
        #expect(try fixture.sqlite3(["-readonly", fixture.database, "SELECT status FROM runs WHERE id = 1"]) == "interrupted\n")
        #expect(try fixture.storedRows(run: 1).count == stored)

        // A probe file edited in between: the printed command refuses to resume, naming the file; nothing changes.
        let probeFile = fixture.dir.appendingPathComponent("probes/probes.yaml")
        let edited = try String(contentsOf: probeFile, encoding: .utf8) + "# edited after the interruption\n"
        try edited.write(to: probeFile, atomically: true, encoding: .utf8)
        let refused = try fixture.mallaudit(Array(words.dropFirst()))
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(
            refused.stderr.contains("run 1 cannot be resumed: the probes file \(probeFile.standardizedFileURL.path) "
                + "changed since the run started"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--accept-changed-inputs"))
        #expect(try fixture.sqlite3(["-readonly", fixture.database, "SELECT status FROM runs WHERE id = 1"]) == "interrupted\n")
        #expect(try fixture.storedRows(run: 1).count == stored)

        // Told to go on: the run finishes, and records that it was told, and what had changed.
        let accepted = try fixture.mallaudit(Array(words.dropFirst()) + ["--accept-changed-inputs"])
        #expect(accepted.status == 2, "\(accepted.stderr)")
        #expect(try SiteFixture.summary(accepted).results.count == all.count)
        let record = try fixture.sqlite3([
            "-readonly", fixture.database,
            "SELECT json_array_length(accepted_input_changes), json_extract(accepted_input_changes, '$[0].changes[0].path'), "
                + "json_extract(accepted_input_changes, '$[0].changes[0].kind') FROM runs WHERE id = 1",
        ])
        #expect(record == "1|\(probeFile.standardizedFileURL.path)|changed\n", "\(record)")
        // --accept-changed-inputs without --resume is a usage error.
        let usage = try fixture.mallaudit(["run", "--site", "site.yaml", "--accept-changed-inputs"])
        #expect(usage.status == 64, "\(usage.stderr)")
    }
}
