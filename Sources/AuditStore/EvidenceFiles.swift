import AuditModel
import AuditSupport
import Crypto
import Foundation

/// Content-addressed evidence: each file is copied once into `evidence/<sha256>` beside the database.
enum EvidenceFiles {
    /// Read and hash in chunks of this size: memory stays bounded for any file.
    static let chunkSize = 1 << 20

    /// Path of an evidence file relative to the database's folder.
    static func storedPath(_ sha256: String) -> String { "evidence/\(sha256)" }
}

extension AuditStore {
    /// Copies `file` into the evidence folder under its SHA-256 (computed while copying, in 1 MiB chunks) and
    /// returns the reference to put in a result's `evidence`. The same bytes are stored once, whatever their
    /// names. The copy is flushed to disk and made read-only before this returns.
    ///
    /// - Parameters:
    ///   - name: the file name to show in reports; defaults to the file's own name.
    ///   - collectedBy: who collected it (an inspector, or a probe's name).
    ///   - collectedAt: when, ISO 8601; defaults to now.
    ///   - description: what the file shows.
    public func importEvidence(
        _ file: URL, name: String? = nil, collectedBy: String?, collectedAt: String? = nil, description: String? = nil
    ) throws -> EvidenceRef {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: file.path, isDirectory: &isDirectory) else {
            throw StoreError(.evidence, "the evidence file does not exist", path: file.path)
        }
        guard !isDirectory.boolValue else {
            throw StoreError(.evidence, "the evidence path is a folder, not a file", path: file.path)
        }
        do {
            try fileManager.createDirectory(at: evidenceDirectory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(
                .evidence, "cannot create the evidence folder", path: evidenceDirectory.path,
                cause: error.localizedDescription)
        }
        let incoming = evidenceDirectory.appendingPathComponent(".incoming-\(UUID().uuidString)")
        defer { try? fileManager.removeItem(at: incoming) }

        let (sha256, size) = try copy(file, to: incoming)
        let destination = evidenceDirectory.appendingPathComponent(sha256)
        if !fileManager.fileExists(atPath: destination.path) {
            do {
                try fileManager.setAttributes([.posixPermissions: 0o444], ofItemAtPath: incoming.path)
                try fileManager.moveItem(at: incoming, to: destination)
            } catch {
                // Another process may have stored the same bytes in the meantime: that is the same evidence.
                if !fileManager.fileExists(atPath: destination.path) {
                    throw StoreError(
                        .evidence, "cannot store the evidence file", path: destination.path,
                        cause: error.localizedDescription)
                }
            }
        }
        return EvidenceRef(
            name: name ?? file.lastPathComponent, sha256: sha256, size: size, collectedBy: collectedBy,
            collectedAt: collectedAt ?? timestamp(), description: description)
    }

    /// Where the bytes of an evidence reference are stored.
    public func evidenceURL(_ evidence: EvidenceRef) -> URL {
        evidenceDirectory.appendingPathComponent(evidence.sha256)
    }

    /// Copies `source` to `destination` chunk by chunk, hashing as it goes; fsyncs the copy.
    private func copy(_ source: URL, to destination: URL) throws -> (String, Int64) {
        let input: FileHandle
        do {
            input = try FileHandle(forReadingFrom: source)
        } catch {
            throw StoreError(
                .evidence, "cannot read the evidence file", path: source.path,
                cause: error.localizedDescription)
        }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: destination.path, contents: nil),
            let output = FileHandle(forWritingAtPath: destination.path)
        else {
            throw StoreError(.evidence, "cannot write into the evidence folder", path: destination.path)
        }
        defer { try? output.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try input.read(upToCount: EvidenceFiles.chunkSize), !chunk.isEmpty {
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
                size += Int64(chunk.count)
            }
            try output.synchronize()
        } catch {
            throw StoreError(
                .evidence, "cannot copy the evidence file", path: source.path,
                cause: error.localizedDescription)
        }
        return (SHA256Digest.hex(hasher.finalize()), size)
    }
}
