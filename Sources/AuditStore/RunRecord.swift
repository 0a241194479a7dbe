import AuditModel

/// The life of a run: `running` while a process judges statements, `completed` when it finished,
/// `interrupted` when its process died before finishing (found when the store is next opened).
public enum RunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case running, completed, interrupted
}

/// What the engine knows when it starts a run.
public struct NewRun: Sendable, Hashable {
    /// The mall's name from the site profile.
    public var siteName: String
    /// Lowercase hex SHA-256 of the site profile's bytes.
    public var siteDigest: String?
    /// The checklist the run judges against. Stored with the run (once per distinct checklist), so that later
    /// findings are validated against the same statements the run was judged with.
    public var checklist: Checklist
    /// `mallaudit --version`.
    public var toolVersion: String
    /// Who leads the assessment. Never a secret.
    public var assessor: String?
    /// The mall's address and unified social credit code, from the site profile.
    public var mallAddress: String?
    public var mallCreditCode: String?
    /// The limits, readings, areas and time zone the run is judged with.
    public var settings: AuditSettings?
    /// The judgement date (`--as-of`), `YYYY-MM-DD`.
    public var asOf: String?
    /// The ids the run was restricted to (`--only`), as given; nil for the whole checklist.
    public var scope: [String]?

    public init(
        siteName: String, siteDigest: String?, checklist: Checklist, toolVersion: String, assessor: String?,
        mallAddress: String? = nil, mallCreditCode: String? = nil, settings: AuditSettings? = nil,
        asOf: String? = nil, scope: [String]? = nil
    ) {
        self.scope = scope
        self.settings = settings
        self.asOf = asOf
        self.siteName = siteName
        self.siteDigest = siteDigest
        self.checklist = checklist
        self.toolVersion = toolVersion
        self.assessor = assessor
        self.mallAddress = mallAddress
        self.mallCreditCode = mallCreditCode
    }
}

/// A stored run.
public struct RunRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var siteName: String
    public var siteDigest: String?
    public var checklistVersion: String
    /// Digest of the checklist file, as the loader set it.
    public var checklistDigest: String
    public var toolVersion: String
    /// The SQLite library the run was stored with (`sqlite3_libversion()`).
    public var sqliteVersion: String
    public var assessor: String?
    /// ISO 8601, UTC.
    public var startedAt: String
    /// ISO 8601, UTC; nil while running and for interrupted runs (the last result's `judgedAt` shows when
    /// an interrupted run stopped).
    public var endedAt: String?
    public var status: RunStatus
    /// Set when the run completes; kept up to date when findings are added to a completed run.
    public var conformance: Conformance?
    /// The process that runs (or last ran) it.
    public var owner: RunOwner?
    /// Verdict counts of the results stored so far (statements without a result are not counted here).
    public var counts: [Verdict: Int]
    /// The mall's address and unified social credit code (nil for runs stored before schema v3).
    public var mallAddress: String?
    public var mallCreditCode: String?
    /// What the run was judged with besides the checklist (nil for runs stored before schema v4).
    public var settings: AuditSettings?
    /// The judgement date, `YYYY-MM-DD` (nil for runs stored before schema v4).
    public var asOf: String?
    /// The ids the run was restricted to (`--only`), as given; nil for the whole checklist (and for runs stored
    /// before schema v5).
    public var scope: [String]?

    public init(
        id: Int64, siteName: String, siteDigest: String?, checklistVersion: String, checklistDigest: String,
        toolVersion: String, sqliteVersion: String, assessor: String?, startedAt: String, endedAt: String?,
        status: RunStatus, conformance: Conformance?, owner: RunOwner?, counts: [Verdict: Int],
        mallAddress: String? = nil, mallCreditCode: String? = nil, settings: AuditSettings? = nil, asOf: String? = nil,
        scope: [String]? = nil
    ) {
        self.scope = scope
        self.settings = settings
        self.asOf = asOf
        self.mallAddress = mallAddress
        self.mallCreditCode = mallCreditCode
        self.id = id
        self.siteName = siteName
        self.siteDigest = siteDigest
        self.checklistVersion = checklistVersion
        self.checklistDigest = checklistDigest
        self.toolVersion = toolVersion
        self.sqliteVersion = sqliteVersion
        self.assessor = assessor
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.status = status
        self.conformance = conformance
        self.owner = owner
        self.counts = counts
    }

    /// Number of stored results.
    public var resultCount: Int { counts.values.reduce(0, +) }
}

/// The pieces a statement's result was judged from, kept with it (see `AuditStore.record(_:run:inputs:)`).
public struct JudgementInputs: Sendable, Hashable, Codable {
    /// Evidence from probes and data checks (and facts the site profile declares), each bound to the statement or
    /// one of its checkpoints.
    public var automated: [StatementResult]
    /// Inspectors' findings, at most one per statement or checkpoint.
    public var findings: [StatementResult]

    public init(automated: [StatementResult] = [], findings: [StatementResult] = []) {
        self.automated = automated
        self.findings = findings
    }

    /// Every piece, automated first.
    public var all: [StatementResult] { automated + findings }
}
