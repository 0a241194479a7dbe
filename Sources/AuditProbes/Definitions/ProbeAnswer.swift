import AuditModel
import Foundation

/// What a probe got back, independent of the transport that fetched it, so judging is a pure function.
public enum ProbeAnswer: Sendable {
    case http(HTTPAnswer)
    case tls(TLSAnswer)
    /// Per agent (by profile name): the named values read, or the transport error.
    case snmp([SNMPAgentAnswer])
    /// The transport failed before any answer: unreachable, timeout, refused, auth failure.
    case failure(String)
}

public struct HTTPAnswer: Sendable {
    public var url: String
    public var status: Int
    /// Header names lower-cased; values as received (several values joined by ", ").
    public var headers: [String: String]
    public var body: Data
    /// `Location` of a recorded (not followed) redirect.
    public var redirectLocation: String?

    public init(url: String, status: Int, headers: [String: String], body: Data, redirectLocation: String? = nil) {
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
        self.redirectLocation = redirectLocation
    }
}

public struct TLSAnswer: Sendable {
    public var url: String
    /// `TLSv1.3`, `TLSv1.2`, …
    public var protocolVersion: String?
    public var certificateSubject: String?
    public var certificateNotAfter: Date?
    public var certificateNotBefore: Date?
    /// Whether the chain verified against the trusted CAs.
    public var verified: Bool
    public var verificationError: String?

    public init(
        url: String, protocolVersion: String?, certificateSubject: String?, certificateNotBefore: Date?,
        certificateNotAfter: Date?, verified: Bool, verificationError: String?
    ) {
        self.url = url
        self.protocolVersion = protocolVersion
        self.certificateSubject = certificateSubject
        self.certificateNotBefore = certificateNotBefore
        self.certificateNotAfter = certificateNotAfter
        self.verified = verified
        self.verificationError = verificationError
    }
}

public struct SNMPAgentAnswer: Sendable {
    public enum Reading: Sendable, Hashable {
        /// The value as text (`0`, `"dry"`), and as a number when it is one.
        case value(text: String, number: Double?)
        /// noSuchObject / noSuchInstance / endOfMibView: the sensor is not there.
        case absent(String)
    }

    public var agent: String
    public var area: String?
    /// Value name → reading; empty when `error` is set.
    public var readings: [String: Reading]
    /// Table name → what the walks of its columns found; empty when `error` is set.
    public var tables: [String: SNMPTableAnswer]
    /// The agent's sysUpTime.0 in hundredths of a second, when a TimeStamp column needs it.
    public var uptime: Reading?
    /// Why the agent could not be read (timeout, auth failure, …).
    public var error: String?

    public init(
        agent: String, area: String?, readings: [String: Reading], tables: [String: SNMPTableAnswer] = [:],
        uptime: Reading? = nil, error: String?
    ) {
        self.agent = agent
        self.area = area
        self.readings = readings
        self.tables = tables
        self.uptime = uptime
        self.error = error
    }
}

/// The rows an agent served for one `SNMPTableSpec`: every column walked (GETBULK), cells joined by the index after
/// the column's OID.
public struct SNMPTableAnswer: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        /// The OID arcs after the column's OID: `11043` for an ifIndex, `1.4` for a two-part index.
        public var index: String
        /// Column name → cell (a column the agent has no cell of in this row is missing).
        public var cells: [String: SNMPAgentAnswer.Reading]

        public init(index: String, cells: [String: SNMPAgentAnswer.Reading]) {
            self.index = index
            self.cells = cells
        }
    }

    /// Rows in index order (numeric arc by arc).
    public var rows: [Row]
    /// Columns whose walk found nothing at all (noSuchObject at the column): the agent does not serve that part of
    /// the MIB, so nothing about it can be judged (an `error`, never a pass or a fail).
    public var emptyColumns: [String]

    public init(rows: [Row], emptyColumns: [String]) {
        self.rows = rows
        self.emptyColumns = emptyColumns
    }

    /// Builds the table from each column's walk (the varbinds under the column's OID; exceptions and OIDs outside
    /// the column are dropped).
    public static func assemble(_ spec: SNMPTableSpec, walks: [String: [(oid: [UInt32], reading: SNMPAgentAnswer.Reading)]])
        -> SNMPTableAnswer
    {
        var cells: [[UInt32]: [String: SNMPAgentAnswer.Reading]] = [:]
        var empty: [String] = []
        for column in spec.columns {
            let prefix = column.oid.split(separator: ".").compactMap { UInt32($0) }
            var found = false
            for (oid, reading) in walks[column.name] ?? [] {
                guard oid.count > prefix.count, Array(oid.prefix(prefix.count)) == prefix else { continue }
                if case .absent = reading { continue }
                found = true
                cells[Array(oid.dropFirst(prefix.count)), default: [:]][column.name] = reading
            }
            if !found { empty.append(column.name) }
        }
        let rows = cells.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { index in
            Row(index: index.map(String.init).joined(separator: "."), cells: cells[index]!)
        }
        return SNMPTableAnswer(rows: rows, emptyColumns: empty)
    }
}

/// The judged outcome of one probe: applies to every statement it is bound to.
public struct ProbeOutcome: Sendable {
    public var probe: ProbeDefinition
    public var verdict: Verdict
    public var reason: String
    public var observations: [Observation]
    public var measurement: AuditModel.Measurement?
    /// What the probe saw in each area (SNMP agents with an `area`, an HTTP list covering the profile's areas).
    public var areas: [AreaResult]

    public init(
        probe: ProbeDefinition, verdict: Verdict, reason: String, observations: [Observation],
        measurement: AuditModel.Measurement? = nil, areas: [AreaResult] = []
    ) {
        self.probe = probe
        self.verdict = verdict
        self.reason = reason
        self.observations = observations
        self.measurement = measurement
        self.areas = areas
    }

    /// One result per bound statement or checkpoint (`5.1.2-2/realName` gives a result for 5.1.2-2 bound to
    /// that checkpoint).
    public func statementResults(judgedAt: String?) -> [StatementResult] {
        let source: ResultSource
        if case .check = probe.request { source = .data } else { source = .probe }
        return probe.statements.map { target in
            let parts = Checkpoint.split(target)
            return StatementResult(
                statementID: parts.statement, verdict: verdict, source: source, producer: probe.id,
                measurement: measurement, reason: reason, observations: observations, judgedAt: judgedAt,
                checkpointID: parts.checkpoint == nil ? nil : target, areas: areas, conclusive: probe.conclusive)
        }
    }
}
