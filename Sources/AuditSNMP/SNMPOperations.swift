import CNetSNMP
import CNetSNMPShim
import Foundation

/// What one exchange with one agent cost: how many PDUs went out, how many came back, how many requests got no
/// answer at all. A dead agent shows `timeouts == 1` however many OIDs were asked.
public struct SNMPExchangeStatistics: Sendable, Hashable {
    /// Request PDUs sent (first attempts; retransmissions are counted apart).
    public var requests: Int = 0
    /// Retransmissions of unanswered requests (the agent's `retries`).
    public var retransmissions: Int = 0
    /// Response PDUs received (including v3 REPORTs).
    public var responses: Int = 0
    /// Requests that got no answer after every attempt.
    public var timeouts: Int = 0
    /// From the session's opening to the result.
    public var elapsed: Duration = .zero

    public init() {}
}

/// The result of one agent's exchange and what it cost.
typealias SNMPCompletion = @Sendable (Result<[SNMPVarBind], SNMPError>, SNMPExchangeStatistics) -> Void

/// One exchange with one agent (a batched GET, a walk), driven by the event loop.
///
/// Thread confinement: built on the caller's thread, then touched only by the event-loop thread once submitted
/// (hence `@unchecked Sendable`). Subclasses implement `begin` and `handleResponse`.
class SNMPOperation: @unchecked Sendable {
    let agent: SNMPAgent
    private let completion: SNMPCompletion
    private(set) var session: SNMPSession?
    private(set) var isFinished = false
    var statistics = SNMPExchangeStatistics()
    /// Requests sent and not yet answered, by request id.
    var outstanding: Set<Int32> = []
    private var startedAt: ContinuousClock.Instant?
    private var securityErrorSeen = false

    init(agent: SNMPAgent, completion: @escaping SNMPCompletion) {
        self.agent = agent
        self.completion = completion
    }

    /// Opens the session and sends the first request(s).
    final func start() {
        startedAt = ContinuousClock.now
        do {
            let session = try SNMPSession(agent: agent)
            self.session = session
            if session.socket >= FD_SETSIZE {
                finish(
                    .failure(
                        .sendFailed(
                            agent: agent.label,
                            message: "too many open descriptors for select() (socket \(session.socket))")))
                return
            }
        } catch {
            finish(.failure(error))
            return
        }
        begin()
    }

    /// Sends the first request(s). Subclasses override.
    func begin() { finish(.success([])) }

    /// Handles the answer to one of `outstanding` (already removed from it). Subclasses override.
    func handleResponse(_ event: SNMPSessionEvent) {}

    /// Sends a request and records it; on failure finishes the operation and returns nil.
    @discardableResult
    final func send(command: Int32, oids: [SNMPObjectID], maxRepetitions: Int = 0) -> Int32? {
        guard let session, !isFinished else { return nil }
        switch session.send(command: command, oids: oids, maxRepetitions: maxRepetitions) {
        case let .success(id):
            outstanding.insert(id)
            statistics.requests += 1
            return id
        case let .failure(error):
            finish(.failure(error))
            return nil
        }
    }

    /// Handles everything the session's callback queued since the last pass.
    final func drain() {
        while !isFinished, let event = session?.nextEvent() {
            process(event)
        }
        if !isFinished, securityErrorSeen {
            finish(.failure(.authenticationFailure(agent: agent.label, reason: .other)))
        }
    }

    private func process(_ event: SNMPSessionEvent) {
        switch event.operation {
        case .resend:
            statistics.retransmissions += 1
        case .timedOut:
            guard outstanding.remove(event.requestID) != nil else { return }
            statistics.timeouts += 1
            finish(
                .failure(
                    .timeout(
                        agent: agent.label, version: agent.version, seconds: agent.timeout,
                        attempts: agent.retries + 1)))
        case .sendFailed:
            guard outstanding.remove(event.requestID) != nil else { return }
            finish(.failure(.sendFailed(agent: agent.label, message: "the transport could not send the request")))
        case .securityError:
            // A REPORT explaining it usually follows in the same pass; `drain` falls back to a generic failure.
            securityErrorSeen = true
        case .received:
            if event.isReport {
                statistics.responses += 1
                finish(.failure(.authenticationFailure(agent: agent.label, reason: Self.classify(event))))
                return
            }
            guard outstanding.remove(event.requestID) != nil else { return }
            statistics.responses += 1
            handleResponse(event)
        case .other:
            break
        }
    }

