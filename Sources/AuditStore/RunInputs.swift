import AuditModel
import AuditSupport
import Foundation
import GRDB

/// The digests of the inputs a run was started with — the site profile, each probe file, the findings file, the
/// checklist — stored with the run (migration `v6`), so that `mallaudit run --resume` can tell when one was edited
/// in between and refuse to mix results judged from two versions of the inputs (unless told to).
public struct RunInputs: Sendable, Hashable, Codable {
    /// One input file.
    public struct File: Sendable, Hashable, Codable {
        /// `profile`, `probes`, `findings` or `checklist`.
        public var role: String
        /// The file's absolute path.
        public var path: String
        /// Lowercase hex SHA-256 of its bytes.
        public var sha256: String

        public init(role: String, path: String, sha256: String) {
            self.role = role
            self.path = path
            self.sha256 = sha256
        }
    }

    /// One difference between the inputs a run started with and today's.
    public struct Change: Sendable, Hashable, Codable, CustomStringConvertible {
        public var role: String
        public var path: String
        /// `changed`, `added` or `removed`.
        public var kind: String
        public var before: String?
        public var after: String?

        public var description: String {
            switch kind {
            case "added": "\(role) file \(path) was added since the run started"
            case "removed": "\(role) file \(path) is no longer an input (it was when the run started)"
            default:
                "\(role) file \(path) changed since the run started (sha256 \((before ?? "").prefix(12))… → "
                    + "\((after ?? "").prefix(12))…)"
            }
        }
    }

    /// A resume told to go on with changed inputs (`--accept-changed-inputs`), as recorded with the run.
    public struct Acceptance: Sendable, Hashable, Codable {
        /// When, ISO 8601 UTC.
        public var at: String
        public var changes: [Change]
    }

    public var files: [File]

    public init(files: [File]) { self.files = files }

    /// The inputs: each `(role, file)` digested as it is now.
    public static func digest(_ inputs: [(role: String, url: URL)]) throws -> RunInputs {
        RunInputs(
            files: try inputs.map { input in
                let path = input.url.standardizedFileURL.path
                do {
                    return File(role: input.role, path: path, sha256: try SHA256Digest.hex(ofFile: input.url).0)
                } catch {
                    throw DiagnosticsError(
                        Diagnostic(file: path, message: "cannot read the \(input.role) file: \(error)"))
                }
            })
    }

    /// What differs from `earlier` (the inputs the run started with), in the order of the files.
    public func changes(since earlier: RunInputs) -> [Change] {
        func key(_ file: File) -> String { "\(file.role)\u{0}\(file.path)" }
        let before = Dictionary(earlier.files.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let now = Dictionary(files.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        var found: [Change] = []
        for file in earlier.files {
            if let current = now[key(file)] {
                if current.sha256 != file.sha256 {
                    found.append(
                        Change(role: file.role, path: file.path, kind: "changed", before: file.sha256,
                               after: current.sha256))
                }
            } else {
                found.append(Change(role: file.role, path: file.path, kind: "removed", before: file.sha256))
            }
        }
        for file in files where before[key(file)] == nil {
            found.append(Change(role: file.role, path: file.path, kind: "added", after: file.sha256))
        }
        return found
    }
}

extension AuditStore {
    /// The inputs run `run` was started with (nil for runs stored before `v6`).
    public func inputs(run: Int64) throws -> RunInputs? {
        try read { db in
            _ = try Self.fetchStatus(db, run)
            guard let text = try String.fetchOne(db, sql: "SELECT inputs FROM runs WHERE id = ?", arguments: [run])
            else { return nil }
            return try? JSONDecoder().decode(RunInputs.self, from: Data(text.utf8))
        }
    }

    /// Stores `inputs` as the inputs of `run` (when it starts, or when a resume accepted changed ones).
    public func setInputs(_ inputs: RunInputs, run: Int64) throws {
        let text = String(decoding: try JSONEncoder.sorted.encode(inputs), as: UTF8.self)
        try write { db in
            _ = try Self.fetchStatus(db, run)
            try db.execute(sql: "UPDATE runs SET inputs = ? WHERE id = ?", arguments: [text, run])
        }
    }

    /// Records that a resume of `run` was told to go on with `changes` (`--accept-changed-inputs`), and makes
    /// `inputs` the run's inputs from now on.
    public func acceptChangedInputs(_ changes: [RunInputs.Change], inputs: RunInputs, run: Int64) throws {
        var accepted = try acceptedInputChanges(run: run)
        accepted.append(RunInputs.Acceptance(at: timestamp(), changes: changes))
        let text = String(decoding: try JSONEncoder.sorted.encode(accepted), as: UTF8.self)
        try write { db in
            try db.execute(sql: "UPDATE runs SET accepted_input_changes = ? WHERE id = ?", arguments: [text, run])
        }
        try setInputs(inputs, run: run)
    }

    /// Every time a resume of `run` was told to go on with changed inputs, oldest first.
    public func acceptedInputChanges(run: Int64) throws -> [RunInputs.Acceptance] {
        try read { db in
            _ = try Self.fetchStatus(db, run)
            guard
                let text = try String.fetchOne(
                    db, sql: "SELECT accepted_input_changes FROM runs WHERE id = ?", arguments: [run])
            else { return [] }
            return (try? JSONDecoder().decode([RunInputs.Acceptance].self, from: Data(text.utf8))) ?? []
        }
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys (stable stored JSON).
    fileprivate static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
