import AuditModel
import Foundation

/// 6.6.1 and 6.6.2: payment methods accepted at every merchant.
///
/// One row per merchant with columns `merchant`, `cash`, `mobile`, `bank_card`, `ecny` and optionally `face`,
/// each yes/no, 1/0, 是/否 (also true/false, y/n, 有/无, √/×). A blank cell counts as not accepted and is listed.
///
/// - 6.6.1-1: mobile payment at every merchant (coverage ≥ 100 %).
/// - 6.6.2-1: cash, mobile, bank card and e-CNY each accepted at every merchant; the value is the lowest of the
///   four coverages, and the report gives each coverage and the merchants missing each method.
/// - Face payment (6.6.1-2 may, 6.6.2-2 should) is reported as an observation, never required.
public struct PaymentCheck: Sendable {
    public static let name = "payments"
    public static let clause = "6.6.1,6.6.2"
    public static let mobileStatementID = "6.6.1-1"
    public static let methodsStatementID = "6.6.2-1"
    public static let threshold = Threshold(
        quantity: "paymentCoverage", comparison: .greaterThanOrEqual, value: 100, unit: "%")

    /// A payment method column.
    public struct Method: Sendable, Hashable {
        public var column: String
        public var alternatives: [String]
        public var label: String
    }

    public static let cash = Method(column: "cash", alternatives: ["现金"], label: "cash (现金)")
    public static let mobile = Method(
        column: "mobile", alternatives: ["移动支付", "mobile_payment"], label: "mobile (移动支付)")
    public static let bankCard = Method(
        column: "bank_card", alternatives: ["bankcard", "bank card", "银行卡"], label: "bank card (银行卡)")
    public static let ecny = Method(
        column: "ecny", alternatives: ["e-cny", "e_cny", "数字人民币"], label: "e-CNY (数字人民币)")
    public static let face = Method(
        column: "face", alternatives: ["face_payment", "刷脸支付", "刷脸"], label: "face payment (刷脸支付)")
    /// The methods 6.6.2-1 requires at every merchant, in report order.
    public static let requiredMethods = [cash, mobile, bankCard, ecny]

    public var file: URL
    public var asOf: MeasureDate

    public init(file: URL, asOf: MeasureDate) {
        self.file = file
        self.asOf = asOf
    }

    /// Reads the merchant table and judges 6.6.1-1 and 6.6.2-1.
    public func run() throws -> MeasuredCheckReport {
        try PaymentCheck.judge(try CSVReader.read(file), asOf: asOf)
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
    public static func judge(_ table: CSVTable, asOf: MeasureDate) throws -> MeasuredCheckReport {
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

        let lowest = coverages.min() ?? 0
        let methodsMeasurement = AuditModel.Measurement(value: lowest, threshold: threshold, unit: "%", sample: total)
        let methodsVerdict = MeasureFormat.verdict(threshold, lowest)
        let perMethod = requiredMethods.indices.map {
            "\(requiredMethods[$0].column) \(shown[$0]) %"
        }.joined(separator: ", ")
        let short = requiredMethods.indices.filter { !missing[$0].isEmpty }
        let methodsReason =
            methodsVerdict == .pass
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
            "6.6.2-1 lowest coverage of cash, mobile, bank card, e-CNY = "
                + "\(NumberFormat.share(lowest, threshold: threshold)) % "
                + "(needs 100 %) → \(methodsVerdict.rawValue)")
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
        let statements = [
            MeasuredStatementJudgement(
                statementID: mobileStatementID, verdict: mobileVerdict, measurement: mobileMeasurement,
                reason: mobileReason),
            MeasuredStatementJudgement(
                statementID: methodsStatementID, verdict: methodsVerdict, measurement: methodsMeasurement,
                reason: methodsReason),
        ]
        let reason = methodsReason
        return MeasuredCheckReport(
            check: name, clause: clause, measurement: methodsMeasurement,
            rule: "each of cash, mobile, bank card and e-CNY accepted at 100 % of merchants (6.6.2-1); mobile at "
                + "100 % (6.6.1-1); face payment reported, not required",
            statements: statements, reason: reason, asOf: asOf, inputs: [table.file], observations: observations,
            findings: findings, explanation: explanation)
    }
}
