import ArgumentParser
import AuditSNMP
import Foundation

/// `mallaudit snmp get|walk`: ask an agent directly, to find the OIDs of a new sensor or check an agent answers.
struct SNMPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snmp",
        abstract: "Query SNMP agents directly (GET or walk), e.g. to find the OIDs of a new sensor.",
        discussion: """
            Secrets never go on the command line: name the environment variables that \
            hold them (--community-env, --v3-auth-env, --v3-priv-env). OIDs are numeric: \
            no MIB files are loaded. Text output is what net-snmp's `snmpget -On` and \
            `snmpbulkwalk -On` print. The SNMP version is -v/--snmp-version (--version \
            is mallaudit's own).

            Exit status: 0 every agent answered; 3 an agent gave no usable answer (no \
            response, wrong community, v3 authentication failure, error status); 1 a \
            setting cannot work (variable not set, passphrase under 8 characters); 64 \
            usage error.

            Examples:
              export MALL_SNMP_COMMUNITY=...
              mallaudit snmp walk --agent udp:10.0.0.5:161 \\
                --community-env MALL_SNMP_COMMUNITY .1.3.6.1.4.1
              mallaudit snmp get --agent udp:10.0.0.5:161 \\
                --community-env MALL_SNMP_COMMUNITY .1.3.6.1.4.1.32473.1.1.1.1.0

              export MALL_SNMP_AUTH=... MALL_SNMP_PRIV=...
              mallaudit snmp get --agent udp:10.0.0.5:161 --v3-user monitor \\
                --v3-auth-protocol SHA-256 --v3-auth-env MALL_SNMP_AUTH \\
                --v3-priv-protocol AES --v3-priv-env MALL_SNMP_PRIV .1.3.6.1.2.1.1.1.0
            """,
        subcommands: [SNMPGetCommand.self, SNMPWalkCommand.self]
    )
}

/// Options shared by `snmp get` and `snmp walk`.
struct SNMPAgentOptions: ParsableArguments {
    @Option(name: .customLong("agent"), help: "Agent address udp:HOST:PORT (get accepts several).")
    var agents: [String] = []

    @Option(
        name: [.customShort("v"), .customLong("snmp-version")],
        help: "SNMP version: 1, 2c or 3 (default 2c; 3 when --v3-user is given).")
    var version: String?

    @Option(help: "Environment variable holding the v1/v2c community.")
    var communityEnv: String = "MALLAUDIT_SNMP_COMMUNITY"

    @Option(name: .customLong("v3-user"), help: "SNMPv3 user name.")
    var v3User: String?

    @Option(
        name: .customLong("v3-level"),
        help: "SNMPv3 security level: noAuthNoPriv, authNoPriv or authPriv (default: strongest the -env options allow)")
    var v3Level: String?

    @Option(
        name: .customLong("v3-auth-protocol"),
        help: "SNMPv3 authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512.")
    var v3AuthProtocol: String = "SHA"

    @Option(
        name: .customLong("v3-auth-env"), help: "Environment variable holding the SNMPv3 authentication passphrase.")
    var v3AuthEnv: String?

    @Option(name: .customLong("v3-priv-protocol"), help: "SNMPv3 privacy protocol: DES, AES, AES-192 or AES-256.")
    var v3PrivProtocol: String = "AES"

    @Option(name: .customLong("v3-priv-env"), help: "Environment variable holding the SNMPv3 privacy passphrase.")
    var v3PrivEnv: String?

    @Option(help: "Seconds to wait for each attempt; fractions allowed (0.3).")
    var timeout: Double = 1.0

    @Option(help: "Retransmissions after the first attempt.")
    var retries: Int = 1

    @Option(help: "Output: text (as net-snmp's tools print it) or json.")
    var format: String = "text"

