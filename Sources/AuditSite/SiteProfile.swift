import AuditModel
import AuditSNMP
import AuditSupport
import Foundation

/// The mall being audited, described by its IT staff in `site.yaml`: who it is, how to reach its systems and
/// sensors, where its data exports are, and which statements it has decided do not apply (with a justification).
///
/// Secrets are never written in the file: it names environment variables (`community_env: MALL_SNMP_COMMUNITY`),
/// read only when a probe runs.
public struct SiteProfile: Sendable {
    public struct Mall: Sendable, Hashable, Codable {
        public var name: String
        public var address: String
        /// 统一社会信用代码 (18 characters).
        public var creditCode: String
        /// How many basement levels the building has (0 when none); with `readings.basement_exception_levels` or
        /// more (default 2), 5.2.5-2 allows the machine room on B1.
        public var basementLevels: Int
        /// The floor of the core machine room (5.2.5-1 / 5.2.5-2), when the profile says.
        public var machineRoomFloor: Floor?
        /// The district (区/县) the mall is in, e.g. 云龙区 (optional `mall.district`); signed bundles name it.
        public var district: String?
        /// The mall's time zone (`mall.time_zone`, an IANA name; default Asia/Shanghai): the measured checks count
        /// the mall's calendar days on this clock.
        public var timeZone: ClockZone

        public init(
            name: String, address: String, creditCode: String, basementLevels: Int, machineRoomFloor: Floor? = nil,
            district: String? = nil, timeZone: ClockZone = .shanghai
        ) {
            self.name = name
            self.address = address
            self.creditCode = creditCode
            self.basementLevels = basementLevels
            self.machineRoomFloor = machineRoomFloor
            self.district = district
            self.timeZone = timeZone
        }
    }

    /// An HTTP system of the mall (member API, parking, kiosks, WiFi portal, payment).
    public struct HTTPSystem: Sendable, Hashable {
        public var name: String
        public var baseURL: String
        /// Header name → value, where a value may come from the environment.
        public var headers: [(name: String, value: SecretOrText)]
        public var timeout: Double
        public var caFile: String?
        public var verifyTLS: Bool

        public static func == (lhs: HTTPSystem, rhs: HTTPSystem) -> Bool {
            lhs.name == rhs.name && lhs.baseURL == rhs.baseURL && lhs.timeout == rhs.timeout
                && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
                && lhs.caFile == rhs.caFile && lhs.verifyTLS == rhs.verifyTLS
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(baseURL)
        }
    }

    /// An SNMP agent (machine-room environment controller, an area's IoT gateway, …): the adapter's own settings
    /// (address, version, the names of the environment variables holding its secrets, timeout, retries) and the
    /// area its sensors are in.
    public struct SNMPAgentProfile: Sendable, Hashable {
        public var name: String
        public var settings: SNMPAgentSettings
        /// The area this agent's sensors are in (for 5.2.2 per-area coverage).
        public var area: String?
        /// What kind of device the agent is (`signage-player`), when it is not an area's IoT gateway: probes select
        /// agents of a role with `agents: {role: …}`; `agents: every-area` selects the agents with an area and no role.
        public var role: String?

        public init(name: String, settings: SNMPAgentSettings, area: String? = nil, role: String? = nil) {
            self.name = name
            self.settings = settings
            self.area = area
            self.role = role
        }
    }

    /// An answer the evaluator excluded from the survey (`data.satisfaction_excluded`): the physical line of its row
    /// in the export and why (an invalid questionnaire).
    public struct SurveyExclusion: Sendable, Hashable {
        public var line: Int
        public var reason: String
        /// `site.yaml:42`: where the profile declares it.
        public var declaredAt: String

        public init(line: Int, reason: String, declaredAt: String) {
            self.line = line
            self.reason = reason
            self.declaredAt = declaredAt
        }
    }

