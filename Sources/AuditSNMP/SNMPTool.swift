import Foundation

/// Output format of `mallaudit snmp get|walk`.
public enum SNMPOutputFormat: String, Sendable, CaseIterable {
    /// Lines as net-snmp's `snmpget -On` / `snmpbulkwalk -On` print them.
    case text
    /// One JSON document: per agent, its varbinds (oid, type, value, text) or its error.
    case json
}

/// What a `mallaudit snmp` run prints and how it exits.
public struct SNMPToolOutput: Sendable {
    public var stdout: String
    public var stderr: String
    /// mallaudit's exit table: 0 every agent answered; 3 at least one agent gave no usable answer (timeout,
    /// authentication failure, error status: it could not be checked); 1 an agent could not be configured (unset
    /// environment variable, malformed address, short passphrase: the tool could not do it).
    public var exitCode: Int32

    public init(stdout: String, stderr: String, exitCode: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
    }
}

/// The `mallaudit snmp get|walk` commands as library functions: query, then render.
public enum SNMPTool {
    /// GET `oids` from every agent at once (one event loop; a dead agent costs one timeout).
    public static func get(
        agents settings: [SNMPAgentSettings], oids: [SNMPObjectID], format: SNMPOutputFormat,
        environment: [String: String], client: SNMPClient = SNMPClient()
    ) async -> SNMPToolOutput {
        var configurationErrors: [SNMPError] = []
        var requests: [SNMPPollRequest] = []
        for setting in settings {
            switch setting.resolve(environment: environment) {
            case let .success(agent): requests.append(SNMPPollRequest(agent: agent, oids: oids))
            case let .failure(error): configurationErrors.append(error)
            }
        }
        if !configurationErrors.isEmpty {
            return SNMPToolOutput(
                stdout: "", stderr: configurationErrors.map { "mallaudit: error: \($0)\n" }.joined(), exitCode: 1)
        }
        let results = await client.poll(requests)
        return render(results.map { ($0.agent.address, $0.result) }, format: format, labelled: results.count > 1)
    }

    /// Walk each of `roots` on the agent, one after the other, as `snmpbulkwalk -On` would.
    public static func walk(
        agent setting: SNMPAgentSettings, roots: [SNMPObjectID], maxRepetitions: Int, format: SNMPOutputFormat,
        environment: [String: String], client: SNMPClient = SNMPClient()
    ) async -> SNMPToolOutput {
        let agent: SNMPAgent
        switch setting.resolve(environment: environment) {
        case let .success(resolved): agent = resolved
        case let .failure(error):
            return SNMPToolOutput(stdout: "", stderr: "mallaudit: error: \(error)\n", exitCode: 1)
        }
        var varbinds: [SNMPVarBind] = []
        var failure: SNMPError?
        for root in roots {
            switch await client.walk(agent, root: root, maxRepetitions: maxRepetitions) {
            case let .success(found): varbinds += found
            case let .failure(error): failure = error
            }
            if failure != nil { break }
        }
        // What was walked before a failure is still printed, as snmpbulkwalk does.
        var output = render([(agent.address, .success(varbinds))], format: format, labelled: false)
        if let failure {
            if format == .json {
                output = render(
                    [(agent.address, .failure(failure))], format: format, labelled: false, partial: varbinds)
            } else {
                output.stderr += "mallaudit: error: \(failure)\n"
            }
            output.exitCode = 3
        }
        return output
    }

    // MARK: rendering

    static func render(
        _ results: [(agent: String, result: Result<[SNMPVarBind], SNMPError>)], format: SNMPOutputFormat,
        labelled: Bool, partial: [SNMPVarBind] = []
    ) -> SNMPToolOutput {
        var out = SNMPToolOutput(stdout: "", stderr: "", exitCode: 0)
        switch format {
        case .text:
            for (agent, result) in results {
                switch result {
                case let .success(varbinds):
                    if labelled { out.stdout += "# \(agent)\n" }
                    for varbind in varbinds { out.stdout += varbind.netSNMPLine + "\n" }
                case let .failure(error):
                    if labelled { out.stdout += "# \(agent)\n" }
                    out.stderr += "mallaudit: error: \(error)\n"
                    out.exitCode = 3
                }
            }
        case .json:
            let documents = results.map { agent, result in
                switch result {
                case let .success(varbinds):
                    return JSONAgent(agent: agent, error: nil, varbinds: varbinds.map(JSONVarBind.init))
                case let .failure(error):
                    out.exitCode = 3
                    return JSONAgent(
                        agent: agent, error: JSONError(code: error.code, message: error.description),
                        varbinds: partial.map(JSONVarBind.init))
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            // An agent may answer an opaque float NaN or infinity: written as a string, not a reason to print nothing.
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            do {
                let data = try encoder.encode(JSONDocument(agents: documents))
                out.stdout = String(decoding: data, as: UTF8.self) + "\n"
            } catch {
                out.stderr += "mallaudit: error: cannot write the answer as JSON: \(error)\n"
                out.exitCode = 1
            }
        }
        return out
    }

    struct JSONDocument: Encodable {
        var agents: [JSONAgent]
    }

    struct JSONAgent: Encodable {
        var agent: String
        var error: JSONError?
        var varbinds: [JSONVarBind]
    }

    struct JSONError: Encodable {
        var code: String
        var message: String
    }

    /// `{"oid": ".1.3…", "type": "INTEGER", "value": 3, "text": "INTEGER: 3"}`; numbers for numeric types, text
    /// (hex for binary strings) otherwise.
    struct JSONVarBind: Encodable {
        var oid: String
        var type: String
        var value: JSONScalar
        var text: String

        init(_ varbind: SNMPVarBind) {
            oid = varbind.oid.description
            type = varbind.value.typeName
            text = varbind.value.netSNMPText
            switch varbind.value {
            case let .integer(number): value = .signed(number)
            case let .counter32(number), let .gauge32(number), let .timeticks(number): value = .unsigned(UInt64(number))
            case let .counter64(number), let .opaqueCounter64(number), let .opaqueUInt64(number):
                value = .unsigned(number)
            case let .opaqueInt64(number): value = .signed(number)
            case let .opaqueFloat(number): value = .double(Double(number))
            case let .opaqueDouble(number): value = .double(number)
            case .null, .noSuchObject, .noSuchInstance, .endOfMibView: value = .null
            default: value = .string(varbind.value.plainText)
            }
        }
    }

    enum JSONScalar: Encodable {
        case signed(Int64)
        case unsigned(UInt64)
        case double(Double)
        case string(String)
        case null

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case let .signed(value): try container.encode(value)
            case let .unsigned(value): try container.encode(value)
            case let .double(value): try container.encode(value)
            case let .string(value): try container.encode(value)
            case .null: try container.encodeNil()
            }
        }
    }
}
