/// The standard encoded as data: clauses, their statements and what each statement asks for.
///
/// Ids follow `spec/clauses.md`: a clause id is `5.1.2`, `6.1`, `7.4.10`; a statement id
/// is the clause id followed by `-N` for the N-th obligation of the paragraph (`5.1.1-1`,
/// `5.1.1-2`), or by `.x` for list item x) of the paragraph (`6.1.d`, `5.2.3.a`).
public struct Checklist: Sendable, Hashable, Codable {
    /// Version of the encoding (not of the standard), e.g. `1.0.0`.
    public var version: String
    /// The standard's title, `商场数字化服务规范`.
    public var standardTitleZH: String
    public var standardTitleEN: String
    /// Lowercase hex SHA-256 of the checklist file's bytes, set by the loader.
    public var digest: String
    public var chapters: [Chapter]

    public init(version: String, standardTitleZH: String, standardTitleEN: String, digest: String, chapters: [Chapter]) {
        self.version = version
        self.standardTitleZH = standardTitleZH
        self.standardTitleEN = standardTitleEN
        self.digest = digest
        self.chapters = chapters
    }

    /// Every clause, in document order.
    public var clauses: [Clause] { chapters.flatMap(\.clauses) }

    /// Every statement, in document order.
    public var statements: [Statement] { clauses.flatMap(\.statements) }

    /// The clause with this id, if any. Walks the chapters without copying them (called once per recorded result).
    public func clause(_ id: String) -> Clause? {
        for chapter in chapters {
            if let clause = chapter.clauses.first(where: { $0.id == id }) { return clause }
        }
        return nil
    }

    /// What evidence may bind to: a statement id (`5.1.2-2`) or a checkpoint id (`5.1.2-2/realName`). Nil when the
    /// statement or its checkpoint does not exist.
    public func target(_ id: String) -> (statement: Statement, checkpoint: Checkpoint?)? {
        let parts = Checkpoint.split(id)
        guard let statement = statement(parts.statement) else { return nil }
        guard let name = parts.checkpoint else { return (statement, nil) }
        guard let checkpoint = statement.checkpoints.first(where: { $0.name == name }) else { return nil }
        return (statement, checkpoint)
    }

    /// The statement with this id, if any. Walks the clauses without copying them (called once per recorded
    /// result, so a copy of every statement here made recording a 10,000-statement run quadratic).
    public func statement(_ id: String) -> Statement? {
        for chapter in chapters {
            for clause in chapter.clauses {
                if let statement = clause.statements.first(where: { $0.id == id }) { return statement }
            }
        }
        return nil
    }
}

/// A chapter of requirements (5 基础要求 … 8 服务监督与评价).
public struct Chapter: Sendable, Hashable, Codable {
    public var number: Int
    public var title: LocalizedText
    public var clauses: [Clause]

    public init(number: Int, title: LocalizedText, clauses: [Clause]) {
        self.number = number
        self.title = title
        self.clauses = clauses
    }
}

/// Text in the standard's language and its English translation.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    /// The text in the requested language.
    public func text(_ language: Language) -> String { language == .zh ? zh : en }
}

/// Report and display languages. Chinese first: it is the standard's language.
public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
    case zh, en
}

/// One numbered clause (a paragraph, or a one-paragraph subclause) of chapters 5–8.
public struct Clause: Sendable, Hashable, Codable, Identifiable {
    /// `5.1.2`, `6.1`, …
    public var id: String
    public var chapter: Int
    /// Title of the enclosing section when the clause sits one level deeper (5.2 设备设施 for 5.2.5).
    public var section: LocalizedText?
    /// The subclause title (网络通信, 核心机房, …).
    public var title: LocalizedText
    /// The paragraph verbatim (Chinese, bookmark markers removed) and translated.
    public var text: LocalizedText
    /// Remarks on the encoding, e.g. the 7.6.3/7.6.4 duplication.
    public var notes: [LocalizedText]
    public var statements: [Statement]

    public init(
        id: String, chapter: Int, section: LocalizedText? = nil, title: LocalizedText, text: LocalizedText,
        notes: [LocalizedText] = [], statements: [Statement]
    ) {
        self.id = id
        self.chapter = chapter
        self.section = section
        self.title = title
        self.text = text
        self.notes = notes
        self.statements = statements
    }
}

/// The verbal form of a statement (GB/T 1.1—2020, annex on verbal forms).
public enum Modality: String, Sendable, Hashable, Codable, CaseIterable {
    /// 应 — requirement.
    case shall
    /// 严禁 / 不应 — requirement (prohibition).
    case shallNot
    /// 宜 — recommendation.
    case should
    /// 可 — permission.
    case may

