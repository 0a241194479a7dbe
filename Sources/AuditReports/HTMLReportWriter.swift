import AuditModel
import Foundation

/// Writes the HTML conformance report: one self-contained file (inline CSS and SVG; no script, font, image or other
/// external resource), rendered with swift-mustache from `templates/report.html.mustache` and its partials.
///
/// Chinese by default, English with `.en`. First screen: the verdict badge (符合 / 不符合 / 未完成), counts by verdict
/// and modality and the per-chapter chart; then the failing shall statements with what was measured and how far from
/// the threshold; then every clause with its text, statements, results and evidence; the not-applicable decisions;
/// the formula with its numbers; a block for the inspector's signature and the mall's seal. Prints on A4.
///
/// Every value from the mall goes through Mustache's `{{…}}` HTML escaping; `HTMLTemplates` refuses templates that
/// could print a value unescaped. Deterministic: the same report and language give the same string.
public struct HTMLReportWriter: Sendable {
    public let templates: HTMLTemplates

    /// A writer over `templates`.
    public init(templates: HTMLTemplates) {
        self.templates = templates
    }

    /// A writer over the templates `ReportResources` finds (`$MALLAUDIT_TEMPLATES`, else the repository's).
    public init() throws {
        self.templates = try HTMLTemplates()
    }

    /// The report as one HTML document.
    public func write(_ report: AuditReport, language: Language = .zh) throws -> String {
        try report.checkConsistency()
        let view = HTMLReportView(report: report, language: language)
        let clauses = view.chapters.flatMap(\.clauses)
        let rows = renderStatements(clauses, view: view)
        let cards = view.cardEntries
        let failing = renderCards(cards.failing, view: view)
        let pending = renderCards(cards.errors, view: view)
        return templates.render(
            view.context(renderedStatements: rows, failingCards: failing, pendingCards: pending), language: language)
    }

    /// Each clause's statements rendered as table rows with `partials/statement-row` and joined, in clause order.
    ///
    /// Rendering is where a large report spends its time (swift-mustache costs a few microseconds per tag), and
    /// statements are independent, so big reports render them in chunks on all cores. The result does not depend
    /// on the chunking: fragments are put back by index.
    func renderStatements(_ clauses: [ReportClause], view: HTMLReportView) -> [String] {
        let templates = self.templates
        let language = view.language
        let statementCount = clauses.reduce(0) { $0 + $1.statements.count }
        return Self.render(count: clauses.count, parallel: statementCount >= Self.parallelThreshold) { index in
            var html = ""
            for entry in clauses[index].statements {
                html += templates.renderRow(view.statementRow(entry), language: language)
            }
            return html
        }
    }

    /// The detailed cards (`partials/statement`) of `entries`, joined in order.
    func renderCards(_ entries: [ReportStatement], view: HTMLReportView) -> String {
        let templates = self.templates
        let language = view.language
        let chunks = max(1, min(entries.count / 50, ProcessInfo.processInfo.activeProcessorCount * 4))
        return Self.render(count: chunks, parallel: entries.count >= Self.parallelThreshold / 4) { chunk in
            var html = ""
            for index in (entries.count * chunk / chunks)..<(entries.count * (chunk + 1) / chunks) {
                html += templates.renderStatement(view.statementCard(entries[index]), language: language)
            }
            return html
        }.joined()
    }

    /// `render(0..<count)`, on all cores when `parallel` and there is more than one; in index order either way.
    private static func render(count: Int, parallel: Bool, _ render: @escaping @Sendable (Int) -> String) -> [String] {
        let workers = ProcessInfo.processInfo.activeProcessorCount
        guard parallel, workers > 1, count > 1 else { return (0..<count).map(render) }
        let chunkCount = min(count, workers * 4)
        let results = FragmentBuffer(count: count)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = (count * chunk / chunkCount)..<(count * (chunk + 1) / chunkCount)
            results.store(range.map(render), at: range.lowerBound)
        }
        return results.fragments
    }

    /// Below this many statements, rendering on one thread is faster than spreading it.
    static let parallelThreshold = 400
}

