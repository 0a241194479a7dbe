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
                observations.append(Observation(name: path, value: values.joined(separator: ", ")))
                judgeValues(values, test, what: path)
            } catch {
                errors.append("\(http.url): \(error)")
            }
        case let .xpath(expression, test):
            do {
                let values = try body.xpath(expression)
                observations.append(Observation(name: expression, value: values.joined(separator: ", ")))
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
        default:
            errors.append("expectation \(expectation) does not apply to an SNMP answer")
        }
    }

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
