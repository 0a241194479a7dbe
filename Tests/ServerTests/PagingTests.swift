import Foundation
import Testing

/// The overview and a clause page over many malls (docs/pages.md, "Many malls"): filtering, sorting and paging in
/// SQL, aggregates over every visible mall (not one page), and the scope on every aggregate. The malls, runs and
/// results are written with SQL, as `benchmarks/pages.sh` loads them; the server reads them as it reads ingest's.
@Suite("Pages over many malls")
struct PagingTests {
    /// 140 malls besides A and B: 50 in 泉山区, 50 in 鼓楼区 (51 with B), 30 in 云龙区 (31 with A), 10 without a
    /// district; each with one run (every seventh none), WiFi retention measured (5.1.2-3, `≥ 180` days) from 150
    /// to 219 days (179.9 and exactly 180 among them), a few open rectification items (every twentieth overdue).
    /// With `bureauMalls`, A and B get such a run too (when the test files no bundle for them).
    static func load(_ world: ServerWorld, bureauMalls: Bool = true) throws {
        let alsoBureau = bureauMalls ? "OR m.credit_code IN ('\(Bureau.mallA)', '\(Bureau.mallB)')" : ""
        try world.sql(
            """
            INSERT INTO malls (credit_code, name, district)
            SELECT '91320300PG' || lpad(g::text, 7, '0') || 'X', '分页商场' || lpad(g::text, 3, '0'),
                CASE WHEN g <= 50 THEN '泉山区' WHEN g <= 100 THEN '鼓楼区' WHEN g <= 130 THEN '云龙区' END
            FROM generate_series(1, 140) g;
            INSERT INTO runs (statement_digest, mall_id, run_ref, declared_mall_name, declared_district, judgement_date,
                tool_version, conformance, pass_count, fail_count, error_count, not_applicable_count,
                not_assessed_count, shall_failures, should_adoption, filed_by, filer_role, self_audit)
            SELECT md5('paging-' || m.id), m.id, 'P-' || m.id, m.name, m.district,
                date '2026-01-01' + (m.id % 200)::int, '0.1.0',
                (ARRAY['conformant', 'nonConformant', 'incomplete'])[1 + m.id % 3], 100, m.id % 3, 0, 0, 0,
                CASE WHEN m.id % 3 = 1 THEN 1 + m.id % 4 ELSE 0 END, 50 + m.id % 50,
                (SELECT id FROM accounts WHERE name = CASE WHEN m.id % 2 = 0 THEN 'inspector' ELSE 'evaluator' END),
                CASE WHEN m.id % 2 = 0 THEN 'inspector' ELSE 'evaluator' END, false
            FROM malls m WHERE (m.id % 7 <> 0 AND m.credit_code LIKE '91320300PG%') \(alsoBureau);
            INSERT INTO statement_results (run_id, statement_id, clause_id, modality, verdict, reason, measured_value,
                threshold, unit, sample)
            SELECT r.id, '5.1.2-3', '5.1.2', 'shall', CASE WHEN v.value < 180 THEN 'fail' ELSE 'pass' END, 'retention',
                v.value, '≥ 180', 'days', 200
            FROM runs r CROSS JOIN LATERAL (SELECT CASE WHEN r.mall_id % 70 = 3 THEN 179.9 WHEN r.mall_id % 70 = 4
                THEN 180 ELSE 150 + (r.mall_id * 37 % 70) END::float8 AS value) v
            WHERE r.run_ref LIKE 'P-%';
            INSERT INTO statement_results (run_id, statement_id, clause_id, modality, verdict, reason)
            SELECT r.id, '5.1.2-1', '5.1.2', 'shall', CASE WHEN r.mall_id % 5 = 0 THEN 'notAssessed' ELSE 'pass' END,
                'policy'
            FROM runs r WHERE r.run_ref LIKE 'P-%';
            INSERT INTO rectifications (mall_id, statement_id, opened_run_id, due_date, due_set_by)
            SELECT r.mall_id, '5.1.2-3', r.id,
                CASE WHEN r.mall_id % 20 = 0 THEN date '2026-01-31' ELSE date '2099-01-31' END,
                (SELECT id FROM accounts WHERE name = 'admin')
            FROM runs r JOIN statement_results s ON s.run_id = r.id AND s.statement_id = '5.1.2-3' AND s.verdict = 'fail'
            WHERE r.mall_id % 4 = 0 AND r.run_ref LIKE 'P-%';
            """)
    }