/// Fragments written by concurrent workers, each into its own index range, read once all are done.
private final class FragmentBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String]

    init(count: Int) { storage = Array(repeating: "", count: count) }

    func store(_ fragments: [String], at start: Int) {
        lock.lock()
        defer { lock.unlock() }
        storage.replaceSubrange(start..<(start + fragments.count), with: fragments)
    }

    var fragments: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

/// Builds the template context: plain dictionaries and arrays (fast for swift-mustache, no reflection). Optional
/// values are arrays of zero or one element and every key is always present, so a section can never pick up a
/// same-named value of an enclosing context.
///
/// Everything the run stored in words (reasons, observations, producers, times) goes through `ReportText`, so the
/// report is in one language: Chinese throughout for `.zh`, English for `.en`; ids, units and names excepted.
struct HTMLReportView: Sendable {
    let report: AuditReport
    let language: Language
    /// The report's chapters, clauses and statements with results, computed once.
    let chapters: [ReportChapter]
    /// Each clause's title in `language`, by clause id.
    let clauseTitles: [String: String]
    /// Stored words in `language`, times in the mall's zone.
    let text: ReportText

    /// Observations a row of the clause list shows; the rest are counted (the card and the XML have them all).
    static let rowObservationLimit = 6

    init(report: AuditReport, language: Language) {
        self.report = report
        self.language = language
        self.chapters = report.chapters
        self.text = ReportText(language: language, timeZone: report.run.timeZone)
        self.clauseTitles = Dictionary(
            chapters.flatMap(\.clauses).map { ($0.clause.id, $0.clause.title.text(language)) },
            uniquingKeysWith: { first, _ in first })
    }

    private var zh: Bool { language == .zh }
    private var labels: [String: String] { HTMLLabels.table(language) }

    /// The shall statements that did not pass, in clause order: the failing ones and those that could not be
    /// checked (error) get a detailed card each; those not assessed are listed in one compact table.
    var cardEntries: (failing: [ReportStatement], errors: [ReportStatement], unassessed: [ReportStatement]) {
        let entries = chapters.flatMap { $0.clauses.flatMap(\.statements) }.filter(\.statement.modality.isRequirement)
        return (
            entries.filter { $0.result.verdict == .fail }, entries.filter { $0.result.verdict == .error },
            entries.filter { $0.result.verdict == .notAssessed }
        )
    }

    /// Whether the statement has a detailed card (see `cardEntries`).
    static func hasCard(_ entry: ReportStatement) -> Bool {
        entry.statement.modality.isRequirement && (entry.result.verdict == .fail || entry.result.verdict == .error)
    }

    private var checklistTitle: String {
        language == .zh ? report.checklist.standardTitleZH : report.checklist.standardTitleEN
    }

