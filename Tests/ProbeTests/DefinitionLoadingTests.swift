import AuditModel
import Foundation
import Testing

@testable import AuditProbes

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
        let ids = Set(probes.flatMap(\.statements))
        for required in ["5.2.5-3", "5.2.5-4", "5.2.5-5", "5.2.5-9", "5.2.2-1", "5.2.2-2", "5.2.3-1", "5.2.3.a",
                         "5.1.2-2", "6.1.d", "6.2.1-1", "6.2.3-2", "6.10.2-1", "5.1.2-3", "8.2.1-3"] {
            #expect(ids.contains(required), "no shipped probe for \(required)")
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
        let badOID = diagnostic {
            _ = try ProbeDefinitionLoader.parse(YAMLValue.parse("""
                probes:
                  - id: x
                    statements: [5.2.5-4]
                    snmp:
                      agent: a
                      values:
                        - {name: leak, oid: 1.3.six}
                    expect: [{value: leak}]
                """, file: "p.yaml"))
        }
        #expect(badOID?.line == 7)
        #expect(badOID?.message.contains("not a numeric OID") == true)
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
    }

    @Test("the init template is a valid profile once loaded")
    func templateLoads() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("site.yaml")
        try SiteTemplate.text.write(to: file, atomically: true, encoding: .utf8)
        let profile = try SiteProfile.load(file)
        #expect(profile.snmpAgents["gateway_1f"]?.version == .v3)
        #expect(profile.httpSystems["member_api"]?.headers.first?.value.isSecret == true)
        #expect(profile.notApplicable.first?.statementID == "5.2.5-2")
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
