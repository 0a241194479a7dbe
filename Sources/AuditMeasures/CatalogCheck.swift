import AuditModel
import AuditSupport
import Foundation

/// 6.9.1: the online mall's categories, stock and prices shall agree with the shop floor (品类、库存、价格与线下一致).
///
/// Two exports keyed by SKU, each with columns `sku`, `category`, `stock` and `price`. A SKU mismatches when it is
/// in only one export, or its category (trimmed, case-insensitive), stock (as a number) or price (as a decimal,
/// `¥`/`元` and thousands separators ignored) differs. Value = mismatching SKUs / all SKUs of either export × 100;
/// pass only at 0 %. 6.9.1-2's three obligations are judged apart: `categories` (品类: a SKU listed on one side only,
/// or under another category), `stock` (库存) and `prices` (价格), each its own share of the SKUs; the fourth,
/// `equalRights` (享有线下购物同等权益), is not in these exports.
public struct CatalogCheck: Sendable {
    public static let name = "catalog"
    public static let clause = "6.9.1"
    public static let statementID = "6.9.1-2"
    public static let threshold = Threshold(
        quantity: "catalogMismatch", comparison: .lessThanOrEqual, value: 0, unit: "%")

    public var online: URL
    public var offline: URL
    public var asOf: MeasureDate
    /// Personal columns and identifiers beyond the built-in ones (the profile's `privacy:`): masked as read.
    public var privacy = PrivacyRules()

    public init(online: URL, offline: URL, asOf: MeasureDate) {
        self.online = online
        self.offline = offline
        self.asOf = asOf
    }

    /// Reads both exports and judges 6.9.1-2.
    public func run() throws -> MeasuredCheckReport {
        let onlineTable = try CSVReader.read(online).maskingPersonalColumns(PersonalData(rules: privacy))
        let offlineTable = try CSVReader.read(offline).maskingPersonalColumns(PersonalData(rules: privacy))
        return try CatalogCheck.judge(online: onlineTable, offline: offlineTable, asOf: asOf)
    }

    /// One SKU as an export lists it.
    struct Item {
        var line: Int
        var category: String
        var stockText: String
        var stock: Decimal
        var priceText: String
        var price: Decimal
    }

