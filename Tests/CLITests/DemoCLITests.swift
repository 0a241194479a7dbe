import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program and returns its exit status and standard output.
private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let outcome = try runProcess(URL(fileURLWithPath: executable), arguments)
    return (outcome.status, outcome.stdout)
}

/// The README's first command, as a user runs it: `mallaudit demo` starts the demo mall's systems on loopback,
/// audits it, writes its reports (XML, HTML, JUnit, PDF, JSON, OSCAL) and stops the systems. The reports are then
/// checked with the tools a reader would use: xmllint against the shipped schema, headless Chromium for the HTML,
/// poppler for the PDF, jsonschema for the JSON and compliance-trestle for the OSCAL export.
@Suite("The demo mall, end to end", .serialized)
struct DemoCLITests {
    @Test("mallaudit demo leaves its reports: valid XML, JUnit, HTML, a Chinese PDF of ≤ 24 A4 pages, JSON, OSCAL")
    func demo() throws {
        let output = try temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(at: output) }
        let outcome = try runMallaudit(["demo", "--output", output.path])
        #expect(outcome.status == 0, "demo failed: \(outcome.stderr)")
        #expect(outcome.stdout.contains("nonConformant"), "the demo mall has problems on purpose")
        let xml = output.appendingPathComponent("report.xml")
        let html = output.appendingPathComponent("report.html")
        let junit = output.appendingPathComponent("report.junit.xml")
        for file in [xml, html, junit] {
            #expect(FileManager.default.fileExists(atPath: file.path), "missing \(file.lastPathComponent)")
        }

        // xmllint accepts the XML report against the shipped schema; JUnit is well-formed.
        let schema = repositoryRoot().appendingPathComponent("reports/report.xsd").path
        #expect(try run("/usr/bin/xmllint", ["--noout", "--nonet", "--schema", schema, xml.path]).status == 0)
        #expect(try run("/usr/bin/xmllint", ["--noout", "--nonet", junit.path]).status == 0)

        // Every clause of the checklist is in the report, with the verdict the run reached.
        let report = try String(contentsOf: xml, encoding: .utf8)
        let clauseIDs = report.components(separatedBy: "<clause id=\"").dropFirst()
            .compactMap { $0.split(separator: "\"").first.map(String.init) }
        #expect(clauseIDs.count == 63)
        // Who was audited, as the site profile names it: the formal report carries the credit code.
        #expect(report.contains("91320303MA1DEMO00X"))
        // The report shows checkpoints and the method section (limits and readings).
        #expect(report.contains(#"<checkpoint id="5.1.2-2/realName""#))
        #expect(report.contains(#"<setting key="readings.payment_capability" value="mall""#))

