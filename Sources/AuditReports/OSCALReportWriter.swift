import AuditModel
import AuditSupport
import Foundation

/// Writes a run as NIST OSCAL assessment results (OSCAL 1.1.2, JSON), for evaluators whose tools import OSCAL. The
/// mapping is documented in docs/reports.md (OSCAL export):
///
/// - one `result` per run (start, end, conformance and the judgement date as properties); its `reviewed-controls`
///   select every clause of the report as a control (`mds-5.1.2`) with its statements (`mds-5.1.2-3`);
/// - one `observation` per statement with evidence: methods from where the evidence came from (a probe of the mall's
///   systems → TEST; a data check or an inspector's inspection or document → EXAMINE; an interview → INTERVIEW), the
///   measurement as properties, and each evidence file as `relevant-evidence` pointing at a back-matter resource
///   with its SHA-256;
/// - one `finding` per statement (target `statement-id`) and per checkpoint (target `objective-id`,
///   `mds-5.1.2-2_obj.realName`): pass → `satisfied`; fail → `not-satisfied`; error and not assessed →
///   `not-satisfied` with reason `other` (never shown satisfied); not applicable → `satisfied` with reason `other`
///   and implementation status `not-applicable`; the tool's verdict is always a property too;
/// - the assessor as a party with the role `assessor`, the mall as a party with the role `assessed-organization`;
/// - back matter: the checklist and the site profile (the plan the run followed, which `import-ap` points to), the
///   evidence files and the measured exports, each with its SHA-256.
///
/// Every UUID is name-based (version 5) on the run's identity, so the same stored run always gives the same bytes.
public struct OSCALReportWriter: Sendable {
    /// The OSCAL version the document declares.
    public static let oscalVersion = "1.1.2"
    /// The namespace of mallaudit's own properties.
    public static let namespace = "https://mallaudit.example/ns/oscal"
    /// Prefix of control, statement and objective ids (OSCAL tokens cannot start with a digit).
    public static let idPrefix = "mds-"

    public init() {}

    /// The assessment results as UTF-8 JSON, sorted keys, ending in a newline.
    public func write(_ report: AuditReport) throws -> Data {
        try report.checkConsistency()
        let document = OSCALDocument(report).build()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(document)
        data.append(0x0A)
        return data
    }

    /// `mds-5.1.2`, `mds-5.1.2-3`.
    static func controlID(_ id: String) -> String { idPrefix + id }

    /// `mds-5.1.2-2_obj.realName`.
    static func objectiveID(_ checkpointID: String) -> String {
        let parts = Checkpoint.split(checkpointID)
        return idPrefix + parts.statement + "_obj." + (parts.checkpoint ?? "")
    }
}

/// A JSON value built in code, encoded with sorted keys.
enum JSONValue: Encodable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}

/// Builds the OSCAL document of one report.
private struct OSCALDocument {
    let report: AuditReport
    let namespace: UUID
    let identity: String

    init(_ report: AuditReport) {
        self.report = report
        // The run's identity: the same stored run always gives the same UUIDs, another run other ones.
        identity = [
            report.run.runID, report.run.startedAt, report.run.mall.name, report.checklist.digest,
            report.run.siteProfileDigest ?? "",
        ].joined(separator: "\u{1F}")
        namespace = UUID(uuidString: NameBasedUUID.v5(namespace: NameBasedUUID.urlNamespace, name: OSCALReportWriter.namespace))!
    }

    func uuid(_ kind: String, _ name: String = "") -> JSONValue {
        .string(NameBasedUUID.v5(namespace: namespace, name: identity + "\u{1F}" + kind + "\u{1F}" + name))
    }

    func uuidString(_ kind: String, _ name: String = "") -> String {
        if case let .string(value) = uuid(kind, name) { return value }
        return ""
    }

