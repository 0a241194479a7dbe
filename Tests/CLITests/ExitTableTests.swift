import Foundation
import Testing
import TestSupport

/// docs/cli.md's table, row by row: every command exits with the status the one table gives its outcome —
/// 0 ok, 1 the tool could not do it, 2 not conformant / check failed / still open, 3 incomplete, 64 usage — and
/// a command that only reads a database never creates one. (The demo's row: DemoIsolationTests; run's and probe's
/// 0/2/3 against the peers: RunExitCodeTests and ProbeCommandTests; verify's and bundle's 0/2: BundleCLITests.)
@Suite("One exit table for every command")
struct ExitTableTests {
    /// A temporary folder for one row's files.
    struct Folder {
        let url: URL
        init(_ name: String) throws { url = try temporaryDirectory("exit-\(name)") }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
        @discardableResult
        func write(_ name: String, _ text: String) throws -> String {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
            return file.path
        }
        func remove() { try? FileManager.default.removeItem(at: url) }
    }

    private func status(_ arguments: [String], _ environment: [String: String] = [:], in folder: Folder? = nil)
        throws -> Int32
    {
        let outcome = try runMallaudit(arguments, environment: environment, currentDirectory: folder?.url)
        return outcome.status
    }

    /// A database with one stored run (30 results, some failing), made by the test helper.
    private func seededDatabase(_ folder: Folder) throws -> String {
        let db = folder.path("audit.sqlite")
        let seeded = try runTestKit(["bench-report", "--results", "30", "--store", db])
        try #require(seeded.status == 0, "\(seeded.stderr)")
        return db
    }

    @Test("init: 0 written, 1 exists already, 64 usage")
    func initRow() throws {
        let folder = try Folder("init")
        defer { folder.remove() }
        #expect(try status(["init", "--no-probes"], in: folder) == 0)
        #expect(try status(["init", "--no-probes"], in: folder) == 1)
        #expect(try status(["init", "--no-such-option"], in: folder) == 64)
    }

    @Test("checklist list/show: 0, 1 unknown id, 64 usage; validate: 0 valid, 2 invalid, 1 unreadable")
    func checklistRow() throws {
        let folder = try Folder("checklist")
        defer { folder.remove() }
        #expect(try status(["checklist", "list", "--format", "json"]) == 0)
        #expect(try status(["checklist", "show", "5.1.2-3"]) == 0)
        #expect(try status(["checklist", "show", "9.9.9"]) == 1)
        #expect(try status(["checklist", "list", "--format", "yaml"]) == 64)
        #expect(try status(["checklist", "validate"]) == 0)
        let broken = try folder.write("broken.xml", "<checklist>\n  <clause>\n</checklist>\n")
        #expect(try status(["checklist", "validate", broken]) == 2)
        #expect(try status(["checklist", "validate", folder.path("missing.xml")]) == 1)
    }

    @Test("demo: 64 usage (0 and 1 are DemoIsolationTests')")
    func demoRow() throws {
        #expect(try status(["demo", "--no-such-option"]) == 64)
    }

    @Test("run: 0 conformant, 2 not conformant, 3 incomplete, 1 unset secret (no database), 64 usage")
    func runRow() throws {
        let fixture = try SiteFixture("exit-run")
        defer { fixture.remove() }
        var site = SiteYAML()
        site.data = [("payments", "exports/payments.csv")]
        try fixture.writeSite(site)
        try fixture.writeProbes([ProbeYAML.check("payments", statements: Checkpoints.payments, kind: "payments")])
        func run(_ only: String, ecny: String) throws -> Int32 {
            try fixture.write(
                "exports/payments.csv", "merchant,cash,mobile,bank_card,ecny\n甲店,是,是,是,\(ecny)\n")
            return try runMallaudit(
                ["run", "--site", fixture.site, "--db", fixture.database, "--only", only, "--as-of", "2026-11-20"],
                currentDirectory: fixture.dir
            ).status
        }
        #expect(try run("6.6.2-1", ecny: "是") == 0)
        #expect(try run("6.6.2-1", ecny: "否") == 2)
        #expect(try run("6.6.3", ecny: "是") == 3, "nothing covers 6.6.3: notAssessed")
        #expect(try status(["run", "--site", fixture.site, "--as-of", "2026-02-30"]) == 64)
        #expect(try status(["run"]) == 64)

        // A probe in scope needs a secret that is not set: exit 1 before anything runs, no database.
        let secret = try SiteFixture("exit-run-secret")
        defer { secret.remove() }
        var snmp = SiteYAML()
        snmp.snmp = [("machine_room", "udp:127.0.0.1:9", 0.2, 0)]
        try secret.writeSite(snmp)
        try secret.writeProbes([
            ProbeYAML.sensor("smoke", statements: ["5.2.5-5"], agent: "machine_room", oid: SensorOID.smoke)
        ])
        let unset = try runMallaudit(
            ["run", "--site", secret.site, "--db", secret.database, "--only", "5.2.5-5"],
            environment: [siteCommunityVariable: ""])
        #expect(unset.status == 1)
        #expect(!FileManager.default.fileExists(atPath: secret.database))
    }

