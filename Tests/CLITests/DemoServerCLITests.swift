import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `mallaudit demo --with-server` (issue 18): the demo's signed bundle handed to a real `mallaudit-server` over a
/// real PostgreSQL cluster (Debian's binaries), both started by the demo and gone afterwards. The service is asked
/// from outside, as a newcomer would: signed in on its pages with the printed password (python3's urllib, an
/// independent client), then its JSON API read with that session.
@Suite("mallaudit demo --with-server: the chain up to the bureau's service", .serialized)
struct DemoServerCLITests {
    static let creditCode = "91320303MA1DEMO00X"

    @Test("--with-server --keep-serving: the service holds the run as filed by the inspector with both signatures and the demo's verdict; the database password is in no file; Ctrl-C stops the server and PostgreSQL and removes the cluster")
    func keepServing() throws {
        let traces = try DemoTraces()
        defer { traces.remove() }
        let output = traces.folder.appendingPathComponent("out")
        let demo = try traces.startDemo(output: output, options: ["--with-server", "--keep-serving", "--lang", "en"])
        // The demo prints the pages' URL, the sign-in and the service's folder once the service holds the run.
        var printed = ""
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, demo.isRunning {
            printed = traces.text("out.stdout")
            if printed.contains("pages: "), printed.hasSuffix("\n"), printed.contains("/mallaudit-demo.") { break }
            usleep(200_000)
        }
        try #require(demo.isRunning, "the demo ended: \(traces.text("out.stderr"))\n\(printed)")
        let lines = printed.split(separator: "\n").map(String.init)
        let pages = try #require(lines.first { $0.hasPrefix("  pages: ") }, "\(printed)")
        let url = try #require(pages.firstMatch(of: #/http://127\.0\.0\.1:[0-9]+/#).map { String($0.0) })
        let password = try #require(
            pages.firstMatch(of: #/sign in as bureau-admin with the password ([0-9a-f]{48}) /#).map { String($0.1) })
        let serviceFolder = try #require(lines.last?.trimmingCharacters(in: .whitespaces))
        #expect(serviceFolder.hasPrefix(traces.folder.path + "/mallaudit-demo."), "\(printed)")
        #expect(printed.contains("  submitted as inspector 王工 to \(url): accepted, stored as a new run (201)"))

        // The server and the cluster run, named by the service's folder.
        let running = traces.runningProcesses
        let server = running.first { $0.contains("mallaudit-server serve --config \(serviceFolder)/server.yaml") }
        #expect(server != nil, "\(running)")
        #expect(running.contains { $0.contains("postgres -D \(serviceFolder)/cluster/data") }, "\(running)")
        #expect(FileManager.default.fileExists(atPath: "\(serviceFolder)/cluster/data/PG_VERSION"))

        // The bureau's view, through the pages' sign-in and the API.
        let answer = try runTool(
            "/usr/bin/python3", ["-c", Self.bureauView, url, Self.creditCode],
            environment: ["DEMO_ADMIN_PASSWORD": password])
        let view = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])
        let mall = try #require(view["mall"] as? [String: Any])
        let latest = try #require(mall["latestRun"] as? [String: Any], "\(answer)")
        let database = output.appendingPathComponent("mallaudit.sqlite").path
        let stored = try runTool(
            "/usr/bin/sqlite3", ["-readonly", database, "SELECT conformance || ' ' || as_of FROM runs WHERE id = 1"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(stored.hasPrefix("nonConformant "), "the demo mall is not conformant on purpose: \(stored)")
        #expect("\(latest["conformance"] ?? "") \(latest["judgementDate"] ?? "")" == stored)
        #expect(latest["runRef"] as? String == "1")
        #expect(latest["filedBy"] as? String == "inspector-wang")
        #expect(mall["name"] as? String == "星河广场")
        #expect(mall["district"] as? String == "云龙区")
        let counts = try #require(latest["counts"] as? [String: Any])
        #expect(counts["total"] as? Int == 107)
        let signatures = try #require(view["signatures"] as? [[String: Any]])
        #expect(
            Set(signatures.map { signature in
                ["role", "signer", "account", "algorithm"].map { "\(signature[$0] ?? "")" }.joined(separator: " ")
            })
                == ["inspector 王工 inspector-wang sm2-sm3", "mall 星河广场 mall-xinghe ed25519"], "\(signatures)")

        // The cluster's password reached the server only through its environment: no file of the demo holds it.
        if let server, let pid = server.split(separator: ":").first,
            let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
        {
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let secret = try #require(
                variables.first { $0.hasPrefix("MALLAUDIT_DEMO_PG_PASSWORD=") }?.split(separator: "=").last
                    .map(String.init))
            #expect(secret.count == 48)
            for root in [serviceFolder, output.path, traces.folder.path] {
                #expect(Self.filesContaining(secret, under: root).isEmpty, "the password is written in \(root)")
            }
            #expect(!printed.contains(secret) && !traces.text("out.stderr").contains(secret))
        } else {
            Issue.record("cannot read the server's environment: \(running)")
        }

