import CLibCrypto
import CLibCryptoShim
import Foundation

// Owners of OpenSSL handles. Each frees its handle in `deinit`. A context (`PKeyContext`, `DigestContext`, `MemoryBIO`)
// is created, used and freed inside one call and must not cross threads; a `PKey` is only read once made, which
// OpenSSL 3 allows from several threads at once (every operation makes its own context).

/// OpenSSL's error queue, drained into one line (`error:…:reason` entries joined by `; `), and cleared.
enum OpenSSLErrors {
    /// The queue as text and the reason code of each entry; the queue is empty afterwards.
    static func drainWithReasons() -> (text: String, reasons: [Int32]) {
        var lines: [String] = []
        var reasons: [Int32] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            lines.append(cString(buffer))
            reasons.append(clibcryptoshim_err_reason(code))
        }
        return (lines.joined(separator: "; "), reasons)
    }

    static func drain() -> String { drainWithReasons().text }

    static func clear() { ERR_clear_error() }

    static func failure(_ what: String, _ code: SigningError.Code = .openssl) -> SigningError {
        SigningError(code, what, cause: drain())
    }
}

/// An `EVP_PKEY` (a private key with its public half, or a public key alone).
final class PKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// The algorithm, when it is one mallaudit signs with. OpenSSL 3 decodes an EC key on the SM2 curve as an SM2
    /// key; an `EC` key whose group is SM2 is taken as SM2 too.
    var algorithm: SigningAlgorithm? {
        if EVP_PKEY_is_a(pointer, "SM2") == 1 { return .sm2 }
        if EVP_PKEY_is_a(pointer, "ED25519") == 1 { return .ed25519 }
        if EVP_PKEY_is_a(pointer, "EC") == 1 {
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            if EVP_PKEY_get_group_name(pointer, &name, name.count, &length) == 1, cString(name) == "SM2" {
                return .sm2
            }
        }
        return nil
    }

    /// A short name of any key type, for "unsupported algorithm" messages.
    var typeName: String {
        if let name = EVP_PKEY_get0_type_name(pointer) { return String(cString: name) }
        return "unknown (\(EVP_PKEY_get_base_id(pointer)))"
    }

    /// The SubjectPublicKeyInfo DER of the key's public half.
    func subjectPublicKeyInfo() throws -> Data {
        let length = i2d_PUBKEY(pointer, nil)
        guard length > 0 else { throw OpenSSLErrors.failure("cannot encode the public key") }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_PUBKEY(pointer, &cursor)
        }
        guard written == length else { throw OpenSSLErrors.failure("cannot encode the public key") }
        return Data(bytes)
    }

    /// A public key from SubjectPublicKeyInfo DER.
    static func publicKey(der: Data) throws -> PKey {
        OpenSSLErrors.clear()
        let key: OpaquePointer? = der.withUnsafeBytes { raw in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress, raw.count < Int(Int32.max) else {
                return nil
            }
            var cursor: UnsafePointer<UInt8>? = base
            let decoded = d2i_PUBKEY(nil, &cursor, raw.count)
            // Trailing bytes after the DER structure are refused: a public key has one encoding.
            if let decoded, let cursor, cursor != base + raw.count {
                EVP_PKEY_free(decoded)
                return nil
            }
            return decoded
        }
        guard let key else { throw OpenSSLErrors.failure("not a SubjectPublicKeyInfo public key", .malformedKey) }
        return PKey(key)
    }

    /// The raw 32-byte private key of an Ed25519 key.
    func rawPrivateKey() throws -> Data {
        var length = 0
        guard EVP_PKEY_get_raw_private_key(pointer, nil, &length) == 1, length > 0 else {
            throw OpenSSLErrors.failure("cannot read the raw private key")
        }
        var bytes = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_raw_private_key(pointer, &bytes, &length) == 1 else {
            throw OpenSSLErrors.failure("cannot read the raw private key")
        }
        return Data(bytes.prefix(length))
    }

    /// The raw 32-byte public key of an Ed25519 key.
    func rawPublicKey() throws -> Data {
        var length = 0
        guard EVP_PKEY_get_raw_public_key(pointer, nil, &length) == 1, length > 0 else {
            throw OpenSSLErrors.failure("cannot read the raw public key")
        }
        var bytes = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_raw_public_key(pointer, &bytes, &length) == 1 else {
            throw OpenSSLErrors.failure("cannot read the raw public key")
        }
        return Data(bytes.prefix(length))
    }
}

/// An `EVP_PKEY_CTX`.
final class PKeyContext {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_CTX_free(pointer) }

    static func forKey(_ key: PKey) throws -> PKeyContext {
        guard let context = EVP_PKEY_CTX_new(key.pointer, nil) else {
            throw OpenSSLErrors.failure("cannot create a key context")
        }
        return PKeyContext(context)
    }

    static func forAlgorithm(_ name: String) throws -> PKeyContext {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, name, nil) else {
            throw OpenSSLErrors.failure("OpenSSL has no \(name) key generator", .unsupportedAlgorithm)
        }
        return PKeyContext(context)
    }
}

/// An `EVP_MD_CTX`, holding the key context it signs or verifies with (`EVP_MD_CTX_set_pkey_ctx` does not take
/// ownership of it, so this keeps it alive as long as the digest context).
final class DigestContext {
    let pointer: OpaquePointer
    private var keyContext: PKeyContext?

    init() throws {
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLErrors.failure("cannot create a digest context") }
        pointer = context
    }

    deinit { EVP_MD_CTX_free(pointer) }

    func attach(_ keyContext: PKeyContext) {
        EVP_MD_CTX_set_pkey_ctx(pointer, keyContext.pointer)
        self.keyContext = keyContext
    }
}

/// A memory `BIO`.
final class MemoryBIO {
    let pointer: OpaquePointer

    /// An empty BIO to write into.
    init() throws {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLErrors.failure("cannot create a memory BIO") }
        pointer = bio
    }

    /// A BIO reading a copy of `data`.
    init(copying data: Data) throws {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLErrors.failure("cannot create a memory BIO") }
        pointer = bio
        let written = data.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress, raw.count > 0 else { return 0 }
            return BIO_write(bio, base, Int32(raw.count))
        }
        guard written == Int32(data.count) else { throw OpenSSLErrors.failure("cannot fill a memory BIO") }
    }

    deinit { BIO_free(pointer) }

    /// Everything written so far.
    var contents: Data {
        var base: UnsafeMutablePointer<CChar>?
        let length = clibcryptoshim_bio_mem_data(pointer, &base)
        guard let base, length > 0 else { return Data() }
        return Data(bytes: base, count: length)
    }
}

/// The text of a NUL-terminated C buffer.
func cString(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
