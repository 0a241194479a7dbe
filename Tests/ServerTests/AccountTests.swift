import Foundation
import Testing

/// Accounts, passwords, tokens and sessions: what PostgreSQL holds (never a secret) and how sign-in behaves.
@Suite("Accounts and sessions")
struct AccountTests {
    @Test("Passwords are bcrypt hashes at the configured cost; tokens are shown once and stored as SHA-256")
    func secretsAtRest() async throws {
        let world = try ServerWorld()
        try world.mall(Bureau.mallA, name: "云龙万达广场")
        let account = try world.account("wang", role: "inspector")
        #expect(account.token.hasPrefix("mat_") && account.token.count == 47)
        let hash = try world.sql("SELECT password_hash FROM accounts WHERE name = 'wang'")
        #expect(hash.hasPrefix("$2b$04$") && hash.count == 60, "\(hash)")
        #expect(!hash.contains(ServerWorld.password))
        #expect(try world.sql("SELECT token_sha256 FROM api_tokens") == sha256Hex(Data(account.token.utf8)))
        // The token itself is nowhere in the database (a dump holds only digests).
        let dump = try world.sql("SELECT string_agg(t::text, ' ') FROM (SELECT * FROM api_tokens) t")
        #expect(!dump.contains(account.token))

        // The default cost is 12.
        let defaults = try ServerWorld(database: world.database, migrate: false)
        try String(contentsOf: defaults.config, encoding: .utf8)
            .replacingOccurrences(of: "security: {bcrypt_cost: 4}", with: "")
            .write(to: defaults.config, atomically: true, encoding: .utf8)
        try defaults.admin(["user", "add", "--name", "li", "--role", "bureau-viewer", "--password-env", "TEST_PASSWORD"])
        #expect(try world.sql("SELECT substr(password_hash, 1, 7) FROM accounts WHERE name = 'li'") == "$2b$12$")
    }

    @Test("Account commands refuse what makes no sense, with a message")
    func accountRules() throws {
        let world = try ServerWorld()
        try world.mall(Bureau.mallA, name: "云龙万达广场")
        let cases: [([String], String)] = [
            (["user", "add", "--name", "m", "--role", "mall"], "needs --mall"),
            (["user", "add", "--name", "m", "--role", "inspector", "--mall", Bureau.mallA], "only a mall account"),
            (["user", "add", "--name", "m", "--role", "mall", "--mall", "91320300MA1ZZZZZ0Z"], "register it first"),
            (["user", "add", "--name", "m", "--role", "auditor"], "is not one of"),
            (["user", "add", "--name", "bad name", "--role", "inspector"], "is not an account name"),
            (["user", "add", "--name", "m", "--role", "inspector", "--password-env", "SHORT"], "shorter than 12"),
            (["user", "add", "--name", "m", "--role", "inspector", "--password-env", "UNSET_VARIABLE"], "is not set"),
            (["user", "token", "--name", "nobody"], "no account is named"),
            (["mall", "add", "--credit-code", "123", "--name", "x"], "not a unified social credit code"),
        ]
        for (arguments, message) in cases {
            let outcome = try world.run(arguments, environment: ["SHORT": "eleven-char"])
            #expect(outcome.status == 1, "\(arguments): \(outcome.stdout)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
        }
        #expect(try world.count("SELECT count(*) FROM accounts") == 0)
        // Twelve characters is long enough (the boundary).
        let boundary = try world.run(
            ["user", "add", "--name", "n", "--role", "inspector", "--password-env", "TWELVE"],
            environment: ["TWELVE": "twelve-chars"])
        #expect(boundary.status == 0, "\(boundary.stderr)")
        #expect(try world.count("SELECT count(*) FROM accounts WHERE name = 'n'") == 1)
    }

    @Test("Sign-in sets an HttpOnly SameSite cookie whose id PostgreSQL holds only as SHA-256; sign-out ends it")
    func sessions() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let (session, answer) = try await api.signIn("admin")
        #expect(answer.status == 201, "\(answer.text)")
        let cookie = try #require(answer.headers["Set-Cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
        guard case .session(let id, let csrf) = session else { Issue.record("no session"); return }
        #expect(id.count == 43 && csrf?.count == 43)
        #expect(try world.sql("SELECT id_sha256 FROM sessions") == sha256Hex(Data(id.utf8)))
        #expect(try world.count("SELECT count(*) FROM sessions WHERE id_sha256 = '\(id)'") == 0)

        let whoami = try await api.get("/api/v1/session", as: session)
        #expect(whoami.object["account"] as? String == "admin" && whoami.object["role"] as? String == "bureau-admin")

