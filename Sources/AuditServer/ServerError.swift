import Foundation
import PostgresNIO

/// Why a `mallaudit-server` command could not do its work. Each case carries a message a person can act on;
/// none of them carries a password, a token or a session id.
public enum ServerError: Error, Sendable, CustomStringConvertible {
    /// `server.yaml` or the environment it names is not usable.
    case configuration(String)
    /// PostgreSQL refused or failed a statement (the message is PostgreSQL's own, with its SQLSTATE).
    case database(String)
    /// The schema is not the one this binary expects (run `mallaudit-server migrate`, or a newer binary).
    case schema(String)
    /// A command was asked for something that cannot be done (unknown account, wrong role, …).
    case invalid(String)
    /// A file could not be read or written.
    case file(String)
    /// An external tool (pg_dump, pg_restore) failed.
    case tool(String)

    public var description: String {
        switch self {
        case .configuration(let message), .database(let message), .schema(let message), .invalid(let message),
            .file(let message), .tool(let message):
            message
        }
    }
}

/// PostgresNIO hides the server's message from `PSQLError.description` (so that queries with secrets never leak
/// into logs); the server's own words are safe and much more useful, so they are shown, never the query.
func describeDatabaseError(_ error: any Error) -> String {
    if let error = error as? PostgresTransactionError {
        if let inner = error.closureError { return describeDatabaseError(inner) }
        if let inner = error.commitError { return "commit failed: " + describeDatabaseError(inner) }
        if let inner = error.beginError { return "begin failed: " + describeDatabaseError(inner) }
        return "transaction failed"
    }
    if let error = error as? PSQLError {
        if let info = error.serverInfo {
            let message = info[.message] ?? "error"
            let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let detail = info[.detail].map { ": \($0)" } ?? ""
            return "PostgreSQL: \(message)\(detail)\(state)"
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            return "cannot reach PostgreSQL: \(error.underlying.map { "\($0)" } ?? "\(error.code)")"
        default:
            return "PostgreSQL client error: \(error.code)"
        }
    }
    if let error = error as? ServerError { return error.description }
    return "\(error)"
}

/// The SQLSTATE of a PostgreSQL error, when it is one.
func sqlState(of error: any Error) -> String? {
    if let error = error as? PostgresTransactionError, let inner = error.closureError ?? error.commitError {
        return sqlState(of: inner)
    }
    return (error as? PSQLError)?.serverInfo?[.sqlState]
}