    @Test("probe: 64 usage, 1 bad profile (0/2/3: ProbeCommandTests)")
    func probeRow() throws {
        let folder = try Folder("probe")
        defer { folder.remove() }
        #expect(try status(["probe"]) == 64)
        let site = try folder.write("site.yaml", "mall: [\n")
        #expect(try status(["probe", "--site", site]) == 1)
    }

    @Test("check: 0 pass, 2 fail, 1 unusable input, 64 usage")
    func checkRow() throws {
        let folder = try Folder("check")
        defer { folder.remove() }
        let pass = try folder.write("pass.csv", "merchant,cash,mobile,bank_card,ecny\n甲店,是,是,是,是\n")
        let fail = try folder.write("fail.csv", "merchant,cash,mobile,bank_card,ecny\n甲店,是,是,是,否\n")
        let broken = try folder.write("broken.csv", "shop\n甲店\n")
        #expect(try status(["check", "payments", "--csv", pass, "--as-of", "2026-11-20"]) == 0)
        #expect(try status(["check", "payments", "--csv", fail, "--as-of", "2026-11-20"]) == 2)
        #expect(try status(["check", "payments", "--csv", broken, "--as-of", "2026-11-20"]) == 1)
        #expect(try status(["check", "payments", "--csv", pass, "--as-of", "2026-11-31"]) == 64)
    }

    @Test("report: 0 written, 1 no database (none created), 64 usage")
    func reportRow() throws {
        let folder = try Folder("report")
        defer { folder.remove() }
        let db = try seededDatabase(folder)
        #expect(try status(["report", "--db", db, "--format", "xml", "--output", folder.path("r.xml")]) == 0)
        #expect(try status(["report", "--format", "xml", "--output", folder.path("x.xml")], in: folder) == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.path("mallaudit.sqlite")), "a reader never creates")
        #expect(try status(["report", "--db", db, "--format", "pdfx", "--output", folder.path("r")]) == 64)
        #expect(try status(["report", "--db", db, "--format", "xml", "--output", "-", "--lang", "en"]) == 64)
    }

