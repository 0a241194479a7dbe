import AuditModel
import AuditSupport
import Foundation

/// 6.6.1 and 6.6.2: payment methods accepted at every merchant.
///
/// One row per merchant with columns `merchant`, `cash`, `mobile`, `bank_card`, `ecny` and optionally `face`,
/// each yes/no, 1/0, 是/否 (also true/false, y/n, 有/无, √/×). A blank cell counts as not accepted and is listed.
///
/// - 6.6.1-1/mobileCoverage (商场内移动智能支付全覆盖): mobile payment at every merchant (coverage ≥ 100 %).
/// - 6.6.2-1/cash, /mobilePayment, /bankCard, /eCny (商场应具备…主流支付能力): one checkpoint per capability, judged by
///   the reading `readings.payment_capability`: `mall` (default) — the mall has the capability when at least one
///   merchant accepts it; `eachMerchant` — every merchant must. Either way each capability's coverage and the
///   merchants missing it are listed.
/// - Face payment (6.6.1-2 may, 6.6.2-2 should) is reported as an observation, never required.
public struct PaymentCheck: Sendable {
    public static let name = "payments"
    public static let clause = "6.6.1,6.6.2"
    public static let mobileStatementID = "6.6.1-1"
    public static let methodsStatementID = "6.6.2-1"
    public static let threshold = Threshold(
        quantity: "paymentCoverage", comparison: .greaterThanOrEqual, value: 100, unit: "%")
    /// The mall-level reading of 6.6.2-1: some merchant accepts the method.
    public static let availability = Threshold(
        quantity: "paymentAvailability", comparison: .greaterThan, value: 0, unit: "%")

    /// A payment method column.
    public struct Method: Sendable, Hashable {
        public var column: String
        public var alternatives: [String]
        public var label: String
        /// The 6.6.2-1 checkpoint for the capability.
        public var checkpoint: String?
    }

    public static let cash = Method(
        column: "cash", alternatives: ["现金"], label: "cash (现金)", checkpoint: "6.6.2-1/cash")
    public static let mobile = Method(
        column: "mobile", alternatives: ["移动支付", "mobile_payment"], label: "mobile (移动支付)",
        checkpoint: "6.6.2-1/mobilePayment")
    public static let bankCard = Method(
        column: "bank_card", alternatives: ["bankcard", "bank card", "银行卡"], label: "bank card (银行卡)",
        checkpoint: "6.6.2-1/bankCard")
    public static let ecny = Method(
        column: "ecny", alternatives: ["e-cny", "e_cny", "数字人民币"], label: "e-CNY (数字人民币)",
        checkpoint: "6.6.2-1/eCny")
    public static let face = Method(
        column: "face", alternatives: ["face_payment", "刷脸支付", "刷脸"], label: "face payment (刷脸支付)", checkpoint: nil)
    /// 6.6.1-1's obligation the mobile coverage judges.
    public static let mobileCoverageCheckpoint = "6.6.1-1/mobileCoverage"
    /// The methods 6.6.2-1 requires at every merchant, in report order.
    public static let requiredMethods = [cash, mobile, bankCard, ecny]

    public var file: URL
    public var asOf: MeasureDate
    /// Personal columns and identifiers beyond the built-in ones (the profile's `privacy:`): masked as read.
    public var privacy = PrivacyRules()
    /// How 6.6.2-1 is read: `.mall` (the mall offers each capability) or `.eachMerchant`.
    public var reading: Scope

    public init(file: URL, asOf: MeasureDate, reading: Scope = .mall) {
        self.file = file
        self.asOf = asOf
        self.reading = reading
    }

    /// Reads the merchant table and judges 6.6.1-1 and 6.6.2-1.
    public func run() throws -> MeasuredCheckReport {
        try PaymentCheck.judge(try CSVReader.read(file).maskingPersonalColumns(PersonalData(rules: privacy)), asOf: asOf, reading: reading)
    }

