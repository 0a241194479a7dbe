/// Why a value could not be read out of an answer: the body is not the JSON / XML / HTML expected, or the
/// expression itself is wrong. The probe layer turns it into an `error` verdict with this text as the reason.
public struct ExtractionError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The body is not well-formed JSON / XML, or not usable (entity declarations, too deep).
        case malformedDocument
        /// The JSON path or XPath expression is invalid.
        case invalidExpression
    }

    public var kind: Kind
    /// The whole message, e.g. `expected JSON at http://…/api: unexpected character ',' at byte 24 (line 2,
    /// column 9)`.
    public var message: String
    /// 1-based byte offset into the body (JSON) where the problem was found.
    public var byte: Int?
    /// 1-based line and column (column in bytes) of the problem in the body.
    public var line: Int?
    public var column: Int?

    public init(_ kind: Kind, _ message: String, byte: Int? = nil, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.byte = byte
        self.line = line
        self.column = column
    }

    public var description: String { message }
}
