import AuditModel
import AuditSite
import AuditSupport
import AuditMeasures
import Foundation

/// A `check:` probe: runs a measured check over the export the site profile names. Unusable input (a missing
/// file, a missing column, a calendar without the year) is an `error` for the statements, with the diagnostics.
enum MeasuredCheckProbe {
    static func run(_ kind: String, probe: ProbeDefinition, profile: SiteProfile, asOf: Date) -> ProbeRunResult {
        func unusable(_ reason: String) -> ProbeRunResult {
            ProbeRunResult(
                probe: probe,
                results: probe.statements.map {
                    let parts = Checkpoint.split($0)
                    return StatementResult(
                        statementID: parts.statement, verdict: .error, source: .data, producer: probe.id,
                        reason: reason, checkpointID: parts.checkpoint == nil ? nil : $0)
                })
        }
        guard let kind = MeasuredCheckKind(rawValue: kind) else { return unusable("unknown measured check '\(kind)'") }
        guard let day = measureDate(asOf) else {
            return unusable("the as-of date \(asOf) is outside the years a measured check can judge (1–9999)")
        }
        let data = profile.data
        var inputs = MeasuredCheckInputs(
            wifiLogs: data.wifiLogs,
            wifiLogSettings: WiFiLogSettings(
                mallTimeZone: profile.mall.timeZone, deviceTimeZone: data.wifiLogsTimeZone, yearRule: data.wifiLogsYear,
                timeField: data.wifiLogsTimeField),
            satisfaction: data.satisfaction, satisfactionColumn: data.satisfactionColumn,
            satisfactionExcluded: data.satisfactionExcluded.map {
                SatisfactionCheck.Exclusion(line: $0.line, reason: $0.reason, declaredAt: $0.declaredAt)
            },
            complaints: data.complaints, calendar: data.calendar, payments: data.payments,
            catalogOnline: data.catalogOnline, catalogOffline: data.catalogOffline)
        inputs.paymentCapability = profile.readings.paymentCapability
        inputs.privacy = profile.privacy
        let measured = MeasuredChecks.run(kind, inputs: inputs, asOf: day)
        // Files are named as the site profile names them (relative to its folder), the tool's own calendar as the
        // tool ships it: nothing of the auditor's machine is stored, reported or bundled.
        let names = FileNames(profileFolder: profile.file.deletingLastPathComponent(), inputs: measured.inputs)
        let report = names.apply(to: measured)
        // What was measured, by digest (a signed bundle lists these without carrying the exports themselves).
        let digests = measured.inputs.compactMap { path in
            InputDigest.observationValue(path).flatMap(InputDigest.parse).map { digest in
                let shown = names.display(path) + (digest.path.hasSuffix("/") ? "/" : "")
                return Observation(name: InputDigest.observationName, value: "\(digest.sha256)  \(shown)")
            }
        }
        let results = report.statementResults().map { result in
            var result = result
            result.observations += digests
            return result
        }
        return ProbeRunResult(probe: probe, results: bind(results, to: probe))
    }

    /// The check's results for the probe's targets: a result for exactly that statement or checkpoint; else, for
    /// a checkpoint, the check's result for its whole statement (the probe file says the check settles it); a
    /// target the check does not judge is an `error` saying so, never silently dropped.
    static func bind(_ results: [StatementResult], to probe: ProbeDefinition) -> [StatementResult] {
        probe.statements.map { target in
            if let exact = results.first(where: { $0.target == target }) { return exact }
            let parts = Checkpoint.split(target)
            if parts.checkpoint != nil,
                var whole = results.first(where: { $0.statementID == parts.statement && $0.checkpointID == nil })
            {
                whole.checkpointID = target
                return whole
            }
            let judged = results.map(\.target).joined(separator: ", ")
            return StatementResult(
                statementID: parts.statement, verdict: .error, source: .data, producer: probe.id,
                reason: "the check of probe \(probe.id) does not judge \(target) (it judges \(judged))",
                checkpointID: parts.checkpoint == nil ? nil : target)
        }
    }

    /// How a measured check's files are named in what is stored: relative to the site profile's folder
    /// (`exports/survey.csv`), the shipped calendar as `calendars/cn-workdays.yaml`, anything else by its last path
    /// component (`…/survey.csv`). The checks themselves read the absolute paths; only what they say is renamed.
    struct FileNames {
        /// (absolute prefix, replacement), longest prefix first.
        let prefixes: [(String, String)]

        init(profileFolder: URL, inputs: [String]) {
            var prefixes = [(profileFolder.standardizedFileURL.path + "/", "")]
            if let calendar = WorkingDayCalendar.defaultLocation()?.standardizedFileURL.path,
                calendar.hasSuffix("/" + WorkingDayCalendar.relativePath)
            {
                prefixes.append((String(calendar.dropLast(WorkingDayCalendar.relativePath.count)), ""))
            }
            for input in inputs where !prefixes.contains(where: { input.hasPrefix($0.0) }) {
                let url = URL(fileURLWithPath: input).standardizedFileURL
                prefixes.append((url.deletingLastPathComponent().path + "/", "…/"))
            }
            self.prefixes = prefixes.filter { $0.0 != "/" }.sorted { $0.0.count > $1.0.count }
        }

        /// `path` as stored.
        func display(_ path: String) -> String {
            let standard = URL(fileURLWithPath: path).standardizedFileURL.path
            for (prefix, replacement) in prefixes where standard.hasPrefix(prefix) {
                return replacement + standard.dropFirst(prefix.count)
            }
            return standard.hasPrefix("/") ? "…/" + URL(fileURLWithPath: standard).lastPathComponent : path
        }

        /// Every absolute prefix in `text` replaced.
        func rename(_ text: String) -> String {
            var text = text
            for (prefix, replacement) in prefixes where text.contains(prefix) {
                text = text.replacingOccurrences(of: prefix, with: replacement)
            }
            return text
        }

        /// The report with its inputs, findings, observations, reasons and explanation renamed.
        func apply(to report: MeasuredCheckReport) -> MeasuredCheckReport {
            var report = report
            report.inputs = report.inputs.map(display)
            report.reason = rename(report.reason)
            report.rule = rename(report.rule)
            report.explanation = report.explanation.map(rename)
            report.observations = report.observations.map { Observation(name: $0.name, value: rename($0.value)) }
            report.statements = report.statements.map {
                var statement = $0
                statement.reason = rename(statement.reason)
                return statement
            }
            report.findings = report.findings.map {
                var finding = $0
                finding.file = finding.file.map(display)
                finding.subject = rename(finding.subject)
                finding.detail = rename(finding.detail)
                return finding
            }
            return report
        }
    }

    /// The calendar day of `date` in the local time zone (the mall's day); nil outside years 1–9999.
    static func measureDate(_ date: Date) -> MeasureDate? {
        let parts = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        return MeasureDate(year: year, month: month, day: day)
    }
}
