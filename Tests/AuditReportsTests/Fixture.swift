import AuditModel
import AuditReports
import Foundation

/// A small hand-built checklist and run covering every verdict, every modality, a measurement on each side of its
/// threshold (one exactly on the line), evidence, observations and a not-applicable decision. Fixed ids and times,
/// so reports over it are byte-for-byte stable (the golden files).
enum Fixture {
    static let checklistDigest = "3f0a9c1d5b7e2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a"
    static let siteDigest = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c"
    static let photoSHA = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
    static let pdfSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    static let logSHA = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"

    static func statement(
        _ id: String, _ modality: Modality, zh: String, en: String, methods: [AssessmentMethod] = [.inspection],
        threshold: Threshold? = nil, condition: LocalizedText? = nil
    ) -> Statement {
        let clauseID = id.contains("-") ? String(id.split(separator: "-")[0]) : String(id.dropLast(2))
        return Statement(
            id: id, clauseID: clauseID, modality: modality, text: LocalizedText(zh: zh, en: en), methods: methods,
            threshold: threshold, condition: condition)
    }

    static let retention = Threshold(quantity: "logRetention", comparison: .greaterThan, value: 60, unit: "day")
    static let satisfaction = Threshold(
        quantity: "satisfaction", comparison: .greaterThanOrEqual, value: 85, unit: "%")

    static func checklist(chapter5Title: String = "基础要求") -> Checklist {
        Checklist(
            version: "1.0.0", standardTitleZH: "商场数字化服务规范",
            standardTitleEN: "Specification for digital services of shopping malls", digest: checklistDigest,
            chapters: [
                Chapter(
                    number: 5, title: LocalizedText(zh: chapter5Title, en: "Basic requirements"),
                    clauses: [
                        Clause(
                            id: "5.1.1", chapter: 5, title: LocalizedText(zh: "网络通信", en: "Network communication"),
                            text: LocalizedText(
                                zh: "商场应实现有线网络、无线网络，宜建设5G移动通信网络全覆盖的室内分布系统。",
                                en: "The mall shall implement wired and wireless networks, "
                                    + "and should build 5G indoor coverage."
                            ),
                            statements: [
                                statement(
                                    "5.1.1-1", .shall, zh: "商场应实现有线网络、无线网络",
                                    en: "The mall shall implement wired and wireless networks.",
                                    methods: [.probe, .inspection]),
                                statement(
                                    "5.1.1-2", .should, zh: "宜建设5G移动通信网络全覆盖的室内分布系统",
                                    en: "The mall should build 5G indoor coverage."),
                            ]),
                        Clause(
                            id: "5.1.2", chapter: 5, title: LocalizedText(zh: "网络通信", en: "Network communication"),
                            text: LocalizedText(
                                zh: "商场应提供免费WiFi接入服务……日志留存时间应大于60日。",
                                en: "The mall shall provide free WiFi … "
                                    + "the log retention period shall be greater than 60 days."
                            ),
                            notes: [
                                LocalizedText(
                                    zh: "“大于60日”按严格大于理解。",
                                    en: "\"Greater than 60 days\" is read as strictly greater.")
                            ],
                            statements: [
                                statement(
                                    "5.1.2-3", .shall, zh: "日志留存时间应大于60日",
                                    en: "The log retention period shall be greater than 60 days.", methods: [.data],
                                    threshold: retention)
                            ]),
                        Clause(
                            id: "5.2.5", chapter: 5, section: LocalizedText(zh: "设备设施", en: "Facilities"),
                            title: LocalizedText(zh: "核心机房", en: "Core machine room"),
                            text: LocalizedText(
                                zh: "核心机房应设置在地面一层……严禁设置玻璃门窗及通风口。",
                                en: "The core machine room shall be on the ground floor … "
                                    + "glass doors, windows and vents are prohibited."
                            ),
                            statements: [
                                statement(
                                    "5.2.5-2", .may, zh: "可设置在地下一层", en: "It may be on the first basement level.",
                                    condition: LocalizedText(
                                        zh: "商场有地下二、三层时", en: "when the mall has basement levels 2–3")),
                                statement(
                                    "5.2.5-4", .shall, zh: "应设置除湿和水浸告警设备",
                                    en: "Dehumidifiers and water-leak alarms shall be installed.",
                                    methods: [.probe, .inspection]),
                                statement(
                                    "5.2.5-6", .shallNot, zh: "严禁设置玻璃门窗及通风口",
                                    en: "Glass doors, windows and vents are prohibited."),
                            ]),
                    ]),
                Chapter(
                    number: 8, title: LocalizedText(zh: "服务监督与评价", en: "Service supervision and evaluation"),
                    clauses: [
                        Clause(
                            id: "8.1.2", chapter: 8,
                            title: LocalizedText(zh: "监督与评价", en: "Supervision and evaluation"),
                            text: LocalizedText(
                                zh: "……应在5个工作日内回复处理结果。",
                                en: "… shall reply with the outcome within 5 working days."),
                            statements: [
                                statement(
                                    "8.1.2-2", .shall, zh: "应在5个工作日内回复处理结果",
                                    en: "The outcome shall be replied within 5 working days.", methods: [.data],
                                    threshold: Threshold(
                                        quantity: "replyTime", comparison: .lessThanOrEqual, value: 5,
                                        unit: "workingDay"))
                            ]),
                        Clause(
                            id: "8.2.1", chapter: 8,
                            title: LocalizedText(zh: "顾客满意度调查", en: "Customer satisfaction survey"),
                            text: LocalizedText(
                                zh: "……满意度应不低于85%。", en: "… satisfaction shall be at least 85%."),
                            statements: [
                                statement(
                                    "8.2.1-1", .may, zh: "可采用调查表", en: "A questionnaire may be used."),
                                statement(
                                    "8.2.1-3", .shall, zh: "满意度应不低于85%", en: "Satisfaction shall be at least 85%.",
                                    methods: [.data], threshold: satisfaction),
                            ]),
                        Clause(
                            id: "8.2.3", chapter: 8,
                            title: LocalizedText(zh: "顾客满意度调查", en: "Customer satisfaction survey"),
                            text: LocalizedText(zh: "可开展在线综合与专题调查。", en: "Online surveys may be run."),
                            statements: [
                                statement("8.2.3-1", .may, zh: "可开展在线综合与专题调查", en: "Online surveys may be run.")
                            ]),
                    ]),
            ])
    }

