import AuditModel
import Foundation
import Testing
import TestSupport

// Issue 13, item 7: the re-inspection (复查). `run --carry-findings RUN` carries the earlier run's manual findings
// into the new run, marked as carried with their original date and assessor, unless the new run re-assesses them.

@Suite("Re-inspection carries earlier findings")
struct CarryFindingsCLITests {
    @Test("a re-inspection run carries a finding recorded with assess and marks it carried; a re-assessed one is not")
    func carriesAssessedFinding() throws {
        let fixture = try SiteFixture("carry")
        defer { fixture.remove() }
        try fixture.writeSite(SiteYAML())
        try fixture.write("probes/none.yaml", "probes: []\n")
        let scope = "5.2.5-6,6.8.a"

        let first = try fixture.run(["--only", scope])
        #expect(first.status == 3, "\(first.stderr)")
        let window = try fixture.mallaudit([
            "assess", "--db", fixture.database, "--run", "1", "5.2.5-6", "--verdict", "fail", "--note", "机房北墙有玻璃窗",
            "--assessor", "王工",
        ])
        #expect(window.status == 0, "\(window.stderr)")
        let ar = try fixture.mallaudit([
            "assess", "--db", fixture.database, "--run", "1", "6.8.a", "--verdict", "notApplicable",
            "--justification", "商场未设 AR 景观区域", "--assessor", "王工",
        ])
        #expect(ar.status == 0, "\(ar.stderr)")
        let assessedAt = try fixture.sqlite3([
            "-readonly", fixture.database,
            "SELECT json_extract(findings, '$[0].judgedAt') FROM judgement_inputs WHERE run_id = 1 "
                + "AND statement_id = '5.2.5-6'",
        ]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(assessedAt.count >= 19, "\(assessedAt)")

        // The re-inspection re-assesses 6.8.a (the AR area now exists) and says nothing new about 5.2.5-6.
        let refindings = try fixture.write(
            "reinspection.yaml",
            """
            assessor: 李工
            findings:
              - statement: 6.8.a
                verdict: pass
                note: 已设 AR 景观（宜条款，口头确认）

            """)
        let second = try fixture.run(["--only", scope, "--carry-findings", "1", "--findings", refindings.path])
        #expect(second.status == 2, "\(second.stderr)")
        let summary = try SiteFixture.summary(second)
        #expect(summary.run == 2)

        let carried = try #require(summary.result("5.2.5-6"))
        #expect(carried.verdict == .fail)
        #expect(carried.reason.contains("carried from run 1 (王工, \(assessedAt)): 机房北墙有玻璃窗"), "\(carried.reason)")
        #expect(
            carried.observations.contains {
                $0.name == "carriedFrom" && $0.value == "run 1; assessed by 王工 at \(assessedAt)"
            }, "\(carried.observations)")

        let reassessed = try #require(summary.result("6.8.a"))
        #expect(reassessed.verdict == .pass)
        #expect(!reassessed.reason.contains("carried"), "\(reassessed.reason)")
        #expect(!reassessed.observations.contains { $0.name == "carriedFrom" })

        // The stored finding keeps its original date and assessor; the report shows it as carried.
        let stored = try fixture.sqlite3([
            "-readonly", fixture.database,
            "SELECT json_extract(findings, '$[0].producer'), json_extract(findings, '$[0].judgedAt') "
                + "FROM judgement_inputs WHERE run_id = 2 AND statement_id = '5.2.5-6'",
        ])
        #expect(stored == "王工|\(assessedAt)\n", "\(stored)")
        let xml = fixture.dir.appendingPathComponent("reinspection.xml").path
        let report = try fixture.mallaudit(
            ["report", "--db", fixture.database, "--run", "2", "--format", "xml", "--output", xml])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try String(contentsOfFile: xml, encoding: .utf8).contains("carried from run 1 (王工, \(assessedAt))"))

        // A later finding into the re-inspection run (assess) replaces the carried one.
        let fixed = try fixture.mallaudit([
            "assess", "--db", fixture.database, "--run", "2", "5.2.5-6", "--verdict", "notAssessed", "--note", "待复核",
            "--assessor", "李工",
        ])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        let after = try fixture.sqlite3([
            "-readonly", fixture.database,
            "SELECT json_array_length(findings), json_extract(findings, '$[0].producer') FROM judgement_inputs "
                + "WHERE run_id = 2 AND statement_id = '5.2.5-6'",
        ])
        #expect(after == "1|李工\n", "\(after)")

        // Carrying from a run the database does not have is refused before anything is stored.
        let missing = try fixture.run(["--only", scope, "--carry-findings", "9"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no run 9"), "\(missing.stderr)")
        #expect(try fixture.runs().count == 2)
    }
}