        // No shall statement passes on partial evidence: walk every stored result; a pass of a statement that has
        // checkpoints has a passing result for every one of them, and an every-area pass passes every area.
        let database = output.appendingPathComponent("mallaudit.sqlite").path
        let rows = try run("/usr/bin/sqlite3", [
            "-readonly", "-separator", "\u{1F}", database,
            "SELECT statement_id, verdict, checkpoints, areas FROM results WHERE run_id = 1",
        ])
        #expect(rows.status == 0)
        let body = try String(contentsOf: repositoryRoot().appendingPathComponent("checklists/mall-digital-service.xml"), encoding: .utf8)
        var judgedByCheckpoints = 0
        for line in rows.output.split(separator: "\n") {
            let fields = line.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            let checkpoints = try JSONSerialization.jsonObject(with: Data(fields[2].utf8)) as? [[String: Any]] ?? []
            let areas = try JSONSerialization.jsonObject(with: Data(fields[3].utf8)) as? [[String: Any]] ?? []
            let hasCheckpoints = body.contains("<statement id=\"\(fields[0])\"")
                && (body.components(separatedBy: "<statement id=\"\(fields[0])\"")[1]
                    .components(separatedBy: "</statement>")[0].contains("<checkpoint "))
            if hasCheckpoints {
                judgedByCheckpoints += 1
                #expect(!checkpoints.isEmpty, "\(fields[0]) has checkpoints but none were judged")
            }
            if fields[1] == "pass" {
                #expect(checkpoints.allSatisfy { $0["verdict"] as? String == "pass" }, "\(fields[0]) passed partially")
                #expect(
                    areas.allSatisfy { ["pass", "notApplicable"].contains($0["verdict"] as? String ?? "") },
                    "\(fields[0]) passed with an area failing")
            }
        }
        #expect(judgedByCheckpoints == 68)

        // Coverage (issue 14): no applicable shall statement is left notAssessed; every statement whose checklist
        // method is probe or data was judged with automated evidence (a probe or data check), not a finding alone;
        // and the demo mall is still non-conformant (above, and failures remain among the shall statements).
        let statementTags = body.components(separatedBy: "<statement id=\"").dropFirst().map { tail in
            String(tail.prefix { $0 != ">" })
        }
        func attribute(_ name: String, _ tag: String) -> String {
            tag.components(separatedBy: "\(name)=\"").dropFirst().first.map { String($0.prefix { $0 != "\"" }) } ?? ""
        }
        let statements = statementTags.map { tag in
            (id: String(tag.prefix { $0 != "\"" }), modality: attribute("modality", tag),
             methods: attribute("methods", tag).split(separator: " ").map(String.init))
        }
        #expect(statements.count == 107)
        let verdicts = try run("/usr/bin/sqlite3", [
            "-readonly", "-separator", "\u{1F}", database, "SELECT statement_id, verdict FROM results WHERE run_id = 1",
        ])
        var verdictOf: [String: String] = [:]
        for line in verdicts.output.split(separator: "\n") {
            let fields = line.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            verdictOf[fields[0]] = fields[1]
        }
        let automated = try run("/usr/bin/sqlite3", [
            "-readonly", "-separator", "\u{1F}", database,
            "SELECT statement_id, json_array_length(automated) FROM judgement_inputs WHERE run_id = 1",
        ])
        var automatedCount: [String: Int] = [:]
        for line in automated.output.split(separator: "\n") {
            let fields = line.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            automatedCount[fields[0]] = Int(fields[1]) ?? 0
        }
        var shallFailures = 0
        for statement in statements {
            let verdict = verdictOf[statement.id]
            #expect(verdict != nil, "\(statement.id) has no result")
            if ["shall", "shallNot"].contains(statement.modality) {
                #expect(verdict != "notAssessed", "shall statement \(statement.id) was not assessed")
                if verdict == "fail" { shallFailures += 1 }
            }
            if statement.methods.contains("probe") || statement.methods.contains("data") {
                #expect((automatedCount[statement.id] ?? 0) > 0, "\(statement.id) (probe/data) judged without a probe")
            }
        }
        #expect(shallFailures >= 5, "the demo mall is realistically non-conformant")

        // The merchant named <script>alert(1)</script> (demo payments and kiosk data) is text, never markup.
        let source = try String(contentsOf: html, encoding: .utf8)
        #expect(source.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!source.contains("<script"))
        #expect(source.contains("91320303MA1DEMO00X") && source.contains("示例路 88 号"))

        // Headless Chromium renders it: the verdict, the chart and every clause are in the rendered page, and a
        // screenshot is a real PNG.
        let chromium = "/usr/bin/chromium"
        let dom = try run(
            chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", html.absoluteString])
        #expect(dom.status == 0)
        #expect(dom.output.contains("不符合"))
        #expect(dom.output.contains("<svg"))
        for id in clauseIDs { #expect(dom.output.contains(id), "clause \(id) not rendered") }
        let shot = output.appendingPathComponent("report.png")
        let screenshot = try run(
            chromium, [
                "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600",
                "--screenshot=\(shot.path)", html.absoluteString,
            ])
        #expect(screenshot.status == 0)
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 20_000, "a blank page would be far smaller")

        try checkPrintedAndExchangeFormats(output)

        // The run's bundle: signed by the inspector (SM2), countersigned by the mall (Ed25519), and `mallaudit verify`
        // accepts it against the two public keys the demo left; the demo prints that command.
        let bundle = output.appendingPathComponent("demo-bundle.zip")
        let trust = output.appendingPathComponent("trusted-keys")
        #expect(outcome.stdout.contains("mallaudit verify \(bundle.path) --trust \(trust.path)"), "\(outcome.stdout)")
        let verified = try runMallaudit(["verify", bundle.path, "--trust", trust.path, "--format", "json"])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        let verification = try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any]
        #expect(verification?["status"] as? String == "valid")
        let signatures = verification?["signatures"] as? [[String: Any]] ?? []
        #expect(signatures.map { $0["role"] as? String } == ["inspector", "mall"])
        #expect(signatures.map { $0["name"] as? String } == ["王工", "星河广场"])
        // Trusting the inspector's key alone does not make the mall's countersignature valid.
        let inspectorOnly = trust.appendingPathComponent("inspector.pub")
        let partial = try runMallaudit(["verify", bundle.path, "--trust", inspectorOnly.path])
        #expect(partial.status == 2, "\(partial.stdout)")

        // A second demo run adds a run to the same database: the re-inspection diff works on the demo data.
        let again = try runMallaudit(["demo", "--output", output.path])
        #expect(again.status == 0)
        let diff = try runMallaudit([
            "diff", "1", "2", "--db", output.appendingPathComponent("mallaudit.sqlite").path, "--format", "json",
        ])
        #expect(diff.status == 2, "items are still open: diff exits 2")
        // Every statement is somewhere in the listing (unchanged ones too): look in the right list.
        struct Listing: Decodable {
            struct Entry: Decodable { var statement: String }
            var stillOpen: [Entry]
        }
        let listing = try JSONDecoder().decode(Listing.self, from: Data(diff.stdout.utf8))
        #expect(listing.stillOpen.map(\.statement).contains("5.1.2-3"), "a failure present in both runs is still open")
    }
}

