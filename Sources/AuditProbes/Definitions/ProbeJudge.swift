import AuditModel
import AuditHTTP
import Foundation

/// Judges a probe's answer against its expectations. Pure: the clock is a parameter.
///
/// - `error` when nothing usable came back (transport failure, malformed body, unknown sensor state):
///   the statement could not be checked, which is never a pass.
/// - `fail` when the answer came back and an expectation does not hold (an alarm, a missing sensor,
///   no redirect to the real-name portal, an expiring certificate).
/// - `pass` when every expectation holds.
public enum ProbeJudge {
    /// - Parameters:
    ///   - limits: the site's tool limits, for expectations that say `limit` instead of a number.
    ///   - areas: the areas the site profile declares, for `covers_areas`.
    public static func judge(
        _ probe: ProbeDefinition, answer: ProbeAnswer, now: Date, limits: ToolLimits = ToolLimits(),
        areas declaredAreas: [String] = []
    ) -> ProbeOutcome {
        var observations: [Observation] = []
        var failures: [String] = []
        var errors: [String] = []
        var areas: [AreaResult] = []

        switch answer {
        case let .failure(message):
            return ProbeOutcome(probe: probe, verdict: .error, reason: message, observations: [])
        case let .http(http):
            observations.append(Observation(name: "HTTP status", value: String(http.status)))
            if let location = http.redirectLocation ?? http.headers["location"] {
                observations.append(Observation(name: "Location", value: location))
            }
            let expectsStatus = probe.expectations.contains { if case .status = $0 { true } else { false } }
            if !expectsStatus, !(200...299).contains(http.status) {
                // A 500 or 404 is the system failing to answer, not the mall lacking the feature.
                return ProbeOutcome(
                    probe: probe, verdict: .error, reason: "\(http.url) answered HTTP \(http.status)",
                    observations: observations)
            }
            // Parsed once for every JSON path and XPath of the probe, by the parser `http fetch` would choose.
            let body = ParsedBody(http.body, contentType: http.headers["content-type"])
            for expectation in probe.expectations {
                judgeHTTP(
                    expectation, http, body, declaredAreas: declaredAreas, &observations, &failures, &errors, &areas)
            }
        case let .tls(tls):
            observations.append(Observation(name: "TLS protocol", value: tls.protocolVersion ?? "unknown"))
            if let notAfter = tls.certificateNotAfter {
                observations.append(Observation(name: "certificate expires", value: isoDate(notAfter)))
            }
            if let subject = tls.certificateSubject { observations.append(Observation(name: "subject", value: subject)) }
            if !tls.verified {
                failures.append("certificate of \(tls.url) does not verify: \(tls.verificationError ?? "unknown reason")")
            }
            for expectation in probe.expectations {
                judgeTLS(expectation, tls, now: now, limits: limits, &failures, &errors)
            }
        case let .snmp(agents):
            if agents.isEmpty {
                return ProbeOutcome(probe: probe, verdict: .error, reason: "no SNMP agent selected", observations: [])
            }
            for agent in agents {
                var agentFailures: [String] = []
                var agentErrors: [String] = []
                if let error = agent.error {
                    agentErrors.append("agent \(agent.agent): \(error)")
                    observations.append(Observation(name: agent.agent, value: "error: \(error)"))
                } else {
                    for (name, reading) in agent.readings.sorted(by: { $0.key < $1.key }) {
                        observations.append(
                            Observation(name: "\(agent.agent).\(name)", value: observed(reading, name, probe)))
                    }
                    if case let .snmp(request) = probe.request {
                        for table in request.tables {
                            guard let answer = agent.tables[table.name] else { continue }
                            observations.append(
                                Observation(name: "\(agent.agent).\(table.name)", value: table.summary(answer)))
                        }
                    }
                    for expectation in probe.expectations {
                        judgeSNMP(
                            expectation, agent, probe: probe, now: now, limits: limits, &agentFailures, &agentErrors)
                    }
                }
                if let area = agent.area {
                    // What this agent saw is the evidence for its area (5.2.2 各区域): judged per area later.
                    let verdict: Verdict = !agentFailures.isEmpty ? .fail : !agentErrors.isEmpty ? .error : .pass
                    let reason =
                        verdict == .pass
                        ? "\(agent.agent): all \(probe.expectations.count) expectation(s) of \(probe.id) hold"
                        : (agentFailures + agentErrors).joined(separator: "; ")
                    areas.append(AreaResult(area: area, verdict: verdict, reason: reason))
                }
                failures += agentFailures
                errors += agentErrors
            }
        }

        // A failure that was observed is definitive even when another agent could not be read: fail > error.
        if !failures.isEmpty {
            return ProbeOutcome(
                probe: probe, verdict: .fail, reason: (failures + errors).joined(separator: "; "),
                observations: observations, areas: areas)
        }
        if !errors.isEmpty {
            return ProbeOutcome(
                probe: probe, verdict: .error, reason: errors.joined(separator: "; "), observations: observations,
                areas: areas)
        }
        return ProbeOutcome(
            probe: probe, verdict: .pass,
            reason: "all \(probe.expectations.count) expectation(s) of \(probe.id) hold", observations: observations,
            areas: areas)
    }