    static func codes(_ page: String) -> [String] {
        page.components(separatedBy: "class=\"mall-row").dropFirst().compactMap {
            $0.components(separatedBy: "data-code=\"").dropFirst().first?.split(separator: "\"").first.map(String.init)
        }
    }

    /// The number in a summary tile (`conformant`, …) or the mall count.
    static func tile(_ page: String, _ cls: String) -> Int? {
        let marker = cls == "count" ? "id=\"mall-count\">" : "<div class=\"tile \(cls)\"><b>"
        guard let rest = page.components(separatedBy: marker).dropFirst().first else { return nil }
        return Int(rest.prefix { $0 != "<" }.replacingOccurrences(of: ",", with: ""))
    }

    /// Every `<title>` text in the page (the charts' tooltips).
    static func titles(_ page: String) -> [String] {
        page.components(separatedBy: "<title>").dropFirst().compactMap { $0.components(separatedBy: "</title>").first }
    }

    @Test("The overview pages its table by 50 in SQL: boundaries, stable links, bad page numbers, aggregates over every visible mall")
    func overviewPaging() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        _ = bureau
        try Self.load(world)
        let api = APIClient(try await world.start())
        let admin = try await PagesTests.Browserless.signIn(api, "admin")

        // 142 malls: pages of 50, 50 and 42.
        let first = try await admin.get("/overview")
        #expect(first.status == 200)
        #expect(Self.codes(first.text).count == 50)
        #expect(Self.tile(first.text, "count") == 142)
        #expect(first.text.contains("第 1–50 个，共 142 个商场"))
        #expect(first.text.contains("href=\"/overview?order=asc&amp;page=3&amp;sort=district\""))
        #expect(!first.text.contains("page=4"))
        var seen: [String] = []
        for page in 1...3 {
            let answer = try await admin.get("/overview?page=\(page)")
            #expect(answer.status == 200)
            seen += Self.codes(answer.text)
        }
        #expect(seen.count == 142 && Set(seen).count == 142, "\(seen.count) rows, \(Set(seen).count) malls")
        // Sorted in SQL by district (none last), name, credit code, across the pages.
        let expected = try world.sql(
            "SELECT string_agg(credit_code, ',' ORDER BY district COLLATE \"C\" NULLS LAST, name COLLATE \"C\", credit_code) FROM malls")
        #expect(seen.joined(separator: ",") == expected)
        let last = try await admin.get("/overview?page=3")
        #expect(Self.codes(last.text).count == 42 && last.text.contains("第 101–142 个，共 142 个商场"))
        #expect(!last.text.contains("rel=\"next\""))
        // A page past the end says so and links the last page; it is not an error.
        let beyond = try await admin.get("/overview?page=4")
        #expect(beyond.status == 200 && Self.codes(beyond.text).isEmpty)
        #expect(beyond.text.contains("第 4 页没有内容（共 3 页）") && beyond.text.contains("class=\"last-page\" href=\"/overview?order=asc&amp;page=3&amp;sort=district\""))
        for bad in ["0", "-1", "abc", "1.5", "2x", "1e3", "9999999999", "%2B1"] {
            let answer = try await admin.get("/overview?page=\(bad)")
            #expect(answer.status == 400, "page=\(bad): \(answer.status)")
        }

