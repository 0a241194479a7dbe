import AuditModel
import AuditSNMP
import AuditSupport
import Foundation

extension SiteProfile {
    /// Reads and checks a site profile. Every problem names the file, the line and what was expected.
    /// Relative paths in the profile are resolved against the profile's directory.
    public static func load(_ url: URL) throws -> SiteProfile {
        let (root, bytes) = try YAMLValue.loadWithBytes(url)
        return try parse(root, file: url, digest: SHA256Digest.hex(of: bytes))
    }

    static func parse(_ root: YAMLValue, file: URL, digest: String) throws -> SiteProfile {
        try root.requireKeys(in: ["mall", "assessor", "areas", "http", "snmp", "data", "probes", "findings",
                                  "not_applicable", "limits", "readings", "privacy"])
        let base = file.deletingLastPathComponent()
        func path(_ value: YAMLValue) throws -> URL {
            let text = try value.nonEmptyString(expected: "a file or directory path")
            return text.hasPrefix("/") ? URL(fileURLWithPath: text) : base.appendingPathComponent(text)
        }

        let mallNode = try root.required(
            "mall", expected: "the mall's name, address, credit_code, basement_levels (and time_zone)")
        try mallNode.requireKeys(in: [
            "name", "address", "credit_code", "basement_levels", "machine_room_floor", "district", "time_zone",
        ])
        let creditNode = try mallNode.required("credit_code", expected: "the 18-character 统一社会信用代码")
        let creditCode = try creditNode.nonEmptyString()
        guard creditCode.count == 18, creditCode.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) else {
            throw creditNode.problem("'\(creditCode)' is not a unified social credit code",
                                     expected: "18 characters, digits and capital letters")
        }
        let basement = try mallNode["basement_levels"]?.int() ?? 0
        if basement < 0 { throw mallNode["basement_levels"]!.problem("is negative", expected: "0, 1, 2 or 3") }
        var machineRoomFloor: Floor?
        if let floorNode = mallNode["machine_room_floor"] {
            let text = try floorNode.nonEmptyString()
            guard let floor = Floor(text) else {
                throw floorNode.problem("'\(text)' is not a floor", expected: "1F, 2F, … above ground or B1, B2, … below")
            }
            if floor.level < 0, -floor.level > basement {
                throw floorNode.problem(
                    "the machine room is on \(floor) but basement_levels is \(basement)",
                    expected: "a floor the building has")
            }
            machineRoomFloor = floor
        }
        let mall = Mall(
            name: try mallNode.required("name", expected: "the mall's name").nonEmptyString(),
            address: try mallNode.required("address", expected: "the mall's address").nonEmptyString(),
            creditCode: creditCode, basementLevels: basement, machineRoomFloor: machineRoomFloor,
            district: try mallNode["district"]?.nonEmptyString(expected: "the district (区/县), e.g. 云龙区"),
            timeZone: try mallNode["time_zone"].map(zone) ?? .shanghai)