    // MARK: HTTP

    private static func judgeHTTP(
        _ expectation: Expectation, _ http: HTTPAnswer, _ body: ParsedBody, declaredAreas: [String],
        _ observations: inout [Observation], _ failures: inout [String], _ errors: inout [String],
        _ areas: inout [AreaResult]
    ) {
        func judgeValues(_ values: [String], _ test: ValueTest, what: String) {
            if test == .coversAreas {
                guard !declaredAreas.isEmpty else {
                    errors.append("\(what): covers_areas needs the site profile's areas, and it declares none")
                    return
                }
                let seen = Set(values.map { $0.trimmingCharacters(in: .whitespaces) })
                for area in declaredAreas {
                    let found = seen.contains(area)
                    areas.append(
                        AreaResult(
                            area: area, verdict: found ? .pass : .fail,
                            reason: found ? "\(what) lists \(area)" : "\(what) lists nothing in \(area)"))
                }
                let missing = declaredAreas.filter { !seen.contains($0) }
                if !missing.isEmpty {
                    failures.append("\(what) lists nothing in \(missing.joined(separator: ", ")) (areas of the site profile)")
                }
                return
            }
            if let problem = test.failure(values, what: what) { failures.append(problem) }
        }
        switch expectation {
        case let .status(codes):
            if !codes.contains(http.status) {
                failures.append("HTTP status \(http.status), expected \(codes.map(String.init).joined(separator: " or "))")
            }
        case let .header(name, pattern):
            guard let value = http.headers[name.lowercased()] else {
                failures.append("no \(name) header")
                return
            }
            if let pattern, !matches(pattern, value) {
                failures.append("\(name) '\(value)' does not match /\(pattern)/")
            }
        case let .body(pattern):
            let text = String(decoding: http.body, as: UTF8.self)
            if !matches(pattern, text) { failures.append("body does not match /\(pattern)/") }
        case let .json(path, test):
            do {
                let values = try body.jsonPath(path)
                observations.append(Observation.list(name: path, values: values))
                judgeValues(values, test, what: path)
            } catch {
                errors.append("\(http.url): \(error)")
            }
        case let .xpath(expression, test):
            do {
                let values = try body.xpath(expression)
                observations.append(Observation.list(name: expression, values: values))
                judgeValues(values, test, what: expression)
            } catch {
                errors.append("\(http.url): \(error)")
            }
        default:
            errors.append("expectation \(expectation) does not apply to an HTTP answer")
        }
    }

    // MARK: TLS

