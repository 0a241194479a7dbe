import ArgumentParser
import AuditModel
import AuditServer
import Foundation
import Logging

/// `mallaudit-server`: argument parsing only; each subcommand calls one `AuditServer` function.
@main
struct MallAuditServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mallaudit-server",
        abstract: "The bureau's service: signed audit bundles from every mall into PostgreSQL, with accounts and an API.",
        discussion: "docs/server.md describes server.yaml and every command; docs/deploy.md several instances.",
        version: "0.1.0",
        subcommands: [
            Serve.self, Migrate.self, UserCommand.self, KeyCommand.self, MallCommand.self, BackupCommand.self,
            RestoreCommand.self, RoutesCommand.self, ExplainCommand.self,
        ])
}

/// The options every subcommand shares.
struct ConfigOption: ParsableArguments {
    @Option(help: ArgumentHelp("The server configuration.", valueName: "server.yaml"))
    var config: String

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func load() throws -> (ServerConfiguration, Logger) {
        LoggingBootstrap.once()
        var logger = Logger(label: "mallaudit-server")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let configuration = try orExit { try ServerConfiguration.load(URL(fileURLWithPath: config)) }
        return (configuration, logger)
    }
}

/// Log lines go to standard error, so standard output carries only what a command prints (a token, a list).
enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false
    static func once() {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data(("mallaudit-server: " + text + "\n").utf8))
}

/// Runs `body`; a `DiagnosticsError`, `ServerError` or any other error ends the command with status 1 and a
/// message on standard error.
func orExit<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as DiagnosticsError {
        for diagnostic in error.diagnostics { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
        throw ExitCode(1)
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("\(error)")
        throw ExitCode(1)
    }
}

func orExit<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DiagnosticsError {
        for diagnostic in error.diagnostics { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
        throw ExitCode(1)
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("\(error)")
        throw ExitCode(1)
    }
}

/// A password from the environment variable `name` (never from an argument, so it stays out of `ps`).
func password(fromEnvironment name: String?) throws -> String? {
    guard let name else { return nil }
    guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
        printError("environment variable \(name) (the password) is not set")
        throw ExitCode(1)
    }
    return value
}

