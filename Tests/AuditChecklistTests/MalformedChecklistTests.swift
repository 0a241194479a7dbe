import AuditChecklist
import AuditModel
import Foundation
import Testing

/// One malformed fixture and every diagnostic it must produce, exactly and in order.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var file: String
    var diagnostics: [ExpectedDiagnostic]

    var testDescription: String { file }
}

private let wellFormed = "well-formed XML"
private let checklistDocument =
    "an XML checklist: <?xml version=\"1.0\" encoding=\"UTF-8\"?> then "
    + "<checklist xmlns=\"urn:mallaudit:checklist:1\" version=\"…\">"
private let checklistRoot = "the root element <checklist xmlns=\"urn:mallaudit:checklist:1\" version=\"…\">"
private let methodsExpected =
    "methods=\"…\" listing one or more of probe, data, inspection, document, interview (space-separated)"
private let modalities = "one of 'shall', 'shallNot', 'should', 'may'"
private let doctypeMessage =
    "a DOCTYPE declaration is not allowed in a checklist "
    + "(refused before reading it: no DTD, no entity is declared, loaded or expanded)"
private let doctypeExpected =
    "no <!DOCTYPE …>: the document starts with <checklist xmlns=\"urn:mallaudit:checklist:1\">"

let malformedCases: [MalformedCase] = [
    .init(
        file: "bad-modality.xml",
        diagnostics: [
            .init(line: 19, "statement 5.1.1-2: attribute modality \"must\" is not allowed", expected: modalities)
        ]),
    .init(
        file: "duplicate-statement-id.xml",
        diagnostics: [
            .init(
                line: 19, "statement 5.1.1-1: duplicate statement or option id \"5.1.1-1\" (first used on line 15)",
                expected: "each statement and option id once in the checklist")
        ]),
    .init(
        file: "duplicate-clause-id.xml",
        diagnostics: [
            .init(
                line: 24, "clause 5.1.1: duplicate clause id \"5.1.1\" (first used on line 9)",
                expected: "each clause id once in the checklist")
        ]),
    .init(
        file: "missing-chinese-text.xml",
        diagnostics: [.init(line: 20, "statement 5.1.1-2: <en> is not expected here", expected: "<zh>")]),
    .init(
        file: "english-in-chinese-text.xml",
        diagnostics: [
            .init(
                line: 31, "statement 5.1.2-1: <zh> \"free WiFi\" is not accepted",
                expected: "Chinese text (at least one CJK ideograph)")
        ]),
    .init(
        file: "statement-without-method.xml",
        diagnostics: [.init(line: 30, "statement 5.1.2-1: attribute methods is missing", expected: methodsExpected)]),
    .init(
        file: "statement-with-empty-methods.xml",
        diagnostics: [.init(line: 30, "statement 5.1.2-1: attribute methods is empty", expected: methodsExpected)]),
    .init(file: "external-entity.xml", diagnostics: [.init(line: 2, doctypeMessage, expected: doctypeExpected)]),
    .init(file: "billion-laughs.xml", diagnostics: [.init(line: 3, doctypeMessage, expected: doctypeExpected)]),
    .init(
        file: "doctype-without-entities.xml", diagnostics: [.init(line: 3, doctypeMessage, expected: doctypeExpected)]),
    .init(
        file: "not-xml.xml",
        diagnostics: [
            .init(line: 1, "not well-formed XML: Start tag expected, '<' not found", expected: checklistDocument)
        ]),
    .init(file: "empty.xml", diagnostics: [.init(line: 1, "the file is empty", expected: checklistDocument)]),
    .init(file: "blank.xml", diagnostics: [.init(line: 1, "the file is blank", expected: checklistDocument)]),
    .init(
        file: "wrong-root.xml",
        diagnostics: [
            .init(
                line: 2, "the root element is <audit> in namespace \"urn:mallaudit:checklist:1\"",
                expected: checklistRoot)
        ]),
    .init(
        file: "wrong-namespace.xml",
        diagnostics: [
            .init(
                line: 2, "the root element is <checklist> in namespace \"urn:example:checklist\"",
                expected: checklistRoot)
        ]),
    .init(
        file: "no-namespace.xml",
        diagnostics: [.init(line: 2, "the root element is <checklist> without a namespace", expected: checklistRoot)]),
    .init(
        file: "statement-not-under-clause.xml",
        diagnostics: [
            .init(
                line: 30, "statement id 5.1.1-3 is not under its clause 5.1.2",
                expected: "5.1.2-N for the N-th obligation of the paragraph or 5.1.2.x for list item x)")
        ]),
    .init(
        file: "clause-not-under-chapter.xml",
        diagnostics: [
            .init(
                line: 24, "clause 6.1.2 is in chapter 5",
                expected: "a clause id beginning with \"5.\" (ids follow spec/clauses.md)")
        ]),
    .init(
        file: "option-not-under-clause.xml",
        diagnostics: [
            .init(
                line: 33, "option id 5.1.1.b of statement 5.1.2-1 is not under its clause 5.1.2",
                expected: "5.1.2.x, x the letter of the item in the paragraph")
        ]),
    .init(
        file: "minimum-options-without-options.xml",
        diagnostics: [
            .init(
                line: 30, "statement 5.1.2-1 sets minimumOptions=\"1\" but lists no <option>",
                expected: "minimumOptions only on a statement with <option> elements")
        ]),
    .init(
        file: "minimum-options-above-count.xml",
        diagnostics: [
            .init(
                line: 30, "statement 5.1.2-1 sets minimumOptions=\"3\" but lists only 2 option(s)",
                expected: "a minimumOptions from 1 to 2, the number of its options")
        ]),
    .init(
        file: "unclosed-element.xml",
        diagnostics: [
            .init(
                line: 18, "not well-formed XML: Opening and ending tag mismatch: evidence line 17 and statement",
                expected: wellFormed),
            .init(
                line: 23, "not well-formed XML: Opening and ending tag mismatch: statement line 15 and clause",
                expected: wellFormed),
            .init(
                line: 35, "not well-formed XML: Opening and ending tag mismatch: clause line 9 and chapter",
                expected: wellFormed),
            .init(
                line: 36, "not well-formed XML: Opening and ending tag mismatch: chapter line 7 and checklist",
                expected: wellFormed),
            .init(line: 37, "not well-formed XML: Premature end of data in tag checklist line 2", expected: wellFormed),
        ]),
    .init(
        file: "several-problems.xml",
        diagnostics: [
            .init(
                line: 15, "statement 5.1.1-1: a child element is missing",
                expected: "one of <condition>, <threshold>, <option>, <evidence>"),
            .init(line: 18, "statement 5.1.1-2: attribute modality \"must\" is not allowed", expected: modalities),
            .init(line: 29, "statement 5.1.2-1: attribute methods is missing", expected: methodsExpected),
        ]),
]

