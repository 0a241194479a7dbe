import AuditModel
import Foundation

/// Runs probes against the mall's real systems: HTTP and TLS through libcurl (many transfers in flight at once),
/// SNMP through net-snmp (every agent polled at once in one event loop), measured checks over the data exports.
/// Each probe's results are yielded as soon as they are judged.
public struct LiveProbeRunner: ProbeRunning {
    public var http: any HTTPTransport
    public var snmp: SNMPPoller
    public var now: @Sendable () -> Date

    public init(
        http: any HTTPTransport = HTTPClient(), snmp: SNMPPoller = SNMPPoller(),
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
                                continuation.yield(self.judged(probe, answer))
                            }
                        case let .tls(spec):
                            group.addTask {
                                let answer = await self.inspect(spec, profile: profile, environment: environment)
                                continuation.yield(self.judged(probe, answer))
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

    private func judged(_ probe: ProbeDefinition, _ answer: ProbeAnswer) -> ProbeRunResult {
        let outcome = ProbeJudge.judge(probe, answer: answer, now: now())
        return ProbeRunResult(probe: probe, results: outcome.statementResults(judgedAt: nil))
    }

    // MARK: HTTP and TLS

    /// The headers of a system, secrets resolved from the environment (a missing variable is an error that
    /// names it, never an empty header).
    static func headers(_ system: SiteProfile.HTTPSystem, environment: [String: String]) -> Result<[HTTPHeader], String> {
        var headers: [HTTPHeader] = []
        for (name, value) in system.headers {
            guard let resolved = value.resolve(environment) else {
                return .failure("environment variable \(value.display) (header \(name) of \(system.name)) is not set")
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

    private func fetch(_ spec: HTTPRequestSpec, profile: SiteProfile, environment: [String: String]) async
        -> ProbeAnswer
    {
        guard let system = profile.httpSystems[spec.system] else { return .failure("no HTTP system '\(spec.system)'") }
        let headers: [HTTPHeader]
        switch Self.headers(system, environment: environment) {
        case let .success(resolved): headers = resolved
        case let .failure(message): return .failure(message)
        }
        let url = Self.url(system, path: spec.path)
        let request = HTTPRequest(
            HTTPMethod(rawValue: spec.method) ?? .get, url: url, headers: headers, body: spec.body.map { Data($0.utf8) },
            timeout: system.timeout, followRedirects: spec.followRedirects,
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
        guard let system = profile.httpSystems[spec.system] else { return .failure("no HTTP system '\(spec.system)'") }
        let headers: [HTTPHeader]
        switch Self.headers(system, environment: environment) {
        case let .success(resolved): headers = resolved
        case let .failure(message): return .failure(message)
        }
        let url = Self.url(system, path: spec.path)
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
}
