import AuditModel

// The small hand-built checklists of the tests: one builder, and the checklist the store tests and the CLI tests
// share (the CLI tests hand it to `mallaudit-testkit store-seed` as JSON).

/// A statement whose clause is its id up to the first `-` (`5.1.1-1` is in clause 5.1.1).
public func sampleStatement(
    _ id: String, _ modality: Modality = .shall, methods: [AssessmentMethod] = [.inspection],
    threshold: Threshold? = nil
) -> Statement {
    let clause = String(id.split(whereSeparator: { $0 == "-" }).first!)
    return Statement(
        id: id, clauseID: clause, modality: modality, text: LocalizedText(zh: "应", en: "shall"), methods: methods,
        threshold: threshold)
}

/// A checklist of `statements`, in that order: one clause per clause id, one chapter per first number of the
/// clause id (`5.1.1` is in chapter 5).
public func makeChecklist(_ statements: [Statement], version: String = "test-1") -> Checklist {
    var clauses: [Clause] = []
    for statement in statements {
        if clauses.last?.id == statement.clauseID {
            clauses[clauses.count - 1].statements.append(statement)
        } else {
            clauses.append(
                Clause(
                    id: statement.clauseID, chapter: Int(statement.clauseID.prefix { $0 != "." })!,
                    title: LocalizedText(zh: "条款 \(statement.clauseID)", en: "Clause \(statement.clauseID)"),
                    text: LocalizedText(zh: "", en: ""), statements: [statement]))
        }
    }
    var chapters: [Chapter] = []
    for clause in clauses {
        if chapters.last?.number == clause.chapter {
            chapters[chapters.count - 1].clauses.append(clause)
        } else {
            let title = LocalizedText(zh: "第 \(clause.chapter) 章", en: "Chapter \(clause.chapter)")
            chapters.append(Chapter(number: clause.chapter, title: title, clauses: [clause]))
        }
    }
    return Checklist(
        version: version, standardTitleZH: "商场数字化服务规范", standardTitleEN: "spec",
        digest: String(repeating: "ab", count: 32), chapters: chapters)
}

/// The checklist the store and the commands over it are tested with:
/// - 5.1.1-1 shall by inspection (manual pass needs evidence), 5.1.1-2 should by inspection (does not),
/// - 5.1.2-1 shall by data with a `> 60 day` threshold, 5.2.5-4 shall-not by inspection,
/// - 6.8.a should, 7.3.1-1 shall by interview only (a manual pass needs no file).
public let sampleChecklist = makeChecklist([
    sampleStatement("5.1.1-1"), sampleStatement("5.1.1-2", .should),
    sampleStatement(
        "5.1.2-1", methods: [.data],
        threshold: Threshold(quantity: "logRetention", comparison: .greaterThan, value: 60, unit: "day")),
    sampleStatement("5.2.5-4", .shallNot), sampleStatement("6.8.a", .should),
    sampleStatement("7.3.1-1", methods: [.interview]),
])