    /// Requirements decide conformance; recommendations and permissions do not.
    public var isRequirement: Bool { self == .shall || self == .shallNot }

    /// The Chinese modal words that express this modality in the standard.
    public var chineseWords: [String] {
        switch self {
        case .shall: ["应"]
        case .shallNot: ["严禁", "不应"]
        case .should: ["宜"]
        case .may: ["可"]
        }
    }
}

/// How a statement is assessed.
public enum AssessmentMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Asking the mall's systems (SNMP, HTTP, TLS).
    case probe
    /// Measuring exported data (logs, surveys, complaint records, terminal lists, catalogs).
    case data
    /// Looking on site.
    case inspection
    /// Reading documents (contracts, policies, procedures, records).
    case document
    /// Asking staff.
    case interview

    /// Methods whose manual `pass` must be backed by at least one evidence file.
    public var needsEvidenceForManualPass: Bool { self != .interview }
}

/// A comparison against a measurable parameter of the standard.
public enum Comparison: String, Sendable, Hashable, Codable, CaseIterable {
    case greaterThan = "gt"
    case greaterThanOrEqual = "ge"
    case lessThan = "lt"
    case lessThanOrEqual = "le"
    case equal = "eq"

    /// Whether `value` satisfies the comparison against `limit`.
    public func holds(_ value: Double, _ limit: Double) -> Bool {
        switch self {
        case .greaterThan: value > limit
        case .greaterThanOrEqual: value >= limit
        case .lessThan: value < limit
        case .lessThanOrEqual: value <= limit
        case .equal: value == limit
        }
    }

    /// `>`, `≥`, …
    public var symbol: String {
        switch self {
        case .greaterThan: ">"
        case .greaterThanOrEqual: "≥"
        case .lessThan: "<"
        case .lessThanOrEqual: "≤"
        case .equal: "="
        }
    }
}

/// A measurable parameter of the standard, recorded as data (5.1.2 `> 60 day`, 8.2.1 `≥ 85 %`).
public struct Threshold: Sendable, Hashable, Codable {
    /// Machine name of the quantity, e.g. `logRetention`, `satisfaction`, `replyTime`.
    public var quantity: String
    public var comparison: Comparison
    public var value: Double
    /// Unit as written in reports: `day`, `%`, `workingDay`, `count`.
    public var unit: String

    public init(quantity: String, comparison: Comparison, value: Double, unit: String) {
        self.quantity = quantity
        self.comparison = comparison
        self.value = value
        self.unit = unit
    }

    /// Whether a measured value meets the threshold.
    public func isMet(by measured: Double) -> Bool { comparison.holds(measured, value) }

    /// Signed distance from the line, positive on the passing side.
    public func margin(of measured: Double) -> Double {
        switch comparison {
        case .greaterThan, .greaterThanOrEqual: measured - value
        case .lessThan, .lessThanOrEqual: value - measured
        case .equal: -abs(measured - value)
        }
    }
}

/// Where an obligation must hold: the mall as a whole, every area the site profile declares, or every merchant.
public enum Scope: String, Sendable, Hashable, Codable, CaseIterable {
    /// The mall as a whole (商场应具备…: the mall offers the capability).
    case mall
    /// Every declared area (各区域): each area needs its own passing evidence; an area without any fails.
    case everyArea
    /// Every merchant (全覆盖 over merchants): per-merchant gaps fail it.
    case eachMerchant
}

/// One obligation inside a statement whose words carry several (5.1.2-2: 上网实名认证、上网行为审计、日志留存、
/// 关键词过滤). A statement with checkpoints passes only when every checkpoint has passing evidence.
public struct Checkpoint: Sendable, Hashable, Codable, Identifiable {
    /// The full id, `<statement>/<name>` (`5.1.2-2/realName`).
    public var id: String
    /// The exact words of the standard this checkpoint stands for; they occur in the statement's text.
    public var quote: String
    /// What is checked, in both languages.
    public var text: LocalizedText
    /// How it can be assessed (a subset of the statement's methods).
    public var methods: [AssessmentMethod]
    /// What an inspector should ask for or observe for this checkpoint.
    public var evidence: [LocalizedText]
    public var scope: Scope

    public init(
        id: String, quote: String, text: LocalizedText, methods: [AssessmentMethod], evidence: [LocalizedText] = [],
        scope: Scope = .mall
    ) {
        self.id = id
        self.quote = quote
        self.text = text
        self.methods = methods
        self.evidence = evidence
        self.scope = scope
    }

