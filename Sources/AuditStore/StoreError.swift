/// Why the store cannot go on: the database cannot be opened, a run does not exist, a result breaks a rule.
///
/// A failed check is never a `StoreError`: it is a stored result with verdict `fail` or `error`.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The database file is missing, unreadable, not SQLite, or written by a newer mallaudit.
        case cannotOpen
        /// No run with that id.
        case noSuchRun
        /// The run's state does not allow the operation (e.g. resuming a completed run).
        case runState
        /// A result breaks a rule of the store (N/A without a justified decision, evidence not in the store).
        case invalidResult
        /// An evidence file cannot be read or copied.
        case evidence
        /// SQLite reported an error.
        case database
    }

    public var code: Code
    public var message: String
    /// The file concerned (database or evidence), when there is one.
    public var path: String?
    /// The underlying error, described.
    public var cause: String?

    public init(_ code: Code, _ message: String, path: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    public var description: String {
        var text = path.map { "\($0): \(message)" } ?? message
        if let cause { text += " (\(cause))" }
        return text
    }
}
