import AuditSigning
import Foundation
import ZIPFoundation

/// Limits on what a bundle may unpack to. A zip that exceeds any of them is refused before (declared sizes) or while
/// (actual bytes) it is read, so a zip bomb costs at most these amounts of work.
public struct ZipLimits: Sendable, Hashable {
    /// Size of the zip file itself.
    public var archiveBytes: Int64 = 4 << 30
    /// Number of entries.
    public var entries: Int = 10_000
    /// Uncompressed bytes of one entry.
    public var entryBytes: Int64 = 1 << 30
    /// Uncompressed bytes of all entries together.
    public var totalBytes: Int64 = 4 << 30
    /// Largest uncompressed : compressed ratio, for entries above `ratioThreshold` bytes (text compresses ~10:1,
    /// a bomb by ~1000:1).
    public var ratio: Int64 = 200
    public var ratioThreshold: Int64 = 1 << 20
    /// Entries kept in memory for parsing (envelope, manifest, reports): larger ones are only hashed.
    public var parsedBytes: Int64 = 256 << 20

    public init() {}
}

/// One member read from a bundle: its digests, and its bytes when it is small enough to parse.
public struct ZipMember: Sendable, Hashable {
    public var path: String
    public var size: Int64
    public var sha256: String
    public var sm3: String
    /// The bytes, for members the verifier parses (`ZipLimits.parsedBytes`); nil for the others.
    public var data: Data?
}

/// A problem with the zip itself (unsafe names, links, limits, damage).
struct ZipProblem: Error {
    var code: String
    var message: String
    var member: String?
}

