import AuditChecklist
import AuditModel
import AuditProbes
import AuditSite
import AuditStore
import Foundation

/// One line of the inspector's on-site sheet: a statement, or one checkpoint of it, that no shipped probe or data
/// check covers, or whose automated result in the given run was `error` or `notAssessed`.
public struct WorksheetItem: Sendable, Hashable {
    /// `5.2.5-8` or `5.1.2-2/keywordFiltering`: what a finding names.
    public var target: String
    public var clauseTitle: LocalizedText
    public var modality: Modality
    public var methods: [AssessmentMethod]
    /// The statement's words.
    public var statement: LocalizedText
    /// For a checkpoint: the standard's words it stands for, and what is checked.
    public var quote: String?
    public var checkpoint: LocalizedText?
    /// What evidence to take (the checkpoint's, else the statement's).
    public var evidence: [LocalizedText]
    /// Why it is on the sheet: nothing automated covers it, or what the run found.
    public var why: String
}

/// `mallaudit worksheet`: everything an inspection must settle, for printing (HTML, A4) or for filling in (YAML,
/// a findings-file skeleton that `run --findings` accepts once every verdict is written).
public enum Worksheet {
    /// The items for `checklist`, given the probes the site profile runs and, optionally, a stored run's results.
    public static func items(checklist: Checklist, probes: [ProbeDefinition], run: [StatementResult]? = nil)
        -> [WorksheetItem]
    {
        let bound = Set(probes.flatMap(\.statements))
        var results: [String: Verdict] = [:]
        for result in run ?? [] {
            results[result.statementID] = result.verdict
            for checkpoint in result.checkpoints { results[checkpoint.checkpointID] = checkpoint.verdict }
        }
        var items: [WorksheetItem] = []
        for clause in checklist.clauses {
            for statement in clause.statements {
                let targets: [(String, Checkpoint?)] = statement.checkpoints.isEmpty
                    ? [(statement.id, nil)] : statement.checkpoints.map { ($0.id, $0) }
                for (target, checkpoint) in targets {
                    let why: String
                    if let verdict = results[target], run != nil {
                        guard verdict == .error || verdict == .notAssessed else { continue }
                        why = bound.contains(target)
                            ? "the run's probe result was \(verdict.rawValue)" : "the run left it \(verdict.rawValue)"
                    } else if bound.contains(target) {
                        continue
                    } else {
                        why = "no probe or data check of the site profile covers it"
                    }
                    items.append(WorksheetItem(
                        target: target, clauseTitle: clause.title, modality: statement.modality,
                        methods: checkpoint?.methods ?? statement.methods, statement: statement.text,
                        quote: checkpoint?.quote, checkpoint: checkpoint?.text,
                        evidence: (checkpoint?.evidence).flatMap { $0.isEmpty ? nil : $0 } ?? statement.evidence,
                        why: why))
                }
            }
        }
        return items
    }

    /// Loads the site profile, its probes and the checklist (and the run's results when `run` is given) and
    /// returns the sheet's items.
    public static func items(site: URL, checklist: URL? = nil, database: URL? = nil, run: String? = nil) throws
        -> (profile: SiteProfile, items: [WorksheetItem])
    {
        let profile = try SiteProfile.load(site)
        let loaded = try ChecklistLoader.load(file: checklist ?? ChecklistLocator.defaultChecklist())
        let probes = try ProbeDefinitionLoader.load(profile.probePaths)
        var results: [StatementResult]?
        if let run {
            let url = database ?? profile.file.deletingLastPathComponent().appendingPathComponent("mallaudit.sqlite")
            let store = try AuditStore(path: url.path, create: false)
            results = try store.results(run: try store.resolveRun(run))
        }
        return (profile, items(checklist: loaded, probes: probes, run: results))
    }

