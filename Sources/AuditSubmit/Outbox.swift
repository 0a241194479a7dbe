import AuditSupport
import Foundation

/// Bundles that could not be sent yet, kept on the inspector's machine until `mallaudit submit --pending`.
///
/// Where: `--outbox DIR`, else `$MALLAUDIT_OUTBOX`, else `$XDG_STATE_HOME/mallaudit/outbox`, else
/// `~/.local/state/mallaudit/outbox`. Each bundle is two files named by its SHA-256: `SHA.bundle` (a copy of the
/// bytes, so moving or editing the original changes nothing) and `SHA.json` (server URL, the *name* of the token
/// variable — never the token —, the original file name, when it was queued, attempts, the last error).
public struct Outbox: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// The outbox of this user, as documented above.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> Outbox {
        if let path = environment["MALLAUDIT_OUTBOX"], !path.isEmpty { return Outbox(root: URL(fileURLWithPath: path)) }
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            return Outbox(root: URL(fileURLWithPath: state).appendingPathComponent("mallaudit/outbox"))
        }
        let home = environment["HOME"].map(URL.init(fileURLWithPath:))
            ?? FileManager.default.homeDirectoryForCurrentUser
        return Outbox(root: home.appendingPathComponent(".local/state/mallaudit/outbox"))
    }

    /// What is recorded beside a queued bundle.
    public struct Entry: Sendable, Codable, Hashable {
        public var sha256: String
        public var server: String
        /// The environment variable that holds the token (its value is never written).
        public var tokenVariable: String
        public var caFile: String?
        public var originalName: String
        public var queuedAt: Date
        public var attempts: Int
        public var lastError: String
    }

    /// Queues `bytes`; queuing the same bundle again updates its entry.
    @discardableResult
    public func enqueue(
        _ bytes: Data, sha256: String, server: String, tokenVariable: String, caFile: String?, originalName: String,
        attempts: Int, error: String
    ) throws -> URL {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let bundle = root.appendingPathComponent("\(sha256).bundle")
        if !FileManager.default.fileExists(atPath: bundle.path) { try bytes.write(to: bundle, options: .atomic) }
        var entry = Entry(
            sha256: sha256, server: server, tokenVariable: tokenVariable, caFile: caFile, originalName: originalName,
            queuedAt: Date(), attempts: attempts, lastError: error)
        if let previous = try? read(sha256) {
            entry.queuedAt = previous.queuedAt
            entry.attempts += previous.attempts
        }
        try save(entry)
        return bundle
    }

    func save(_ entry: Entry) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(entry).write(to: root.appendingPathComponent("\(entry.sha256).json"), options: .atomic)
    }

    func read(_ sha256: String) throws -> Entry {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Entry.self, from: Data(contentsOf: root.appendingPathComponent("\(sha256).json")))
    }

    /// Every queued bundle, oldest first; an entry whose bundle is missing or altered is reported, not sent.
    public func entries() throws -> [(entry: Entry, problem: String?)] {
        guard FileManager.default.fileExists(atPath: root.path) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".json") }
        var result: [(Entry, String?)] = []
        for name in names {
            let sha = String(name.dropLast(5))
            guard let entry = try? read(sha) else {
                result.append(
                    (Entry(sha256: sha, server: "", tokenVariable: "", caFile: nil, originalName: name,
                           queuedAt: .distantPast, attempts: 0, lastError: ""), "\(name) is not an outbox entry"))
                continue
            }
            result.append((entry, nil))
        }
        return result.sorted { $0.0.queuedAt < $1.0.queuedAt }
    }

    /// The queued bytes, checked against their digest.
    public func bytes(of entry: Entry) throws -> Data {
        let data = try Data(contentsOf: root.appendingPathComponent("\(entry.sha256).bundle"))
        guard SHA256Digest.hex(of: data) == entry.sha256 else {
            throw SubmitError.outbox("\(entry.sha256).bundle in \(root.path) was changed since it was queued")
        }
        return data
    }

    /// Removes a bundle from the outbox (sent, or refused for good).
    public func remove(_ sha256: String) throws {
        for suffix in ["bundle", "json"] {
            let url = root.appendingPathComponent("\(sha256).\(suffix)")
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        }
    }

    /// Records a failed attempt on a queued bundle.
    public func recordAttempt(_ entry: Entry, error: String) throws {
        var entry = entry
        entry.attempts += 1
        entry.lastError = error
        try save(entry)
    }
}

/// Why submitting could not even start.
public enum SubmitError: Error, Sendable, CustomStringConvertible {
    case input(String)
    case outbox(String)

    public var description: String {
        switch self {
        case .input(let message), .outbox(let message): message
        }
    }
}
