/// How to reach an agent as a user writes it (command line, site profile): the secrets are *names of environment
/// variables*, resolved into an `SNMPAgent` only when a query runs.
public struct SNMPAgentSettings: Sendable, Hashable {
    /// `udp:HOST:PORT`
    public var address: String
    public var version: SNMPAgent.Version
    /// v1/v2c: the environment variable holding the community.
    public var communityEnv: String?
    /// v3 user name.
    public var user: String?
    /// v3 security level; nil picks the strongest the given variables allow (authPriv when a privacy variable is
    /// named, authNoPriv when only an authentication variable is, else noAuthNoPriv).
    public var securityLevel: SNMPAgent.SecurityLevel?
    public var authProtocol: SNMPAgent.AuthProtocol
    /// The environment variable holding the v3 authentication passphrase.
    public var authPassphraseEnv: String?
    public var privProtocol: SNMPAgent.PrivProtocol
    /// The environment variable holding the v3 privacy passphrase.
    public var privPassphraseEnv: String?
    /// Seconds per attempt (fractions honoured).
    public var timeout: Double
    /// Retransmissions after the first attempt.
    public var retries: Int
    /// A name for messages (`machine_room`).
    public var name: String?

    public init(
        address: String, version: SNMPAgent.Version = .v2c, communityEnv: String? = nil, user: String? = nil,
        securityLevel: SNMPAgent.SecurityLevel? = nil, authProtocol: SNMPAgent.AuthProtocol = .sha,
        authPassphraseEnv: String? = nil, privProtocol: SNMPAgent.PrivProtocol = .aes,
        privPassphraseEnv: String? = nil, timeout: Double = 1.0, retries: Int = 1, name: String? = nil
    ) {
        self.address = address
        self.version = version
        self.communityEnv = communityEnv
        self.user = user
        self.securityLevel = securityLevel
        self.authProtocol = authProtocol
        self.authPassphraseEnv = authPassphraseEnv
        self.privProtocol = privProtocol
        self.privPassphraseEnv = privPassphraseEnv
        self.timeout = timeout
        self.retries = retries
        self.name = name
    }

    /// The agent with its secrets read from `environment`, or why it cannot be queried (a variable not set, a
    /// malformed address, a short passphrase …). Messages name the variables, never their values.
    public func resolve(environment: [String: String]) -> Result<SNMPAgent, SNMPError> {
        let label = name.map { "\($0) (\(address))" } ?? address
        func fail(_ message: String) -> Result<SNMPAgent, SNMPError> {
            .failure(.invalidConfiguration(agent: label, message: message))
        }
        func secret(_ variable: String?, _ what: String, option: String) -> Result<String, SNMPError> {
            guard let variable, !variable.isEmpty else {
                return .failure(
                    .invalidConfiguration(
                        agent: label, message: "no \(what): name the environment variable that holds it (\(option))"))
            }
            guard let value = environment[variable], !value.isEmpty else {
                return .failure(
                    .invalidConfiguration(
                        agent: label, message: "environment variable \(variable) (the \(what)) is not set or empty"))
            }
            return .success(value)
        }

        var agent = SNMPAgent(
            address: address, version: version, timeout: timeout, retries: retries, name: name)
        switch version {
        case .v1, .v2c:
            switch secret(communityEnv, "community", option: "community_env / --community-env") {
            case let .success(community): agent.community = community
            case let .failure(error): return .failure(error)
            }
        case .v3:
            guard let user, !user.isEmpty else { return fail("SNMPv3 needs a user name (user / --v3-user)") }
            let level =
                securityLevel
                ?? (privPassphraseEnv != nil ? .authPriv : authPassphraseEnv != nil ? .authNoPriv : .noAuthNoPriv)
            var v3 = SNMPAgent.V3Security(
                user: user, level: level, authProtocol: authProtocol, privProtocol: privProtocol)
            if level != .noAuthNoPriv {
                switch secret(authPassphraseEnv, "v3 authentication passphrase", option: "auth_env / --v3-auth-env") {
                case let .success(pass): v3.authPassphrase = pass
                case let .failure(error): return .failure(error)
                }
            }
            if level == .authPriv {
                switch secret(privPassphraseEnv, "v3 privacy passphrase", option: "priv_env / --v3-priv-env") {
                case let .success(pass): v3.privPassphrase = pass
                case let .failure(error): return .failure(error)
                }
            }
            agent.v3 = v3
        }
        if let problem = agent.configurationProblem() { return fail(problem) }
        return .success(agent)
    }
}
