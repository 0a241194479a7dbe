import AuditSNMP
import Testing

/// net-snmp's rendering rules, boundary by boundary (the live tests compare whole walks with the real tools).
@Suite struct SNMPValueRenderingTests {
    @Test func printableBoundaries() {
        #expect(SNMPValue.isPrintable([0x20, 0x7E]))  // space and ~: the ends of isprint
        #expect(SNMPValue.isPrintable([0x09, 0x0A, 0x0B, 0x0C, 0x0D]))  // isspace
        #expect(!SNMPValue.isPrintable([0x41, 0x1F]))  // just below space
        #expect(!SNMPValue.isPrintable([0x41, 0x7F]))  // DEL
        #expect(!SNMPValue.isPrintable([0x41, 0x08]))  // just below \t
        #expect(!SNMPValue.isPrintable([0x41, 0x0E]))  // just above \r
        #expect(!SNMPValue.isPrintable([0xE5, 0x95, 0x86]))  // UTF-8 is not printable in the C locale
    }

    @Test func strings() {
        #expect(SNMPValue.octets(Array("abc".utf8)).netSNMPText == "STRING: \"abc\"")
        #expect(SNMPValue.octets(Array("say \"hi\" \\".utf8)).netSNMPText == #"STRING: "say \"hi\" \\""#)
        #expect(SNMPValue.octets([]).netSNMPText == "\"\"")
        #expect(SNMPValue.octets([0x41, 0x7F]).netSNMPText == "Hex-STRING: 41 7F ")
    }

    @Test(arguments: [
        (15, "Hex-STRING: " + String(repeating: "00 ", count: 15)),
        (16, "Hex-STRING: " + String(repeating: "00 ", count: 16)),
        (17, "Hex-STRING: " + String(repeating: "00 ", count: 16) + "\n00 "),
        (32, "Hex-STRING: " + String(repeating: "00 ", count: 16) + "\n" + String(repeating: "00 ", count: 16)),
        (33, "Hex-STRING: " + String(repeating: "00 ", count: 16) + "\n" + String(repeating: "00 ", count: 16)
            + "\n00 "),
    ])
    func hexLineBreaks(count: Int, expected: String) {
        #expect(SNMPValue.octets(Array(repeating: 0, count: count)).netSNMPText == expected)
    }

    @Test(arguments: [
        (UInt32(0), "Timeticks: (0) 0:00:00.00"),
        (UInt32(8_639_999), "Timeticks: (8639999) 23:59:59.99"),
        (UInt32(8_640_000), "Timeticks: (8640000) 1 day, 0:00:00.00"),
        (UInt32(17_279_999), "Timeticks: (17279999) 1 day, 23:59:59.99"),
        (UInt32(17_280_000), "Timeticks: (17280000) 2 days, 0:00:00.00"),
        (UInt32.max, "Timeticks: (4294967295) 497 days, 2:27:52.95"),
    ])
    func timeticks(ticks: UInt32, expected: String) {
        #expect(SNMPValue.timeticks(ticks).netSNMPText == expected)
    }

