import AuditModel
import AuditSite
import AuditSNMP
import AuditHTTP
import Foundation

/// A secret the profile names whose environment variable is not set.
/// Why a probe could not even be sent: an unknown system, a secret's environment variable not set.
struct EndpointProblem: Error {
    var message: String
}

/// Runs probes against the mall's real systems: HTTP and TLS through libcurl (many transfers in flight at once),
/// SNMP through net-snmp (every agent polled at once in one event loop), measured checks over the data exports.
/// Each probe's results are yielded as soon as they are judged.
public struct LiveProbeRunner: ProbeRunning {
    public var http: any HTTPTransport
    public var snmp: any SNMPQuerying
    public var now: @Sendable () -> Date

    public init(
        http: any HTTPTransport = HTTPClient(), snmp: any SNMPQuerying = SNMPClient(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.http = http
        self.snmp = snmp
        self.now = now
    }

    public func run(_ probes: [ProbeDefinition], profile: SiteProfile, asOf: Date, environment: [String: String])
        -> AsyncStream<ProbeRunResult>
    {
        AsyncStream { continuation in
            let task = Task {
                await withTaskGroup(of: Void.self) { group in
                    let snmpProbes = probes.filter { if case .snmp = $0.request { true } else { false } }
                    if !snmpProbes.isEmpty {
                        group.addTask {
                            for result in await self.runSNMP(snmpProbes, profile: profile, environment: environment) {
                                continuation.yield(result)
                            }
                        }
                    }
                    for probe in probes {
                        switch probe.request {
                        case .snmp:
                            continue
                        case let .http(spec):
                            group.addTask {
                                let answer = await self.fetch(spec, profile: profile, environment: environment)
                                continuation.yield(self.judged(probe, answer, profile: profile))
                            }
                        case let .tls(spec):
                            group.addTask {
                                let answer = await self.inspect(spec, profile: profile, environment: environment)
                                continuation.yield(self.judged(probe, answer, profile: profile))
                            }
                        case let .check(kind):
                            group.addTask {
                                continuation.yield(MeasuredCheckProbe.run(kind, probe: probe, profile: profile, asOf: asOf))
                            }
                        }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func judged(_ probe: ProbeDefinition, _ answer: ProbeAnswer, profile: SiteProfile) -> ProbeRunResult {
        let outcome = ProbeJudge.judge(probe, answer: answer, now: now(), limits: profile.limits, areas: profile.areas)
        return ProbeRunResult(probe: probe, results: outcome.statementResults(judgedAt: nil))
    }

    // MARK: HTTP and TLS

    /// The headers of a system, secrets resolved from the environment (a missing variable is an error that
    /// names it, never an empty header).
    static func headers(_ system: SiteProfile.HTTPSystem, environment: [String: String]) -> Result<[HTTPHeader], EndpointProblem> {
        var headers: [HTTPHeader] = []
        for (name, value) in system.headers {
            guard let resolved = value.resolve(environment) else {
                return .failure(
                    EndpointProblem(message: "environment variable \(value.display) (header \(name) of \(system.name)) is not set or empty"))
            }
            headers.append(HTTPHeader(name, resolved, secret: value.isSecret))
        }
        return .success(headers)
    }

    static func url(_ system: SiteProfile.HTTPSystem, path: String) -> String {
        var base = system.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    /// Where an HTTP or TLS probe goes: the profile's system, the URL of the probe's path on it, and the system's
    /// headers with secrets resolved.
    struct Endpoint {
        var system: SiteProfile.HTTPSystem
        var url: String
        var headers: [HTTPHeader]
    }

    /// The endpoint of `path` on the profile's system `name`, or why there is none.
    static func endpoint(
        _ name: String, path: String, profile: SiteProfile, environment: [String: String]
    ) -> Result<Endpoint, EndpointProblem> {
        guard let system = profile.httpSystems[name] else {
            return .failure(EndpointProblem(message: "no HTTP system '\(name)'"))
        }
        return headers(system, environment: environment).map {
            Endpoint(system: system, url: url(system, path: path), headers: $0)
        }
    }

    private func fetch(_ spec: HTTPRequestSpec, profile: SiteProfile, environment: [String: String]) async
        -> ProbeAnswer
    {
        let endpoint: Endpoint
        switch Self.endpoint(spec.system, path: spec.path, profile: profile, environment: environment) {
        case let .success(resolved): endpoint = resolved
        case let .failure(problem): return .failure(problem.message)
        }
        let (system, url) = (endpoint.system, endpoint.url)
        let request = HTTPRequest(
            HTTPMethod(rawValue: spec.method) ?? .get, url: url, headers: endpoint.headers,
            body: spec.body.map { Data($0.utf8) }, timeout: system.timeout, followRedirects: spec.followRedirects,
            tls: HTTPTLSOptions(verifyPeer: system.verifyTLS, verifyHost: system.verifyTLS, caFile: system.caFile))
        switch await http.perform(request) {
        case let .success(response):
            return .http(
                HTTPAnswer(
                    url: url, status: response.status, headers: response.headers.joined, body: response.body,
                    redirectLocation: response.redirectLocation))
        case let .failure(error):
            return .failure("\(url): \(error)")
        }
    }

    private func inspect(_ spec: TLSRequestSpec, profile: SiteProfile, environment: [String: String]) async
        -> ProbeAnswer
    {
        let endpoint: Endpoint
        switch Self.endpoint(spec.system, path: spec.path, profile: profile, environment: environment) {
        case let .success(resolved): endpoint = resolved
        case let .failure(problem): return .failure(problem.message)
        }
        let (system, url, headers) = (endpoint.system, endpoint.url, endpoint.headers)
        switch await http.inspectTLS(url, caFile: system.caFile, timeout: system.timeout, headers: headers) {
        case let .success(inspection):
            return .tls(
                TLSAnswer(
                    url: url, protocolVersion: inspection.protocolVersion, certificateSubject: inspection.leaf?.subject,
                    certificateNotBefore: inspection.leaf?.notBefore, certificateNotAfter: inspection.leaf?.notAfter,
                    verified: inspection.verified, verificationError: inspection.verificationError))
        case let .failure(error):
            return .failure("\(url): \(error)")
        }
    }

    // MARK: SNMP

    /// The agents a probe reads, by profile name.
    static func agentNames(_ spec: SNMPRequestSpec, profile: SiteProfile) -> [String] {
        switch spec.agents {
        case let .named(name): return [name]
        case .everyArea:
            return profile.snmpAgents.values.filter { $0.area != nil && $0.role == nil }.map(\.name).sorted()
        case let .role(role):
            return profile.snmpAgents.values.filter { $0.role == role }.map(\.name).sorted()
        }
    }

    /// sysUpTime.0: the clock a TimeStamp column is read against.
    static let sysUpTime = SNMPObjectID([1, 3, 6, 1, 2, 1, 1, 3, 0])

    /// Reads every value of every SNMP probe in one poll (all agents at once: a dead agent costs one timeout) and
    /// every table column with GETBULK walks (each agent's columns one after the other, all agents at once; an agent
    /// that does not answer one walk is not asked the rest), then judges each probe over the agents it selected.
    private func runSNMP(_ probes: [ProbeDefinition], profile: SiteProfile, environment: [String: String]) async
        -> [ProbeRunResult]
    {
        var oidsByAgent: [String: [SNMPObjectID]] = [:]
        var columnsByAgent: [String: [SNMPObjectID]] = [:]
        for probe in probes {
            guard case let .snmp(spec) = probe.request else { continue }
            for name in Self.agentNames(spec, profile: profile) {
                var oids = spec.values.compactMap { SNMPObjectID($0.oid) }
                if spec.needsUptime { oids.append(Self.sysUpTime) }
                for oid in oids where !(oidsByAgent[name] ?? []).contains(oid) { oidsByAgent[name, default: []].append(oid) }
                for column in spec.tables.flatMap(\.columns) {
                    guard let oid = SNMPObjectID(column.oid), !(columnsByAgent[name] ?? []).contains(oid) else { continue }
                    columnsByAgent[name, default: []].append(oid)
                }
            }
        }
        var failures: [String: String] = [:]
        var resolved: [String: SNMPAgent] = [:]
        for name in Set(oidsByAgent.keys).union(columnsByAgent.keys).sorted() {
            guard let profileAgent = profile.snmpAgents[name] else {
                failures[name] = "no SNMP agent '\(name)' in the site profile"
                continue
            }
            switch profileAgent.settings.resolve(environment: environment) {
            case let .success(agent): resolved[name] = agent
            case let .failure(error): failures[name] = "\(error)"
            }
        }
        let requests = oidsByAgent.keys.sorted().compactMap { name in
            resolved[name].map { (name, SNMPPollRequest(agent: $0, oids: oidsByAgent[name]!)) }
        }
        let walkPlan = columnsByAgent.keys.sorted().compactMap { name in
            resolved[name].map { (name, $0, columnsByAgent[name]!) }
        }
        // The GETs and the walks go out together: a dead agent costs its timeout once in each, in parallel.
        async let polled = snmp.poll(requests.map(\.1))
        async let walked = walkColumns(walkPlan)
        var values: [String: [SNMPObjectID: SNMPValue]] = [:]
        for ((name, _), outcome) in zip(requests, await polled) {
            switch outcome.result {
            case let .success(bindings):
                values[name] = Dictionary(bindings.map { ($0.oid, $0.value) }, uniquingKeysWith: { a, _ in a })
            case let .failure(error):
                failures[name] = "\(error)"
            }
        }
        let columns = await walked
        for (name, outcome) in columns {
            if case let .failure(error) = outcome, failures[name] == nil { failures[name] = "\(error)" }
        }
        func reading(_ value: SNMPValue) -> SNMPAgentAnswer.Reading {
            value.isException ? .absent(value.plainText) : .value(text: value.plainText, number: value.number)
        }
        return probes.compactMap { probe -> ProbeRunResult? in
            guard case let .snmp(spec) = probe.request else { return nil }
            let answers = Self.agentNames(spec, profile: profile).map { name -> SNMPAgentAnswer in
                let area = profile.snmpAgents[name]?.area
                if let failure = failures[name] {
                    return SNMPAgentAnswer(agent: name, area: area, readings: [:], error: failure)
                }
                var readings: [String: SNMPAgentAnswer.Reading] = [:]
                for value in spec.values {
                    guard let oid = SNMPObjectID(value.oid), let read = values[name]?[oid] else { continue }
                    readings[value.name] = reading(read)
                }
                var tables: [String: SNMPTableAnswer] = [:]
                let walks: [SNMPObjectID: [SNMPVarBind]]
                if case let .success(found)? = columns[name] { walks = found } else { walks = [:] }
                for table in spec.tables {
                    var byColumn: [String: [(oid: [UInt32], reading: SNMPAgentAnswer.Reading)]] = [:]
                    for column in table.columns {
                        guard let oid = SNMPObjectID(column.oid) else { continue }
                        byColumn[column.name] = (walks[oid] ?? []).map { ($0.oid.components, reading($0.value)) }
                    }
                    tables[table.name] = SNMPTableAnswer.assemble(table, walks: byColumn)
                }
                let uptime = spec.needsUptime ? values[name]?[Self.sysUpTime].map(reading) : nil
                return SNMPAgentAnswer(agent: name, area: area, readings: readings, tables: tables, uptime: uptime, error: nil)
            }
            return judged(probe, .snmp(answers), profile: profile)
        }
    }

    /// Walks each agent's columns (all agents at once, each agent's columns in turn); stops an agent at its first
    /// transport failure.
    private func walkColumns(_ plan: [(String, SNMPAgent, [SNMPObjectID])]) async
        -> [String: Result<[SNMPObjectID: [SNMPVarBind]], SNMPError>]
    {
        await withTaskGroup(of: (String, Result<[SNMPObjectID: [SNMPVarBind]], SNMPError>).self) { group in
            for (name, agent, roots) in plan {
                group.addTask {
                    var found: [SNMPObjectID: [SNMPVarBind]] = [:]
                    for root in roots {
                        switch await snmp.walk(agent, root: root, maxRepetitions: SNMPClient.defaultMaxRepetitions) {
                        case let .success(bindings): found[root] = bindings
                        case let .failure(error): return (name, .failure(error))
                        }
                    }
                    return (name, .success(found))
                }
            }
            var results: [String: Result<[SNMPObjectID: [SNMPVarBind]], SNMPError>] = [:]
            for await (name, result) in group { results[name] = result }
            return results
        }
    }
}