        // A POST on a session needs the session's CSRF token; the token of another session does not do.
        let body: [String: Any] = ["district": "泉山区"]
        let district = "/api/v1/malls/\(Bureau.mallA)/district"
        let noToken = try await api.post(district, json: body, as: .session(cookie: id, csrf: nil))
        #expect(noToken.status == 403 && noToken.errorCode == "csrf")
        let (other, _) = try await api.signIn("viewer")
        guard case .session(_, let otherCSRF) = other else { Issue.record("no session"); return }
        #expect(try await api.post(district, json: body, as: .session(cookie: id, csrf: otherCSRF)).status == 403)
        #expect(try await api.post(district, json: body, as: session).status == 200)
        _ = bureau

        let out = try await api.post("/api/v1/session/sign-out", json: [:], as: session)
        #expect(out.status == 200 && (out.headers["Set-Cookie"] ?? "").contains("Max-Age=0"))
        let after = try await api.get("/api/v1/session", as: session)
        #expect(after.status == 401 && after.errorCode == "session-ended")
        #expect(try world.count("SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL") == 1)
    }

    @Test("A session unused for idle_seconds ends; one used in time goes on")
    func idleTimeout() async throws {
        // Windows of minutes, not seconds: a loaded machine may take many seconds per request.
        let world = try ServerWorld(yaml: "sessions: {idle_seconds: 600, secure_cookie: false}")
        _ = try world.account("viewer", role: "bureau-viewer")
        let api = APIClient(try await world.start())
        let (session, _) = try await api.signIn("viewer")
        #expect(try await api.get("/api/v1/session", as: session).status == 200)
        // Age the session in the database (what another instance would see too) instead of sleeping.
        try world.sql("UPDATE sessions SET last_seen_at = now() - interval '400 seconds'")
        #expect(try await api.get("/api/v1/session", as: session).status == 200)
        // That use moved the idle clock on: 400 s later it is still alive (from the first it would not be).
        #expect(try world.count("SELECT count(*) FROM sessions WHERE last_seen_at > now() - interval '200 seconds'") == 1)
        try world.sql("UPDATE sessions SET last_seen_at = now() - interval '601 seconds'")
        #expect(try await api.get("/api/v1/session", as: session).status == 401)
    }

    @Test("Failed sign-ins lock the account at the threshold, in PostgreSQL; the right password then fails too")
    func lockout() async throws {
        let world = try ServerWorld(yaml: "limits: {sign_in_failures: 3, lockout_seconds: 3600, requests_per_second: 1000, burst: 2000}")
        _ = try world.account("viewer", role: "bureau-viewer")
        let api = APIClient(try await world.start())
        for attempt in 1...2 {
            let wrong = try await api.signIn("viewer", password: "wrong password \(attempt)")
            #expect(wrong.1.status == 401 && wrong.1.errorCode == "sign-in-refused")
        }
        #expect(try world.sql("SELECT failed_sign_ins, locked_until IS NULL FROM accounts") == "2|t")
        // Below the threshold the right password still works, and resets the count.
        #expect(try await api.signIn("viewer").1.status == 201)
        #expect(try world.sql("SELECT failed_sign_ins FROM accounts") == "0")
        for attempt in 1...3 {
            let wrong = try await api.signIn("viewer", password: "wrong password \(attempt)")
            #expect(wrong.1.status == 401 && wrong.1.errorCode == "sign-in-refused")
        }
        let locked = try await api.signIn("viewer")
        #expect(locked.1.status == 429 && locked.1.errorCode == "locked", "\(locked.1.text)")
        let retry = Int(locked.1.headers["Retry-After"] ?? "") ?? 0
        // An hour, so that a loaded machine (minutes between locking and asking) still sees most of it.
        #expect(retry > 3000 && retry <= 3600)
        #expect(try world.count("SELECT count(*) FROM accounts WHERE locked_until > now()") == 1)
        // An unknown name is refused exactly like a wrong password.
        let unknown = try await api.signIn("nobody")
        #expect(unknown.1.status == 401 && unknown.1.errorCode == "sign-in-refused")
        // The lock ends when its time is over (moved back in the database).
        try world.sql("UPDATE accounts SET locked_until = now() - interval '1 second'")
        #expect(try await api.signIn("viewer").1.status == 201)
        #expect(try world.count(
            "SELECT count(*) FROM access_log WHERE action = 'sign-in' AND outcome IN ('failed', 'failed-locked')") == 5)
    }

    @Test("A disabled account's token and sessions stop working at once")
    func disable() async throws {
        let world = try ServerWorld()
        let account = try world.account("viewer", role: "bureau-viewer")
        let api = APIClient(try await world.start())
        let (session, _) = try await api.signIn("viewer")
        #expect(try await api.get("/api/v1/malls", as: .token(account.token)).status == 200)
        try world.admin(["user", "disable", "--name", "viewer"])
        #expect(try await api.get("/api/v1/malls", as: .token(account.token)).status == 401)
        #expect(try await api.get("/api/v1/malls", as: session).status == 401)
        #expect(try await api.signIn("viewer").1.status == 401)
        #expect(try world.admin(["user", "list"]).contains("viewer\tbureau-viewer\t-\tdisabled"))
    }
}
