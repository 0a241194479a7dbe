import AuditModel
import AuditMeasures
import Foundation
import Testing

/// A survey CSV with the given numbers of each answer, in that order.
private func survey(_ answers: [(String, Int)], column: String = "satisfaction") -> String {
    var text = "respondent,\(column)\n"
    var n = 0
    for (answer, count) in answers {
        for _ in 0..<count {
            n += 1
            text += "\(n),\(answer)\n"
        }
    }
    return text
}

private func judgeSurvey(_ text: String, column: String? = nil) throws -> MeasuredCheckReport {
    try SatisfactionCheck.judge(
        try CSVReader.parse(Array(text.utf8), file: "survey.csv"), column: column, asOf: day("2026-03-02"))
}

@Suite("SatisfactionCheck")
struct SatisfactionCheckTests {
    @Test("85.0 % passes (不低于85%), 84.9 % fails")
    func boundary() throws {
        let pass = try judgeSurvey(survey([("满意", 600), ("基本满意", 250), ("不满意", 150)]))
        #expect(pass.measurement?.value == 85.0)
        #expect(pass.measurement?.sample == 1000)
        #expect(pass.measurement?.margin == 0)
        #expect(pass.verdict == .pass)
        #expect(pass.statements.map(\.statementID) == ["8.2.1-3"])

        let fail = try judgeSurvey(survey([("满意", 600), ("基本满意", 249), ("不满意", 151)]))
        #expect(fail.measurement?.value == 84.9)
        #expect(fail.verdict == .fail)
    }

    @Test("17 of 20 is exactly 85 and passes (no floating-point slip)")
    func exactSmall() throws {
        let report = try judgeSurvey(survey([("满意", 17), ("不满意", 3)]))
        #expect(report.measurement?.value == 85)
        #expect(report.verdict == .pass)
    }

    @Test("blank and unrecognised answers stay in the denominator and are listed")
    func blanksInDenominator() throws {
        // 17 satisfied of 20 respondents (2 blank, 1 unrecognised) = 85.0 → pass.
        let pass = try judgeSurvey(survey([("满意", 12), ("基本满意", 5), ("", 2), ("非常满意", 1)]))
        #expect(pass.measurement?.value == 85)
        #expect(pass.measurement?.sample == 20)
        #expect(pass.verdict == .pass)
        #expect(pass.findings.filter { $0.kind == "blankAnswer" }.map(\.line) == [19, 20])
        #expect(pass.findings.filter { $0.kind == "unrecognisedAnswer" }.map(\.line) == [21])
        #expect(pass.observations.contains(Observation(name: "respondents.blank", value: "2")))
        // One more blank: 17 of 21 = 80.95 → fail (blanks are not dropped).
        let fail = try judgeSurvey(survey([("满意", 12), ("基本满意", 5), ("", 3), ("非常满意", 1)]))
        #expect(fail.measurement?.sample == 21)
        #expect(fail.verdict == .fail)
    }

    @Test("English answers and a named column")
    func englishAndColumn() throws {
        let report = try judgeSurvey(
            survey([("Satisfied", 8), ("basically satisfied", 1), ("Dissatisfied", 1)], column: "Q7"), column: "q7")
        #expect(report.measurement?.value == 90)
        #expect(report.verdict == .pass)
    }

    @Test("a GB18030 survey from Chinese Excel, with quoted comment fields and a 满意度 column")
    func gb18030Survey() throws {
        var bytes = gb18030(["编号", ",", "满意度", ",", "备注", "\r\n"])
        for n in 1...17 { bytes += gb18030(["\(n),", "满意", ",\"", "好，很好", "\"\r\n"]) }
        for n in 18...20 { bytes += gb18030(["\(n),", "不满意", ",\"a,\r\nb\"\r\n"]) }
        let table = try CSVReader.parse(bytes, file: "gb.csv")
        let report = try SatisfactionCheck.judge(table, column: nil, asOf: day("2026-03-02"))
        #expect(report.measurement?.value == 85)
        #expect(report.measurement?.sample == 20)
        #expect(report.observations.contains(Observation(name: "encoding", value: "GB18030")))
        #expect(report.verdict == .pass)
    }

    @Test("an empty survey and a missing column are errors naming file and line")
    func badInput() throws {
        let empty = expectDiagnostic { try judgeSurvey("respondent,satisfaction\n") }
        #expect(empty?.file == "survey.csv")
        #expect(empty?.line == 2)
        #expect(empty?.message.contains("no respondent") == true)
        let missing = expectDiagnostic { try judgeSurvey("respondent,score\n1,满意\n") }
        #expect(missing?.line == 1)
        #expect(missing?.message.contains("'satisfaction'") == true)
    }
}

private func judgePayments(_ text: String, reading: Scope = .mall) throws -> MeasuredCheckReport {
    try PaymentCheck.judge(
        try CSVReader.parse(Array(text.utf8), file: "merchants.csv"), asOf: day("2026-03-02"), reading: reading)
}

