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
        case .everyArea: return profile.snmpAgents.values.filter { $0.area != nil }.map(\.name).sorted()
        }
    }

    /// Reads every value of every SNMP probe in one poll (all agents at once: a dead agent costs one timeout),
    /// then judges each probe over the agents it selected.
    private func runSNMP(_ probes: [ProbeDefinition], profile: SiteProfile, environment: [String: String]) async
        -> [ProbeRunResult]
    {
        var oidsByAgent: [String: [SNMPObjectID]] = [:]
        for probe in probes {
            guard case let .snmp(spec) = probe.request else { continue }
            for name in Self.agentNames(spec, profile: profile) {
                for value in spec.values {
                    guard let oid = SNMPObjectID(value.oid) else { continue }
                    if !(oidsByAgent[name] ?? []).contains(oid) { oidsByAgent[name, default: []].append(oid) }
                }
            }
        }
        var failures: [String: String] = [:]
        var requests: [SNMPPollRequest] = []
        var requestAgents: [String] = []
        for (name, oids) in oidsByAgent.sorted(by: { $0.key < $1.key }) {
            guard let profileAgent = profile.snmpAgents[name] else {
                failures[name] = "no SNMP agent '\(name)' in the site profile"
                continue
            }
            switch profileAgent.settings.resolve(environment: environment) {
            case let .success(agent):
                requests.append(SNMPPollRequest(agent: agent, oids: oids))
                requestAgents.append(name)
            case let .failure(error):
                failures[name] = "\(error)"
            }
        }
        var values: [String: [SNMPObjectID: SNMPValue]] = [:]
        for (name, outcome) in zip(requestAgents, await snmp.poll(requests)) {
            switch outcome.result {
            case let .success(bindings):
                values[name] = Dictionary(bindings.map { ($0.oid, $0.value) }, uniquingKeysWith: { a, _ in a })
            case let .failure(error):
                failures[name] = "\(error)"
            }
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
                    readings[value.name] =
                        read.isException ? .absent(read.plainText) : .value(text: read.plainText, number: read.number)
                }
                return SNMPAgentAnswer(agent: name, area: area, readings: readings, error: nil)
            }
            return judged(probe, .snmp(answers), profile: profile)
        }
    }
}