        // Ctrl-C: everything stops, the cluster's folder goes, exit 130.
        kill(demo.process.processIdentifier, SIGINT)
        demo.process.waitUntilExit()
        #expect(demo.process.terminationStatus == 130, "\(traces.text("out.stderr"))")
        #expect(traces.leftovers(within: 10).isEmpty, "\(traces.leftovers(within: 0))")
        #expect(!FileManager.default.fileExists(atPath: serviceFolder))
        // The demo's own outputs stay.
        for name in ["report.xml", "demo-bundle.zip", "trusted-keys/inspector.pub"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(name).path), "\(name)")
        }
    }

    @Test("SIGKILL of a demo serving with --keep-serving: the lifeline watchdog stops the server and PostgreSQL and removes their folder")
    func killedWhileServing() throws {
        let traces = try DemoTraces()
        defer { traces.remove() }
        let demo = try traces.startDemo(
            output: traces.folder.appendingPathComponent("out"), options: ["--with-server", "--keep-serving"])
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, demo.isRunning, !traces.runningProcesses.contains(where: { $0.contains(" serve ") }) {
            usleep(200_000)
        }
        let running = traces.runningProcesses
        #expect(running.contains { $0.contains("mallaudit-server serve --config ") }, "\(traces.text("out.stderr"))")
        #expect(running.contains { $0.contains("postgres -D ") }, "\(running)")
        demo.kill()
        #expect(demo.process.terminationReason == .uncaughtSignal)
        #expect(traces.leftovers(within: 30).isEmpty, "\(traces.leftovers(within: 0))")
    }

    @Test("--with-server: the verdict the service holds is printed, matching the demo's run; then the server and PostgreSQL are stopped and their folder removed, exit 0")
    func oneShot() throws {
        let traces = try DemoTraces()
        defer { traces.remove() }
        let output = traces.folder.appendingPathComponent("out")
        let demo = try traces.startDemo(output: output, options: ["--with-server", "--lang", "en"])
        demo.process.waitUntilExit()
        let printed = traces.text("out.stdout")
        #expect(demo.process.terminationStatus == 0, "\(traces.text("out.stderr"))\n\(printed)")
        let stored = try runTool(
            "/usr/bin/sqlite3",
            ["-readonly", output.appendingPathComponent("mallaudit.sqlite").path,
             "SELECT conformance || ' on ' || as_of FROM runs WHERE id = 1"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(printed.contains("  the bureau sees 星河广场 (\(Self.creditCode), 云龙区): \(stored), "), "\(printed)")
        #expect(printed.contains("filed by inspector-wang\n"), "\(printed)")
        #expect(printed.contains("accepted, stored as a new run (201)"), "\(printed)")
        #expect(printed.contains("  service stopped, its cluster removed"), "\(printed)")
        #expect(!printed.contains("pages: "), "no sign-in is printed for a service that is gone")
        #expect(traces.leftovers(within: 5).isEmpty, "\(traces.leftovers(within: 0))")
    }

    @Test("--with-server without mallaudit-server beside mallaudit: exit 1 naming what to build, the demo's reports and bundle written, nothing left running")
    func missingServer() throws {
        let traces = try DemoTraces()
        defer { traces.remove() }
        // A copy of mallaudit alone in a folder of the checkout's .build (it finds the checklist and the demo mall
        // upwards from there, as the built one does).
        let lonely = repositoryRoot().appendingPathComponent(".build/demo-without-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: lonely, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: lonely) }
        let binary = lonely.appendingPathComponent("mallaudit")
        try FileManager.default.copyItem(at: try mallauditBinary(), to: binary)
        let output = traces.folder.appendingPathComponent("out")
        let demo = try traces.startDemo(output: output, options: ["--with-server"], binary: binary)
        demo.process.waitUntilExit()
        let stderr = traces.text("out.stderr")
        #expect(demo.process.terminationStatus == 1, "\(stderr)")
        #expect(
            stderr.hasPrefix(
                "mallaudit: \(lonely.path)/mallaudit-server: error: --with-server needs the bureau's service, "
                    + "mallaudit-server, beside mallaudit; it is not here (expected mallaudit-server built: "
                    + "swift build --product mallaudit-server"), "\(stderr)")
        for name in ["report.xml", "report.html", "demo-bundle.zip", "mallaudit.sqlite"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(name).path), "\(name)")
        }
        #expect(traces.text("out.stdout").contains("signed bundle: "))
        #expect(traces.leftovers(within: 5).isEmpty, "\(traces.leftovers(within: 0))")
    }

    @Test("--keep-serving without --with-server is a usage error (64): nothing is started")
    func keepServingAlone() throws {
        let traces = try DemoTraces()
        defer { traces.remove() }
        let output = traces.folder.appendingPathComponent("out")
        let outcome = try runMallaudit(
            ["demo", "--output", output.path, "--keep-serving"], environment: traces.environment)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("mallaudit: error: --keep-serving needs --with-server\n"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(traces.stateFolders.isEmpty)
    }

    /// Signs in on the pages as bureau-admin ($DEMO_ADMIN_PASSWORD) and prints {"mall": GET /api/v1/malls/CODE,
    /// "signatures": the signatures of its latest run} (arguments: the base URL, the credit code).
    static let bureauView = #"""
        import http.cookiejar, json, os, re, sys, urllib.error, urllib.parse, urllib.request
        base, code = sys.argv[1], sys.argv[2]
        class Stay(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), Stay)
        form = opener.open(base + "/sign-in").read().decode()
        csrf = re.search(r'name="csrf" value="([^"]*)"', form).group(1)
        data = urllib.parse.urlencode(
            {"csrf": csrf, "name": "bureau-admin", "password": os.environ["DEMO_ADMIN_PASSWORD"]}).encode()
        try:
            opener.open(base + "/sign-in", data)
            sys.exit("the sign-in did not redirect")
        except urllib.error.HTTPError as error:
            if error.code != 303:
                raise
        mall = json.load(opener.open(base + "/api/v1/malls/" + code))
        run = json.load(opener.open(base + "/api/v1/runs/%d" % mall["latestRun"]["id"]))
        print(json.dumps({"mall": mall, "signatures": run["signatures"]}))
        """#

    /// Files under `root` (recursively, as far as this process may read) whose bytes contain `text`.
    static func filesContaining(_ text: String, under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        let needle = Data(text.utf8)
        for case let relative as String in walker {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            if data.range(of: needle) != nil { found.append(path) }
        }
        return found
    }
}
