import AuditModel
import Foundation

/// A declarative probe from `probes/*.yaml`: what to ask, how to read the answer, and what must hold.
/// A mall with other equipment changes these files and the site profile, not Swift code.
public struct ProbeDefinition: Sendable, Hashable {
    public var id: String
    public var title: String
    /// The statements or checkpoints (`5.1.2-2/realName`) this probe gives evidence for; its verdict applies to each.
    public var statements: [String]
    public var request: ProbeRequest
    public var expectations: [Expectation]
    /// False (`conclusive: false`) when the probe can fail what it is bound to but cannot pass it alone (a TLS
    /// check of a member API for "member data kept secure"): its pass is shown as supporting evidence only.
    public var conclusive: Bool = true
    /// Where it was defined, for messages.
    public var file: String
    public var line: Int?

    /// The statement ids of `statements` (a checkpoint id counts for its statement), each once, in order.
    public var statementIDs: [String] {
        var seen: Set<String> = []
        return statements.map { Checkpoint.split($0).statement }.filter { seen.insert($0).inserted }
    }
}

/// What a probe asks.
public enum ProbeRequest: Sendable, Hashable {
    /// SNMP GET of named values on the agents selected (one agent by name, or every agent of `area`/all areas).
    case snmp(SNMPRequestSpec)
    /// One HTTP request to a system of the site profile.
    case http(HTTPRequestSpec)
    /// A TLS handshake with a system of the site profile.
    case tls(TLSRequestSpec)
    /// A measured check over a data export named in the site profile (`wifi-logs`, `satisfaction`, …).
    case check(String)
}

public struct SNMPRequestSpec: Sendable, Hashable {
    public enum AgentSelection: Sendable, Hashable {
        /// One agent, by its name in the site profile.
        case named(String)
        /// Every agent of the site profile that has an `area`; 5.2.2 asks this of every area.
        case everyArea
    }

    public var agents: AgentSelection
    public var values: [SNMPValueSpec]
}

/// A named SNMP value and how its raw value maps to ok / alarm (anything else is `unknown`).
public struct SNMPValueSpec: Sendable, Hashable {
    public var name: String
    public var oid: String
    /// Raw value texts (as numbers or strings) meaning the sensor is fine.
    public var ok: [String]
    /// Raw value texts meaning the sensor raises an alarm.
    public var alarm: [String]
}

public struct HTTPRequestSpec: Sendable, Hashable {
    public var system: String
    public var method: String
    public var path: String
    public var body: String?
    public var followRedirects: Bool
}

public struct TLSRequestSpec: Sendable, Hashable {
    public var system: String
    public var path: String
}

/// One condition over the answer. All must hold for `pass`.
public enum Expectation: Sendable, Hashable {
    /// HTTP status is one of these.
    case status([Int])
    /// A response header is present and (when given) matches the regular expression.
    case header(name: String, matches: String?)
    /// A JSON path resolves; with `equals`, every match equals it; with `contains`, some match contains it;
    /// with `atLeast`, every match is a number ≥ it; with `nonEmpty`, matches are non-empty.
    case json(path: String, test: ValueTest)
    /// An XPath over an HTML/XML body.
    case xpath(String, test: ValueTest)
    /// The body matches a regular expression.
    case body(matches: String)
    /// Every agent's named SNMP value exists and maps to `ok`.
    case snmpState(value: String, state: SNMPState)
    /// Every agent's named SNMP value exists (no noSuchObject / noSuchInstance).
    case snmpPresent(value: String)
    /// The named SNMP value holds a Unix time no older than `maxAge` seconds (nil: the site's
    /// `limits.sensor_max_age`).
    case snmpFresh(value: String, maxAge: Double?)
    /// TLS protocol at least this version (`1.2`, `1.3`).
    /// (nil: the site's `limits.tls_min_version`)
    case tlsMinimumVersion(String?)
    /// The certificate is currently valid and stays valid for at least this many days.
    /// (nil: the site's `limits.certificate_margin_days`)
    case certificateValidDays(Int?)
}

public enum ValueTest: Sendable, Hashable {
    case exists
    case equals(String)
    case contains(String)
    case atLeast(Double)
    case nonEmpty
    /// The values name every area the site profile declares (`$.kiosks[*].area`): each declared area found passes,
    /// each one missing fails, naming it. What the system says about itself (`areasWithoutKiosk`) is not asked.
    case coversAreas
}

/// The state an SNMP value maps to.
public enum SNMPState: String, Sendable, Hashable, Codable {
    case ok, alarm, unknown
}
