import AuditChecklist
import AuditEngine
import AuditHTTP
import AuditMeasures
import AuditModel
import AuditProbes
import AuditSNMP
import AuditSite
import AuditStore
import AuditSupport
import AuditXML
import FuzzDriver
import Foundation

// libFuzzer harnesses for every parser of mallaudit (docs/reliability.md). One executable holds them all;
// `MALLAUDIT_FUZZ_HARNESS` names the one to run and `MALLAUDIT_FUZZ_ROOT` the checkout (for the checklist and its
// schema). A harness calls the same public entry point the product calls and throws away the answer: a thrown
// error is a refusal, which is what hostile input should get; a crash, a hang or a memory blow-up is a finding.

/// The harnesses, by name (the names of `fuzz/seeds/*` and of `scripts/fuzz.sh`'s list).
enum Harness: String, CaseIterable {
    case checklist, site, probes, findings, csv, wifi, json, xpath, snmp, store
}

/// What every input of a run shares: the harness, the checkout, a scratch folder (on tmpfs when there is one).
final class FuzzContext: @unchecked Sendable {
    let harness: Harness
    let root: URL
    let scratch: URL
    lazy var checklistSchema = root.appendingPathComponent("checklists/checklist.xsd")
    lazy var checklist: Checklist? = try? ChecklistLoader.load(
        file: root.appendingPathComponent("checklists/mall-digital-service.xml"))

    init() {
        let environment = ProcessInfo.processInfo.environment
        guard let name = environment["MALLAUDIT_FUZZ_HARNESS"], let harness = Harness(rawValue: name) else {
            let names = Harness.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("set MALLAUDIT_FUZZ_HARNESS to one of: \(names)\n".utf8))
            exit(1)
        }
        self.harness = harness
        root = URL(fileURLWithPath: environment["MALLAUDIT_FUZZ_ROOT"] ?? FileManager.default.currentDirectoryPath)
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        scratch = URL(fileURLWithPath: base).appendingPathComponent("mallaudit-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    /// Writes `data` to `name` in the scratch folder (for the loaders that read files, as the product does).
    func file(_ name: String, _ data: Data) -> URL {
        let url = scratch.appendingPathComponent(name)
        FileManager.default.createFile(atPath: url.path, contents: data)
        return url
    }
}

nonisolated(unsafe) var context: FuzzContext!

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    context = FuzzContext()
    _ = context.checklist
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    switch context.harness {
    case .checklist: fuzzChecklist(data)
    case .site: fuzzSite(data)
    case .probes: fuzzProbes(data)
    case .findings: fuzzFindings(data)
    case .csv: fuzzCSV(data)
    case .wifi: fuzzWiFi(data)
    case .json: fuzzJSON(data)
    case .xpath: fuzzXPath(data)
    case .snmp: fuzzSNMP(data)
    case .store: fuzzStore(data)
    }
    return 0
}

/// The first line of `data` (an expression) and the rest (a document).
func split(_ data: Data) -> (String, Data) {
    guard let newline = data.firstIndex(of: 0x0A) else { return (String(decoding: data, as: UTF8.self), Data()) }
    return (String(decoding: data[data.startIndex..<newline], as: UTF8.self), Data(data[(newline + 1)...]))
}

// MARK: the harnesses

/// Checklist XML: well-formedness, DOCTYPE refusal, the XSD, the rules the schema cannot say.
func fuzzChecklist(_ data: Data) {
    let validation = ChecklistLoader.validate(data: data, displayName: "fuzz.xml", schema: context.checklistSchema)
    _ = validation.diagnostics.map(\.description)
}

/// The site profile (YAML → SiteProfile with every check of the loader).
func fuzzSite(_ data: Data) {
    let url = context.file("site.yaml", data)
    if let profile = try? SiteProfile.load(url), let checklist = context.checklist {
        _ = profile.unknownStatements(in: checklist)
    }
}

/// Probe definitions (YAML → ProbeDefinition, with OIDs, JSON paths, XPaths and expectations).
func fuzzProbes(_ data: Data) {
    guard let text = String(data: data, encoding: .utf8) else { return }
    guard let root = try? YAMLValue.parse(text, file: "probes.yaml") else { return }
    _ = try? ProbeDefinitionLoader.parse(root)
}

/// A findings file, then the rules a finding must meet against the real checklist.
func fuzzFindings(_ data: Data) {
    let url = context.file("findings.yaml", data)
    guard let file = try? FindingsFile.load(url, defaultAssessor: "fuzz"), let checklist = context.checklist else {
        return
    }
    _ = FindingRules.validate(file.findings, checklist: checklist)
}

/// CSV exports: encoding (UTF-8, UTF-8 with BOM, GB18030), quoting, the header.
func fuzzCSV(_ data: Data) {
    guard let table = try? CSVReader.parse([UInt8](data), file: "fuzz.csv") else { return }
    _ = table.column(["满意度", "satisfaction", "score"])
    for row in table.rows.prefix(8) { _ = row.fields.count }
}