    @Test func otherTypes() {
        #expect(SNMPValue.integer(-2_147_483_648).netSNMPText == "INTEGER: -2147483648")
        #expect(SNMPValue.counter32(.max).netSNMPText == "Counter32: 4294967295")
        #expect(SNMPValue.gauge32(0).netSNMPText == "Gauge32: 0")
        #expect(SNMPValue.counter64(.max).netSNMPText == "Counter64: 18446744073709551615")
        #expect(SNMPValue.ipAddress([10, 0, 0, 254]).netSNMPText == "IpAddress: 10.0.0.254")
        #expect(SNMPValue.oid(SNMPObjectID([1, 3, 6, 1])).netSNMPText == "OID: .1.3.6.1")
        #expect(SNMPValue.opaque([1, 2]).netSNMPText == "OPAQUE: 01 02 ")
        #expect(SNMPValue.opaqueFloat(1.5).netSNMPText == "Opaque: Float: 1.500000")
        #expect(SNMPValue.opaqueDouble(-0.25).netSNMPText == "Opaque: Float: -0.250000")
        #expect(SNMPValue.opaqueInt64(-1).netSNMPText == "Opaque: Int64: -1")
        #expect(SNMPValue.opaqueUInt64(.max).netSNMPText == "Opaque: UInt64: 18446744073709551615")
        #expect(SNMPValue.opaqueCounter64(5).netSNMPText == "Opaque: Counter64: 5")
        #expect(SNMPValue.null.netSNMPText == "NULL")
        #expect(SNMPValue.noSuchObject.netSNMPText == "No Such Object available on this agent at this OID")
        #expect(SNMPValue.noSuchInstance.netSNMPText == "No Such Instance currently exists at this OID")
        #expect(
            SNMPValue.endOfMibView.netSNMPText
                == "No more variables left in this MIB View (It is past the end of the MIB tree)")
    }

    @Test func numbersAndPlainText() {
        #expect(SNMPValue.integer(-3).number == -3)
        #expect(SNMPValue.gauge32(45).number == 45)
        #expect(SNMPValue.octets(Array(" 21.5 ".utf8)).number == 21.5)
        #expect(SNMPValue.octets(Array("dry".utf8)).number == nil)
        // NaN and infinities are not numbers: compared with a threshold or an age they would pass by comparing false.
        #expect(SNMPValue.opaqueDouble(.nan).number == nil)
        #expect(SNMPValue.opaqueFloat(.infinity).number == nil)
        #expect(SNMPValue.octets(Array("nan".utf8)).number == nil)
        #expect(SNMPValue.octets(Array("-inf".utf8)).number == nil)
        #expect(SNMPValue.opaqueDouble(1.5).number == 1.5)
        #expect(SNMPValue.noSuchObject.number == nil)
        #expect(SNMPValue.octets([0x00, 0x1A]).plainText == "00 1A")
        #expect(SNMPValue.noSuchInstance.isException && !SNMPValue.null.isException)
    }
}

@Suite struct SNMPObjectIDTests {
    @Test(arguments: [".1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.1.0"])
    func parsesNumericForms(text: String) {
        #expect(SNMPObjectID(text)?.components == [1, 3, 6, 1, 2, 1, 1, 1, 0])
        #expect(SNMPObjectID(text)?.description == ".1.3.6.1.2.1.1.1.0")
    }

    @Test(arguments: ["", ".", "sysDescr.0", "1..3", "1.3.", ".1.3.x", "1.3.-6", "1.3.4294967296", " 1.3"])
    func rejectsOthers(text: String) {
        #expect(SNMPObjectID(text) == nil)
    }

    @Test func subIdentifierLimitsAndLength() {
        #expect(SNMPObjectID("1.3.4294967295")?.components.last == UInt32.max)
        #expect(SNMPObjectID(Array(repeating: "1", count: 128).joined(separator: ".")) != nil)
        #expect(SNMPObjectID(Array(repeating: "1", count: 129).joined(separator: ".")) == nil)
    }

    @Test func orderAndContainment() {
        #expect(oid(".1.3.6.1.2") < oid(".1.3.6.1.10"))  // numeric, not textual
        #expect(oid(".1.3.6") < oid(".1.3.6.0"))
        #expect(!(oid(".1.3.6") < oid(".1.3.6")))
        #expect(oid(".1.3.6").contains(oid(".1.3.6")))
        #expect(oid(".1.3.6").contains(oid(".1.3.6.1.4")))
        #expect(!oid(".1.3.6").contains(oid(".1.3.7")))
        #expect(!oid(".1.3.6.1").contains(oid(".1.3.6")))
    }
}

@Suite struct SNMPAgentSettingsTests {
    @Test func communityComesFromTheNamedVariable() throws {
        let settings = SNMPAgentSettings(address: "udp:127.0.0.1:1161", communityEnv: "TEST_COMMUNITY")
        let agent = try settings.resolve(environment: ["TEST_COMMUNITY": "s3cret-community"]).get()
        #expect(agent.community == "s3cret-community")
        #expect(!agent.description.contains("s3cret"))
        #expect(!String(reflecting: agent).contains("s3cret"))
    }

