import Foundation
import Testing
import TestSupport

// `mallaudit lint` (issue 13, item 6): the site profile, its probes, findings and data paths checked offline; the
// `init` template refused unfilled; the demo profile accepted; `probe` and `run` make the same checks first.

@Suite("mallaudit lint")
struct LintCLITests {
    /// The lines of `text` (1-based) holding `needle`.
    private func lines(of needle: String, in text: String) -> [Int] {
        text.components(separatedBy: "\n").enumerated().filter { $0.element.contains(needle) }.map { $0.offset + 1 }
    }

    @Test("lint refuses the init template unfilled, at the lines of its markers; probe and run refuse it too")
    func refusesTemplate() throws {
        let dir = try temporaryDirectory("mallaudit-lint-init")
        defer { try? FileManager.default.removeItem(at: dir) }
        let initialised = try runMallaudit(["init"], currentDirectory: dir)
        try #require(initialised.status == 0, "\(initialised.stderr)")
        let site = dir.appendingPathComponent("site.yaml")
        let template = try String(contentsOf: site, encoding: .utf8)

        let lint = try runMallaudit(["lint", "--site", "site.yaml"], currentDirectory: dir)
        #expect(lint.status == 2, "\(lint.stdout)\n\(lint.stderr)")
        for (needle, why) in [
            ("name: 示例购物中心", "the template's example mall name"),
            ("某某区某某路", "the template's placeholder address"),
            ("91320300000000000X", "the template's example credit code"),
            ("member.example.com", "an example host of the template"),
            ("udp:192.0.2.10:161", "documentation range"),
        ] {
            let line = try #require(lines(of: needle, in: template).first, "\(needle) in the template")
            #expect(
                lint.stderr.components(separatedBy: "\n").contains {
                    $0.hasPrefix("mallaudit: ") && $0.contains("/site.yaml:\(line):") && $0.contains(": error: ")
                        && $0.contains(why)
                }, "\(needle) at line \(line): \(lint.stderr)")
        }
        // The data exports the template names are not there either.
        #expect(lint.stderr.contains("data.satisfaction:") && lint.stderr.contains("does not exist"), "\(lint.stderr)")
        // Comments may say CHANGE ME; only values are markers: no comment line is reported.
        let prefix = "mallaudit: \(site.standardizedFileURL.path):"
        let reported = lint.stderr.components(separatedBy: "\n").filter { $0.hasPrefix(prefix) }
        #expect(reported.count >= 15, "\(lint.stderr)")
        #expect(Set(reported).count == reported.count, "each problem is said once: \(lint.stderr)")
        for line in reported {
            let number = Int(line.dropFirst(prefix.count).prefix { $0.isNumber }) ?? 0
            let source = template.components(separatedBy: "\n")[number - 1]
            #expect(!source.trimmingCharacters(in: .whitespaces).hasPrefix("#"), "\(line) is a comment: \(source)")
        }

        // probe and run make the same checks before contacting anything or creating a database.
        let environment = [
            "MALL_MEMBER_TOKEN": "t", "MALL_SNMP_COMMUNITY": "c", "MALL_SNMP_AUTH": "authauth", "MALL_SNMP_PRIV": "privpriv",
        ]
        for command in ["probe", "run"] {
            let outcome = try runMallaudit([command, "--site", "site.yaml"], environment: environment, currentDirectory: dir)
            #expect(outcome.status == 1, "\(command): \(outcome.stderr)")
            #expect(outcome.stderr.contains("the template's example mall name"), "\(command): \(outcome.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("mallaudit.sqlite").path))
    }

    @Test("lint accepts the demo profile")
    func acceptsDemo() throws {
        let lint = try runMallaudit(["lint", "--site", "examples/demo-mall/site.yaml"])
        #expect(lint.status == 0, "\(lint.stdout)\n\(lint.stderr)")
        #expect(!lint.stderr.contains(": error: "), "\(lint.stderr)")
        #expect(lint.stdout.contains("ok ("), "\(lint.stdout)")
        let json = try runMallaudit(["lint", "--site", "examples/demo-mall/site.yaml", "--format", "json"])
        struct Summary: Decodable {
            var ok: Bool
            var probes: Int
            var findings: Int
        }
        let summary = try JSONDecoder().decode(Summary.self, from: Data(json.stdout.utf8))
        #expect(summary.ok && summary.probes > 0 && summary.findings > 0)
    }

    @Test("lint exits 1 when the profile cannot be read, 64 on a usage error (docs/cli.md's row)")
    func exitStatuses() throws {
        let missing = try runMallaudit(["lint", "--site", "no-such-site.yaml"])
        #expect(missing.status == 1, "\(missing.stderr)")
        #expect(missing.stderr.hasPrefix("mallaudit: no-such-site.yaml: error: the site profile"), "\(missing.stderr)")
        let usage = try runMallaudit(["lint"])
        #expect(usage.status == 64, "\(usage.stderr)")
    }

    @Test("lint refuses contradictions and missing data paths, each at its line; a clean profile passes")
    func contradictions() throws {
        let fixture = try SiteFixture("lint")
        defer { fixture.remove() }
        try fixture.write("probes/none.yaml", "probes: []\n")
        try fixture.write("exports/survey.csv", "satisfaction\n满意\n")
        var site = SiteYAML()
        site.snmp = [("gateway", "udp:127.0.0.1:1", 1, 0)]
        site.agentAreas = ["gateway": "1F"]
        site.data = [("satisfaction", "exports/survey.csv")]
        try fixture.writeSite(site)
        let clean = try runMallaudit(["lint", "--site", fixture.site])
        #expect(clean.status == 0, "\(clean.stderr)")

        site.areas = ["B2", "1F"]  // basement_levels: 1
        site.agentAreas = ["gateway": "3F"]
        site.data = [("satisfaction", "exports/survey.csv"), ("complaints", "exports/missing.csv")]
        try fixture.writeSite(site)
        let text = site.text
        let lint = try runMallaudit(["lint", "--site", fixture.site])
        #expect(lint.status == 2, "\(lint.stderr)")
        let errors = lint.stderr.components(separatedBy: "\n").filter { $0.contains(": error: ") }
        let areasLine = try #require(lines(of: "areas: [B2", in: text).first)
        let agentLine = try #require(lines(of: "gateway:", in: text).first)
        let complaintsLine = try #require(lines(of: "complaints:", in: text).first)
        #expect(errors.contains { $0.contains("site.yaml:\(areasLine):") && $0.contains("B2 is a basement level") })
        #expect(errors.contains { $0.contains("site.yaml:\(agentLine):") && $0.contains("'3F' is not one of") })
        #expect(errors.contains { $0.contains("site.yaml:\(complaintsLine):") && $0.contains("data.complaints") })
        #expect(errors.count == 3, "\(lint.stderr)")
    }
}