private let paymentTargets = [
    "6.6.1-1/mobileCoverage", "6.6.2-1/cash", "6.6.2-1/mobilePayment", "6.6.2-1/bankCard", "6.6.2-1/eCny",
]

@Suite("PaymentCheck")
struct PaymentCheckTests {
    @Test("every method everywhere passes 6.6.1-1 and 6.6.2-1; face payment is not required")
    func allAccepted() throws {
        let report = try judgePayments(
            """
            merchant,cash,mobile,bank_card,ecny,face
            星巴克,yes,yes,yes,yes,no
            优衣库,1,1,1,1,0
            海底捞,是,是,是,是,否

            """)
        #expect(report.verdict == .pass)
        #expect(report.statements.map(\.target) == paymentTargets)
        #expect(report.statements.allSatisfy { $0.verdict == .pass && $0.measurement?.value == 100 })
        #expect(
            report.observations.contains(Observation(name: "coverage.face", value: "0.0 % (0 of 3), informational")))
    }

    /// 6.6.2-1 商场应具备…数字人民币等主流支付能力 is a capability of the mall: one shop without e-CNY does not take it
    /// away (reading `mall`, the default); it is listed. Under `eachMerchant` the same shop fails it.
    @Test("a merchant without e-CNY: the mall still offers e-CNY (listed); under eachMerchant it fails, named")
    func noECNY() throws {
        let table = """
            merchant,cash,mobile,bank_card,ecny,face
            A,yes,yes,yes,yes,yes
            B,yes,yes,yes,no,no
            C,yes,yes,yes,yes,no
            D,yes,yes,yes,yes,no

            """
        let mall = try judgePayments(table)
        #expect(mall.verdict == .pass)
        let ecny = try #require(mall.statements.first { $0.target == "6.6.2-1/eCny" })
        #expect(ecny.verdict == .pass)
        #expect(ecny.measurement?.value == 75)
        #expect(ecny.measurement?.threshold == PaymentCheck.availability)
        #expect(ecny.reason.contains("B") && ecny.reason.contains("reading mall"))
        #expect(mall.findings.map(\.subject) == ["B"])
        #expect(mall.findings.first?.line == 3)
        #expect(mall.findings.first?.detail.contains("e-CNY") == true)
        #expect(mall.observations.contains(Observation(name: "coverage.ecny", value: "75.0 % (3 of 4)")))

        let strict = try judgePayments(table, reading: .eachMerchant)
        #expect(strict.verdict == .fail)
        let mobile = try #require(strict.statements.first { $0.target == "6.6.1-1/mobileCoverage" })
        #expect(mobile.verdict == .pass)
        let strictECNY = try #require(strict.statements.first { $0.target == "6.6.2-1/eCny" })
        #expect(strictECNY.verdict == .fail)
        #expect(strictECNY.measurement?.value == 75)
        #expect(strictECNY.measurement?.sample == 4)
        #expect(strict.statements.filter { $0.verdict == .fail }.map(\.target) == ["6.6.2-1/eCny"])
    }

    @Test("no merchant takes e-CNY: the mall lacks the capability under either reading")
    func nobodyTakesECNY() throws {
        let table = "merchant,cash,mobile,bank_card,ecny\nA,yes,yes,yes,no\nB,yes,yes,yes,no\n"
        for reading in [Scope.mall, .eachMerchant] {
            let report = try judgePayments(table, reading: reading)
            let ecny = try #require(report.statements.first { $0.target == "6.6.2-1/eCny" })
            #expect(ecny.verdict == .fail)
            #expect(ecny.measurement?.value == 0)
        }
    }

    @Test("no mobile payment at one merchant fails 6.6.1-1 (全覆盖, per merchant) but not the mall's capability")
    func noMobile() throws {
        let report = try judgePayments("merchant,cash,mobile,bank_card,ecny\nA,yes,,yes,yes\nB,yes,yes,yes,yes\n")
        let coverage = try #require(report.statements.first { $0.target == "6.6.1-1/mobileCoverage" })
        #expect(coverage.verdict == .fail)
        #expect(coverage.measurement?.value == 50)
        #expect(report.statements.first { $0.target == "6.6.2-1/mobilePayment" }?.verdict == .pass)
        #expect(report.findings.first?.detail.contains("blank") == true)
    }

    @Test("a value that is not yes/no is an error naming file and line")
    func badValue() {
        let diagnostic = expectDiagnostic {
            try judgePayments("merchant,cash,mobile,bank_card,ecny\nA,yes,maybe,yes,yes\n")
        }
        #expect(diagnostic?.file == "merchants.csv")
        #expect(diagnostic?.line == 2)
        #expect(diagnostic?.message.contains("maybe") == true)
    }
}

private func judgeCatalog(_ online: String, _ offline: String) throws -> MeasuredCheckReport {
    try CatalogCheck.judge(
        online: try CSVReader.parse(Array(online.utf8), file: "online.csv"),
        offline: try CSVReader.parse(Array(offline.utf8), file: "offline.csv"), asOf: day("2026-03-02"))
}

