import AuditChecklist
import AuditModel
import AuditProbes
import AuditSite
import AuditStore
import AuditSupport
import Foundation

/// `mallaudit lint`: everything that can be checked about a site profile without contacting the mall, and the
/// checks `probe` and `run` make before they start.
///
/// What is checked (each problem names the file and line):
/// - the profile itself (`SiteProfile.load`), its probe files (`ProbeDefinitionLoader`, every probe's statement ids,
///   systems and agents), its findings file (`FindingsFile`, `FindingRules.validate`: statement ids, evidence files);
/// - the data exports and the calendar it names exist (a folder for `wifi_logs`, a file for the others); a `ca_file`
///   that does not exist is a warning (the TLS probes of that system will be `error`);
/// - values still holding the markers of `mallaudit init`'s template (``templateMarkers``): the mall's name
///   示例购物中心, an address with 某某, the credit code 91320300000000000X, `CHANGE ME`, hosts under `example.com`,
///   SNMP agents in the documentation address ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), the
///   assessor 张三. Comments are not values: a comment may keep saying `CHANGE ME` once the value is filled in;
/// - self-contradictions: an area on a basement level the building does not have (`areas: [B2]` with
///   `basement_levels: 1`), an SNMP agent watching an area the profile does not list.
public enum SiteLint {
    /// A value of `init`'s template that a filled-in profile no longer holds.
    public struct Marker: Sendable {
        /// What the value contains (compared case-insensitively for Latin text).
        public var text: String
        /// Why it is a marker, for the message.
        public var meaning: String
        /// Only values at these YAML paths (nil: any value). A path ends with the key (`assessor`, `decided_by`).
        public var keys: Set<String>?
        /// The whole value must be `text`, not only contain it.
        public var whole: Bool

        init(_ text: String, _ meaning: String, keys: Set<String>? = nil, whole: Bool = false) {
            self.text = text
            self.meaning = meaning
            self.keys = keys
            self.whole = whole
        }

        func matches(_ value: String, key: String) -> Bool {
            if let keys, !keys.contains(key) { return false }
            if whole { return value.trimmingCharacters(in: .whitespaces) == text }
            return value.range(of: text, options: [.caseInsensitive]) != nil
        }
    }

    /// The markers of `SiteTemplate.text`, and the other documentation address ranges.
    public static let templateMarkers: [Marker] = [
        Marker("CHANGE ME", "a value the template asks to change"),
        Marker("示例购物中心", "the template's example mall name", keys: ["name"]),
        Marker("某某", "the template's placeholder address", keys: ["address"]),
        Marker("91320300000000000X", "the template's example credit code", keys: ["credit_code"], whole: true),
        Marker(".example.com", "an example host of the template", keys: ["base_url"]),
        Marker("192.0.2.", "an address of the documentation range 192.0.2.0/24 (the template's example)",
               keys: ["address"]),
        Marker("198.51.100.", "an address of the documentation range 198.51.100.0/24", keys: ["address"]),
        Marker("203.0.113.", "an address of the documentation range 203.0.113.0/24", keys: ["address"]),
        Marker("张三", "the template's placeholder assessor", keys: ["assessor", "decided_by"], whole: true),
    ]

