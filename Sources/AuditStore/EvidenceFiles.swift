import AuditModel
import AuditSupport
import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Content-addressed evidence: each file is copied once into `DATABASE-evidence/<sha256>` beside the database
/// (`mallaudit.sqlite-evidence/3f1c…`): a folder of the store's own, named after the database as SQLite names its
/// `-wal` and `-shm` files, never a folder the user named (the `evidence/` folder where an inspector keeps photos is
/// theirs). Stores written before kept the copies in `evidence/` beside the database: those are still read.
///
/// What may be evidence: a regular file outside the kernel's pseudo file systems (see `InputFile`: a FIFO, a device
/// such as `/dev/zero`, `/proc/self/environ` are refused by what they are), no larger than the evidence limit
/// (``defaultSizeLimit``, or `MALLAUDIT_EVIDENCE_MAX_MB`). The evidence folder is created readable by its owner only
/// (0700) and each stored file is read-only for its owner (0400).
///
/// A copy in progress is `DATABASE-evidence/.incoming-PID-START-UUID` (the copying process's id and start time): when
/// that process is killed, the next command that opens the store finds the partial copy, sees its process is gone and
/// removes it.
public enum EvidenceFiles {
    /// Read and hash in chunks of this size: memory stays bounded for any file.
    static let chunkSize = 1 << 20

    /// The largest evidence file accepted unless `MALLAUDIT_EVIDENCE_MAX_MB` says otherwise: 200 MB (a long video
    /// clip; photos and PDFs are far smaller).
    public static let defaultSizeLimit: Int64 = 200_000_000

    /// The environment variable that sets the evidence limit, in megabytes (1 MB = 1,000,000 bytes).
    public static let limitVariable = "MALLAUDIT_EVIDENCE_MAX_MB"

    /// The most megabytes `MALLAUDIT_EVIDENCE_MAX_MB` may say (100 GB).
    static let largestLimitMB: Int64 = 100_000

    /// The evidence limit in bytes: `MALLAUDIT_EVIDENCE_MAX_MB` (a whole number from 1 to 100000) or the default.
    public static func sizeLimit(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int64 {
        guard let text = environment[limitVariable] else { return defaultSizeLimit }
        guard let megabytes = Int64(text.trimmingCharacters(in: .whitespaces)), (1...largestLimitMB).contains(megabytes)
        else {
            throw StoreError(
                .evidence, "\(limitVariable)='\(text)' is not an evidence size limit",
                cause: "expected a whole number of megabytes from 1 to \(largestLimitMB)")
        }
        return megabytes * 1_000_000
    }

    /// Why `file` cannot be evidence (not a regular file, on a pseudo file system, unreadable, larger than `limit`),
    /// or nil. Never opens the file: a FIFO does not block it.
    public static func problem(_ file: URL, limit: Int64) -> InputFile.Refusal? {
        if let refusal = InputFile.refusal(file.path) { return refusal }
        var info = stat()
        if stat(file.path, &info) == 0, Int64(info.st_size) > limit { return tooLarge(limit) }
        return nil
    }

    static func tooLarge(_ limit: Int64) -> InputFile.Refusal {
        InputFile.Refusal(
            "is larger than the evidence limit of \(InputFile.sizeText(limit))",
            expected: "an evidence file of at most \(InputFile.sizeText(limit)) (\(limitVariable) sets the limit)")
    }

    /// The suffix of the evidence folder's name: the database's file name and this.
    public static let directorySuffix = "-evidence"

    /// The evidence folder of the database at `database`: `NAME-evidence/` beside it.
    public static func directory(database: URL) -> URL {
        database.deletingLastPathComponent().appendingPathComponent(
            database.lastPathComponent + directorySuffix, isDirectory: true)
    }

    /// Path of an evidence file relative to the database's folder (`folder` is the evidence folder's name).
    static func storedPath(_ sha256: String, folder: String) -> String { "\(folder)/\(sha256)" }

    /// The prefix of partial copies.
    static let incomingPrefix = ".incoming-"

    /// The name of a partial copy made by this process.
    static func incomingName() -> String {
        let owner = RunOwner.current
        return "\(incomingPrefix)\(owner.pid)-\(owner.startTicks ?? 0)-\(UUID().uuidString)"
    }

    /// Partial copies of the evidence folder whose process is gone: named by a process that no longer runs, or by
    /// an older mallaudit (`.incoming-UUID`, no process in the name) and untouched for ten minutes.
    static func abandonedIncoming(in folder: URL, now: Date = Date()) -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        let host = RunOwner.hostName()
        return names.filter { $0.hasPrefix(incomingPrefix) }.compactMap { name -> URL? in
            let url = folder.appendingPathComponent(name)
            let parts = name.dropFirst(incomingPrefix.count).split(separator: "-", maxSplits: 2)
            if parts.count == 3, let pid = Int32(parts[0]), let ticks = Int64(parts[1]) {
                let owner = RunOwner(host: host, pid: pid, bootID: nil, startTicks: ticks == 0 ? nil : ticks)
                if case .dead = owner.liveness() { return url }
                return nil
            }
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
            return now.timeIntervalSince(modified ?? now) > 600 ? url : nil
        }
    }
}