    @Test("assess: 0 recorded, 1 nothing recorded, 64 usage")
    func assessRow() throws {
        let folder = try Folder("assess")
        defer { folder.remove() }
        let db = try seededDatabase(folder)
        let evidence = try folder.write("photo.txt", "机房照片")
        #expect(
            try status(["assess", "--db", db, "--run", "latest", "5.1.1-1", "--verdict", "pass", "--evidence", evidence])
                == 0)
        #expect(try status(["assess", "--db", db, "--run", "latest", "9.9.9-1", "--verdict", "pass"]) == 1)
        #expect(try status(["assess", "--run", "latest", "5.1.1-1", "--verdict", "fail"], in: folder) == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.path("mallaudit.sqlite")))
        #expect(try status(["assess", "--db", db, "--run", "latest", "5.1.1-1"]) == 64)
    }

    @Test("runs: 0 listed, 1 no database (none created), 64 usage")
    func runsRow() throws {
        let folder = try Folder("runs")
        defer { folder.remove() }
        let db = try seededDatabase(folder)
        #expect(try status(["runs", "--db", db]) == 0)
        #expect(try status(["runs"], in: folder) == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.path("mallaudit.sqlite")))
        #expect(try status(["runs", "--format", "xml"]) == 64)
    }

    @Test("diff: 0 nothing open, 2 items still open or newly failing, 1 no such run, 64 usage")
    func diffRow() throws {
        let fixture = try SiteFixture("exit-diff")
        defer { fixture.remove() }
        var site = SiteYAML()
        site.data = [("payments", "exports/payments.csv")]
        try fixture.writeSite(site)
        try fixture.writeProbes([ProbeYAML.check("payments", statements: Checkpoints.payments, kind: "payments")])
        func run(ecny: String) throws {
            try fixture.write("exports/payments.csv", "merchant,cash,mobile,bank_card,ecny\n甲店,是,是,是,\(ecny)\n")
            _ = try runMallaudit(
                ["run", "--site", fixture.site, "--db", fixture.database, "--only", "6.6.2-1", "--as-of", "2026-11-20"])
        }
        try run(ecny: "否")  // run 1: fails
        try run(ecny: "否")  // run 2: still open
        try run(ecny: "是")  // run 3: fixed
        #expect(try status(["diff", "1", "2", "--db", fixture.database]) == 2, "still open")
        #expect(try status(["diff", "3", "1", "--db", fixture.database]) == 2, "newly failing")
        #expect(try status(["diff", "2", "3", "--db", fixture.database]) == 0, "fixed: nothing open")
        #expect(try status(["diff", "1", "9", "--db", fixture.database]) == 1)
        #expect(try status(["diff", "1"]) == 64)
    }

    @Test("submit: 1 not sent and not queued, 64 usage (0/2/3 against the server: SubmitTests)")
    func submitRow() throws {
        let folder = try Folder("submit")
        defer { folder.remove() }
        #expect(
            try status(
                [
                    "submit", folder.path("missing.zip"), "--server", "https://127.0.0.1:1", "--token-env", "T",
                    "--outbox", folder.path("outbox"),
                ], ["T": "token"]) == 1)
        #expect(try status(["submit", "x.zip"]) == 64)
    }

    @Test("snmp: 0 answered, 3 no usable answer, 1 unset variable, 64 usage")
    func snmpRow() throws {
        let environment = ["ROW_COMMUNITY": try TestPeer.community()]
        let oid = ".1.3.6.1.4.1.32473.1.1.5.2.0"
        #expect(
            try status(
                ["snmp", "get", "--agent", try TestPeer.snmpd(), "--community-env", "ROW_COMMUNITY", oid], environment)
                == 0)
        #expect(
            try status(
                [
                    "snmp", "get", "--agent", try TestPeer.deadAgent(), "--community-env", "ROW_COMMUNITY",
                    "--timeout", "0.2", "--retries", "0", oid,
                ], environment) == 3)
        #expect(
            try status(["snmp", "get", "--agent", try TestPeer.snmpd(), "--community-env", "ROW_UNSET", oid]) == 1)
        #expect(try status(["snmp", "get", "--agent", try TestPeer.snmpd(), "--snmp-version", "5", oid]) == 64)
    }

    @Test("http fetch: 0 answered, 2 path unreadable, 3 no answer, 1 cannot run, 64 usage")
    func httpFetchRow() throws {
        let base = try TestPeer.http()
        #expect(try status(["http", "fetch", "\(base)/api/parking/capabilities", "--no-body"]) == 0)
        #expect(try status(["http", "fetch", "\(base)/api/broken/member", "--json-path", "$.features"]) == 2)
        #expect(try status(["http", "fetch", "\(base)/slow?ms=2000", "--timeout", "0.2"]) == 3)
        #expect(try status(["http", "fetch", "\(base)/", "--bearer-env", "ROW_UNSET_TOKEN"]) == 1)
        #expect(try status(["http", "fetch", "\(base)/", "-X", "DELETE"]) == 64)
    }

    @Test("http tls: 0 verified, 2 check failed, 3 no handshake, 1 not https, 64 usage")
    func httpTLSRow() throws {
        let ca = try TestPeer.ca()
        #expect(try status(["http", "tls", try TestPeer.https(), "--ca-file", ca]) == 0)
        #expect(try status(["http", "tls", try TestPeer.httpsExpired(), "--ca-file", ca]) == 2)
        // Plain HTTP where TLS was expected: no handshake at all.
        let plain = try TestPeer.http().replacingOccurrences(of: "http://", with: "https://")
        #expect(try status(["http", "tls", plain, "--ca-file", ca, "--timeout", "5"]) == 3)
        #expect(try status(["http", "tls", try TestPeer.http()]) == 1)
        #expect(try status(["http", "tls", try TestPeer.https(), "--margin-days", "-1"]) == 64)
    }

    @Test("keys: 0 made and shown, 1 cannot read, 64 usage")
    func keysRow() throws {
        let folder = try Folder("keys")
        defer { folder.remove() }
        #expect(
            try status([
                "keys", "generate", "--algorithm", "ed25519", "--name", "王工", "--org", "商务局", "--output",
                folder.path("k.key"), "--unencrypted",
            ]) == 0)
        #expect(try status(["keys", "show", folder.path("k.pub")]) == 0)
        #expect(try status(["keys", "show", folder.path("missing.pub")]) == 1)
        #expect(try status(["keys", "generate", "--algorithm", "rsa", "--name", "x", "--org", "y", "-o", "z"]) == 64)
    }

    @Test("bundle: 1 no database (none created), 64 usage; verify: 1 unusable, 64 usage")
    func bundleAndVerifyRow() throws {
        let folder = try Folder("bundle")
        defer { folder.remove() }
        _ = try runMallaudit([
            "keys", "generate", "--algorithm", "ed25519", "--name", "王工", "--org", "商务局", "--output",
            folder.path("k.key"), "--unencrypted",
        ])
        #expect(try status(["bundle", "--key", folder.path("k.key"), "--output", folder.path("b.zip")], in: folder) == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.path("mallaudit.sqlite")))
        #expect(try status(["bundle", "--output", folder.path("b.zip")]) == 64)
        #expect(try status(["verify", folder.path("missing.zip"), "--trust", folder.path("k.pub")]) == 1)
        #expect(try status(["verify", folder.path("missing.zip")]) == 64)
    }
}
