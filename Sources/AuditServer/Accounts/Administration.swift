import Foundation
import HummingbirdBcrypt
import Logging
import PostgresNIO

/// The administration commands (`mallaudit-server user|key|mall …`): accounts, tokens, signer keys, malls.
/// Every change is written to the access log with the system user who ran the command.
public struct Administration: Sendable {
    let database: Database
    let configuration: ServerConfiguration
    let logger: Logger

    public init(database: Database, configuration: ServerConfiguration, logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
    }

    /// An account as `user list` shows it (never its password hash).
    public struct AccountSummary: Sendable {
        public var name: String
        public var displayName: String
        public var role: Role
        public var mallCreditCode: String?
        public var disabled: Bool
        public var lockedUntil: Date?
    }

    // MARK: malls

    /// Registers a mall, or renames it and sets its district when it exists.
    public func addMall(creditCode: String, name: String, district: String?) async throws {
        try Self.checkCreditCode(creditCode)
        try await database.transaction { connection in
            _ = try await connection.query(
                """
                INSERT INTO malls (credit_code, name, district) VALUES (\(creditCode), \(name), \(district))
                ON CONFLICT (credit_code) DO UPDATE SET name = EXCLUDED.name,
                    district = coalesce(EXCLUDED.district, malls.district)
                """, logger: logger)
            try await connection.record(
                AccessEvent(
                    "add-mall", target: creditCode, client: commandLineClient(),
                    detail: "name=\(name) district=\(district ?? "-")"), logger: logger)
        }
    }