func parseDate(_ text: String, option: String) throws -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withFullDate]
    if let date = formatter.date(from: text) { return date }
    printError("\(option) '\(text)' is not a date (YYYY-MM-DD or an ISO 8601 time with a zone)")
    throw ExitCode(1)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the API until SIGTERM or SIGINT (the schema must be migrated).")

    @OptionGroup var options: ConfigOption

    @Option(help: ArgumentHelp("Write the port the server listens on to this file once it listens.", valueName: "FILE"))
    var portFile: String?

    func run() async throws {
        let (configuration, logger) = try options.load()
        try await orExit {
            try await Server.serve(
                configuration: configuration, portFile: portFile.map(URL.init(fileURLWithPath:)), logger: logger)
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the schema's migrations (safe when several instances run it at once).")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let (configuration, logger) = try options.load()
        let applied = try await orExit {
            try await Database.with(configuration, logger: logger) { database in
                try await Migrator(database: database, logger: logger).migrate()
            }
        }
        if applied.isEmpty {
            print("schema is current (version \(Migrator.latestVersion))")
        } else {
            for migration in applied { print("applied \(migration.version) \(migration.name)") }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Accounts: add, disable, issue an API token, set a password, list.",
        subcommands: [Add.self, Disable.self, Token.self, Password.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Sign-in name (A-Z a-z 0-9 . _ @ -).") var name: String
        @Option(help: "bureau-admin, bureau-viewer, inspector, evaluator or mall.") var role: String
        @Option(help: ArgumentHelp("For a mall account: its mall's credit code.", valueName: "CREDIT_CODE"))
        var mall: String?
        @Option(help: "The name shown for the account.") var displayName: String = ""
        @Option(help: ArgumentHelp("Environment variable holding the password (none: token-only account).",
                                   valueName: "VAR"))
        var passwordEnv: String?

        func run() async throws {
            let (configuration, logger) = try options.load()
            guard let role = Role(rawValue: role) else {
                printError("role '\(role)' is not one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                throw ExitCode(1)
            }
            let secret = try password(fromEnvironment: passwordEnv)
            try await orExit {
                try await Database.with(configuration, logger: logger) { database in
                    try await Administration(database: database, configuration: configuration, logger: logger).addUser(
                        name: name, displayName: displayName, role: role, mallCreditCode: mall, password: secret)
                }
            }
            print("added \(role.rawValue) account \(name)")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: its sessions end and its tokens stop working.")
        @OptionGroup var options: ConfigOption
        @Option(help: "The account.") var name: String

        func run() async throws {
            let (configuration, logger) = try options.load()
            try await orExit {
                try await Database.with(configuration, logger: logger) { database in
                    try await Administration(database: database, configuration: configuration, logger: logger)
                        .disableUser(name: name)
                }
            }
            print("disabled \(name)")
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an API token: printed once on standard output, stored only as its SHA-256.")
        @OptionGroup var options: ConfigOption
        @Option(help: "The account.") var name: String
        @Option(help: "What the token is for.") var label: String = ""
        @Option(help: "Days until it expires (none: until revoked).") var validDays: Int?

        func run() async throws {
            let (configuration, logger) = try options.load()
            let token = try await orExit {
                try await Database.with(configuration, logger: logger) { database in
                    try await Administration(database: database, configuration: configuration, logger: logger)
                        .issueToken(name: name, label: label, validDays: validDays)
                }
            }
            print(token)
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an account's password (clears a lockout).")
        @OptionGroup var options: ConfigOption
        @Option(help: "The account.") var name: String
        @Option(help: ArgumentHelp("Environment variable holding the password.", valueName: "VAR"))
        var passwordEnv: String

        func run() async throws {
            let (configuration, logger) = try options.load()
            let secret = try password(fromEnvironment: passwordEnv)!
            try await orExit {
                try await Database.with(configuration, logger: logger) { database in
                    try await Administration(database: database, configuration: configuration, logger: logger)
                        .setPassword(name: name, password: secret)
                }
            }
            print("password set for \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            let (configuration, logger) = try options.load()
            let accounts = try await orExit {
                try await Database.with(configuration, logger: logger) { database in
                    try await Administration(database: database, configuration: configuration, logger: logger)
                        .listUsers()
                }
            }
            for account in accounts {
                var line = "\(account.name)\t\(account.role.rawValue)\t\(account.mallCreditCode ?? "-")"
                if account.disabled { line += "\tdisabled" }
                if let locked = account.lockedUntil, locked > Date() { line += "\tlocked" }
                print(line)
            }
        }
    }
}

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Signer keys: register one to an account, revoke one.",
        subcommands: [Add.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a signer's public key to an account for a validity period (and trust it).")
        @OptionGroup var options: ConfigOption
        @Option(help: "The account (inspector, evaluator or mall).") var account: String
        @Option(help: ArgumentHelp("The public key file.", valueName: "FILE")) var publicKey: String
        @Option(help: "First day (or time) the key may sign; the key file's notBefore when omitted.")
        var validFrom: String?
        @Option(help: "Last day (or time) the key may sign; the key file's notAfter when omitted.")
        var validUntil: String?

        func run() async throws {
            let (configuration, logger) = try options.load()
            let from = try validFrom.map { try parseDate($0, option: "--valid-from") }
            let until = try validUntil.map { try parseDate($0, option: "--valid-until") }
            let bytes: Data
            do {
                bytes = try Data(contentsOf: URL(fileURLWithPath: publicKey))
            } catch {
                printError("cannot read \(publicKey): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            let key = try await orExit {
                try await Database.with(configuration, logger: logger) { database in
                    try await Administration(database: database, configuration: configuration, logger: logger).addKey(
                        account: account, publicKey: bytes, validFrom: from, validUntil: until,
                        verifier: BundleVerifierSeam.make(configuration))
                }
            }
            print(key.fingerprint)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: signatures made from then on are refused, earlier ones stay valid.")
        @OptionGroup var options: ConfigOption
        @Option(help: "The key's fingerprint.") var fingerprint: String
        @Option(help: "When the revocation takes effect (now when omitted).") var at: String?
        @Option(help: "Why (kept with the key).") var reason: String

        func run() async throws {
            let (configuration, logger) = try options.load()
            let when = try at.map { try parseDate($0, option: "--at") } ?? Date()
            try await orExit {
                try await Database.with(configuration, logger: logger) { database in
                    try await Administration(database: database, configuration: configuration, logger: logger)
                        .revokeKey(fingerprint: fingerprint, at: when, reason: reason)
                }
            }
            print("revoked \(fingerprint)")
        }
    }
}

struct MallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mall", abstract: "Malls: register one, set its district.", subcommands: [Add.self, District.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a mall (or rename it).")
        @OptionGroup var options: ConfigOption
        @Option(help: "统一社会信用代码 (18 characters).") var creditCode: String
        @Option(help: "The mall's name.") var name: String
        @Option(help: "The district the bureau assigns it.") var district: String?

        func run() async throws {
            let (configuration, logger) = try options.load()
            try await orExit {
                try await Database.with(configuration, logger: logger) { database in
                    try await Administration(database: database, configuration: configuration, logger: logger)
                        .addMall(creditCode: creditCode, name: name, district: district)
                }
            }
            print("registered \(creditCode)")
        }
    }

    struct District: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the district of a mall.")
        @OptionGroup var options: ConfigOption
        @Option(help: "The mall's credit code.") var creditCode: String
        @Option(help: "The district.") var district: String

        func run() async throws {
            let (configuration, logger) = try options.load()
            try await orExit {
                try await Database.with(configuration, logger: logger) { database in
                    try await Administration(database: database, configuration: configuration, logger: logger)
                        .setDistrict(creditCode: creditCode, district: district)
                }
            }
            print("district of \(creditCode) set")
        }
    }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Back up the database (pg_dump) and the bundle store into a new folder.")
    @OptionGroup var options: ConfigOption
    @Option(help: ArgumentHelp("A new or empty folder.", valueName: "DIR")) var output: String

    func run() async throws {
        let (configuration, logger) = try options.load()
        let summary = try await orExit {
            try await Database.with(configuration, logger: logger) { database in
                try await Backup(configuration: configuration, logger: logger).backup(
                    to: URL(fileURLWithPath: output), database: database)
            }
        }
        print("backed up schema version \(summary.schemaVersion) and \(summary.bundles) bundle(s) into \(output)")
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore a backup into an empty database and the bundle store.")
    @OptionGroup var options: ConfigOption
    @Option(help: ArgumentHelp("A folder written by `backup`.", valueName: "DIR")) var from: String

    func run() async throws {
        let (configuration, logger) = try options.load()
        let summary = try await orExit {
            try await Database.with(configuration, logger: logger) { database in
                try await Backup(configuration: configuration, logger: logger).restore(
                    from: URL(fileURLWithPath: from), database: database)
            }
        }
        print("restored schema version \(summary.schemaVersion) and \(summary.bundles) bundle(s)")
    }
}

struct RoutesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routes",
        abstract: "List the HTTP routes the server answers: the API's (as docs/openapi.yaml names them) or the pages'.")
    @OptionGroup var options: ConfigOption

    @Flag(help: "List the web pages' routes (docs/pages.md) instead of the API's.")
    var pages = false

    func run() throws {
        let (configuration, logger) = try options.load()
        let routes = try orExit {
            pages
                ? try Server.pageRoutes(configuration: configuration, logger: logger)
                : try Server.routes(configuration: configuration, logger: logger)
        }
        for route in routes { print(route) }
    }
}

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "EXPLAIN ANALYZE the API's main read queries (every mall's latest verdict, statistics) as they run.")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        let (configuration, logger) = try options.load()
        let text = try await orExit {
            try await Database.with(configuration, logger: logger) { database in
                try await QueryPlans.explain(database: database, logger: logger)
            }
        }
        print(text, terminator: "")
    }
}