        var limits = ToolLimits()
        if let node = root["limits"] {
            try node.requireKeys(in: ["sensor_max_age", "certificate_margin_days", "tls_min_version", "humidity_max"])
            if let value = node["sensor_max_age"] {
                let seconds = try value.double()
                guard seconds > 0, seconds <= 31_536_000 else {
                    throw value.problem("'\(seconds)' is out of range", expected: "seconds, more than 0, at most a year")
                }
                limits.sensorMaxAge = seconds
            }
            if let value = node["certificate_margin_days"] {
                let days = try value.int()
                guard (0...3650).contains(days) else {
                    throw value.problem("'\(days)' is out of range", expected: "days from 0 to 3650")
                }
                limits.certificateMarginDays = days
            }
            if let value = node["tls_min_version"] {
                limits.minimumTLSVersion = try value.choice(["1.0", "1.1", "1.2", "1.3"])
            }
            if let value = node["humidity_max"] {
                let percent = try value.double()
                guard percent > 0, percent <= 100 else {
                    throw value.problem("'\(percent)' is out of range", expected: "a relative humidity in %, more than 0, at most 100")
                }
                limits.humidityMax = percent
            }
        }
        var privacy = PrivacyRules()
        if let node = root["privacy"] {
            try node.requireKeys(in: ["personal_columns", "patterns"])
            privacy.personalColumns = try node["personal_columns"]?.stringList() ?? []
            for item in try node["patterns"]?.items() ?? [] {
                try item.requireKeys(in: ["name", "regex"])
                let name = try item.required("name", expected: "a name for the identifier, e.g. plate").nonEmptyString()
                let regexNode = try item.required("regex", expected: "an ICU regular expression")
                let regex = try regexNode.nonEmptyString()
                if let problem = PersonalData.patternProblem(regex) {
                    throw regexNode.problem(problem, expected: "an ICU regular expression")
                }
                privacy.patterns.append(PrivacyRules.NamedPattern(name: name, regex: regex))
            }
        }
        var readings = Readings()
        if let node = root["readings"] {
            try node.requireKeys(in: ["payment_capability", "basement_exception_levels"])
            if let value = node["payment_capability"] {
                readings.paymentCapability = Scope(rawValue: try value.choice(["mall", "eachMerchant"]))!
            }
            if let value = node["basement_exception_levels"] {
                let levels = try value.int()
                guard (1...10).contains(levels) else {
                    throw value.problem("'\(levels)' is out of range", expected: "a number of levels from 1 to 10")
                }
                readings.basementExceptionLevels = levels
            }
        }

        let areas = try root["areas"]?.stringList() ?? []

        // Where each secret's environment variable is first named, for "variable not set" diagnostics.
        var secretLines: [String: Int] = [:]
        func noteSecret(_ node: YAMLValue?) {
            guard let node, let name = try? node.nonEmptyString(), secretLines[name] == nil else { return }
            secretLines[name] = node.line ?? 0
        }