    /// The context of the main template; `renderedStatements[i]` is the markup of the i-th clause's statement rows,
    /// `failingCards` and `pendingCards` the markup of the cards of the failing and the unchecked (error) statements.
    func context(renderedStatements: [String], failingCards: String, pendingCards: String) -> [String: Any] {
        let card = report.scorecard
        let run = report.run
        let entries = chapters.flatMap { $0.clauses.flatMap(\.statements) }
        let decisions = entries.filter { $0.decision != nil }
        let unassessed = cardEntries.unassessed

        var warning: [String] = []
        switch run.completion {
        case .completed: break
        case .running: warning.append(labels["snapshotWarning"]!)
        case .interrupted: warning.append(labels["interruptedWarning"]!)
        }
        let total = report.checklist.statements.count
        let inScope = report.checklist.statements.filter { run.inScope($0) }.count
        var scope = labels["scopeAll"]!.replacingOccurrences(of: "{n}", with: String(total))
        if let ids = run.scope, !ids.isEmpty {
            scope = labels["scopeOnly"]!.replacingOccurrences(of: "{ids}", with: ids.joined(separator: zh ? "、" : ", "))
                .replacingOccurrences(of: "{n}", with: String(inScope)).replacingOccurrences(
                    of: "{total}", with: String(total))
            warning.append(labels["scopeWarning"]!)
        }

        return [
            "lang": zh ? "zh-CN" : "en",
            "standardTitle": checklistTitle,
            "standardTitleZH": report.checklist.standardTitleZH,
            "conformanceClass": card.conformance.rawValue,
            "conformanceText": HTMLLabels.conformance(card.conformance, language),
            "completionWarning": warning,
            "mallName": run.mall.name,
            "mallAddress": optional(run.mall.address),
            "mallCreditCode": optional(run.mall.creditCode),
            "assessor": optional(run.assessor),
            "runID": run.runID,
            "startedAt": text.time(run.startedAt),
            "asOf": optional(run.asOf),
            "scope": scope,
            "timeZone": text.zoneLabel(at: run.startedAt),
            "settings": (run.settings?.entries ?? []).map { entry in
                [
                    "key": entry.key, "value": settingValue(entry.value), "meaning": entry.meaning.text(language),
                    "state": entry.isDefault ? labels["settingDefault"]! : labels["settingChanged"]!,
                ] as [String: Any]
            },
            "hasSettings": run.settings != nil,
            "endedAt": optional(run.endedAt.map(text.time)),
            "completion": HTMLLabels.completion(run.completion, language),
            "toolVersion": run.toolVersion,
            "checklistVersion": report.checklist.version,
            "checklistDigest": report.checklist.digest,
            "checklistDigestShort": String(report.checklist.digest.prefix(12)),
            "siteProfileDigest": optional(run.siteProfileDigest),
            "siteProfileDigestShort": optional(run.siteProfileDigest.map { String($0.prefix(12)) }),
            "verdictHeaders": Verdict.reportOrder.map {
                ["name": HTMLLabels.verdict($0, language), "class": "v-" + $0.rawValue]
            },
            "countRows": countRows(card),
            "chartSVG": chart(chapters),
            "chapterRows": chapters.map { chapter in
                [
                    "label": chapterLabel(chapter.chapter), "cells": cells(chapter.counts),
                    "total": chapter.counts.total,
                ] as [String: Any]
            },
            "shouldAdoption": card.adoptionText(language),
            "failingCards": failingCards,
            "hasFailing": !failingCards.isEmpty,
            "pendingCards": pendingCards,
            "hasPending": !pendingCards.isEmpty,
            "unassessed": unassessed.map(unassessedRow),
            "hasUnassessed": !unassessed.isEmpty,
            "unassessedCount": unassessed.count,
            "chapters": chapterViews(renderedStatements: renderedStatements),
            "decisions": decisions.map { entry in
                let decision = entry.decision!
                return [
                    "id": entry.statement.id,
                    "text": entry.statement.text.text(language),
                    "justification": text.reason(decision.justification),
                    "decidedBy": text.producer(decision.decidedBy),
                    "decidedAt": optional(decision.decidedAt.map(text.time)),
                ] as [String: Any]
            },
            "hasDecisions": !decisions.isEmpty,
            "formula": card.formula(language),
            "pageCSS": pageCSS(),
        ]
    }

    /// The printed page's running header and footer (mall, run, judgement date; page x / y), as CSS paged-media
    /// margin boxes, which Chromium prints (since version 131). Every value is escaped for a CSS string: the mall's
    /// name cannot end the string or the `<style>` element.
    func pageCSS() -> String {
        let run = report.run
        var header = run.mall.name + " · " + labels["runID"]! + " " + run.runID
        if let asOf = run.asOf { header += " · " + labels["asOf"]! + " " + asOf }
        let title = labels["reportTitle"]!
        let pages =
            zh
            ? "\"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\""
            : "\"Page \" counter(page) \" / \" counter(pages)"
        return """
            @page {
              @top-left { content: \(Self.cssString(header)); }
              @top-right { content: \(Self.cssString(title + " · " + report.checklist.standardTitleZH)); }
              @bottom-center { content: \(pages); }
            }
            """
    }