    /// Reads a number as a mall export writes it: `12`, `12.50`, `¥1,299.00`, `35元`.
    static func number(_ raw: String) -> Decimal? {
        var text = MeasureFormat.trim(raw)
        for symbol in ["¥", "￥", "元", "RMB", "CNY", ",", " "] { text = text.replacingOccurrences(of: symbol, with: "") }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }),
            text.filter({ $0 == "." }).count <= 1
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    static func items(_ table: CSVTable) throws -> (items: [String: Item], order: [String]) {
        let sku = try table.requireColumn("sku", alternatives: ["商品编码", "货号", "SKU编码"])
        let category = try table.requireColumn("category", alternatives: ["品类", "类别", "分类"])
        let stock = try table.requireColumn("stock", alternatives: ["库存"])
        let price = try table.requireColumn("price", alternatives: ["价格", "售价"])
        guard !table.rows.isEmpty else {
            throw DiagnosticsError(
                Diagnostic(
                    file: table.file, line: table.headerLine + 1, message: "the catalog lists no SKU",
                    expected: "one row per SKU after the header"))
        }
        var items: [String: Item] = [:]
        var order: [String] = []
        for row in table.rows {
            let key = MeasureFormat.trim(row[sku])
            guard !key.isEmpty else { throw table.problem(row, "a row has no SKU", expected: "a SKU in column sku") }
            if let earlier = items[key] {
                throw table.problem(
                    row, "SKU \(key) is listed twice (first at line \(earlier.line))", expected: "each SKU once")
            }
            let stockText = MeasureFormat.trim(row[stock])
            guard let stockValue = number(stockText) else {
                throw table.problem(
                    row, "SKU \(key): stock '\(stockText)' is not a number", expected: "a count such as 12")
            }
            let priceText = MeasureFormat.trim(row[price])
            guard let priceValue = number(priceText) else {
                throw table.problem(
                    row, "SKU \(key): price '\(priceText)' is not a number", expected: "a price such as 12.50")
            }
            items[key] = Item(
                line: row.line, category: MeasureFormat.trim(row[category]), stockText: stockText, stock: stockValue,
                priceText: priceText, price: priceValue)
            order.append(key)
        }
        return (items, order)
    }

    /// Judges two already-read exports.
    public static func judge(online: CSVTable, offline: CSVTable, asOf: MeasureDate) throws -> MeasuredCheckReport {
        let (onlineItems, onlineOrder) = try items(online)
        let (offlineItems, offlineOrder) = try items(offline)
        var keys = onlineOrder
        keys.append(contentsOf: offlineOrder.filter { onlineItems[$0] == nil })
        var findings: [MeasuredFinding] = []
        var counts: [String: Int] = ["onlyOnline": 0, "onlyOffline": 0, "category": 0, "stock": 0, "price": 0]
        for key in keys {
            switch (onlineItems[key], offlineItems[key]) {
            case (let on?, let off?):
                var differences: [String] = []
                if on.category.lowercased() != off.category.lowercased() {
                    differences.append("category '\(on.category)' online vs '\(off.category)' offline")
                    counts["category"]! += 1
                }
                if on.stock != off.stock {
                    differences.append("stock \(on.stockText) online vs \(off.stockText) offline")
                    counts["stock"]! += 1
                }
                if on.price != off.price {
                    differences.append("price \(on.priceText) online vs \(off.priceText) offline")
                    counts["price"]! += 1
                }
                if !differences.isEmpty {
                    findings.append(
                        MeasuredFinding(
                            kind: "mismatch", subject: key,
                            detail: differences.joined(separator: "; ") + " (offline line \(off.line))",
                            file: online.file, line: on.line))
                }
            case (let on?, nil):
                counts["onlyOnline"]! += 1
                findings.append(
                    MeasuredFinding(
                        kind: "mismatch", subject: key, detail: "online only: not in the offline export",
                        file: online.file, line: on.line))
            case (nil, let off?):
                counts["onlyOffline"]! += 1
                findings.append(
                    MeasuredFinding(
                        kind: "mismatch", subject: key, detail: "offline only: not in the online export",
                        file: offline.file, line: off.line))
            case (nil, nil):
                break
            }
        }
        let total = keys.count
        let value = MeasureFormat.percentage(findings.count, total)
        let measurement = AuditModel.Measurement(value: value, threshold: threshold, unit: "%", sample: total)
        let verdict = MeasureFormat.verdict(threshold, value)
        let share = NumberFormat.share(value, threshold: threshold)
        let reason =
            verdict == .pass
            ? "all \(total) SKUs agree online and offline (category, stock, price)"
            : "\(findings.count) of \(total) SKUs differ (\(share) %): "
                + findings.prefix(5).map(\.subject).joined(separator: ", ") + (findings.count > 5 ? ", …" : "")
        let explanation = [
            "online: \(onlineOrder.count) SKUs in \(online.file) (\(online.encoding)); offline: \(offlineOrder.count) "
                + "SKUs in \(offline.file) (\(offline.encoding)); \(total) SKUs in either",
            "online only: \(counts["onlyOnline"]!); offline only: \(counts["onlyOffline"]!); category differs: "
                + "\(counts["category"]!); stock differs: \(counts["stock"]!); price differs: \(counts["price"]!)",
            "mismatch share = \(findings.count) / \(total) × 100 = \(share) % "
                + "\(verdict == .pass ? "≤" : ">") 0 % → \(verdict.rawValue)",
        ]
        func aspect(_ name: String, _ differing: Int, _ what: String) -> MeasuredStatementJudgement {
            let value = MeasureFormat.percentage(differing, total)
            let measured = AuditModel.Measurement(value: value, threshold: threshold, unit: "%", sample: total)
            let verdict = MeasureFormat.verdict(threshold, value)
            return MeasuredStatementJudgement(
                statementID: statementID, checkpointID: "\(statementID)/\(name)", verdict: verdict, measurement: measured,
                reason: verdict == .pass
                    ? "all \(total) SKUs agree online and offline (\(name))"
                    : "\(what) for \(differing) of \(total) SKUs (\(NumberFormat.share(value, threshold: threshold)) %)")
        }
        let observations = [
            Observation(name: "skus", value: String(total)),
            Observation(name: "mismatched", value: String(findings.count)),
            Observation(name: "onlyOnline", value: String(counts["onlyOnline"]!)),
            Observation(name: "onlyOffline", value: String(counts["onlyOffline"]!)),
            Observation(name: "categoryDiffers", value: String(counts["category"]!)),
            Observation(name: "stockDiffers", value: String(counts["stock"]!)),
            Observation(name: "priceDiffers", value: String(counts["price"]!)),
        ]
        return MeasuredCheckReport(
            check: name, clause: clause, measurement: measurement,
            rule: "share of SKUs whose category, stock or price differ between the online and offline exports "
                + "(or that only one lists) ≤ 0 %",
            statements: [
                aspect("categories", counts["onlyOnline"]! + counts["onlyOffline"]! + counts["category"]!,
                       "listed on one side only or under another category"),
                aspect("stock", counts["stock"]!, "stock differs"),
                aspect("prices", counts["price"]!, "price differs"),
            ],
            reason: reason, asOf: asOf, inputs: [online.file, offline.file], observations: observations,
            findings: findings, explanation: explanation)
    }
}
