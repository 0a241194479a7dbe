import Foundation
import Logging
import PostgresNIO

/// One entry of the append-only access log (等保 audit trail): who did what to which mall, from where, with what
/// outcome. Never a password, a token or a session id.
struct AccessEvent: Sendable {
    /// `sign-in`, `sign-out`, `view-mall`, `view-run`, `view-diff`, `download`, `file-bundle`, `set-due-date`,
    /// `confirm-rectification`, `set-district`, `add-mall`, `add-account`, `disable-account`, `issue-token`,
    /// `add-key`, `revoke-key`, `read-access-log`.
    var action: String
    var outcome: String
    var accountID: Int64?
    var accountName: String?
    var mallID: Int64?
    /// What was acted on: a run id, a bundle digest, an account name, a statement id.
    var target: String?
    /// The client address, or `cli:USER` for the administration commands.
    var client: String?
    var detail: String?

    init(
        _ action: String, outcome: String = "ok", principal: Principal? = nil, mallID: Int64? = nil,
        target: String? = nil, client: String? = nil, detail: String? = nil
    ) {
        self.action = action
        self.outcome = outcome
        self.accountID = principal?.accountID
        self.accountName = principal?.name
        self.mallID = mallID
        self.target = target
        self.client = client
        self.detail = detail
    }

    var insert: PostgresQuery {
        """
        INSERT INTO access_log (account_id, account_name, action, mall_id, target, client, outcome, detail)
        VALUES (\(accountID), \(accountName), \(action), \(mallID), \(target), \(client), \(outcome), \(detail))
        """
    }
}

extension Database {
    /// Appends `event` to the access log on the primary.
    func record(_ event: AccessEvent) async throws {
        try await primary.query(event.insert, logger: logger)
    }
}

extension PostgresConnection {
    /// Appends `event` to the access log inside the caller's transaction (it commits or rolls back with it).
    func record(_ event: AccessEvent, logger: Logger) async throws {
        _ = try await query(event.insert, logger: logger)
    }
}

/// The client named in access-log entries written by the administration commands: `cli:` and the system user.
func commandLineClient() -> String {
    if let sudo = ProcessInfo.processInfo.environment["SUDO_USER"] { return "cli:\(sudo)" }
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return "cli:" + String(cString: name) }
    return "cli:uid-\(geteuid())"
}