    /// The findings-file skeleton: one entry per item with an empty verdict, the standard's words and the evidence
    /// to take as comments. Filled in (verdict, note, evidence files) it is a findings file for `run --findings`.
    public static func yaml(_ items: [WorksheetItem], mall: String, assessor: String) -> String {
        func comment(_ text: String) -> String {
            text.split(whereSeparator: \.isNewline).map { "    # " + $0 }.joined(separator: "\n")
        }
        var lines = [
            "# Inspection worksheet for \(oneLine(mall)), written by `mallaudit worksheet`: every statement and",
            "# checkpoint no probe or data check settles. Write each verdict (pass, fail or notApplicable with a",
            "# justification), a note, and the evidence files taken (a pass of a shall statement needs one), then",
            "# run `mallaudit run --site SITE --findings THIS_FILE`. An entry left without a verdict is refused.",
            "assessor: \(quoted(assessor))",
            "findings:",
        ]
        for item in items {
            lines.append("")
            lines.append(comment("\(item.target) (\(item.modality.rawValue); \(item.methods.map(\.rawValue).joined(separator: ", "))) "
                + oneLine(item.statement.zh)))
            if let quote = item.quote, let checkpoint = item.checkpoint {
                lines.append(comment("checkpoint 「\(oneLine(quote))」: \(oneLine(checkpoint.zh))"))
            }
            for evidence in item.evidence { lines.append(comment("evidence: " + oneLine(evidence.zh))) }
            lines.append("  - statement: \(item.target)")
            lines.append("    verdict:")
            lines.append("    note: \"\"")
            lines.append("    evidence: []")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A printable page (A4, one item per box, boxes for the verdict and lines for notes); every text escaped.
    public static func html(_ items: [WorksheetItem], mall: String, assessor: String) -> String {
        var rows: [String] = []
        for item in items {
            let methods = item.methods.map(\.rawValue).joined(separator: ", ")
            var body = "<h2>" + escape(item.target) + " <small>" + escape(item.modality.rawValue) + " · "
            body += escape(methods) + "</small></h2>\n"
            body += "<p class=\"clause\">" + escape(item.clauseTitle.zh) + " / " + escape(item.clauseTitle.en) + "</p>\n"
            body += "<p class=\"words\">" + escape(item.statement.zh) + "<br><span class=\"en\">"
            body += escape(item.statement.en) + "</span></p>\n"
            if let quote = item.quote, let checkpoint = item.checkpoint {
                body += "<p class=\"checkpoint\">「" + escape(quote) + "」 " + escape(checkpoint.zh) + "<br>"
                body += "<span class=\"en\">" + escape(checkpoint.en) + "</span></p>\n"
            }
            if !item.evidence.isEmpty {
                body += "<ul class=\"evidence\">"
                for evidence in item.evidence {
                    body += "<li>" + escape(evidence.zh) + "<br><span class=\"en\">" + escape(evidence.en) + "</span></li>"
                }
                body += "</ul>\n"
            }
            body += "<p class=\"why\">" + escape(item.why) + "</p>\n"
            body += "<p class=\"verdict\">☐ 符合 pass　☐ 不符合 fail　☐ 不适用 notApplicable</p>\n"
            body += "<div class=\"notes\">记录 / notes, evidence taken:</div>\n"
            rows.append("<section class=\"item\">\n" + body + "</section>")
        }
        let head = """
            <!DOCTYPE html>
            <html lang="zh"><head><meta charset="utf-8">
            <title>现场检查表 — \(escape(mall))</title>
            <style>
            @page { size: A4; margin: 15mm; }
            body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; font-size: 10.5pt; color: #000; }
            h1 { font-size: 15pt; margin: 0 0 4mm; }
            .item { border: 0.4mm solid #444; padding: 3mm; margin: 0 0 4mm; break-inside: avoid; }
            .item h2 { font-size: 11.5pt; margin: 0 0 1mm; }
            .item small { font-weight: normal; color: #333; }
            .en { color: #444; font-size: 9pt; }
            .clause, .why { color: #333; font-size: 9pt; margin: 0 0 1mm; }
            .verdict { font-size: 11pt; margin: 2mm 0; }
            .notes { border-top: 0.3mm dotted #666; min-height: 16mm; padding-top: 1mm; color: #555; font-size: 9pt; }
            </style></head>
            <body>
            <h1>现场检查表 / Inspection worksheet — \(escape(mall))</h1>
            <p>检查人 / assessor: \(escape(assessor))　日期 / date: ____________　\(items.count) 项 / items</p>

            """
        return head + rows.joined(separator: "\n") + "\n</body></html>\n"
    }

    /// Text for HTML character data and attribute values; control characters (other than tab and newlines) are
    /// dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case _ where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r": continue
            case _ where (0x7F...0x9F).contains(scalar.value): continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in oneLine(text).unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\x%02X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
