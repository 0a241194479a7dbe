import CLibCrypto
import Crypto
import Foundation

/// SHA-256 (swift-crypto) and SM3 (libcrypto) digests as lowercase hex.
public enum Digests {
    public static func sha256Hex(_ data: Data) -> String { hex(Array(SHA256.hash(data: data))) }

    /// SM3 (GB/T 32905) of `data`.
    public static func sm3Hex(_ data: Data) throws -> String {
        var hasher = try SM3Hasher()
        hasher.update(data)
        return hex(try hasher.finalize())
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// An incremental SM3 digest through libcrypto (`EVP_sm3`). Not shareable between threads.
public struct SM3Hasher {
    private let context: DigestContext

    public init() throws {
        context = try DigestContext()
        guard EVP_DigestInit_ex(context.pointer, EVP_sm3(), nil) == 1 else {
            throw OpenSSLErrors.failure("OpenSSL has no SM3 digest")
        }
    }

    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return }
            _ = EVP_DigestUpdate(context.pointer, base, raw.count)
        }
    }

    /// The 32-byte digest; the hasher is used up.
    public func finalize() throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context.pointer, &digest, &length) == 1 else {
            throw OpenSSLErrors.failure("SM3 digest failed")
        }
        return Array(digest.prefix(Int(length)))
    }
}

/// An incremental SHA-256 (swift-crypto).
public struct SHA256Hasher {
    private var hasher = SHA256()

    public init() {}

    public mutating func update(_ data: Data) { hasher.update(data: data) }

    /// The digest as lowercase hex.
    public func finalizeHex() -> String { Digests.hex(Array(hasher.finalize())) }
}
