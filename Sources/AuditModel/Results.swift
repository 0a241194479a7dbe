/// The result of assessing one statement.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    case pass
    case fail
    /// Could not be checked: device unreachable, data missing or unusable.
    case error
    /// Does not apply to this mall, with a recorded justification and who decided it.
    case notApplicable
    /// Manual work pending, or a manual pass without the evidence it needs.
    case notAssessed

    /// Severity for roll-up: the clause takes the worst statement. fail > error > notAssessed > pass > notApplicable.
    public var severity: Int {
        switch self {
        case .fail: 4
        case .error: 3
        case .notAssessed: 2
        case .pass: 1
        case .notApplicable: 0
        }
    }
}

/// Where a statement's result came from.
public enum ResultSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// An active probe of the mall's systems (SNMP, HTTP, TLS).
    case probe
    /// A measured check over exported data.
    case data
    /// An inspector's finding.
    case manual
    /// A recorded not-applicable decision from the site profile.
    case decision
    /// Nothing assessed it.
    case none
}

/// A measured value against the standard's threshold, kept so that a reader sees how far from the line it is.
public struct Measurement: Sendable, Hashable, Codable {
    public var value: Double
    public var threshold: Threshold?
    public var unit: String
    /// Number of records, respondents, days or merchants the value was computed from.
    public var sample: Int?
    /// Signed distance from the threshold, positive on the passing side.
    public var margin: Double?

    public init(value: Double, threshold: Threshold?, unit: String, sample: Int?) {
        self.value = value
        self.threshold = threshold
        self.unit = unit
        self.sample = sample
        self.margin = threshold.map { $0.margin(of: value) }
    }
}

/// A file that backs a result, identified by content.
public struct EvidenceRef: Sendable, Hashable, Codable {
    public var name: String
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256: String
    public var size: Int64
    public var collectedBy: String?
    public var collectedAt: String?
    /// What the file shows.
    public var description: String?

    public init(
        name: String, sha256: String, size: Int64, collectedBy: String? = nil, collectedAt: String? = nil,
        description: String? = nil
    ) {
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.collectedBy = collectedBy
        self.collectedAt = collectedAt
        self.description = description
    }
}

/// A not-applicable decision: never silent, always justified and attributed.
public struct NotApplicableDecision: Sendable, Hashable, Codable {
    public var statementID: String
    public var justification: String
    public var decidedBy: String
    public var decidedAt: String?