    private static func judgeTLS(
        _ expectation: Expectation, _ tls: TLSAnswer, now: Date, limits: ToolLimits, _ failures: inout [String],
        _ errors: inout [String]
    ) {
        switch expectation {
        case let .tlsMinimumVersion(stated):
            let minimum = stated ?? limits.minimumTLSVersion
            guard let version = tls.protocolVersion, let number = tlsVersionNumber(version) else {
                errors.append("TLS protocol version of \(tls.url) unknown")
                return
            }
            if number < (Double(minimum) ?? 0) {
                let origin = stated == nil ? " (the tool's limit limits.tls_min_version, not a number of the standard)" : ""
                failures.append("\(version) is older than TLS \(minimum)\(origin)")
            }
        case let .certificateValidDays(stated):
            let days = stated ?? limits.certificateMarginDays
            guard let notAfter = tls.certificateNotAfter else {
                errors.append("certificate expiry of \(tls.url) unknown")
                return
            }
            if let notBefore = tls.certificateNotBefore, notBefore > now {
                failures.append("certificate not valid before \(isoDate(notBefore))")
            }
            let remaining = notAfter.timeIntervalSince(now) / 86_400
            if remaining < Double(days) {
                let origin =
                    stated == nil
                    ? " (the tool's limit limits.certificate_margin_days, not a number of the standard)" : ""
                failures.append(
                    remaining < 0
                        ? "certificate expired on \(isoDate(notAfter))"
                        : "certificate expires on \(isoDate(notAfter)), in \(Int(remaining)) day(s), fewer than \(days)"
                            + origin)
            }
        default:
            errors.append("expectation \(expectation) does not apply to a TLS answer")
        }
    }

    // MARK: SNMP

    private static func judgeSNMP(
        _ expectation: Expectation, _ agent: SNMPAgentAnswer, probe: ProbeDefinition, now: Date, limits: ToolLimits,
        _ failures: inout [String], _ errors: inout [String]
    ) {
        let where_ = agent.area.map { "\(agent.agent) (\($0))" } ?? agent.agent
        func reading(_ name: String) -> SNMPAgentAnswer.Reading? {
            guard let reading = agent.readings[name] else {
                errors.append("\(where_): value '\(name)' was not read (no such value in probe \(probe.id))")
                return nil
            }
            if case let .absent(why) = reading {
                failures.append("\(where_): \(name) is not present (\(why))")
                return nil
            }
            return reading
        }
        switch expectation {
        case let .snmpPresent(name):
            _ = reading(name)
        case let .snmpAnyPresent(names):
            // Which kinds answered and which did not are the probe's observations (every reading is one).
            var present = false
            var unread = false
            for name in names {
                switch agent.readings[name] {
                case nil:
                    errors.append("\(where_): value '\(name)' was not read (no such value in probe \(probe.id))")
                    unread = true
                case .absent?: break
                case .value?: present = true
                }
            }
            if !present && !unread {
                failures.append("\(where_): none of \(names.joined(separator: ", ")) is present")
            }
        case let .snmpState(name, _):
            guard case let .value(text, _) = reading(name) else { return }
            guard case let .snmp(spec) = probe.request, let valueSpec = spec.values.first(where: { $0.name == name })
            else { return }
            switch state(of: text, valueSpec) {
            case .ok: break
            case .alarm: failures.append("\(where_): \(name) is in alarm (\(text))")
            case .unknown: errors.append("\(where_): \(name) reports '\(text)', which maps to neither ok nor alarm")
            }
        case let .snmpFresh(name, stated):
            let maxAge = stated ?? limits.sensorMaxAge
            guard case let .value(text, number) = reading(name) else { return }
            guard let seconds = number else {
                errors.append("\(where_): \(name) '\(text)' is not a Unix time")
                return
            }
            let age = now.timeIntervalSince1970 - seconds
            if age > maxAge {
                // Whole seconds, as a clock counts them, but never cut down onto the limit (900.4 s is not "900 s").
                let limit = Threshold(quantity: "readingAge", comparison: .lessThanOrEqual, value: maxAge, unit: "s")
                let shown = NumberFormat.decimal(age, decimals: 0...0, threshold: limit, rounding: .towardZero)
                let origin = stated == nil ? " (the tool's limit limits.sensor_max_age, not a number of the standard)" : ""
                failures.append(
                    "\(where_): last reading \(shown) s old, more than \(NumberFormat.exact(maxAge)) s\(origin)")
            }
        case let .snmpRows(table, minimum):
            guard let (spec, rows) = selectedRows(table, agent, probe: probe, where_, &errors) else { return }
            if rows.count < minimum {
                failures.append(
                    "\(where_): \(rows.isEmpty ? "no" : "only \(rows.count)") row(s) of \(table) "
                        + "\(spec.selection), expected at least \(minimum)")
            }
        case let .snmpColumn(table, column, test, some):
            guard let (spec, rows) = selectedRows(table, agent, probe: probe, where_, &errors),
                let columnSpec = spec.column(column)
            else { return }
            guard !rows.isEmpty else {
                failures.append("\(where_): no row of \(table) \(spec.selection)")
                return
            }
            var rowFailures: [String] = []
            var rowErrors: [String] = []
            var passed = 0
            for row in rows {
                let name = "\(where_): \(table) \(spec.rowName(row))"
                switch cellOutcome(
                    test, column: columnSpec, row: row, table: spec, uptime: agent.uptime, now: now, limits: limits)
                {
                case .pass: passed += 1
                case let .fail(why): rowFailures.append("\(name): \(why)")
                case let .error(why): rowErrors.append("\(name): \(why)")
                }
            }
            if some {
                // One row is enough (at least one access-point link up); the others are shown, not held against it.
                if passed == 0 {
                    if rowFailures.isEmpty {
                        errors += rowErrors
                    } else {
                        failures.append(
                            "\(where_): no row of \(table) passes \(test.label(column)): "
                                + (rowFailures + rowErrors).joined(separator: "; "))
                    }
                }
            } else {
                failures += rowFailures
                errors += rowErrors
            }
        default:
            errors.append("expectation \(expectation) does not apply to an SNMP answer")
        }
    }