@Suite("CatalogCheck")
struct CatalogCheckTests {
    @Test("agreeing catalogs pass; prices compare as numbers and rows may be in any order")
    func agree() throws {
        let report = try judgeCatalog(
            "sku,category,stock,price\nA1,服装,5,12.50\nB2,Food,3,\"1,299\"\n",
            "SKU,Category,Stock,Price\nB2,food,3,¥1299.00\nA1,服装,5,12.5\n")
        #expect(report.verdict == .pass)
        #expect(report.measurement?.value == 0)
        #expect(report.measurement?.sample == 2)
    }

    @Test("a differing price, stock or category, or a SKU only one side lists, is a mismatch")
    func mismatch() throws {
        let report = try judgeCatalog(
            "sku,category,stock,price\nA1,服装,5,12.50\nB2,食品,3,8\nC3,玩具,1,99\nD4,书,2,20\n",
            "sku,category,stock,price\nA1,服装,5,12.50\nB2,食品,4,8\nC3,文具,1,99\nE5,书,2,20\n")
        #expect(report.verdict == .fail)
        #expect(report.measurement?.sample == 5)
        #expect(report.measurement?.value == 80)
        #expect(report.findings.map(\.subject) == ["B2", "C3", "D4", "E5"])
        #expect(report.findings[0].detail.contains("stock 3 online vs 4 offline"))
        #expect(report.findings[1].detail.contains("category"))
        #expect(report.findings[3].file == "offline.csv")
    }

    @Test("one price differing by a cent among many still fails (le 0 %)")
    func oneCent() throws {
        var online = "sku,category,stock,price\n"
        var offline = online
        for n in 0..<1000 {
            online += "S\(n),c,1,10.00\n"
            offline += "S\(n),c,1,\(n == 999 ? "10.01" : "10.00")\n"
        }
        let report = try judgeCatalog(online, offline)
        #expect(report.measurement?.value == 0.1)
        #expect(report.verdict == .fail)
    }

    @Test("a duplicate SKU or an unreadable price is an error naming file and line")
    func badInput() {
        let duplicate = expectDiagnostic {
            try judgeCatalog("sku,category,stock,price\nA,c,1,1\nA,c,1,1\n", "sku,category,stock,price\nA,c,1,1\n")
        }
        #expect(duplicate?.file == "online.csv")
        #expect(duplicate?.line == 3)
        let price = expectDiagnostic {
            try judgeCatalog("sku,category,stock,price\nA,c,1,1\n", "sku,category,stock,price\nA,c,1,abc\n")
        }
        #expect(price?.file == "offline.csv")
        #expect(price?.line == 2)
    }
}

@Suite("MeasuredCheckReport")
struct MeasuredCheckReportTests {
    @Test("statement results for the store: source data, producer, measurement, observations")
    func statementResults() throws {
        let report = try judgePayments("merchant,cash,mobile,bank_card,ecny\nA,yes,yes,yes,no\n")
        let results = report.statementResults()
        #expect(results.map(\.target) == paymentTargets)
        #expect(results.map(\.statementID) == ["6.6.1-1", "6.6.2-1", "6.6.2-1", "6.6.2-1", "6.6.2-1"])
        #expect(results.map(\.verdict) == [.pass, .pass, .pass, .pass, .fail])
        #expect(results.allSatisfy { $0.source == .data && $0.producer == "payments" })
        #expect(results[4].measurement?.value == 0)
        #expect(results[4].observations.contains { $0.name == "missingMethod" && $0.value.hasPrefix("A:") })
    }

    @Test("JSON has check, clause, verdict, value, threshold, unit, sample")
    func json() throws {
        let report = try judgeSurvey(survey([("满意", 17), ("不满意", 3)]))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.renderJSON().utf8)) as? [String: Any])
        #expect(object["check"] as? String == "satisfaction")
        #expect(object["clause"] as? String == "8.2.1")
        #expect(object["verdict"] as? String == "pass")
        #expect(object["value"] as? Double == 85)
        #expect(object["threshold"] as? Double == 85)
        #expect(object["comparison"] as? String == "ge")
        #expect(object["unit"] as? String == "%")
        #expect(object["sample"] as? Int == 20)
    }

    @Test("unusable input gives an error report for every statement, for the engine")
    func unusable() {
        let report = MeasuredChecks.run(
            .payments, inputs: MeasuredCheckInputs(payments: URL(fileURLWithPath: "/nonexistent/m.csv")),
            asOf: day("2026-03-02"))
        #expect(report.verdict == .error)
        #expect(report.statements.map(\.statementID) == ["6.6.1-1", "6.6.2-1"])
        #expect(report.statements.allSatisfy { $0.verdict == .error && $0.reason.contains("/nonexistent/m.csv") })
        let none = MeasuredChecks.run(.wifiLogs, inputs: MeasuredCheckInputs(), asOf: day("2026-03-02"))
        #expect(none.verdict == .error)
    }
}