extension AuditStore {
    /// Copies `file` into the evidence folder under its SHA-256 (computed while copying, in 1 MiB chunks) and
    /// returns the reference to put in a result's `evidence`. The same bytes are stored once, whatever their
    /// names. The copy is flushed to disk and made read-only before this returns.
    ///
    /// Refused (`StoreError.evidence`, naming the file): anything but a regular file (a FIFO is refused without
    /// waiting on it), a file on a kernel pseudo file system (`/proc`, `/sys`, `/dev`), a file larger than the
    /// evidence limit (`EvidenceFiles.sizeLimit()`, checked before and while copying: a file that grows past it is
    /// refused and its partial copy removed).
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
        let limit = try EvidenceFiles.sizeLimit()
        guard fileManager.fileExists(atPath: file.path) else {
            throw StoreError(.evidence, "the evidence file does not exist", path: file.path)
        }
        let input: Int32
        do {
            input = try InputFile.open(file.path)
        } catch {
            throw StoreError(
                .evidence, "the evidence file \(error.reason)", path: file.path, cause: "expected \(error.expected)")
        }
        defer { close(input) }
        if InputFile.size(input) > limit {
            let refusal = EvidenceFiles.tooLarge(limit)
            throw StoreError(.evidence, "the evidence file \(refusal.reason)", path: file.path, cause: refusal.expected)
        }
        do {
            try fileManager.createDirectory(
                at: evidenceDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(
                .evidence, "cannot create the evidence folder", path: evidenceDirectory.path,
                cause: error.localizedDescription)
        }
        let incoming = evidenceDirectory.appendingPathComponent(EvidenceFiles.incomingName())
        defer { try? fileManager.removeItem(at: incoming) }

        let (sha256, size) = try copy(input, from: file, to: incoming, limit: limit)
        let destination = evidenceDirectory.appendingPathComponent(sha256)
        if !fileManager.fileExists(atPath: destination.path) {
            do {
                try fileManager.setAttributes([.posixPermissions: 0o400], ofItemAtPath: incoming.path)
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

    /// Where the bytes of an evidence reference are stored: the evidence folder, or for a store written before issue
    /// 13 the old `evidence/` folder beside the database when the copy is only there.
    public func evidenceURL(_ evidence: EvidenceRef) -> URL {
        let current = evidenceDirectory.appendingPathComponent(evidence.sha256)
        if FileManager.default.fileExists(atPath: current.path) { return current }
        let legacy = legacyEvidenceDirectory.appendingPathComponent(evidence.sha256)
        // Only a file named by a digest is ever read there: the folder may hold the inspector's own files too.
        if evidence.sha256.count == 64, evidence.sha256.allSatisfy(\.isHexDigit),
            FileManager.default.fileExists(atPath: legacy.path)
        {
            return legacy
        }
        return current
    }

    /// Removes the partial copies left by killed processes (see `EvidenceFiles`); returns them. Called when the store
    /// opens.
    @discardableResult
    public func removeAbandonedEvidenceCopies() -> [URL] {
        // Also the partial copies an older mallaudit left in the old `evidence/` folder (named by it, never the user).
        let abandoned = EvidenceFiles.abandonedIncoming(in: evidenceDirectory)
            + EvidenceFiles.abandonedIncoming(in: legacyEvidenceDirectory)
        return abandoned.filter { (try? FileManager.default.removeItem(at: $0)) != nil }
    }

    /// Copies the open file `input` to `destination` (created 0600) chunk by chunk, hashing as it goes; refuses it
    /// once more than `limit` bytes came; fsyncs the copy.
    private func copy(_ input: Int32, from source: URL, to destination: URL, limit: Int64) throws -> (String, Int64) {
        let outputDescriptor = open(destination.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard outputDescriptor >= 0 else {
            throw StoreError(
                .evidence, "cannot write into the evidence folder", path: destination.path,
                cause: String(cString: strerror(errno)))
        }
        let output = FileHandle(fileDescriptor: outputDescriptor, closeOnDealloc: true)
        defer { try? output.close() }
        let reader = FileHandle(fileDescriptor: input, closeOnDealloc: false)
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try reader.read(upToCount: EvidenceFiles.chunkSize), !chunk.isEmpty {
                size += Int64(chunk.count)
                if size > limit {
                    let refusal = EvidenceFiles.tooLarge(limit)
                    throw StoreError(
                        .evidence, "the evidence file \(refusal.reason) (it grew while being copied)",
                        path: source.path, cause: refusal.expected)
                }
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
            }
            try output.synchronize()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(
                .evidence, "cannot copy the evidence file", path: source.path,
                cause: error.localizedDescription)
        }
        return (SHA256Digest.hex(hasher.finalize()), size)
    }
}
