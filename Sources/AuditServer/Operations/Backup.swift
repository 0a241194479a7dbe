import AuditSupport
import Foundation
import Logging
import PostgresNIO

/// `mallaudit-server backup` and `restore`: the database as a `pg_dump` custom-format archive plus the bundle
/// store, in one folder:
///
/// ```
/// DIR/manifest.json      format, time, schema version, every bundle digest
/// DIR/database.dump      pg_dump --format=custom --no-owner
/// DIR/bundles/ab/ab…     the bundle store, file for file
/// DIR/trusted-keys/…     the trusted signer keys (the verifier's trust; the database holds who owns them)
/// ```
///
/// The dump is taken first, the bundles copied after: every bundle the dump names was in the store before its
/// row was committed, so the backup holds it. Restore refuses a database that is not empty, restores in one
/// transaction (`pg_restore --single-transaction --exit-on-error`), copies each bundle after checking its digest,
/// and checks that every bundle the database names is in the store.
public struct Backup: Sendable {
    public static let format = "mallaudit-server-backup/1"

    let configuration: ServerConfiguration
    let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    struct Manifest: Codable {
        var format: String
        var createdAt: Date
        var schemaVersion: Int
        var database: String
        var bundles: [String]
    }

    /// What a backup or restore did.
    public struct Summary: Sendable {
        public var schemaVersion: Int
        public var bundles: Int
    }

    public func backup(to folder: URL, database: Database) async throws -> Summary {
        let manager = FileManager.default
        if manager.fileExists(atPath: folder.path),
            !((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).isEmpty
        {
            throw ServerError.invalid("\(folder.path) is not empty: back up into a new or empty folder")
        }
        do {
            try manager.createDirectory(at: folder.appendingPathComponent("bundles"), withIntermediateDirectories: true)
        } catch {
            throw ServerError.file("cannot create \(folder.path): \(error.localizedDescription)")
        }
        let versions = try await Migrator(database: database, logger: logger).appliedVersions()
        guard let schema = versions.max() else { throw ServerError.schema("the database has no schema to back up") }

        // Logged before the dump, so the backup holds the entry of its own making.
        try await database.record(AccessEvent("backup", target: folder.path, client: commandLineClient()))
        let dump = folder.appendingPathComponent("database.dump")
        try runTool(
            "pg_dump",
            ["--format=custom", "--no-owner", "--file", dump.path] + connectionArguments(database: true))

        let store = BundleStore(root: configuration.bundles.store)
        let target = BundleStore(root: folder.appendingPathComponent("bundles"))
        let digests = try store.digests()
        for digest in digests {
            try target.keep(try store.read(digest), sha256: digest)
        }
        try copyFiles(from: configuration.bundles.trustedKeys, to: folder.appendingPathComponent("trusted-keys"))
        let manifest = Manifest(
            format: Self.format, createdAt: Date(), schemaVersion: schema, database: "database.dump", bundles: digests)
        try write(manifest, to: folder.appendingPathComponent("manifest.json"))
        return Summary(schemaVersion: schema, bundles: digests.count)
    }

    public func restore(from folder: URL, database: Database) async throws -> Summary {
        let manifest = try readManifest(folder)
        let tables = try await database.primary.query(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).firstRow()?.decode(Int.self) ?? 0
        guard tables == 0 else {
            throw ServerError.invalid(
                "the database \(configuration.database.name) is not empty (\(tables) tables): restore into an empty "
                    + "database")
        }
        let source = BundleStore(root: folder.appendingPathComponent("bundles"))
        // Every bundle of the backup is checked before anything is written.
        var bundles: [(String, Data)] = []
        for digest in manifest.bundles {
            do {
                bundles.append((digest, try source.read(digest)))
            } catch {
                throw ServerError.invalid("the backup is damaged: \(error)")
            }
        }
        try runTool(
            "pg_restore",
            ["--no-owner", "--single-transaction", "--exit-on-error", "--dbname"] + [connectionString()]
                + [folder.appendingPathComponent(manifest.database).path])
        let store = BundleStore(root: configuration.bundles.store)
        for (digest, bytes) in bundles { try store.keep(bytes, sha256: digest) }
        try copyFiles(from: folder.appendingPathComponent("trusted-keys"), to: configuration.bundles.trustedKeys)

        var missing: [String] = []
        for try await digest in try await database.primary.query("SELECT sha256 FROM bundles ORDER BY sha256")
            .decode(String.self)
        where !FileManager.default.fileExists(atPath: store.url(for: digest).path) {
            missing.append(digest)
        }
        guard missing.isEmpty else {
            throw ServerError.invalid(
                "restored, but \(missing.count) bundle(s) the database names are not in the store: "
                    + missing.prefix(5).joined(separator: ", "))
        }
        try await database.record(
            AccessEvent(
                "restore", target: folder.path, client: commandLineClient(),
                detail: "backup of \(ISO8601DateFormatter().string(from: manifest.createdAt))"))
        return Summary(schemaVersion: manifest.schemaVersion, bundles: bundles.count)
    }

    /// Copies the regular files of `source` (when it exists) into `target`; a file of the same name that is there
    /// already is kept only when it has the same bytes.
    private func copyFiles(from source: URL, to target: URL) throws {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: source.path) else { return }
        do {
            try manager.createDirectory(at: target, withIntermediateDirectories: true)
            for name in names.sorted() {
                let from = source.appendingPathComponent(name)
                var isFolder: ObjCBool = false
                guard manager.fileExists(atPath: from.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                let bytes = try Data(contentsOf: from)
                let to = target.appendingPathComponent(name)
                if manager.fileExists(atPath: to.path) {
                    guard try Data(contentsOf: to) == bytes else {
                        throw ServerError.invalid("\(to.path) exists with other contents than the backup's \(name)")
                    }
                    continue
                }
                try bytes.write(to: to, options: .atomic)
            }
        } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError.file("cannot copy \(source.path) to \(target.path): \(error.localizedDescription)")
        }
    }

