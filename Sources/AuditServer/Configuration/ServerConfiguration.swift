import AuditModel
import AuditSupport
import Foundation

/// Everything `mallaudit-server` reads from `server.yaml` (docs/server.md lists every key).
///
/// Secrets never appear in the file: the database password comes from the environment variable the file names
/// (`database.password_env`), and is read when a command connects.
public struct ServerConfiguration: Sendable {
    /// Where the HTTP(S) listener binds.
    public struct Listen: Sendable {
        public var host: String
        /// 0 lets the system pick a free port (tests; `serve --port-file` writes the one chosen).
        public var port: Int
    }

    /// The server's own certificate and key (PEM). Absent: plain HTTP, for use behind a TLS-terminating proxy.
    public struct TLS: Sendable {
        public var certificate: URL
        public var key: URL
    }

    /// One PostgreSQL server.
    public struct Endpoint: Sendable {
        public var host: String
        public var port: Int
    }

    /// The PostgreSQL connection. Writes go to the primary; reads may go to a streaming replica.
    public struct Database: Sendable {
        public var primary: Endpoint
        /// A streaming replica for the read-only API calls; nil: reads go to the primary too.
        public var replica: Endpoint?
        public var user: String
        public var name: String
        /// The environment variable holding the password; nil for a server that asks none (peer or trust auth).
        public var passwordVariable: String?
        /// TLS to PostgreSQL: `disable`, `prefer` or `require`.
        public var tls: String
        /// Connections per instance (each pool: primary, replica).
        public var poolSize: Int
    }

    /// Where bundles are kept and which keys the verifier trusts.
    public struct Bundles: Sendable {
        /// The bundle store: every accepted bundle as a file named by its SHA-256. Shared by every instance.
        public var store: URL
        /// Public keys of the signers the verifier trusts (the `--trust` directory of `mallaudit verify`).
        public var trustedKeys: URL
        /// Revoked signer keys (`mallaudit verify --revoked`: one fingerprint a line), refused whatever the signing
        /// time; nil: none. (A registered key revoked from a time on is `mallaudit-server key revoke`.)
        public var revoked: URL?
        /// The bundle format ingest verifies: `signed-zip` (the default and only one), see `BundleVerifierSeam`.
        public var format: String
    }

    /// Limits that protect the service.
    public struct Limits: Sendable {
        /// Largest accepted upload, in bytes (413 above it).
        public var uploadBytes: Int
        /// Requests per second one client address may make to one instance (token bucket); 0 turns it off.
        public var requestsPerSecond: Double
        /// Bucket size: a client may burst this many requests at once.
        public var burst: Int
        /// Failed sign-ins in a row that lock an account (kept in PostgreSQL, so it holds across instances).
        public var signInFailures: Int
        /// How long a locked account stays locked.
        public var lockoutSeconds: Int
        /// A request not done within this many seconds answers 503 (an upload's clock starts once its body is in).
        public var requestSeconds: Double
    }

    /// Sign-in sessions (kept in PostgreSQL).
    public struct Sessions: Sendable {
        /// A session unused this long ends.
        public var idleSeconds: Int
        /// A session ends this long after sign-in, used or not.
        public var absoluteSeconds: Int
        /// Send the cookie with `Secure` (on by default; off only for plain-HTTP tests).
        public var secureCookie: Bool
    }

    public var listen: Listen
    public var tls: TLS?
    public var database: Database
    public var bundles: Bundles
    public var limits: Limits
    public var sessions: Sessions
    /// bcrypt cost for new password hashes (10…16; 12 by default).
    public var bcryptCost: Int
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    public var trustForwardedFor: Bool
    /// The bureau's clock (`time_zone`, an IANA name; Asia/Shanghai by default): the day a due date is overdue
    /// after, the pages' times and "today". Every PostgreSQL session of the service runs in it, so `current_date`
    /// is the bureau's day whatever the cluster's own setting.
    public var timeZone: ClockZone = .shanghai
    /// The file this was read from (for messages).
    public var file: String

    /// The keys `server.yaml` may have at its top level.
    static let topLevelKeys: Set<String> = [
        "listen", "tls", "database", "bundles", "limits", "sessions", "security", "proxy", "time_zone",
    ]

