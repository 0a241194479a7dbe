import AuditMeasures
import AuditModel
import AuditSite
import Foundation

/// The results one probe produced: one per bound statement. A measured check bound to several statements
/// (payments → 6.6.1-1 and 6.6.2-1) judges each on its own.
public struct ProbeRunResult: Sendable {
    public var probe: ProbeDefinition
    public var results: [StatementResult]

    public init(probe: ProbeDefinition, results: [StatementResult]) {
        self.probe = probe
        self.results = results
    }
}

/// Runs probe definitions against a mall and yields each probe's results as soon as it has them, so the engine
/// can judge and store a statement the moment its last probe finishes. The live implementation talks SNMP,
/// HTTP, TLS and reads data exports; tests may inject another.
public protocol ProbeRunning: Sendable {
    /// - Parameters:
    ///   - probes: the probes to run (already validated against `profile`).
    ///   - profile: the site, its systems and agents.
    ///   - asOf: the date measured checks are judged at (`--as-of`).
    ///   - environment: where secrets named by the profile are read from.
    func run(_ probes: [ProbeDefinition], profile: SiteProfile, asOf: Date, environment: [String: String])
        -> AsyncStream<ProbeRunResult>
}

extension ProbeDefinition {
    /// Problems with the probe's references into the profile and checklist, as diagnostics at its line.
    public func problems(profile: SiteProfile, checklist: Checklist) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func problem(_ message: String, _ expected: String) {
            problems.append(Diagnostic(file: file, line: line, message: "probe '\(id)': \(message)", expected: expected))
        }
        for target in statements {
            let parts = Checkpoint.split(target)
            guard let statement = checklist.statement(parts.statement) else {
                problem("unknown statement '\(target)'", "a statement id of the checklist (mallaudit checklist list)")
                continue
            }
            if let name = parts.checkpoint {
                if statement.checkpoint(name) == nil {
                    let known = statement.checkpoints.map(\.id)
                    problem(
                        "statement \(statement.id) has no checkpoint '\(name)'",
                        known.isEmpty
                            ? "\(statement.id) itself: it carries one obligation"
                            : "one of \(known.joined(separator: ", "))")
                }
            } else if !statement.checkpoints.isEmpty {
                // A probe that does not say which obligation it checks cannot pass any of them.
                problem(
                    "statement \(statement.id) carries several obligations; a probe binds to the ones it checks",
                    "one or more of \(statement.checkpoints.map(\.id).joined(separator: ", "))")
            }
        }
        switch request {
        case let .snmp(spec):
            if case let .named(agent) = spec.agents, profile.snmpAgents[agent] == nil {
                problem(
                    "no SNMP agent '\(agent)' in \(profile.file.lastPathComponent)",
                    "one of: \(profile.snmpAgents.keys.sorted().joined(separator: ", "))")
            }
        case let .http(spec):
            if profile.httpSystems[spec.system] == nil {
                problem(
                    "no HTTP system '\(spec.system)' in \(profile.file.lastPathComponent)",
                    "one of: \(profile.httpSystems.keys.sorted().joined(separator: ", "))")
            }
        case let .tls(spec):
            if let system = profile.httpSystems[spec.system] {
                if !system.baseURL.hasPrefix("https://") {
                    problem("system '\(spec.system)' is not HTTPS (\(system.baseURL))", "an https:// base_url")
                }
            } else {
                problem(
                    "no HTTP system '\(spec.system)' in \(profile.file.lastPathComponent)",
                    "one of: \(profile.httpSystems.keys.sorted().joined(separator: ", "))")
            }
        case let .check(name):
            if let kind = MeasuredCheckKind(rawValue: name) {
                for target in statements where !kind.statementIDs.contains(Checkpoint.split(target).statement) {
                    problem(
                        "the \(name) check does not judge \(target)",
                        "statements or checkpoints of \(kind.statementIDs.joined(separator: ", "))")
                }
            }
        }
        return problems
    }
}
