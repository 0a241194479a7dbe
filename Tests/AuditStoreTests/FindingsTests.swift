import AuditModel
import AuditStore
import Foundation
import Testing
import TestSupport

@Suite("Manual findings")
struct FindingsTests {
    private let file = "findings.yaml"

    private func finding(
        _ id: String, _ verdict: ManualVerdict, line: Int = 3, evidence: [URL] = [], justification: String? = nil,
        note: String? = nil
    ) -> ManualFinding {
        ManualFinding(
            target: id, verdict: verdict, note: note,
            evidence: evidence.map {
                FindingEvidence(
                    written: $0.lastPathComponent, url: $0, location: SourceLocation(file: file, line: line + 3))
            },
            justification: justification, assessor: "王工", location: SourceLocation(file: file, line: line))
    }

    @Test("an unknown statement id is an error naming the file, the line and the id; nothing is recorded")
    func unknownID() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        let findings = [finding("5.1.1-1", .fail, line: 3), finding("5.2.5-9", .fail, line: 7)]
        #expect {
            try store.record(findings: findings, run: run.id)
        } throws: { error in
            let diagnostics = (error as? DiagnosticsError)?.diagnostics ?? []
            return diagnostics.count == 1 && diagnostics[0].file == file && diagnostics[0].line == 7
                && diagnostics[0].description.hasPrefix("findings.yaml:7")
                && diagnostics[0].message.contains("'5.2.5-9'") && (diagnostics[0].expected ?? "").contains("5.2.5-4")
        }
        #expect(try store.results(run: run.id).isEmpty, "the valid finding of a refused batch is not recorded either")
    }

    @Test("a missing evidence file is an error naming it and its line")
    func missingEvidence() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        let gone = dir.appendingPathComponent("photos/north-wall.jpg")
        #expect {
            try store.record(findings: [finding("5.2.5-4", .fail, line: 4, evidence: [gone])], run: run.id)
        } throws: { error in
            let diagnostics = (error as? DiagnosticsError)?.diagnostics ?? []
            return diagnostics.count == 1 && diagnostics[0].line == 7
                && diagnostics[0].message.contains("north-wall.jpg") && diagnostics[0].message.contains("not found")
        }
        #expect(try store.results(run: run.id).isEmpty)
    }

    @Test("notApplicable without a justification is refused", arguments: [nil, "", "  \n "])
    func naWithoutJustification(justification: String?) throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        #expect {
            try store.record(findings: [finding("6.8.a", .notApplicable, justification: justification)], run: run.id)
        } throws: { error in
            "\(error)".contains("notApplicable without a justification is refused")
        }
        #expect(try store.results(run: run.id).isEmpty)
    }

    @Test("notApplicable with a justification is stored with the decision: who, why, when")
    func naWithJustification() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        try store.record(findings: [finding("6.8.a", .notApplicable, justification: " 商场未设 AR 景观区域 ")], run: run.id)
        let stored = try #require(try store.results(run: run.id).first)
        #expect(stored.verdict == .notApplicable && stored.source == .manual)
        #expect(stored.notApplicable?.justification == "商场未设 AR 景观区域")
        #expect(stored.notApplicable?.decidedBy == "王工")
        #expect(stored.notApplicable?.decidedAt != nil)
    }

    /// Boundary of `manualPassNeedsEvidence`: requirement + a method other than interview.
    @Test(
        "a manual pass without evidence: shall/shall-not by inspection stay notAssessed; should or interview pass",
        arguments: [
            ("5.1.1-1", Verdict.notAssessed),  // shall, inspection
            ("5.2.5-4", .notAssessed),  // shall not, inspection
            ("5.1.2-1", .notAssessed),  // shall, data
            ("5.1.1-2", .pass),  // should, inspection
            ("7.3.1-1", .pass),  // shall, interview only
        ])
    func passWithoutEvidence(id: String, expected: Verdict) throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        let stored = try store.record(findings: [finding(id, .pass, note: "看到了")], run: run.id)
        #expect(stored.map(\.verdict) == [expected])
        let back = try #require(try store.results(run: run.id).first)
        #expect(back.verdict == expected)
        if expected == .notAssessed {
            #expect(back.reason.contains("needs at least one evidence file"))
            #expect(back.reason.contains("看到了"), "the inspector's note is kept")
        }
    }

    @Test("a manual pass with evidence passes; the file is copied and attributed to the assessor")
    func passWithEvidence() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        let photo = dir.appendingPathComponent("machine-room.jpg")
        try Data("no windows".utf8).write(to: photo)
        try store.record(findings: [finding("5.2.5-4", .pass, evidence: [photo])], run: run.id)
        let back = try #require(try store.results(run: run.id).first)
        #expect(back.verdict == .pass && back.producer == "王工")
        #expect(back.evidence.map(\.name) == ["machine-room.jpg"])
        #expect(back.evidence.first?.collectedBy == "王工")
        #expect(FileManager.default.fileExists(atPath: store.evidenceURL(back.evidence[0]).path))
    }

    @Test("two findings for one statement in a batch, or no assessor, are errors")
    func duplicatesAndAssessor() throws {
        let checklist = sampleChecklist
        let twice = FindingRules.validate(
            [finding("5.1.1-1", .fail, line: 3), finding("5.1.1-1", .pass, line: 9)], checklist: checklist)
        #expect(twice.count == 1 && twice[0].line == 9 && twice[0].message.contains("line 3"))
        var anonymous = finding("5.1.1-1", .fail)
        anonymous.assessor = " "
        let nobody = FindingRules.validate([anonymous], checklist: checklist)
        #expect(nobody.count == 1 && nobody[0].message.contains("no assessor"))
        #expect(FindingRules.validate([finding("5.1.1-1", .fail)], checklist: checklist).isEmpty)
    }

    @Test("a finding combines with the probes' result, not an earlier finding: a corrected fail keeps the error")
    func findingsCombineWithTheProbes() throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try store.openRun(newRun())
        let photo = dir.appendingPathComponent("sensor.jpg")
        try Data("offline".utf8).write(to: photo)
        try store.record(result("5.1.1-1", .error, reason: "agent unreachable"), run: run.id)
        #expect(try store.automatedResult(run: run.id, statement: "5.1.1-1") == nil)

        // The probe's error is kept beside the merged result ...
        try store.record(findings: [finding("5.1.1-1", .fail, evidence: [photo])], run: run.id)
        #expect(try store.results(run: run.id).first?.verdict == .fail)
        #expect(try store.automatedResult(run: run.id, statement: "5.1.1-1")?.reason == "agent unreachable")
        // ... so correcting the manual fail to a pass leaves the error, not a pass.
        try store.record(findings: [finding("5.1.1-1", .pass, evidence: [photo])], run: run.id)
        let corrected = try #require(try store.results(run: run.id).first)
        #expect(corrected.verdict == .error)
        #expect(corrected.reason.contains("agent unreachable"))
        #expect(!corrected.reason.contains("[王工: fail]"), "the earlier finding was replaced, not kept")

        // A result recorded without an automated part forgets the kept one.
        try store.record(result("5.1.1-1", .pass), run: run.id)
        #expect(try store.automatedResult(run: run.id, statement: "5.1.1-1") == nil)
        // An automated part must be for the same statement and come from a probe or data check.
        #expect(throws: StoreError.self) {
            try store.record(result("5.1.1-1", .pass), run: run.id, automated: result("5.1.1-2", .pass))
        }
        var manual = result("5.1.1-1", .pass)
        manual.source = .manual
        #expect(throws: StoreError.self) {
            try store.record(result("5.1.1-1", .pass), run: run.id, automated: manual)
        }
    }
}