    /// Reads and checks `server.yaml`; every problem names the file, the line and what was expected.
    /// Relative paths in the file are relative to the file's folder.
    public static func load(_ url: URL) throws -> ServerConfiguration {
        let root = try YAMLValue.load(url)
        return try parse(root, base: url.deletingLastPathComponent())
    }

    /// Parses a configuration from YAML text (`file` names it in messages; relative paths resolve against `base`).
    public static func parse(_ text: String, file: String, base: URL) throws -> ServerConfiguration {
        try parse(try YAMLValue.parse(text, file: file), base: base)
    }

    static func parse(_ root: YAMLValue, base: URL) throws -> ServerConfiguration {
        try root.requireKeys(in: topLevelKeys)
        func path(_ value: YAMLValue) throws -> URL {
            let text = try value.nonEmptyString(expected: "a path")
            return text.hasPrefix("/") ? URL(fileURLWithPath: text) : base.appendingPathComponent(text)
        }
        func port(_ value: YAMLValue, allowZero: Bool) throws -> Int {
            let number = try value.int()
            guard (allowZero ? 0 : 1)...65535 ~= number else {
                throw value.problem("port \(number) is out of range", expected: allowZero ? "0…65535" : "1…65535")
            }
            return number
        }
        func positive(_ value: YAMLValue, _ what: String) throws -> Int {
            let number = try value.int()
            guard number > 0 else { throw value.problem("\(what) \(number) is not positive", expected: "1 or more") }
            return number
        }

        let listenNode = try root.required("listen", expected: "listen: {host: 127.0.0.1, port: 8443}")
        try listenNode.requireKeys(in: ["host", "port"])
        let listen = Listen(
            host: try listenNode["host"]?.nonEmptyString(expected: "an address to bind") ?? "127.0.0.1",
            port: try port(try listenNode.required("port", expected: "the port to listen on"), allowZero: true))

        var tls: TLS?
        if let tlsNode = root["tls"] {
            try tlsNode.requireKeys(in: ["certificate", "key"])
            tls = TLS(
                certificate: try path(try tlsNode.required("certificate", expected: "the server certificate (PEM)")),
                key: try path(try tlsNode.required("key", expected: "the server's private key (PEM)")))
        }

        let dbNode = try root.required("database", expected: "database: {host, port, user, name, password_env}")
        try dbNode.requireKeys(in: ["host", "port", "user", "name", "password_env", "tls", "pool_size", "replica"])
        let primary = Endpoint(
            host: try dbNode["host"]?.nonEmptyString() ?? "127.0.0.1",
            port: try dbNode["port"].map { try port($0, allowZero: false) } ?? 5432)
        var replica: Endpoint?
        if let replicaNode = dbNode["replica"] {
            try replicaNode.requireKeys(in: ["host", "port"])
            replica = Endpoint(
                host: try replicaNode.required("host", expected: "the replica's host").nonEmptyString(),
                port: try replicaNode["port"].map { try port($0, allowZero: false) } ?? 5432)
        }
        var passwordVariable: String?
        if let node = dbNode["password_env"] {
            let name = try node.nonEmptyString(expected: "an environment variable name")
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw node.problem("'\(name)' is not an environment variable name", expected: "letters, digits, _")
            }
            passwordVariable = name
        }
        let database = Database(
            primary: primary, replica: replica,
            user: try dbNode.required("user", expected: "the PostgreSQL role").nonEmptyString(),
            name: try dbNode.required("name", expected: "the database name").nonEmptyString(),
            passwordVariable: passwordVariable,
            tls: try dbNode["tls"]?.choice(["disable", "prefer", "require"]) ?? "prefer",
            poolSize: try dbNode["pool_size"].map { try positive($0, "pool_size") } ?? 8)

        let bundleNode = try root.required("bundles", expected: "bundles: {store: DIR, trusted_keys: DIR}")
        try bundleNode.requireKeys(in: ["store", "trusted_keys", "revoked", "format"])
        let bundles = Bundles(
            store: try path(try bundleNode.required("store", expected: "the bundle store folder")),
            trustedKeys: try path(try bundleNode.required("trusted_keys", expected: "the trusted signer keys folder")),
            revoked: try bundleNode["revoked"].map { try path($0) },
            format: try bundleNode["format"]?.choice(BundleVerifierSeam.formats) ?? BundleVerifierSeam.defaultFormat)

