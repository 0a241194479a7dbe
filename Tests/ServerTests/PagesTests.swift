import AuditHTTP
import Foundation
import Testing

/// The bureau's web pages (docs/pages.md) against the real server and PostgreSQL: over HTTP (scope by every page
/// route, CSRF on every form, cookies, escaping, CSV) and in headless Chromium (Tests/Browser/pages_browser.py).
@Suite("Pages")
struct PagesTests {
    static let xssName = "<script>alert(1)</script>"
    static let xssMall = "91320300MA1XSS0001"

    /// A page client: a session from the API's sign-in, pages fetched with its cookie, forms posted as a browser
    /// posts them.
    struct Browserless {
        let api: APIClient
        let cookie: String
        let csrf: String

        static func signIn(_ api: APIClient, _ name: String) async throws -> Browserless {
            let (credential, answer) = try await api.signIn(name)
            guard case .session(let cookie, let csrf?) = credential else {
                throw ServerWorld.CommandFailed(message: "sign-in as \(name) failed: \(answer.status) \(answer.text)")
            }
            return Browserless(api: api, cookie: cookie, csrf: csrf)
        }

        func get(_ path: String) async throws -> Answer {
            try await api.send(.get, path, body: nil, credential: .session(cookie: cookie, csrf: nil))
        }

        /// Posts `fields` as `application/x-www-form-urlencoded`; `csrf: nil` leaves the token out.
        func post(_ path: String, _ fields: [String: String], csrf: String?) async throws -> Answer {
            var fields = fields
            if let csrf { fields["csrf"] = csrf }
            return try await api.send(
                .post, path, body: Data(formBody(fields).utf8), credential: .session(cookie: cookie, csrf: nil),
                headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")])
        }
    }