    /// The usmStats counter a REPORT carries (RFC 3414 §5), else the library's report type.
    static func classify(_ event: SNMPSessionEvent) -> SNMPError.AuthenticationFailure {
        let usmStats = SNMPObjectID([1, 3, 6, 1, 6, 3, 15, 1, 1])
        if case let .success(varbinds) = event.varbinds, let first = varbinds.first, usmStats.contains(first.oid),
            first.oid.components.count > usmStats.components.count
        {
            switch first.oid.components[usmStats.components.count] {
            case 1: return .unsupportedSecurityLevel
            case 2: return .notInTimeWindow
            case 3: return .unknownUser
            case 4: return .unknownEngineID
            case 5: return .wrongDigest
            case 6: return .decryptionError
            default: break
            }
        }
        switch event.reportError {
        case SNMPERR_AUTHENTICATION_FAILURE: return .wrongDigest
        case SNMPERR_UNKNOWN_USER_NAME: return .unknownUser
        case SNMPERR_UNSUPPORTED_SEC_LEVEL: return .unsupportedSecurityLevel
        case SNMPERR_DECRYPTION_ERR: return .decryptionError
        case SNMPERR_NOT_IN_TIME_WINDOW: return .notInTimeWindow
        case SNMPERR_UNKNOWN_ENG_ID: return .unknownEngineID
        default: return .other
        }
    }

    /// Delivers the result once and closes the session.
    final func finish(_ result: Result<[SNMPVarBind], SNMPError>) {
        guard !isFinished else { return }
        isFinished = true
        if let startedAt { statistics.elapsed = ContinuousClock.now - startedAt }
        session = nil
        outstanding.removeAll()
        completion(result, statistics)
    }

    /// `genErr (5)` style name for an error-status.
    func agentError(_ event: SNMPSessionEvent, oids: [SNMPObjectID]) -> SNMPError {
        let name = Self.statusName(event.errorStatus)
        let oid = oids.indices.contains(event.errorIndex - 1) ? oids[event.errorIndex - 1] : nil
        return .agentError(
            agent: agent.label, status: event.errorStatus, statusName: name, index: event.errorIndex, oid: oid)
    }

    static func statusName(_ status: Int) -> String {
        let names = [
            "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType",
            "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue", "resourceUnavailable",
            "commitFailed", "undoFailed", "authorizationError", "notWritable", "inconsistentName",
        ]
        return names.indices.contains(status) ? names[status] : "error \(status)"
    }
}

/// A GET (or GETNEXT) of many OIDs from one agent, split into PDUs of at most `maxPerPDU` varbinds.
///
/// The first PDU goes alone; only once the agent has answered are up to `pipelineDepth` PDUs kept in flight. So a
/// dead agent costs exactly one timeout, however many OIDs were asked. A `tooBig` answer splits the PDU in two;
/// a v1 `noSuchName` marks that OID `noSuchObject` (`endOfMibView` for GETNEXT) and asks again for the rest.
final class SNMPGetOperation: SNMPOperation, @unchecked Sendable {
    private let command: Int32
    private let oids: [SNMPObjectID]
    private let pipelineDepth: Int
    private var queue: [[Int]]
    private var inFlight: [Int32: [Int]] = [:]
    private var answers: [SNMPVarBind?]
    private var agentAnswered = false

    init(
        agent: SNMPAgent, oids: [SNMPObjectID], next: Bool, maxPerPDU: Int, pipelineDepth: Int,
        completion: @escaping SNMPCompletion
    ) {
        self.command = next ? cnetsnmpshim_msg_getnext : cnetsnmpshim_msg_get
        self.oids = oids
        self.pipelineDepth = max(1, pipelineDepth)
        let size = max(1, maxPerPDU)
        self.queue = stride(from: 0, to: oids.count, by: size).map { Array($0..<min($0 + size, oids.count)) }
        self.answers = Array(repeating: nil, count: oids.count)
        super.init(agent: agent, completion: completion)
    }

    override func begin() { pump() }

    private func pump() {
        let limit = agentAnswered ? pipelineDepth : 1
        while !isFinished, inFlight.count < limit, !queue.isEmpty {
            let chunk = queue.removeFirst()
            guard let id = send(command: command, oids: chunk.map { oids[$0] }) else { return }
            inFlight[id] = chunk
        }
        if !isFinished, inFlight.isEmpty, queue.isEmpty {
            finish(.success(answers.compactMap { $0 }))
        }
    }

