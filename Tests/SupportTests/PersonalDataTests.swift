import AuditModel
import AuditSupport
import Testing

@Suite("Personal data: recognised and masked in one place")
struct PersonalDataTests {
    @Test("identifiers are masked as documented", arguments: [
        ("user=13812342011 ok", "user=138****2011 ok"),
        ("手机13912345678，", "手机139****5678，"),
        ("+8613812342011", "+86138****2011"),
        ("sta=b1:cd:bc:12:34:56 x", "sta=b1:cd:bc:**:**:** x"),
        ("B1-CD-BC-12-34-56", "B1-CD-BC-**-**-**"),
        ("id=32030319900101123X.", "id=3203**********123X."),
        ("id 320303900101123", "id 3203*******1123"),
        ("mail zhang.san@example.com.", "mail z***@example.com."),
        ("王工 <wang@bureau.gov.cn>", "王工 <w***@bureau.gov.cn>"),
    ])
    func masks(input: String, expected: String) {
        #expect(PersonalData.standard.mask(input) == expected)
        // Idempotent: a masked form matches no rule again.
        #expect(PersonalData.standard.mask(expected) == expected)
    }

    @Test("numbers that are not identifiers stay: digests, timestamps, amounts, SKUs, 12-digit runs", arguments: [
        "sha256 3f8a13812342011b9c", "1796529385", "12345678901", "2026-11-20 08:14:07", "SKU-138123420119",
        "23812342011", "12812342011", "a13812342011", "13812342011b", "32030319901301123X",
    ])
    func keeps(input: String) {
        #expect(PersonalData.standard.mask(input) == input)
    }

    @Test("profile patterns and personal columns extend the built-in rules")
    func profileRules() {
        let masker = PersonalData(
            rules: PrivacyRules(personalColumns: ["车牌"], patterns: [.init(name: "plate", regex: "苏C[A-Z0-9]{5}")]))
        #expect(masker.mask("车辆 苏CA1234 入场") == "车辆 *** 入场")
        #expect(masker.isPersonalColumn("车牌") && masker.isPersonalColumn("投诉人") && masker.isPersonalColumn("Phone"))
        #expect(!masker.isPersonalColumn("satisfaction"))
        #expect(PersonalData.maskCell("张三丰") == "张**")
        #expect(PersonalData.maskCell("李") == "李*")
        #expect(PersonalData.patternProblem("([") != nil)
    }

    @Test("matches name the kind and the line, never the value")
    func matches() {
        let found = PersonalData.standard.matches(in: "ok\nuser 13812342011\nmail a@b.cn and b1:cd:bc:12:34:56")
        #expect(found == [
            .init(kind: "mobileNumber", line: 2), .init(kind: "emailAddress", line: 3), .init(kind: "macAddress", line: 3),
        ])
    }
}
