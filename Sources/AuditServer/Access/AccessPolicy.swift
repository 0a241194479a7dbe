/// The roles of the bureau's service.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Sees everything; sets districts and due dates, confirms rectifications.
    case bureauAdmin = "bureau-admin"
    /// Sees everything; writes nothing.
    case bureauViewer = "bureau-viewer"
    /// The bureau's own inspector: files bundles for any mall, sees the runs they filed.
    case inspector
    /// A third-party evaluator: files bundles for any mall, sees the runs they filed.
    case evaluator
    /// A mall: files self-audits for its own mall only, sees its own mall only.
    case mall

    /// Whether this role files bundles.
    public var files: Bool { self == .inspector || self == .evaluator || self == .mall }
    /// Whether this role sees every mall.
    public var isBureau: Bool { self == .bureauAdmin || self == .bureauViewer }
}

/// Who is asking: the account behind a token or a session.
public struct Principal: Sendable, Hashable {
    public var accountID: Int64
    public var name: String
    public var role: Role
    /// The one mall a mall account belongs to (its id and credit code); nil for every other role.
    public var mallID: Int64?
    public var mallCreditCode: String?
    /// How the request proved who it is.
    public var via: Authentication

    public enum Authentication: Sendable, Hashable {
        case token
        /// A session, with the hash of its id (to end it) and its CSRF token (for unsafe requests).
        case session(idSHA256: String, csrfToken: String)
    }
}

/// Which runs a principal may see. Every query that reads runs, results, statistics, bundles or rectifications
/// applies this scope in SQL (`AccessPolicy.runFilter`), so a list can never show what a URL would refuse.
public enum RunScope: Sendable, Hashable {
    /// Every run of every mall (bureau accounts).
    case all
    /// Every run of one mall (a mall account: its own mall, self-audits and inspections alike).
    case mall(Int64)
    /// The runs one account filed (inspectors and evaluators see their own filings).
    case filedBy(Int64)
}

/// What a principal asks to do.
public enum Action: Sendable, Hashable {
    /// Read malls, runs, results, diffs, statistics, rectifications (then filtered by `RunScope`).
    case read
    /// File a bundle for the mall with this credit code.
    case file(creditCode: String)
    /// Set a due date on a failed shall statement, confirm a rectification closed.
    case manageRectifications
    /// Register a mall, set its district.
    case manageMalls
    /// Read the access log.
    case readAccessLog
}

/// The outcome of an access decision.
public enum AccessDecision: Sendable, Hashable {
    case allowed
    /// Refused, with the reason shown to the caller (never naming anything the caller may not see).
    case refused(String)
}

/// Every access decision of the service, in one place:
///
/// | role | reads | files bundles for | rectifications, malls | access log |
/// |---|---|---|---|---|
/// | bureau-admin | every mall | — | yes | yes |
/// | bureau-viewer | every mall | — | — | — |
/// | inspector, evaluator | the runs they filed (and those runs' malls) | any mall | — | — |
/// | mall | its own mall (every run of it) | its own mall | — | — |
///
/// A mall or run outside a principal's scope answers 404, exactly like one that does not exist, so that no URL
/// tells a mall account whether another mall is registered.
public enum AccessPolicy {
    /// Whether `principal` may do `action`.
    public static func decide(_ action: Action, for principal: Principal) -> AccessDecision {
        switch action {
        case .read:
            return .allowed
        case .file(let creditCode):
            switch principal.role {
            case .inspector, .evaluator:
                return .allowed
            case .mall:
                return principal.mallCreditCode == creditCode
                    ? .allowed : .refused("a mall account files bundles for its own mall only")
            case .bureauAdmin, .bureauViewer:
                return .refused("bureau accounts do not file bundles (inspector, evaluator and mall accounts do)")
            }
        case .manageRectifications, .manageMalls:
            return principal.role == .bureauAdmin ? .allowed : .refused("only a bureau-admin account may do this")
        case .readAccessLog:
            return principal.role == .bureauAdmin
                ? .allowed : .refused("only a bureau-admin account may read the access log")
        }
    }

    /// The runs `principal` may see.
    public static func scope(of principal: Principal) -> RunScope {
        switch principal.role {
        case .bureauAdmin, .bureauViewer: return .all
        case .inspector, .evaluator: return .filedBy(principal.accountID)
        case .mall: return .mall(principal.mallID ?? -1)
        }
    }

    /// A SQL condition on a `runs` row aliased `alias` that holds exactly for the runs in `scope`. Only ids are
    /// spliced in (numbers from the database, never text from a request).
    static func runFilter(_ scope: RunScope, alias: String) -> String {
        switch scope {
        case .all: "TRUE"
        case .mall(let id): "\(alias).mall_id = \(id)"
        case .filedBy(let id): "\(alias).filed_by = \(id)"
        }
    }

    /// A SQL condition on a `malls` row aliased `alias` that holds exactly for the malls `scope` may see: every
    /// mall for the bureau, its own for a mall account, the malls with a run they filed for an inspector.
    static func mallFilter(_ scope: RunScope, alias: String) -> String {
        switch scope {
        case .all: "TRUE"
        case .mall(let id): "\(alias).id = \(id)"
        case .filedBy(let id): "EXISTS (SELECT 1 FROM runs f WHERE f.mall_id = \(alias).id AND f.filed_by = \(id))"
        }
    }

    /// Whether a state-changing request authenticated by a session carries the session's CSRF token (tokens in
    /// an `Authorization` header cannot be sent by another site's page, so they need none).
    static func csrfSatisfied(_ principal: Principal, header: String?) -> Bool {
        switch principal.via {
        case .token: return true
        case .session(_, let csrf): return header.map { constantTimeEqual($0, csrf) } ?? false
        }
    }
}

/// Compares two strings in time that depends only on their lengths.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}