    /// Sets the district the bureau assigns a mall.
    public func setDistrict(creditCode: String, district: String) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                "UPDATE malls SET district = \(district) WHERE credit_code = \(creditCode) RETURNING id",
                logger: logger
            ).collect()
            guard let row = rows.first else { throw ServerError.invalid("no mall has credit code \(creditCode)") }
            try await connection.record(
                AccessEvent(
                    "set-district", mallID: try row.decode(Int64.self), target: creditCode,
                    client: commandLineClient(), detail: "district=\(district)"), logger: logger)
        }
    }

    static func checkCreditCode(_ code: String) throws {
        guard code.count == 18, code.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) else {
            throw ServerError.invalid(
                "'\(code)' is not a unified social credit code (expected 18 digits or capital letters)")
        }
    }

    // MARK: accounts

    /// Adds an account. A mall account names its mall by credit code (the mall must be registered); other roles
    /// must not. `password` (from an environment variable, never an argument) is stored as a bcrypt hash; an
    /// account without one can only use API tokens.
    public func addUser(
        name: String, displayName: String, role: Role, mallCreditCode: String?, password: String?
    ) async throws {
        guard name.range(of: "^[A-Za-z0-9._@-]{1,64}$", options: .regularExpression) != nil else {
            throw ServerError.invalid("'\(name)' is not an account name (expected 1–64 of A-Z a-z 0-9 . _ @ -)")
        }
        if role == .mall, mallCreditCode == nil {
            throw ServerError.invalid("a mall account needs --mall CREDIT_CODE (the one mall it belongs to)")
        }
        if role != .mall, mallCreditCode != nil {
            throw ServerError.invalid("only a mall account belongs to a mall (--mall is for --role mall)")
        }
        let hash = try password.map { try hashPassword($0) }
        try await database.transaction { connection in
            var mallID: Int64?
            if let mallCreditCode {
                let rows = try await connection.query(
                    "SELECT id FROM malls WHERE credit_code = \(mallCreditCode)", logger: logger
                ).collect()
                guard let row = rows.first else {
                    throw ServerError.invalid(
                        "no mall has credit code \(mallCreditCode): register it first (`mallaudit-server mall add`)")
                }
                mallID = try row.decode(Int64.self)
            }
            do {
                _ = try await connection.query(
                    """
                    INSERT INTO accounts (name, display_name, role, mall_id, password_hash)
                    VALUES (\(name), \(displayName), \(role.rawValue), \(mallID), \(hash))
                    """, logger: logger)
            } catch let error where sqlState(of: error) == "23505" {
                throw ServerError.invalid("an account named '\(name)' exists already")
            }
            try await connection.record(
                AccessEvent(
                    "add-account", mallID: mallID, target: name, client: commandLineClient(),
                    detail: "role=\(role.rawValue)"), logger: logger)
        }
    }

    /// bcrypt of a password, after checking its length (bcrypt reads at most 72 bytes).
    func hashPassword(_ password: String) throws -> String {
        guard password.count >= 12 else { throw ServerError.invalid("the password is shorter than 12 characters") }
        guard password.utf8.count <= 72 else {
            throw ServerError.invalid("the password is longer than 72 bytes (bcrypt ignores the rest)")
        }
        return Bcrypt.hash(password, cost: UInt8(configuration.bcryptCost))
    }

    /// Sets a new password (and clears a lockout).
    public func setPassword(name: String, password: String) async throws {
        let hash = try hashPassword(password)
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE accounts SET password_hash = \(hash), failed_sign_ins = 0, locked_until = NULL
                WHERE name = \(name) RETURNING id
                """, logger: logger
            ).collect()
            guard !rows.isEmpty else { throw ServerError.invalid("no account is named '\(name)'") }
            try await connection.record(
                AccessEvent("set-password", target: name, client: commandLineClient()), logger: logger)
        }
    }

    /// Disables an account: its sessions end, its tokens stop working, it cannot sign in. Its runs stay.
    public func disableUser(name: String) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                "UPDATE accounts SET disabled_at = coalesce(disabled_at, now()) WHERE name = \(name) RETURNING id",
                logger: logger
            ).collect()
            guard let row = rows.first else { throw ServerError.invalid("no account is named '\(name)'") }
            let id = try row.decode(Int64.self)
            _ = try await connection.query(
                "UPDATE sessions SET ended_at = now() WHERE account_id = \(id) AND ended_at IS NULL", logger: logger)
            _ = try await connection.query(
                "UPDATE api_tokens SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL",
                logger: logger)
            try await connection.record(
                AccessEvent("disable-account", target: name, client: commandLineClient()), logger: logger)
        }
    }

    /// Issues an API token for an account: returned once, stored only as its SHA-256.
    public func issueToken(name: String, label: String, validDays: Int?) async throws -> String {
        if let validDays, validDays <= 0 { throw ServerError.invalid("--valid-days must be 1 or more") }
        let token = Secrets.newToken()
        let digest = Secrets.hash(token)
        let expires = validDays.map { Date().addingTimeInterval(Double($0) * 86400) }
        try await database.transaction { connection in
            let rows = try await connection.query(
                "SELECT id, disabled_at IS NOT NULL FROM accounts WHERE name = \(name)", logger: logger
            ).collect()
            guard let row = rows.first else { throw ServerError.invalid("no account is named '\(name)'") }
            let (id, disabled) = try row.decode((Int64, Bool).self)
            guard !disabled else { throw ServerError.invalid("account '\(name)' is disabled") }
            _ = try await connection.query(
                """
                INSERT INTO api_tokens (account_id, token_sha256, label, expires_at)
                VALUES (\(id), \(digest), \(label), \(expires))
                """, logger: logger)
            try await connection.record(
                AccessEvent(
                    "issue-token", target: name, client: commandLineClient(),
                    detail: "label=\(label) valid_days=\(validDays.map(String.init) ?? "unlimited")"), logger: logger)
        }
        return token
    }

    /// Every account, by name.
    public func listUsers() async throws -> [AccountSummary] {
        let rows = try await database.primary.query(
            """
            SELECT a.name, a.display_name, a.role, m.credit_code, a.disabled_at IS NOT NULL, a.locked_until
            FROM accounts a LEFT JOIN malls m ON m.id = a.mall_id ORDER BY a.name
            """
        ).collect()
        return try rows.map { row in
            let (name, display, role, code, disabled, locked) = try row.decode(
                (String, String, String, String?, Bool, Date?).self)
            return AccountSummary(
                name: name, displayName: display, role: Role(rawValue: role) ?? .bureauViewer, mallCreditCode: code,
                disabled: disabled, lockedUntil: locked)
        }
    }

    // MARK: signer keys

    /// Registers a signer's public key to an account for a validity period, and places it in the trusted-keys
    /// folder (as `FINGERPRINT.pub`) so the verifier trusts it. Only inspector, evaluator and mall accounts sign.
    /// Without `validFrom` / `validUntil`, the registration takes the validity the key file states.
    public func addKey(
        account: String, publicKey: Data, validFrom: Date?, validUntil: Date?, verifier: any BundleVerifying
    ) async throws -> SignerPublicKey {
        let key: SignerPublicKey
        do {
            key = try verifier.describePublicKey(publicKey)
        } catch {
            throw ServerError.invalid(error.description)
        }
        let validFrom = validFrom ?? key.notBefore ?? Date()
        let validUntil = validUntil ?? key.notAfter
        if let validUntil, validUntil <= validFrom {
            throw ServerError.invalid("the key's validity ends before it starts")
        }
        try await database.transaction { connection in
            let rows = try await connection.query(
                "SELECT id, role FROM accounts WHERE name = \(account) AND disabled_at IS NULL", logger: logger
            ).collect()
            guard let row = rows.first else { throw ServerError.invalid("no active account is named '\(account)'") }
            let (id, roleText) = try row.decode((Int64, String).self)
            guard let role = Role(rawValue: roleText), role.files else {
                throw ServerError.invalid("a \(roleText) account does not sign bundles (inspector, evaluator, mall do)")
            }
            do {
                _ = try await connection.query(
                    """
                    INSERT INTO signer_keys (fingerprint, account_id, algorithm, public_key, valid_from, valid_until)
                    VALUES (\(key.fingerprint), \(id), \(key.algorithm), \(key.text), \(validFrom), \(validUntil))
                    """, logger: logger)
            } catch let error where sqlState(of: error) == "23505" {
                throw ServerError.invalid("key \(key.fingerprint) is registered already")
            }
            try await connection.record(
                AccessEvent(
                    "add-key", target: account, client: commandLineClient(),
                    detail: "fingerprint=\(key.fingerprint)"), logger: logger)
            try writeTrustedKey(key)
        }
        return key
    }

    private func writeTrustedKey(_ key: SignerPublicKey) throws {
        let folder = configuration.bundles.trustedKeys
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let name = key.fingerprint.replacingOccurrences(of: ":", with: "-") + ".pub"
            try Data(key.text.utf8).write(to: folder.appendingPathComponent(name), options: .atomic)
        } catch {
            throw ServerError.file("cannot write the key into \(folder.path): \(error.localizedDescription)")
        }
    }

    /// Revokes a key from `at` on: signatures it made before stay valid, later ones are refused.
    public func revokeKey(fingerprint: String, at: Date, reason: String) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE signer_keys SET revoked_at = \(at), revocation_reason = \(reason)
                WHERE fingerprint = \(fingerprint) RETURNING account_id
                """, logger: logger
            ).collect()
            guard !rows.isEmpty else { throw ServerError.invalid("no registered key has fingerprint \(fingerprint)") }
            try await connection.record(
                AccessEvent(
                    "revoke-key", target: fingerprint, client: commandLineClient(), detail: "reason=\(reason)"),
                logger: logger)
        }
    }
}
