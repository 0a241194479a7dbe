import AuditChecklist
import AuditModel
import Foundation
import Testing

@Suite("Listing and showing a checklist")
struct ChecklistViewTests {
    private let checklist: Checklist

    init() throws {
        checklist = try ChecklistLoader.load(file: Paths.valid("mini.xml"), schema: Paths.schema)
    }

    @Test("--modality keeps statements of that modality and the clauses that have any")
    func modalityFilter() {
        let should = ChecklistFilter(modality: .should).apply(to: checklist)
        #expect(should.map(\.id) == ["6.4.2"])
        #expect(should.flatMap(\.statements).map(\.id) == ["6.4.2-1"])

        let shallNot = ChecklistFilter(modality: .shallNot).apply(to: checklist)
        #expect(shallNot.map(\.id) == ["5.2.5"])
        #expect(shallNot.flatMap(\.statements).map(\.id) == ["5.2.5-6"])

        for modality in Modality.allCases {
            let kept = ChecklistFilter(modality: modality).apply(to: checklist).flatMap(\.statements)
            #expect(kept.map(\.id) == checklist.statements.filter { $0.modality == modality }.map(\.id))
        }
    }

    @Test("--chapter keeps one chapter; both filters combine; no filter keeps everything")
    func chapterFilter() {
        #expect(ChecklistFilter(chapter: 6).apply(to: checklist).map(\.id) == ["6.1", "6.4.2"])
        #expect(ChecklistFilter(chapter: 7).apply(to: checklist).isEmpty)
        // 5.2.5 has no shall statement in this fixture (only may and shallNot): it is left out.
        #expect(ChecklistFilter(modality: .shall, chapter: 5).apply(to: checklist).map(\.id) == ["5.1.2", "5.2.4"])
        #expect(ChecklistFilter().apply(to: checklist) == checklist.clauses)
    }

    @Test("table columns line up by display width, with Chinese in the cells", arguments: Language.allCases)
    func tableAlignment(_ language: Language) throws {
        let table = ChecklistView.table(checklist, language: language)
        let lines = table.split(separator: "\n").map(String.init)
        // header + 5 clause rows + 9 statement rows + summary
        #expect(lines.count == 1 + 5 + 9 + 1)
        // The text column starts at the same display column on every statement row: find the text
        // of each statement and measure the columns before it.
        var starts = Set<Int>()
        var modalityStarts = Set<Int>()
        for statement in checklist.statements {
            let line = try #require(lines.first { $0.hasPrefix("  \(statement.id) ") })
            let text = statement.text.text(language)
            let range = try #require(line.range(of: text))
            starts.insert(DisplayWidth.of(line[..<range.lowerBound]))
            // The modality column begins at the same column too.
            let modality = "\(statement.modality.chineseWords[0]) \(statement.modality.rawValue)"
            let modalityRange = try #require(line.range(of: modality))
            modalityStarts.insert(DisplayWidth.of(line[..<modalityRange.lowerBound]))
        }
        #expect(starts.count == 1)
        #expect(modalityStarts.count == 1)
        // Clause titles start in the text column as well.
        for clause in checklist.clauses {
            let line = try #require(lines.first { $0.hasPrefix("\(clause.id) ") })
            let range = try #require(line.range(of: clause.title.text(language)))
            #expect(starts.contains(DisplayWidth.of(line[..<range.lowerBound])))
        }
    }

    @Test("the table shows thresholds and options, and ends with the counts")
    func tableContent() {
        let zh = ChecklistView.table(checklist, language: .zh)
        #expect(zh.contains("日志留存时间应大于60日（阈值 > 60 day）"))
        #expect(zh.contains("数据存储与计算的环境应包括（2 个选项，至少 1 个）"))
        #expect(zh.hasSuffix("共 5 条款，9 条陈述（应 6，严禁 1，宜 1，可 1）\n"))
        let en = ChecklistView.table(checklist, filter: .init(modality: .should), language: .en)
        #expect(en.hasSuffix("1 clauses, 1 statements (should 1); filter: should\n"))
        #expect(en.contains("The mall should issue online and redeem offline."))
        #expect(!en.contains("5.1.2"))
    }

