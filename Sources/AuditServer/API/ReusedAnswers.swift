import CLibZ
import Crypto
import Foundation
import NIOCore

/// One answer kept for reuse: the JSON as sent, its gzip form (compressed once, when the answer is made), its
/// entity tag and the cursor of the next page (paged answers with more malls after them).
struct ReusedAnswer: Sendable {
    /// The JSON text.
    let body: ByteBuffer
    /// The same bytes gzip-compressed (nil when compressing failed: the plain body is sent then).
    let gzipped: ByteBuffer?
    /// The entity tag's opaque part (no quotes): the first 128 bits of the body's SHA-256, so that the same answer
    /// has the same tag on every instance and after a restart, and another answer another tag.
    let tag: String
    /// The `after` cursor of the next page; nil on the last page and on unpaged answers.
    let next: String?

    init(json: String, next: String?) {
        let bytes = Array(json.utf8)
        body = ByteBuffer(bytes: bytes)
        gzipped = Gzip.compress(bytes).map { ByteBuffer(bytes: $0) }
        tag = SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined()
        self.next = next
    }

    /// `ETag` of the plain representation.
    var etag: String { "\"\(tag)\"" }
    /// `ETag` of the gzip representation (another representation: another strong tag).
    var gzipETag: String { "\"\(tag)-gzip\"" }

    /// Whether `If-None-Match` names this answer in either representation (the weak comparison RFC 9110 asks
    /// for: `W/` is ignored), or is `*`.
    func matches(ifNoneMatch header: String) -> Bool {
        for item in header.split(separator: ",") {
            var tag = item.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag == etag || tag == gzipETag { return true }
        }
        return false
    }

    /// The bytes kept (both forms), for the cache's budget.
    var size: Int { body.readableBytes + (gzipped?.readableBytes ?? 0) }
}

/// Answers by key with the version they were made at (the malls list keyed by `answer_version`, the statistics by
/// the visible run count): at most `capacity` keys and `byteBudget` bytes (each answer's `size`), the least recently
/// used dropped first. An entry is used only at the version it was made at.
final class ReusedAnswers<Version: Equatable & Sendable, Answer: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [String: (version: Version, answer: Answer, used: UInt64)] = [:]
    private var clock: UInt64 = 0
    private var bytes = 0
    let capacity: Int
    let byteBudget: Int
    private let size: @Sendable (Answer) -> Int

    init(capacity: Int = 256, byteBudget: Int = 64 << 20, size: @escaping @Sendable (Answer) -> Int) {
        self.capacity = capacity
        self.byteBudget = byteBudget
        self.size = size
    }

    func answer(_ key: String, version: Version) -> Answer? {
        lock.withLock {
            guard let entry = answers[key], entry.version == version else { return nil }
            clock += 1
            answers[key]?.used = clock
            return entry.answer
        }
    }

    func keep(_ key: String, version: Version, answer: Answer) {
        lock.withLock {
            clock += 1
            if let old = answers[key] { bytes -= size(old.answer) }
            answers[key] = (version, answer, clock)
            bytes += size(answer)
            while answers.count > 1, answers.count > capacity || bytes > byteBudget,
                let oldest = answers.filter({ $0.key != key }).min(by: { $0.value.used < $1.value.used })
            {
                bytes -= size(oldest.value.answer)
                answers[oldest.key] = nil
            }
        }
    }
}

/// gzip (RFC 1952) through zlib.
enum Gzip {
    /// `bytes` as one gzip member; nil when zlib fails (it does not for memory it could allocate).
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
        var stream = z_stream()
        // 15 + 16: a 32 KiB window with a gzip header and trailer instead of zlib's.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    /// Whether an `Accept-Encoding` header accepts gzip: `gzip` (or `x-gzip`) with a quality above 0, or `*` with
    /// one when gzip is not named.
    static func accepted(by header: String?) -> Bool {
        guard let header else { return false }
        var gzip: Double?
        var any: Double?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            if coding == "gzip" || coding == "x-gzip" { gzip = quality } else if coding == "*" { any = quality }
        }
        return (gzip ?? any ?? 0) > 0
    }
}

/// Where a page of the malls list ends: the last mall's district (nil: none), name and credit code, which the
/// list's order (district, name, credit code) makes a unique position. Sent as `after=` in base64url (no padding)
/// of the JSON array `[district, name, creditCode]`: opaque to clients, but nothing secret (the mall is one the
/// caller saw).
struct MallsCursor: Sendable, Hashable, CustomStringConvertible {
    var district: String?
    var name: String
    var creditCode: String

    /// The cursor from the JSON array PostgreSQL built (`ReadAPI.mallsPageQuery`); kept as text.
    init(json: String) {
        let parsed = try? MallsCursor(decoding: Data(json.utf8))
        district = parsed?.district
        name = parsed?.name ?? ""
        creditCode = parsed?.creditCode ?? ""
    }

    /// The cursor a client sent back; nil when `text` is not one this API gives.
    init?(text: String) {
        guard text.count <= 2048, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let cursor = try? MallsCursor(decoding: data) else { return nil }
        self = cursor
    }

    private init(decoding data: Data) throws {
        struct NotACursor: Error {}
        guard let array = try JSONSerialization.jsonObject(with: data) as? [Any], array.count == 3,
            array[0] is NSNull || array[0] is String, let name = array[1] as? String, let code = array[2] as? String
        else { throw NotACursor() }
        district = array[0] as? String
        self.name = name
        creditCode = code
    }

    /// The cursor as a client sends it back.
    var text: String {
        let array: [Any] = [district.map { $0 as Any } ?? NSNull(), name, creditCode]
        let data = (try? JSONSerialization.data(withJSONObject: array)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The cursor's text (unambiguous: part of the reused answers' keys).
    var description: String { text }
}
