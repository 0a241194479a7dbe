import AuditChecklist
import AuditModel
import Foundation
import Testing
import TestSupport

@Suite("Loading a valid checklist")
struct ChecklistLoaderTests {
    private func loadMini() throws -> Checklist {
        try ChecklistLoader.load(file: Paths.valid("mini.xml"), schema: Paths.schema)
    }

    @Test("the model follows the file: chapters, clauses, statements in document order")
    func structure() throws {
        let checklist = try loadMini()
        #expect(checklist.version == "0.9.1")
        #expect(checklist.standardTitleZH == "商场数字化服务规范")
        #expect(checklist.standardTitleEN == "Specification for digital services of shopping malls")
        #expect(checklist.chapters.map(\.number) == [5, 6])
        #expect(checklist.chapters.map(\.title.zh) == ["基础要求", "服务要求"])
        #expect(checklist.clauses.map(\.id) == ["5.1.2", "5.2.4", "5.2.5", "6.1", "6.4.2"])
        #expect(checklist.clauses.map(\.chapter) == [5, 5, 5, 6, 6])
        #expect(
            checklist.statements.map(\.id) == [
                "5.1.2-1", "5.1.2-3", "5.2.4-2", "5.2.5-2", "5.2.5-6", "6.1-1", "6.1.a", "6.1.b", "6.4.2-1",
            ])
        #expect(checklist.statements.allSatisfy { $0.id.hasPrefix($0.clauseID) })
        #expect(
            checklist.statements.map(\.modality) == [
                .shall, .shall, .shall, .may, .shallNot, .shall, .shall, .shall, .should,
            ])
    }

    @Test("texts are trimmed, list lines kept; section, notes, methods and evidence are read")
    func texts() throws {
        let checklist = try loadMini()
        let storage = try #require(checklist.clause("5.2.4"))
        #expect(storage.section == LocalizedText(zh: "设备设施", en: "Equipment and facilities"))
        #expect(storage.title.zh == "存储与计算")
        #expect(
            storage.text.zh
                == "数据存储与计算的环境应包括：\n" + "a) 公有云模式下的计算与存储；\n" + "b) 私有云模式下的计算与存储。")
        #expect(checklist.clause("5.1.2")?.section == nil)
        let wifi = try #require(checklist.statement("5.1.2-1"))
        #expect(wifi.text.zh == "商场应提供免费WiFi接入服务")
        #expect(wifi.text.en == "The mall shall provide free WiFi access service.")
        #expect(wifi.methods == [.probe, .inspection])
        #expect(wifi.evidence == [LocalizedText(zh: "WiFi 认证门户的探测结果", en: "Probe of the WiFi captive portal")])
        #expect(wifi.threshold == nil)
        #expect(wifi.condition == nil)
        #expect(wifi.options.isEmpty)
    }

    @Test("threshold, options, minimumOptions and condition are read")
    func measurableParts() throws {
        let checklist = try loadMini()
        let retention = try #require(checklist.statement("5.1.2-3"))
        #expect(
            retention.threshold == Threshold(quantity: "logRetention", comparison: .greaterThan, value: 60, unit: "day")
        )
        let environments = try #require(checklist.statement("5.2.4-2"))
        #expect(environments.options.map(\.id) == ["5.2.4.a", "5.2.4.b"])
        #expect(environments.options.map(\.text.zh) == ["公有云模式下的计算与存储", "私有云模式下的计算与存储"])
        #expect(environments.minimumOptions == 1)
        let basement = try #require(checklist.statement("5.2.5-2"))
        #expect(basement.condition?.zh == "商业广场等如有地下二、三层")
    }

    @Test("without minimumOptions a statement needs all its options; minimumOptions equal to the count is valid")
    func minimumOptionsBoundary() throws {
        let original = try String(contentsOf: Paths.valid("mini.xml"), encoding: .utf8)
        #expect(original.contains(" minimumOptions=\"1\""))

        let absent = original.replacingOccurrences(of: " minimumOptions=\"1\"", with: "")
        let all = try ChecklistLoader.load(data: Data(absent.utf8), displayName: "absent", schema: Paths.schema)
        #expect(all.statement("5.2.4-2")?.minimumOptions == 2)

        let equal = original.replacingOccurrences(of: " minimumOptions=\"1\"", with: " minimumOptions=\"2\"")
        let atCount = try ChecklistLoader.load(data: Data(equal.utf8), displayName: "equal", schema: Paths.schema)
        #expect(atCount.statement("5.2.4-2")?.minimumOptions == 2)

        let above = original.replacingOccurrences(of: " minimumOptions=\"1\"", with: " minimumOptions=\"3\"")
        let result = ChecklistLoader.validate(data: Data(above.utf8), displayName: "above", schema: Paths.schema)
        #expect(
            result.errors.map(\.message) == ["statement 5.2.4-2 sets minimumOptions=\"3\" but lists only 2 option(s)"])

        let zero = original.replacingOccurrences(of: " minimumOptions=\"1\"", with: " minimumOptions=\"0\"")
        let zeroResult = ChecklistLoader.validate(data: Data(zero.utf8), displayName: "zero", schema: Paths.schema)
        #expect(!zeroResult.isValid)
        #expect(zeroResult.errors.first?.expected == "a whole number of at least 1")
    }

    @Test("numbers with the spaces the schema allows around them are read as the numbers, never as 0")
    func spacedNumbers() throws {
        let original = try String(contentsOf: Paths.valid("mini.xml"), encoding: .utf8)
        let spaced = original.replacingOccurrences(of: "value=\"60\"", with: "value=\" 60 \"")
            .replacingOccurrences(of: " minimumOptions=\"1\"", with: " minimumOptions=\" 1 \"")
            .replacingOccurrences(of: "<chapter number=\"5\">", with: "<chapter number=\" 5\">")
        #expect(spaced != original)
        let checklist = try ChecklistLoader.load(data: Data(spaced.utf8), displayName: "spaced", schema: Paths.schema)
        #expect(checklist.chapters.first?.number == 5)
        #expect(checklist.statement("5.1.2-3")?.threshold?.value == 60)
        #expect(checklist.statement("5.2.4-2")?.minimumOptions == 1)
    }

    @Test("digest is the SHA-256 of the file's bytes, as sha256sum computes it")
    func digest() throws {
        let checklist = try loadMini()
        #expect(checklist.digest == (try sha256sum(Paths.valid("mini.xml"))))
        #expect(checklist.digest.count == 64)

        // One more byte (a trailing newline) gives another digest.
        var data = try Data(contentsOf: Paths.valid("mini.xml"))
        data.append(0x0A)
        let changed = try ChecklistLoader.load(data: data, displayName: "mini+newline", schema: Paths.schema)
        #expect(changed.digest != checklist.digest)
        #expect(changed.clauses == checklist.clauses)
    }

    @Test("the schema is found beside the checklist when none is given")
    func schemaBesideChecklist() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("mine.xml")
        try FileManager.default.copyItem(at: Paths.valid("mini.xml"), to: file)
        try FileManager.default.copyItem(at: Paths.schema, to: directory.appendingPathComponent("checklist.xsd"))
        let validation = ChecklistLoader.validate(file: file)
        #expect(validation.isValid)
        #expect(validation.schema == directory.appendingPathComponent("checklist.xsd").path)
        #expect(try ChecklistLoader.load(file: file).clauses.count == 5)
    }

    @Test("a shall statement without 应 is a warning, not an error; list items and noted clauses are exempt")
    func modalWordWarning() throws {
        let url = Paths.valid("modal-word-missing.xml")
        let result = ChecklistLoader.validate(file: url, schema: Paths.schema, displayName: "modal.xml")
        #expect(result.isValid)
        #expect(result.errors.isEmpty)
        #expect(
            result.diagnostics.map(ExpectedDiagnostic.init) == [
                .init(
                    .warning, line: 17, "statement 5.1.1-1 is shall but its Chinese text has no 应",
                    expected: "应 in the statement's <zh>, or a <note> on clause 5.1.1 saying why not")
            ])
        #expect(result.diagnostics.first?.file == "modal.xml")
        // load succeeds: warnings do not stop the tool.
        #expect(try ChecklistLoader.load(file: url, schema: Paths.schema).statements.count == 3)
    }

    @Test("each modality's word satisfies the modal-word check", arguments: Modality.allCases)
    func modalWords(_ modality: Modality) throws {
        let original = try String(contentsOf: Paths.valid("modal-word-missing.xml"), encoding: .utf8)
        /// The fixture with statement 5.1.1-1 given `modality` and the Chinese text `zh`.
        func edited(zh: String) -> Data {
            let text = original.replacingOccurrences(
                of: "<statement id=\"5.1.1-1\" modality=\"shall\"",
                with: "<statement id=\"5.1.1-1\" modality=\"\(modality.rawValue)\""
            ).replacingOccurrences(of: "<zh>商场实现有线网络、无线网络</zh>", with: "<zh>\(zh)</zh>")
            return Data(text.utf8)
        }
        for word in modality.chineseWords {
            let result = ChecklistLoader.validate(
                data: edited(zh: "商场\(word)实现有线网络"), displayName: "edited", schema: Paths.schema)
            #expect(result.isValid)
            #expect(result.warnings.isEmpty, "\(modality) with \(word)")
        }
        // And a word of another modality does not.
        let other: Modality = modality == .may ? .should : .may
        let result = ChecklistLoader.validate(
            data: edited(zh: "商场\(other.chineseWords[0])实现有线网络"), displayName: "edited", schema: Paths.schema)
        #expect(result.warnings.count == 1)
    }

    @Test("loads on many threads at once give the same checklist")
    func concurrentLoads() async throws {
        let expected = try loadMini()
        let results = await withTaskGroup(of: Checklist?.self) { group in
            for index in 0..<16 {
                group.addTask {
                    if index.isMultiple(of: 2) {
                        return try? ChecklistLoader.load(file: Paths.valid("mini.xml"), schema: Paths.schema)
                    }
                    // Interleave failing loads: their errors must not leak into the others.
                    _ = ChecklistLoader.validate(file: Paths.malformed("several-problems.xml"), schema: Paths.schema)
                    return try? ChecklistLoader.load(file: Paths.valid("mini.xml"), schema: Paths.schema)
                }
            }
            var all: [Checklist?] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == expected })
    }
}