    private func readManifest(_ folder: URL) throws -> Manifest {
        let url = folder.appendingPathComponent("manifest.json")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: Manifest
        do {
            manifest = try decoder.decode(Manifest.self, from: Data(contentsOf: url))
        } catch {
            throw ServerError.invalid("\(url.path) is not a backup manifest: \(Formats.describe(error))")
        }
        guard manifest.format == Self.format else {
            throw ServerError.invalid("\(url.path): format '\(manifest.format)' is not \(Self.format)")
        }
        return manifest
    }

    private func write(_ manifest: Manifest, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(manifest).write(to: url, options: .atomic)
        } catch {
            throw ServerError.file("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    private func connectionArguments(database: Bool) -> [String] {
        let db = configuration.database
        var arguments = ["--host", db.primary.host, "--port", String(db.primary.port), "--username", db.user]
        if database { arguments += ["--dbname", db.name] }
        return arguments + ["--no-password"]
    }

    private func connectionString() -> String {
        let db = configuration.database
        return "host=\(db.primary.host) port=\(db.primary.port) user=\(db.user) dbname=\(db.name)"
    }

    /// Runs a PostgreSQL client tool with the password in its environment only (`PGPASSWORD`), never in its
    /// arguments; its error output is the message when it fails.
    private func runTool(_ name: String, _ arguments: [String]) throws {
        guard let executable = Self.locate(name) else {
            throw ServerError.tool("\(name) not found (install Debian's postgresql-client)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = try configuration.databasePassword()
        environment["PGSSLMODE"] = configuration.database.tls == "require" ? "require" : configuration.database.tls
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ServerError.tool("cannot start \(executable.path): \(error.localizedDescription)")
        }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ServerError.tool("\(name) failed (exit \(process.terminationStatus)): \(text)")
        }
    }

    /// A PostgreSQL tool: Debian's versioned folder (newest first) before `PATH`, whose `pg_dump` may be the
    /// version-picking wrapper.
    static func locate(_ name: String) -> URL? {
        let manager = FileManager.default
        let versions = ((try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        var candidates = versions.map { "/usr/lib/postgresql/\($0)/bin/\(name)" }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        candidates += path.split(separator: ":").map { "\($0)/\(name)" }
        return candidates.first(where: manager.isExecutableFile(atPath:)).map(URL.init(fileURLWithPath:))
    }
}
