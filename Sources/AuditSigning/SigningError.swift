import Foundation

/// Why a key, a passphrase or a signature operation could not be used. Thrown only when the tool cannot go on
/// (a key it cannot read, a passphrase it cannot get); a signature that does not verify is a value, not an error.
public struct SigningError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The passphrase does not decrypt the key (or the encrypted key is damaged).
        case wrongPassphrase
        /// The key is encrypted and no passphrase was given.
        case passphraseRequired
        /// The file is not a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----` or
        /// `-----BEGIN ENCRYPTED PRIVATE KEY-----`).
        case notPKCS8
        /// The key is of an algorithm mallaudit does not sign with (only SM2 and Ed25519).
        case unsupportedAlgorithm
        /// The bytes look like a key but OpenSSL cannot decode them.
        case malformedKey
        /// A public key file that is not what `mallaudit keys generate` writes.
        case invalidPublicKeyFile
        /// The private key and the public key file beside it are not a pair.
        case keyMismatch
        /// Reading or writing a key file failed.
        case io
        /// An OpenSSL operation failed unexpectedly.
        case openssl
    }

    public var code: Code
    public var message: String
    /// The file concerned, when there is one.
    public var path: String?
    /// What the layer below said (OpenSSL's error queue, the file system).
    public var cause: String?

    public init(_ code: Code, _ message: String, path: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    public var description: String {
        var text = path.map { "\($0): " } ?? ""
        text += message
        if let cause, !cause.isEmpty { text += " (\(cause))" }
        return text
    }

    /// The same error located in `path` (when it was not yet).
    func at(_ path: String?) -> SigningError {
        var located = self
        if located.path == nil { located.path = path }
        return located
    }
}
