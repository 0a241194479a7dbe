/// Why an SNMP exchange with an agent gave no usable answer. A value, not a crash: probes turn it into an
/// `error` verdict with `description` as the reason. No case carries a community or passphrase.
public enum SNMPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why a v3 agent refused the request (its REPORT PDU, RFC 3414 usmStats counters).
    public enum AuthenticationFailure: String, Sendable, Hashable {
        /// usmStatsWrongDigests: wrong authentication passphrase or protocol.
        case wrongDigest
        /// usmStatsUnknownUserNames.
        case unknownUser
        /// usmStatsUnsupportedSecLevels: the user does not allow this security level.
        case unsupportedSecurityLevel
        /// usmStatsDecryptionErrors: wrong privacy passphrase or protocol.
        case decryptionError
        /// usmStatsNotInTimeWindows, still after the library's resynchronisation.
        case notInTimeWindow
        /// usmStatsUnknownEngineIDs, still after discovery.
        case unknownEngineID
        /// Some other security-module failure.
        case other

        var explanation: String {
            switch self {
            case .wrongDigest: "wrong authentication passphrase or protocol (usmStatsWrongDigests)"
            case .unknownUser: "unknown user name (usmStatsUnknownUserNames)"
            case .unsupportedSecurityLevel: "security level not allowed for this user (usmStatsUnsupportedSecLevels)"
            case .decryptionError: "wrong privacy passphrase or protocol (usmStatsDecryptionErrors)"
            case .notInTimeWindow: "not in time window (usmStatsNotInTimeWindows)"
            case .unknownEngineID: "unknown engine ID (usmStatsUnknownEngineIDs)"
            case .other: "security error"
            }
        }
    }

    /// No answer after every attempt. v1/v2c agents silently drop a request with a wrong community, so for them
    /// this means "wrong community or agent down"; a v3 agent also stays silent when it cannot decrypt.
    case timeout(agent: String, version: SNMPAgent.Version, seconds: Double, attempts: Int)
    /// The request could not be sent (unknown host, no route, socket error).
    case sendFailed(agent: String, message: String)
    /// A v3 agent answered with a REPORT refusing the request.
    case authenticationFailure(agent: String, reason: AuthenticationFailure)
    /// The agent answered with a non-zero error-status (`genErr`, `tooBig`, `authorizationError` …).
    case agentError(agent: String, status: Int, statusName: String, index: Int, oid: SNMPObjectID?)
    /// The answer could not be used (wrong varbinds, OIDs not increasing in a walk, an unknown value encoding).
    case decodeError(agent: String, message: String)
    /// The agent settings cannot work (bad address, missing credentials, short passphrase); nothing was sent.
    case invalidConfiguration(agent: String, message: String)

    /// A short stable code: `timeout`, `send-failed`, `auth-failure`, `agent-error`, `decode-error`, `configuration`.
    public var code: String {
        switch self {
        case .timeout: "timeout"
        case .sendFailed: "send-failed"
        case .authenticationFailure: "auth-failure"
        case .agentError: "agent-error"
        case .decodeError: "decode-error"
        case .invalidConfiguration: "configuration"
        }
    }

    /// The agent the error is about (its label).
    public var agent: String {
        switch self {
        case let .timeout(agent, _, _, _), let .sendFailed(agent, _), let .authenticationFailure(agent, _),
            let .agentError(agent, _, _, _, _), let .decodeError(agent, _), let .invalidConfiguration(agent, _):
            agent
        }
    }

    public var description: String {
        switch self {
        case let .timeout(agent, version, seconds, attempts):
            let wait = "\(attempts) attempt\(attempts == 1 ? "" : "s") of \(Self.seconds(seconds))"
            switch version {
            case .v1, .v2c:
                return "no response from \(agent) after \(wait) — wrong community or agent down"
            case .v3:
                return "no response from \(agent) after \(wait) — agent down or unreachable, "
                    + "or wrong SNMPv3 privacy passphrase/protocol"
            }
        case let .sendFailed(agent, message):
            return "cannot send to \(agent): \(message)"
        case let .authenticationFailure(agent, reason):
            return "SNMPv3 authentication failure at \(agent): \(reason.explanation)"
        case let .agentError(agent, status, name, index, oid):
            var text = "\(agent) answered with error-status \(name) (\(status))"
            if index > 0 { text += " at varbind \(index)" }
            if let oid { text += " (\(oid))" }
            return text
        case let .decodeError(agent, message):
            return "unusable answer from \(agent): \(message)"
        case let .invalidConfiguration(agent, message):
            return "cannot query \(agent): \(message)"
        }
    }

    private static func seconds(_ value: Double) -> String {
        if value == value.rounded(), value < 1e9 { return "\(Int(value)) s" }
        return "\(value) s"
    }
}
