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
        /// Every agent of the site profile that has an `area` and no `role`; 5.2.2 asks this of every area.
        case everyArea
        /// Every agent of the site profile with this `role` (signage players, …), each judged for its own area.
        case role(String)
    }

    public var agents: AgentSelection
    /// Scalar values read with one GET.
    public var values: [SNMPValueSpec]
    /// Tables read column by column (GETBULK walks), their rows joined by index and selected by column values.
    public var tables: [SNMPTableSpec] = []

    public init(agents: AgentSelection, values: [SNMPValueSpec], tables: [SNMPTableSpec] = []) {
        self.agents = agents
        self.values = values
        self.tables = tables
    }

    /// Whether a column of some table holds a TimeStamp (needs the agent's sysUpTime.0).
    public var needsUptime: Bool {
        tables.contains { $0.columns.contains { $0.time == .sysUpTime } }
    }
}

/// A conceptual table of a MIB read column by column: `ifTable` joined with `ifXTable` by ifIndex, or
/// `entPhysicalTable` joined with `entPhySensorTable` by entPhysicalIndex. A row is the set of cells whose OIDs end
/// in the same index after their column's OID; `where` keeps the rows the probe is about ("the interfaces whose
/// ifAlias names a carrier uplink", "every sensor of type percentRH").
public struct SNMPTableSpec: Sendable, Hashable {
    public var name: String
    public var columns: [SNMPColumnSpec]
    /// Every condition must hold for a row to be selected.
    public var filters: [SNMPRowFilter]
    /// The column that names a row in reasons (`ifAlias`, `entPhysicalDescr`); nil: the row's index alone.
    public var label: String?
    /// Where it was defined (for messages).
    public var line: Int?

    public init(
        name: String, columns: [SNMPColumnSpec], filters: [SNMPRowFilter] = [], label: String? = nil, line: Int? = nil
    ) {
        self.name = name
        self.columns = columns
        self.filters = filters
        self.label = label
        self.line = line
    }

    public func column(_ name: String) -> SNMPColumnSpec? { columns.first { $0.name == name } }
}

/// One column of an `SNMPTableSpec`: its OID (without index), how its values map to ok / alarm, and what kind of
/// number it holds.
public struct SNMPColumnSpec: Sendable, Hashable {
    /// How a column's number is a point in time, for `max_age`.
    public enum TimeBase: String, Sendable, Hashable {
        /// Seconds since 1970 (a vendor's own clock column).
        case unix
        /// An SNMPv2-TC TimeStamp: the agent's sysUpTime (hundredths of a second) when the value was last
        /// updated (ENTITY-SENSOR-MIB entPhySensorValueTimeStamp). Its age is sysUpTime.0 minus it.
        case sysUpTime
    }

    public var name: String
    public var oid: String
    public var ok: [String]
    public var alarm: [String]
    public var time: TimeBase?
    /// For a sensor value (ENTITY-SENSOR-MIB entPhySensorValue): the columns holding its SensorDataScale and
    /// SensorPrecision; the number compared is value × 10^scale / 10^precision.
    public var scaledBy: (scale: String, precision: String)?

    public init(
        name: String, oid: String, ok: [String] = [], alarm: [String] = [], time: TimeBase? = nil,
        scaledBy: (scale: String, precision: String)? = nil
    ) {
        self.name = name
        self.oid = oid
        self.ok = ok
        self.alarm = alarm
        self.time = time
        self.scaledBy = scaledBy
    }

    public static func == (lhs: SNMPColumnSpec, rhs: SNMPColumnSpec) -> Bool {
        lhs.name == rhs.name && lhs.oid == rhs.oid && lhs.ok == rhs.ok && lhs.alarm == rhs.alarm
            && lhs.time == rhs.time && lhs.scaledBy?.scale == rhs.scaledBy?.scale
            && lhs.scaledBy?.precision == rhs.scaledBy?.precision
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(oid)
    }

    /// The mapping of raw values to ok / alarm, as a value spec (the same rule as scalar values).
    var valueSpec: SNMPValueSpec { SNMPValueSpec(name: name, oid: oid, ok: ok, alarm: alarm) }
}

/// A condition on a row of an SNMP table.
public struct SNMPRowFilter: Sendable, Hashable {
    public enum Test: Sendable, Hashable {
        /// The cell's text matches this regular expression (ICU syntax; `(?i)` for any case).
        case matches(String)
        /// The cell's text is one of these (numbers as written: `[8]`, `[12]`).
        case oneOf([String])
    }

    public var column: String
    public var test: Test

    public init(column: String, test: Test) {
        self.column = column
        self.test = test
    }

    /// Whether `text` (a cell of the row) satisfies the condition.
    public func holds(_ text: String) -> Bool {
        switch test {
        case let .matches(pattern):
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        case let .oneOf(values):
            return values.contains(text)
        }
    }

    /// `ifAlias ~ /uplink/`, `entPhySensorType = 9`.
    public var description: String {
        switch test {
        case let .matches(pattern): "\(column) ~ /\(pattern)/"
        case let .oneOf(values): "\(column) = \(values.joined(separator: " or "))"
        }
    }
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
    /// On every agent, at least one of the named SNMP values exists; the absent ones are observations, not
    /// failures (`any_value:`; 5.2.2-1's device kinds are examples, one kind present is devices present).
    case snmpAnyPresent(values: [String])
    /// The named SNMP value holds a Unix time no older than `maxAge` seconds (nil: the site's
    /// `limits.sensor_max_age`).
    case snmpFresh(value: String, maxAge: Double?)
    /// At least `minimum` rows of the table are selected by its `where` (a table with no selected row fails every
    /// expectation on it: nothing is never a pass).
    case snmpRows(table: String, minimum: Int)
    /// A test on one column of every selected row of a table (`some`: of at least one row; the others are listed).
    case snmpColumn(table: String, column: String, test: SNMPCellTest, some: Bool)
    /// TLS protocol at least this version (`1.2`, `1.3`).
    /// (nil: the site's `limits.tls_min_version`)
    case tlsMinimumVersion(String?)
    /// The certificate is currently valid and stays valid for at least this many days.
    /// (nil: the site's `limits.certificate_margin_days`)
    case certificateValidDays(Int?)
}

/// What must hold of a cell of an SNMP table.
public enum SNMPCellTest: Sendable, Hashable {
    /// The cell exists (the agent answered it).
    case present
    /// The cell maps to ok by the column's `ok:` / `alarm:` lists (alarm fails; anything else is an error).
    case stateOK
    /// The cell is a point in time (the column's `time:`) no older than this many seconds (nil: the site's
    /// `limits.sensor_max_age`).
    case fresh(maxAge: Double?)
    /// The cell (scaled, for a sensor value) is at least / at most this bound.
    case atLeast(Bound)
    case atMost(Bound)
}

/// A number an expectation compares with: written in the probe file, or a limit of the site profile
/// (`limits.humidity_max`), which the report prints in its method section.
public enum Bound: Sendable, Hashable {
    case number(Double)
    case limit(String)
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