    /// `text` as a CSS string literal: ASCII letters, digits, spaces, `- . , : ( ) _` and non-ASCII characters as they
    /// are, every other character as a six-digit escape (`"` → `\000022`), so nothing in it can end the string, the
    /// rule or the `<style>` element.
    static func cssString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let plain =
                (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x20
                || [0x2D, 0x2E, 0x2C, 0x3A, 0x28, 0x29, 0x5F].contains(v)
                || (v > 0x7F && v != 0x2028 && v != 0x2029 && !(0xD800...0xDFFF).contains(v))
            out += plain ? String(scalar) : String(format: "\\%06X", v)
        }
        return out + "\""
    }

    /// A setting's value with its unit in words (`900 s` → `900 秒（15 分钟）`).
    private func settingValue(_ value: String) -> String {
        let parts = value.split(separator: " ")
        if parts.count == 2, let number = Double(parts[0]) {
            switch parts[1] {
            case "s": return zh ? "\(parts[0]) 秒（\(text.duration(number))）" : "\(value) (\(text.duration(number)))"
            case "d": return zh ? "\(parts[0]) 天" : "\(parts[0]) days"
            default: break
            }
        }
        return value
    }

    private func optional(_ value: String?) -> [String] { value.map { [$0] } ?? [] }

    private func cells(_ counts: VerdictCounts) -> [[String: Any]] {
        Verdict.reportOrder.map { ["n": counts[$0], "class": "v-" + $0.rawValue, "zero": counts[$0] == 0] }
    }

    private func chapterLabel(_ chapter: Chapter) -> String { "\(chapter.number) \(chapter.title.text(language))" }

    private func countRows(_ card: Scorecard) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        for modality in Modality.reportOrder {
            let counts = card.byModality[modality] ?? VerdictCounts()
            guard counts.total > 0 || modality == .shall else { continue }
            rows.append([
                "name": HTMLLabels.modality(modality, language), "cells": cells(counts), "total": counts.total,
                "applicable": counts.applicable, "isTotal": false,
            ])
        }
        rows.append([
            "name": labels["total"]!, "cells": cells(card.total), "total": card.total.total,
            "applicable": card.total.applicable, "isTotal": true,
        ])
        return rows
    }

    private func chart(_ chapters: [ReportChapter]) -> String {
        SVGChart(
            bars: chapters.map { SVGChart.Bar(label: chapterLabel($0.chapter), counts: $0.counts) },
            language: language, title: labels["chartTitle"]!
        ).render()
    }

    private func chapterViews(renderedStatements: [String]) -> [[String: Any]] {
        var clauseIndex = 0
        return chapters.map { chapter in
            [
                "label": chapterLabel(chapter.chapter),
                "number": chapter.chapter.number,
                "clauses": chapter.clauses.map { clause in
                    defer { clauseIndex += 1 }
                    return [
                        "id": clause.clause.id,
                        "title": clause.clause.title.text(language),
                        "section": optional(clause.clause.section?.text(language)),
                        "text": clause.clause.text.text(language),
                        "original": language == .en ? [clause.clause.text.zh] : [],
                        "notes": clause.clause.notes.map { $0.text(language) },
                        "hasNotes": !clause.clause.notes.isEmpty,
                        "verdictClass": "v-" + clause.verdict.rawValue,
                        "verdictText": HTMLLabels.verdict(clause.verdict, language),
                        "renderedStatements": renderedStatements[clauseIndex],
                    ] as [String: Any]
                },
            ] as [String: Any]
        }
    }

    /// A shall statement not assessed, as one row of the compact table: what is covered and what is missing.
    private func unassessedRow(_ entry: ReportStatement) -> [String: Any] {
        [
            "id": entry.statement.id, "modality": HTMLLabels.modality(entry.statement.modality, language),
            "modalityClass": "m-" + entry.statement.modality.rawValue,
            "text": entry.statement.text.text(language), "missing": missing(entry),
        ]
    }

    /// What a statement (not passed) still lacks, in one line: the checkpoints by verdict, or the methods to use.
    func missing(_ entry: ReportStatement) -> String {
        let checkpoints = entry.checkpoints
        guard !checkpoints.isEmpty else {
            if entry.result.source == .none { return text.reason(entry.result.reason) }
            return text.reason(entry.result.reason)
        }
        return checkpointLine(checkpoints)
    }

    /// `检查点：通过 realName；未评估 behaviourAudit、keywordFiltering（评估方法：…）`.
    func checkpointLine(_ checkpoints: [ReportCheckpoint]) -> String {
        var parts: [String] = []
        for verdict in Verdict.reportOrder {
            let named = checkpoints.filter { $0.result.verdict == verdict }
            guard !named.isEmpty else { continue }
            var part = HTMLLabels.verdict(verdict, language) + " " + named.map(\.checkpoint.name)
                .joined(separator: zh ? "、" : ", ")
            if verdict == .notAssessed {
                let methods = orderedUnique(named.flatMap(\.checkpoint.methods)).map {
                    HTMLLabels.method($0, language)
                }
                part += zh ? "（评估方法：\(methods.joined(separator: "、"))）" : " (methods: \(methods.joined(separator: ", ")))"
            }
            parts.append(part)
        }
        return labels["checkpoints"]! + labels["colon"]! + parts.joined(separator: zh ? "；" : "; ")
    }

    private func orderedUnique<T: Hashable>(_ values: [T]) -> [T] {
        var seen: Set<T> = []
        return values.filter { seen.insert($0).inserted }
    }

    /// One statement as a table row of the clause-by-clause list: text, verdict, source, then measurement with its
    /// margin, reason, observations (one `name = value` line each, at most `rowObservationLimit`), evidence (name +
    /// short SHA-256) and any not-applicable decision. A statement with a detailed card shows only its verdict,
    /// measurement and a link here: the card has the rest.
    ///
    /// Unlike the other views, a row leaves out the keys of empty sections (no card, original, condition,
    /// measurement, evidence or decision): a row is rendered on its own, so nothing encloses it whose same-named
    /// value a section could pick up, and an absent key is the cheapest empty section for swift-mustache, which
    /// matters at 10,000 rows. No key of a row is used inside a nested section (`measurement`, `evidence`,
    /// `decision`, `checkpoints`, `areas`) of it.
    func statementRow(_ entry: ReportStatement) -> [String: Any] {
        let result = entry.result
        let statement = entry.statement
        var row: [String: Any] = [
            "id": statement.id,
            "modality": HTMLLabels.modality(statement.modality, language),
            "modalityClass": "m-" + statement.modality.rawValue,
            "text": statement.text.text(language),
            "verdictClass": "v-" + result.verdict.rawValue,
            "verdictText": HTMLLabels.verdict(result.verdict, language),
            "source": sourceText(result),
        ]
        if language == .en { row["original"] = statement.text.zh }
        if let condition = statement.condition { row["condition"] = condition.text(language) }
        if let measurement = result.measurement { row["measurement"] = measurementView(measurement) }
        let checkpoints = entry.checkpoints
        if !checkpoints.isEmpty { row["checkpointLine"] = checkpointLine(checkpoints) }
        if Self.hasCard(entry) {
            row["card"] = true
            return row
        }
        if checkpoints.isEmpty {
            row["reason"] = text.reason(result.reason)
        } else {
            let open = checkpoints.filter { $0.result.verdict == .fail || $0.result.verdict == .error }
            if !open.isEmpty {
                row["checkpoints"] = open.map {
                    [
                        "checkpointName": $0.checkpoint.name, "checkpointClass": "v-" + $0.result.verdict.rawValue,
                        "checkpointVerdict": HTMLLabels.verdict($0.result.verdict, language),
                        "checkpointReason": text.reason($0.result.reason),
                    ]
                }
            }
            if result.verdict == .notApplicable { row["reason"] = text.reason(result.reason) }
        }
        if !result.evidence.isEmpty { row["evidence"] = result.evidence.map(evidenceView) }
        // One line per observation in one escaped value: a list section per row would cost a quarter of the time.
        let observations = Self.distinct(result.observations)
        let shown = observations.prefix(Self.rowObservationLimit)
        row["observations"] = shown.map { observationLine($0) }.joined(separator: "\n")
        if observations.count > shown.count {
            row["moreObservations"] = labels["moreObservations"]!.replacingOccurrences(
                of: "{n}", with: String(observations.count - shown.count))
        }
        if let decision = entry.decision {
            row["decision"] = [
                "justification": text.reason(decision.justification), "decidedBy": text.producer(decision.decidedBy),
            ]
        }
        if !result.areas.isEmpty {
            // Every area's verdict on one line; the reason only where an area did not pass.
            row["areaLine"] = labels["areas"]! + labels["colon"]! + result.areas.map {
                "\($0.area) \(HTMLLabels.verdict($0.verdict, language))"
            }.joined(separator: zh ? "、" : ", ")
            let open = result.areas.filter { $0.verdict != .pass && $0.verdict != .notApplicable }
            if !open.isEmpty { row["areas"] = open.map(areaView) }
        }
        return row
    }

    /// `observations` with each repeated one shown once, in order: several probes of one statement that read the same
    /// answer (`HTTP status = 200` from four signage probes) observed the same thing, and the XML and JSON reports
    /// keep every one.
    static func distinct(_ observations: [Observation]) -> [Observation] {
        var seen: Set<Observation> = []
        return observations.filter { seen.insert($0).inserted }
    }

    private func observationLine(_ observation: Observation) -> String {
        "\(text.observationName(observation.name)) = \(text.observationValue(observation))"
    }

    private func sourceText(_ result: StatementResult) -> String {
        HTMLLabels.source(result.source, language) + (result.producer.map { " · " + text.producer($0) } ?? "")
    }

    /// A checkpoint with its verdict, the standard's words it stands for, its reason and its areas. Every key is
    /// present (an absent `areas` would make a section read the enclosing statement's).
    private func checkpointView(_ checkpoint: ReportCheckpoint) -> [String: Any] {
        [
            "checkpointID": checkpoint.checkpoint.id,
            "checkpointName": checkpoint.checkpoint.name,
            "quote": checkpoint.checkpoint.quote,
            "checkpointText": checkpoint.checkpoint.text.text(language),
            "checkpointClass": "v-" + checkpoint.result.verdict.rawValue,
            "checkpointVerdict": HTMLLabels.verdict(checkpoint.result.verdict, language),
            "checkpointReason": text.reason(checkpoint.result.reason),
            "checkpointAreas": checkpoint.result.areas.map(areaView),
            "checkpointEvidence": checkpoint.result.evidence.map(evidenceView),
        ]
    }

    private func areaView(_ area: AreaResult) -> [String: Any] {
        [
            "areaName": area.area, "areaClass": "v-" + area.verdict.rawValue,
            "areaVerdict": HTMLLabels.verdict(area.verdict, language), "areaReason": text.reason(area.reason),
        ]
    }

    /// One statement with everything the reader needs: its clause, text, verdict, source, measurement, reason,
    /// how the evidence combined into the verdict, checkpoints, areas, observations, evidence (name + short SHA-256)
    /// and any not-applicable decision.
    func statementCard(_ entry: ReportStatement) -> [String: Any] {
        let result = entry.result
        let statement = entry.statement
        let explanation = VerdictExplanation(text: text).lines(
            entry, pieces: report.judgementInputs[statement.id] ?? [])
        return [
            "id": statement.id,
            "clauseID": statement.clauseID,
            "clauseTitle": clauseTitles[statement.clauseID] ?? "",
            "modality": HTMLLabels.modality(statement.modality, language),
            "modalityClass": "m-" + statement.modality.rawValue,
            "text": statement.text.text(language),
            "original": language == .en ? [statement.text.zh] : [],
            "condition": optional(statement.condition?.text(language)),
            "verdictClass": "v-" + result.verdict.rawValue,
            "verdictText": HTMLLabels.verdict(result.verdict, language),
            "source": sourceText(result),
            "judgedAt": optional(result.judgedAt.map(text.time)),
            "reason": entry.checkpoints.isEmpty ? text.reason(result.reason) : checkpointLine(entry.checkpoints),
            "explanation": explanation,
            "hasExplanation": !explanation.isEmpty,
            "measurement": result.measurement.map { [measurementView($0)] } ?? [],
            "observations": Self.distinct(result.observations).map {
                ["name": text.observationName($0.name), "value": text.observationValue($0)]
            },
            "hasObservations": !result.observations.isEmpty,
            "evidence": result.evidence.map(evidenceView),
            "checkpoints": entry.checkpoints.filter { $0.result.verdict != .notAssessed || !$0.result.evidence.isEmpty }
                .map(checkpointView),
            "hasCheckpoints": !entry.statement.checkpoints.isEmpty,
            "areas": result.areas.map(areaView),
            "hasAreas": !result.areas.isEmpty,
            "decision": entry.decision.map { decision in
                [
                    [
                        "justification": text.reason(decision.justification),
                        "decidedBy": text.producer(decision.decidedBy),
                        "decidedAt": optional(decision.decidedAt.map(text.time)),
                    ] as [String: Any]
                ]
            } ?? [],
        ]
    }

    private func measurementView(_ measurement: AuditModel.Measurement) -> [String: Any] {
        let threshold = measurement.threshold
        var view: [String: Any] = [
            "measured": NumberFormat.human(measurement.value, threshold: threshold)
                + HTMLLabels.spacedUnit(measurement.unit, language, amount: measurement.value),
            "sample": measurement.sample.map { [String($0)] } ?? [],
            "threshold": [String](),
            "margin": [[String: Any]](),
        ]
        if let threshold {
            view["threshold"] = [
                "\(threshold.comparison.symbol) \(NumberFormat.exact(threshold.value))"
                    + HTMLLabels.spacedUnit(threshold.unit, language, amount: threshold.value)
            ]
            if let margin = measurement.margin {
                view["margin"] = [
                    [
                        "value": NumberFormat.signedHuman(margin)
                            + HTMLLabels.spacedUnit(threshold.unit, language, amount: margin),
                        "phrase": HTMLLabels.marginPhrase(
                            margin: margin, threshold: threshold, unit: threshold.unit, language: language),
                        "class": margin > 0 || (margin == 0 && threshold.isMet(by: threshold.value))
                            ? "met" : "missed",
                    ] as [String: Any]
                ]
            }
        }
        return view
    }

    private func evidenceView(_ evidence: EvidenceRef) -> [String: Any] {
        [
            "name": evidence.name,
            "sha256": evidence.sha256,
            "shortSHA": String(evidence.sha256.prefix(12)),
            "size": String(evidence.size),
            "description": optional(evidence.description),
            "collectedBy": optional(evidence.collectedBy),
            "collectedAt": optional(evidence.collectedAt.map(text.time)),
        ]
    }
}
