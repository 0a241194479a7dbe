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
            expectations = try expect.items().map { item in
                let expectation = try parseExpectation(item)
                try check(expectation, against: request, at: item)
                return expectation
            }
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
        try node.requireKeys(in: ["agent", "agents", "values", "tables"])
        let selection: SNMPRequestSpec.AgentSelection
        if let agent = node["agent"] {
            selection = .named(try agent.nonEmptyString())
        } else if let agents = node["agents"] {
            if agents["role"] != nil {
                try agents.requireKeys(in: ["role"])
                selection = .role(try agents["role"]!.nonEmptyString(expected: "a role of the site profile's agents"))
            } else {
                _ = try agents.choice(["every-area"])
                selection = .everyArea
            }
        } else {
            throw node.problem(
                "no agent", expected: "agent: NAME (from the site profile), agents: every-area or agents: {role: ROLE}")
        }
        let values = try node["values"]?.items().map { value -> SNMPValueSpec in
            try value.requireKeys(in: ["name", "oid", "ok", "alarm"])
            return SNMPValueSpec(
                name: try value.required("name", expected: "a name for the value").nonEmptyString(),
                oid: try oid(value, "oid"), ok: try value["ok"]?.stringList() ?? [],
                alarm: try value["alarm"]?.stringList() ?? [])
        } ?? []
        let tables = try node["tables"]?.items().map(parseTable) ?? []
        if values.isEmpty, tables.isEmpty {
            throw node.problem("nothing to read", expected: "values: [{name, oid, …}] and/or tables: [{name, columns, …}]")
        }
        var names: [String: Int?] = [:]
        for (name, line) in values.map({ ($0.name, node.line) }) + tables.map({ ($0.name, $0.line) }) {
            if names[name] != nil {
                throw DiagnosticsError(Diagnostic(
                    file: node.file, line: line ?? node.line, message: "'\(name)' is named twice",
                    expected: "a name used once among the probe's values and tables"))
            }
            names[name] = line
        }
        return SNMPRequestSpec(agents: selection, values: values, tables: tables)
    }

    /// A numeric OID at `key` of `node`, with a leading dot; refused at its line when the SNMP adapter's own parser
    /// would refuse it at run time.
    static func oid(_ node: YAMLValue, _ key: String) throws -> String {
        let oid = try node.required(key, expected: "a numeric OID such as .1.3.6.1.2.1.2.2.1.8").nonEmptyString()
        guard SNMPObjectID(oid) != nil else {
            throw node[key]!.problem(
                "'\(oid)' is not a numeric OID", expected: ".1.3.6.1… (arcs of ASCII digits, each below 2^32)")
        }
        return oid.hasPrefix(".") ? oid : "." + oid
    }

    static func parseTable(_ node: YAMLValue) throws -> SNMPTableSpec {
        try node.requireKeys(in: ["name", "columns", "where", "label"])
        let name = try node.required("name", expected: "a name for the table, e.g. uplinks").nonEmptyString()
        let columnNodes = try node.required("columns", expected: "a list of {name, oid}").items()
        var columns: [SNMPColumnSpec] = []
        for column in columnNodes {
            try column.requireKeys(in: ["name", "oid", "ok", "alarm", "time", "scaled_by"])
            let columnName = try column.required("name", expected: "a name for the column, e.g. ifOperStatus")
                .nonEmptyString()
            if columns.contains(where: { $0.name == columnName }) {
                throw column["name"]!.problem("column '\(columnName)' is named twice in table '\(name)'",
                                              expected: "a name used once in the table")
            }
            var scaledBy: (String, String)?
            if let scaled = column["scaled_by"] {
                try scaled.requireKeys(in: ["scale", "precision"])
                scaledBy = (
                    try scaled.required("scale", expected: "the column holding the SensorDataScale").nonEmptyString(),
                    try scaled.required("precision", expected: "the column holding the SensorPrecision")
                        .nonEmptyString()
                )
            }
            columns.append(SNMPColumnSpec(
                name: columnName, oid: try oid(column, "oid"), ok: try column["ok"]?.stringList() ?? [],
                alarm: try column["alarm"]?.stringList() ?? [],
                time: try column["time"].map { SNMPColumnSpec.TimeBase(rawValue: try $0.choice(["unix", "sysUpTime"]))! },
                scaledBy: scaledBy))
        }
        if columns.isEmpty { throw node["columns"]!.problem("no columns", expected: "at least one {name, oid}") }
        func known(_ reference: YAMLValue, _ what: String) throws -> String {
            let column = try reference.nonEmptyString()
            guard columns.contains(where: { $0.name == column }) else {
                throw reference.problem(
                    "\(what) names no column of table '\(name)': '\(column)'",
                    expected: "one of \(columns.map(\.name).joined(separator: ", "))")
            }
            return column
        }
        for (index, column) in columns.enumerated() {
            guard let scaled = column.scaledBy else { continue }
            let node = columnNodes[index]["scaled_by"]!
            for (key, reference) in [("scale", scaled.scale), ("precision", scaled.precision)]
            where !columns.contains(where: { $0.name == reference }) {
                throw (node[key] ?? node).problem(
                    "scaled_by names no column of table '\(name)': '\(reference)'",
                    expected: "one of \(columns.map(\.name).joined(separator: ", "))")
            }
        }
        let filters = try node["where"]?.items().map { condition -> SNMPRowFilter in
            try condition.requireKeys(in: ["column", "matches", "equals"])
            let column = try known(
                try condition.required("column", expected: "the column the condition is about"), "where")
            switch (condition["matches"], condition["equals"]) {
            case let (pattern?, nil): return SNMPRowFilter(column: column, test: .matches(try regex(pattern)))
            case let (nil, value?):
                let values: [String]
                if let list = try? value.stringList() { values = list } else { values = [try value.string()] }
                return SNMPRowFilter(column: column, test: .oneOf(values))
            default:
                throw condition.problem("a condition needs one test", expected: "matches: REGEX or equals: VALUE(S)")
            }
        } ?? []
        let label = try node["label"].map { try known($0, "label") }
        return SNMPTableSpec(name: name, columns: columns, filters: filters, label: label, line: node.line)
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
        "value": ["state", "present", "max_age"], "any_value": [], "tls_min_version": [], "cert_valid_days": [],
        "table": ["column", "min_rows", "state", "max_age", "at_least", "at_most", "any"],
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
        let tests = keys.filter(allowed.contains).filter { !["column", "any"].contains($0) }
        if tests.count > 1 {
            throw node.problem(
                "one test per entry, found \(tests.joined(separator: " and "))",
                expected: "a separate `- {…}` entry for each test")
        }
    }

    static func parseExpectation(_ node: YAMLValue) throws -> Expectation {
        let expected =
            "one of status, header, json, xpath, body, value or any_value (SNMP), table, tls_min_version, cert_valid_days"
        try node.requireKeys(in: ["status", "header", "matches", "json", "xpath", "equals", "contains", "at_least", "covers_areas",
                                  "non_empty", "body", "value", "any_value", "state", "present", "max_age", "tls_min_version",
                                  "cert_valid_days", "table", "column", "min_rows", "at_most", "any"])
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
        if let any = node["any_value"] {
            // At least one of several values: 5.2.2-1's device kinds follow 如 (for example), so one kind present
            // in an area is the devices the words ask for; which kinds answered are the result's observations.
            guard case .sequence = any.node else {
                throw any.problem("any_value needs a list", expected: "[camera, tempHumidity] (names of snmp: values)")
            }
            let names = try any.items().map { try $0.nonEmptyString() }
            guard names.count >= 2 else {
                throw any.problem(
                    "any_value needs at least two names", expected: "{value: NAME} for one value, or a list of two or more")
            }
            guard Set(names).count == names.count else {
                throw any.problem("a name is listed twice", expected: "each value named once")
            }
            return .snmpAnyPresent(values: names)
        }
        if let table = node["table"] { return try parseTableExpectation(node, table: try table.nonEmptyString()) }
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

    /// Refuses, at the expectation's line, an SNMP expectation that names a value, table or column the probe does not
    /// read, a `state:` test of something without ok/alarm lists, and a `max_age:` of a column that is not a time.
    static func check(_ expectation: Expectation, against request: ProbeRequest, at node: YAMLValue) throws {
        let snmpOnly: String?
        switch expectation {
        case let .snmpState(name, _), let .snmpPresent(name), let .snmpFresh(name, _): snmpOnly = name
        case let .snmpAnyPresent(names): snmpOnly = names.joined(separator: ", ")
        case let .snmpRows(table, _), let .snmpColumn(table, _, _, _): snmpOnly = table
        default: snmpOnly = nil
        }
        guard let snmpOnly else { return }
        guard case let .snmp(spec) = request else {
            throw node.problem("an SNMP expectation in a probe that is not snmp:", expected: "snmp: {agent, values/tables}")
        }
        switch expectation {
        case let .snmpState(name, _), let .snmpPresent(name), let .snmpFresh(name, _):
            guard let value = spec.values.first(where: { $0.name == name }) else {
                throw (node["value"] ?? node).problem(
                    "no value '\(name)' in the probe's snmp: values",
                    expected: spec.values.isEmpty ? "a values: entry with that name" : "one of "
                        + spec.values.map(\.name).joined(separator: ", "))
            }
            if case .snmpState = expectation, value.ok.isEmpty {
                throw node.problem("state: ok needs the value's ok: list", expected: "{name: \(name), oid: …, ok: [1], alarm: [2]}")
            }
        case let .snmpAnyPresent(names):
            for name in names where !spec.values.contains(where: { $0.name == name }) {
                throw (node["any_value"] ?? node).problem(
                    "no value '\(name)' in the probe's snmp: values",
                    expected: spec.values.isEmpty ? "values: entries with those names" : "names among "
                        + spec.values.map(\.name).joined(separator: ", "))
            }
        case let .snmpRows(table, _), let .snmpColumn(table, _, _, _):
            guard let tableSpec = spec.tables.first(where: { $0.name == table }) else {
                throw (node["table"] ?? node).problem(
                    "no table '\(snmpOnly)' in the probe's snmp: tables",
                    expected: spec.tables.isEmpty ? "a tables: entry with that name" : "one of "
                        + spec.tables.map(\.name).joined(separator: ", "))
            }
            guard case let .snmpColumn(_, columnName, test, _) = expectation else { return }
            guard let column = tableSpec.column(columnName) else {
                throw (node["column"] ?? node).problem(
                    "table '\(table)' has no column '\(columnName)'",
                    expected: "one of " + tableSpec.columns.map(\.name).joined(separator: ", "))
            }
            switch test {
            case .stateOK where column.ok.isEmpty:
                throw node.problem(
                    "state: ok needs the column's ok: list", expected: "{name: \(columnName), oid: …, ok: [1], alarm: [2]}")
            case .fresh where column.time == nil:
                throw node.problem(
                    "max_age needs a column that is a time",
                    expected: "time: sysUpTime (a TimeStamp) or time: unix on column \(columnName)")
            default:
                break
            }
        default:
            break
        }
    }

    /// `{table: T, min_rows: N}`, `{table: T}` (at least one row), `{table: T, column: C, state: ok | max_age: S |
    /// at_least: N | at_most: N [, any: true]}`, `{table: T, column: C}` (present).
    static func parseTableExpectation(_ node: YAMLValue, table: String) throws -> Expectation {
        guard let columnNode = node["column"] else {
            for key in ["state", "max_age", "at_least", "at_most", "any"] where node[key] != nil {
                throw node[key]!.problem("'\(key)' needs the column it tests", expected: "column: NAME")
            }
            let minimum = try node["min_rows"]?.int() ?? 1
            guard minimum >= 1 else {
                throw node["min_rows"]!.problem("must be at least 1", expected: "how many rows must be selected")
            }
            return .snmpRows(table: table, minimum: minimum)
        }
        if let rows = node["min_rows"] {
            throw rows.problem("min_rows goes in an entry of its own", expected: "- {table: \(table), min_rows: N}")
        }
        let column = try columnNode.nonEmptyString()
        let some = try node["any"]?.bool() ?? false
        let test: SNMPCellTest
        if let state = node["state"] {
            _ = try state.choice(["ok"])
            test = .stateOK
        } else if let age = node["max_age"] {
            if try age.string() == limitKeyword {
                test = .fresh(maxAge: nil)
            } else {
                let seconds = try age.double()
                guard seconds > 0, seconds.isFinite else {
                    throw age.problem("must be positive", expected: "seconds, or `limit` for the site's limit")
                }
                test = .fresh(maxAge: seconds)
            }
        } else if let bound = node["at_least"] {
            test = .atLeast(try parseBound(bound))
        } else if let bound = node["at_most"] {
            test = .atMost(try parseBound(bound))
        } else {
            test = .present
        }
        return .snmpColumn(table: table, column: column, test: test, some: some)
    }

    /// A number, or `limits.NAME` naming a numeric limit of the site profile.
    static func parseBound(_ node: YAMLValue) throws -> Bound {
        let text = try node.string()
        if text.hasPrefix("limits.") {
            let key = String(text.dropFirst("limits.".count))
            guard ToolLimits.numericKeys.contains(key) else {
                throw node.problem(
                    "'\(text)' is not a numeric limit",
                    expected: ToolLimits.numericKeys.map { "limits.\($0)" }.joined(separator: ", ") + ", or a number")
            }
            return .limit(key)
        }
        let number = try node.double()
        guard number.isFinite else { throw node.problem("'\(text)' is not a finite number", expected: "a number") }
        return .number(number)
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
