import AuditModel
import Foundation

/// Output formats of `mallaudit runs` and `mallaudit diff`.
public enum HistoryFormat: String, Sendable, CaseIterable {
    case text, table, json
}

/// The history commands (`mallaudit runs`, `mallaudit diff`) as library functions returning what to print.
public enum History {
    /// `mallaudit runs`: every run of the database as a table or JSON.
    public static func listRuns(database: String, format: HistoryFormat) throws -> String {
        let store = try AuditStore(path: database, create: false)
        let runs = try store.runs()
        switch format {
        case .json: return try json(runs.map(RunJSON.init))
        case .table, .text: return runsTable(runs, database: database)
        }
    }

    /// `mallaudit diff`: what changed from run `before` to run `after` (ids or `latest`, `latest~1`).
    public static func diff(database: String, before: String, after: String, format: HistoryFormat) throws -> String {
        try diffWithOpenItems(database: database, before: before, after: after, format: format).text
    }

    /// `diff`, and how many statements are still open or newly failing in run `after` (the command exits 2 then).
    public static func diffWithOpenItems(database: String, before: String, after: String, format: HistoryFormat)
        throws -> (text: String, open: Int)
    {
        let store = try AuditStore(path: database, create: false)
        let a = try store.requireRun(store.resolveRun(before))
        let b = try store.requireRun(store.resolveRun(after))
        let diff = try store.diff(a.id, b.id)
        let open = diff.stillOpen.count + diff.newlyFailing.count
        switch format {
        case .json: return (try json(DiffJSON(before: a, after: b, diff: diff)), open)
        case .text, .table: return (diffText(diff, before: a, after: b), open)
        }
    }

    // MARK: runs

    static let verdictColumns: [(Verdict, String)] = [
        (.pass, "PASS"), (.fail, "FAIL"), (.error, "ERROR"), (.notApplicable, "N/A"), (.notAssessed, "NOT ASSESSED"),
    ]

