/// How to reach one SNMP agent, with credentials already resolved by the caller (from environment variables).
///
/// The secrets (community, v3 passphrases) are held only in memory: `description` and every error message
/// leave them out, and nothing in this module logs or stores them.
public struct SNMPAgent: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// Protocol version.
    public enum Version: String, Sendable, Hashable, CaseIterable, Codable {
        case v1 = "1"
        case v2c = "2c"
        case v3 = "3"
    }

    /// v3 security level.
    public enum SecurityLevel: String, Sendable, Hashable, CaseIterable, Codable {
        case noAuthNoPriv
        case authNoPriv
        case authPriv
    }

    /// v3 authentication protocol (the names net-snmp's `-a` accepts).
    public enum AuthProtocol: String, Sendable, Hashable, CaseIterable, Codable {
        case md5 = "MD5"
        case sha = "SHA"
        case sha224 = "SHA-224"
        case sha256 = "SHA-256"
        case sha384 = "SHA-384"
        case sha512 = "SHA-512"

        /// Accepts `SHA-256`, `SHA256`, `sha256`, `SHA1` and the like.
        public init?(name: String) {
            let key = name.uppercased().replacingOccurrences(of: "-", with: "")
            switch key {
            case "MD5": self = .md5
            case "SHA", "SHA1": self = .sha
            case "SHA224": self = .sha224
            case "SHA256": self = .sha256
            case "SHA384": self = .sha384
            case "SHA512": self = .sha512
            default: return nil
            }
        }
    }

    /// v3 privacy protocol (the names net-snmp's `-x` accepts). AES-192/256 derive their key as net-snmp's
    /// `AES192`/`AES256` and snmpd's `createUser` do (draft-blumenthal-aes-usm-04).
    public enum PrivProtocol: String, Sendable, Hashable, CaseIterable, Codable {
        case des = "DES"
        case aes = "AES"
        case aes192 = "AES-192"
        case aes256 = "AES-256"

        /// Accepts `AES`, `AES128`, `AES-192`, `aes256`, `DES` and the like.
        public init?(name: String) {
            let key = name.uppercased().replacingOccurrences(of: "-", with: "")
            switch key {
            case "DES": self = .des
            case "AES", "AES128": self = .aes
            case "AES192": self = .aes192
            case "AES256": self = .aes256
            default: return nil
            }
        }
    }

    /// SNMPv3 user-based security settings.
    public struct V3Security: Sendable, Hashable, CustomReflectable {
        public var user: String
        public var level: SecurityLevel
        public var authProtocol: AuthProtocol
        /// Resolved passphrase (at least 8 characters); required for authNoPriv and authPriv.
        public var authPassphrase: String?
        public var privProtocol: PrivProtocol
        /// Resolved passphrase (at least 8 characters); required for authPriv.
        public var privPassphrase: String?

        /// `dump` and test failure output never show the passphrases.
        public var customMirror: Mirror {
            Mirror(
                self,
                children: [
                    "user": user, "level": level, "authProtocol": authProtocol,
                    "authPassphrase": authPassphrase == nil ? "(none)" : "(set)", "privProtocol": privProtocol,
                    "privPassphrase": privPassphrase == nil ? "(none)" : "(set)",
                ])
        }

        public init(
            user: String, level: SecurityLevel, authProtocol: AuthProtocol = .sha, authPassphrase: String? = nil,
            privProtocol: PrivProtocol = .aes, privPassphrase: String? = nil
        ) {
            self.user = user
            self.level = level
            self.authProtocol = authProtocol
            self.authPassphrase = authPassphrase
            self.privProtocol = privProtocol
            self.privPassphrase = privPassphrase
        }
    }

    /// `udp:HOST:PORT` (as net-snmp's tools take it; `udp:HOST` means port 161).
    public var address: String
    public var version: Version
    /// v1/v2c community, resolved from the environment by the caller.
    public var community: String?
    /// v3 settings.
    public var v3: V3Security?
    /// Seconds to wait for each attempt; fractions are honoured (0.25 = 250 ms).
    public var timeout: Double
    /// Retransmissions after the first attempt (0 = one attempt only).
    public var retries: Int
    /// A name for reports (`machine_room`); the address when nil.
    public var name: String?

    public init(
        address: String, version: Version = .v2c, community: String? = nil, v3: V3Security? = nil,
        timeout: Double = 1.0, retries: Int = 1, name: String? = nil
    ) {
        self.address = address
        self.version = version
        self.community = community
        self.v3 = v3
        self.timeout = timeout
        self.retries = retries
        self.name = name
    }

    /// The name for messages: `name (address)` or the address.
    public var label: String { name.map { "\($0) (\(address))" } ?? address }

    /// Address, version, user and level, never a secret.
    public var description: String {
        var text = "\(label) v\(version.rawValue)"
        if version == .v3, let v3 {
            text += " user \(v3.user) \(v3.level.rawValue)"
            if v3.level != .noAuthNoPriv { text += " \(v3.authProtocol.rawValue)" }
            if v3.level == .authPriv { text += "/\(v3.privProtocol.rawValue)" }
        } else {
            text += " community " + (community == nil ? "(none)" : "(set)")
        }
        return text
    }

    /// Why `address` is not `udp:HOST[:PORT]`, or nil. Shared with the site-profile loader, which reports it at
    /// the profile's line instead of at the first probe.
    public static func addressProblem(_ address: String) -> String? {
        let parts = address.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0] == "udp", !parts[1].isEmpty else {
            return "agent address '\(address)' is not of the form udp:HOST:PORT"
        }
        if parts.count == 3 {
            guard let port = Int(parts[2]), (1...65535).contains(port) else {
                return "agent address '\(address)' has no valid port (1-65535) after the host"
            }
        }
        return nil
    }

    /// Why a timeout cannot be used, or nil (also checked by the site-profile loader).
    public static func timeoutProblem(_ timeout: Double, address: String) -> String? {
        timeout.isFinite && timeout > 0 && timeout <= 3_600
            ? nil : "timeout \(timeout) s for \(address) is not between 0 and 3600 seconds"
    }

    /// Why a retry count cannot be used, or nil (also checked by the site-profile loader).
    public static func retriesProblem(_ retries: Int, address: String) -> String? {
        (0...20).contains(retries) ? nil : "retries \(retries) for \(address) is not between 0 and 20"
    }

    /// `dump` and test failure output show the description, never the secret fields.
    public var customMirror: Mirror { Mirror(self, children: ["agent": description]) }

    /// Why this agent cannot be used as configured, or nil when it can. Checked before anything is sent.
    public func configurationProblem() -> String? {
        if let problem = Self.addressProblem(address) ?? Self.timeoutProblem(timeout, address: address)
            ?? Self.retriesProblem(retries, address: address)
        {
            return problem
        }
        switch version {
        case .v1, .v2c:
            guard let community, !community.isEmpty else {
                return "SNMP v\(version.rawValue) agent \(address) has no community (set the environment variable)"
            }
        case .v3:
            guard let v3, !v3.user.isEmpty else { return "SNMPv3 agent \(address) has no user name" }
            if v3.level != .noAuthNoPriv {
                guard let pass = v3.authPassphrase, !pass.isEmpty else {
                    return "SNMPv3 user \(v3.user) at \(address) has no authentication passphrase "
                        + "(set the environment variable)"
                }
                guard pass.utf8.count >= 8 else {
                    return "the SNMPv3 authentication passphrase of user \(v3.user) is shorter than 8 characters"
                }
            }
            if v3.level == .authPriv {
                guard let pass = v3.privPassphrase, !pass.isEmpty else {
                    return "SNMPv3 user \(v3.user) at \(address) has no privacy passphrase "
                        + "(set the environment variable)"
                }
                guard pass.utf8.count >= 8 else {
                    return "the SNMPv3 privacy passphrase of user \(v3.user) is shorter than 8 characters"
                }
            }
        }
        return nil
    }

    /// What identifies the v3 credentials in net-snmp's process-wide user table: sessions of the same user with
    /// different keys must not overlap (see `cnetsnmpshim_close`). A digest-free tuple kept in memory only.
    var usmIdentity: USMIdentity? {
        guard version == .v3, let v3 else { return nil }
        return USMIdentity(
            user: v3.user, level: v3.level, auth: v3.authProtocol, authPassphrase: v3.authPassphrase,
            priv: v3.privProtocol, privPassphrase: v3.privPassphrase)
    }

    struct USMIdentity: Hashable {
        var user: String
        var level: SecurityLevel
        var auth: AuthProtocol
        var authPassphrase: String?
        var priv: PrivProtocol
        var privPassphrase: String?
    }
}