    /// The table's spec and the rows its `where` selects, or nil (with the error) when the agent served no row of a
    /// column the table needs: it does not implement that part of the MIB, so nothing can be judged.
    private static func selectedRows(
        _ table: String, _ agent: SNMPAgentAnswer, probe: ProbeDefinition, _ where_: String, _ errors: inout [String]
    ) -> (SNMPTableSpec, [SNMPTableAnswer.Row])? {
        guard case let .snmp(request) = probe.request, let spec = request.tables.first(where: { $0.name == table }),
            let answer = agent.tables[table]
        else {
            errors.append("\(where_): table '\(table)' was not read (no such table in probe \(probe.id))")
            return nil
        }
        if !answer.emptyColumns.isEmpty {
            let missing = answer.emptyColumns.compactMap { name in spec.column(name).map { "\(name) (\($0.oid))" } }
            errors.append(
                "\(where_): the agent serves no \(missing.joined(separator: ", ")) (noSuchObject): "
                    + "it does not implement the MIB of table \(table), or its view hides it")
            return nil
        }
        let rows = answer.rows.filter { row in
            spec.filters.allSatisfy { filter in
                guard case let .value(text, _)? = row.cells[filter.column] else { return false }
                return filter.holds(text)
            }
        }
        return (spec, rows)
    }

    enum CellOutcome {
        case pass
        case fail(String)
        case error(String)
    }

