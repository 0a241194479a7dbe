import Foundation

/// A value an SNMP agent returned for one OID, typed as on the wire.
///
/// `netSNMPText` renders it exactly as net-snmp's `snmpget -On` / `snmpbulkwalk -On` print the part after
/// ` = ` when no MIB is loaded (`STRING: "abc"`, `INTEGER: 3`, `Timeticks: (123) 0:00:01.23`, `Hex-STRING: 00 1A `),
/// so a walk printed by mallaudit can be compared with net-snmp's own tools line for line.
public enum SNMPValue: Sendable, Hashable {
    /// INTEGER / Integer32.
    case integer(Int64)
    /// OCTET STRING: text or binary; see `isPrintable`.
    case octets([UInt8])
    /// OBJECT IDENTIFIER.
    case oid(SNMPObjectID)
    /// IpAddress (4 bytes).
    case ipAddress([UInt8])
    case counter32(UInt32)
    /// Gauge32 / Unsigned32.
    case gauge32(UInt32)
    /// Hundredths of a second.
    case timeticks(UInt32)
    case counter64(UInt64)
    /// Opaque (raw bytes of the wrapped encoding).
    case opaque([UInt8])
    /// An Opaque wrapping a float (net-snmp's opaque special types, RFC draft-perkins-opaque-01).
    case opaqueFloat(Float)
    /// An Opaque wrapping a double.
    case opaqueDouble(Double)
    /// An Opaque wrapping a Counter64.
    case opaqueCounter64(UInt64)
    /// An Opaque wrapping a signed 64-bit integer.
    case opaqueInt64(Int64)
    /// An Opaque wrapping an unsigned 64-bit integer.
    case opaqueUInt64(UInt64)
    case null
    /// The agent has no such object (v2c/v3 exception; also used for a v1 `noSuchName` in a GET).
    case noSuchObject
    /// The object exists but not this instance (v2c/v3 exception).
    case noSuchInstance
    /// Nothing follows in the agent's MIB view (GETNEXT/GETBULK past the end).
    case endOfMibView
    /// Any other ASN.1 tag (BITS, NsapAddress, UInteger32, Opaque floats …), kept raw.
    case other(tag: UInt8, bytes: [UInt8])

    /// Whether this is one of the three SNMP exceptions, meaning "no value here".
    public var isException: Bool {
        switch self {
        case .noSuchObject, .noSuchInstance, .endOfMibView: true
        default: false
        }
    }

    /// The value as a finite number when it is one (integers, counters, gauges, timeticks, opaque floats), or an
    /// octet string holding a decimal number (`"21.5"`), else nil. `nan` and `inf` are not numbers here: a reading
    /// of NaN must not pass a threshold or a freshness check by comparing false.
    public var number: Double? {
        guard let value = anyNumber, value.isFinite else { return nil }
        return value
    }

    private var anyNumber: Double? {
        switch self {
        case let .integer(value): Double(value)
        case let .counter32(value), let .gauge32(value), let .timeticks(value): Double(value)
        case let .counter64(value), let .opaqueCounter64(value), let .opaqueUInt64(value): Double(value)
        case let .opaqueFloat(value): Double(value)
        case let .opaqueDouble(value): value
        case let .opaqueInt64(value): Double(value)
        case let .octets(bytes):
            Self.isPrintable(bytes) ? Double(String(decoding: bytes, as: UTF8.self).trimmingSpaces()) : nil
        default: nil
        }
    }

    /// The value as plain text without net-snmp's type prefix: `3`, `abc`, `.1.3.6.1`, `10.0.0.1`, hex for binary
    /// strings (`00 1A 2B`), `noSuchObject` for the exceptions.
    public var plainText: String {
        switch self {
        case let .integer(value): String(value)
        case let .octets(bytes):
            Self.isPrintable(bytes)
                ? String(decoding: bytes, as: UTF8.self)
                : bytes.map { Self.hexByte($0) }.joined(separator: " ")
        case let .oid(oid): oid.description
        case let .ipAddress(bytes): bytes.map { String($0) }.joined(separator: ".")
        case let .counter32(value), let .gauge32(value), let .timeticks(value): String(value)
        case let .counter64(value), let .opaqueCounter64(value), let .opaqueUInt64(value): String(value)
        case let .opaqueInt64(value): String(value)
        case let .opaqueFloat(value): Self.fixed(Double(value))
        case let .opaqueDouble(value): Self.fixed(value)
        case let .opaque(bytes), let .other(_, bytes): bytes.map { Self.hexByte($0) }.joined(separator: " ")
        case .null: "NULL"
        case .noSuchObject: "noSuchObject"
        case .noSuchInstance: "noSuchInstance"
        case .endOfMibView: "endOfMibView"
        }
    }

