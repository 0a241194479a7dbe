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
    /// Why the agent could not be read (timeout, auth failure, …).
    public var error: String?

    public init(agent: String, area: String?, readings: [String: Reading], error: String?) {
        self.agent = agent
        self.area = area
        self.readings = readings
        self.error = error
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
