import AuditModel

// The small hand-built checklist the store tests and the CLI tests share (the CLI tests hand it to
// `mallaudit-testkit store-seed` as JSON).

/// A statement of ``sampleChecklist``'s shape: the clause is the id up to the first `-`.
public func sampleStatement(
    _ id: String, _ modality: Modality = .shall, methods: [AssessmentMethod] = [.inspection],
    threshold: Threshold? = nil
) -> Statement {
    let clause = String(id.split(whereSeparator: { $0 == "-" }).first!)
    return Statement(
        id: id, clauseID: clause, modality: modality, text: LocalizedText(zh: "应", en: "shall"), methods: methods,
        threshold: threshold)
}

/// A small checklist covering the cases the store and the commands over it care about:
/// - 5.1.1-1 shall by inspection (manual pass needs evidence), 5.1.1-2 should by inspection (does not),
/// - 5.1.2-1 shall by data with a `> 60 day` threshold, 5.2.5-4 shall-not by inspection,
/// - 7.3.1-1 shall by interview only (a manual pass needs no file), 6.8.a should.
public let sampleChecklist = Checklist(
    version: "test-1", standardTitleZH: "商场数字化服务规范", standardTitleEN: "spec",
    digest: String(repeating: "ab", count: 32),
    chapters: [
        Chapter(
            number: 5, title: LocalizedText(zh: "基础要求", en: "Basic"),
            clauses: [
                Clause(
                    id: "5.1.1", chapter: 5, title: LocalizedText(zh: "网络通信", en: "Network"),
                    text: LocalizedText(zh: "", en: ""),
                    statements: [sampleStatement("5.1.1-1"), sampleStatement("5.1.1-2", .should)]),
                Clause(
                    id: "5.1.2", chapter: 5, title: LocalizedText(zh: "网络通信", en: "Network"),
                    text: LocalizedText(zh: "", en: ""),
                    statements: [
                        sampleStatement(
                            "5.1.2-1", methods: [.data],
                            threshold: Threshold(
                                quantity: "logRetention", comparison: .greaterThan, value: 60, unit: "day"))
                    ]),
                Clause(
                    id: "5.2.5", chapter: 5, title: LocalizedText(zh: "核心机房", en: "Machine room"),
                    text: LocalizedText(zh: "", en: ""), statements: [sampleStatement("5.2.5-4", .shallNot)]),
            ]),
        Chapter(
            number: 6, title: LocalizedText(zh: "服务要求", en: "Service"),
            clauses: [
                Clause(
                    id: "6.8", chapter: 6, title: LocalizedText(zh: "技术应用", en: "Technology"),
                    text: LocalizedText(zh: "", en: ""), statements: [sampleStatement("6.8.a", .should)])
            ]),
        Chapter(
            number: 7, title: LocalizedText(zh: "管理要求", en: "Management"),
            clauses: [
                Clause(
                    id: "7.3.1", chapter: 7, title: LocalizedText(zh: "人员", en: "Staff"),
                    text: LocalizedText(zh: "", en: ""),
                    statements: [sampleStatement("7.3.1-1", methods: [.interview])])
            ]),
    ])