    static let machineRoomDecision = NotApplicableDecision(
        statementID: "5.2.5-2", justification: "商场无地下二、三层，机房位于地面一层", decidedBy: "王工（评估组长）",
        decidedAt: "2026-11-18")

    static func results() -> [StatementResult] {
        [
            StatementResult(
                statementID: "5.1.1-1", verdict: .pass, source: .probe, producer: "core-switch-ports",
                reason: "有线上联端口与无线控制器均在线",
                observations: [
                    Observation(name: "ifOperStatus.1", value: "up(1)"),
                    Observation(name: "wlc.apCount", value: "48"),
                ], judgedAt: "2026-11-20T09:05:12Z"),
            StatementResult(
                statementID: "5.1.1-2", verdict: .fail, source: .manual, producer: "李检查员",
                reason: "地下停车场 B2 无 5G 信号",
                evidence: [
                    EvidenceRef(
                        name: "B2-5G-测试截图.png", sha256: photoSHA, size: 183_204, collectedBy: "李检查员",
                        collectedAt: "2026-11-19T15:40:00+08:00", description: "B2 层 5G 信号强度为无服务")
                ], judgedAt: "2026-11-20T09:07:00Z"),
            StatementResult(
                statementID: "5.1.2-3", verdict: .fail, source: .data, producer: "wifi-logs",
                measurement: Measurement(value: 45, threshold: retention, unit: "day", sample: 45),
                reason: "最早的日志为 45 天前，留存未超过 60 日",
                observations: [Observation(name: "oldestLog", value: "portal-20261006.log.gz")],
                evidence: [EvidenceRef(name: "wifi-logs-manifest.txt", sha256: logSHA, size: 4_096)],
                judgedAt: "2026-11-20T09:06:01Z"),
            StatementResult(
                statementID: "5.2.5-2", verdict: .notApplicable, source: .decision, producer: "王工（评估组长）",
                reason: machineRoomDecision.justification, notApplicable: machineRoomDecision,
                judgedAt: "2026-11-20T09:05:00Z"),
            StatementResult(
                statementID: "5.2.5-4", verdict: .pass, source: .probe, producer: "machine-room-water-leak",
                reason: "水浸传感器在线且状态正常",
                observations: [Observation(name: "1.3.6.1.4.1.99999.1.2.0", value: "0")],
                judgedAt: "2026-11-20T09:05:30Z"),
            StatementResult(
                statementID: "5.2.5-6", verdict: .pass, source: .manual, producer: "李检查员",
                reason: "机房为实体墙，无玻璃门窗及通风口",
                evidence: [
                    EvidenceRef(
                        name: "机房照片.jpg", sha256: pdfSHA, size: 2_048_000, collectedBy: "李检查员",
                        collectedAt: "2026-11-19")
                ], judgedAt: "2026-11-20T09:07:30Z"),
            StatementResult(
                statementID: "8.1.2-2", verdict: .error, source: .data, producer: "complaints",
                reason: "投诉记录导出文件缺少“回复日期”列，无法计算回复时长",
                judgedAt: "2026-11-20T09:06:30Z"),
            StatementResult(
                statementID: "8.2.1-3", verdict: .pass, source: .data, producer: "survey",
                measurement: Measurement(value: 85, threshold: satisfaction, unit: "%", sample: 400),
                reason: "满意 + 基本满意 = 340 / 400 = 85.0 %", judgedAt: "2026-11-20T09:06:45Z"),
            StatementResult(
                statementID: "8.2.3-1", verdict: .notAssessed, source: .manual, reason: "待现场核查",
                judgedAt: "2026-11-20T09:08:00Z"),
            // 8.2.1-1 has no result at all: the report shows it as not assessed.
        ]
    }

