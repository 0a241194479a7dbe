import AuditModel
import AuditStore
import Foundation
import Testing

/// A fresh temporary directory; the caller removes it.
func temporaryDirectory(_ name: String = "auditstore-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A store in a fresh temporary directory, with a fixed clock when given.
func makeStore(_ name: String = "store", now: (@Sendable () -> Date)? = nil) throws -> (AuditStore, URL) {
    let dir = try temporaryDirectory(name)
    let path = dir.appendingPathComponent("mallaudit.sqlite").path
    let store = try now.map { try AuditStore(path: path, now: $0) } ?? AuditStore(path: path)
    return (store, dir)
}

func statement(
    _ id: String, _ modality: Modality = .shall, methods: [AssessmentMethod] = [.inspection],
    threshold: Threshold? = nil
) -> Statement {
    let clause = String(id.split(whereSeparator: { $0 == "-" }).first!)
    return Statement(
        id: id, clauseID: clause, modality: modality, text: LocalizedText(zh: "应", en: "shall"), methods: methods,
        threshold: threshold)
}

/// A small hand-built checklist covering the cases the store cares about:
/// - 5.1.1-1 shall by inspection (manual pass needs evidence), 5.1.1-2 should by inspection (does not),
/// - 5.1.2-1 shall by data with a `> 60 day` threshold, 5.2.5-4 shall-not by inspection,
/// - 7.3.1-1 shall by interview only (a manual pass needs no file), 6.8.a should.
let sampleChecklist = Checklist(
    version: "test-1", standardTitleZH: "商场数字化服务规范", standardTitleEN: "spec",
    digest: String(repeating: "ab", count: 32),
    chapters: [
        Chapter(
            number: 5, title: LocalizedText(zh: "基础要求", en: "Basic"),
            clauses: [
                Clause(
                    id: "5.1.1", chapter: 5, title: LocalizedText(zh: "网络通信", en: "Network"),
                    text: LocalizedText(zh: "", en: ""),
                    statements: [statement("5.1.1-1"), statement("5.1.1-2", .should)]),
                Clause(
                    id: "5.1.2", chapter: 5, title: LocalizedText(zh: "网络通信", en: "Network"),
                    text: LocalizedText(zh: "", en: ""),
                    statements: [
                        statement(
                            "5.1.2-1", methods: [.data],
                            threshold: Threshold(
                                quantity: "logRetention", comparison: .greaterThan, value: 60,
                                unit: "day"))
                    ]),
                Clause(
                    id: "5.2.5", chapter: 5, title: LocalizedText(zh: "核心机房", en: "Machine room"),
                    text: LocalizedText(zh: "", en: ""), statements: [statement("5.2.5-4", .shallNot)]),
            ]),
        Chapter(
            number: 6, title: LocalizedText(zh: "服务要求", en: "Service"),
            clauses: [
                Clause(
                    id: "6.8", chapter: 6, title: LocalizedText(zh: "技术应用", en: "Technology"),
                    text: LocalizedText(zh: "", en: ""), statements: [statement("6.8.a", .should)])
            ]),
        Chapter(
            number: 7, title: LocalizedText(zh: "管理要求", en: "Management"),
            clauses: [
                Clause(
                    id: "7.3.1", chapter: 7, title: LocalizedText(zh: "人员", en: "Staff"),
                    text: LocalizedText(zh: "", en: ""), statements: [statement("7.3.1-1", methods: [.interview])])
            ]),
    ])

func newRun(_ checklist: Checklist = sampleChecklist, site: String = "彭城广场", assessor: String? = "王工") -> NewRun {
    NewRun(
        siteName: site, siteDigest: String(repeating: "cd", count: 32), checklist: checklist, toolVersion: "0.1.0",
        assessor: assessor)
}

func result(_ id: String, _ verdict: Verdict, reason: String = "test") -> StatementResult {
    StatementResult(statementID: id, verdict: verdict, source: .probe, producer: "test-probe", reason: reason)
}

/// The built `mallaudit` binary: `$MALLAUDIT_BIN` (set by scripts/test.sh), else next to the test bundle.
func mallauditBinary() throws -> URL {
    if let path = ProcessInfo.processInfo.environment["MALLAUDIT_BIN"], !path.isEmpty {
        return URL(fileURLWithPath: path)
    }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("mallaudit")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    let fallback = URL(fileURLWithPath: ".build/debug/mallaudit")
    guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
        Issue.record(
            "the mallaudit binary was not found: run `bash scripts/test.sh` (it builds it and sets MALLAUDIT_BIN)")
        throw CancellationError()
    }
    return fallback
}

/// Output of a command-line tool such as `sha256sum`.
func runTool(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
