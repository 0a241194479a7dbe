import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import Logging
import PostgresNIO

/// Who a request is: an API token (`Authorization: Bearer mat_…`) or a session cookie, both looked up in
/// PostgreSQL on every request, so any instance answers any client. Sessions and lockout counters live only in
/// the database; nothing about them is kept in this process.
struct Authenticator: Sendable {
    static let cookieName = "mallaudit_session"
    /// The header a session-authenticated POST must carry (the pages of issue 19 send it as a form field too).
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    let database: Database
    let configuration: ServerConfiguration
    let logger: Logger

    /// A bcrypt hash of a random password, compared against when the account is unknown, so that an unknown name
    /// takes as long to refuse as a wrong password.
    let decoyHash: String

    init(database: Database, configuration: ServerConfiguration, logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        decoyHash = Bcrypt.hash(Secrets.random256(), cost: UInt8(configuration.bcryptCost))
    }

    /// The principal of a request, or nil when it presents no credentials; 401 when it presents bad ones.
    func principal(of request: Request) async throws -> Principal? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError(
                    .unauthorized, code: "unauthenticated", "the Authorization header must be `Bearer TOKEN`")
            }
            guard let principal = try await principal(token: String(parts[1])) else {
                throw APIError(.unauthorized, code: "unauthenticated", "the token is unknown, revoked or expired")
            }
            return principal
        }
        if let session = request.cookies[Self.cookieName]?.value {
            guard let principal = try await principal(session: session) else {
                throw APIError(.unauthorized, code: "session-ended", "the session has ended: sign in again")
            }
            return principal
        }
        return nil
    }

    func principal(token: String) async throws -> Principal? {
        let rows = try await database.primary.query(
            """
            SELECT a.id, a.name, a.role, a.mall_id, m.credit_code
            FROM api_tokens t JOIN accounts a ON a.id = t.account_id LEFT JOIN malls m ON m.id = a.mall_id
            WHERE t.token_sha256 = \(Secrets.hash(token)) AND t.revoked_at IS NULL
                AND (t.expires_at IS NULL OR t.expires_at > now()) AND a.disabled_at IS NULL
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        let (id, name, role, mallID, code) = try row.decode((Int64, String, String, Int64?, String?).self)
        guard let role = Role(rawValue: role) else { return nil }
        return Principal(accountID: id, name: name, role: role, mallID: mallID, mallCreditCode: code, via: .token)
    }

    func principal(session: String) async throws -> Principal? {
        let digest = Secrets.hash(session)
        let idle = configuration.sessions.idleSeconds
        let rows = try await database.primary.query(
            """
            SELECT a.id, a.name, a.role, a.mall_id, m.credit_code, s.csrf_token,
                s.last_seen_at < now() - interval '30 seconds'
            FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN malls m ON m.id = a.mall_id
            WHERE s.id_sha256 = \(digest) AND s.ended_at IS NULL AND s.expires_at > now()
                AND s.last_seen_at > now() - make_interval(secs => \(Double(idle))) AND a.disabled_at IS NULL
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        let (id, name, role, mallID, code, csrf, stale) = try row.decode(
            (Int64, String, String, Int64?, String?, String, Bool).self)
        guard let role = Role(rawValue: role) else { return nil }
        // Idle time is measured from the last use; written at most every 30 s to spare the primary.
        if stale {
            try await database.primary.query(
                "UPDATE sessions SET last_seen_at = now() WHERE id_sha256 = \(digest)", logger: logger)
        }
        return Principal(
            accountID: id, name: name, role: role, mallID: mallID, mallCreditCode: code,
            via: .session(idSHA256: digest, csrfToken: csrf))
    }

    /// What a successful sign-in returns: the session id (for the cookie, never stored) and the session's facts.
    struct NewSession: Sendable {
        var id: String
        var csrfToken: String
        var expiresAt: Date
        var principal: Principal
        var displayName: String
    }

    /// Signs in with a password. Failures count in PostgreSQL: after `limits.sign_in_failures` in a row the
    /// account is locked for `limits.lockout_seconds`, on every instance; a lock refuses even the right password.
    func signIn(name: String, password: String, client: String?) async throws -> NewSession {
        let limits = configuration.limits
        let rows = try await database.primary.query(
            """
            SELECT a.id, a.role, a.mall_id, m.credit_code, a.password_hash, a.display_name,
                a.disabled_at IS NOT NULL, a.locked_until > now(), a.locked_until
            FROM accounts a LEFT JOIN malls m ON m.id = a.mall_id WHERE a.name = \(name)
            """, logger: logger
        ).collect()
        let refused = APIError(.unauthorized, code: "sign-in-refused", "the name or the password is wrong")
        guard let row = rows.first else {
            _ = Bcrypt.verify(password, hash: decoyHash)
            try await database.record(
                AccessEvent("sign-in", outcome: "unknown-account", client: client, detail: "name=\(name)"))
            throw refused
        }
        let (id, roleText, mallID, code, hash, displayName, disabled, locked, lockedUntil) = try row.decode(
            (Int64, String, Int64?, String?, String?, String, Bool, Bool?, Date?).self)
        let event = { (outcome: String) in
            AccessEvent("sign-in", outcome: outcome, client: client, detail: "name=\(name)")
        }
        if locked == true {
            try await database.record(withAccount(event("locked"), id: id, name: name))
            let seconds = max(1, Int((lockedUntil ?? Date()).timeIntervalSinceNow.rounded(.up)))
            throw APIError(
                .tooManyRequests, code: "locked",
                "too many failed sign-ins: the account is locked for \(seconds) more seconds",
                headers: [.retryAfter: String(seconds)])
        }
        guard let hash, !disabled, let role = Role(rawValue: roleText) else {
            _ = Bcrypt.verify(password, hash: decoyHash)
            try await database.record(withAccount(event(disabled ? "disabled" : "no-password"), id: id, name: name))
            throw refused
        }
        guard Bcrypt.verify(password, hash: hash) else {
            // One statement counts the failure and locks at the threshold, atomically across instances.
            let counted = try await database.primary.query(
                """
                UPDATE accounts SET
                    failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= \(limits.signInFailures) THEN 0
                        ELSE failed_sign_ins + 1 END,
                    locked_until = CASE WHEN failed_sign_ins + 1 >= \(limits.signInFailures)
                        THEN now() + make_interval(secs => \(Double(limits.lockoutSeconds))) ELSE locked_until END
                WHERE id = \(id)
                RETURNING locked_until > now()
                """, logger: logger
            ).collect().first?.decode(Bool?.self)
            let nowLocked = counted == true
            try await database.record(withAccount(event(nowLocked ? "failed-locked" : "failed"), id: id, name: name))
            throw refused
        }
        let session = Secrets.random256()
        let csrf = Secrets.random256()
        let expires = Date().addingTimeInterval(Double(configuration.sessions.absoluteSeconds))
        let principal = Principal(
            accountID: id, name: name, role: role, mallID: mallID, mallCreditCode: code,
            via: .session(idSHA256: Secrets.hash(session), csrfToken: csrf))
        try await database.transaction { connection in
            _ = try await connection.query(
                "UPDATE accounts SET failed_sign_ins = 0, locked_until = NULL WHERE id = \(id)", logger: logger)
            _ = try await connection.query(
                """
                INSERT INTO sessions (id_sha256, account_id, csrf_token, expires_at, client)
                VALUES (\(Secrets.hash(session)), \(id), \(csrf), \(expires), \(client))
                """, logger: logger)
            try await connection.record(AccessEvent("sign-in", principal: principal, client: client), logger: logger)
        }
        return NewSession(
            id: session, csrfToken: csrf, expiresAt: expires, principal: principal, displayName: displayName)
    }

    private func withAccount(_ event: AccessEvent, id: Int64, name: String) -> AccessEvent {
        var event = event
        event.accountID = id
        event.accountName = name
        return event
    }

    /// Ends the request's session (on every instance at once: it is a row).
    func signOut(_ principal: Principal, client: String?) async throws {
        guard case .session(let digest, _) = principal.via else {
            throw APIError.badRequest("sign-out ends a session; this request used an API token")
        }
        try await database.transaction { connection in
            _ = try await connection.query(
                "UPDATE sessions SET ended_at = now() WHERE id_sha256 = \(digest) AND ended_at IS NULL",
                logger: logger)
            try await connection.record(AccessEvent("sign-out", principal: principal, client: client), logger: logger)
        }
    }

    /// The session cookie: HttpOnly, SameSite=Strict, Secure unless configured off (plain-HTTP tests only).
    func cookie(_ session: NewSession?) -> String {
        var parts = ["\(Self.cookieName)=\(session?.id ?? "")", "Path=/", "HttpOnly", "SameSite=Strict"]
        parts.append(session == nil ? "Max-Age=0" : "Max-Age=\(configuration.sessions.absoluteSeconds)")
        if configuration.sessions.secureCookie { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}

/// Authenticates every request to the routes it wraps and refuses, in this one place, any request without a
/// principal (401) and any session-authenticated POST without the session's CSRF token (403).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let authenticator: Authenticator

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        guard let principal = try await authenticator.principal(of: request) else { throw APIError.unauthenticated }
        if request.method != .get, request.method != .head,
            !AccessPolicy.csrfSatisfied(principal, header: request.headers[Authenticator.csrfHeader])
        {
            throw APIError(
                .forbidden, code: "csrf", "a signed-in POST must carry the session's token in X-CSRF-Token")
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
