import AuditSupport
import Foundation
import Logging
import PostgresNIO

/// One versioned change of the schema: statements applied together in one transaction, recorded in
/// `schema_migrations` with a checksum so that an edited migration is noticed rather than silently skipped.
///
/// Migrations are append-only: a released one is never edited, a change is a new version.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    /// One SQL statement each (PostgreSQL's extended protocol runs one statement per query).
    public var statements: [String]

    /// SHA-256 of the statements as applied.
    public var checksum: String {
        SHA256Digest.hex(of: Data(statements.joined(separator: "\n;\n").utf8))
    }
}

/// Applies the schema's migrations. Safe when several instances migrate at once: the first holds a PostgreSQL
/// advisory lock while the others wait for it, then find nothing left to do.
public struct Migrator: Sendable {
    /// The advisory lock every `migrate` takes (an arbitrary constant: "mallaudit" in ASCII, truncated).
    static let lockKey: Int64 = 0x6D61_6C6C_6175_6469

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The latest version this binary knows.
    public static var latestVersion: Int { SchemaMigrations.all.map(\.version).max() ?? 0 }

    /// Applies every migration not applied yet, in order, each in its own transaction; returns those applied.
    ///
    /// - Throws: `ServerError.schema` when an applied migration's checksum differs from this binary's, or the
    ///   database has a version this binary does not know (a newer binary migrated it).
    public func migrate() async throws -> [Migration] {
        try await database.primary.withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await migrateLocked(connection)
                _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func migrateLocked(_ connection: PostgresConnection) async throws -> [Migration] {
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        let recorded = try await recordedVersions(connection)
        try check(recorded)
        var applied: [Migration] = []
        for migration in SchemaMigrations.all.sorted(by: { $0.version < $1.version })
        where recorded[migration.version] == nil {
            try await connection.withTransaction(logger: logger) { transaction in
                for statement in migration.statements {
                    _ = try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                _ = try await transaction.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """, logger: logger)
            }
            logger.info("applied migration \(migration.version) \(migration.name)")
            applied.append(migration)
        }
        return applied
    }

    private func recordedVersions(_ connection: PostgresConnection) async throws -> [Int: String] {
        let rows = try await connection.query(
            "SELECT version, checksum FROM schema_migrations", logger: logger
        ).collect()
        var recorded: [Int: String] = [:]
        for row in rows {
            let (version, checksum) = try row.decode((Int, String).self)
            recorded[version] = checksum
        }
        return recorded
    }

    private func check(_ recorded: [Int: String]) throws {
        let known = Dictionary(uniqueKeysWithValues: SchemaMigrations.all.map { ($0.version, $0) })
        for (version, checksum) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                throw ServerError.schema(
                    "the database has schema version \(version), which this mallaudit-server does not know "
                        + "(it knows 1…\(Self.latestVersion)); run a newer mallaudit-server")
            }
            guard migration.checksum == checksum else {
                throw ServerError.schema(
                    "migration \(version) (\(migration.name)) was applied with different statements "
                        + "(checksum \(checksum.prefix(12))…, expected \(migration.checksum.prefix(12))…); "
                        + "released migrations must never be edited")
            }
        }
    }

    /// The versions applied so far (empty for a database never migrated).
    public func appliedVersions() async throws -> [Int] {
        let exists = try await database.primary.query(
            "SELECT to_regclass('schema_migrations') IS NOT NULL"
        ).firstRow()?.decode(Bool.self) ?? false
        guard exists else { return [] }
        var versions: [Int] = []
        for try await version in try await database.primary.query(
            "SELECT version FROM schema_migrations ORDER BY version"
        ).decode(Int.self) {
            versions.append(version)
        }
        return versions
    }

    /// Refuses to serve from a database that is not at this binary's schema version.
    public func requireCurrent() async throws {
        let versions = try await appliedVersions()
        let latest = Self.latestVersion
        guard let current = versions.max() else {
            throw ServerError.schema(
                "the database has no schema yet: run `mallaudit-server migrate --config FILE` first")
        }
        if current < latest {
            throw ServerError.schema(
                "the database is at schema version \(current), this mallaudit-server needs \(latest): "
                    + "run `mallaudit-server migrate --config FILE`")
        }
        if current > latest {
            throw ServerError.schema(
                "the database is at schema version \(current), newer than this mallaudit-server knows (\(latest))")
        }
    }
}