    func validate() throws {
        if agents.isEmpty { throw ValidationError("give the agent to ask: --agent udp:HOST:PORT") }
        for agent in agents where !agent.hasPrefix("udp:") {
            throw ValidationError("--agent '\(agent)' is not of the form udp:HOST:PORT")
        }
        if let version, SNMPAgent.Version(rawValue: version) == nil {
            throw ValidationError("--snmp-version '\(version)' is not one of 1, 2c, 3")
        }
        if let v3Level, SNMPAgent.SecurityLevel(rawValue: v3Level) == nil {
            throw ValidationError("--v3-level '\(v3Level)' is not one of noAuthNoPriv, authNoPriv, authPriv")
        }
        if SNMPAgent.AuthProtocol(name: v3AuthProtocol) == nil {
            throw ValidationError(
                "--v3-auth-protocol '\(v3AuthProtocol)' is not one of MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512")
        }
        if SNMPAgent.PrivProtocol(name: v3PrivProtocol) == nil {
            throw ValidationError("--v3-priv-protocol '\(v3PrivProtocol)' is not one of DES, AES, AES-192, AES-256")
        }
        if !(timeout > 0 && timeout <= 3600) { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
        if !(0...20).contains(retries) { throw ValidationError("--retries must be between 0 and 20") }
        if SNMPOutputFormat(rawValue: format) == nil { throw ValidationError("--format must be text or json") }
    }

    var outputFormat: SNMPOutputFormat { SNMPOutputFormat(rawValue: format) ?? .text }

    func settings() -> [SNMPAgentSettings] {
        let resolvedVersion = version.flatMap(SNMPAgent.Version.init(rawValue:)) ?? (v3User != nil ? .v3 : .v2c)
        return agents.map { address in
            SNMPAgentSettings(
                address: address, version: resolvedVersion, communityEnv: communityEnv, user: v3User,
                securityLevel: v3Level.flatMap(SNMPAgent.SecurityLevel.init(rawValue:)),
                authProtocol: SNMPAgent.AuthProtocol(name: v3AuthProtocol) ?? .sha, authPassphraseEnv: v3AuthEnv,
                privProtocol: SNMPAgent.PrivProtocol(name: v3PrivProtocol) ?? .aes, privPassphraseEnv: v3PrivEnv,
                timeout: timeout, retries: retries)
        }
    }
}

/// Parses numeric OIDs with a message that says what was expected.
func parseOIDs(_ texts: [String]) throws -> [SNMPObjectID] {
    try texts.map { text in
        guard let oid = SNMPObjectID(text) else {
            throw ValidationError(
                "'\(text)' is not a numeric OID (expected digits separated by dots, e.g. .1.3.6.1.2.1.1.1.0; "
                    + "MIB names are not loaded)")
        }
        return oid
    }
}

struct SNMPGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "GET OIDs from one or more agents (all agents are asked at once).",
        discussion: """
            The OIDs go in as few request PDUs as possible (at most --max-per-pdu each). With several --agent \
            options every agent is asked at the same time, a dead one costing one timeout, and the text output \
            lists each agent's lines under `# udp:HOST:PORT`.
            """)

    @OptionGroup var agent: SNMPAgentOptions

    @Option(help: "Most OIDs in one request PDU.")
    var maxPerPdu: Int = 32

    @Argument(help: "Numeric OIDs, e.g. .1.3.6.1.2.1.1.1.0")
    var oids: [String] = []

    func validate() throws {
        if oids.isEmpty { throw ValidationError("give at least one OID to GET, e.g. .1.3.6.1.2.1.1.1.0") }
        _ = try parseOIDs(oids)
        if maxPerPdu < 1 { throw ValidationError("--max-per-pdu must be at least 1") }
    }

    func run() async throws {
        try emit(
            await SNMPTool.get(
                agents: agent.settings(), oids: try parseOIDs(oids), format: agent.outputFormat,
                environment: ProcessInfo.processInfo.environment, client: SNMPClient(maxVarBindsPerPDU: maxPerPdu)))
    }
}

struct SNMPWalkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "walk",
        abstract: "List every OID under a subtree (GETBULK; GETNEXT for v1), as snmpbulkwalk -On does.",
        discussion: """
            Without an OID the walk starts at .1.3.6.1.2.1 (mib-2), like snmpbulkwalk; several OIDs are walked \
            one after the other. The output lists the same lines as `snmpbulkwalk -On -Cr<N>` with the same \
            --max-repetitions N (the number of trailing endOfMibView rows depends on it, as it does there).
            """)

    @OptionGroup var agent: SNMPAgentOptions

    @Option(help: "Rows asked for in each GETBULK request (snmpbulkwalk's -Cr).")
    var maxRepetitions: Int = SNMPClient.defaultMaxRepetitions

    @Argument(help: "Numeric subtree OIDs (default .1.3.6.1.2.1).")
    var oids: [String] = []

    func validate() throws {
        if agent.agents.count > 1 { throw ValidationError("walk asks one agent: give a single --agent") }
        _ = try parseOIDs(oids)
        if !(1...1000).contains(maxRepetitions) {
            throw ValidationError("--max-repetitions must be between 1 and 1000")
        }
    }

    func run() async throws {
        let roots = oids.isEmpty ? [SNMPObjectID([1, 3, 6, 1, 2, 1])] : try parseOIDs(oids)
        try emit(
            await SNMPTool.walk(
                agent: agent.settings()[0], roots: roots, maxRepetitions: maxRepetitions, format: agent.outputFormat,
                environment: ProcessInfo.processInfo.environment))
    }
}

/// Writes a tool's output and ends the command with its exit status.
private func emit(_ output: SNMPToolOutput) throws {
    writeOutput(output.stdout)
    writeError(output.stderr)
    if output.exitCode != 0 { throw ExitCode(output.exitCode) }
}
