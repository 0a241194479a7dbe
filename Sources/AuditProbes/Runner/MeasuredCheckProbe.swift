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
        let report = MeasuredChecks.run(kind, inputs: inputs, asOf: day)
        // What was measured, by digest (a signed bundle lists these without carrying the exports themselves).
        let digests = report.inputs.compactMap(InputDigest.observationValue).map {
            Observation(name: InputDigest.observationName, value: $0)
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

    /// The calendar day of `date` in the local time zone (the mall's day); nil outside years 1–9999.
    static func measureDate(_ date: Date) -> MeasureDate? {
        let parts = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        return MeasureDate(year: year, month: month, day: day)
    }
}