        var httpSystems: [String: HTTPSystem] = [:]
        for (name, node) in try root["http"]?.entries() ?? [] {
            try node.requireKeys(in: ["base_url", "headers", "timeout", "ca_file", "verify_tls"])
            let baseURL = try node.required("base_url", expected: "http://… or https://…").nonEmptyString()
            guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
                throw node["base_url"]!.problem("'\(baseURL)' is not an HTTP URL", expected: "http://… or https://…")
            }
            var headers: [(name: String, value: SecretOrText)] = []
            for (header, value) in try node["headers"]?.entries() ?? [] {
                headers.append((header, try secretOrText(value)))
                if case .mapping = value.node { noteSecret(value["env"]) }
            }
            let timeout = try node["timeout"]?.double() ?? 5
            if let problem = NetworkTimeout.problem(timeout) {
                throw node["timeout"]!.problem(problem, expected: NetworkTimeout.expected)
            }
            httpSystems[name] = HTTPSystem(
                name: name, baseURL: baseURL, headers: headers, timeout: timeout,
                caFile: try node["ca_file"].map { try path($0).path }, verifyTLS: try node["verify_tls"]?.bool() ?? true)
        }

        var agents: [String: SNMPAgentProfile] = [:]
        for (name, node) in try root["snmp"]?.entries() ?? [] {
            try node.requireKeys(in: ["address", "version", "community_env", "user", "level", "auth_protocol",
                                      "auth_password_env", "priv_protocol", "priv_password_env", "timeout", "retries",
                                      "area", "role", "community"])
            if let community = node["community"] {
                throw community.problem("a community is a secret and is never written in the profile",
                                        expected: "community_env: NAME_OF_AN_ENVIRONMENT_VARIABLE")
            }
            let addressNode = try node.required("address", expected: "udp:HOST:PORT")
            let address = try addressNode.nonEmptyString()
            if let problem = SNMPAgent.addressProblem(address) {
                throw addressNode.problem(problem, expected: "udp:HOST:PORT, e.g. udp:10.0.8.21:161")
            }
            let versionText = try node["version"]?.choice(SNMPAgent.Version.allCases.map(\.rawValue)) ?? "2c"
            let version = SNMPAgent.Version(rawValue: versionText)!
            let settings = SNMPAgentSettings(
                address: address, version: version,
                communityEnv: try node["community_env"]?.nonEmptyString(),
                user: try node["user"]?.nonEmptyString(),
                securityLevel: try node["level"].map { SNMPAgent.SecurityLevel(rawValue: try $0.choice(
                    SNMPAgent.SecurityLevel.allCases.map(\.rawValue)))! },
                authProtocol: try node["auth_protocol"].map { SNMPAgent.AuthProtocol(rawValue: try $0.choice(
                    SNMPAgent.AuthProtocol.allCases.map(\.rawValue)))! } ?? .sha,
                authPassphraseEnv: try node["auth_password_env"]?.nonEmptyString(),
                privProtocol: try node["priv_protocol"].map { SNMPAgent.PrivProtocol(rawValue: try $0.choice(
                    SNMPAgent.PrivProtocol.allCases.map(\.rawValue)))! } ?? .aes,
                privPassphraseEnv: try node["priv_password_env"]?.nonEmptyString(),
                timeout: try node["timeout"]?.double() ?? 1, retries: try node["retries"]?.int() ?? 1, name: name)
            for key in ["community_env", "auth_password_env", "priv_password_env"] { noteSecret(node[key]) }
            let agent = SNMPAgentProfile(
                name: name, settings: settings, area: try node["area"]?.nonEmptyString(),
                role: try node["role"]?.nonEmptyString(expected: "what the agent is, e.g. signage-player"))
            if let problem = SNMPAgent.timeoutProblem(settings.timeout, address: address) {
                throw (node["timeout"] ?? node).problem(problem, expected: "seconds, more than 0 and at most 3600")
            }
            if let problem = SNMPAgent.retriesProblem(settings.retries, address: address) {
                throw (node["retries"] ?? node).problem(problem, expected: "a whole number from 0 to 20")
            }
            if version == .v3, settings.user == nil {
                throw node.problem("an SNMPv3 agent needs a user", expected: "user: NAME")
            }
            if version != .v3, settings.communityEnv == nil {
                throw node.problem("an SNMPv\(versionText) agent needs its community from the environment",
                                   expected: "community_env: NAME_OF_AN_ENVIRONMENT_VARIABLE")
            }
            agents[name] = agent
        }

        var data = DataFiles()
        if let node = root["data"] {
            try node.requireKeys(in: ["wifi_logs", "wifi_logs_time_zone", "wifi_logs_year", "wifi_logs_time_field",
                                      "satisfaction", "satisfaction_column", "satisfaction_excluded", "complaints",
                                      "calendar", "payments", "catalog_online", "catalog_offline"])
            data.wifiLogs = try node["wifi_logs"].map(path)
            data.wifiLogsTimeZone = try node["wifi_logs_time_zone"].map(zone)
            if let yearNode = node["wifi_logs_year"] {
                let text = try yearNode.nonEmptyString()
                guard let rule = YearlessStampRule(text) else {
                    throw yearNode.problem("'\(text)' is not a year rule", expected: YearlessStampRule.expected)
                }
                data.wifiLogsYear = rule
            }
            data.wifiLogsTimeField = try node["wifi_logs_time_field"]?.nonEmptyString(expected: "a JSON field name")
            data.satisfaction = try node["satisfaction"].map(path)
            data.satisfactionColumn = try node["satisfaction_column"]?.nonEmptyString()
            data.satisfactionExcluded = try surveyExclusions(node["satisfaction_excluded"], file: file)
            data.complaints = try node["complaints"].map(path)
            data.calendar = try node["calendar"].map(path)
            data.payments = try node["payments"].map(path)
            data.catalogOnline = try node["catalog_online"].map(path)
            data.catalogOffline = try node["catalog_offline"].map(path)
            if (data.catalogOnline == nil) != (data.catalogOffline == nil) {
                throw node.problem("catalog_online and catalog_offline go together",
                                   expected: "both export paths, or neither")
            }
        }

        let probePaths = try root["probes"]?.items().map(path) ?? []
        let findings = try root["findings"].map(path)

        var decisions: [NotApplicableDecision] = []
        var decisionLines: [String: Int] = [:]
        for item in try root["not_applicable"]?.items() ?? [] {
            try item.requireKeys(in: ["statement", "justification", "decided_by", "decided_at"])
            let statement = try item.required("statement", expected: "a statement id such as 5.2.5-2")
                .nonEmptyString()
            if let first = decisionLines[statement] {
                throw item.problem(
                    "statement \(statement) is declared not applicable twice (first on line \(first))",
                    expected: "one not_applicable entry per statement")
            }
            decisionLines[statement] = item.line ?? 0
            decisions.append(
                NotApplicableDecision(
                    statementID: statement,
                    justification: try item.required("justification", expected: "why the statement does not apply")
                        .nonEmptyString(expected: "a justification: an N/A without one is refused"),
                    decidedBy: try item.required("decided_by", expected: "who decided it").nonEmptyString(),
                    decidedAt: try item["decided_at"]?.date(expected: "the day it was decided, YYYY-MM-DD")))
        }

        var profile = SiteProfile(
            file: file, mall: mall, assessor: try root["assessor"]?.nonEmptyString(), areas: areas,
            httpSystems: httpSystems, snmpAgents: agents, data: data, probePaths: probePaths, findings: findings,
            notApplicable: decisions, limits: limits, readings: readings, privacy: privacy, digest: digest,
            notApplicableLines: decisionLines)
        profile.secretLines = secretLines
        return profile
    }

    /// A time zone: an IANA name, `UTC` or a fixed offset (see ``ClockZone``).
    static func zone(_ node: YAMLValue) throws -> ClockZone {
        let text = try node.nonEmptyString(expected: ClockZone.expected)
        guard let zone = ClockZone(text) else {
            throw node.problem(ClockZone.problem(text) ?? "'\(text)' is not a time zone", expected: ClockZone.expected)
        }
        return zone
    }

    /// `satisfaction_excluded: [{line: 7, reason: 问卷重复填写}, …]`: each line once, each with a reason.
    static func surveyExclusions(_ node: YAMLValue?, file: URL) throws -> [SurveyExclusion] {
        guard let node else { return [] }
        var exclusions: [SurveyExclusion] = []
        var seen: [Int: Int] = [:]
        for item in try node.items() {
            try item.requireKeys(in: ["line", "reason"])
            let lineNode = try item.required("line", expected: "the line of the excluded answer's row in the export")
            let line = try lineNode.int()
            guard line >= 2 else {
                throw lineNode.problem(
                    "\(line) cannot be an answer's row", expected: "a line after the header (2 or more)")
            }
            if let first = seen[line] {
                throw lineNode.problem(
                    "line \(line) is excluded twice (first on line \(first) of the profile)",
                    expected: "one exclusion per answer row")
            }
            seen[line] = item.line ?? 0
            let reason = try item.required("reason", expected: "why the questionnaire is invalid")
                .nonEmptyString(expected: "a reason: an exclusion without one is refused")
            exclusions.append(
                SurveyExclusion(line: line, reason: reason, declaredAt: "\(file.path):\(item.line ?? 0)"))
        }
        return exclusions
    }

    /// `value: text` or `{env: NAME, prefix: "Bearer "}`.
    static func secretOrText(_ node: YAMLValue) throws -> SecretOrText {
        if case .mapping = node.node {
            try node.requireKeys(in: ["env", "prefix"])
            return .environment(
                name: try node.required("env", expected: "the environment variable's name").nonEmptyString(),
                prefix: try node["prefix"]?.string() ?? "")
        }
        return .text(try node.string())
    }

    /// Statement ids the profile mentions that the checklist does not have, as diagnostics.
    public func unknownStatements(in checklist: Checklist) -> [Diagnostic] {
        notApplicable.filter { checklist.statement($0.statementID) == nil }.map {
            Diagnostic(file: file.path, line: notApplicableLines[$0.statementID],
                       message: "not_applicable names unknown statement '\($0.statementID)'",
                       expected: "a statement id of the checklist (mallaudit checklist list)")
        }
    }
}
