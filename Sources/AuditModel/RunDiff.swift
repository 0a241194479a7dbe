/// What changed between two runs of the same mall: the re-inspection (复查) after a rectification notice.
///
/// A pure function of the two result lists. Every statement that appears in either run lands in exactly one
/// category, so the category counts add up to the number of statements compared:
///
/// | category | before (run A) | after (run B) |
/// |---|---|---|
/// | `fixed` | fail or error | pass |
/// | `newlyFailing` | anything but fail, or absent | fail |
/// | `stillOpen` | fail | fail |
/// | `otherChanges` | any other pair of different verdicts (absent counts as a verdict of its own) | |
/// | `gainedCheckpoints` | judged whole before | judged by checkpoints now, with another verdict |
/// | `unchanged` | the same verdict, not fail | |
///
/// A statement the earlier run judged whole and the later one judged by its checkpoints (a store from before
/// checkpoints, re-inspected with a checklist that has them) changed how it is judged, not necessarily what the
/// mall does: a different verdict lands in `gainedCheckpoints`, never in fixed, newly failing or other changes.
public struct RunDiff: Sendable, Hashable, Codable {
    /// One statement's verdict in both runs; `nil` when the run has no result for it.
    public struct Entry: Sendable, Hashable, Codable {
        public var statementID: String
        public var before: StatementResult?
        public var after: StatementResult?

        public init(statementID: String, before: StatementResult?, after: StatementResult?) {
            self.statementID = statementID
            self.before = before
            self.after = after
        }

        public var beforeVerdict: Verdict? { before?.verdict }
        public var afterVerdict: Verdict? { after?.verdict }
    }

    public enum Category: String, Sendable, Hashable, Codable, CaseIterable {
        case fixed, newlyFailing, stillOpen, otherChanges, gainedCheckpoints, unchanged

        /// The category of a change from `before` to `after` (`nil`: no result in that run).
        public static func of(before: Verdict?, after: Verdict?) -> Category {
            switch (before, after) {
            case (.fail, .fail): .stillOpen
            case (.fail, .pass), (.error, .pass): .fixed
            case (_, .fail): .newlyFailing
            case (let b, let a) where b == a: .unchanged
            default: .otherChanges
            }
        }
    }

    /// Was fail or error, now passes.
    public var fixed: [Entry]
    /// Fails now and did not fail before (it passed, was pending, could not be checked, or was not there).
    public var newlyFailing: [Entry]
    /// Failed before and still fails.
    public var stillOpen: [Entry]
    /// Any other change of verdict, e.g. pass → error, fail → notApplicable, notAssessed → pass.
    public var otherChanges: [Entry]
    /// Judged whole before, by checkpoints now, with another verdict: the method changed.
    public var gainedCheckpoints: [Entry]
    /// Same verdict in both runs (and not fail).
    public var unchanged: [Entry]

    /// Compares `before` (run A) with `after` (run B). Entries follow `order` (usually the checklist's statement
    /// order); statements not in `order` come after, in `StatementID.areInIncreasingOrder` order.
    public init(before: [StatementResult], after: [StatementResult], order: [String] = []) {
        var beforeByID: [String: StatementResult] = [:]
        for result in before { beforeByID[result.statementID] = result }
        var afterByID: [String: StatementResult] = [:]
        for result in after { afterByID[result.statementID] = result }

        var rank: [String: Int] = [:]
        for (index, id) in order.enumerated() where rank[id] == nil { rank[id] = index }
        let ids = Set(beforeByID.keys).union(afterByID.keys).sorted { lhs, rhs in
            switch (rank[lhs], rank[rhs]) {
            case (let l?, let r?): l < r
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): StatementID.areInIncreasingOrder(lhs, rhs)
            }
        }

        var buckets: [Category: [Entry]] = [:]
        for id in ids {
            let entry = Entry(statementID: id, before: beforeByID[id], after: afterByID[id])
            var category = Category.of(before: entry.beforeVerdict, after: entry.afterVerdict)
            if let before = entry.before, let after = entry.after, before.checkpoints.isEmpty,
                !after.checkpoints.isEmpty, before.verdict != after.verdict
            {
                category = .gainedCheckpoints
            }
            buckets[category, default: []].append(entry)
        }
        fixed = buckets[.fixed] ?? []
        newlyFailing = buckets[.newlyFailing] ?? []
        stillOpen = buckets[.stillOpen] ?? []
        otherChanges = buckets[.otherChanges] ?? []
        gainedCheckpoints = buckets[.gainedCheckpoints] ?? []
        unchanged = buckets[.unchanged] ?? []
    }

    /// The entries of one category.
    public subscript(_ category: Category) -> [Entry] {
        switch category {
        case .fixed: fixed
        case .newlyFailing: newlyFailing
        case .stillOpen: stillOpen
        case .otherChanges: otherChanges
        case .gainedCheckpoints: gainedCheckpoints
        case .unchanged: unchanged
        }
    }

    /// Number of statements compared: the sum of every category.
    public var total: Int { Category.allCases.reduce(0) { $0 + self[$1].count } }
}

/// Ordering of statement ids as people read them: `5.2.10-1` after `5.2.9-1`, `6.1.a` before `6.1.b`.
public enum StatementID {
    /// Compares ids component by component (split at `.` and `-`), numbers by value, letters alphabetically,
    /// a number before a letter, a shorter id before its extensions.
    public static func areInIncreasingOrder(_ lhs: String, _ rhs: String) -> Bool {
        let left = components(lhs)
        let right = components(rhs)
        for (l, r) in zip(left, right) where l != r {
            switch (Int(l), Int(r)) {
            case (let a?, let b?): return a < b
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return l < r
            }
        }
        if left.count != right.count { return left.count < right.count }
        return lhs < rhs
    }

    private static func components(_ id: String) -> [Substring] {
        id.split(whereSeparator: { $0 == "." || $0 == "-" })
    }
}
