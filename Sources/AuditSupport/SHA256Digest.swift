import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, for profile digests and evidence.
public enum SHA256Digest {
    public static func hex(of data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// A finished digest as lowercase hex (for callers that hash while doing something else, such as copying).
    public static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
    }

    /// Streams the file in 1 MiB chunks: bounded memory for any size.
    public static func hex(ofFile url: URL) throws -> (digest: String, size: Int64) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (hex(hasher.finalize()), size)
    }
}
