import AuditModel
import AuditTestKit
import Foundation
import Mustache
import Testing

@testable import AuditReports

/// `CompiledPartial` must render exactly what swift-mustache renders: these tests use swift-mustache (with the
/// report's escaping) as the reference, on the shipped partials and on templates written to probe each rule.
@Suite("Compiled partials")
struct CompiledPartialTests {
    /// What swift-mustache renders for `template` over `context`, with the report's HTML escaping.
    private func reference(_ template: String, _ context: [String: Any]) throws -> String {
        _ = ReportHTMLEscaping.registered
        return try MustacheTemplate(string: ReportHTMLEscaping.pragma + "\n" + template).render(context)
    }

    private func compiled(_ template: String) throws -> CompiledPartial {
        try #require(CompiledPartial.compile(template), "compiles: \(template)")
    }

    @Test("the shipped row and card partials are in the compiled subset, in both languages")
    func shippedPartialsCompile() throws {
        let templates = try HTMLTemplates(directory: Fixture.templatesDirectory)
        for language in Language.allCases {
            #expect(templates.isCompiled(HTMLTemplates.rowPartial, language: language))
            #expect(templates.isCompiled(HTMLTemplates.statementPartial, language: language))
        }
    }

    @Test(
        "every row and card of a large synthetic run and of the fixture run equals swift-mustache's rendering",
        arguments: [Language.zh, .en])
    func shippedPartialsMatchMustache(language: Language) throws {
        let templates = try HTMLTemplates(directory: Fixture.templatesDirectory)
        for report in [ReportBenchmark.syntheticReport(results: 400), Fixture.report(mallName: "<b>商场</b> & 'x'")] {
            let view = HTMLReportView(report: report, language: language)
            let entries = view.chapters.flatMap { $0.clauses.flatMap(\.statements) }
            #expect(!entries.isEmpty)
            for entry in entries {
                let row = view.statementRow(entry)
                #expect(
                    templates.renderRow(row, language: language)
                        == templates.renderWithMustache(HTMLTemplates.rowPartial, row, language: language),
                    "row of \(entry.statement.id)")
                let card = view.statementCard(entry)
                #expect(
                    templates.renderStatement(card, language: language)
                        == templates.renderWithMustache(HTMLTemplates.statementPartial, card, language: language),
                    "card of \(entry.statement.id)")
            }
        }
    }

    /// Contexts that exercise every kind of value a section or variable can meet.
    private static var contexts: [[String: Any]] { [
        [:],
        ["name": "<a href='x'>&\"</a>", "flag": true, "items": [["name": "first"], ["name": "second"]]],
        ["name": "外层", "flag": false, "items": [[String: Any]](), "words": ["a<b", "c"], "object": ["inner": "内"]],
        ["name": 42, "flag": true, "items": [["other": 1]], "words": [String](), "object": "just text"],
    ] }

    @Test(
        "sections, inverted sections, comments, standalone lines and outer lookups render as swift-mustache does",
        arguments: [
            "{{name}}|{{#flag}}yes {{name}}{{/flag}}|{{^flag}}no{{/flag}}",
            "{{#items}}[{{name}}]{{/items}}{{^items}}none{{/items}}",
            "{{#words}}<{{.}}>{{/words}}{{^words}}-{{/words}}",
            "{{#object}}{{inner}}/{{name}}/{{.}}{{/object}}",
            "a {{! a comment }}b\n{{! standalone comment }}\nc\n",
            "<ul>\n  {{#items}}\n  <li>{{name}}</li>\n  {{/items}}\n  {{^items}}\n  <li>none</li>\n  {{/items}}\n</ul>\n",
            "  {{#flag}}  \nindented {{ name }}\n\t{{/flag}}\nend",
            "{{#flag}}\nfirst line standalone\n{{/flag}} \t\nx\n  {{#flag}}\t \ny\n  {{/flag}}  \nz",
            "{{#flag}}{{/flag}} two tags on a line are not standalone\n{{missing}}{{#missing}}x{{/missing}}",
        ])
    func subsetMatchesMustache(template: String) throws {
        let partial = try compiled(template)
        for context in Self.contexts {
            let mine = partial.render(context)
            let theirs = try reference(template, context)
            #expect(mine == theirs, "context \(context): \(mine.debugDescription) vs \(theirs.debugDescription)")
        }
    }

    @Test(
        "anything outside the subset is left to swift-mustache",
        arguments: [
            "{{> partials/signature}}", "{{{raw}}}", "{{&raw}}", "{{a.b}}", "{{=<% %>=}}", "{{% CONTENT_TYPE: TEXT}}",
            "{{#a}}open", "{{#a}}x{{/b}}", "{{/a}}", "line\r\nbreak", "{{}}", "{{unclosed", "{{$block}}x{{/block}}",
        ])
    func outsideSubset(template: String) {
        #expect(CompiledPartial.compile(template) == nil)
    }

    @Test("a row partial outside the subset still renders, with swift-mustache")
    func fallback() throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fileManager = FileManager.default
        for item in try fileManager.contentsOfDirectory(atPath: Fixture.templatesDirectory.path) {
            try fileManager.copyItem(
                at: Fixture.templatesDirectory.appendingPathComponent(item), to: directory.appendingPathComponent(item))
        }
        let row = directory.appendingPathComponent("partials/statement-row.mustache")
        try ("{{! dotted names are outside the subset }}<tr id=\"r-{{id}}\"><td>{{measurement.measured}}</td></tr>\n")
            .write(to: row, atomically: true, encoding: .utf8)
        let templates = try HTMLTemplates(directory: directory)
        #expect(!templates.isCompiled(HTMLTemplates.rowPartial, language: .zh))
        #expect(templates.isCompiled(HTMLTemplates.statementPartial, language: .zh))
        let rendered = templates.renderRow(["id": "5.1.2-3", "measurement": ["measured": "59 <天>"]], language: .zh)
        #expect(rendered == "<tr id=\"r-5.1.2-3\"><td>59 &lt;天&gt;</td></tr>\n")
    }
}