    public init(statementID: String, justification: String, decidedBy: String, decidedAt: String? = nil) {
        self.statementID = statementID
        self.justification = justification
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

/// One observed value, as a probe or check saw it (`ifOperStatus.3 = up`, `HTTP status = 302`).
public struct Observation: Sendable, Hashable, Codable {
    public var name: String
    /// The value as text; a list (`items`) joined with `, `, as the XML and JSON reports show it.
    public var value: String
    /// The values one by one when the observation is a list (a JSON path that selects several values), so that a
    /// report can list them the way its language does (`a、b、c`); nil for a single value.
    public var items: [String]?

    public init(name: String, value: String, items: [String]? = nil) {
        self.name = name
        self.value = value
        self.items = items
    }

    /// A list of values observed under one name: `value` is them joined with `, `.
    public static func list(name: String, values: [String]) -> Observation {
        Observation(name: name, value: values.joined(separator: ", "), items: values.count == 1 ? nil : values)
    }
}

/// One area's outcome for an obligation that must hold in every area the site profile declares (5.2.2 各区域).
public struct AreaResult: Sendable, Hashable, Codable {
    public var area: String
    public var verdict: Verdict
    public var reason: String

    public init(area: String, verdict: Verdict, reason: String) {
        self.area = area
        self.verdict = verdict
        self.reason = reason
    }
}

/// The judged outcome of one checkpoint of a statement (`5.1.2-2/realName`).
public struct CheckpointResult: Sendable, Hashable, Codable {
    /// The full checkpoint id.
    public var checkpointID: String
    public var verdict: Verdict
    public var source: ResultSource
    /// Probe, check or assessor that decided it.
    public var producer: String?
    public var reason: String
    public var evidence: [EvidenceRef]
    /// Per area, when the checkpoint must hold in every area.
    public var areas: [AreaResult]

    public init(
        checkpointID: String, verdict: Verdict, source: ResultSource, producer: String? = nil, reason: String,
        evidence: [EvidenceRef] = [], areas: [AreaResult] = []
    ) {
        self.checkpointID = checkpointID
        self.verdict = verdict
        self.source = source
        self.producer = producer
        self.reason = reason
        self.evidence = evidence
        self.areas = areas
    }

    private enum CodingKeys: String, CodingKey {
        case checkpointID, verdict, source, producer, reason, evidence, areas
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        checkpointID = try container.decode(String.self, forKey: .checkpointID)
        verdict = try container.decode(Verdict.self, forKey: .verdict)
        source = try container.decode(ResultSource.self, forKey: .source)
        producer = try container.decodeIfPresent(String.self, forKey: .producer)
        reason = try container.decode(String.self, forKey: .reason)
        evidence = try container.decodeIfPresent([EvidenceRef].self, forKey: .evidence) ?? []
        areas = try container.decodeIfPresent([AreaResult].self, forKey: .areas) ?? []
    }
}

/// The result for one statement in one run — or, before judgement, one piece of evidence about it (a probe's,
/// a data check's or an inspector's), bound to the whole statement or to one of its checkpoints.
public struct StatementResult: Sendable, Hashable, Codable {
    public var statementID: String
    public var verdict: Verdict
    public var source: ResultSource
    /// Probe or check name that produced it (`machine-room-water-leak`, `wifi-logs`), or the assessor.
    public var producer: String?
    public var measurement: Measurement?
    /// Why this verdict, in words an inspector can repeat.
    public var reason: String
    public var observations: [Observation]
    public var evidence: [EvidenceRef]
    public var notApplicable: NotApplicableDecision?
    /// ISO 8601 time the verdict was judged.
    public var judgedAt: String?
    /// For a piece of evidence: the checkpoint it is about (`5.1.2-2/realName`); nil = the whole statement.
    public var checkpointID: String?
    /// For a judged result of a statement with checkpoints: each checkpoint's verdict, in checklist order.
    public var checkpoints: [CheckpointResult]
    /// Per area: for evidence, what it saw in each area; for a judged area-wide statement, each area's verdict.
    public var areas: [AreaResult]
    /// For a piece of evidence: false when it can fail its target but cannot pass it alone (a TLS check says a
    /// transport is secure, not that member data is kept secure): its pass is shown, never counted as a pass.
    public var conclusive: Bool

    public init(
        statementID: String, verdict: Verdict, source: ResultSource, producer: String? = nil,
        measurement: Measurement? = nil, reason: String, observations: [Observation] = [],
        evidence: [EvidenceRef] = [], notApplicable: NotApplicableDecision? = nil, judgedAt: String? = nil,
        checkpointID: String? = nil, checkpoints: [CheckpointResult] = [], areas: [AreaResult] = [],
        conclusive: Bool = true
    ) {
        self.conclusive = conclusive
        self.statementID = statementID
        self.verdict = verdict
        self.source = source
        self.producer = producer
        self.measurement = measurement
        self.reason = reason
        self.observations = observations
        self.evidence = evidence
        self.notApplicable = notApplicable
        self.judgedAt = judgedAt
        self.checkpointID = checkpointID
        self.checkpoints = checkpoints
        self.areas = areas
    }

    private enum CodingKeys: String, CodingKey {
        case statementID, verdict, source, producer, measurement, reason, observations, evidence, notApplicable
        case judgedAt, checkpointID, checkpoints, areas, conclusive
    }

    /// Decodes results stored before checkpoints and areas existed as well as new ones.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        statementID = try container.decode(String.self, forKey: .statementID)
        verdict = try container.decode(Verdict.self, forKey: .verdict)
        source = try container.decode(ResultSource.self, forKey: .source)
        producer = try container.decodeIfPresent(String.self, forKey: .producer)
        measurement = try container.decodeIfPresent(Measurement.self, forKey: .measurement)
        reason = try container.decode(String.self, forKey: .reason)
        observations = try container.decodeIfPresent([Observation].self, forKey: .observations) ?? []
        evidence = try container.decodeIfPresent([EvidenceRef].self, forKey: .evidence) ?? []
        notApplicable = try container.decodeIfPresent(NotApplicableDecision.self, forKey: .notApplicable)
        judgedAt = try container.decodeIfPresent(String.self, forKey: .judgedAt)
        checkpointID = try container.decodeIfPresent(String.self, forKey: .checkpointID)
        checkpoints = try container.decodeIfPresent([CheckpointResult].self, forKey: .checkpoints) ?? []
        areas = try container.decodeIfPresent([AreaResult].self, forKey: .areas) ?? []
        conclusive = try container.decodeIfPresent(Bool.self, forKey: .conclusive) ?? true
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(statementID, forKey: .statementID)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(source, forKey: .source)
        try container.encodeIfPresent(producer, forKey: .producer)
        try container.encodeIfPresent(measurement, forKey: .measurement)
        try container.encode(reason, forKey: .reason)
        try container.encode(observations, forKey: .observations)
        try container.encode(evidence, forKey: .evidence)
        try container.encodeIfPresent(notApplicable, forKey: .notApplicable)
        try container.encodeIfPresent(judgedAt, forKey: .judgedAt)
        try container.encodeIfPresent(checkpointID, forKey: .checkpointID)
        if !checkpoints.isEmpty { try container.encode(checkpoints, forKey: .checkpoints) }
        if !areas.isEmpty { try container.encode(areas, forKey: .areas) }
        if !conclusive { try container.encode(conclusive, forKey: .conclusive) }
    }

    /// The target this piece of evidence binds to: its checkpoint id, else its statement id.
    public var target: String { checkpointID ?? statementID }
}