        var limits = Limits(
            uploadBytes: 64 << 20, requestsPerSecond: 50, burst: 100, signInFailures: 5, lockoutSeconds: 900,
            requestSeconds: 30)
        if let node = root["limits"] {
            try node.requireKeys(in: [
                "upload_bytes", "requests_per_second", "burst", "sign_in_failures", "lockout_seconds", "request_seconds",
            ])
            if let value = node["request_seconds"] {
                let seconds = try value.double()
                guard seconds > 0, seconds <= 3600 else {
                    throw value.problem("request_seconds \(seconds) is out of range", expected: "more than 0, at most 3600")
                }
                limits.requestSeconds = seconds
            }
            if let value = node["upload_bytes"] { limits.uploadBytes = try positive(value, "upload_bytes") }
            if let value = node["requests_per_second"] {
                let rate = try value.double()
                guard rate >= 0, rate.isFinite else {
                    throw value.problem("requests_per_second \(rate) is negative", expected: "0 (off) or more")
                }
                limits.requestsPerSecond = rate
            }
            if let value = node["burst"] { limits.burst = try positive(value, "burst") }
            if let value = node["sign_in_failures"] { limits.signInFailures = try positive(value, "sign_in_failures") }
            if let value = node["lockout_seconds"] { limits.lockoutSeconds = try positive(value, "lockout_seconds") }
        }

        var sessions = Sessions(idleSeconds: 1800, absoluteSeconds: 43200, secureCookie: true)
        if let node = root["sessions"] {
            try node.requireKeys(in: ["idle_seconds", "absolute_seconds", "secure_cookie"])
            if let value = node["idle_seconds"] { sessions.idleSeconds = try positive(value, "idle_seconds") }
            if let value = node["absolute_seconds"] {
                sessions.absoluteSeconds = try positive(value, "absolute_seconds")
            }
            if let value = node["secure_cookie"] { sessions.secureCookie = try value.bool() }
        }

        var bcryptCost = 12
        if let node = root["security"] {
            try node.requireKeys(in: ["bcrypt_cost"])
            if let value = node["bcrypt_cost"] {
                bcryptCost = try value.int()
                guard 4...16 ~= bcryptCost else {
                    throw value.problem("bcrypt_cost \(bcryptCost) is out of range", expected: "4…16 (12 by default)")
                }
            }
        }
        var trustForwardedFor = false
        if let node = root["proxy"] {
            try node.requireKeys(in: ["trust_forwarded_for"])
            trustForwardedFor = try node["trust_forwarded_for"]?.bool() ?? false
        }
        var timeZone = ClockZone.shanghai
        if let node = root["time_zone"] {
            let name = try node.nonEmptyString(expected: "an IANA time zone such as Asia/Shanghai")
            // The project's one zone parser (ClockZone), without its fixed offsets: PostgreSQL reads `+08` as POSIX,
            // eight hours west. Its name goes to PostgreSQL as given (`UTC` for UTC, Z or Etc/UTC).
            guard name.first != "+", name.first != "-", let zone = ClockZone(name) else {
                throw node.problem(
                    "'\(name)' is not a time zone" + (name.first == "+" || name.first == "-" ? " name (a fixed offset)" : ""),
                    expected: "an IANA time zone such as Asia/Shanghai, or UTC")
            }
            timeZone = zone
        }
        return ServerConfiguration(
            listen: listen, tls: tls, database: database, bundles: bundles, limits: limits, sessions: sessions,
            bcryptCost: bcryptCost, trustForwardedFor: trustForwardedFor, timeZone: timeZone, file: root.file)
    }

    /// The database password from the environment variable the configuration names.
    ///
    /// - Throws: `ServerError.configuration` when the variable is named but unset or empty.
    public func databasePassword(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> String?
    {
        guard let variable = database.passwordVariable else { return nil }
        guard let value = environment[variable], !value.isEmpty else {
            throw ServerError.configuration(
                "\(file): database.password_env names \(variable), which is not set (export it before starting)")
        }
        return value
    }
}