    func prop(_ name: String, _ value: String, ours: Bool = true) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(name), "value": .string(value)]
        if ours { object["ns"] = .string(OSCALReportWriter.namespace) }
        return .object(object)
    }

    /// An OSCAL date-time with a time zone; a stored time without one is read as UTC.
    func dateTime(_ text: String) -> String {
        guard let seconds = ReportText.instant(text) else { return text }
        return ReportText.wallClock(seconds).replacingOccurrences(of: " ", with: "T") + "Z"
    }

    func build() -> JSONValue {
        let run = report.run
        let chapters = report.chapters
        let entries = chapters.flatMap { $0.clauses.flatMap(\.statements) }

        // MARK: back matter
        var resources: [JSONValue] = []
        func resource(_ kind: String, _ key: String, title: String, href: String, sha256: String, description: String?)
            -> String
        {
            let id = uuidString("resource", kind + ":" + key)
            var object: [String: JSONValue] = [
                "uuid": .string(id), "title": .string(title),
                "rlinks": .array([
                    .object([
                        "href": .string(href),
                        "hashes": .array([.object(["algorithm": .string("SHA-256"), "value": .string(sha256)])]),
                    ])
                ]),
                "props": .array([prop("resource-kind", kind)]),
            ]
            if let description { object["description"] = .string(description) }
            resources.append(.object(object))
            return id
        }
        let checklistResource = resource(
            "checklist", report.checklist.digest,
            title: "Checklist \(report.checklist.version) of \(report.checklist.standardTitleZH) "
                + "(\(report.checklist.standardTitleEN))",
            href: "checklist/checklist.xml", sha256: report.checklist.digest,
            description: "The standard as the checklist the run was judged against: the assessment plan's controls.")
        if let digest = run.siteProfileDigest {
            _ = resource(
                "site-profile", digest, title: "Site profile of \(run.mall.name)", href: "site/site.yaml",
                sha256: digest,
                description: "The mall's systems, exports, areas, limits and readings the run was planned with.")
        }
        var evidenceResources: [String: String] = [:]
        let allEvidence = entries.flatMap { entry in
            entry.result.evidence + entry.checkpoints.flatMap(\.result.evidence)
        }
        for evidence in allEvidence where evidenceResources[evidence.sha256 + evidence.name] == nil {
            evidenceResources[evidence.sha256 + evidence.name] = resource(
                "evidence", evidence.sha256 + "/" + evidence.name, title: evidence.name,
                href: "evidence/\(evidence.sha256)", sha256: evidence.sha256, description: evidence.description)
        }
        var inputResources: [String: String] = [:]
        for entry in entries {
            for observation in entry.result.observations where observation.name == InputDigest.observationName {
                guard let (sha256, path) = InputDigest.parse(observation.value), inputResources[sha256 + path] == nil
                else { continue }
                inputResources[sha256 + path] = resource(
                    "measured-input", sha256 + "/" + path, title: path, href: path, sha256: sha256,
                    description: "An export a measured check read"
                        + (path.hasSuffix("/") ? " (a folder: SHA-256 of the sha256sum listing of its files)" : "")
                        + ".")
            }
        }

        // MARK: parties
        var parties: [JSONValue] = []
        var responsible: [JSONValue] = []
        let mallParty = uuidString("party", "mall")
        var mallProps: [JSONValue] = []
        if let code = run.mall.creditCode { mallProps.append(prop("unified-social-credit-code", code)) }
        var mallObject: [String: JSONValue] = [
            "uuid": .string(mallParty), "type": .string("organization"), "name": .string(run.mall.name),
        ]
        if !mallProps.isEmpty { mallObject["props"] = .array(mallProps) }
        if let address = run.mall.address {
            mallObject["addresses"] = .array([.object(["addr-lines": .array([.string(address)])])])
        }
        parties.append(.object(mallObject))
        responsible.append(
            .object(["role-id": .string("assessed-organization"), "party-uuids": .array([.string(mallParty)])]))
        var roles: [JSONValue] = [
            .object(["id": .string("assessed-organization"), "title": .string("Assessed organization (the mall)")])
        ]
        if let assessor = run.assessor {
            let party = uuidString("party", "assessor")
            parties.append(.object(["uuid": .string(party), "type": .string("person"), "name": .string(assessor)]))
            roles.insert(.object(["id": .string("assessor"), "title": .string("Assessor")]), at: 0)
            responsible.insert(
                .object(["role-id": .string("assessor"), "party-uuids": .array([.string(party)])]), at: 0)
        }

        // MARK: observations and findings
        var observations: [JSONValue] = []
        var findings: [JSONValue] = []
        for entry in entries {
            let statement = entry.statement
            let result = entry.result
            var related: [JSONValue] = []
            if let observation = observation(entry, evidenceResources: evidenceResources) {
                observations.append(observation)
                related.append(.object(["observation-uuid": uuid("observation", statement.id)]))
            }
            findings.append(
                finding(
                    id: statement.id, target: OSCALReportWriter.controlID(statement.id), type: "statement-id",
                    title: "\(statement.id) \(statement.text.en)", modality: statement.modality,
                    verdict: result.verdict, reason: result.reason, related: related))
            for checkpoint in entry.checkpoints {
                findings.append(
                    finding(
                        id: checkpoint.checkpoint.id, target: OSCALReportWriter.objectiveID(checkpoint.checkpoint.id),
                        type: "objective-id", title: "\(checkpoint.checkpoint.id) \(checkpoint.checkpoint.text.en)",
                        modality: statement.modality, verdict: checkpoint.result.verdict,
                        reason: checkpoint.result.reason, related: related))
            }
        }

        // MARK: the result
        let card = report.scorecard
        var resultProps: [JSONValue] = [
            prop("conformance", card.conformance.rawValue),
            prop("checklist-version", report.checklist.version),
            prop("tool-version", run.toolVersion),
            prop("run-id", run.runID),
            prop("completion", run.completion.rawValue),
        ]
        if let asOf = run.asOf { resultProps.append(prop("judgement-date", asOf)) }
        if let scope = run.scope, !scope.isEmpty { resultProps.append(prop("scope", scope.joined(separator: ","))) }
        for entry in run.settings?.entries ?? [] {
            resultProps.append(
                .object([
                    "name": .string("setting"), "ns": .string(OSCALReportWriter.namespace),
                    "value": .string(entry.value), "class": .string(entry.key),
                    "remarks": .string(entry.meaning.en + (entry.isDefault ? " (default)" : " (set in the site profile)")),
                ]))
        }
        var resultObject: [String: JSONValue] = [
            "uuid": uuid("result"),
            "title": .string("Conformance of \(run.mall.name) to \(report.checklist.standardTitleZH), run \(run.runID)"),
            "description": .string(card.formula(.en)),
            "start": .string(dateTime(run.startedAt)),
            "props": .array(resultProps),
            "reviewed-controls": .object([
                "control-selections": .array([
                    .object([
                        "include-controls": .array(
                            chapters.flatMap(\.clauses).map { clause in
                                .object([
                                    "control-id": .string(OSCALReportWriter.controlID(clause.clause.id)),
                                    "statement-ids": .array(
                                        clause.statements.map { .string(OSCALReportWriter.controlID($0.statement.id)) }),
                                ])
                            })
                    ])
                ])
            ]),
            "findings": .array(findings),
        ]
        if let end = run.endedAt { resultObject["end"] = .string(dateTime(end)) }
        if !observations.isEmpty { resultObject["observations"] = .array(observations) }

        let metadata: [String: JSONValue] = [
            "title": .string(
                "Assessment results: \(run.mall.name) against \(report.checklist.standardTitleZH) "
                    + "(\(report.checklist.standardTitleEN))"),
            "last-modified": .string(dateTime(run.endedAt ?? run.startedAt)),
            "version": .string("run \(run.runID)"),
            "oscal-version": .string(OSCALReportWriter.oscalVersion),
            "roles": .array(roles),
            "parties": .array(parties),
            "responsible-parties": .array(responsible),
            "props": .array([prop("generator", "mallaudit \(run.toolVersion)")]),
        ]
        return .object([
            "assessment-results": .object([
                "uuid": uuid("assessment-results"),
                "metadata": .object(metadata),
                "import-ap": .object([
                    "href": .string("#" + checklistResource),
                    "remarks": .string(
                        "No separate assessment plan: the run followed the checklist and the site profile in the "
                            + "back matter."),
                ]),
                "results": .array([.object(resultObject)]),
                "back-matter": .object(["resources": .array(resources)]),
            ])
        ])
    }

    /// The observation of a statement's evidence; nil when nothing was observed (no evidence, or a decision only).
    func observation(_ entry: ReportStatement, evidenceResources: [String: String]) -> JSONValue? {
        let result = entry.result
        let sources = Set([result.source] + entry.checkpoints.map(\.result.source)).subtracting([.none, .decision])
        guard !sources.isEmpty else { return nil }
        var methods: Set<String> = []
        for source in sources {
            switch source {
            case .probe: methods.insert("TEST")
            case .data: methods.insert("EXAMINE")
            case .manual:
                let used = entry.statement.methods
                if used.contains(.inspection) || used.contains(.document) || !used.contains(.interview) {
                    methods.insert("EXAMINE")
                }
                if used.contains(.interview) { methods.insert("INTERVIEW") }
            case .decision, .none: break
            }
        }
        var props: [JSONValue] = [
            prop("verdict", result.verdict.rawValue), prop("source", result.source.rawValue),
        ]
        if let producer = result.producer { props.append(prop("producer", producer)) }
        if let measurement = result.measurement {
            props.append(prop("measured-value", NumberFormat.xml(measurement.value)))
            props.append(prop("measured-unit", measurement.unit.isEmpty ? "none" : measurement.unit))
            if let sample = measurement.sample { props.append(prop("sample-size", String(sample))) }
            if let margin = measurement.margin { props.append(prop("margin", NumberFormat.xml(margin))) }
            if let threshold = measurement.threshold {
                props.append(
                    prop(
                        "threshold",
                        "\(threshold.quantity) \(threshold.comparison.rawValue) \(NumberFormat.xml(threshold.value)) "
                            + threshold.unit))
            }
        }
        var evidence = result.evidence
        for checkpoint in entry.checkpoints { evidence += checkpoint.result.evidence }
        var seen: Set<String> = []
        let relevant: [JSONValue] = evidence.filter { seen.insert($0.sha256 + $0.name).inserted }.map { file in
            var object: [String: JSONValue] = [
                "description": .string(file.description.map { "\(file.name): \($0)" } ?? file.name)
            ]
            if let id = evidenceResources[file.sha256 + file.name] { object["href"] = .string("#" + id) }
            return .object(object)
        }
        let observationLines = result.observations.map { "\($0.name) = \($0.value)" }
        var object: [String: JSONValue] = [
            "uuid": uuid("observation", entry.statement.id),
            "title": .string("\(entry.statement.id): \(result.producer ?? result.source.rawValue)"),
            "description": .string(result.reason.isEmpty ? result.verdict.rawValue : result.reason),
            "methods": .array(methods.sorted().map(JSONValue.string)),
            "props": .array(props),
            "collected": .string(dateTime(result.judgedAt ?? report.run.startedAt)),
        ]
        if !relevant.isEmpty { object["relevant-evidence"] = .array(relevant) }
        if !observationLines.isEmpty { object["remarks"] = .string(observationLines.joined(separator: "\n")) }
        return .object(object)
    }

    func finding(
        id: String, target: String, type: String, title: String, modality: Modality, verdict: Verdict, reason: String,
        related: [JSONValue]
    ) -> JSONValue {
        var status: [String: JSONValue]
        var targetObject: [String: JSONValue] = ["type": .string(type), "target-id": .string(target)]
        switch verdict {
        case .pass: status = ["state": .string("satisfied"), "reason": .string("pass")]
        case .fail: status = ["state": .string("not-satisfied"), "reason": .string("fail")]
        case .error, .notAssessed:
            status = [
                "state": .string("not-satisfied"), "reason": .string("other"),
                "remarks": .string(
                    verdict == .error
                        ? "Could not be checked (error): never counted as satisfied."
                        : "Not assessed: no evidence settles it; never counted as satisfied."),
            ]
        case .notApplicable:
            status = [
                "state": .string("satisfied"), "reason": .string("other"),
                "remarks": .string("Not applicable, by a recorded and attributed decision."),
            ]
            targetObject["implementation-status"] = .object(["state": .string("not-applicable")])
        }
        targetObject["status"] = .object(status)
        var object: [String: JSONValue] = [
            "uuid": uuid("finding", id),
            "title": .string(title),
            "description": .string(reason.isEmpty ? verdict.rawValue : reason),
            "props": .array([prop("verdict", verdict.rawValue), prop("modality", modality.rawValue)]),
            "target": .object(targetObject),
        ]
        if !related.isEmpty { object["related-observations"] = .array(related) }
        return .object(object)
    }
}