    /// Judges one cell of a selected row.
    static func cellOutcome(
        _ test: SNMPCellTest, column: SNMPColumnSpec, row: SNMPTableAnswer.Row, table: SNMPTableSpec,
        uptime: SNMPAgentAnswer.Reading?, now: Date, limits: ToolLimits
    ) -> CellOutcome {
        guard case let .value(text, number)? = row.cells[column.name] else {
            return .fail("no \(column.name)")
        }
        switch test {
        case .present:
            return .pass
        case .stateOK:
            switch state(of: text, column.valueSpec) {
            case .ok: return .pass
            case .alarm: return .fail("\(column.name) is \(text) (alarm)")
            case .unknown: return .error("\(column.name) is '\(text)', which maps to neither ok nor alarm")
            }
        case let .fresh(stated):
            let maxAge = stated ?? limits.sensorMaxAge
            guard let stamp = number else { return .error("\(column.name) '\(text)' is not a time") }
            let age: Double
            switch column.time {
            case .sysUpTime:
                guard case let .value(_, ticks?)? = uptime else {
                    return .error("the agent's sysUpTime.0 was not read, so the age of \(column.name) is unknown")
                }
                guard stamp <= ticks else {
                    return .error(
                        "\(column.name) \(NumberFormat.exact(stamp)) is later than sysUpTime.0 \(NumberFormat.exact(ticks)): "
                            + "the agent restarted or its uptime wrapped, so the reading's age is unknown")
                }
                age = (ticks - stamp) / 100
            case .unix, nil:
                age = now.timeIntervalSince1970 - stamp
            }
            guard age > maxAge else { return .pass }
            let limit = Threshold(quantity: "readingAge", comparison: .lessThanOrEqual, value: maxAge, unit: "s")
            let shown = NumberFormat.decimal(age, decimals: 0...0, threshold: limit, rounding: .towardZero)
            let origin = stated == nil ? " (the tool's limit limits.sensor_max_age, not a number of the standard)" : ""
            return .fail("last reading \(shown) s old, more than \(NumberFormat.exact(maxAge)) s\(origin)")
        case let .atLeast(bound), let .atMost(bound):
            guard let raw = number else { return .error("\(column.name) '\(text)' is not a number") }
            guard let value = scaled(raw, column: column, row: row) else {
                return .error("the scale or precision of \(column.name) is not a SensorDataScale / SensorPrecision")
            }
            let (limit, origin): (Double, String)
            switch bound {
            case let .number(number): (limit, origin) = (number, "")
            case let .limit(key):
                guard let resolved = limits.number(key) else { return .error("unknown limit limits.\(key)") }
                (limit, origin) = (resolved, " (the tool's limit limits.\(key), not a number of the standard)")
            }
            let low: Bool
            if case .atLeast = test { low = true } else { low = false }
            if low ? value >= limit : value <= limit { return .pass }
            return .fail(
                "\(column.name) \(NumberFormat.exact(value)) is \(low ? "below" : "above") \(NumberFormat.exact(limit))"
                    + origin)
        }
    }

    /// ENTITY-SENSOR-MIB: value × 10^scale exponent / 10^precision (a precision of 0 or less keeps the value).
    static func scaled(_ raw: Double, column: SNMPColumnSpec, row: SNMPTableAnswer.Row) -> Double? {
        guard let (scaleColumn, precisionColumn) = column.scaledBy else { return raw }
        guard case let .value(_, scale?)? = row.cells[scaleColumn], case let .value(_, precision?)? = row.cells[precisionColumn],
            let exponent = sensorScaleExponents[Int(scale)], (-8...9).contains(Int(precision))
        else { return nil }
        return raw * pow(10, Double(exponent)) / pow(10, Double(max(0, Int(precision))))
    }

    /// SensorDataScale (RFC 3433): yocto(1) … units(9) … yotta(17), as powers of ten (exa(14) is 10^18 and
    /// peta(15) 10^15, in the RFC's order).
    static let sensorScaleExponents: [Int: Int] = [
        1: -24, 2: -21, 3: -18, 4: -15, 5: -12, 6: -9, 7: -6, 8: -3, 9: 0, 10: 3, 11: 6, 12: 9, 13: 12, 14: 18,
        15: 15, 16: 21, 17: 24,
    ]

    /// An SNMP reading as an observation states it: a state value as the probe's lists read it (`ok (1)`,
    /// `alarm (3)`, `unknown (7)` — the raw value in brackets), a value an expectation reads as a Unix time as that
    /// instant in UTC (`2026-12-06T02:29:21Z (Unix 1796524343)`), anything else as read. Reports show the state by
    /// name and the instant in the mall's time zone.
    static func observed(_ reading: SNMPAgentAnswer.Reading, _ name: String, _ probe: ProbeDefinition) -> String {
        let text: String
        let number: Double?
        switch reading {
        case let .value(value, parsed): (text, number) = (value, parsed)
        case let .absent(why): return why
        }
        if case let .snmp(spec) = probe.request, let valueSpec = spec.values.first(where: { $0.name == name }),
            !(valueSpec.ok.isEmpty && valueSpec.alarm.isEmpty)
        {
            return "\(state(of: text, valueSpec).rawValue) (\(text))"
        }
        let isTime = probe.expectations.contains {
            if case let .snmpFresh(value, _) = $0 { value == name } else { false }
        }
        if isTime, let seconds = number, seconds.isFinite, abs(seconds) < 253_402_300_800 {
            return "\(isoTime(Date(timeIntervalSince1970: seconds))) (Unix \(text))"
        }
        return text
    }

