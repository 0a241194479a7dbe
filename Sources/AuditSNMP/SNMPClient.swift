import Foundation

/// What a probe needs from SNMP; `SNMPClient` is the real one (net-snmp over UDP).
public protocol SNMPQuerying: Sendable {
    /// The values of `oids` on `agent`, in the order asked.
    func get(_ agent: SNMPAgent, _ oids: [SNMPObjectID]) async -> Result<[SNMPVarBind], SNMPError>
    /// Every OID under `root`, in walk order, as `snmpbulkwalk` lists them.
    func walk(_ agent: SNMPAgent, root: SNMPObjectID, maxRepetitions: Int) async -> Result<[SNMPVarBind], SNMPError>
    /// GETs many agents at once; one result per request, in the order given.
    func poll(_ requests: [SNMPPollRequest]) async -> [SNMPPollResult]
}

/// OIDs to read from one agent in a `poll`.
public struct SNMPPollRequest: Sendable {
    public var agent: SNMPAgent
    public var oids: [SNMPObjectID]

    public init(agent: SNMPAgent, oids: [SNMPObjectID]) {
        self.agent = agent
        self.oids = oids
    }
}

/// One agent's outcome in a `poll`.
public struct SNMPPollResult: Sendable {
    public var agent: SNMPAgent
    /// The values in the order asked, or why there are none.
    public var result: Result<[SNMPVarBind], SNMPError>
    public var statistics: SNMPExchangeStatistics

    public init(agent: SNMPAgent, result: Result<[SNMPVarBind], SNMPError>, statistics: SNMPExchangeStatistics) {
        self.agent = agent
        self.result = result
        self.statistics = statistics
    }
}

/// SNMP v1/v2c/v3 client on net-snmp.
///
/// Every exchange runs on one event-loop thread shared by the process (net-snmp is not reentrant there); the async
/// methods only wait for it. GETs are batched into multi-OID PDUs of at most `maxVarBindsPerPDU`; walks use GETBULK
/// (GETNEXT for v1); `poll` asks many agents at once, so the whole poll takes about as long as the slowest agent
/// plus one timeout — a dead agent costs its timeout once, not once per OID.
public struct SNMPClient: SNMPQuerying {
    /// Most varbinds in one GET PDU (agents answer `tooBig` past their message size; the PDU is then split).
    public var maxVarBindsPerPDU: Int
    /// GET PDUs kept in flight to one agent once it has answered the first.
    public var pipelineDepth: Int

    public init(maxVarBindsPerPDU: Int = 32, pipelineDepth: Int = 4) {
        self.maxVarBindsPerPDU = max(1, maxVarBindsPerPDU)
        self.pipelineDepth = max(1, pipelineDepth)
    }

    /// The default number of rows one GETBULK asks for in a walk.
    public static let defaultMaxRepetitions = 50

    public func get(_ agent: SNMPAgent, _ oids: [SNMPObjectID]) async -> Result<[SNMPVarBind], SNMPError> {
        await exchange(agent) { completion in
            SNMPGetOperation(
                agent: agent, oids: oids, next: false, maxPerPDU: maxVarBindsPerPDU, pipelineDepth: pipelineDepth,
                completion: completion)
        }.result
    }

    /// The value following each of `oids` (GETNEXT), in the order asked: how to find what an agent has after a
    /// given OID, and where its MIB view ends (`endOfMibView`).
    public func getNext(_ agent: SNMPAgent, _ oids: [SNMPObjectID]) async -> Result<[SNMPVarBind], SNMPError> {
        await exchange(agent) { completion in
            SNMPGetOperation(
                agent: agent, oids: oids, next: true, maxPerPDU: maxVarBindsPerPDU, pipelineDepth: pipelineDepth,
                completion: completion)
        }.result
    }

    public func walk(
        _ agent: SNMPAgent, root: SNMPObjectID, maxRepetitions: Int = SNMPClient.defaultMaxRepetitions
    ) async -> Result<[SNMPVarBind], SNMPError> {
        await walkWithStatistics(agent, root: root, maxRepetitions: maxRepetitions).result
    }

    /// `walk`, with what it cost.
    public func walkWithStatistics(
        _ agent: SNMPAgent, root: SNMPObjectID, maxRepetitions: Int = SNMPClient.defaultMaxRepetitions
    ) async -> SNMPPollResult {
        await exchange(agent) { completion in
            SNMPWalkOperation(agent: agent, root: root, maxRepetitions: maxRepetitions, completion: completion)
        }
    }

    public func poll(_ requests: [SNMPPollRequest]) async -> [SNMPPollResult] {
        guard !requests.isEmpty else { return [] }
        let collector = PollCollector(count: requests.count)
        return await withCheckedContinuation { continuation in
            collector.setContinuation(continuation)
            let operations = requests.enumerated().map { index, request in
                SNMPGetOperation(
                    agent: request.agent, oids: request.oids, next: false, maxPerPDU: maxVarBindsPerPDU,
                    pipelineDepth: pipelineDepth
                ) { result, statistics in
                    collector.deliver(
                        index, SNMPPollResult(agent: request.agent, result: result, statistics: statistics))
                }
            }
            SNMPEventLoop.shared.submit(operations)
        }
    }

    private func exchange(
        _ agent: SNMPAgent, _ make: (@escaping SNMPCompletion) -> SNMPOperation
    ) async -> SNMPPollResult {
        await withCheckedContinuation { (continuation: CheckedContinuation<SNMPPollResult, Never>) in
            let operation = make { result, statistics in
                continuation.resume(returning: SNMPPollResult(agent: agent, result: result, statistics: statistics))
            }
            SNMPEventLoop.shared.submit([operation])
        }
    }
}

/// Gathers a poll's per-agent results (delivered on the event-loop thread) and resumes the caller once.
private final class PollCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [SNMPPollResult?]
    private var remaining: Int
    private var continuation: CheckedContinuation<[SNMPPollResult], Never>?

    init(count: Int) {
        results = Array(repeating: nil, count: count)
        remaining = count
    }

    func setContinuation(_ continuation: CheckedContinuation<[SNMPPollResult], Never>) {
        lock.lock()
        self.continuation = continuation
        lock.unlock()
    }

    func deliver(_ index: Int, _ result: SNMPPollResult) {
        lock.lock()
        results[index] = result
        remaining -= 1
        let done = remaining == 0 ? continuation : nil
        if done != nil { continuation = nil }
        let all = results.compactMap { $0 }
        lock.unlock()
        done?.resume(returning: all)
    }
}