/// WiFi log files (ISO stamps, year-less syslog, JSON lines; plain or gzip). The first byte picks the clocks and
/// the year rule, the rest is the file.
func fuzzWiFi(_ data: Data) {
    guard let selector = data.first else { return }
    let folder = context.scratch.appendingPathComponent("wifi", isDirectory: true)
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    _ = context.file("wifi/portal.log", Data(data.dropFirst()))
    let rules: [YearlessStampRule] = [.asOf, .fileModified]
    let zones: [ClockZone?] = [nil, .utc, ClockZone("+08:00"), ClockZone("America/New_York")]
    let fields: [String?] = [nil, "ts", "@timestamp"]
    let settings = WiFiLogSettings(
        mallTimeZone: selector & 0x40 == 0 ? .shanghai : .utc, deviceTimeZone: zones[Int(selector & 3)],
        yearRule: rules[Int((selector >> 2) & 1)], timeField: fields[Int(selector >> 3) % 3])
    let check = WiFiLogCheck(
        directory: folder, asOf: MeasureDate(year: 2026, month: 11, day: 20)!, settings: settings, workers: 1)
    _ = try? check.run()
}

/// JSON bodies and JSON paths: the first line is the path, the rest the body.
func fuzzJSON(_ data: Data) {
    let (path, body) = split(data)
    let compiled = try? JSONPath(path)
    guard let document = try? JSONValue.parse(body, source: "fuzz") else { return }
    _ = compiled?.select(in: document).map(\.text)
    _ = try? JSONPath("$.data[*].id").select(in: document).map(\.text)
}

/// HTML (and XML) bodies and XPaths: the first line is the expression, the rest the body.
func fuzzXPath(_ data: Data) {
    let (expression, body) = split(data)
    _ = try? XPathQuery.values(expression, inHTML: body, source: "fuzz")
    _ = try? XPathQuery.values(expression, inXML: body, source: "fuzz")
}

/// SNMP values as net-snmp prints them: the first byte is the ASN.1 tag, the rest the value's bytes; also the text
/// of OIDs and agent addresses.
func fuzzSNMP(_ data: Data) {
    guard let tag = data.first else { return }
    let bytes = [UInt8](data.dropFirst())
    var raw: UInt64 = 0
    for byte in bytes.prefix(8) { raw = raw << 8 | UInt64(byte) }
    let value: SNMPValue
    switch tag {
    case 0x02: value = .integer(Int64(bitPattern: raw))
    case 0x04: value = .octets(bytes)
    case 0x05: value = .null
    case 0x06: value = .oid(SNMPObjectID(stride(from: 0, to: bytes.count - 3, by: 4).map { index in
            bytes[index..<index + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }))
    case 0x40: value = .ipAddress(bytes)
    case 0x41: value = .counter32(UInt32(truncatingIfNeeded: raw))
    case 0x42: value = .gauge32(UInt32(truncatingIfNeeded: raw))
    case 0x43: value = .timeticks(UInt32(truncatingIfNeeded: raw))
    case 0x44: value = .opaque(bytes)
    case 0x46: value = .counter64(raw)
    case 0x76: value = .opaqueCounter64(raw)
    case 0x78: value = .opaqueFloat(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
    case 0x79: value = .opaqueDouble(Double(bitPattern: raw))
    case 0x7A: value = .opaqueInt64(Int64(bitPattern: raw))
    case 0x7B: value = .opaqueUInt64(raw)
    case 0x80: value = .noSuchObject
    case 0x81: value = .noSuchInstance
    case 0x82: value = .endOfMibView
    default: value = .other(tag: tag, bytes: bytes)
    }
    _ = value.netSNMPText
    _ = value.plainText
    _ = value.typeName
    _ = value.number
    _ = SNMPVarBind(oid: SNMPObjectID([1, 3, 6, 1]), value: value).netSNMPLine
    let text = String(decoding: bytes, as: UTF8.self)
    _ = SNMPObjectID(text)?.description
    _ = SNMPAgent.addressProblem(text)
}

/// The store's JSON columns (checkpoints, areas, settings, judgement inputs, the checklist body), decoded as the
/// store decodes them; a decoded checklist is scored, decoded results are judged.
func fuzzStore(_ data: Data) {
    guard let selector = data.first else { return }
    let body = Data(data.dropFirst())
    let decoder = JSONDecoder()
    switch selector % 6 {
    case 0: _ = try? decoder.decode([CheckpointResult].self, from: body)
    case 1: _ = try? decoder.decode([AreaResult].self, from: body)
    case 2: _ = try? decoder.decode(AuditSettings.self, from: body)
    case 3:
        guard let inputs = try? decoder.decode(JudgementInputs.self, from: body), let checklist = context.checklist
        else { return }
        for statement in checklist.statements.prefix(4) {
            _ = Judgement.judge(statement: statement, evidence: inputs.all, decision: nil, judgedAt: nil)
        }
    case 4:
        guard let checklist = try? decoder.decode(Checklist.self, from: body) else { return }
        _ = Scorecard(checklist: checklist, results: [])
    default:
        guard let results = try? decoder.decode([StatementResult].self, from: body), let checklist = context.checklist
        else { return }
        _ = Scorecard(checklist: checklist, results: results)
    }
}
