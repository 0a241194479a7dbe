import AuditModel
import AuditSNMP
import AuditSite
import Foundation

/// The secrets a set of probes needs, checked before anything runs: one configuration error per environment
/// variable that is not set (or empty), naming the profile line that names it and the systems that need it —
/// rather than one `error` result per statement once the probes have run.
public enum SecretCheck {
    /// A diagnostic for each variable `probes` need (through the SNMP agents and HTTP systems of `profile` they ask)
    /// that `environment` does not set; empty when every one is set.
    public static func unset(
        profile: SiteProfile, probes: [ProbeDefinition], environment: [String: String]
    ) -> [Diagnostic] {
        var users: [String: Set<String>] = [:]
        func need(_ variable: String?, by user: String) {
            guard let variable, !variable.isEmpty else { return }
            if (environment[variable] ?? "").isEmpty { users[variable, default: []].insert(user) }
        }
        for probe in probes {
            switch probe.request {
            case let .snmp(spec):
                for name in LiveProbeRunner.agentNames(spec, profile: profile) {
                    guard let agent = profile.snmpAgents[name] else { continue }
                    for variable in variables(agent.settings) { need(variable, by: "SNMP agent \(name)") }
                }
            case let .http(spec):
                for variable in variables(profile.httpSystems[spec.system]) {
                    need(variable, by: "HTTP system \(spec.system)")
                }
            case let .tls(spec):
                for variable in variables(profile.httpSystems[spec.system]) {
                    need(variable, by: "HTTP system \(spec.system)")
                }
            case .check:
                continue
            }
        }
        return users.keys.sorted().map { variable in
            let line = profile.secretLines[variable]
            return Diagnostic(
                file: profile.file.path, line: line == 0 ? nil : line,
                message: "environment variable \(variable) is not set (it holds the secret of "
                    + users[variable]!.sorted().joined(separator: ", ") + "); nothing was run",
                expected: "export \(variable)=… before the command: secrets come from the environment only")
        }
    }

    /// The variables an agent's secrets come from, as it will be asked (v1/v2c its community; v3 the passphrases
    /// its level uses).
    static func variables(_ settings: SNMPAgentSettings) -> [String] {
        switch settings.version {
        case .v1, .v2c:
            return [settings.communityEnv].compactMap { $0 }
        case .v3:
            let level =
                settings.securityLevel
                ?? (settings.privPassphraseEnv != nil
                    ? .authPriv : settings.authPassphraseEnv != nil ? .authNoPriv : .noAuthNoPriv)
            switch level {
            case .noAuthNoPriv: return []
            case .authNoPriv: return [settings.authPassphraseEnv].compactMap { $0 }
            case .authPriv: return [settings.authPassphraseEnv, settings.privPassphraseEnv].compactMap { $0 }
            }
        }
    }

    /// The variables an HTTP system's headers come from.
    static func variables(_ system: SiteProfile.HTTPSystem?) -> [String] {
        (system?.headers ?? []).compactMap { header in
            if case let .environment(name, _) = header.value { return name }
            return nil
        }
    }
}
