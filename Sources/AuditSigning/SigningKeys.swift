import CLibCrypto
import CLibCryptoShim
import Crypto
import Foundation

/// The signature algorithms of mallaudit's keys.
public enum SigningAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    /// SM2 (GB/T 32918.2) with SM3 (GB/T 32905), through OpenSSL 3's libcrypto. Signatures are DER
    /// `SEQUENCE { r INTEGER, s INTEGER }` over SM3(Z ‖ message), Z computed with the distinguishing ID.
    case sm2
    /// Ed25519 (RFC 8032, pure), through swift-crypto. Signatures are the 64 raw bytes.
    case ed25519

    /// The name of the signature scheme, as signature records state it: `sm2-sm3` or `ed25519`.
    public var signatureScheme: String {
        switch self {
        case .sm2: "sm2-sm3"
        case .ed25519: "ed25519"
        }
    }

    /// The algorithm whose signature scheme is `scheme`.
    public init?(signatureScheme scheme: String) {
        guard let found = SigningAlgorithm.allCases.first(where: { $0.signatureScheme == scheme }) else { return nil }
        self = found
    }
}

/// The SM2 distinguishing ID (user ID) GB/T 32918 and GM/T 0009 give as the default, `1234567812345678`. mallaudit
/// always passes it explicitly (OpenSSL's own default changed between versions) and writes it into every signature
/// record.
public let sm2DefaultDistinguishingID = "1234567812345678"

/// A private signing key (SM2 or Ed25519). SM2 signs through libcrypto; Ed25519 through swift-crypto, with
/// libcrypto only reading and writing its PKCS#8 form.
///
/// Safe to share between threads: the key is only read once made.
public final class PrivateKey: @unchecked Sendable {
    public let algorithm: SigningAlgorithm
    let key: PKey
    private let ed25519: Curve25519.Signing.PrivateKey?

    private init(key: PKey, algorithm: SigningAlgorithm) throws {
        self.key = key
        self.algorithm = algorithm
        ed25519 = algorithm == .ed25519
            ? try Curve25519.Signing.PrivateKey(rawRepresentation: key.rawPrivateKey()) : nil
    }

    /// A new random key.
    public static func generate(_ algorithm: SigningAlgorithm) throws -> PrivateKey {
        OpenSSLErrors.clear()
        switch algorithm {
        case .sm2:
            let context = try PKeyContext.forAlgorithm("SM2")
            guard EVP_PKEY_keygen_init(context.pointer) == 1 else {
                throw OpenSSLErrors.failure("cannot start SM2 key generation")
            }
            var generated: OpaquePointer?
            guard EVP_PKEY_generate(context.pointer, &generated) == 1, let generated else {
                throw OpenSSLErrors.failure("SM2 key generation failed")
            }
            return try PrivateKey(key: PKey(generated), algorithm: .sm2)
        case .ed25519:
            let fresh = Curve25519.Signing.PrivateKey()
            return try ed25519(raw: fresh.rawRepresentation)
        }
    }

