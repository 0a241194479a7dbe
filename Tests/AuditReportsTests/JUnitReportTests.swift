import AuditModel
import AuditReports
import Foundation
import Testing

@Suite("JUnit report")
struct JUnitReportTests {
    @Test("matches the golden file and is deterministic")
    func golden() throws {
        let data = try JUnitReportWriter().write(Fixture.report())
        #expect(data == (try JUnitReportWriter().write(Fixture.report(results: Fixture.results().reversed()))))
        let mismatch = try goldenMismatch(data, name: "report.junit.xml")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test("is well-formed, one suite per chapter, one case per statement")
    func structure() throws {
        let data = try JUnitReportWriter().write(Fixture.report())
        let root = try ReportValidation.wellFormedRoot(of: data, name: "junit.xml")
        #expect(root.name == "testsuites")
        let doc = try #require(XPathDocument(data))
        #expect(doc.int("count(/testsuites/testsuite)") == 2)
        #expect(doc.int("count(//testcase)") == Fixture.checklist().statements.count)
        #expect(doc.string("//testsuite[1]/@name") == "5 基础要求 Basic requirements")
        #expect(doc.strings("//testsuite[1]/testcase/@name").first == "5.1.1-1 shall")
        #expect(doc.string("//testcase[@name='5.2.5-6 shallNot']/@classname") == "5.2.5")
    }

    @Test("verdicts map to failure, error and skipped")
    func verdicts() throws {
        let doc = try #require(XPathDocument(try JUnitReportWriter().write(Fixture.report())))
        #expect(doc.int("count(//testcase[@name='5.1.1-1 shall']/*)") == 0, "a pass is an empty test case")
        #expect(doc.string("//testcase[@name='5.1.2-3 shall']/failure/@message") == "最早的日志为 45 天前，留存未超过 60 日")
        let body = try #require(doc.string("//testcase[@name='5.1.2-3 shall']/failure"))
        #expect(body.contains("measured: 45.0 day; threshold: > 60.0 day; margin: -15.0; sample: 45"))
        #expect(body.contains("evidence: wifi-logs-manifest.txt sha256:\(Fixture.logSHA)"))
        #expect(doc.int("count(//testcase[@name='5.1.1-2 should']/failure)") == 1, "a failing should fails too")
        #expect(doc.string("//testcase[@name='8.1.2-2 shall']/error/@message")?.contains("回复日期") == true)
        #expect(doc.string("//testcase[@name='8.2.1-1 may']/skipped/@message") == "not assessed")
        #expect(doc.string("//testcase[@name='8.2.3-1 may']/skipped/@message") == "not assessed")
        #expect(
            doc.string("//testcase[@name='5.2.5-2 may']/skipped/@message")
                == "not applicable: 商场无地下二、三层，机房位于地面一层 (decided by 王工（评估组长）)")
    }

    @Test("counts on every suite and on the root match the cases inside")
    func counts() throws {
        let doc = try #require(XPathDocument(try JUnitReportWriter().write(Fixture.report())))
        for suite in ["/testsuites", "/testsuites/testsuite[1]", "/testsuites/testsuite[2]"] {
            let scope = suite == "/testsuites" ? "//testcase" : "\(suite)/testcase"
            #expect(doc.int("number(\(suite)/@tests)") == doc.int("count(\(scope))"), "\(suite) tests")
            #expect(doc.int("number(\(suite)/@failures)") == doc.int("count(\(scope)/failure)"), "\(suite) failures")
            #expect(doc.int("number(\(suite)/@errors)") == doc.int("count(\(scope)/error)"), "\(suite) errors")
            #expect(doc.int("number(\(suite)/@skipped)") == doc.int("count(\(scope)/skipped)"), "\(suite) skipped")
        }
        #expect(doc.int("number(/testsuites/@tests)") == 10)
        #expect(doc.int("number(/testsuites/@failures)") == 2)
        #expect(doc.int("number(/testsuites/@errors)") == 1)
        #expect(doc.int("number(/testsuites/@skipped)") == 3)
    }

    @Test("mall text round-trips as text")
    func escaping() throws {
        let attack = "<script>alert(1)</script> \"&\" \u{7}"
        var results = Fixture.results()
        results[2].reason = attack
        let data = try JUnitReportWriter().write(Fixture.report(mallName: attack, results: results))
        #expect(!String(decoding: data, as: UTF8.self).contains("<script>"))
        let doc = try #require(XPathDocument(data))
        #expect(
            doc.string("//testcase[@name='5.1.2-3 shall']/failure/@message")
                == "<script>alert(1)</script> \"&\" \u{FFFD}")
    }
}