@Suite("Finding the default checklist")
struct ChecklistLocatorTests {
    @Test("$MALLAUDIT_CHECKLIST wins, relative to the current directory")
    func environment() {
        let cwd = URL(fileURLWithPath: "/srv/audit")
        let url = ChecklistLocator.defaultChecklist(
            environment: ["MALLAUDIT_CHECKLIST": "lists/mine.xml"], executable: nil, currentDirectory: cwd)
        #expect(url.path == "/srv/audit/lists/mine.xml")
        let absolute = ChecklistLocator.defaultChecklist(
            environment: ["MALLAUDIT_CHECKLIST": "/etc/mallaudit/c.xml"], executable: nil, currentDirectory: cwd)
        #expect(absolute.path == "/etc/mallaudit/c.xml")
    }

    @Test("otherwise the repository above the executable, otherwise the current directory")
    func repositoryThenCurrentDirectory() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let repository = root.appendingPathComponent("repo")
        let checklists = repository.appendingPathComponent("checklists")
        try FileManager.default.createDirectory(at: checklists, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: checklists.appendingPathComponent("mall-digital-service.xml"))
        let executable = repository.appendingPathComponent(".build/x86_64-unknown-linux-gnu/debug/mallaudit")
        let elsewhere = root.appendingPathComponent("elsewhere")

