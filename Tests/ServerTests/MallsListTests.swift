import AuditHTTP
import Foundation
import Testing

/// `GET /api/v1/malls` reused per instance under PostgreSQL's change counter, with ETag, gzip and paging.
@Suite("Malls list")
struct MallsListTests {
    /// Each mall of a list answer by credit code.
    static func byCode(_ answer: Answer) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: answer.array.map { ($0["creditCode"] as? String ?? "", $0) })
    }

    /// The `rel="next"` target of a `Link` header (a path with its query), or nil.
    static func next(_ answer: Answer) -> String? {
        guard let link = answer.headers["Link"], link.hasSuffix("rel=\"next\""),
            let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">")
        else { return nil }
        return String(link[link.index(after: open)..<close])
    }

    @Test("The reused list follows every kind of write, made on either of two instances")
    func followsWrites() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let one = APIClient(try await world.start())
        let two = APIClient(try await world.start())
        let viewer = Credential.token(bureau.viewer.token)
        let admin = Credential.token(bureau.admin.token)
        func both(_ check: ([String: [String: Any]]) -> Void) async throws {
            for api in [one, two] {
                let answer = try await api.get("/api/v1/malls", as: viewer)
                #expect(answer.status == 200, "\(answer.text)")
                check(Self.byCode(answer))
            }
        }
        // Both instances keep the list (twice each: the second is the reused one).
        for _ in 0..<2 {
            try await both { malls in
                #expect(malls.count == 2)
                #expect(malls[Bureau.mallA]?["latestRun"] is NSNull)
            }
        }
        // A run filed on instance one shows on instance two's next request (and on one's).
        let failing = bureau.inspection(Bureau.mallA, run: "R1", failing: ["6.1.d", "5.1.2-3"], date: "2025-03-01")
        #expect(try await one.post("/api/v1/bundles", data: failing, as: .token(bureau.inspector.token)).status == 201)
        try await both { malls in
            let run = malls[Bureau.mallA]?["latestRun"] as? [String: Any]
            #expect(run?["runRef"] as? String == "R1" && run?["conformance"] as? String == "nonConformant")
            #expect(run?["filedBy"] as? String == "inspector")
        }
        // A rectification set on two (overdue: due before today), then one set in the future on one.
        let path = "/api/v1/malls/\(Bureau.mallA)/rectifications"
        let overdue = try await two.post(path, json: ["statementId": "6.1.d", "dueDate": "2025-04-01"], as: admin)
        #expect(overdue.status == 201, "\(overdue.text)")
        try await both { malls in
            #expect(malls[Bureau.mallA]?["openRectifications"] as? Int == 1)
            #expect(malls[Bureau.mallA]?["overdueRectifications"] as? Int == 1)
        }
        let moved = try await one.post(path, json: ["statementId": "6.1.d", "dueDate": "2099-04-01"], as: admin)
        #expect(moved.status == 200, "\(moved.text)")
        try await both { malls in
            #expect(malls[Bureau.mallA]?["openRectifications"] as? Int == 1)
            #expect(malls[Bureau.mallA]?["overdueRectifications"] as? Int == 0)
        }
        // Closed by the bureau's confirmation on two.
        let id = try #require(moved.object["id"] as? Int)
        let confirmed = try await two.post("/api/v1/rectifications/\(id)/confirm", json: ["note": "seen"], as: admin)
        #expect(confirmed.status == 200, "\(confirmed.text)")
        try await both { malls in #expect(malls[Bureau.mallA]?["openRectifications"] as? Int == 0) }
        // The district changed on one.
        let district = try await one.post(
            "/api/v1/malls/\(Bureau.mallA)/district", json: ["district": "泉山区"], as: admin)
        #expect(district.status == 200, "\(district.text)")
        try await both { malls in #expect(malls[Bureau.mallA]?["district"] as? String == "泉山区") }
        // Writes by anything else than the server count too: an account renamed, a mall renamed (by SQL).
        _ = try world.sql("UPDATE accounts SET name = 'inspector-2' WHERE name = 'inspector'")
        try await both { malls in
            #expect((malls[Bureau.mallA]?["latestRun"] as? [String: Any])?["filedBy"] as? String == "inspector-2")
        }
        _ = try world.sql("UPDATE malls SET name = '新名字' WHERE credit_code = '\(Bureau.mallB)'")
        try await both { malls in #expect(malls[Bureau.mallB]?["name"] as? String == "新名字") }
        // A sign-in (which updates its account) does not move the counter; a filing moves it once.
        let before = try world.count("SELECT version FROM answer_version")
        _ = try await one.signIn("viewer")
        #expect(try world.count("SELECT version FROM answer_version") == before)
        let second = bureau.inspection(Bureau.mallB, run: "R2", date: "2025-03-02")
        #expect(try await two.post("/api/v1/bundles", data: second, as: .token(bureau.inspector.token)).status == 201)
        #expect(try world.count("SELECT version FROM answer_version") == before + 1)
        try await both { malls in
            #expect((malls[Bureau.mallB]?["latestRun"] as? [String: Any])?["runRef"] as? String == "R2")
        }
    }

    @Test("ETag and If-None-Match (304, then 200 after a change); gzip decompresses to exactly the plain body")
    func etagAndGzip() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let server = try await world.start()
        let api = APIClient(server)
        let viewer = Credential.token(bureau.viewer.token)
        let admin = Credential.token(bureau.admin.token)
        let filed = bureau.inspection(Bureau.mallA, run: "E1", failing: ["6.1.d"])
        #expect(try await api.post("/api/v1/bundles", data: filed, as: .token(bureau.inspector.token)).status == 201)

        // Raw bytes through Python's urllib (no automatic decompression) and its own gzip module.
        let script = """
            import gzip, json, sys, urllib.request
            url, token, folder = sys.argv[1], sys.argv[2], sys.argv[3]
            out = {}
            for name, extra in (("plain", {}), ("gzip", {"Accept-Encoding": "gzip"}),
                                ("declined", {"Accept-Encoding": "gzip;q=0, br"})):
                request = urllib.request.Request(url, headers=dict(extra, Authorization="Bearer " + token))
                with urllib.request.urlopen(request) as answer:
                    body = answer.read()
                    out[name] = {"encoding": answer.headers.get("Content-Encoding"), "etag": answer.headers.get("ETag"),
                                 "cache": answer.headers.get("Cache-Control"), "vary": answer.headers.get("Vary"),
                                 "length": int(answer.headers.get("Content-Length")), "size": len(body)}
                open(folder + "/" + name, "wb").write(body)
            open(folder + "/unzipped", "wb").write(gzip.decompress(open(folder + "/gzip", "rb").read()))
            print(json.dumps(out))
            """
        let folder = try temporaryDirectory("malls-gzip")
        let outcome = try runProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-c", script, server.base + "/api/v1/malls", bureau.viewer.token, folder.path])
        try #require(outcome.status == 0, "\(outcome.stderr)")
        let headers = try #require(
            try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: [String: Any]])
        let plain = try Data(contentsOf: folder.appendingPathComponent("plain"))
        let gzipped = try Data(contentsOf: folder.appendingPathComponent("gzip"))
        #expect(try Data(contentsOf: folder.appendingPathComponent("unzipped")) == plain)
        #expect(try Data(contentsOf: folder.appendingPathComponent("declined")) == plain)
        #expect(gzipped.count < plain.count && gzipped.starts(with: [0x1f, 0x8b]))
        #expect(headers["plain"]?["encoding"] is NSNull && headers["declined"]?["encoding"] is NSNull)
        #expect(headers["gzip"]?["encoding"] as? String == "gzip")
        #expect(headers["gzip"]?["length"] as? Int == gzipped.count && headers["plain"]?["length"] as? Int == plain.count)
        let plainTag = try #require(headers["plain"]?["etag"] as? String)
        let gzipTag = try #require(headers["gzip"]?["etag"] as? String)
        #expect(plainTag.hasPrefix("\"") && plainTag != gzipTag)
        #expect(headers["declined"]?["etag"] as? String == plainTag)
        #expect(headers["plain"]?["cache"] as? String == "private, no-cache")
        #expect((headers["gzip"]?["vary"] as? String)?.contains("Accept-Encoding") == true)
        // The tag is the answer's own: the mall account's list (another answer) has another one.
        let mine = try await api.get("/api/v1/malls", as: .token(bureau.mallAAccount.token))
        #expect(mine.array.count == 1 && mine.headers["ETag"] != nil && mine.headers["ETag"] != gzipTag)

        func conditional(_ tag: String) async throws -> Answer {
            try await api.send(
                .get, "/api/v1/malls", body: nil, credential: viewer, headers: [HTTPHeader("If-None-Match", tag)])
        }
        for tag in [plainTag, gzipTag, "W/\(plainTag)", "\"other\", \(gzipTag)", "*"] {
            let answer = try await conditional(tag)
            #expect(answer.status == 304 && answer.body.isEmpty, "\(tag)")
            #expect(answer.headers["ETag"] == gzipTag && answer.headers["Cache-Control"] == "private, no-cache")
        }
        let stale = try await conditional("\"0123456789abcdef0123456789abcdef\"")
        #expect(stale.status == 200 && stale.text == String(decoding: plain, as: UTF8.self))
        // After a change the old tag gets the new answer.
        let district = try await api.post(
            "/api/v1/malls/\(Bureau.mallB)/district", json: ["district": "铜山区"], as: admin)
        #expect(district.status == 200)
        let changed = try await conditional(gzipTag)
        #expect(changed.status == 200 && changed.headers["ETag"] != gzipTag)
        #expect(Self.byCode(changed)[Bureau.mallB]?["district"] as? String == "铜山区")
        let again = try await conditional(try #require(changed.headers["ETag"]))
        #expect(again.status == 304)
    }

    @Test("Paging: limit 1, exact multiples, the last page, filters kept, bad limits and cursors refused")
    func paging() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        // Six malls: A (云龙区), B (鼓楼区), two more in 云龙区 (by name), one in 鼓楼区, one with no district (last).
        try world.mall("91320300MA1CCCCC0C", name: "万象城", district: "云龙区")
        try world.mall("91320300MA1DDDDD0D", name: "苏宁广场", district: "云龙区")
        try world.mall("91320300MA1EEEEE0E", name: "彭城广场", district: "鼓楼区")
        try world.mall("91320300MA1FFFFF0F", name: "未分区商场")
        let api = APIClient(try await world.start())
        let viewer = Credential.token(bureau.viewer.token)
        let whole = try await api.get("/api/v1/malls", as: viewer)
        let order = whole.array.compactMap { $0["creditCode"] as? String }
        #expect(order.count == 6 && order.last == "91320300MA1FFFFF0F")
        #expect(whole.headers["Link"] == nil)

        /// Every page from `first` on, following the links.
        func pages(_ first: String) async throws -> [[String]] {
            var result: [[String]] = []
            var path: String? = first
            while let current = path, result.count < 10 {
                let answer = try await api.get(current, as: viewer)
                #expect(answer.status == 200, "\(current): \(answer.text)")
                result.append(answer.array.compactMap { $0["creditCode"] as? String })
                path = Self.next(answer)
            }
            return result
        }
        let ones = try await pages("/api/v1/malls?limit=1")
        #expect(ones.count == 6 && ones.allSatisfy { $0.count == 1 } && ones.flatMap { $0 } == order)
        // 6 = 2 × 3: two pages, the second without a next link.
        #expect(try await pages("/api/v1/malls?limit=3") == [Array(order[0..<3]), Array(order[3..<6])])
        #expect(try await pages("/api/v1/malls?limit=4") == [Array(order[0..<4]), Array(order[4..<6])])
        #expect(try await pages("/api/v1/malls?limit=6") == [order])
        #expect(try await pages("/api/v1/malls?limit=1000") == [order])
        // The district filter stays on every page's link (a non-ASCII value, escaped).
        let yunlong = try await pages("/api/v1/malls?limit=2&district=%E4%BA%91%E9%BE%99%E5%8C%BA")
        #expect(yunlong.count == 2 && yunlong.flatMap { $0 }.count == 3)
        #expect(yunlong.flatMap { $0 } == whole.array.filter { $0["district"] as? String == "云龙区" }
            .compactMap { $0["creditCode"] as? String })
        let firstPage = try await api.get("/api/v1/malls?limit=2&district=%E4%BA%91%E9%BE%99%E5%8C%BA", as: viewer)
        #expect(Self.next(firstPage)?.contains("district=%E4%BA%91%E9%BE%99%E5%8C%BA") == true)

        // Refused, in the API's error format.
        for query in [
            "limit=0", "limit=-1", "limit=1001", "limit=abc", "limit=", "after=W10", "limit=2&after=%21%21",
            "limit=2&after=e30", "limit=2&after=WzEsMiwzXQ",
        ] {
            let answer = try await api.get("/api/v1/malls?\(query)", as: viewer)
            #expect(answer.status == 400 && answer.errorCode == "bad-request", "\(query): \(answer.text)")
        }

        // A mall account pages through its own mall only, also after the bureau's pages were kept.
        let mine = try await pages("/api/v1/malls?limit=1")
        #expect(mine.count == 6)
        let mallPages = try await api.get("/api/v1/malls?limit=1", as: .token(bureau.mallAAccount.token))
        #expect(mallPages.array.compactMap { $0["creditCode"] as? String } == [Bureau.mallA])
        #expect(Self.next(mallPages) == nil)
        let mallWhole = try await api.get("/api/v1/malls", as: .token(bureau.mallBAccount.token))
        #expect(mallWhole.array.compactMap { $0["creditCode"] as? String } == [Bureau.mallB])
        // A bureau cursor does not widen a mall account's list.
        let bureauFirst = try await api.get("/api/v1/malls?limit=1", as: viewer)
        let cursorPath = try #require(Self.next(bureauFirst))
        let widened = try await api.get(cursorPath, as: .token(bureau.mallBAccount.token))
        #expect(widened.status == 200)
        #expect(Set(widened.array.compactMap { $0["creditCode"] as? String }).isSubset(of: [Bureau.mallB]))
    }
}
