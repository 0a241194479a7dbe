import AuditSupport
import Foundation

/// Accepted bundles, kept unchanged as files named by their SHA-256: `STORE/ab/abcdef…` (the first two hex digits
/// as a folder, so no folder holds more than a few thousand files).
///
/// Writing is idempotent and safe for several instances sharing the folder: a bundle is written to a temporary
/// file in `STORE/.incoming`, flushed, then renamed into place; the same bytes always land on the same name.
/// Reading checks the digest again, so a file changed on disk is never served as the original.
public struct BundleStore: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// The file a bundle with this digest is kept in.
    public func url(for sha256: String) -> URL {
        root.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    /// Keeps `bytes` under `sha256` (their digest, computed by the caller). Nothing happens when it is there.
    public func keep(_ bytes: Data, sha256: String) throws {
        let target = url(for: sha256)
        let manager = FileManager.default
        if manager.fileExists(atPath: target.path) { return }
        do {
            let incoming = root.appendingPathComponent(".incoming")
            try manager.createDirectory(at: incoming, withIntermediateDirectories: true)
            try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = incoming.appendingPathComponent("\(sha256).\(UUID().uuidString)")
            guard manager.createFile(atPath: temporary.path, contents: nil) else {
                throw ServerError.file("cannot create \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try handle.write(contentsOf: bytes)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                try? manager.removeItem(at: temporary)
                throw error
            }
            // rename(2) replaces atomically; another instance writing the same bundle writes the same bytes.
            if rename(temporary.path, target.path) != 0 {
                let code = errno
                try? manager.removeItem(at: temporary)
                throw ServerError.file("cannot move the bundle into \(target.path): \(String(cString: strerror(code)))")
            }
        } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError.file("cannot keep bundle \(sha256) in \(root.path): \(error.localizedDescription)")
        }
    }

    /// The bundle's bytes, after checking they still have the digest they are named by.
    public func read(_ sha256: String) throws -> Data {
        let source = url(for: sha256)
        let bytes: Data
        do {
            bytes = try Data(contentsOf: source)
        } catch {
            throw ServerError.file("bundle \(sha256) is missing from the store (\(source.path))")
        }
        guard SHA256Digest.hex(of: bytes) == sha256 else {
            throw ServerError.file("bundle \(sha256) in the store no longer has that digest: the file was changed")
        }
        return bytes
    }

    /// Every digest in the store (for backups).
    public func digests() throws -> [String] {
        let manager = FileManager.default
        guard manager.fileExists(atPath: root.path) else { return [] }
        var result: [String] = []
        for folder in try manager.contentsOfDirectory(atPath: root.path) where folder.count == 2 {
            let path = root.appendingPathComponent(folder).path
            for name in try manager.contentsOfDirectory(atPath: path)
            where name.count == 64 && name.hasPrefix(folder) {
                result.append(name)
            }
        }
        return result.sorted()
    }
}