    @Test func v3PassphrasesNeverShowInDumps() {
        let security = SNMPAgent.V3Security(
            user: "auditor", level: .authPriv, authPassphrase: "auth-s3cret", privPassphrase: "priv-s3cret")
        var dumped = ""
        dump(security, to: &dumped)
        #expect(!dumped.contains("s3cret"), "\(dumped)")
        #expect(!String(reflecting: security).contains("s3cret"))
        #expect(dumped.contains("auditor"))
    }

    @Test func unsetVariableIsNamedNotGuessed() {
        let settings = SNMPAgentSettings(address: "udp:127.0.0.1:1161", communityEnv: "TEST_COMMUNITY")
        guard case let .failure(error) = settings.resolve(environment: [:]) else {
            Issue.record("resolved without the variable")
            return
        }
        #expect(error.code == "configuration")
        #expect(error.description.contains("TEST_COMMUNITY"))
    }

    @Test(arguments: [(7, false), (8, true)])
    func passphraseLengthBoundary(length: Int, accepted: Bool) {
        let settings = SNMPAgentSettings(
            address: "udp:127.0.0.1:1161", version: .v3, user: "monitor", authPassphraseEnv: "AUTH",
            privPassphraseEnv: "PRIV")
        let pass = String(repeating: "p", count: length)
        let result = settings.resolve(environment: ["AUTH": pass, "PRIV": "privpass123"])
        if accepted {
            #expect((try? result.get())?.v3?.level == .authPriv)
        } else {
            guard case let .failure(error) = result else {
                Issue.record("a \(length)-character passphrase was accepted")
                return
            }
            #expect(error.description.contains("shorter than 8"))
            #expect(!error.description.contains(pass))
        }
    }

    @Test func levelFollowsTheGivenVariables() throws {
        let base = SNMPAgentSettings(address: "udp:127.0.0.1:1161", version: .v3, user: "u")
        var auth = base
        auth.authPassphraseEnv = "A"
        #expect(try base.resolve(environment: [:]).get().v3?.level == .noAuthNoPriv)
        #expect(try auth.resolve(environment: ["A": "12345678"]).get().v3?.level == .authNoPriv)
    }

    @Test(arguments: [
        ("udp:127.0.0.1:161", true), ("udp:127.0.0.1", true), ("tcp:127.0.0.1:161", false),
        ("127.0.0.1:161", false), ("udp:127.0.0.1:0", false), ("udp:127.0.0.1:65535", true),
        ("udp:127.0.0.1:65536", false), ("udp::161", false),
    ])
    func addresses(address: String, valid: Bool) {
        let agent = SNMPAgent(address: address, community: "c")
        #expect((agent.configurationProblem() == nil) == valid)
    }

    @Test(arguments: [(0.0, false), (0.001, true), (3600.0, true), (3600.5, false), (-1.0, false)])
    func timeoutBounds(timeout: Double, valid: Bool) {
        let agent = SNMPAgent(address: "udp:127.0.0.1:161", community: "c", timeout: timeout)
        #expect((agent.configurationProblem() == nil) == valid)
    }

    @Test(arguments: [(-1, false), (0, true), (20, true), (21, false)])
    func retriesBounds(retries: Int, valid: Bool) {
        let agent = SNMPAgent(address: "udp:127.0.0.1:161", community: "c", retries: retries)
        #expect((agent.configurationProblem() == nil) == valid)
    }

    @Test func protocolNames() {
        #expect(SNMPAgent.AuthProtocol(name: "sha256") == .sha256)
        #expect(SNMPAgent.AuthProtocol(name: "SHA-512") == .sha512)
        #expect(SNMPAgent.AuthProtocol(name: "SHA1") == .sha)
        #expect(SNMPAgent.AuthProtocol(name: "SHA3") == nil)
        #expect(SNMPAgent.PrivProtocol(name: "aes128") == .aes)
        #expect(SNMPAgent.PrivProtocol(name: "AES-256") == .aes256)
        #expect(SNMPAgent.PrivProtocol(name: "3DES") == nil)
    }
}
