import AuditHTTP
import AuditModel
import AuditSNMP
import AuditSupport
import Foundation

/// Reads probe definition files (`probes/*.yaml`): a top-level `probes:` list.
public enum ProbeDefinitionLoader {
    /// Measured-check kinds a probe may name with `check:`.
    public static let checkKinds = ["wifi-logs", "satisfaction", "complaints", "payments", "catalog"]

    /// Loads every `.yaml`/`.yml` file of the given files and directories (directories in name order).
    /// Ids must be unique across all files.
    public static func load(_ paths: [URL]) throws -> [ProbeDefinition] {
        var seen: [String: ProbeDefinition] = [:]
        var all: [ProbeDefinition] = []
        for file in try files(paths) {
            for probe in try parse(YAMLValue.load(file)) {
                if let first = seen[probe.id] {
                    throw DiagnosticsError(Diagnostic(
                        file: probe.file, line: probe.line, message: "duplicate probe id '\(probe.id)'",
                        expected: "a unique id (first defined at \(first.file):\(first.line ?? 0))"))
                }
                seen[probe.id] = probe
                all.append(probe)
            }
        }
        return all
    }

    /// The probe files `load` reads for `paths`: each file, and each directory's `.yaml`/`.yml` files in name order.
    public static func files(_ paths: [URL]) throws -> [URL] {
        var files: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
                throw DiagnosticsError(Diagnostic(file: path.path, message: "probe definitions not found",
                                                  expected: "a .yaml file or a directory of them"))
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path.path).sorted()
                files += names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                    .map { path.appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Parses one document.
    public static func parse(_ root: YAMLValue) throws -> [ProbeDefinition] {
        try root.requireKeys(in: ["probes"])
        return try root.required("probes", expected: "a list of probes").items().map(parseProbe)
    }

    static func parseProbe(_ node: YAMLValue) throws -> ProbeDefinition {
        try node.requireKeys(in: ["id", "title", "statements", "snmp", "http", "tls", "check", "expect", "conclusive"])
        let id = try node.required("id", expected: "a probe id such as machine-room-water-leak").nonEmptyString()
        let statements = try node.required("statements", expected: "the statement ids it gives evidence for")
            .stringList()
        if statements.isEmpty {
            throw node.problem("probe '\(id)' is bound to no statement", expected: "statements: [5.2.5-4]")
        }
        let kinds = ["snmp", "http", "tls", "check"].filter { node[$0] != nil }
        guard kinds.count == 1 else {
            throw node.problem("probe '\(id)' must say what to ask exactly once",
                               expected: "one of snmp:, http:, tls:, check: (found \(kinds.isEmpty ? "none" : kinds.joined(separator: ", ")))")
        }
        let request: ProbeRequest
        switch kinds[0] {
        case "snmp": request = .snmp(try parseSNMP(node["snmp"]!))
        case "http": request = .http(try parseHTTP(node["http"]!))
        case "tls":
            let tls = node["tls"]!
            try tls.requireKeys(in: ["system", "path"])
            request = .tls(TLSRequestSpec(
                system: try tls.required("system", expected: "an http system of the site profile").nonEmptyString(),
                path: try tls["path"]?.nonEmptyString() ?? "/"))
        default:
            request = .check(try node["check"]!.choice(checkKinds))
        }
        var expectations: [Expectation] = []
        if let expect = node["expect"] {
            expectations = try expect.items().map(parseExpectation)
        }
        if expectations.isEmpty, case .check = request {} else if expectations.isEmpty {
            throw node.problem("probe '\(id)' says nothing about what must hold", expected: "an expect: list")
        }
        return ProbeDefinition(
            id: id, title: try node["title"]?.nonEmptyString() ?? id, statements: statements, request: request,
            expectations: expectations, conclusive: try node["conclusive"]?.bool() ?? true, file: node.file,
            line: node.line)
    }

    static func parseSNMP(_ node: YAMLValue) throws -> SNMPRequestSpec {
        try node.requireKeys(in: ["agent", "agents", "values"])
        let selection: SNMPRequestSpec.AgentSelection
        if let agent = node["agent"] {
            selection = .named(try agent.nonEmptyString())
        } else if let agents = node["agents"] {
            _ = try agents.choice(["every-area"])
            selection = .everyArea
        } else {
            throw node.problem("no agent", expected: "agent: NAME (from the site profile) or agents: every-area")
        }
        let values = try node.required("values", expected: "a list of {name, oid, ok, alarm}").items().map {
            value -> SNMPValueSpec in
            try value.requireKeys(in: ["name", "oid", "ok", "alarm"])
            let oid = try value.required("oid", expected: "a numeric OID such as .1.3.6.1.4.1.99999.1.1.0")
                .nonEmptyString()
            // The SNMP adapter's own parser: an OID it would refuse at run time is refused here, at its line.
            guard SNMPObjectID(oid) != nil else {
                throw value["oid"]!.problem(
                    "'\(oid)' is not a numeric OID", expected: ".1.3.6.1… (arcs of ASCII digits, each below 2^32)")
            }
            let digits = oid.hasPrefix(".") ? String(oid.dropFirst()) : oid
            return SNMPValueSpec(
                name: try value.required("name", expected: "a name for the value").nonEmptyString(),
                oid: "." + digits, ok: try value["ok"]?.stringList() ?? [], alarm: try value["alarm"]?.stringList() ?? [])
        }
        return SNMPRequestSpec(agents: selection, values: values)
    }

    static func parseHTTP(_ node: YAMLValue) throws -> HTTPRequestSpec {
        try node.requireKeys(in: ["system", "method", "path", "body", "follow_redirects"])
        let path = try node["path"]?.nonEmptyString() ?? "/"
        guard path.hasPrefix("/") else { throw node["path"]!.problem("'\(path)' is not a path", expected: "/…") }
        return HTTPRequestSpec(
            system: try node.required("system", expected: "an http system of the site profile").nonEmptyString(),
            method: try node["method"]?.choice(["GET", "POST", "HEAD"]) ?? "GET", path: path,
            body: try node["body"]?.string(), followRedirects: try node["follow_redirects"]?.bool() ?? false)
    }

    static func parseValueTest(_ node: YAMLValue) throws -> ValueTest {
        if let value = node["equals"] { return .equals(try value.string()) }
        if let value = node["contains"] { return .contains(try value.string()) }
        if let value = node["at_least"] {
            let number = try value.double()
            guard number.isFinite else { throw value.problem("'\(number)' is not a finite number", expected: "a number") }
            return .atLeast(number)
        }
        if let value = node["non_empty"], try value.bool() { return .nonEmpty }
        if let value = node["covers_areas"] {
            guard try value.bool() else {
                throw value.problem("covers_areas: false checks nothing", expected: "covers_areas: true, or leave it out")
            }
            return .coversAreas
        }
        return .exists
    }

    /// The keys that make an expectation's kind, and the keys each kind may add.
    private static let expectationKinds: KeyValuePairs<String, Set<String>> = [
        "status": [], "header": ["matches"], "json": ["equals", "contains", "at_least", "non_empty", "covers_areas"],
        "xpath": ["equals", "contains", "at_least", "non_empty", "covers_areas"], "body": ["matches"],
        "value": ["state", "present", "max_age"], "tls_min_version": [], "cert_valid_days": [],
    ]

    /// One kind per entry, with only the keys that kind reads, and at most one test: `{status: [302], header:
    /// Location}` or `{json: $.a, equals: x, at_least: 3}` would otherwise check only part of what it says.
    static func requireOneExpectation(_ node: YAMLValue) throws {
        let keys = try node.entries().map(\.key)
        let kinds = expectationKinds.map(\.key).filter(keys.contains)
        if kinds.count > 1 {
            throw node.problem(
                "one expectation per entry, found \(kinds.joined(separator: " and "))",
                expected: "a separate `- {…}` entry for each check")
        }
        let kind = kinds.first ?? (keys.contains("matches") ? "body" : nil)
        guard let kind, let allowed = expectationKinds.first(where: { $0.key == kind })?.value else { return }
        let extra = keys.filter { $0 != kind && !allowed.contains($0) }
        if !extra.isEmpty {
            throw node.problem(
                "\(extra.map { "'\($0)'" }.joined(separator: ", ")) does not go with '\(kind)'",
                expected: allowed.isEmpty ? "\(kind) alone" : "\(kind) with one of \(allowed.sorted().joined(separator: ", "))")
        }
        let tests = keys.filter(allowed.contains)
        if tests.count > 1 {
            throw node.problem(
                "one test per entry, found \(tests.joined(separator: " and "))",
                expected: "a separate `- {…}` entry for each test")
        }
    }

    static func parseExpectation(_ node: YAMLValue) throws -> Expectation {
        let expected = "one of status, header, json, xpath, body, value (SNMP), tls_min_version, cert_valid_days"
        try node.requireKeys(in: ["status", "header", "matches", "json", "xpath", "equals", "contains", "at_least", "covers_areas",
                                  "non_empty", "body", "value", "state", "present", "max_age", "tls_min_version",
                                  "cert_valid_days"])
        try requireOneExpectation(node)
        if let status = node["status"] {
            return .status(try status.stringList().map { text in
                guard let code = Int(text), (100...599).contains(code) else {
                    throw status.problem("'\(text)' is not an HTTP status", expected: "a number from 100 to 599")
                }
                return code
            })
        }
        if let header = node["header"] {
            return .header(name: try header.nonEmptyString(), matches: try node["matches"].map { try regex($0) })
        }
        // JSON paths and XPaths are compiled here, by the same code that runs them: a mistyped one is refused at its
        // line when the file is loaded, not found when the probe runs.
        if let json = node["json"] {
            let path = try json.nonEmptyString()
            guard path.hasPrefix("$") else { throw json.problem("'\(path)' is not a JSON path", expected: "$.a.b[0]") }
            do {
                _ = try JSONPath(path)
            } catch {
                throw json.problem("'\(path)' is not a JSON path: \(error.message)", expected: "$.a.b[0], $.items[*].id")
            }
            return .json(path: path, test: try parseValueTest(node))
        }
        if let xpath = node["xpath"] {
            let expression = try xpath.nonEmptyString()
            if let problem = XPathQuery.compileProblem(expression) {
                throw xpath.problem(
                    "'\(expression)' is not an XPath: \(problem)",
                    expected: "an XPath 1.0 expression, e.g. //form/@action")
            }
            return .xpath(expression, test: try parseValueTest(node))
        }
        if node["body"] != nil || (node["matches"] != nil && node["header"] == nil) {
            return .body(matches: try regex(try node.required("matches", expected: "a regular expression")))
        }
        if let value = node["value"] {
            let name = try value.nonEmptyString()
            if let state = node["state"] {
                return .snmpState(value: name, state: SNMPState(rawValue: try state.choice(["ok"]))!)
            }
            if let age = node["max_age"] {
                if try age.string() == limitKeyword { return .snmpFresh(value: name, maxAge: nil) }
                let seconds = try age.double()
                guard seconds > 0, seconds.isFinite else {
                    throw age.problem("must be positive", expected: "seconds, or `limit` for the site's limit")
                }
                return .snmpFresh(value: name, maxAge: seconds)
            }
            return .snmpPresent(value: name)
        }
        if let version = node["tls_min_version"] {
            if try version.string() == limitKeyword { return .tlsMinimumVersion(nil) }
            return .tlsMinimumVersion(try version.choice(["1.0", "1.1", "1.2", "1.3", limitKeyword]))
        }
        if let days = node["cert_valid_days"] {
            if try days.string() == limitKeyword { return .certificateValidDays(nil) }
            let value = try days.int()
            guard value >= 0 else { throw days.problem("must not be negative", expected: "days, or `limit`") }
            return .certificateValidDays(value)
        }
        throw node.problem("an expectation of unknown kind", expected: expected)
    }

    /// Written instead of a number (`max_age: limit`): the value of the site profile's `limits:` (or its default),
    /// which the report prints in its method section.
    static let limitKeyword = "limit"

    private static func regex(_ node: YAMLValue) throws -> String {
        let pattern = try node.string()
        do {
            _ = try NSRegularExpression(pattern: pattern)
        } catch {
            throw node.problem("'\(pattern)' is not a valid regular expression", expected: "an ICU regular expression")
        }
        return pattern
    }
}