    /// The statement id part of `id`.
    public var statementID: String { Checkpoint.split(id).statement }
    /// The name part of `id` (`realName`).
    public var name: String { Checkpoint.split(id).checkpoint ?? id }

    /// `5.1.2-2/realName` → (`5.1.2-2`, `realName`); `5.1.2-2` → (`5.1.2-2`, nil).
    public static func split(_ target: String) -> (statement: String, checkpoint: String?) {
        guard let slash = target.firstIndex(of: "/") else { return (target, nil) }
        return (String(target[..<slash]), String(target[target.index(after: slash)...]))
    }

    /// Whether a manual `pass` of this checkpoint needs an evidence file to count.
    public func manualPassNeedsEvidence(modality: Modality) -> Bool {
        modality.isRequirement && methods.contains { $0.needsEvidenceForManualPass }
    }
}

/// One obligation, recommendation or permission of a clause, assessed on its own.
public struct Statement: Sendable, Hashable, Codable, Identifiable {
    /// `5.1.1-1`, `6.1.d`, …
    public var id: String
    public var clauseID: String
    public var modality: Modality
    public var text: LocalizedText
    public var methods: [AssessmentMethod]
    /// What an inspector should ask for or observe.
    public var evidence: [LocalizedText]
    public var threshold: Threshold?
    /// Alternatives the statement lists (5.2.4 a–e): the statement holds when the
    /// mall shows at least `minimumItems` of them.
    public var options: [StatementOption]
    public var minimumOptions: Int
    /// A condition under which the statement applies (5.2.5: 地下二、三层).
    public var condition: LocalizedText?
    /// The obligations its words carry, when more than one; empty for a single obligation.
    public var checkpoints: [Checkpoint]
    /// Where a statement without checkpoints must hold.
    public var scope: Scope

    public init(
        id: String, clauseID: String, modality: Modality, text: LocalizedText, methods: [AssessmentMethod],
        evidence: [LocalizedText] = [], threshold: Threshold? = nil, options: [StatementOption] = [],
        minimumOptions: Int = 0, condition: LocalizedText? = nil, checkpoints: [Checkpoint] = [], scope: Scope = .mall
    ) {
        self.id = id
        self.clauseID = clauseID
        self.modality = modality
        self.text = text
        self.methods = methods
        self.evidence = evidence
        self.threshold = threshold
        self.options = options
        self.minimumOptions = minimumOptions
        self.condition = condition
        self.checkpoints = checkpoints
        self.scope = scope
    }

    private enum CodingKeys: String, CodingKey {
        case id, clauseID, modality, text, methods, evidence, threshold, options, minimumOptions, condition
        case checkpoints, scope
    }

    /// Decodes checklists stored before checkpoints existed (no `checkpoints`, no `scope`) as well as new ones.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        clauseID = try container.decode(String.self, forKey: .clauseID)
        modality = try container.decode(Modality.self, forKey: .modality)
        text = try container.decode(LocalizedText.self, forKey: .text)
        methods = try container.decode([AssessmentMethod].self, forKey: .methods)
        evidence = try container.decodeIfPresent([LocalizedText].self, forKey: .evidence) ?? []
        threshold = try container.decodeIfPresent(Threshold.self, forKey: .threshold)
        options = try container.decodeIfPresent([StatementOption].self, forKey: .options) ?? []
        minimumOptions = try container.decodeIfPresent(Int.self, forKey: .minimumOptions) ?? 0
        condition = try container.decodeIfPresent(LocalizedText.self, forKey: .condition)
        checkpoints = try container.decodeIfPresent([Checkpoint].self, forKey: .checkpoints) ?? []
        scope = try container.decodeIfPresent(Scope.self, forKey: .scope) ?? .mall
    }

    /// The checkpoint with this full id (`5.1.2-2/realName`) or name (`realName`), if any.
    public func checkpoint(_ idOrName: String) -> Checkpoint? {
        checkpoints.first { $0.id == idOrName || $0.name == idOrName }
    }

    /// Whether a manual `pass` of this statement needs an evidence file to count.
    public var manualPassNeedsEvidence: Bool {
        modality.isRequirement && methods.contains { $0.needsEvidenceForManualPass }
    }
}

/// One alternative listed under a statement (5.2.4 a) 公有云 … e) 租赁数据中心机房).
public struct StatementOption: Sendable, Hashable, Codable, Identifiable {
    /// `5.2.4.a`, …
    public var id: String
    public var text: LocalizedText

    public init(id: String, text: LocalizedText) {
        self.id = id
        self.text = text
    }
}
