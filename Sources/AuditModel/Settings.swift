/// Limits of the tool itself: numbers the standard never set that still decide a verdict (how old a sensor reading
/// may be, how close to expiry a certificate may be, the oldest acceptable TLS). Each has a documented default, can
/// be set in the site profile (`limits:`), is stored with the run and printed in the report's method section; a
/// failure caused by one says so in its reason. The standard's own numbers (60 days, 85 %, 5 working days) are never
/// settings.
public struct ToolLimits: Sendable, Hashable, Codable {
    /// `limits.sensor_max_age`: seconds a sensor's last reading may be old and still count as reporting.
    public var sensorMaxAge: Double
    /// `limits.certificate_margin_days`: days a certificate must stay valid for a TLS check to pass.
    public var certificateMarginDays: Int
    /// `limits.tls_min_version`: the oldest TLS version that counts as secure (`1.2`).
    public var minimumTLSVersion: String
    /// `limits.humidity_max`: the highest relative humidity (%RH) of the machine room that still counts as
    /// moisture-proofed (5.2.5-3 防潮). The standard names no number; the mall's own design range for the room is
    /// what it should be set to.
    public var humidityMax: Double

    public static let defaultSensorMaxAge: Double = 900
    public static let defaultCertificateMarginDays = 30
    public static let defaultMinimumTLSVersion = "1.2"
    public static let defaultHumidityMax: Double = 80

    public init(
        sensorMaxAge: Double = ToolLimits.defaultSensorMaxAge,
        certificateMarginDays: Int = ToolLimits.defaultCertificateMarginDays,
        minimumTLSVersion: String = ToolLimits.defaultMinimumTLSVersion,
        humidityMax: Double = ToolLimits.defaultHumidityMax
    ) {
        self.sensorMaxAge = sensorMaxAge
        self.certificateMarginDays = certificateMarginDays
        self.minimumTLSVersion = minimumTLSVersion
        self.humidityMax = humidityMax
    }

    private enum CodingKeys: String, CodingKey { case sensorMaxAge, certificateMarginDays, minimumTLSVersion, humidityMax }

    /// Decodes limits stored before `humidityMax` existed (they were judged without it: the default) as well as new
    /// ones.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sensorMaxAge = try container.decode(Double.self, forKey: .sensorMaxAge)
        certificateMarginDays = try container.decode(Int.self, forKey: .certificateMarginDays)
        minimumTLSVersion = try container.decode(String.self, forKey: .minimumTLSVersion)
        humidityMax = try container.decodeIfPresent(Double.self, forKey: .humidityMax) ?? ToolLimits.defaultHumidityMax
    }

    /// The numeric limits a probe file may compare with by name (`at_most: limits.humidity_max`).
    public static let numericKeys = ["sensor_max_age", "humidity_max"]

    /// The value of the numeric limit `key` (`humidity_max`), nil for a key that is not one.
    public func number(_ key: String) -> Double? {
        switch key {
        case "sensor_max_age": sensorMaxAge
        case "humidity_max": humidityMax
        default: nil
        }
    }
}

/// Readings of words the standard leaves open, each a named setting with a default (`readings:` in the site
/// profile), stored with the run and printed in the report's method section.
public struct Readings: Sendable, Hashable, Codable {
    /// `readings.payment_capability` (6.6.2-1 商场应具备…主流支付能力): `mall` — the mall offers each capability
    /// (somewhere); `eachMerchant` — every merchant must offer each one. Per-merchant gaps are listed either way.
    public var paymentCapability: Scope
    /// `readings.basement_exception_levels` (5.2.5-2 如有地下二、三层，可将机房设在地下一层): how many basement
    /// levels a building needs for its machine room to be allowed on B1. Default 2: "地下二、三层" read as a building
    /// whose basement reaches B2 or B3.
    public var basementExceptionLevels: Int

    public static let defaultPaymentCapability = Scope.mall
    public static let defaultBasementExceptionLevels = 2

    public init(
        paymentCapability: Scope = Readings.defaultPaymentCapability,
        basementExceptionLevels: Int = Readings.defaultBasementExceptionLevels
    ) {
        self.paymentCapability = paymentCapability
        self.basementExceptionLevels = basementExceptionLevels
    }
}

/// Everything a run was judged with besides the checklist and the evidence: the limits, the readings, the areas
/// the site profile declares and the mall's time zone. Stored with the run; printed in the report's method section.
public struct AuditSettings: Sendable, Hashable, Codable {
    public var limits: ToolLimits
    public var readings: Readings
    /// The areas of the site profile (every-area obligations are judged against these).
    public var areas: [String]
    /// The mall's time zone (IANA name) in which days are counted and times are shown.
    public var timeZone: String
    /// How personal information is recognised and masked (built-in rules plus the profile's `privacy:`).
    public var privacy: PrivacyRules

    public static let defaultTimeZone = "Asia/Shanghai"

    public init(
        limits: ToolLimits = ToolLimits(), readings: Readings = Readings(), areas: [String] = [],
        timeZone: String = AuditSettings.defaultTimeZone, privacy: PrivacyRules = PrivacyRules()
    ) {
        self.limits = limits
        self.readings = readings
        self.areas = areas
        self.timeZone = timeZone
        self.privacy = privacy
    }