/// Reads a bundle's zip without ever writing a member to the file system: every entry is checked (name, type,
/// declared sizes) and then streamed through SHA-256 and SM3 with the limits enforced on the actual bytes.
enum SafeZip {
    /// The only names a bundle member may have: relative, lowercase ASCII, no `..`, no empty components.
    static func checkName(_ name: String) -> ZipProblem? {
        if name.hasPrefix("/") || name.first.map({ $0.isLetter && name.dropFirst().hasPrefix(":") }) == true {
            return ZipProblem(code: "zip-absolute-path", message: "absolute path '\(name)' in the zip", member: name)
        }
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains("..") || name.contains("\\") {
            return ZipProblem(
                code: "zip-slip", message: "path '\(name)' would climb out of the bundle (zip-slip)", member: name)
        }
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "/")
        }
        if !allowed || name.isEmpty || name.utf8.count > 255
            || components.contains(where: { $0.isEmpty || $0 == "." || $0.hasPrefix(".") })
        {
            return ZipProblem(
                code: "zip-bad-name", message: "member name '\(name.debugDescription)' is not a bundle name "
                    + "(lowercase ASCII letters, digits, '.', '-', '_' and '/')", member: name)
        }
        return nil
    }

    /// Every entry of the zip at `url`, checked and hashed; members named by `keep` keep their bytes.
    static func read(_ url: URL, limits: ZipLimits, keep: (String) -> Bool) throws(ZipProblem) -> [ZipMember] {
        let size: Int64
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            guard (attributes[.type] as? FileAttributeType) == .typeRegular else {
                throw ZipProblem(code: "zip-unreadable", message: "the bundle is not a regular file", member: nil)
            }
            size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch let problem as ZipProblem {
            throw problem
        } catch {
            throw ZipProblem(code: "zip-unreadable", message: "cannot read the bundle: \(error.localizedDescription)",
                             member: nil)
        }
        try checkSize(size, limits: limits)
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw ZipProblem(
                code: "zip-unreadable", message: "not a readable zip archive (truncated or damaged): \(error)",
                member: nil)
        }
        return try read(archive, limits: limits, keep: keep)
    }

    /// Every entry of the zip held in `data` (a bundle received over the network), checked and hashed exactly as
    /// a file's: nothing is written anywhere.
    static func read(data: Data, limits: ZipLimits, keep: (String) -> Bool) throws(ZipProblem) -> [ZipMember] {
        try checkSize(Int64(data.count), limits: limits)
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw ZipProblem(
                code: "zip-unreadable", message: "not a readable zip archive (truncated or damaged): \(error)",
                member: nil)
        }
        return try read(archive, limits: limits, keep: keep)
    }

    private static func checkSize(_ size: Int64, limits: ZipLimits) throws(ZipProblem) {
        guard size <= limits.archiveBytes else {
            throw ZipProblem(
                code: "zip-limit", message: "the bundle is \(size) bytes, over the limit of \(limits.archiveBytes)",
                member: nil)
        }
    }

    private static func read(_ archive: Archive, limits: ZipLimits, keep: (String) -> Bool) throws(ZipProblem)
        -> [ZipMember]
    {
        var members: [ZipMember] = []
        var seen: Set<String> = []
        var declaredTotal: Int64 = 0
        var actualTotal: Int64 = 0
        var count = 0
        for entry in archive {
            count += 1
            guard count <= limits.entries else {
                throw ZipProblem(
                    code: "zip-limit", message: "more than \(limits.entries) entries in the zip", member: nil)
            }
            let name = entry.path
            if let problem = checkName(name) { throw problem }
            guard entry.type == .file else {
                let what = entry.type == .symlink ? "a symbolic link" : "a directory"
                throw ZipProblem(
                    code: entry.type == .symlink ? "zip-symlink" : "zip-directory",
                    message: "member '\(name)' is \(what); a bundle holds regular files only", member: name)
            }
            guard seen.insert(name).inserted else {
                throw ZipProblem(code: "zip-duplicate", message: "member '\(name)' appears twice", member: name)
            }
            let declared = Int64(clamping: entry.uncompressedSize)
            let compressed = Int64(clamping: entry.compressedSize)
            guard declared <= limits.entryBytes else {
                throw ZipProblem(
                    code: "zip-limit", message: "member '\(name)' unpacks to \(declared) bytes, over the limit of "
                        + "\(limits.entryBytes)", member: name)
            }
            if declared > limits.ratioThreshold, declared > compressed.multipliedReportingOverflow(by: limits.ratio).0 {
                throw ZipProblem(
                    code: "zip-limit", message: "member '\(name)' would unpack \(declared) bytes from \(compressed) "
                        + "(more than \(limits.ratio):1): a zip bomb?", member: name)
            }
            declaredTotal += declared
            guard declaredTotal <= limits.totalBytes else {
                throw ZipProblem(
                    code: "zip-limit", message: "the members unpack to more than \(limits.totalBytes) bytes",
                    member: name)
            }
            let keepBytes = keep(name) && declared <= limits.parsedBytes
            var sha = SHA256Hasher()
            var sm3: SM3Hasher
            do {
                sm3 = try SM3Hasher()
            } catch {
                throw ZipProblem(code: "zip-unreadable", message: "\(error)", member: name)
            }
            var bytes = Data()
            var read: Int64 = 0
            do {
                _ = try archive.extract(entry, bufferSize: 64 << 10, skipCRC32: false) { chunk in
                    read += Int64(chunk.count)
                    // More bytes than the entry declared: the sizes lie (a bomb, or damage); stop right here.
                    guard read <= declared else { throw ZipProblem(code: "zip-limit", message: "", member: name) }
                    sha.update(chunk)
                    sm3.update(chunk)
                    if keepBytes { bytes.append(chunk) }
                }
            } catch let problem as ZipProblem {
                throw ZipProblem(
                    code: problem.code, message: "member '\(name)' unpacks to more bytes than its declared \(declared)",
                    member: name)
            } catch {
                throw ZipProblem(
                    code: "zip-damaged", message: "member '\(name)' cannot be unpacked (damaged: \(error))", member: name)
            }
            guard read == declared else {
                throw ZipProblem(
                    code: "zip-damaged", message: "member '\(name)' unpacks to \(read) bytes, not its declared "
                        + "\(declared)", member: name)
            }
            actualTotal += read
            let sm3Digest: [UInt8]
            do {
                sm3Digest = try sm3.finalize()
            } catch {
                throw ZipProblem(code: "zip-unreadable", message: "\(error)", member: name)
            }
            members.append(ZipMember(
                path: name, size: read, sha256: sha.finalizeHex(), sm3: Digests.hex(sm3Digest),
                data: keepBytes ? bytes : nil))
        }
        _ = actualTotal
        return members
    }
}
