/// A numeric SNMP object identifier (`.1.3.6.1.2.1.1.1.0`).
///
/// Only the numeric form is accepted: mallaudit loads no MIB files, so names such as `sysDescr.0` have no meaning
/// here. The text form is the one `snmpbulkwalk -On` prints: a leading dot, then the sub-identifiers.
public struct SNMPObjectID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The sub-identifiers, each at most 2³²−1.
    public var components: [UInt32]

    public init(_ components: [UInt32]) { self.components = components }

    /// Parses `.1.3.6.1.2.1` or `1.3.6.1.2.1`; nil when the text is not a numeric OID of 1 to 128 sub-identifiers,
    /// each at most 4294967295.
    public init?(_ text: String) {
        var body = Substring(text)
        if body.hasPrefix(".") { body = body.dropFirst() }
        guard !body.isEmpty else { return nil }
        var parts: [UInt32] = []
        for piece in body.split(separator: ".", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt32(piece) else {
                return nil
            }
            parts.append(value)
        }
        guard parts.count <= 128 else { return nil }
        self.components = parts
    }

    /// `.1.3.6.1.2.1.1.1.0`
    public var description: String {
        components.isEmpty ? "." : components.map { "." + String($0) }.joined()
    }

    /// Whether `other` is this OID or lies below it (`.1.3.6.1` contains `.1.3.6.1.2.1.1.1.0`).
    public func contains(_ other: SNMPObjectID) -> Bool {
        other.components.count >= components.count && other.components.starts(with: components)
    }

    /// Lexicographic order of sub-identifiers, the order of a MIB walk.
    public static func < (lhs: SNMPObjectID, rhs: SNMPObjectID) -> Bool {
        for (left, right) in zip(lhs.components, rhs.components) where left != right {
            return left < right
        }
        return lhs.components.count < rhs.components.count
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = SNMPObjectID(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a numeric OID such as .1.3.6.1.2.1.1.1.0, got \(text)")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
