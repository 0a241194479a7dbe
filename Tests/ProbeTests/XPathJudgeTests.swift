import AuditHTTP
import AuditModel
import AuditSupport
import AuditXML
import Foundation
import Testing

@testable import AuditProbes

private let now = Date(timeIntervalSince1970: 1_790_000_000)

private func xpathProbe(_ expression: String, _ test: String = "non_empty: true") throws -> ProbeDefinition {
    let yaml = """
        probes:
          - id: notices
            statements: [5.2.3-1]
            http: {system: kiosks, path: /}
            expect:
              - {xpath: "\(expression)", \(test)}
        """
    return try ProbeDefinitionLoader.parse(YAMLValue.parse(yaml, file: "test.yaml"))[0]
}

private func answer(_ body: String, contentType: String, url: String = "http://x/notices") -> ProbeAnswer {
    .http(HTTPAnswer(url: url, status: 200, headers: ["content-type": contentType], body: Data(body.utf8)))
}

@Suite("Judging XPath expectations")
struct XPathJudgeTests {
    @Test("an XML answer with a DOCTYPE is an error naming the line, refused by the XML layer's own words")
    func doctypeRefused() throws {
        let probe = try xpathProbe("//notice")
        let refusal = DoctypeRefusal.message(for: XPathQuery.bodyRole)
        for body in [
            "<?xml version=\"1.0\"?>\n<!DOCTYPE notices [<!ENTITY m \"x\">]>\n<notices><notice>&m;</notice></notices>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE notices SYSTEM \"file:///etc/passwd\">\n<notices><notice/></notices>",
        ] {
            let outcome = ProbeJudge.judge(probe, answer: answer(body, contentType: "application/xml"), now: now)
            #expect(outcome.verdict == .error)
            #expect(outcome.reason == "http://x/notices: expected XML: line 2: \(refusal)")
        }
    }

    @Test("an HTML answer keeps its <!DOCTYPE html> and is read as HTML")
    func htmlDoctype() throws {
        let probe = try xpathProbe("//form/@action", "equals: \"/verify\"")
        let page = "<!DOCTYPE html>\n<html><body><form action=\"/verify\"><input name=a></form></body></html>"
        let outcome = ProbeJudge.judge(probe, answer: answer(page, contentType: "text/html; charset=utf-8"), now: now)
        #expect(outcome.verdict == .pass, "\(outcome.reason)")
        #expect(outcome.observations.contains(Observation(name: "//form/@action", value: "/verify")))
    }

    @Test("an XML answer is read as XML: element names keep their case, as in http fetch")
    func xmlByContentType() throws {
        let probe = try xpathProbe("//Notice/@id", "equals: \"n1\"")
        let body = "<Notices><Notice id=\"n1\"/></Notices>"
        let xml = ProbeJudge.judge(probe, answer: answer(body, contentType: "application/xml"), now: now)
        #expect(xml.verdict == .pass)
        // Read as HTML, the names are folded to lower case and nothing matches: the Content-Type decides.
        #expect(ProbeJudge.judge(probe, answer: answer(body, contentType: "text/html"), now: now).verdict == .fail)
    }

    @Test(
        "a probe and http fetch read the same values from the same answer of the HTTP peer",
        arguments: [
            ("/api/notices.xml", "//notice/@id"), ("/api/notices-entity.xml", "//notice/@id"),
            ("/api/notices-external-dtd.xml", "//notice/@id"), ("/portal/realname", "//form/@action"),
            ("/api/kiosks/K-1F-01/status", "//ul[@class='modules']/li"),
        ])
    func sameAsFetch(path: String, expression: String) async throws {
        guard let base = ProcessInfo.processInfo.environment["MALLAUDIT_TEST_HTTP"], !base.isEmpty else {
            Issue.record("MALLAUDIT_TEST_HTTP is not set: start the peers (scripts/test.sh does)")
            return
        }
        let url = base + path
        let fetched = await HTTPFetchReport.fetch(HTTPRequest(url: url), xpaths: [expression])
        let response = try fetched.result.get()
        let extraction = try #require(fetched.extractions.first)
        let outcome = ProbeJudge.judge(
            try xpathProbe(expression),
            answer: .http(
                HTTPAnswer(url: url, status: response.status, headers: response.headers.joined, body: response.body)),
            now: now)
        if let error = extraction.error {
            #expect(outcome.verdict == .error)
            let refusal = "line 2: " + DoctypeRefusal.message(for: XPathQuery.bodyRole)
            #expect(error.hasSuffix(refusal))
            #expect(outcome.reason.hasSuffix(refusal))
        } else {
            #expect(!extraction.values.isEmpty)
            #expect(outcome.verdict == .pass)
            #expect(outcome.observations.contains(
                Observation.list(name: expression, values: extraction.values)))
        }
    }
}