    /// Reads a yes/no cell: true, false, or nil when blank. Throws on anything else.
    static func flag(_ raw: String, table: CSVTable, row: CSVRow, column: String) throws -> Bool? {
        let text = MeasureFormat.trim(raw).lowercased()
        switch text {
        case "": return nil
        case "yes", "y", "1", "true", "是", "有", "√", "✓", "支持": return true
        case "no", "n", "0", "false", "否", "无", "×", "✗", "不支持": return false
        default:
            throw table.problem(
                row, "'\(MeasureFormat.trim(raw))' in column \(column) is not a yes/no value",
                expected: "yes/no, 1/0, 是/否 (or true/false, y/n, 有/无)")
        }
    }

    /// Judges an already-read merchant table.
    public static func judge(_ table: CSVTable, asOf: MeasureDate, reading: Scope = .mall) throws
        -> MeasuredCheckReport
    {
        let merchantColumn = try table.requireColumn("merchant", alternatives: ["商户", "商户名称"])
        var columns: [Int] = []
        for method in requiredMethods {
            columns.append(try table.requireColumn(method.column, alternatives: method.alternatives))
        }
        let faceColumn = table.column([face.column] + face.alternatives)
        guard !table.rows.isEmpty else {
            throw DiagnosticsError(
                Diagnostic(
                    file: table.file, line: table.headerLine + 1, message: "the table lists no merchant",
                    expected: "one row per merchant after the header"))
        }
        var accepted = Array(repeating: 0, count: requiredMethods.count)
        var missing: [[String]] = Array(repeating: [], count: requiredMethods.count)
        var faceCount = 0
        var faceMissing: [String] = []
        var findings: [MeasuredFinding] = []
        for row in table.rows {
            let merchant = MeasureFormat.trim(row[merchantColumn])
            guard !merchant.isEmpty else {
                throw table.problem(row, "a merchant row has no merchant name", expected: "a name in column merchant")
            }
            for (index, method) in requiredMethods.enumerated() {
                let value = try flag(row[columns[index]], table: table, row: row, column: table.header[columns[index]])
                if value == true {
                    accepted[index] += 1
                } else {
                    missing[index].append(merchant)
                    findings.append(
                        MeasuredFinding(
                            kind: "missingMethod", subject: merchant,
                            detail: "does not accept \(method.label)" + (value == nil ? " (blank cell)" : ""),
                            file: table.file, line: row.line))
                }
            }
            if let faceColumn {
                if try flag(row[faceColumn], table: table, row: row, column: table.header[faceColumn]) == true {
                    faceCount += 1
                } else {
                    faceMissing.append(merchant)
                }
            }
        }
        let total = table.rows.count
        let coverages = accepted.map { MeasureFormat.percentage($0, total) }
        // Each coverage against the 100 % line: 99.99996 % is never shown as 100.0 %.
        let shown = coverages.map { NumberFormat.share($0, threshold: threshold) }

        let mobileIndex = 1  // requiredMethods[1] is mobile
        let mobileMeasurement = AuditModel.Measurement(
            value: coverages[mobileIndex], threshold: threshold, unit: "%", sample: total)
        let mobileVerdict = MeasureFormat.verdict(threshold, coverages[mobileIndex])
        let mobileReason =
            mobileVerdict == .pass
            ? "mobile payment at all \(total) merchants"
            : "mobile payment missing at \(missing[mobileIndex].count) of \(total) merchants: "
                + missing[mobileIndex].prefix(10).joined(separator: ", ")
                + (missing[mobileIndex].count > 10 ? ", …" : "")

        // 6.6.2-1, one checkpoint per capability, by the reading.
        let perMerchant = reading == .eachMerchant
        let capabilityThreshold = perMerchant ? threshold : availability
        var methodJudgements: [MeasuredStatementJudgement] = []
        for (index, method) in requiredMethods.enumerated() {
            let verdict = MeasureFormat.verdict(capabilityThreshold, coverages[index])
            let gaps =
                missing[index].isEmpty
                ? ""
                : "; not at \(missing[index].count) of \(total) merchants: "
                    + missing[index].prefix(10).joined(separator: ", ") + (missing[index].count > 10 ? ", …" : "")
            let reason: String
            if perMerchant {
                reason =
                    verdict == .pass
                    ? "\(method.label) at all \(total) merchants (reading eachMerchant)"
                    : "\(method.label) not at every merchant (reading eachMerchant)" + gaps
            } else {
                reason =
                    verdict == .pass
                    ? "the mall offers \(method.label): \(accepted[index]) of \(total) merchants accept it "
                        + "(reading mall)" + gaps
                    : "no merchant of \(total) accepts \(method.label) (reading mall)"
            }
            methodJudgements.append(
                MeasuredStatementJudgement(
                    statementID: methodsStatementID, checkpointID: method.checkpoint, verdict: verdict,
                    measurement: AuditModel.Measurement(
                        value: coverages[index], threshold: capabilityThreshold, unit: "%", sample: total),
                    reason: reason))
        }
        let lowest = coverages.min() ?? 0
        let methodsVerdict = methodJudgements.map(\.verdict).max { $0.severity < $1.severity } ?? .error
        let perMethod = requiredMethods.indices.map {
            "\(requiredMethods[$0].column) \(shown[$0]) %"
        }.joined(separator: ", ")
        let short = requiredMethods.indices.filter { !missing[$0].isEmpty }
        let methodsReason =
            short.isEmpty
            ? "cash, mobile, bank card and e-CNY at all \(total) merchants"
            : "not accepted everywhere: "
                + short.map { "\(requiredMethods[$0].column) missing at \(missing[$0].count)" }
                .joined(separator: ", ") + " (coverage \(perMethod))"

        var explanation = ["\(total) merchants in \(table.file) (\(table.encoding))"]
        for (index, method) in requiredMethods.enumerated() {
            var line =
                "\(method.label): \(accepted[index]) of \(total) = \(shown[index]) %"
            if !missing[index].isEmpty {
                line += "; missing at: " + missing[index].joined(separator: ", ")
            }
            explanation.append(line)
        }
        explanation.append(
            "6.6.1-1 mobile coverage \(shown[mobileIndex]) % (needs 100 %) → "
                + mobileVerdict.rawValue)
        explanation.append(
            "6.6.2-1 reading \(reading.rawValue): "
                + (perMerchant
                    ? "each capability at every merchant; lowest coverage = "
                        + "\(NumberFormat.share(lowest, threshold: threshold)) % (needs 100 %)"
                    : "the mall offers each capability when at least one merchant accepts it")
                + " → \(methodsVerdict.rawValue)")
        var observations = requiredMethods.indices.map {
            Observation(
                name: "coverage.\(requiredMethods[$0].column)",
                value: "\(shown[$0]) % (\(accepted[$0]) of \(total))")
        }
        if faceColumn != nil {
            let faceShare = MeasureFormat.percentage(faceCount, total)
            let text = "\(NumberFormat.share(faceShare)) % (\(faceCount) of \(total))"
            explanation.append(
                "\(face.label): \(text) — reported only (6.6.1-2 may, 6.6.2-2 should), never required"
                    + (faceMissing.isEmpty ? "" : "; without: " + faceMissing.joined(separator: ", ")))
            observations.append(Observation(name: "coverage.face", value: text + ", informational"))
        } else {
            explanation.append("\(face.label): no 'face' column; not required (6.6.1-2 may, 6.6.2-2 should)")
            observations.append(Observation(name: "coverage.face", value: "not in the export, informational"))
        }
        let statements =
            [
                MeasuredStatementJudgement(
                    statementID: mobileStatementID, checkpointID: mobileCoverageCheckpoint, verdict: mobileVerdict,
                    measurement: mobileMeasurement, reason: mobileReason)
            ] + methodJudgements
        let reason = methodsReason
        return MeasuredCheckReport(
            check: name, clause: clause, measurement: mobileMeasurement,
            rule: "mobile payment at 100 % of merchants (6.6.1-1 全覆盖); cash, mobile, bank card and e-CNY each "
                + (perMerchant ? "at 100 % of merchants" : "offered by the mall, at least one merchant")
                + " (6.6.2-1, reading \(reading.rawValue)); face payment reported, not required",
            statements: statements, reason: reason, asOf: asOf, inputs: [table.file], observations: observations,
            findings: findings, explanation: explanation)
    }
}
