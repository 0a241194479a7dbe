import AuditSupport
import Crypto
import Foundation

/// Random secrets the service hands out (API tokens, session ids, CSRF tokens) and how it keeps them: the
/// database holds only their SHA-256, so a copy of the database signs nobody in.
///
/// A token is checked on every API call; bcrypt (hundreds of milliseconds by design) is for passwords only. A
/// 256-bit random value needs no slow hash: SHA-256 of it cannot be reversed or guessed.
enum Secrets {
    /// The prefix of API tokens, so secret scanners and people recognise one (`mat_` = mallaudit token).
    static let tokenPrefix = "mat_"

    /// 256 random bits from the system's secure generator, base64url without padding (43 characters).
    static func random256() -> String {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { base64url(Data($0)) }
    }

    /// A new API token: shown once, stored as its SHA-256.
    static func newToken() -> String { tokenPrefix + random256() }

    /// The lowercase hex SHA-256 of a secret's UTF-8 bytes: what the database stores.
    static func hash(_ secret: String) -> String { SHA256Digest.hex(of: Data(secret.utf8)) }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