    override func handleResponse(_ event: SNMPSessionEvent) {
        guard let chunk = inFlight.removeValue(forKey: event.requestID) else { return }
        agentAnswered = true
        let asked = chunk.map { oids[$0] }
        let varbinds: [SNMPVarBind]
        switch event.varbinds {
        case let .success(list): varbinds = list
        case let .failure(failure):
            finish(.failure(.decodeError(agent: agent.label, message: failure.message)))
            return
        }
        switch event.errorStatus {
        case 0:
            guard varbinds.count == chunk.count else {
                finish(
                    .failure(
                        .decodeError(
                            agent: agent.label,
                            message: "asked for \(chunk.count) OIDs, the answer has \(varbinds.count)")))
                return
            }
            for (position, index) in chunk.enumerated() {
                let varbind = varbinds[position]
                if command == cnetsnmpshim_msg_get, varbind.oid != oids[index] {
                    finish(
                        .failure(
                            .decodeError(
                                agent: agent.label,
                                message: "asked for \(oids[index]), the answer is for \(varbind.oid)")
                        ))
                    return
                }
                answers[index] = varbind
            }
        case 1 where chunk.count > 1:  // tooBig: ask in two halves
            let half = chunk.count / 2
            queue.insert(Array(chunk[half...]), at: 0)
            queue.insert(Array(chunk[..<half]), at: 0)
        case 2 where agent.version == .v1 && (1...chunk.count).contains(event.errorIndex):
            // v1 noSuchName: that OID has no value (or nothing follows it); ask again for the others.
            let failed = chunk[event.errorIndex - 1]
            answers[failed] = SNMPVarBind(
                oid: oids[failed], value: command == cnetsnmpshim_msg_get ? .noSuchObject : .endOfMibView)
            var rest = chunk
            rest.remove(at: event.errorIndex - 1)
            if !rest.isEmpty { queue.insert(rest, at: 0) }
        default:
            finish(.failure(agentError(event, oids: asked)))
            return
        }
        pump()
    }
}

/// A walk of the subtree under `root`, as `snmpbulkwalk` does it: GETBULK (GETNEXT for v1) from the root, every
/// varbind inside the subtree kept (an exception value is kept and ends the walk), stop at the first OID outside
/// it; an OID that does not increase is an error; when nothing at all was found, a GET of the root itself.
final class SNMPWalkOperation: SNMPOperation, @unchecked Sendable {
    private let root: SNMPObjectID
    private var cursor: SNMPObjectID
    private var maxRepetitions: Int
    private let bulk: Bool
    private var collected: [SNMPVarBind] = []
    private var fallbackGet = false

    init(agent: SNMPAgent, root: SNMPObjectID, maxRepetitions: Int, completion: @escaping SNMPCompletion) {
        self.root = root
        self.cursor = root
        self.maxRepetitions = max(1, maxRepetitions)
        self.bulk = agent.version != .v1
        super.init(agent: agent, completion: completion)
    }

    override func begin() { requestNext() }

    private func requestNext() {
        if bulk {
            send(command: cnetsnmpshim_msg_getbulk, oids: [cursor], maxRepetitions: maxRepetitions)
        } else {
            send(command: cnetsnmpshim_msg_getnext, oids: [cursor])
        }
    }

    override func handleResponse(_ event: SNMPSessionEvent) {
        let varbinds: [SNMPVarBind]
        switch event.varbinds {
        case let .success(list): varbinds = list
        case let .failure(failure):
            finish(.failure(.decodeError(agent: agent.label, message: failure.message)))
            return
        }
        if fallbackGet {
            // Like snmp_get_and_print: print what came back unless the agent answered with an error.
            finish(.success(event.errorStatus == 0 ? collected + varbinds : collected))
            return
        }
        switch event.errorStatus {
        case 0:
            break
        case 2:  // noSuchName: a v1 agent's "end of MIB"
            done()
            return
        case 1 where bulk && maxRepetitions > 1:  // tooBig: ask for fewer rows
            maxRepetitions = max(1, maxRepetitions / 2)
            requestNext()
            return
        default:
            finish(.failure(agentError(event, oids: [cursor])))
            return
        }
        var running = !varbinds.isEmpty
        let requested = cursor
        for (position, varbind) in varbinds.enumerated() {
            guard root.contains(varbind.oid) else {
                running = false
                continue
            }
            collected.append(varbind)
            if varbind.value.isException {
                running = false
                continue
            }
            if !(requested < varbind.oid) {
                finish(
                    .failure(
                        .decodeError(agent: agent.label, message: "OID not increasing: \(requested) >= \(varbind.oid)")
                    ))
                return
            }
            if position == varbinds.count - 1 { cursor = varbind.oid }
        }
        if running { requestNext() } else { done() }
    }

    private func done() {
        if collected.isEmpty {
            fallbackGet = true
            send(command: cnetsnmpshim_msg_get, oids: [root])
        } else {
            finish(.success(collected))
        }
    }
}