    static func formBody(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)"
        }.joined(separator: "&")
    }

    /// Every `Set-Cookie` of an answer.
    static func cookies(_ answer: Answer) -> [String] {
        answer.headers.fields.filter { $0.name.lowercased() == "set-cookie" }.map(\.value)
    }

    /// Files `bundle` as `account`, requiring 201.
    @discardableResult
    static func file(_ api: APIClient, _ bundle: Data, as account: ServerWorld.Account) async throws -> [String: Any] {
        let answer = try await api.post("/api/v1/bundles", data: bundle, as: .token(account.token))
        try #require(answer.status == 201, "\(answer.text)")
        return answer.object
    }

    /// A bundle of the tests' bundle helper (only its common surface: mall, run, failing statements, date).
    static func bundle(_ code: String, _ name: String, run: String, date: String, failing: Set<String> = [])
        -> TestBundle
    {
        TestBundle.mall(code, name, run: run, failing: failing, date: date)
    }

    // MARK: scope, CSRF, escaping over HTTP

    @Test("A mall account sees nothing of another mall on any page or export; the bureau does, by the same URLs")
    func scopeOnEveryPage() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let inspector = Signing(signer: bureau.inspectorKey, role: "inspector")
        let a = try await Self.file(
            api, Self.bundle(Bureau.mallA, "云龙万达广场", run: "A-1", date: "2026-05-01").signed([inspector]),
            as: bureau.inspector)
        var runsB: [Int] = []
        for (run, date, failing) in [("B-1", "2026-03-01", ["6.1.d"]), ("B-2", "2026-06-01", ["6.1.d", "5.1.2-3"])] {
            let filed = try await Self.file(
                api, Self.bundle(Bureau.mallB, "金鹰国际购物中心", run: run, date: date, failing: Set(failing))
                    .signed([inspector]), as: bureau.inspector)
            runsB.append(try #require(filed["runId"] as? Int))
        }
        let item = try await api.post(
            "/api/v1/malls/\(Bureau.mallB)/rectifications", json: ["statementId": "6.1.d", "dueDate": "2026-07-01"],
            as: .token(bureau.admin.token))
        try #require(item.status == 201, "\(item.text)")
        let itemB = try #require(item.object["id"] as? Int)
        let runA = try #require(a["runId"] as? Int)

        let routes = try world.admin(["routes", "--pages"]).split(separator: "\n").map {
            let parts = $0.split(separator: " ")
            return (method: String(parts[0]), path: String(parts[1]))
        }
        let gets = routes.filter { $0.method == "GET" && $0.path != "/" && $0.path != "/sign-in" }
        #expect(gets.count >= 9, "\(routes)")
        func pathToB(_ template: String) -> String {
            var path = template.replacingOccurrences(of: "{creditCode}", with: Bureau.mallB)
                .replacingOccurrences(of: "{runId}", with: String(runsB[0]))
                .replacingOccurrences(of: "{clauseId}", with: "6.1").replacingOccurrences(of: "{name}", with: "report.html")
            if template.hasSuffix("/diff") { path += "?from=\(runsB[0])&to=\(runsB[1])" }
            return path
        }
        let mallA = try await Browserless.signIn(api, "mall-a")
        let admin = try await Browserless.signIn(api, "admin")
        let tracesOfB = [Bureau.mallB, "金鹰国际购物中心", "鼓楼区"]
        var revealed = 0
        for route in gets {
            let path = pathToB(route.path)
            let asMallA = try await mallA.get(path)
            #expect([200, 404].contains(asMallA.status), "\(path) as mall A: \(asMallA.status)")
            for trace in tracesOfB {
                #expect(!asMallA.text.contains(trace), "\(path) shows mall A '\(trace)'")
            }
            let asAdmin = try await admin.get(path)
            if tracesOfB.contains(where: { asAdmin.text.contains($0) }) { revealed += 1 }
            if asMallA.status == 404 {
                // Exactly what a URL of nothing at all answers.
                let nothing = path.replacingOccurrences(of: Bureau.mallB, with: "91320300MA1ZZZZZ0Z")
                    .replacingOccurrences(of: "/runs/\(runsB[0])", with: "/runs/999999")
                    .replacingOccurrences(of: "/clauses/6.1", with: "/clauses/9.9")
                let missing = try await mallA.get(nothing)
                #expect(missing.status == 404 && missing.text == asMallA.text, "\(path) vs \(nothing)")
            }
        }
        // The control: B is really behind these URLs (the report route has no report in a test bundle).
        #expect(revealed >= gets.count - 2, "only \(revealed) of \(gets.count) page routes showed mall B to the bureau")
        #expect(try await mallA.get("/malls/\(Bureau.mallB)").status == 404)
        #expect(try await admin.get("/malls/\(Bureau.mallB)").status == 200)
        #expect(try await mallA.get("/runs/\(runA)").status == 200)
        // The export honours the scope too.
        let csvAsA = try await mallA.get("/rectifications.csv?state=all")
        #expect(csvAsA.status == 200 && !csvAsA.text.contains(Bureau.mallB))
        let csvAsAdmin = try await admin.get("/rectifications.csv?state=overdue")
        #expect(csvAsAdmin.status == 200 && csvAsAdmin.text.contains("\(Bureau.mallB),金鹰国际购物中心,鼓楼区,6.1.d,open,2026-07-01,yes"))
        #expect(csvAsAdmin.headers["Content-Disposition"]?.hasPrefix("attachment;") == true)

        // A mall account's forms are refused (403), with or without its token; nothing changes.
        let forms: [(String, [String: String])] = [
            ("/malls/\(Bureau.mallB)/rectifications", ["statementId": "5.1.2-3", "dueDate": "2026-12-31"]),
            ("/malls/\(Bureau.mallA)/rectifications", ["statementId": "5.1.2-3", "dueDate": "2026-12-31"]),
            ("/rectifications/\(itemB)/confirm", ["note": "seen"]),
        ]
        for (path, fields) in forms {
            let answer = try await mallA.post(path, fields, csrf: mallA.csrf)
            #expect([403, 404].contains(answer.status), "mall A POST \(path): \(answer.status)")
        }
        #expect(try world.count("SELECT count(*) FROM rectifications") == 1)
        #expect(try world.sql("SELECT state FROM rectifications") == "open")

        // CSRF: the bureau's own forms without the token, or with another session's, are refused.
        let due = ["statementId": "5.1.2-3", "dueDate": "2026-12-31"]
        for csrf in [nil, "", mallA.csrf, String(admin.csrf.reversed())] {
            let answer = try await admin.post("/malls/\(Bureau.mallB)/rectifications", due, csrf: csrf)
            #expect(answer.status == 403, "csrf \(csrf ?? "none"): \(answer.status)")
            #expect(answer.text.contains("表单已失效"))
        }
        #expect(try await admin.post("/rectifications/\(itemB)/confirm", ["note": "seen"], csrf: nil).status == 403)
        #expect(try await admin.post("/sign-out", [:], csrf: nil).status == 403)
        #expect(try world.count("SELECT count(*) FROM rectifications") == 1)
        // With it, they work (303 back to the mall) and leave their trace in the access log.
        let set = try await admin.post("/malls/\(Bureau.mallB)/rectifications", due, csrf: admin.csrf)
        #expect(set.status == 303 && set.headers["Location"] == "/malls/\(Bureau.mallB)#rectifications")
        #expect(try world.count("SELECT count(*) FROM rectifications WHERE statement_id = '5.1.2-3'") == 1)
        // A due date on a statement that passes is refused by the service's rule, shown as a page.
        let refused = try await admin.post(
            "/malls/\(Bureau.mallB)/rectifications", ["statementId": "5.1.1-1", "dueDate": "2026-12-31"],
            csrf: admin.csrf)
        #expect(refused.status == 422 && refused.text.contains("not fail"), "\(refused.status)")
        let confirm = try await admin.post("/rectifications/\(itemB)/confirm", ["note": "复查通过"], csrf: admin.csrf)
        #expect(confirm.status == 303)
        #expect(try world.sql("SELECT close_reason || ' ' || close_note FROM rectifications WHERE id = \(itemB)")
            == "bureau-confirmation 复查通过")
        #expect(try world.count("SELECT count(*) FROM access_log WHERE action = 'confirm-rectification'") == 1)
        #expect(try world.count("SELECT count(*) FROM access_log WHERE action = 'view-mall' AND target = 'page'") >= 1)

        // Signed out by the page's form, the session is gone for the pages and the API alike.
        let out = try await admin.post("/sign-out", [:], csrf: admin.csrf)
        #expect(out.status == 303 && out.headers["Location"] == "/sign-in")
        let after = try await admin.get("/overview")
        #expect(after.status == 303 && after.headers["Location"]?.hasPrefix("/sign-in?next=") == true)
        #expect(try await api.get("/api/v1/malls", as: .session(cookie: admin.cookie, csrf: nil)).status == 401)
    }

    /// The overview's chart over time: at each month's end, every mall counted once by its latest run judged by
    /// then (a run superseded within its month never stands at a month's end). Months relative to this one on the
    /// bureau's clock, so the test reads the same whenever it runs.
    @Test("Conformance at each month's end: a mall's latest run by then, superseded runs not counted, no month before the first run")
    func conformanceByMonth() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let now = calendar.dateComponents([.year, .month], from: Date())
        let thisMonth = try #require(calendar.date(from: DateComponents(year: now.year, month: now.month, day: 1)))
        func day(_ months: Int, _ day: Int) throws -> String {
            let month = try #require(calendar.date(byAdding: .month, value: months, to: thisMonth))
            let parts = calendar.dateComponents([.year, .month], from: month)
            return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, day)
        }
        func label(_ months: Int) throws -> String { String(try day(months, 1).dropFirst(2).prefix(5)) }
        let inspector = Signing(signer: bureau.inspectorKey, role: "inspector")
        for (code, run, date, failing) in [
            (Bureau.mallA, "A1", try day(-3, 1), ["6.1.d"]),  // superseded within its month
            (Bureau.mallA, "A2", try day(-3, 20), []),
            (Bureau.mallB, "B1", try day(-2, 20), []),
            (Bureau.mallA, "A3", try day(-1, 10), ["6.1.d"]),
        ] {
            try await Self.file(
                api, Self.bundle(code, Bureau.name(code), run: run, date: date, failing: Set(failing)).signed([inspector]),
                as: bureau.inspector)
        }
        let (session, _) = try await api.signIn("admin")
        let page = try await api.send(.get, "/overview?lang=en", body: nil, credential: session)
        #expect(page.status == 200)
        let chart = try #require(page.text.components(separatedBy: "id=\"chart-time\"").dropFirst().first?
            .components(separatedBy: "</figure>").first)
        let titles = Set(chart.components(separatedBy: "<title>").dropFirst()
            .compactMap { $0.components(separatedBy: "</title>").first })
        let expected: Set<String> = [
            "\(try label(-3)) · Conformant: 1",
            "\(try label(-2)) · Conformant: 2",
            "\(try label(-1)) · Conformant: 1", "\(try label(-1)) · Non-conformant: 1",
            "\(try label(0)) · Conformant: 1", "\(try label(0)) · Non-conformant: 1",
        ]
        #expect(titles == expected, "\(titles.sorted())")
    }

    @Test("Every value from a bundle is escaped on every page; pages carry no script and forbid any")
    func escaping() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let inspector = Signing(signer: bureau.inspectorKey, role: "inspector")
        // The mall's name comes from the bundle (a new mall); the district is the bureau's (also markup here).
        let filed = try await Self.file(
            api, Self.bundle(Self.xssMall, Self.xssName, run: "<b>R1</b>", date: "2026-04-01", failing: ["6.1.d", "5.1.2-3"])
                .signed([inspector]), as: bureau.inspector)
        let run = try #require(filed["runId"] as? Int)
        try await Self.file(
            api, Self.bundle(Self.xssMall, Self.xssName, run: "R2", date: "2026-05-01", failing: ["5.1.2-3"])
                .signed([inspector]), as: bureau.inspector)
        try world.admin(["mall", "district", "--credit-code", Self.xssMall, "--district", "<b>区</b>"])
        let item = try await api.post(
            "/api/v1/malls/\(Self.xssMall)/rectifications",
            json: ["statementId": "6.1.d", "dueDate": "2026-06-01", "runId": run], as: .token(bureau.admin.token))
        try #require(item.status == 201, "\(item.text)")
        let admin = try await Browserless.signIn(api, "admin")
        let pages = [
            "/overview", "/overview?lang=en", "/clauses", "/clauses/5.1.2", "/clauses/6.1", "/malls/\(Self.xssMall)",
            "/malls/\(Self.xssMall)?lang=en", "/malls/\(Self.xssMall)/diff", "/runs/\(run)", "/rectifications?state=all",
            "/rectifications?state=overdue",
        ]
        for path in pages {
            let page = try await admin.get(path)
            #expect(page.status == 200, "\(path): \(page.status)")
            // The pages carry no script of their own, so any <script is a value printed unescaped.
            #expect(!page.text.lowercased().contains("<script"), "\(path) holds a <script")
            #expect(!page.text.contains("<b>区</b>"), "\(path) holds the district unescaped")
            if !path.hasPrefix("/clauses") || path == "/clauses/5.1.2" {
                #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path) does not name the mall")
            }
            #expect(page.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
            #expect(page.headers["Content-Security-Policy"]?.contains("script-src") == false)
            #expect(page.headers["X-Frame-Options"] == "DENY")
        }
        let mall = try await admin.get("/malls/\(Self.xssMall)")
        #expect(mall.text.contains("&lt;b&gt;区&lt;/b&gt;"))
        // The run's own reference (from the bundle) too.
        #expect(mall.text.contains("&lt;b&gt;R1&lt;/b&gt;") && !mall.text.contains("<b>R1</b>"))
        let runText = try await admin.get("/runs/\(run)").text
        #expect(runText.contains("&lt;b&gt;R1&lt;/b&gt;") && !runText.contains("<b>R1</b>"))
        // The CSV keeps the name as data.
        let csv = try await admin.get("/rectifications.csv?state=all")
        #expect(csv.text.hasPrefix("\u{FEFF}id,credit_code"))
        #expect(csv.text.contains(",\(Self.xssMall),\(Self.xssName),<b>区</b>,6.1.d,"))

        // Report members: each one the run page links is served as filed, HTML in a sandbox; none is served that
        // the bundle does not hold (a bundle of the test format holds none), and no path leaves `reports/`.
        let runPage = try await admin.get("/runs/\(run)").text
        let links = runPage.components(separatedBy: "class=\"report-link\" href=\"").dropFirst()
            .compactMap { $0.split(separator: "\"").first.map(String.init) }
        for link in links {
            let member = try await admin.get(link)
            #expect(member.status == 200, "\(link): \(member.status)")
            if link.hasSuffix(".html") {
                #expect(member.headers["Content-Security-Policy"]?.hasPrefix("sandbox") == true)
            }
        }
        if !links.contains(where: { $0.hasSuffix("/report.html") }) {
            #expect(try await admin.get("/runs/\(run)/reports/report.html").status == 404)
        }
        #expect(try await admin.get("/runs/\(run)/reports/..%2Fmanifest.json").status == 404)
        #expect(try await admin.get("/runs/\(run)/reports/manifest.exe").status == 404)
    }

    @Test("Sign-in: a double-submit token on the form, HttpOnly/SameSite cookies, Secure behind an HTTPS proxy, lockout on every instance")
    func signIn() async throws {
        let world = try ServerWorld(
            yaml: "limits: {requests_per_second: 1000, burst: 2000, sign_in_failures: 3, lockout_seconds: 600}\n"
                + "proxy: {trust_forwarded_for: true}")
        _ = try Bureau(world)
        let one = APIClient(try await world.start())
        let two = APIClient(try await world.start())
        // The form sets its token as a cookie; a POST without the matching cookie is refused before any password check.
        let form = try await one.get("/sign-in")
        #expect(form.status == 200)
        let tokenCookie = try #require(Self.cookies(form).first { $0.hasPrefix("mallaudit_signin=") })
        #expect(tokenCookie.contains("HttpOnly") && tokenCookie.contains("SameSite=Strict") && !tokenCookie.contains("Secure"))
        let token = String(tokenCookie.dropFirst("mallaudit_signin=".count).prefix { $0 != ";" })
        #expect(form.text.contains("name=\"csrf\" value=\"\(token)\""))
        func post(_ client: APIClient, password: String, token: String?, cookie: String?, proto: String? = nil)
            async throws -> Answer
        {
            var fields = ["name": "admin", "password": password, "next": "/clauses"]
            if let token { fields["csrf"] = token }
            var headers = [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")]
            if let cookie { headers.append(.secret("Cookie", "mallaudit_signin=\(cookie)")) }
            if let proto { headers.append(HTTPHeader("X-Forwarded-Proto", proto)) }
            return try await client.send(
                .post, "/sign-in", body: Data(Self.formBody(fields).utf8), credential: .none, headers: headers)
        }
        #expect(try await post(one, password: ServerWorld.password, token: token, cookie: nil).status == 403)
        #expect(try await post(one, password: ServerWorld.password, token: nil, cookie: token).status == 403)
        #expect(try await post(one, password: ServerWorld.password, token: "x" + token, cookie: token).status == 403)
        #expect(try world.count("SELECT count(*) FROM sessions") == 0)
        // The right form signs in: a session cookie (HttpOnly, SameSite=Strict), back to `next`.
        let plain = try await post(one, password: ServerWorld.password, token: token, cookie: token)
        #expect(plain.status == 303 && plain.headers["Location"] == "/clauses")
        let session = try #require(Self.cookies(plain).first { $0.hasPrefix("mallaudit_session=") })
        #expect(session.contains("HttpOnly") && session.contains("SameSite=Strict") && !session.contains("Secure"))
        // Behind a proxy that says the client used HTTPS, the cookie is Secure.
        let proxied = try await post(one, password: ServerWorld.password, token: token, cookie: token, proto: "https")
        #expect(Self.cookies(proxied).first { $0.hasPrefix("mallaudit_session=") }?.contains("; Secure") == true)
        // `next` never leaves the server.
        let fields = ["name": "admin", "password": ServerWorld.password, "csrf": token, "next": "//evil.example/x"]
        let offsite = try await one.send(
            .post, "/sign-in", body: Data(Self.formBody(fields).utf8), credential: .none,
            headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded"),
                      .secret("Cookie", "mallaudit_signin=\(token)")])
        #expect(offsite.headers["Location"] == "/overview")

        // Three wrong passwords on instance one lock the account on instance two, the right password included.
        for attempt in 1...3 {
            let wrong = try await post(one, password: "not the password \(attempt)", token: token, cookie: token)
            #expect(wrong.status == 401, "attempt \(attempt): \(wrong.status)")
            #expect(wrong.text.contains("账号或密码错误"))
        }
        let locked = try await post(two, password: ServerWorld.password, token: token, cookie: token)
        #expect(locked.status == 429 && locked.text.contains("账号已锁定"), "\(locked.status)")
        #expect(Self.cookies(locked).allSatisfy { !$0.hasPrefix("mallaudit_session=") })
        #expect(try world.count("SELECT count(*) FROM accounts WHERE name = 'admin' AND locked_until > now()") == 1)
    }

    // MARK: the browser

    @Test("In headless Chromium: sign in, filter the overview, go to page 2, open a mall and a diff, a clause's distribution, set and close a rectification")
    func browser() async throws {
        guard let python = ProcessInfo.processInfo.environment["MALLAUDIT_TEST_PYTHON"], !python.isEmpty else {
            Issue.record("MALLAUDIT_TEST_PYTHON is not set: run the browser tests with `bash scripts/test.sh` (Selenium)")
            return
        }
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let inspector = Signing(signer: bureau.inspectorKey, role: "inspector")
        let evaluator = Signing(signer: bureau.evaluatorKey, role: "evaluator")

        // Mall A (云龙区): two inspections; the second fixes 5.1.1-1 and newly fails 5.1.2-3 (WiFi logs 120 days).
        try await Self.file(
            api, Self.bundle(Bureau.mallA, "云龙万达广场", run: "A-2026-06", date: "2026-06-01",
                             failing: ["5.1.1-1", "6.1.d"]).signed([inspector]), as: bureau.inspector)
        let latestA = try await Self.file(
            api, Self.bundle(Bureau.mallA, "云龙万达广场", run: "A-2026-09", date: "2026-09-01",
                             failing: ["5.1.2-3", "6.1.d"]).signed([inspector]), as: bureau.inspector)
        // Mall B (鼓楼区): evaluated in March; the bureau's due date on 6.1.d passed in October.
        try await Self.file(
            api, Self.bundle(Bureau.mallB, "金鹰国际购物中心", run: "B-2026-03", date: "2026-03-15",
                             failing: ["6.1.d"]).signed([evaluator]), as: bureau.evaluator)
        let overdue = try await api.post(
            "/api/v1/malls/\(Bureau.mallB)/rectifications", json: ["statementId": "6.1.d", "dueDate": "2026-10-31"],
            as: .token(bureau.admin.token))
        try #require(overdue.status == 201, "\(overdue.text)")
        // More malls for the charts: three districts, verdicts over the year, WiFi retention failing (5.1.2-3) or not.
        let others: [(code: String, name: String, district: String, runs: [(String, Set<String>)])] = [
            ("91320300MA1CCCCC0C", "苏宁广场", "鼓楼区", [("2026-02-10", ["6.1.d", "5.1.2-3"]), ("2026-08-20", [])]),
            ("91320300MA1DDDDD0D", "彭城广场", "鼓楼区", [("2026-05-05", [])]),
            ("91320300MA1EEEEE0E", "泉山万达广场", "泉山区", [("2026-01-20", ["5.2.5-6", "5.1.2-3"]), ("2026-07-01", ["5.2.5-6"])]),
            ("91320300MA1FFFFF0F", "铜山万达广场", "铜山区", [("2026-04-12", ["5.1.2-3"]), ("2026-10-09", [])]),
            ("91320300MA1GGGGG0G", "云龙湖商业街", "云龙区", [("2026-11-02", [])]),
        ]
        for mall in others {
            try world.mall(mall.code, name: mall.name, district: mall.district)
            for (index, run) in mall.runs.enumerated() {
                try await Self.file(
                    api, Self.bundle(mall.code, mall.name, run: "R\(index + 1)", date: run.0, failing: run.1)
                        .signed([inspector]), as: bureau.inspector)
            }
        }
        try world.mall("91320300MA1HHHHH0H", name: "贾汪商厦", district: "贾汪区")
        // And 140 more written with SQL (50 in 泉山区, 50 in 鼓楼区, 30 in 云龙区, 10 without a district), so that
        // the overview has pages and the clause page many measured values.
        try PagingTests.load(world, bureauMalls: false)
        // The mall that names itself <script> (a new mall: its name comes from the bundle): two runs for a diff,
        // and an overdue item, so that its name is on every page that can name a mall.
        try await Self.file(
            api, Self.bundle(Self.xssMall, Self.xssName, run: "X-1", date: "2026-08-08", failing: ["5.1.1-1"])
                .signed([inspector]), as: bureau.inspector)
        let xssRun = try await Self.file(
            api, Self.bundle(Self.xssMall, Self.xssName, run: "X-2", date: "2026-09-09", failing: ["6.1.d"])
                .signed([inspector]), as: bureau.inspector)
        try world.admin(["mall", "district", "--credit-code", Self.xssMall, "--district", "泉山区"])
        let xssItem = try await api.post(
            "/api/v1/malls/\(Self.xssMall)/rectifications", json: ["statementId": "6.1.d", "dueDate": "2026-11-15"],
            as: .token(bureau.admin.token))
        try #require(xssItem.status == 201, "\(xssItem.text)")

        let shots = ProcessInfo.processInfo.environment["MALLAUDIT_PAGES_SCREENSHOTS"].flatMap { $0.isEmpty ? nil : $0 }
            ?? world.folder.appendingPathComponent("screenshots").path
        let scene: [String: Any] = [
            "base": api.base, "admin": "admin", "password": ServerWorld.password, "screenshots": shots,
            "mallCount": 2 + others.count + 2 + 140, "filterDistrict": "云龙区", "filterDistrictCount": 2 + 30,
            "pageSize": 50, "pagedDistrict": "泉山区", "pagedDistrictCount": 2 + 50, "measuredStatement": "5.1.2-3",
            "xssMall": Self.xssMall, "xssName": Self.xssName, "xssDistrict": "泉山区", "xssClause": "6.1",
            "xssRunId": try #require(xssRun["runId"] as? Int), "diffMall": Bureau.mallA, "diffMallRuns": 2, "diffFixed": "5.1.1-1",
            "diffNewlyFailing": "5.1.2-3", "dueStatement": "5.1.2-3", "dueDate": "2027-01-31",
            "signer": bureau.inspectorKey.identity.holder.name, "runId": try #require(latestA["runId"] as? Int),
            "mallAccount": "mall-b", "ownMall": Bureau.mallB, "ownMallItem": "6.1.d", "otherMall": Bureau.mallA,
            "otherMallName": "云龙万达广场",
        ]
        let sceneFile = world.folder.appendingPathComponent("scene.json")
        try JSONSerialization.data(withJSONObject: scene).write(to: sceneFile)
        let outcome = try runProcess(
            URL(fileURLWithPath: python),
            [repositoryRoot().appendingPathComponent("Tests/Browser/pages_browser.py").path, sceneFile.path],
            environment: ["SE_OFFLINE": "true"])
        #expect(outcome.status == 0, "browser: \(outcome.stdout)\n\(outcome.stderr.suffix(3000))")
        for step in ["sign in", "filter the overview", "go to page 2", "open a mall", "open a diff",
                     "a clause across malls", "set and close a rectification",
                     "is text on every page", "its own mall only", "the print stylesheet"] {
            #expect(outcome.stdout.contains(step), "step '\(step)' did not pass: \(outcome.stdout)")
        }
        // The browser's writes went through the service's rules.
        #expect(try world.sql(
            "SELECT state || ' ' || close_reason FROM rectifications WHERE statement_id = '5.1.2-3'")
            == "closed bureau-confirmation")
    }
}