/// What a demo leaves behind, found by the temporary folder it was given (`TMPDIR`): its state folders live there,
/// and every process it starts names its state folder on its command line.
struct DemoTraces {
    let folder: URL

    init() throws { folder = try temporaryDirectory("demo-traces") }

    var environment: [String: String] { ["TMPDIR": folder.path] }

    /// The state folders (`mallaudit-demo.XXXXXX`) present now.
    var stateFolders: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
            $0.hasPrefix("mallaudit-demo.")
        }
    }

    /// Processes whose command line mentions the folder and that run (an orphan's zombie, dead but not yet reaped by
    /// init, does not count): pid and command line.
    var runningProcesses: [String] {
        var found: [String] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != getpid(),
                let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8)
            else { continue }
            let command = String(decoding: cmdline.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            guard command.contains(folder.path) else { continue }
            let state = stat.split(separator: ")").last?.split(separator: " ").first ?? ""
            if state != "Z" { found.append("\(pid): \(command)") }
        }
        return found
    }

    /// Waits up to `seconds` for no process and no state folder to be left; returns what is left.
    func leftovers(within seconds: Double) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let left = runningProcesses + stateFolders
            if left.isEmpty || Date() > deadline { return left }
            usleep(100_000)
        }
    }

    /// Starts `mallaudit demo --output OUTPUT` (and `options`) with this folder as its TMPDIR (and `environment`),
    /// output to files; `binary` instead of the built mallaudit when given.
    func startDemo(
        output: URL, options: [String] = [], environment extra: [String: String] = [:], binary: URL? = nil
    ) throws -> ChildProcess {
        try ChildProcess(
            binary ?? mallauditBinary(), ["demo", "--output", output.path] + options,
            environment: environment.merging(extra) { $1 },
            output: FileHandle(forWritingTo: try file(output.lastPathComponent + ".stdout")),
            errors: FileHandle(forWritingTo: try file(output.lastPathComponent + ".stderr")))
    }

    func file(_ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try #require(FileManager.default.createFile(atPath: url.path, contents: nil), "cannot create \(url.path)")
        return url
    }

    func text(_ name: String) -> String {
        (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Waits (up to 30 s) until a demo's systems are up: its state folder has ports.json.
    func waitForSystems() -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            for state in stateFolders
            where FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(state)/ports.json").path) {
                return true
            }
            usleep(50_000)
        }
        return false
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// statement id → verdict of run 1, read with the sqlite3 tool.
private func verdicts(_ database: URL) throws -> [String: String] {
    let rows = try runTool(
        "/usr/bin/sqlite3", ["-readonly", database.path, "SELECT statement_id || ' ' || verdict FROM results WHERE run_id = 1"])
    var result: [String: String] = [:]
    for line in rows.split(separator: "\n") {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        if parts.count == 2 { result[parts[0]] = parts[1] }
    }
    return result
}

