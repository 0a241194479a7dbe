import AuditChecklist
import AuditModel
import Foundation
import Testing

@testable import AuditProbes
import AuditSite
import AuditSupport
import AuditSNMP

private func diagnostic(_ body: () throws -> Void) -> Diagnostic? {
    do {
        try body()
        return nil
    } catch let error as DiagnosticsError {
        return error.diagnostics.first
    } catch {
        return nil
    }
}

@Suite("Probe definitions and site profiles")
struct DefinitionLoadingTests {
    @Test("the shipped probe files load, and every probe is bound to at least one statement")
    func shippedProbes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let probes = try ProbeDefinitionLoader.load([root.appendingPathComponent("probes")])
        let ids = Set(probes.flatMap(\.statementIDs))
        for required in ["5.2.5-3", "5.2.5-4", "5.2.5-5", "5.2.5-9", "5.2.2-1", "5.2.2-2", "5.2.3-1", "5.2.3.a",
                         "5.1.2-2", "6.1.d", "6.2.1-1", "6.2.3-2", "5.1.2-3", "8.2.1-3"] {
            #expect(ids.contains(required), "no shipped probe for \(required)")
        }
        // Every shipped probe is bound to targets the shipped checklist has, checkpoints where a statement has them.
        let checklist = try ChecklistLoader.load(file: root.appendingPathComponent("checklists/mall-digital-service.xml"))
        for probe in probes {
            for target in probe.statements {
                let found = checklist.target(target)
                #expect(found != nil, "probe \(probe.id): no target \(target)")
                if let found, found.checkpoint == nil {
                    #expect(found.statement.checkpoints.isEmpty, "probe \(probe.id) binds whole \(target)")
                }
            }
        }
    }

    @Test("a misspelt key names the file, the line and the keys expected")
    func misspeltKey() {
        let problem = diagnostic {
            _ = try ProbeDefinitionLoader.parse(YAMLValue.parse("""
                probes:
                  - id: x
                    statements: [5.2.5-4]
                    snmp:
                      agent: a
                      valuse: []
                """, file: "probes/x.yaml"))
        }
        #expect(problem?.file == "probes/x.yaml")
        #expect(problem?.line == 6)
        #expect(problem?.message.contains("valuse") == true)
        #expect(problem?.expected?.contains("values") == true)
    }

    @Test("a probe without expectations, a bad OID and a bad status are refused with their line")
    func invalidProbes() {
        let noExpect = diagnostic {
            _ = try ProbeDefinitionLoader.parse(YAMLValue.parse("""
                probes:
                  - id: x
                    statements: [5.1.2-2]
                    http: {system: s, path: /}
                """, file: "p.yaml"))
        }
        #expect(noExpect?.line == 2)
        #expect(noExpect?.expected == "an expect: list")
        // Not digits, and an arc above 2^32 - 1: refused where written, not skipped at run time.
        for oid in ["1.3.six", ".1.3.6.1.4.1.4294967296"] {
            let badOID = diagnostic {
                _ = try ProbeDefinitionLoader.parse(YAMLValue.parse("""
                    probes:
                      - id: x
                        statements: [5.2.5-4]
                        snmp:
                          agent: a
                          values:
                            - {name: leak, oid: \(oid)}
                        expect: [{value: leak}]
                    """, file: "p.yaml"))
            }
            #expect(badOID?.line == 7, "\(oid)")
            #expect(badOID?.message.contains("not a numeric OID") == true, "\(oid)")
        }
        let badStatus = diagnostic {
            _ = try ProbeDefinitionLoader.parse(YAMLValue.parse("""
                probes:
                  - id: x
                    statements: [5.1.2-2]
                    http: {system: s}
                    expect:
                      - {status: [700]}
                """, file: "p.yaml"))
        }
        #expect(badStatus?.line == 6)
        // An entry that says two things is refused, not checked halfway.
        for (entry, fragment) in [
            ("{status: [302], header: Location}", "one expectation per entry, found status and header"),
            ("{json: $.a, equals: x, at_least: 3}", "one test per entry, found equals and at_least"),
            ("{status: [200], matches: ok}", "'matches' does not go with 'status'"),
        ] {
            let mixed = diagnostic {
                _ = try ProbeDefinitionLoader.parse(YAMLValue.parse("""
                    probes:
                      - id: x
                        statements: [5.1.2-2]
                        http: {system: s}
                        expect:
                          - \(entry)
                    """, file: "p.yaml"))
            }
            #expect(mixed?.line == 6, "\(entry)")
            #expect(mixed?.message.contains(fragment) == true, "\(entry): \(String(describing: mixed))")
        }
    }

    @Test("any_value is refused at its line unless it lists two or more distinct values the probe reads")
    func anyValueRefusedAtItsLine() {
        for (entry, fragment) in [
            ("{any_value: camera}", "any_value needs a list"),
            ("{any_value: [camera]}", "at least two names"),
            ("{any_value: [camera, camera]}", "listed twice"),
            ("{any_value: [camera, smoke]}", "no value 'smoke'"),
            ("{any_value: [camera, presence], state: ok}", "'state' does not go with 'any_value'"),
        ] {
            let problem = diagnostic {
                _ = try ProbeDefinitionLoader.parse(YAMLValue.parse(AnyValueTests.probeYAML(expect: entry), file: "p.yaml"))
            }
            #expect(problem?.file == "p.yaml", "\(entry)")
            #expect(problem?.line == 11, "\(entry): \(String(describing: problem))")
            #expect(problem?.message.contains(fragment) == true, "\(entry): \(String(describing: problem))")
        }
    }

    @Test("a site profile never holds a secret, and N/A needs a justification")
    func siteProfileRules() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = """
            mall: {name: 测试商场, address: 徐州, credit_code: 91320300MA1XXXXX2K, basement_levels: 2}

            """
        func load(_ text: String) -> Diagnostic? {
            let file = dir.appendingPathComponent("site.yaml")
            try? text.write(to: file, atomically: true, encoding: .utf8)
            return diagnostic { _ = try SiteProfile.load(file) }
        }
        let secret = load(base + "snmp:\n  room:\n    address: udp:127.0.0.1:161\n    community: public\n")
        #expect(secret?.line == 5)
        #expect(secret?.message.contains("secret") == true)
        let noJustification = load(base + "not_applicable:\n  - statement: 5.2.5-2\n    justification: \"\"\n    decided_by: 张三\n")
        #expect(noJustification?.line == 4)
        #expect(noJustification?.expected?.contains("justification") == true)
        let badCode = load("mall: {name: x, address: y, credit_code: '123'}\n")
        #expect(badCode?.line == 1)
        #expect(load(base + "not_applicable:\n  - {statement: 5.2.5-2, justification: 无地下二层, decided_by: 张三}\n") == nil)
        let twiceNA = load(
            base + "not_applicable:\n  - {statement: 5.2.5-2, justification: 无地下二层, decided_by: 张三}\n"
                + "  - {statement: 5.2.5-2, justification: 重复, decided_by: 李四}\n")
        #expect(twiceNA?.line == 4)
        #expect(twiceNA?.message.contains("not applicable twice (first on line 3)") == true)
        let unknownFile = dir.appendingPathComponent("unknown.yaml")
        try (base + "not_applicable:\n  - {statement: 9.9.9-1, justification: 无, decided_by: 张三}\n")
            .write(to: unknownFile, atomically: true, encoding: .utf8)
        let unknown = try SiteProfile.load(unknownFile).unknownStatements(
            in: Checklist(version: "t", standardTitleZH: "", standardTitleEN: "", digest: "", chapters: []))
        #expect(unknown.map(\.line) == [3])
        #expect(unknown.first?.message.contains("9.9.9-1") == true)
        // What the SNMP adapter would refuse at the first probe is refused here, at its line.
        func agentProblem(_ address: String, _ timeout: String = "1", _ retries: String = "1") -> Diagnostic? {
            load(
                base + "snmp:\n  room:\n    address: \(address)\n    community_env: C\n"
                    + "    timeout: \(timeout)\n    retries: \(retries)\n")
        }
        #expect(agentProblem("udp:127.0.0.1:161") == nil)
        #expect(agentProblem("tcp:127.0.0.1:161")?.line == 4)
        #expect(agentProblem("udp:127.0.0.1:99999")?.message.contains("valid port") == true)
        #expect(agentProblem("udp:127.0.0.1:161", "0")?.line == 6)
        #expect(agentProblem("udp:127.0.0.1:161", "3600") == nil)
        #expect(agentProblem("udp:127.0.0.1:161", "3601")?.line == 6)
        #expect(agentProblem("udp:127.0.0.1:161", "1", "20") == nil)
        #expect(agentProblem("udp:127.0.0.1:161", "1", "21")?.line == 7)
        // A misspelt key over a nested block is reported at the key's line, not the block's first line.
        let misspelt = load(base + "snmp_agents:\n  room:\n    address: udp:127.0.0.1:161\n")
        #expect(misspelt?.line == 2, "the key's line, not its block's (3)")
        #expect(misspelt?.message.contains("unknown key 'snmp_agents'") == true)
        // A key given twice names the key and its line, and never prints the file back.
        let twice = load(base + "assessor: 王工\nassessor: 李工\n")
        #expect(twice?.message.contains("duplicate key 'assessor'") == true, "\(String(describing: twice))")
        #expect(twice?.line != nil)
        #expect(twice?.message.contains("测试商场") == false)
    }

    @Test("the mall's time zone, the WiFi logs' clock and year rule, survey exclusions load; mistakes name a line")
    func clockAndSurveyKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("site.yaml")
        func load(_ mall: String = "", _ data: String) throws -> SiteProfile {
            try ("mall: {name: 测试商场, address: 徐州, credit_code: 91320300MA1XXXXX2K, basement_levels: 2\(mall)}\n"
                + "data:\n" + data).write(to: file, atomically: true, encoding: .utf8)
            return try SiteProfile.load(file)
        }
        func problem(_ mall: String = "", _ data: String) -> Diagnostic? {
            diagnostic { _ = try load(mall, data) }
        }
        let defaults = try load("", "  wifi_logs: logs\n")
        #expect(defaults.mall.timeZone == ClockZone.shanghai)
        #expect(defaults.data.wifiLogsTimeZone == nil)
        #expect(defaults.data.wifiLogsYear == .asOf)
        #expect(defaults.data.wifiLogsTimeField == nil)
        #expect(defaults.data.satisfactionExcluded.isEmpty)

        let set = try load(
            ", time_zone: Asia/Urumqi",
            "  wifi_logs: logs\n  wifi_logs_time_zone: UTC\n  wifi_logs_year: file-mtime\n"
                + "  wifi_logs_time_field: ts\n  satisfaction: s.csv\n  satisfaction_excluded:\n"
                + "    - {line: 17, reason: 问卷重复填写}\n    - line: 40\n      reason: 未签名\n")
        #expect(set.mall.timeZone.name == "Asia/Urumqi")
        #expect(set.data.wifiLogsTimeZone == .utc)
        #expect(set.data.wifiLogsYear == .fileModified)
        #expect(set.data.wifiLogsTimeField == "ts")
        #expect(set.data.satisfactionExcluded.map(\.line) == [17, 40])
        #expect(set.data.satisfactionExcluded.map(\.reason) == ["问卷重复填写", "未签名"])
        #expect(set.data.satisfactionExcluded.first?.declaredAt == "\(file.path):9")
        let fixed = try load("", "  wifi_logs_year: 2025\n  wifi_logs_time_zone: '+08:00'\n")
        #expect(fixed.data.wifiLogsYear == .year(2025))
        #expect(fixed.data.wifiLogsTimeZone?.offsets == [28_800])

        let zone = problem(", time_zone: Asia/Xuzhou", "  wifi_logs: logs\n")
        #expect(zone?.line == 1)
        #expect(zone?.message.contains("'Asia/Xuzhou' is not an IANA time zone name") == true)
        #expect(zone?.expected?.contains("Asia/Shanghai") == true)
        let device = problem("", "  wifi_logs: logs\n  wifi_logs_time_zone: GMT+8\n")
        #expect(device?.line == 4)
        let year = problem("", "  wifi_logs_year: last-year\n")
        #expect(year?.line == 3)
        #expect(year?.expected == YearlessStampRule.expected)
        let noReason = problem("", "  satisfaction_excluded:\n    - {line: 17}\n")
        #expect(noReason?.line == 4)
        #expect(noReason?.message.contains("missing key 'reason'") == true)
        let twice = problem("", "  satisfaction_excluded:\n    - {line: 17, reason: a}\n    - {line: 17, reason: b}\n")
        #expect(twice?.line == 5)
        #expect(twice?.message.contains("line 17 is excluded twice (first on line 4 of the profile)") == true)
        let header = problem("", "  satisfaction_excluded: [{line: 1, reason: 表头}]\n")
        #expect(header?.message.contains("cannot be an answer's row") == true)
        let unknown = problem("", "  wifi_log_year: as-of\n")
        #expect(unknown?.message.contains("unknown key 'wifi_log_year'") == true)
    }

    @Test("the init template is a valid profile once loaded")
    func templateLoads() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("site.yaml")
        try SiteTemplate.text.write(to: file, atomically: true, encoding: .utf8)
        let profile = try SiteProfile.load(file)
        #expect(profile.snmpAgents["gateway_1f"]?.settings.version == .v3)
        #expect(profile.httpSystems["member_api"]?.headers.first?.value.isSecret == true)
        #expect(profile.notApplicable.isEmpty, "5.2.5-1/5.2.5-2 are judged from machine_room_floor")
        #expect(profile.mall.machineRoomFloor == Floor("1F"))
        #expect(profile.mall.timeZone == ClockZone.shanghai)
        #expect(profile.data.wifiLogsYear == .asOf)
    }

    @Test("a header secret resolves from its variable; unset or empty is no value, never an empty header")
    func secretResolution() {
        let secret = SecretOrText.environment(name: "MALL_TOKEN", prefix: "Bearer ")
        #expect(secret.resolve(["MALL_TOKEN": "t0k"]) == "Bearer t0k")
        #expect(secret.resolve(["MALL_TOKEN": ""]) == nil)
        #expect(secret.resolve([:]) == nil)
        #expect(SecretOrText.text("").resolve([:]) == "")
    }
}
