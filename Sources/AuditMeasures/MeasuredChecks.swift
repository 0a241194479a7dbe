import AuditModel
import Foundation

/// The measured checks as probe kinds: a site profile points a kind at the mall's export and the audit engine
/// runs it with ``MeasuredChecks/run(_:inputs:asOf:)``.
public enum MeasuredCheckKind: String, Sendable, Hashable, CaseIterable, Codable {
    case wifiLogs = "wifi-logs"
    case satisfaction
    case complaints
    case payments
    case catalog

    /// The clause the kind measures.
    public var clause: String {
        switch self {
        case .wifiLogs: WiFiLogCheck.clause
        case .satisfaction: SatisfactionCheck.clause
        case .complaints: ComplaintCheck.clause
        case .payments: PaymentCheck.clause
        case .catalog: CatalogCheck.clause
        }
    }

    /// The statements the kind judges.
    public var statementIDs: [String] {
        switch self {
        case .wifiLogs: [WiFiLogCheck.statementID]
        case .satisfaction: [SatisfactionCheck.statementID]
        case .complaints: [ComplaintCheck.statementID]
        case .payments: [PaymentCheck.mobileStatementID, PaymentCheck.methodsStatementID]
        case .catalog: [CatalogCheck.statementID]
        }
    }
}

/// Where the mall's exports are, as a site profile names them. A kind uses only its own fields.
public struct MeasuredCheckInputs: Sendable, Hashable {
    /// Directory of WiFi logs (5.1.2) and how to read their clocks (the mall's time zone, the device's, the year
    /// rule, the JSON time field).
    public var wifiLogs: URL?
    public var wifiLogSettings: WiFiLogSettings
    /// Survey export (8.2.1), its answer column (nil: `satisfaction`, else `满意度`) and the answers the evaluator
    /// excluded.
    public var satisfaction: URL?
    public var satisfactionColumn: String?
    public var satisfactionExcluded: [SatisfactionCheck.Exclusion]
    /// Complaint register (8.1.2) and the working-day calendar (nil: the default location).
    public var complaints: URL?
    public var calendar: URL?
    /// Merchant payment-method table (6.6.1, 6.6.2).
    public var payments: URL?
    /// Online and offline catalog exports (6.9.1).
    public var catalogOnline: URL?
    public var catalogOffline: URL?
    /// How 6.6.2-1 is read (`readings.payment_capability`).
    public var paymentCapability: Scope = .mall
    /// Personal columns and identifiers beyond the built-in ones (the profile's `privacy:`).
    public var privacy = PrivacyRules()

    public init(
        wifiLogs: URL? = nil, wifiLogSettings: WiFiLogSettings = WiFiLogSettings(), satisfaction: URL? = nil,
        satisfactionColumn: String? = nil, satisfactionExcluded: [SatisfactionCheck.Exclusion] = [],
        complaints: URL? = nil, calendar: URL? = nil, payments: URL? = nil,
        catalogOnline: URL? = nil, catalogOffline: URL? = nil
    ) {
        self.wifiLogs = wifiLogs
        self.wifiLogSettings = wifiLogSettings
        self.satisfaction = satisfaction
        self.satisfactionColumn = satisfactionColumn
        self.satisfactionExcluded = satisfactionExcluded
        self.complaints = complaints
        self.calendar = calendar
        self.payments = payments
        self.catalogOnline = catalogOnline
        self.catalogOffline = catalogOffline
    }
}

/// Runs measured checks by kind.
public enum MeasuredChecks {
    /// Runs `kind` with the site profile's inputs and throws ``DiagnosticsError`` when its input cannot be used.
    /// (`mallaudit check` builds each check itself, with its per-check options.)
    static func runOrThrow(_ kind: MeasuredCheckKind, inputs: MeasuredCheckInputs, asOf: MeasureDate) throws
        -> MeasuredCheckReport
    {
        func need(_ url: URL?, _ key: String) throws -> URL {
            guard let url else {
                throw DiagnosticsError(
                    Diagnostic(
                        file: nil, message: "no \(key) given for the \(kind.rawValue) check",
                        expected: "the path of the mall's export (site profile data.\(key))"))
            }
            return url
        }
        switch kind {
        case .wifiLogs:
            return try WiFiLogCheck(
                directory: need(inputs.wifiLogs, "wifi_logs"), asOf: asOf, settings: inputs.wifiLogSettings
            ).run()
        case .satisfaction:
            var check = SatisfactionCheck(
                file: try need(inputs.satisfaction, "satisfaction"), column: inputs.satisfactionColumn, asOf: asOf,
                excluded: inputs.satisfactionExcluded)
            check.privacy = inputs.privacy
            return try check.run()
        case .complaints:
            var check = ComplaintCheck(
                file: try need(inputs.complaints, "complaints"), calendarFile: inputs.calendar, asOf: asOf)
            check.privacy = inputs.privacy
            return try check.run()
        case .payments:
            var check = PaymentCheck(
                file: try need(inputs.payments, "payments"), asOf: asOf, reading: inputs.paymentCapability)
            check.privacy = inputs.privacy
            return try check.run()
        case .catalog:
            var check = CatalogCheck(
                online: try need(inputs.catalogOnline, "catalog_online"),
                offline: try need(inputs.catalogOffline, "catalog_offline"), asOf: asOf)
            check.privacy = inputs.privacy
            return try check.run()
        }
    }

    /// Runs `kind` for the audit engine: never throws. Unusable input gives a report whose statements are all
    /// `error`, with the diagnostics as the reason.
    public static func run(_ kind: MeasuredCheckKind, inputs: MeasuredCheckInputs, asOf: MeasureDate)
        -> MeasuredCheckReport
    {
        let paths: [URL?] =
            switch kind {
            case .wifiLogs: [inputs.wifiLogs]
            case .satisfaction: [inputs.satisfaction]
            case .complaints: [inputs.complaints, inputs.calendar]
            case .payments: [inputs.payments]
            case .catalog: [inputs.catalogOnline, inputs.catalogOffline]
            }
        let named = paths.compactMap { $0?.path }
        do {
            return try runOrThrow(kind, inputs: inputs, asOf: asOf)
        } catch let error as DiagnosticsError {
            return MeasuredCheckReport.unusable(
                check: kind.rawValue, clause: kind.clause, statementIDs: kind.statementIDs, asOf: asOf,
                inputs: named, diagnostics: error)
        } catch {
            return MeasuredCheckReport.unusable(
                check: kind.rawValue, clause: kind.clause, statementIDs: kind.statementIDs, asOf: asOf,
                inputs: named, diagnostics: DiagnosticsError(Diagnostic(file: nil, message: "\(error)")))
        }
    }
}