    static func run(mallName: String = "徐州云龙万达广场") -> RunMetadata {
        RunMetadata(
            runID: "17",
            mall: MallIdentity(
                name: mallName, address: "江苏省徐州市云龙区和平大道 58 号",
                creditCode: "91320300MA1XXXXX0Q"),
            assessor: "王工", startedAt: "2026-11-20T09:00:00Z", endedAt: "2026-11-20T09:08:30Z",
            completion: .completed, toolVersion: "0.1.0", siteProfileDigest: siteDigest, asOf: "2026-11-20",
            settings: AuditSettings(areas: ["B1", "1F"]))
    }

    /// What 5.1.2-3 was judged from: the WiFi-log check's fail and an inspector's pass beside it (the check's fail
    /// stands, and the card says why).
    static let judgementInputs: [String: [StatementResult]] = [
        "5.1.2-3": [
            StatementResult(
                statementID: "5.1.2-3", verdict: .fail, source: .data, producer: "wifi-logs",
                reason: "logs kept 45 days (2026-11-20 − 2026-10-06), not more than 60"),
            StatementResult(
                statementID: "5.1.2-3", verdict: .pass, source: .manual, producer: "李检查员",
                reason: "机房服务器上另有日志备份"),
        ]
    ]

    static func report(
        mallName: String = "徐州云龙万达广场", results: [StatementResult] = results(), checklist: Checklist = checklist()
    ) -> AuditReport {
        AuditReport(
            run: run(mallName: mallName), checklist: checklist, results: results, decisions: [machineRoomDecision],
            judgementInputs: judgementInputs)
    }

    /// The fixture's results with `id` replaced by `replacement`.
    static func results(replacing id: String, with replacement: StatementResult) -> [StatementResult] {
        results().map { $0.statementID == id ? replacement : $0 }
    }

    // MARK: Paths

    /// The repository root (where Package.swift is).
    static let root: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static var schema: URL { root.appendingPathComponent("reports/report.xsd") }
    static var templatesDirectory: URL { root.appendingPathComponent("templates") }
    static var goldenDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    }

    static func xmlWriter() -> XMLReportWriter { XMLReportWriter(schema: schema) }

    static func htmlWriter() throws -> HTMLReportWriter {
        HTMLReportWriter(templates: try HTMLTemplates(directory: templatesDirectory))
    }

    /// A fresh temporary directory; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mallaudit-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Compares `actual` with the golden file `name`, or records it when `MALLAUDIT_RECORD_GOLDEN=1`.
/// Returns a description of the first difference, or nil when equal.
func goldenMismatch(_ actual: Data, name: String) throws -> String? {
    let url = Fixture.goldenDirectory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["MALLAUDIT_RECORD_GOLDEN"] == "1" {
        try FileManager.default.createDirectory(at: Fixture.goldenDirectory, withIntermediateDirectories: true)
        try actual.write(to: url)
        return nil
    }
    guard let expected = FileManager.default.contents(atPath: url.path) else {
        return "golden file \(url.path) is missing; record it with "
            + "MALLAUDIT_RECORD_GOLDEN=1 swift test --filter AuditReportsTests"
    }
    if expected == actual { return nil }
    let expectedLines = String(decoding: expected, as: UTF8.self).split(
        separator: "\n", omittingEmptySubsequences: false)
    let actualLines = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(expectedLines.count, actualLines.count) {
        let want = index < expectedLines.count ? String(expectedLines[index]) : "<end of file>"
        let got = index < actualLines.count ? String(actualLines[index]) : "<end of file>"
        if want != got {
            return "\(name):\(index + 1) differs\n  golden: \(want)\n  actual: \(got)\n"
                + "(re-record with MALLAUDIT_RECORD_GOLDEN=1 if the change is intended)"
        }
    }
    return "\(name) differs in bytes only (line endings?)"
}