    /// The type name net-snmp prints before the value (`STRING`, `Hex-STRING`, `INTEGER`, `Counter32` …), or the
    /// exception name.
    public var typeName: String {
        switch self {
        case .integer: "INTEGER"
        case let .octets(bytes): Self.isPrintable(bytes) ? "STRING" : "Hex-STRING"
        case .oid: "OID"
        case .ipAddress: "IpAddress"
        case .counter32: "Counter32"
        case .gauge32: "Gauge32"
        case .timeticks: "Timeticks"
        case .counter64: "Counter64"
        case .opaque: "OPAQUE"
        case .opaqueFloat, .opaqueDouble: "Opaque: Float"
        case .opaqueCounter64: "Opaque: Counter64"
        case .opaqueInt64: "Opaque: Int64"
        case .opaqueUInt64: "Opaque: UInt64"
        case .null: "NULL"
        case .noSuchObject: "noSuchObject"
        case .noSuchInstance: "noSuchInstance"
        case .endOfMibView: "endOfMibView"
        case let .other(tag, _): "ASN.1 tag 0x" + Self.hexByte(tag)
        }
    }

    /// The text net-snmp prints after ` = ` with `-On` and no MIBs (the default output options of `snmpget`,
    /// `snmpwalk` and `snmpbulkwalk`).
    public var netSNMPText: String {
        switch self {
        case let .integer(value): "INTEGER: \(value)"
        case let .octets(bytes):
            if bytes.isEmpty {
                // net-snmp prints the empty string without a type prefix.
                "\"\""
            } else if Self.isPrintable(bytes) {
                "STRING: \"" + Self.escaped(bytes) + "\""
            } else {
                "Hex-STRING: " + Self.hexDump(bytes)
            }
        case let .oid(oid): "OID: \(oid.description)"
        case let .ipAddress(bytes):
            "IpAddress: " + (0..<4).map { String($0 < bytes.count ? bytes[$0] : 0) }.joined(separator: ".")
        case let .counter32(value): "Counter32: \(value)"
        case let .gauge32(value): "Gauge32: \(value)"
        case let .timeticks(value): "Timeticks: (\(value)) \(Self.uptime(value))"
        case let .counter64(value): "Counter64: \(value)"
        case let .opaque(bytes): "OPAQUE: " + Self.hexDump(bytes)
        case let .opaqueFloat(value): "Opaque: Float: " + Self.fixed(Double(value))
        case let .opaqueDouble(value): "Opaque: Float: " + Self.fixed(value)
        case let .opaqueCounter64(value): "Opaque: Counter64: \(value)"
        case let .opaqueInt64(value): "Opaque: Int64: \(value)"
        case let .opaqueUInt64(value): "Opaque: UInt64: \(value)"
        case .null: "NULL"
        case .noSuchObject: "No Such Object available on this agent at this OID"
        case .noSuchInstance: "No Such Instance currently exists at this OID"
        case .endOfMibView: "No more variables left in this MIB View (It is past the end of the MIB tree)"
        case let .other(tag, bytes): "Wrong Type (tag 0x\(Self.hexByte(tag))): " + Self.hexDump(bytes)
        }
    }

    // MARK: net-snmp's formatting rules (snmplib/mib.c)

    /// net-snmp's guess for an OCTET STRING without a display hint: text when every byte is printable ASCII or
    /// white space in the C locale (`isprint` || `isspace`), otherwise hex.
    public static func isPrintable(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { (0x20...0x7E).contains($0) || (0x09...0x0D).contains($0) }
    }

    /// The string body with `"` and `\` escaped by a backslash, as net-snmp prints it.
    static func escaped(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Upper-case hex, a space after every byte, a line break after every 16th byte when more follow (what
    /// net-snmp 5.9's `sprint_realloc_hexstring` prints: `00 11 … FF \n10 `).
    static func hexDump(_ bytes: [UInt8]) -> String {
        var text = ""
        text.reserveCapacity(bytes.count * 3 + bytes.count / 16)
        for (index, byte) in bytes.enumerated() {
            text += hexByte(byte)
            text += " "
            if index % 16 == 15, index + 1 < bytes.count { text += "\n" }
        }
        return text
    }

    /// C's `%f`: six decimals.
    static func fixed(_ value: Double) -> String { String(format: "%f", value) }

    static func hexByte(_ byte: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// `H:MM:SS.cc`, `1 day, H:MM:SS.cc` or `N days, H:MM:SS.cc` (net-snmp's `uptimeString`).
    static func uptime(_ ticks: UInt32) -> String {
        var rest = Int(ticks)
        let centiseconds = rest % 100
        rest /= 100
        let days = rest / 86_400
        rest %= 86_400
        let hours = rest / 3_600
        rest %= 3_600
        let minutes = rest / 60
        let seconds = rest % 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let clock = "\(hours):\(two(minutes)):\(two(seconds)).\(two(centiseconds))"
        switch days {
        case 0: return clock
        case 1: return "1 day, " + clock
        default: return "\(days) days, " + clock
        }
    }
}

/// One OID and its value, as an agent returned them.
public struct SNMPVarBind: Sendable, Hashable {
    public var oid: SNMPObjectID
    public var value: SNMPValue

    public init(oid: SNMPObjectID, value: SNMPValue) {
        self.oid = oid
        self.value = value
    }

    /// The line `snmpget -On` / `snmpbulkwalk -On` prints: `.1.3.6.1.2.1.1.1.0 = STRING: "…"`.
    public var netSNMPLine: String { "\(oid.description) = \(value.netSNMPText)" }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
