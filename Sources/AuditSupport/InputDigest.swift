import Crypto
import Foundation

/// Digests of a measured check's inputs (an export file, or a folder of logs), stored with its results so that a
/// signed bundle can name exactly what was measured without carrying the data itself.
public enum InputDigest {
    /// The observation name under which results carry an input's digest.
    public static let observationName = "inputSHA256"

    /// `<sha256>  <path>` for a file; for a folder `<digest>  <path>/`, where the digest is the SHA-256 of the
    /// `sha256sum` lines (`<sha256>  <relative path>\n`) of every regular file below it, sorted by relative path
    /// (bytewise) — i.e. `cd DIR && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum |
    /// sha256sum`. Nil when the path cannot be read.
    public static func observationValue(_ path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if !isDirectory.boolValue {
            guard let (digest, _) = try? SHA256Digest.hex(ofFile: url) else { return nil }
            return "\(digest)  \(path)"
        }
        guard let digest = folderDigest(url) else { return nil }
        return "\(digest)  \(path.hasSuffix("/") ? path : path + "/")"
    }

    /// Splits an observation value back into digest and path; nil when it is not of that form.
    public static func parse(_ value: String) -> (sha256: String, path: String)? {
        guard let separator = value.range(of: "  ") else { return nil }
        let digest = String(value[..<separator.lowerBound])
        let path = String(value[separator.upperBound...])
        guard digest.count == 64, digest.allSatisfy({ $0.isHexDigit && !$0.isUppercase }), !path.isEmpty else {
            return nil
        }
        return (digest, path)
    }

    static func folderDigest(_ folder: URL) -> String? {
        let base = folder.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(
            at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [])
        else { return nil }
        var files: [(relative: String, url: URL)] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(base + "/") else { continue }
            files.append((String(full.dropFirst(base.count + 1)), url))
        }
        files.sort { Array($0.relative.utf8).lexicographicallyPrecedes(Array($1.relative.utf8)) }
        var listing = SHA256()
        for file in files {
            guard let (digest, _) = try? SHA256Digest.hex(ofFile: file.url) else { return nil }
            listing.update(data: Data("\(digest)  \(file.relative)\n".utf8))
        }
        return SHA256Digest.hex(listing.finalize())
    }
}
