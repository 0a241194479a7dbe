import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The connection pools of one instance: the primary for every write (and reads that must see them), and an
/// optional streaming replica for the read-only API calls. Both pools must be running (`run()`, or added to the
/// application's service group) before queries are made.
public final class Database: Sendable {
    /// Writes, and reads that follow a write.
    public let primary: PostgresClient
    /// Reads that may lag a little behind the primary (lists, statistics); the primary when no replica is set.
    public let reader: PostgresClient
    let hasReplica: Bool
    let logger: Logger

    /// Pools for the configured servers, with the password from the environment variable the configuration names.
    public convenience init(configuration: ServerConfiguration, logger: Logger) throws {
        self.init(configuration: configuration, password: try configuration.databasePassword(), logger: logger)
    }

    /// Pools for the configured servers; nothing connects until the pools run.
    public init(configuration: ServerConfiguration, password: String?, logger: Logger) {
        let database = configuration.database
        func client(_ endpoint: ServerConfiguration.Endpoint) -> PostgresClient {
            let tls: PostgresClient.Configuration.TLS =
                switch database.tls {
                case "disable": .disable
                case "require": .require(.makeClientConfiguration())
                default: .prefer(.makeClientConfiguration())
                }
            var config = PostgresClient.Configuration(
                host: endpoint.host, port: endpoint.port, username: database.user, password: password,
                database: database.name, tls: tls)
            config.options.maximumConnections = database.poolSize
            config.options.minimumConnections = 0
            config.options.connectTimeout = .seconds(10)
            // The bureau's day, not the cluster's: `current_date` decides which rectifications are overdue.
            config.options.additionalStartupParameters = [("TimeZone", configuration.timeZone.name)]
            // The pool's own chatter (a lease asked for while it starts) is noise; its errors are not.
            var background = logger
            background.logLevel = max(logger.logLevel, .error)
            return PostgresClient(configuration: config, backgroundLogger: background)
        }
        primary = client(database.primary)
        if let replica = database.replica {
            reader = client(replica)
            hasReplica = true
        } else {
            reader = primary
            hasReplica = false
        }
        self.logger = logger
    }

    /// Runs both pools until the calling task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.primary.run() }
            if hasReplica { group.addTask { await self.reader.run() } }
        }
    }

    /// Runs the pools for the duration of `body` (for the one-shot commands: migrate, user, backup).
    public static func with<T: Sendable>(
        _ configuration: ServerConfiguration, logger: Logger, _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        let database = try Database(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await database.run()
                return nil
            }
            defer { group.cancelAll() }
            do {
                return try await body(database)
            } catch let error as ServerError {
                throw error
            } catch {
                throw ServerError.database(describeDatabaseError(error))
            }
        }
    }

    /// Runs `body` in one transaction on the primary; any error rolls it back and is rethrown as `body` threw it
    /// (not wrapped in PostgresNIO's `PostgresTransactionError`), so callers can tell their own errors apart.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await primary.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError, error.rollbackError == nil { throw inner }
            throw error
        }
    }
}

extension PostgresRowSequence {
    /// The first row, or nil when there is none (the rest are drained).
    func firstRow() async throws -> PostgresRow? {
        try await collect().first
    }

    /// The single text value of a query that returns one row of one column (the JSON the API answers with).
    func singleText() async throws -> String? {
        guard let row = try await firstRow() else { return nil }
        return try row.decode(String?.self)
    }
}