    /// Maps a raw value to ok / alarm / unknown using the probe's lists.
    public static func state(of text: String, _ spec: SNMPValueSpec) -> SNMPState {
        let value = text.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        if spec.ok.contains(value) { return .ok }
        if spec.alarm.contains(value) { return .alarm }
        return .unknown
    }

    private static func tlsVersionNumber(_ version: String) -> Double? {
        Double(version.replacingOccurrences(of: "TLSv", with: "").replacingOccurrences(of: "TLS ", with: ""))
    }

    private static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

extension SNMPTableSpec {
    /// `whose ifAlias ~ /uplink/`, or `` for a table without conditions.
    var selection: String {
        filters.isEmpty ? "answered" : "matches " + filters.map(\.description).joined(separator: " and ")
    }

    /// What the table showed: how many rows, which were selected, and their cells (at most 20 rows listed).
    func summary(_ answer: SNMPTableAnswer) -> String {
        if !answer.emptyColumns.isEmpty { return "no \(answer.emptyColumns.joined(separator: ", ")) served" }
        let selected = answer.rows.filter { row in
            filters.allSatisfy { filter in
                guard case let .value(text, _)? = row.cells[filter.column] else { return false }
                return filter.holds(text)
            }
        }
        var text = "\(selected.count) of \(answer.rows.count) row(s) selected"
        let shown = selected.prefix(20).map { row in
            rowName(row) + ": " + columns.filter { $0.name != label }.compactMap { column in
                guard case let .value(cell, _)? = row.cells[column.name] else { return nil }
                return "\(column.name)=\(cell)"
            }.joined(separator: " ")
        }
        if !shown.isEmpty { text += "; " + shown.joined(separator: "; ") }
        if selected.count > 20 { text += "; …" }
        return text
    }

    /// `11043 (uplink-telecom)`: the index, and the label column's text when there is one.
    func rowName(_ row: SNMPTableAnswer.Row) -> String {
        if let label, case let .value(text, _)? = row.cells[label], !text.isEmpty { return "\(row.index) '\(text)'" }
        return row.index
    }
}

extension SNMPCellTest {
    /// `ifOperStatus state ok`, for a message.
    func label(_ column: String) -> String {
        switch self {
        case .present: "\(column) present"
        case .stateOK: "\(column) state ok"
        case let .fresh(maxAge): "\(column) max_age \(maxAge.map(NumberFormat.exact) ?? "limit")"
        case let .atLeast(bound): "\(column) at_least \(bound)"
        case let .atMost(bound): "\(column) at_most \(bound)"
        }
    }
}

extension ValueTest {
    /// Why `values` do not satisfy the test, or nil when they do.
    func failure(_ values: [String], what: String) -> String? {
        switch self {
        case .exists:
            return values.isEmpty ? "\(what) not found" : nil
        case .coversAreas:
            return nil  // judged against the site profile's areas by the judge
        case .nonEmpty:
            return values.isEmpty || values.contains(where: \.isEmpty) ? "\(what) is empty" : nil
        case let .equals(expected):
            if values.isEmpty { return "\(what) not found" }
            let wrong = values.filter { $0 != expected }
            return wrong.isEmpty ? nil : "\(what) is \(wrong.joined(separator: ", ")), expected \(expected)"
        case let .contains(expected):
            return values.contains(where: { $0.contains(expected) }) ? nil : "\(what) does not contain '\(expected)'"
        case let .atLeast(minimum):
            if values.isEmpty { return "\(what) not found" }
            // Not a finite number (text, "NaN", "inf") is below any minimum.
            let low = values.filter { Double($0).map { !$0.isFinite || $0 < minimum } ?? true }
            return low.isEmpty
                ? nil : "\(what) is \(low.joined(separator: ", ")), expected at least \(NumberFormat.exact(minimum))"
        }
    }
}

/// `2026-11-26T02:29:21Z`: an instant in UTC, whole seconds.
func isoTime(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}

/// `2026-11-26` in UTC.
func isoDate(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.string(from: date)
}