        // Exactly 50 (泉山区): one page, no page links; 51 (鼓楼区 with B): the 51st alone on page 2.
        let fifty = try await admin.get("/overview?district=%E6%B3%89%E5%B1%B1%E5%8C%BA")
        #expect(Self.codes(fifty.text).count == 50 && fifty.text.contains("第 1–50 个，共 50 个商场"))
        #expect(!fifty.text.contains("class=\"pager") && !fifty.text.contains("page=2"))
        #expect(Self.tile(fifty.text, "count") == 50)
        let gulou = "district=%E9%BC%93%E6%A5%BC%E5%8C%BA"
        let fiftyOne = try await admin.get("/overview?\(gulou)&sort=name&order=desc")
        #expect(Self.codes(fiftyOne.text).count == 50 && fiftyOne.text.contains("第 1–50 个，共 51 个商场"))
        // Page links keep every filter and the sort; sort links go back to page 1.
        #expect(fiftyOne.text.contains("href=\"/overview?\(gulou)&amp;order=desc&amp;page=2&amp;sort=name\""))
        #expect(fiftyOne.text.contains("href=\"/overview?\(gulou)&amp;order=asc&amp;sort=name\""))
        let second = try await admin.get("/overview?\(gulou)&sort=name&order=desc&page=2")
        #expect(Self.codes(second.text) == [try world.sql(
            "SELECT credit_code FROM malls WHERE district = '鼓楼区' ORDER BY name COLLATE \"C\" LIMIT 1")])
        #expect(second.text.contains("第 51–51 个，共 51 个商场"))

        // The summary and the chart by district count every matching mall, not the page: as counted by hand over
        // all the pages' rows.
        let filerFilter = "evaluator=inspector"
        var rows = 0
        var overdueRows = 0
        var chips: [String: Int] = [:]
        var page = 1
        var summary = ""
        while page < 10 {
            let answer = try await admin.get("/overview?\(filerFilter)&page=\(page)")
            let codes = Self.codes(answer.text)
            if page == 1 { summary = answer.text }
            if codes.isEmpty { break }
            rows += codes.count
            for verdict in ["conformant", "nonConformant", "incomplete", "none"] {
                chips[verdict, default: 0] += answer.text.components(separatedBy: "chip \(verdict) verdict").count - 1
            }
            overdueRows += answer.text.components(separatedBy: "class=\"mall-row overdue\"").count - 1
            page += 1
        }
        let byHand = try world.count(
            """
            SELECT count(*) FROM malls m JOIN LATERAL (SELECT filed_by FROM runs r WHERE r.mall_id = m.id
                ORDER BY judgement_date DESC, received_at DESC, id DESC LIMIT 1) l ON TRUE
            WHERE l.filed_by = (SELECT id FROM accounts WHERE name = 'inspector')
            """)
        #expect(rows == byHand && rows > 50 && page == 3, "\(rows) rows on \(page - 1) pages, \(byHand) by SQL")
        #expect(Self.tile(summary, "count") == rows)
        for verdict in ["conformant", "nonConformant", "incomplete"] {
            #expect(Self.tile(summary, verdict) == chips[verdict], "\(verdict): \(chips)")
        }
        let perDistrict = Self.titles(summary).filter { $0.contains(" · ") && !$0.contains("-") }
        let charted = perDistrict.compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(charted == rows, "\(perDistrict)")
        // Overdue malls are highlighted on whichever page they fall, and every overdue item is listed.
        let overdueItems = try world.count(
            "SELECT count(*) FROM rectifications WHERE state = 'open' AND due_date < current_date")
        #expect(overdueItems > 0 && first.text.contains("(\(overdueItems))"))
        #expect(overdueRows == (try world.count(
            """
            SELECT count(DISTINCT x.mall_id) FROM rectifications x JOIN LATERAL (SELECT filed_by FROM runs r
                WHERE r.mall_id = x.mall_id ORDER BY judgement_date DESC, received_at DESC, id DESC LIMIT 1) l ON TRUE
            WHERE x.state = 'open' AND x.due_date < current_date
                AND l.filed_by = (SELECT id FROM accounts WHERE name = 'inspector')
            """)))
        let csv = try await admin.get("/rectifications.csv?state=overdue")
        #expect(csv.text.split(whereSeparator: \.isNewline).count == overdueItems + 1)
        // Filters compose in SQL: never audited.
        let never = try await admin.get("/overview?age=never")
        #expect(Self.tile(never.text, "count") == (try world.count(
            "SELECT count(*) FROM malls m WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.mall_id = m.id)")))
        #expect(Self.tile(never.text, "none") == Self.tile(never.text, "count"))

        // A mall account: one mall in the table, the summary, the chart and the filter choices.
        let mallA = try await PagesTests.Browserless.signIn(api, "mall-a")
        let own = try await mallA.get("/overview")
        #expect(Self.codes(own.text) == [Bureau.mallA])
        #expect(Self.tile(own.text, "count") == 1)
        let tiles = ["conformant", "nonConformant", "incomplete", "none"].compactMap { Self.tile(own.text, $0) }
        #expect(tiles.reduce(0, +) == 1, "\(tiles)")
        #expect(!own.text.contains("泉山区") && !own.text.contains("鼓楼区") && !own.text.contains("分页商场"))
        #expect(Self.titles(own.text).filter { $0.hasPrefix("云龙区 · ") }.allSatisfy { $0.hasSuffix(": 0") || $0.hasSuffix(": 1") })
        let ownBeyond = try await mallA.get("/overview?page=2")
        #expect(ownBeyond.status == 200 && Self.codes(ownBeyond.text).isEmpty && ownBeyond.text.contains("共 1 页"))
        let ownCSV = try await mallA.get("/rectifications.csv?state=all")
        #expect(!ownCSV.text.contains("91320300PG"))
    }

    @Test("A clause page counts and buckets the measured values in SQL, lists failing malls worst first by pages, and a mall account's numbers are its own")
    func clausePage() async throws {
        let world = try ServerWorld()
        _ = try Bureau(world)
        try Self.load(world)
        let api = APIClient(try await world.start())
        let admin = try await PagesTests.Browserless.signIn(api, "admin")
        let values = try world.sql(
            """
            SELECT string_agg(s.measured_value::text || ':' || s.verdict, ',') FROM statement_results s
            WHERE s.statement_id = '5.1.2-3'
            """).split(separator: ",").map { item -> (Double, String) in
                let parts = item.split(separator: ":")
                return (Double(parts[0])!, String(parts[1]))
            }
        let sorted = values.map(\.0).sorted()
        let failing = values.filter { $0.1 == "fail" }.map(\.0).sorted()
        #expect(failing.count > 50 && failing.count <= 100, "\(failing.count) failing: the test wants two pages")

        let page = try await admin.get("/clauses/5.1.2")
        #expect(page.status == 200)
        let text = page.text
        func figure(_ key: String) -> String? {
            text.components(separatedBy: "class=\"side-\(key)\"><dt>").dropFirst().first?
                .components(separatedBy: "<dd>").dropFirst().first?.components(separatedBy: "</dd>").first
        }
        // Below, at and above the threshold, as counted by hand (179.9 below, 180 at).
        #expect(figure("below") == String(values.filter { $0.0 < 180 }.count))
        #expect(figure("at") == String(values.filter { $0.0 == 180 }.count) && values.contains { $0.0 == 180 })
        #expect(figure("above") == String(values.filter { $0.0 > 180 }.count))
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        #expect(text.contains("<dt>最小</dt><dd>\(PageNumber.text(sorted.first!)) 天</dd>"))
        #expect(text.contains("<dt>中位数</dt><dd>\(PageNumber.text(median)) 天</dd>"))
        #expect(text.contains("<dt>最大</dt><dd>\(PageNumber.text(sorted.last!)) 天</dd>"))
        #expect(text.contains("各商场测量值分布 (\(values.count))"))
        // Every value is in one bucket: the buckets' counts add up to the values.
        let bucketTable = text.components(separatedBy: "<table class=\"buckets\">").dropFirst().first?
            .components(separatedBy: "</table>").first ?? ""
        let bucketCounts = bucketTable.components(separatedBy: "</td><td class=\"n\">").dropFirst()
            .compactMap { Int($0.prefix { $0 != "<" }) }
        #expect(bucketCounts.reduce(0, +) == values.count, "\(bucketCounts)")
        // The bucket holding 179.9 is all below the threshold; the threshold is an edge.
        #expect(bucketTable.contains("175 – 180 天"), "\(bucketTable.prefix(600))")
        #expect(bucketTable.contains("180 – 185 天"))
        // Statement counts as counted by hand.
        #expect(text.contains("<span class=\"v-fail\">\(failing.count)</span>"))
        #expect(text.contains("不通过的商场 (\(failing.count))"))
        // The failing malls: 50 on the first page, the worst (lowest) first; the rest on page 2.
        let section = text.components(separatedBy: "id=\"s-5.1.2-3\"").dropFirst().first ?? ""
        let failingRows = section.components(separatedBy: "class=\"failing-mall\"").count - 1
        #expect(failingRows == 50)
        #expect(section.contains("第 1–50 个，共 \(failing.count) 个不通过的商场"))
        let firstValue = section.components(separatedBy: "<td class=\"n\">").dropFirst(0).dropFirst().first { $0.contains(" 天<br>") }
        #expect(firstValue?.hasPrefix("\(PageNumber.text(failing.first!)) 天") == true, "\(firstValue ?? "")")
        let next = "/clauses/5.1.2?statement=5.1.2-3&amp;page=2#s-5.1.2-3"
        #expect(section.contains("href=\"\(next)\""))
        let second = try await admin.get("/clauses/5.1.2?statement=5.1.2-3&page=2")
        let secondSection = second.text.components(separatedBy: "id=\"s-5.1.2-3\"").dropFirst().first ?? ""
        #expect(secondSection.components(separatedBy: "class=\"failing-mall\"").count - 1 == failing.count - 50)
        #expect(secondSection.contains("第 51–\(failing.count) 个"))
        let beyond = try await admin.get("/clauses/5.1.2?statement=5.1.2-3&page=3")
        #expect(beyond.status == 200 && beyond.text.contains("第 3 页没有内容（共 2 页）"))
        #expect(try await admin.get("/clauses/5.1.2?statement=5.1.2-3&page=0").status == 400)
        #expect(try await admin.get("/clauses/5.1.2?statement=9.9.9-9").status == 404)
        // No list of every mall's value any more: the page stays small.
        #expect(text.utf8.count < 120_000, "\(text.utf8.count) bytes")

        // A mall account: its own value only, in every number.
        let mallA = try await PagesTests.Browserless.signIn(api, "mall-a")
        let own = try await mallA.get("/clauses/5.1.2")
        #expect(own.status == 200)
        let ownValue = try world.sql(
            """
            SELECT s.measured_value FROM statement_results s JOIN runs r ON r.id = s.run_id JOIN malls m
                ON m.id = r.mall_id WHERE m.credit_code = '\(Bureau.mallA)' AND s.statement_id = '5.1.2-3'
            """)
        #expect(own.text.contains("各商场测量值分布 (1)"))
        #expect(own.text.contains("<dt>最小</dt><dd>\(PageNumber.text(Double(ownValue)!)) 天</dd>"))
        #expect(own.text.contains("<dt>最大</dt><dd>\(PageNumber.text(Double(ownValue)!)) 天</dd>"))
        #expect(!own.text.contains("分页商场") && !own.text.contains("91320300PG"))
        #expect(own.text.contains("商场数 1 ·"))
    }
}

/// A number as the pages print it (at most two decimals, no trailing zeros).
enum PageNumber {
    static func text(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
