import AuditChecklist
import AuditModel
import AuditProbes
import AuditSite
import Foundation
import Testing
import TestSupport

/// Every statement the checklist says a probe or a data check settles has a shipped one: walks the checklist, not the
/// probe files, and counts a statement covered only when a shipped probe binds to it (or to one of its checkpoints)
/// and that binding is valid: the target exists, the probe's request can judge it (a `check:` only the statements
/// its check judges), and the demo mall's profile has the system or agent it asks. A mention in a comment or a
/// title counts for nothing.
@Suite("Checklist coverage by the shipped probes")
struct ChecklistCoverageTests {
    @Test("every statement whose method is probe or data has a shipped probe or data check that judges it")
    func everyMachineStatementIsBound() throws {
        let root = repositoryRoot()
        let checklist = try ChecklistLoader.load(file: root.appendingPathComponent("checklists/mall-digital-service.xml"))
        let probes = try ProbeDefinitionLoader.load([root.appendingPathComponent("probes")])
        let profile = try SiteProfile.load(root.appendingPathComponent("examples/demo-mall/site.yaml"))
        var machine = 0
        for statement in checklist.statements
        where statement.methods.contains(.probe) || statement.methods.contains(.data) {
            machine += 1
            let binding = probes.filter { probe in
                probe.statements.contains { Checkpoint.split($0).statement == statement.id }
            }
            #expect(!binding.isEmpty, "\(statement.id) (\(statement.methods.map(\.rawValue))) has no shipped probe")
            for probe in binding {
                let problems = probe.problems(profile: profile, checklist: checklist)
                #expect(problems.isEmpty, "\(statement.id): probe \(probe.id) does not judge it: \(problems)")
            }
        }
        // The count grows when a method changes to probe or data; it never silently shrinks.
        #expect(machine >= 68)
    }

    @Test("a statement whose method became probe has its reason in docs/probes.md")
    func changedMethodsAreExplained() throws {
        let docs = try String(contentsOf: repositoryRoot().appendingPathComponent("docs/probes.md"), encoding: .utf8)
        guard let section = docs.range(of: "### Methods changed") else {
            Issue.record("docs/probes.md has no \"### Methods changed\" section")
            return
        }
        let text = String(docs[section.upperBound...])
        for id in ["5.2.1-1", "5.2.1-2", "5.2.1-3", "6.5.1-1", "7.2.1-1", "7.2.2-1", "7.2.3-1", "7.3.3-1", "7.4.10-1",
                   "8.1.2-1", "8.2.2-2"] {
            #expect(text.contains("| \(id) |"), "no reason for \(id) in docs/probes.md")
        }
    }
}