    /// What `check` found: the loaded inputs (nil when they could not be loaded) and every diagnostic, errors and
    /// warnings, in the order found.
    public struct Report: Sendable {
        public var site: URL
        public var profile: SiteProfile?
        public var probeCount: Int = 0
        public var findingCount: Int = 0
        public var diagnostics: [Diagnostic] = []
        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity != .error } }
    }

    /// Checks the site profile at `site`, its probes, its findings (`findings`, else the profile's) and its data
    /// paths, offline. Never throws for a problem of the inputs: problems are diagnostics of the report.
    public static func check(
        site: URL, checklist checklistURL: URL? = nil, findings findingsURL: URL? = nil, assessor: String? = nil
    ) -> Report {
        var report = Report(site: site)
        func collect(_ body: () throws -> Void) {
            do {
                try body()
            } catch let error as DiagnosticsError {
                report.diagnostics += error.diagnostics
            } catch {
                report.diagnostics.append(Diagnostic(file: nil, message: "\(error)"))
            }
        }
        // The markers first: a template left unfilled is said as such, even where it also fails to load.
        collect { report.diagnostics += try markers(site) }
        var loaded: SiteProfile?
        collect { loaded = try SiteProfile.load(site) }
        guard let profile = loaded else { return report }
        report.profile = profile
        var checklist: Checklist?
        collect { checklist = try ChecklistLoader.load(file: checklistURL ?? ChecklistLocator.defaultChecklist()) }
        var probes: [ProbeDefinition] = []
        collect { probes = try ProbeDefinitionLoader.load(profile.probePaths) }
        report.probeCount = probes.count
        if let checklist {
            report.diagnostics += profile.unknownStatements(in: checklist)
            for probe in probes { report.diagnostics += probe.problems(profile: profile, checklist: checklist) }
        }
        if let file = findingsURL ?? profile.findings {
            collect {
                let findings = try FindingsFile.load(file, defaultAssessor: assessor ?? profile.assessor).findings
                report.findingCount = findings.count
                if let checklist {
                    report.diagnostics += FindingRules.validate(
                        findings, checklist: checklist, evidenceLimit: try EvidenceFiles.sizeLimit())
                }
            }
        }
        collect { report.diagnostics += try contradictions(profile) + paths(profile) }  // the markers are said above
        return report
    }

    /// The checks of the profile beyond loading it, as `probe` and `run` make them before anything runs: template
    /// markers, contradictions, data paths. Errors and warnings both; the caller refuses on errors.
    public static func problems(_ profile: SiteProfile) throws -> [Diagnostic] {
        try markers(profile.file) + contradictions(profile) + paths(profile)
    }

    /// Values of the profile that still hold a marker of `init`'s template, one error each, at the value's line.
    static func markers(_ file: URL) throws -> [Diagnostic] {
        let root = try YAMLValue.load(file)
        var found: [Diagnostic] = []
        func walk(_ value: YAMLValue, key: String, path: String) {
            if let entries = try? value.entries() {
                for (name, child) in entries { walk(child, key: name, path: path.isEmpty ? name : "\(path).\(name)") }
            } else if let items = try? value.items() {
                for (index, item) in items.enumerated() { walk(item, key: key, path: "\(path)[\(index)]") }
            } else if let text = try? value.string(),
                let marker = templateMarkers.first(where: { $0.matches(text, key: key) })
            {
                found.append(
                    Diagnostic(
                        file: file.path, line: value.line, column: value.column,
                        message: "\(path.isEmpty ? "" : path + ": ")'\(text)' is \(marker.meaning) "
                            + "(the profile of `mallaudit init` not filled in)",
                        expected: "the mall's own value"))
            }
        }
        walk(root, key: "", path: "")
        return found
    }

    /// What the profile says that contradicts what it says elsewhere.
    static func contradictions(_ profile: SiteProfile) throws -> [Diagnostic] {
        let root = try YAMLValue.load(profile.file)
        var found: [Diagnostic] = []
        let basements = profile.mall.basementLevels
        let areaNodes = (try? root["areas"]?.items()) ?? []
        for node in areaNodes {
            guard let name = try? node.string(), let floor = Floor(name), floor.level < 0, -floor.level > basements
            else { continue }
            found.append(
                Diagnostic(
                    file: profile.file.path, line: node.line, column: node.column,
                    message: "areas: \(name) is a basement level, but mall.basement_levels is \(basements)",
                    expected: "basement_levels counting every basement level the areas name (at least \(-floor.level))"
                ))
        }
        if !profile.areas.isEmpty {
            for (name, agent) in profile.snmpAgents.sorted(by: { $0.key < $1.key }) {
                guard let area = agent.area, !profile.areas.contains(area) else { continue }
                let node = root["snmp"]?[name]?["area"]
                found.append(
                    Diagnostic(
                        file: profile.file.path, line: node?.line, column: node?.column,
                        message: "snmp.\(name).area: '\(area)' is not one of the mall's areas "
                            + "(\(profile.areas.joined(separator: ", ")))",
                        expected: "an area listed under areas:"))
            }
        }
        return found
    }

    /// Data exports, the calendar and CA files the profile names that are not there.
    static func paths(_ profile: SiteProfile) throws -> [Diagnostic] {
        let root = try YAMLValue.load(profile.file)
        var found: [Diagnostic] = []
        let data = profile.data
        let named: [(String, URL?, Bool)] = [
            ("wifi_logs", data.wifiLogs, true), ("satisfaction", data.satisfaction, false),
            ("complaints", data.complaints, false), ("payments", data.payments, false),
            ("catalog_online", data.catalogOnline, false), ("catalog_offline", data.catalogOffline, false),
            ("calendar", data.calendar, false),
        ]
        for (key, url, folderAllowed) in named {
            guard let url else { continue }
            var isDirectory: ObjCBool = false
            let node = root["data"]?[key]
            if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                found.append(
                    Diagnostic(
                        file: profile.file.path, line: node?.line, column: node?.column,
                        message: "data.\(key): '\(url.path)' does not exist",
                        expected: (folderAllowed ? "a folder (or file) of the export" : "the export file")
                            + ", relative to the profile; leave the key out if the mall cannot export it"))
            } else if isDirectory.boolValue && !folderAllowed {
                found.append(
                    Diagnostic(
                        file: profile.file.path, line: node?.line, column: node?.column,
                        message: "data.\(key): '\(url.path)' is a folder", expected: "a file"))
            }
        }
        for (name, system) in profile.httpSystems.sorted(by: { $0.key < $1.key }) {
            guard let caFile = system.caFile else { continue }
            let url = URL(fileURLWithPath: caFile)  // the loader made it absolute
            guard !FileManager.default.fileExists(atPath: url.path) else { continue }
            let node = root["http"]?[name]?["ca_file"]
            found.append(
                Diagnostic(
                    .warning, file: profile.file.path, line: node?.line, column: node?.column,
                    message: "http.\(name).ca_file: '\(url.path)' does not exist (its TLS probes will be error)",
                    expected: "the CA certificate (PEM) that issued the system's certificate"))
        }
        return found
    }
}