        let found = ChecklistLocator.defaultChecklist(
            environment: ["MALLAUDIT_CHECKLIST": ""], executable: executable, currentDirectory: elsewhere)
        #expect(found.path == checklists.appendingPathComponent("mall-digital-service.xml").path)

        let outside = root.appendingPathComponent("bin/mallaudit")
        let fallback = ChecklistLocator.defaultChecklist(
            environment: [:], executable: outside, currentDirectory: elsewhere)
        #expect(fallback.path == elsewhere.appendingPathComponent("checklists/mall-digital-service.xml").path)
    }

    @Test("an installed binary (PREFIX/bin) finds PREFIX/share/mallaudit; a checkout at the same level wins")
    func installation() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let prefix = root.appendingPathComponent("usr/local")
        let installed = prefix.appendingPathComponent("share/mallaudit/checklists")
        try FileManager.default.createDirectory(at: installed, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: installed.appendingPathComponent("mall-digital-service.xml"))
        try Data("x".utf8).write(to: installed.appendingPathComponent("checklist.xsd"))
        let executable = prefix.appendingPathComponent("bin/mallaudit")
        let elsewhere = root.appendingPathComponent("elsewhere")

        let found = ChecklistLocator.defaultChecklist(
            environment: [:], executable: executable, currentDirectory: elsewhere)
        #expect(found.path == installed.appendingPathComponent("mall-digital-service.xml").path)
        #expect(
            ChecklistLocator.schema(forChecklist: elsewhere.appendingPathComponent("c.xml"), executable: executable).path
                == installed.appendingPathComponent("checklist.xsd").path)

        let checkout = prefix.appendingPathComponent("checklists")
        try FileManager.default.createDirectory(at: checkout, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: checkout.appendingPathComponent("mall-digital-service.xml"))
        #expect(
            ChecklistLocator.defaultChecklist(environment: [:], executable: executable, currentDirectory: elsewhere)
                .path == checkout.appendingPathComponent("mall-digital-service.xml").path)
    }

    @Test("the schema: beside the checklist, else the executable's repository, else the path beside")
    func schema() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let checklist = root.appendingPathComponent("a/c.xml")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
        let beside = root.appendingPathComponent("a/checklist.xsd")
        #expect(ChecklistLocator.schema(forChecklist: checklist, executable: nil).path == beside.path)

        let repositorySchema = root.appendingPathComponent("repo/checklists/checklist.xsd")
        try FileManager.default.createDirectory(
            at: repositorySchema.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: repositorySchema)
        let executable = root.appendingPathComponent("repo/.build/debug/mallaudit")
        #expect(ChecklistLocator.schema(forChecklist: checklist, executable: executable).path == repositorySchema.path)

        try Data("x".utf8).write(to: beside)
        #expect(ChecklistLocator.schema(forChecklist: checklist, executable: executable).path == beside.path)
    }
}