    @Test("--width cuts the text column so lines fit")
    func tableWidth() {
        let table = ChecklistView.table(checklist, language: .zh, width: 60)
        let lines = table.split(separator: "\n").dropLast()  // the summary is not cut
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 60 })
        #expect(table.contains("..."))
    }

    @Test("list JSON: checklist header, filter, counts and clauses with statements")
    func listJSON() throws {
        let json = try ChecklistView.listJSON(checklist, file: "mini.xml", filter: .init(chapter: 5))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let header = try #require(object["checklist"] as? [String: Any])
        #expect(header["version"] as? String == "0.9.1")
        #expect(header["digest"] as? String == checklist.digest)
        #expect(header["file"] as? String == "mini.xml")
        #expect((object["filter"] as? [String: Any])?["chapter"] as? Int == 5)
        let counts = try #require(object["counts"] as? [String: Any])
        #expect(counts["clauses"] as? Int == 3)
        #expect(counts["statements"] as? Int == 5)
        #expect((counts["byModality"] as? [String: Int]) == ["shall": 3, "shallNot": 1, "should": 0, "may": 1])
        let clauses = try #require(object["clauses"] as? [[String: Any]])
        #expect(clauses.compactMap { $0["id"] as? String } == ["5.1.2", "5.2.4", "5.2.5"])
        let first = clauses[0]
        #expect((first["title"] as? [String: String])?["zh"] == "网络通信")
        let statements = try #require(first["statements"] as? [[String: Any]])
        #expect(statements.compactMap { $0["id"] as? String } == ["5.1.2-1", "5.1.2-3"])
        #expect(statements.compactMap { $0["modality"] as? String } == ["shall", "shall"])
        let threshold = try #require(statements[1]["threshold"] as? [String: Any])
        #expect(threshold["comparison"] as? String == "gt")
        #expect(threshold["value"] as? Double == 60)
        #expect(threshold["unit"] as? String == "day")

        // And it decodes back into the model.
        struct Listing: Decodable { var clauses: [Clause] }
        let decoded = try JSONDecoder().decode(Listing.self, from: Data(json.utf8))
        #expect(decoded.clauses == ChecklistFilter(chapter: 5).apply(to: checklist))
    }

    @Test("find: clause, statement, option, unknown")
    func find() throws {
        guard case .clause(let clause) = ChecklistView.find("5.2.4", in: checklist) else {
            Issue.record("5.2.4 is a clause")
            return
        }
        #expect(clause.statements.count == 1)
        guard case .statement(let statement, let owner) = ChecklistView.find("6.1.a", in: checklist) else {
            Issue.record("6.1.a is a statement")
            return
        }
        #expect(statement.id == "6.1.a")
        #expect(owner.id == "6.1")
        guard case .option(let option, let holder, _) = ChecklistView.find("5.2.4.b", in: checklist) else {
            Issue.record("5.2.4.b is an option")
            return
        }
        #expect(option.text.zh == "私有云模式下的计算与存储")
        #expect(holder.id == "5.2.4-2")
        #expect(ChecklistView.find("9.9", in: checklist) == nil)
        #expect(ChecklistView.find("5.1.2-2", in: checklist) == nil)
        #expect(ChecklistView.suggestions(for: "5.1.2-2", in: checklist) == ["5.1.2"])
        #expect(ChecklistView.suggestions(for: "6.4", in: checklist) == ["6.4.2", "6.4.2-1"])
    }

    @Test("show text: a clause in full, a statement with its heading, an option marked")
    func showText() throws {
        let clause = ChecklistView.text(try #require(ChecklistView.find("5.1.2", in: checklist)), checklist: checklist)
        #expect(clause.hasPrefix("5.1.2 网络通信（第5章 基础要求）\n" + "商场应提供免费WiFi接入服务，日志留存时间应大于60日。\n"))
        #expect(
            clause.contains(
                "5.1.2-3  应 shall  评估方法：data\n" + "  日志留存时间应大于60日\n" + "  阈值：logRetention > 60 day\n"))
        #expect(clause.contains("5.1.2-1  应 shall  评估方法：probe inspection\n"))

        let statement = ChecklistView.text(
            try #require(ChecklistView.find("5.2.5-2", in: checklist)), checklist: checklist, language: .en)
        #expect(
            statement.hasPrefix(
                "5.2.5 Equipment and facilities — Core equipment room (chapter 5, Basic requirements)\n\n"))
        #expect(statement.contains("5.2.5-2  可 may  Methods: inspection document\n"))
        #expect(statement.contains("  Applies when: The building has a second and third basement level.\n"))
        #expect(statement.contains("  Evidence:\n  - Building section drawing\n"))
        #expect(!statement.contains("5.2.5-6"))

        let option = ChecklistView.text(
            try #require(ChecklistView.find("5.2.4.b", in: checklist)), checklist: checklist)
        #expect(
            option.contains(
                "  选项（2 个中至少 1 个）：\n" + "    5.2.4.a  公有云模式下的计算与存储\n"
                    + "  → 5.2.4.b  私有云模式下的计算与存储\n"))
    }

    @Test("show JSON narrows the clause to the matched statement")
    func showJSON() throws {
        let match = try #require(ChecklistView.find("5.1.2-3", in: checklist))
        let json = try ChecklistView.showJSON(match, id: "5.1.2-3", checklist: checklist, file: "mini.xml")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((object["match"] as? [String: String]) == ["id": "5.1.2-3", "kind": "statement"])
        let clause = try #require(object["clause"] as? [String: Any])
        #expect(clause["id"] as? String == "5.1.2")
        let statements = try #require(clause["statements"] as? [[String: Any]])
        #expect(statements.compactMap { $0["id"] as? String } == ["5.1.2-3"])
    }
}