    static func runsTable(_ runs: [RunRecord], database: String) -> String {
        guard !runs.isEmpty else { return "no runs in \(database)" }
        var rows: [[String]] = [
            ["RUN", "STATUS", "CONFORMANCE", "SITE", "STARTED", "ENDED", "CHECKLIST", "ASSESSOR"]
                + verdictColumns.map(\.1)
        ]
        for run in runs {
            var row = [
                String(run.id), run.status.rawValue,
                run.conformance.map { "\($0.rawValue) \($0.chinese)" } ?? "—", run.siteName, run.startedAt,
                run.endedAt ?? "—", run.checklistVersion, run.assessor ?? "—",
            ]
            row += verdictColumns.map { String(run.counts[$0.0] ?? 0) }
            rows.append(row)
        }
        let widths = rows[0].indices.map { column in rows.map { displayWidth($0[column]) }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1
                    ? cell : cell + String(repeating: " ", count: widths[column] - displayWidth(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    // MARK: diff

    static let categoryTitles: [(RunDiff.Category, String)] = [
        (.fixed, "Fixed 已整改"), (.newlyFailing, "Newly failing 新增不符合"), (.stillOpen, "Still open 仍未整改"),
        (.otherChanges, "Other changes 其他变化"),
        (.gainedCheckpoints, "Now judged by checkpoints 改为按检查点判定 (method changed, not necessarily the mall)"),
    ]

    static func diffText(_ diff: RunDiff, before: RunRecord, after: RunRecord) -> String {
        var lines = [
            "Re-inspection 复查: run \(before.id) (\(before.siteName), \(before.startedAt)) → run \(after.id) "
                + "(\(after.siteName), \(after.startedAt))"
        ]
        if before.checklistDigest != after.checklistDigest || before.checklistVersion != after.checklistVersion {
            lines.append(
                "note: the runs used different checklists (\(before.checklistVersion) and \(after.checklistVersion))")
        }
        for (category, title) in categoryTitles {
            let entries = diff[category]
            lines.append("")
            lines.append("\(title): \(entries.count)")
            let width = entries.map { $0.statementID.count }.max() ?? 0
            for entry in entries {
                let change = "\(verdictText(entry.beforeVerdict)) → \(verdictText(entry.afterVerdict))"
                let id = entry.statementID.padding(toLength: width, withPad: " ", startingAt: 0)
                let reason = (entry.after ?? entry.before)?.reason ?? ""
                lines.append("  \(id)  \(change)" + (reason.isEmpty ? "" : "  — \(oneLine(reason))"))
            }
        }
        lines.append("")
        lines.append(
            "Summary: fixed \(diff.fixed.count), newly failing \(diff.newlyFailing.count), still open "
                + "\(diff.stillOpen.count), other changes \(diff.otherChanges.count), now judged by checkpoints "
                + "\(diff.gainedCheckpoints.count), unchanged \(diff.unchanged.count)"
                + " (\(diff.total) statements compared)")
        return lines.joined(separator: "\n")
    }

    static func verdictText(_ verdict: Verdict?) -> String { verdict?.rawValue ?? "absent" }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    // MARK: JSON

    struct RunJSON: Encodable {
        var id: Int64
        var site: String
        var siteDigest: String?
        var checklistVersion: String
        var checklistDigest: String
        var toolVersion: String
        var sqliteVersion: String
        var assessor: String?
        var startedAt: String
        var endedAt: String?
        var status: String
        var conformance: String?
        var counts: [String: Int]
        var results: Int

        init(_ run: RunRecord) {
            id = run.id
            site = run.siteName
            siteDigest = run.siteDigest
            checklistVersion = run.checklistVersion
            checklistDigest = run.checklistDigest
            toolVersion = run.toolVersion
            sqliteVersion = run.sqliteVersion
            assessor = run.assessor
            startedAt = run.startedAt
            endedAt = run.endedAt
            status = run.status.rawValue
            conformance = run.conformance?.rawValue
            counts = Dictionary(uniqueKeysWithValues: Verdict.allCases.map { ($0.rawValue, run.counts[$0] ?? 0) })
            results = run.resultCount
        }
    }

    struct EntryJSON: Encodable {
        var statement: String
        var before: String?
        var after: String?
        var reasonBefore: String?
        var reasonAfter: String?

        init(_ entry: RunDiff.Entry) {
            statement = entry.statementID
            before = entry.beforeVerdict?.rawValue
            after = entry.afterVerdict?.rawValue
            reasonBefore = entry.before?.reason
            reasonAfter = entry.after?.reason
        }
    }

    struct DiffJSON: Encodable {
        var before: RunJSON
        var after: RunJSON
        var fixed: [EntryJSON]
        var newlyFailing: [EntryJSON]
        var stillOpen: [EntryJSON]
        var otherChanges: [EntryJSON]
        var gainedCheckpoints: [EntryJSON]
        var unchanged: [EntryJSON]
        var total: Int

        init(before: RunRecord, after: RunRecord, diff: RunDiff) {
            self.before = RunJSON(before)
            self.after = RunJSON(after)
            fixed = diff.fixed.map(EntryJSON.init)
            newlyFailing = diff.newlyFailing.map(EntryJSON.init)
            stillOpen = diff.stillOpen.map(EntryJSON.init)
            otherChanges = diff.otherChanges.map(EntryJSON.init)
            gainedCheckpoints = diff.gainedCheckpoints.map(EntryJSON.init)
            unchanged = diff.unchanged.map(EntryJSON.init)
            total = diff.total
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Terminal columns of `text`: East Asian wide characters take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
                0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                width + 2
            case 0x0300...0x036F, 0x200B...0x200F:
                width
            default:
                width + 1
            }
        }
    }
}

extension AuditStore {
    /// A run named on the command line: its id (`3`), `latest`, or `latest~N` (N runs before the latest).
    public func resolveRun(_ reference: String) throws -> Int64 {
        let text = reference.trimmingCharacters(in: .whitespaces)
        if let id = Int64(text) { return id }
        if text == "latest" || text.hasPrefix("latest~") {
            let back = text == "latest" ? 0 : Int(text.dropFirst("latest~".count))
            guard let back, back >= 0 else {
                throw StoreError(
                    .noSuchRun, "'\(reference)' is not a run", cause: "expected a run id, latest or latest~N")
            }
            let ids = try runs().map(\.id)
            guard back < ids.count else {
                throw StoreError(
                    .noSuchRun, "'\(reference)' names no run: the database has \(ids.count) run(s)",
                    path: databaseURL.path)
            }
            return ids[ids.count - 1 - back]
        }
        throw StoreError(.noSuchRun, "'\(reference)' is not a run", cause: "expected a run id, latest or latest~N")
    }
}