    /// An Ed25519 key from its 32 raw bytes (RFC 8032 private key).
    static func ed25519(raw: Data) throws -> PrivateKey {
        let key: OpaquePointer? = raw.withUnsafeBytes { bytes in
            EVP_PKEY_new_raw_private_key(
                EVP_PKEY_ED25519, nil, bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count)
        }
        guard let key else { throw OpenSSLErrors.failure("cannot make an Ed25519 key", .malformedKey) }
        return try PrivateKey(key: PKey(key), algorithm: .ed25519)
    }

    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`, or `-----BEGIN ENCRYPTED PRIVATE KEY-----`
    /// decrypted with `passphrase`). Errors name what went wrong: not PKCS#8, passphrase missing or wrong, an
    /// algorithm other than SM2 and Ed25519. `file` only names the source in errors.
    public static func read(pem: Data, passphrase: [UInt8]?, file: String? = nil) throws -> PrivateKey {
        do {
            return try read(pem: pem, passphrase: passphrase)
        } catch let error as SigningError {
            throw error.at(file)
        }
    }

    private static func read(pem: Data, passphrase: [UInt8]?) throws -> PrivateKey {
        let text = String(decoding: pem, as: UTF8.self)
        let encrypted: Bool
        if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            encrypted = true
        } else if text.contains("-----BEGIN PRIVATE KEY-----") {
            encrypted = false
        } else {
            let label = text.firstMatch(of: /-----BEGIN ([A-Z0-9 ]+)-----/).map { "a PEM '\($0.1)'" }
            throw SigningError(
                .notPKCS8,
                "not a PKCS#8 private key: found \(label ?? "no PEM block"), expected -----BEGIN PRIVATE KEY----- "
                    + "or -----BEGIN ENCRYPTED PRIVATE KEY----- (convert with `openssl pkcs8 -topk8`)")
        }
        if encrypted, passphrase == nil {
            throw SigningError(.passphraseRequired, "the private key is encrypted: a passphrase is needed")
        }
        OpenSSLErrors.clear()
        let bio = try MemoryBIO(copying: pem)
        let loaded: OpaquePointer? =
            if let passphrase {
                passphrase.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) {
                        clibcryptoshim_read_private_key(bio.pointer, $0, buffer.count)
                    }
                }
            } else {
                clibcryptoshim_read_private_key(bio.pointer, nil, 0)
            }
        guard let loaded else {
            let (cause, reasons) = OpenSSLErrors.drainWithReasons()
            if encrypted {
                let badDecrypt = reasons.contains(clibcryptoshim_reason_bad_decrypt())
                throw SigningError(
                    .wrongPassphrase,
                    badDecrypt ? "wrong passphrase for the encrypted private key"
                        : "cannot decrypt the private key: wrong passphrase, or the key is damaged",
                    cause: cause)
            }
            throw SigningError(.malformedKey, "the PKCS#8 private key cannot be decoded", cause: cause)
        }
        let key = PKey(loaded)
        guard let algorithm = key.algorithm else {
            throw SigningError(
                .unsupportedAlgorithm, "unsupported key algorithm \(key.typeName): mallaudit signs with SM2 or Ed25519")
        }
        return try PrivateKey(key: key, algorithm: algorithm)
    }

    /// The key as PKCS#8 PEM: encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) under `passphrase`, or
    /// unencrypted when `passphrase` is nil. An empty passphrase is refused.
    public func pkcs8PEM(passphrase: [UInt8]?) throws -> Data {
        if let passphrase, passphrase.isEmpty {
            throw SigningError(.passphraseRequired, "an empty passphrase cannot protect a key")
        }
        OpenSSLErrors.clear()
        let bio = try MemoryBIO()
        let status: Int32 =
            if let passphrase {
                passphrase.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        clibcryptoshim_write_pkcs8(bio.pointer, key.pointer, $0, buffer.count)
                    }
                }
            } else {
                clibcryptoshim_write_pkcs8(bio.pointer, key.pointer, nil, 0)
            }
        guard status == 1 else { throw OpenSSLErrors.failure("cannot write the private key as PKCS#8") }
        return bio.contents
    }

    /// The public half.
    public func publicKey() throws -> PublicKey {
        try PublicKey(der: key.subjectPublicKeyInfo())
    }

    /// Signs `message`. SM2: SM3 over Z ‖ message with `distinguishingID` (default `1234567812345678`), DER
    /// signature, randomized. Ed25519: RFC 8032, deterministic.
    public func sign(_ message: Data, distinguishingID: String = sm2DefaultDistinguishingID) throws -> Data {
        switch algorithm {
        case .ed25519:
            guard let ed25519 else { throw SigningError(.openssl, "the Ed25519 key is missing") }
            return try ed25519.signature(for: message)
        case .sm2:
            OpenSSLErrors.clear()
            let context = try DigestContext()
            let keyContext = try PKeyContext.forKey(key)
            try setDistinguishingID(keyContext, distinguishingID)
            context.attach(keyContext)
            guard EVP_DigestSignInit(context.pointer, nil, EVP_sm3(), nil, key.pointer) == 1 else {
                throw OpenSSLErrors.failure("cannot start an SM2 signature")
            }
            return try message.withUnsafeBytes { raw -> Data in
                let bytes = raw.bindMemory(to: UInt8.self).baseAddress
                var length = 0
                guard EVP_DigestSign(context.pointer, nil, &length, bytes, raw.count) == 1 else {
                    throw OpenSSLErrors.failure("SM2 signing failed")
                }
                var signature = [UInt8](repeating: 0, count: length)
                guard EVP_DigestSign(context.pointer, &signature, &length, bytes, raw.count) == 1 else {
                    throw OpenSSLErrors.failure("SM2 signing failed")
                }
                return Data(signature.prefix(length))
            }
        }
    }
}

/// Sets the SM2 distinguishing ID on a key context (EVP_PKEY_CTX_set1_id).
func setDistinguishingID(_ context: PKeyContext, _ id: String) throws {
    let bytes = Array(id.utf8)
    guard !bytes.isEmpty, bytes.count <= 8191 else {
        throw SigningError(.openssl, "an SM2 distinguishing ID is 1 to 8191 bytes")
    }
    guard EVP_PKEY_CTX_set1_id(context.pointer, bytes, Int32(bytes.count)) == 1 else {
        throw OpenSSLErrors.failure("cannot set the SM2 distinguishing ID")
    }
}

/// A public key: its SubjectPublicKeyInfo DER, algorithm and fingerprint.
public struct PublicKey: Sendable, Hashable {
    public let algorithm: SigningAlgorithm
    /// The DER SubjectPublicKeyInfo (RFC 5280), as `openssl pkey -pubout -outform DER` writes it.
    public let subjectPublicKeyInfo: Data

    /// A public key from its SubjectPublicKeyInfo DER; refuses algorithms other than SM2 and Ed25519.
    public init(der: Data) throws {
        let key = try PKey.publicKey(der: der)
        guard let algorithm = key.algorithm else {
            throw SigningError(
                .unsupportedAlgorithm, "unsupported key algorithm \(key.typeName): mallaudit verifies SM2 or Ed25519")
        }
        self.algorithm = algorithm
        subjectPublicKeyInfo = der
    }

    /// A public key from PEM (`-----BEGIN PUBLIC KEY-----`).
    public init(pem: String) throws {
        guard let body = PEM.decode(pem, label: "PUBLIC KEY") else {
            throw SigningError(.malformedKey, "not a PEM public key (-----BEGIN PUBLIC KEY-----)")
        }
        try self.init(der: body)
    }

    /// The key's fingerprint and key id: lowercase hex SHA-256 of the SubjectPublicKeyInfo DER, i.e.
    /// `openssl pkey -pubin -in KEY.pem -outform DER | sha256sum`.
    public var fingerprint: String { Digests.sha256Hex(subjectPublicKeyInfo) }

    /// The key as PEM (`-----BEGIN PUBLIC KEY-----`, 64 characters a line).
    public var pem: String { PEM.encode(subjectPublicKeyInfo, label: "PUBLIC KEY") }

    /// Whether `signature` is a valid signature of `message` by this key (SM2 with `distinguishingID`). Never
    /// throws: a malformed signature is simply not valid.
    public func isValidSignature(
        _ signature: Data, for message: Data, distinguishingID: String = sm2DefaultDistinguishingID
    ) -> Bool {
        switch algorithm {
        case .ed25519:
            guard let key = try? PKey.publicKey(der: subjectPublicKeyInfo), let raw = try? key.rawPublicKey(),
                let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
            else { return false }
            return publicKey.isValidSignature(signature, for: message)
        case .sm2:
            OpenSSLErrors.clear()
            defer { OpenSSLErrors.clear() }
            guard let key = try? PKey.publicKey(der: subjectPublicKeyInfo), let context = try? DigestContext(),
                let keyContext = try? PKeyContext.forKey(key), (try? setDistinguishingID(keyContext, distinguishingID)) != nil
            else { return false }
            context.attach(keyContext)
            guard EVP_DigestVerifyInit(context.pointer, nil, EVP_sm3(), nil, key.pointer) == 1 else { return false }
            return signature.withUnsafeBytes { sig in
                message.withUnsafeBytes { msg in
                    EVP_DigestVerify(
                        context.pointer, sig.bindMemory(to: UInt8.self).baseAddress, sig.count,
                        msg.bindMemory(to: UInt8.self).baseAddress, msg.count) == 1
                }
            }
        }
    }
}

/// PEM encoding (RFC 7468): base64 in lines of 64 between `-----BEGIN LABEL-----` and `-----END LABEL-----`.
public enum PEM {
    public static func encode(_ der: Data, label: String) -> String {
        let base64 = der.base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The bytes of the first block labelled `label`, or nil.
    public static func decode(_ text: String, label: String) -> Data? {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
        else { return nil }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)), !data.isEmpty else { return nil }
        return data
    }
}