    private enum CodingKeys: String, CodingKey { case limits, readings, areas, timeZone, privacy }

    /// Decodes settings stored before `privacy` existed as well as new ones.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        limits = try container.decode(ToolLimits.self, forKey: .limits)
        readings = try container.decode(Readings.self, forKey: .readings)
        areas = try container.decode([String].self, forKey: .areas)
        timeZone = try container.decode(String.self, forKey: .timeZone)
        privacy = try container.decodeIfPresent(PrivacyRules.self, forKey: .privacy) ?? PrivacyRules()
    }

    /// One line of the report's method section.
    public struct Entry: Sendable, Hashable, Codable {
        /// The key as written in the site profile (`limits.sensor_max_age`).
        public var key: String
        public var value: String
        public var isDefault: Bool
        public var meaning: LocalizedText
    }

    /// The settings as the report's method section prints them, in a fixed order.
    public var entries: [Entry] {
        [
            Entry(
                key: "limits.sensor_max_age", value: NumberFormat.exact(limits.sensorMaxAge) + " s",
                isDefault: limits.sensorMaxAge == ToolLimits.defaultSensorMaxAge,
                meaning: LocalizedText(
                    zh: "传感器最近一次读数的最长时效（工具限值，非标准数值）",
                    en: "how old a sensor's last reading may be (a limit of the tool, not a number of the standard)")),
            Entry(
                key: "limits.certificate_margin_days", value: "\(limits.certificateMarginDays) d",
                isDefault: limits.certificateMarginDays == ToolLimits.defaultCertificateMarginDays,
                meaning: LocalizedText(
                    zh: "证书剩余有效期下限（工具限值，非标准数值）",
                    en: "days a certificate must stay valid (a limit of the tool, not a number of the standard)")),
            Entry(
                key: "limits.tls_min_version", value: "TLS " + limits.minimumTLSVersion,
                isDefault: limits.minimumTLSVersion == ToolLimits.defaultMinimumTLSVersion,
                meaning: LocalizedText(
                    zh: "视为安全的最低 TLS 版本（工具限值，非标准数值）",
                    en: "the oldest TLS version counted as secure (a limit of the tool, not a number of the standard)")),
            Entry(
                key: "limits.humidity_max", value: NumberFormat.exact(limits.humidityMax) + " %RH",
                isDefault: limits.humidityMax == ToolLimits.defaultHumidityMax,
                meaning: LocalizedText(
                    zh: "机房防潮：相对湿度上限（工具限值，非标准数值）",
                    en: "the highest machine-room relative humidity counted as moisture-proofed (a limit of the tool, "
                        + "not a number of the standard)")),
            Entry(
                key: "readings.payment_capability", value: readings.paymentCapability.rawValue,
                isDefault: readings.paymentCapability == Readings.defaultPaymentCapability,
                meaning: LocalizedText(
                    zh: "6.6.2-1“商场应具备…主流支付能力”：mall = 商场整体具备各项支付能力；eachMerchant = 每个商户均须具备",
                    en: "6.6.2-1 mainstream payment capabilities: mall = the mall offers each; eachMerchant = every "
                        + "merchant must")),
            Entry(
                key: "readings.basement_exception_levels", value: "\(readings.basementExceptionLevels)",
                isDefault: readings.basementExceptionLevels == Readings.defaultBasementExceptionLevels,
                meaning: LocalizedText(
                    zh: "5.2.5-2“如有地下二、三层”：机房可设在地下一层所需的地下层数",
                    en: "5.2.5-2: basement levels a building needs for its machine room to be allowed on B1")),
            Entry(
                key: "mall.time_zone", value: timeZone, isDefault: timeZone == AuditSettings.defaultTimeZone,
                meaning: LocalizedText(
                    zh: "计算日期与显示时间所用的商场时区", en: "the mall's time zone, in which days are counted and times shown")),
            Entry(
                key: "areas", value: areas.isEmpty ? "—" : areas.joined(separator: ", "), isDefault: false,
                meaning: LocalizedText(
                    zh: "站点档案声明的区域（“各区域”条款逐一判定）",
                    en: "the areas the site profile declares (every-area obligations are judged for each)")),
        ]
    }
}

/// How personal information in a mall's exports and answers is recognised (`privacy:` in the site profile), on top
/// of the built-in rules (mainland mobile numbers, MAC addresses, ID-card numbers, e-mail addresses) and the
/// built-in personal column names (docs/privacy.md). Stored with the run, so a later finding is masked the same way.
public struct PrivacyRules: Sendable, Hashable, Codable {
    /// Export columns whose cells are personal (a complainant's name): masked as they are read.
    public var personalColumns: [String]
    /// More identifiers, as named regular expressions (ICU syntax), masked wherever they occur.
    public var patterns: [NamedPattern]

    public struct NamedPattern: Sendable, Hashable, Codable {
        public var name: String
        public var regex: String

        public init(name: String, regex: String) {
            self.name = name
            self.regex = regex
        }
    }

    public init(personalColumns: [String] = [], patterns: [NamedPattern] = []) {
        self.personalColumns = personalColumns
        self.patterns = patterns
    }
}