@Suite("The demo: free ports, its own state, nothing left running", .serialized)
struct DemoIsolationTests {
    @Test("two `mallaudit demo` processes at the same time both succeed with the same verdicts, and afterwards no process they started is still running")
    func twoAtOnce() throws {
        let traces = try DemoTraces()
        defer { traces.remove() }
        let demoFolder = repositoryRoot().appendingPathComponent("examples/demo-mall")
        let before = try FileManager.default.contentsOfDirectory(atPath: demoFolder.path).sorted()
        let outputs = ["a", "b"].map { traces.folder.appendingPathComponent("out-\($0)") }
        let demos = try outputs.map { try traces.startDemo(output: $0) }
        for demo in demos { demo.process.waitUntilExit() }
        for (demo, output) in zip(demos, outputs) {
            #expect(
                demo.process.terminationStatus == 0,
                "\(output.lastPathComponent): \(traces.text(output.lastPathComponent + ".stderr"))")
            for report in ["report.xml", "report.html", "report.junit.xml"] {
                #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(report).path))
            }
        }
        let first = try verdicts(outputs[0].appendingPathComponent("mallaudit.sqlite"))
        let second = try verdicts(outputs[1].appendingPathComponent("mallaudit.sqlite"))
        #expect(first.count == 107)
        #expect(first == second, "the same demo mall gives the same verdicts, whoever runs beside it")
        #expect(first.values.contains("error"), "the 3F gateway is dead on purpose")
        #expect(traces.leftovers(within: 5).isEmpty, "\(traces.leftovers(within: 0))")
        // Nothing was written into the checkout.
        #expect(try FileManager.default.contentsOfDirectory(atPath: demoFolder.path).sorted() == before)
    }

    @Test(
        "SIGTERM or SIGINT mid-demo: its systems are stopped, its state removed, exit 128 + the signal",
        arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func interrupted(signal: Int32, status: Int32) throws {
        let traces = try DemoTraces()
        defer { traces.remove() }
        let demo = try traces.startDemo(output: traces.folder.appendingPathComponent("out"))
        #expect(traces.waitForSystems(), "the demo's systems did not come up: \(traces.text("out.stderr"))")
        #expect(!traces.runningProcesses.isEmpty, "the systems run, naming their state folder")
        kill(demo.process.processIdentifier, signal)
        demo.process.waitUntilExit()
        #expect(demo.process.terminationReason == .exit)
        #expect(demo.process.terminationStatus == status, "\(traces.text("out.stderr"))")
        // The handler stopped everything before the exit: nothing is left even a moment later.
        #expect(traces.runningProcesses.isEmpty, "\(traces.runningProcesses)")
        #expect(traces.stateFolders.isEmpty)
    }

    @Test("SIGKILL mid-demo: the systems' watchdog sees the demo gone, stops them and removes the state")
    func killed() throws {
        let traces = try DemoTraces()
        defer { traces.remove() }
        let demo = try traces.startDemo(output: traces.folder.appendingPathComponent("out"))
        #expect(traces.waitForSystems(), "the demo's systems did not come up: \(traces.text("out.stderr"))")
        demo.kill()
        #expect(demo.process.terminationReason == .uncaughtSignal)
        #expect(traces.leftovers(within: 10).isEmpty, "\(traces.leftovers(within: 0))")
    }

    @Test("a system that does not answer fails the demo with exit 1, naming it; nothing is left running")
    func silentSystem() throws {
        let traces = try DemoTraces()
        defer { traces.remove() }
        // An snmpd that starts but never answers for the 2F gateway; the real one for the others.
        let bin = traces.folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let stub = bin.appendingPathComponent("snmpd")
        try """
            #!/bin/bash
            case "$*" in
              *gateway_2f*) exec python3 -c 'import time; time.sleep(600)' "$@" ;;
              *) exec /usr/sbin/snmpd "$@" ;;
            esac

            """.write(to: stub, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let demo = try traces.startDemo(
            output: traces.folder.appendingPathComponent("out"), environment: ["PATH": path, "DEMO_PEER_WAIT": "2"])
        demo.process.waitUntilExit()
        #expect(demo.process.terminationStatus == 1)
        let stderr = traces.text("out.stderr")
        #expect(stderr.hasPrefix("mallaudit: error: the demo's systems did not start: "), "\(stderr)")
        #expect(stderr.contains("demo peer gateway_2f (snmpd on udp:127.0.0.1:"), "\(stderr)")
        #expect(stderr.contains("did not answer within 2 s"), "\(stderr)")
        #expect(traces.leftovers(within: 5).isEmpty, "\(traces.leftovers(within: 0))")
        #expect(!FileManager.default.fileExists(atPath: traces.folder.appendingPathComponent("out/report.xml").path))
    }
}

/// The Chinese HTML and PDF of the demo are Chinese throughout and name nothing of the machine they ran on; the PDF
/// is at most 24 A4 pages, each with the mall's name, the judgement date and page x / y; the JSON report validates
/// against reports/report.schema.json and the OSCAL export passes `trestle validate` (issue 15's "done when").
private func checkPrintedAndExchangeFormats(_ output: URL) throws {
    let html = try String(contentsOf: output.appendingPathComponent("report.html"), encoding: .utf8)
    let pdf = output.appendingPathComponent("report.pdf")
    let pages = try ReportVerifiers.pdfPages(pdf)
    let info = try ReportVerifiers.pdfInfo(pdf)

    // Chinese throughout: no run of four or more Latin-script words but what the mall's own systems said, quoted
    // as they said it (the strings its HTTP APIs return, the lines of its exports) and the standard's English title.
    let allowed = try demoMallData() + ["Specification for digital services of shopping malls"]
    let htmlText = ReportVerifiers.htmlText(html)
    #expect(LatinProse.runs(in: htmlText, allowing: allowed) == [], "English prose in the Chinese HTML report")
    // pdftotext -layout puts table columns side by side on one line: two or more spaces separate columns.
    let pdfText = pages.joined(separator: "\n").replacingOccurrences(of: "  +", with: "\n", options: .regularExpression)
    #expect(LatinProse.runs(in: pdfText, allowing: allowed) == [], "English prose in the Chinese PDF report")
    // The guard is not blind: the English report of the same run is prose.
    let english = output.appendingPathComponent("report.en.html")
    let written = try runMallaudit([
        "report", "--db", output.appendingPathComponent("mallaudit.sqlite").path, "--format", "html", "--lang", "en",
        "--output", english.path,
    ])
    #expect(written.status == 0, "\(written.stderr)")
    let englishRuns = LatinProse.runs(in: ReportVerifiers.htmlText(try String(contentsOf: english, encoding: .utf8)))
    #expect(englishRuns.count > 100, "the check finds prose where there is some")

    // No path of this machine in any report: not the output folder, the checkout, the home folder or /tmp.
    var machinePaths = [output.path, repositoryRoot().path, "/tmp/", "/work/", "/home/", "/root/"]
    if let home = ProcessInfo.processInfo.environment["HOME"], home.count > 1 { machinePaths.append(home + "/") }
    let texts = [
        ("report.html", html), ("report.pdf", pages.joined()), ("pdfinfo", info.values.joined(separator: "\n")),
        ("report.xml", try String(contentsOf: output.appendingPathComponent("report.xml"), encoding: .utf8)),
        ("report.json", try String(contentsOf: output.appendingPathComponent("report.json"), encoding: .utf8)),
        ("report.oscal.json", try String(contentsOf: output.appendingPathComponent("report.oscal.json"), encoding: .utf8)),
    ]
    for (name, text) in texts {
        for path in machinePaths {
            #expect(!text.contains(path), "\(name) shows \(path)")
        }
    }
    #expect(html.contains("exports/wifi-logs/"), "files are named relative to the site profile")

    // The PDF: A4, at most 24 pages, every page with the mall's name, the judgement date and page x / y
    // (pdftotext drops the spaces between Chinese and digits: compared without white space).
    #expect(info["Page size"]?.contains("(A4)") == true, "\(info)")
    #expect(pages.count == Int(info["Pages"] ?? ""))
    #expect((2...24).contains(pages.count), "\(pages.count) pages")
    for (index, page) in pages.map({ $0.filter { !$0.isWhitespace } }).enumerated() {
        #expect(page.contains("星河广场"), "the mall's name on page \(index + 1)")
        #expect(page.contains("第\(index + 1)页/共\(pages.count)页"), "page number on page \(index + 1)")
        #expect(page.contains("判定基准日2026-11-20"), "the judgement date on page \(index + 1)")
    }
    let fonts = try ReportVerifiers.pdfFonts(pdf)
    #expect(!fonts.isEmpty && fonts.allSatisfy(\.embedded), "\(fonts)")

    // The formats other tools read, checked by those tools.
    let schema = repositoryRoot().appendingPathComponent("reports/report.schema.json")
    #expect(try ReportVerifiers.jsonSchemaProblems(document: output.appendingPathComponent("report.json"), schema: schema) == [])
    let oscal = try ReportVerifiers.trestleValidate(output.appendingPathComponent("report.oscal.json"))
    #expect(oscal.valid, "\(oscal.output)")
}

/// What the demo mall's own systems return, as they return it: every string of its HTTP APIs' JSON and every line
/// of its text exports. A report quotes these as written (a data value, an unreadable log line), in any language.
private func demoMallData() throws -> [String] {
    let demo = repositoryRoot().appendingPathComponent("examples/demo-mall")
    var strings: [String] = []
    func collect(_ value: Any) {
        if let text = value as? String { strings.append(text) }
        if let array = value as? [Any] { array.forEach(collect) }
        if let object = value as? [String: Any] { object.values.forEach(collect) }
    }
    let http = demo.appendingPathComponent("http")
    for name in try FileManager.default.contentsOfDirectory(atPath: http.path) where name.hasSuffix(".json") {
        collect(try JSONSerialization.jsonObject(with: Data(contentsOf: http.appendingPathComponent(name))))
    }
    let exports = demo.appendingPathComponent("exports")
    let files = FileManager.default.enumerator(atPath: exports.path)?.compactMap { $0 as? String } ?? []
    for name in files where name.hasSuffix(".log") || name.hasSuffix(".csv") {
        let text = try String(contentsOf: exports.appendingPathComponent(name), encoding: .utf8)
        strings += text.split(whereSeparator: \.isNewline).map(String.init)
    }
    // The strings its SNMP agents serve, each value whole: the snmpd values files (`OID octet_str "text"`) and the
    // core switch's recording (snmpsim's `OID|4|text`, `OID|4x|hex`), written the way peers.sh writes it.
    let snmp = demo.appendingPathComponent("snmp")
    for name in try FileManager.default.contentsOfDirectory(atPath: snmp.path) where name.hasSuffix(".txt") {
        let text = try String(contentsOf: snmp.appendingPathComponent(name), encoding: .utf8)
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            if parts.count == 3, parts[1] == "octet_str", parts[2].hasPrefix("\""), parts[2].hasSuffix("\"") {
                strings.append(String(parts[2].dropFirst().dropLast()))
            }
        }
    }
    let recording = try runProcess(URL(fileURLWithPath: "/usr/bin/python3"), [
        repositoryRoot().appendingPathComponent("scripts/snmp/mall-switch.py").path, "demo",
        "/usr/share/doc/snmpsim/examples/data/cisco_16_switch.snmprec.gz",
    ])
    #expect(recording.status == 0, "\(recording.stderr)")
    for line in recording.stdout.split(whereSeparator: \.isNewline) {
        let parts = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { continue }
        if parts[1] == "4" { strings.append(parts[2]) }
        if parts[1] == "4x", let text = hexText(parts[2]) { strings.append(text) }
    }
    return strings
}

/// The UTF-8 text a snmprec `4x` value (hex) holds, when it is text.
private func hexText(_ hex: String) -> String? {
    var bytes: [UInt8] = []
    var rest = Substring(hex)
    while rest.count >= 2 {
        guard let byte = UInt8(rest.prefix(2), radix: 16) else { return nil }
        bytes.append(byte)
        rest = rest.dropFirst(2)
    }
    return String(bytes: bytes, encoding: .utf8)
}