    /// Where the mall's data exports are, for the measured clauses, and how to read them.
    public struct DataFiles: Sendable, Hashable {
        public var wifiLogs: URL?
        /// The WiFi devices' clock for log stamps without a UTC offset (`data.wifi_logs_time_zone`); nil: the mall's.
        public var wifiLogsTimeZone: ClockZone?
        /// How year-less WiFi log stamps get a year (`data.wifi_logs_year`: `as-of`, `file-mtime` or a year).
        public var wifiLogsYear: YearlessStampRule = .asOf
        /// The time field of a JSON-lines WiFi log export (`data.wifi_logs_time_field`); nil: `@timestamp`,
        /// `timestamp`, then `time`.
        public var wifiLogsTimeField: String?
        public var satisfaction: URL?
        public var satisfactionColumn: String?
        /// Survey answers the evaluator excluded, with reasons (`data.satisfaction_excluded`).
        public var satisfactionExcluded: [SurveyExclusion] = []
        public var complaints: URL?
        public var calendar: URL?
        public var payments: URL?
        public var catalogOnline: URL?
        public var catalogOffline: URL?
    }

    public var file: URL
    public var mall: Mall
    public var assessor: String?
    public var areas: [String]
    public var httpSystems: [String: HTTPSystem]
    public var snmpAgents: [String: SNMPAgentProfile]
    public var data: DataFiles
    /// Probe definition files and directories, resolved against the profile's directory.
    public var probePaths: [URL]
    /// The findings file, when the profile names one.
    public var findings: URL?
    public var notApplicable: [NotApplicableDecision]
    /// The mall's time zone (`mall.time_zone`, IANA name): days are counted and times shown in it.
    public var timeZone: String = AuditSettings.defaultTimeZone
    /// The tool's limits (`limits:`; defaults when absent).
    public var limits: ToolLimits = ToolLimits()
    /// Readings of words the standard leaves open (`readings:`; defaults when absent).
    public var readings: Readings = Readings()
    /// How personal data is recognised beyond the built-in rules (`privacy:`).
    public var privacy: PrivacyRules = PrivacyRules()
    /// Digest of the profile's bytes (stored with each run).
    public var digest: String
    /// The line of each not-applicable decision in the profile, by statement id (for diagnostics).
    var notApplicableLines: [String: Int] = [:]
    /// The line where each secret's environment variable is first named, by variable (for diagnostics).
    public internal(set) var secretLines: [String: Int] = [:]
}

extension SiteProfile {
    /// What a run of this profile is judged with besides the checklist: limits, readings, areas, time zone.
    public var settings: AuditSettings {
        AuditSettings(limits: limits, readings: readings, areas: areas, timeZone: timeZone, privacy: privacy)
    }
}

/// A configuration value that is either written in the file or read from an environment variable.
public enum SecretOrText: Sendable, Hashable {
    case text(String)
    /// `env` names the variable; `prefix` is prepended (`Bearer `).
    case environment(name: String, prefix: String)

    /// Whether the value is secret (came from the environment): never log or store it.
    public var isSecret: Bool {
        if case .environment = self { return true }
        return false
    }

    /// The value, or nil when the environment variable is unset or empty (an empty secret would go out as
    /// `Authorization: Bearer ` and come back as a puzzling 401; SNMP secrets are refused the same way).
    public func resolve(_ environment: [String: String]) -> String? {
        switch self {
        case let .text(text): return text
        case let .environment(name, prefix):
            guard let value = environment[name], !value.isEmpty else { return nil }
            return prefix + value
        }
    }

    /// What may be shown: the text, or `$NAME` for a secret.
    public var display: String {
        switch self {
        case let .text(text): return text
        case let .environment(name, _): return "$\(name)"
        }
    }
}

/// A floor of the building: `1F`, `2F`, … above ground, `B1`, `B2`, … below.
public struct Floor: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1 for the ground floor (地面一层), 2 for the next; -1 for B1 (地下一层), -2 for B2.
    public var level: Int

    public init(level: Int) { self.level = level }

    /// Parses `1F`, `F1`, `1`, `B1`, `-1` (case-insensitive); nil for anything else or level 0.
    public init?(_ text: String) {
        let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
        var level: Int?
        if upper.hasPrefix("B"), let number = Int(upper.dropFirst()), number > 0 {
            level = -number
        } else if upper.hasSuffix("F"), let number = Int(upper.dropLast()), number > 0 {
            level = number
        } else if upper.hasPrefix("F"), let number = Int(upper.dropFirst()), number > 0 {
            level = number
        } else if let number = Int(upper), number != 0 {
            level = number
        }
        guard let level else { return nil }
        self.level = level
    }

    public var description: String { level < 0 ? "B\(-level)" : "\(level)F" }
}