@Suite("Malformed checklists")
struct MalformedChecklistTests {
    @Test("every malformed fixture gives exactly its diagnostics, each with file and line", arguments: malformedCases)
    func diagnostics(_ fixture: MalformedCase) throws {
        let url = Paths.malformed(fixture.file)
        let name = "fixtures/malformed/\(fixture.file)"
        let result = ChecklistLoader.validate(file: url, schema: Paths.schema, displayName: name)

        #expect(!result.isValid)
        #expect(result.checklist == nil)
        #expect(result.diagnostics.map(ExpectedDiagnostic.init) == fixture.diagnostics)
        for diagnostic in result.diagnostics {
            #expect(diagnostic.file == name)
            #expect(diagnostic.description.hasPrefix("\(name):\(diagnostic.line ?? -1)"))
        }

        // `load` throws the same diagnostics, naming the file by its path when no display name is given.
        let error = try #require(throws: DiagnosticsError.self) {
            try ChecklistLoader.load(file: url, schema: Paths.schema)
        }
        #expect(error.diagnostics.map(ExpectedDiagnostic.init) == fixture.diagnostics)
        #expect(error.diagnostics.allSatisfy { $0.file == url.path })
    }

    @Test("every file in Fixtures/malformed has a test case, and every case a file")
    func everyFixtureIsTested() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Paths.fixtures.appendingPathComponent("malformed").path)
        #expect(Set(files) == Set(malformedCases.map(\.file)))
    }

    @Test("the external entity's file is never opened: the DOCTYPE is refused before it is parsed")
    func externalEntityIsNotOpened() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("secret.fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        // The fixture, pointed at a FIFO: opening it for reading rendezvouses with the writer below,
        // so the writer learns whether the loader opened it.
        let original = try String(contentsOf: Paths.malformed("external-entity.xml"), encoding: .utf8)
        #expect(original.contains("file:///etc/passwd"))
        let pointed = original.replacingOccurrences(of: "file:///etc/passwd", with: "file://\(fifo.path)")
        let checklist = directory.appendingPathComponent("checklist.xml")
        try pointed.write(to: checklist, atomically: true, encoding: .utf8)

        let probe = FIFOOpenProbe(path: fifo.path, payload: "SECRET-\(UUID().uuidString)")
        let result = ChecklistLoader.validate(file: checklist, schema: Paths.schema)
        let opened = probe.finish()

        #expect(!opened, "the loader opened the external entity's file")
        #expect(
            result.diagnostics.map(ExpectedDiagnostic.init) == [
                .init(line: 2, doctypeMessage, expected: doctypeExpected)
            ])
        #expect(!result.diagnostics.description.contains(probe.payload))
    }

    @Test("the FIFO probe does notice a reader (so the test above can fail)")
    func fifoProbeDetectsAnOpen() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("secret.fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let probe = FIFOOpenProbe(path: fifo.path, payload: "SECRET-\(UUID().uuidString)")
        // What a careless parser would do: open and read the entity's file.
        let descriptor = open(fifo.path, O_RDONLY)
        #expect(descriptor >= 0)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        close(descriptor)
        #expect(probe.finish())
        #expect(String(decoding: bytes, as: UTF8.self) == probe.payload)
    }

    @Test("/etc/passwd's content appears nowhere in the result of the external-entity fixture")
    func passwdContentIsNotRead() throws {
        let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let firstLine = try #require(passwd.split(separator: "\n").first.map(String.init))
        let result = ChecklistLoader.validate(file: Paths.malformed("external-entity.xml"), schema: Paths.schema)
        #expect(result.checklist == nil)
        #expect(!result.diagnostics.description.contains(firstLine))
        #expect(!result.diagnostics.description.contains("root:"))
    }

    @Test("a billion-laughs document is refused without expanding anything")
    func billionLaughsIsRefusedCheaply() throws {
        let result = ChecklistLoader.validate(file: Paths.malformed("billion-laughs.xml"), schema: Paths.schema)
        #expect(result.diagnostics.count == 1)
        #expect(!result.diagnostics.description.contains("lollollol"))
    }

    @Test("a file that does not exist is a diagnostic, not a crash")
    func missingFile() {
        let url = Paths.fixtures.appendingPathComponent("no-such-checklist.xml")
        let result = ChecklistLoader.validate(file: url, schema: Paths.schema, displayName: "no-such-checklist.xml")
        #expect(
            result.diagnostics.map(ExpectedDiagnostic.init) == [
                .init(
                    line: nil, "cannot read the checklist: No such file or directory",
                    expected: "a readable checklist XML file")
            ])
        #expect(result.diagnostics.first?.file == "no-such-checklist.xml")
    }

    @Test("a directory, an endless device, or a file over the size limit is a diagnostic too")
    func unreadable() throws {
        let directory = ChecklistLoader.validate(file: Paths.fixtures, schema: Paths.schema, displayName: "Fixtures")
        #expect(directory.diagnostics.map(\.message) == ["cannot read the checklist: Is a directory"])
        let endless = ChecklistLoader.validate(
            file: URL(fileURLWithPath: "/dev/zero"), schema: Paths.schema, displayName: "/dev/zero")
        #expect(endless.diagnostics.map(\.message) == ["cannot read the checklist: is a device, not a regular file"])
        // A sparse regular file one byte over 16 MiB: refused by its size before it is read.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checklist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let large = folder.appendingPathComponent("large.xml")
        #expect(FileManager.default.createFile(atPath: large.path, contents: Data("<checklist>".utf8)))
        let handle = try FileHandle(forWritingTo: large)
        try handle.truncate(atOffset: 16 * 1_048_576 + 1)
        try handle.close()
        let tooLarge = ChecklistLoader.validate(file: large, schema: Paths.schema, displayName: "large.xml")
        #expect(
            tooLarge.diagnostics.map(\.message)
                == ["cannot read the checklist: larger than 16 MiB, far more than a checklist"])
    }

    @Test("a missing schema is a diagnostic naming the schema file")
    func missingSchema() throws {
        let schema = Paths.fixtures.appendingPathComponent("no-such-schema.xsd")
        let result = ChecklistLoader.validate(file: Paths.valid("mini.xml"), schema: schema)
        #expect(!result.isValid)
        #expect(
            result.diagnostics.map(ExpectedDiagnostic.init) == [
                .init(
                    line: nil, "cannot read the checklist schema: No such file or directory",
                    expected: "the XML Schema checklist.xsd beside the checklist, or a schema passed explicitly")
            ])
        #expect(result.diagnostics.first?.file == schema.path)
    }

    @Test("a schema that is not a schema is a diagnostic naming the schema file")
    func invalidSchema() throws {
        let schema = Paths.valid("mini.xml")
        let result = ChecklistLoader.validate(file: Paths.valid("mini.xml"), schema: schema)
        #expect(!result.isValid)
        #expect(!result.errors.isEmpty)
        #expect(result.errors.allSatisfy { $0.file == schema.path && $0.message.hasPrefix("invalid schema: ") })
    }

    @Test("in-memory data is named by its display name")
    func dataDisplayName() throws {
        let data = try Data(contentsOf: Paths.malformed("bad-modality.xml"))
        let error = try #require(throws: DiagnosticsError.self) {
            try ChecklistLoader.load(data: data, displayName: "upload #7", schema: Paths.schema)
        }
        #expect(error.diagnostics.map(\.file) == ["upload #7"])
        #expect(error.description.hasPrefix("upload #7:19: error: statement 5.1.1-2: attribute modality"))
    }
}

/// Tells whether anyone opened a FIFO for reading before `finish()`: a writer thread blocks in
/// `open(O_WRONLY)` until a reader appears. `finish()` then opens the read end itself to release it.
final class FIFOOpenProbe: @unchecked Sendable {
    let path: String
    let payload: String
    private let lock = NSLock()
    private var finishing = false
    private var openedBeforeFinish = false
    private let done = DispatchSemaphore(value: 0)

    init(path: String, payload: String) {
        self.path = path
        self.payload = payload
        let thread = Thread { [self] in
            let descriptor = open(path, O_WRONLY)
            lock.lock()
            openedBeforeFinish = !finishing
            lock.unlock()
            if descriptor >= 0 {
                _ = payload.withCString { write(descriptor, $0, strlen($0)) }
                close(descriptor)
            }
            done.signal()
        }
        thread.start()
    }

    /// Whether a reader opened the FIFO before this call.
    func finish() -> Bool {
        lock.lock()
        finishing = true
        lock.unlock()
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        done.wait()
        if reader >= 0 { close(reader) }
        lock.lock()
        defer { lock.unlock() }
        return openedBeforeFinish
    }
}
