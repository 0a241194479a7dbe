import AuditModel
import AuditSigning
import Foundation

/// The public keys a verifier trusts: one public key file, or every `*.pub` file of a folder (not its subfolders).
public struct TrustStore: Sendable {
    /// Fingerprint → the checked key file.
    public var keys: [String: PublicKeyFile.Checked]

    public init(keys: [PublicKeyFile.Checked]) {
        self.keys = Dictionary(keys.map { ($0.fingerprint, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Loads `path` (a `.pub` file or a folder of them). Throws — the verification cannot go on — when the path does
    /// not exist, when a key file is unreadable or inconsistent (naming it), or when there is no key at all.
    public static func load(_ path: URL) throws -> TrustStore {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw DiagnosticsError(Diagnostic(file: path.path, message: "no trusted keys here",
                                              expected: "a public key file (.pub) or a folder of them"))
        }
        var files: [URL] = []
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []
            files = names.filter { $0.hasSuffix(".pub") }.sorted().map { path.appendingPathComponent($0) }
        } else {
            files = [path]
        }
        guard !files.isEmpty else {
            throw DiagnosticsError(Diagnostic(file: path.path, message: "the folder holds no .pub key file",
                                              expected: "public key files written by mallaudit keys generate"))
        }
        var keys: [PublicKeyFile.Checked] = []
        for file in files {
            do {
                keys.append(try PublicKeyFile.load(file))
            } catch let error as SigningError {
                throw DiagnosticsError(Diagnostic(file: file.path, message: error.message + (error.cause.map { " (\($0))" } ?? "")))
            }
        }
        return TrustStore(keys: keys)
    }
}

/// Revoked keys: a text file with one key fingerprint (64 lowercase hex digits) a line; `#` starts a comment, blank
/// lines are ignored, anything after the fingerprint and a space is a note.
public struct RevocationList: Sendable, Hashable {
    public var fingerprints: Set<String>

    public init(fingerprints: Set<String> = []) { self.fingerprints = fingerprints }

    /// Reads a revocation file; a line that is not a fingerprint is an error at its line.
    public static func load(_ url: URL) throws -> RevocationList {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DiagnosticsError(Diagnostic(file: url.path, message: "cannot read the revocation file",
                                              expected: "a UTF-8 text file of key fingerprints"))
        }
        var fingerprints: Set<String> = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fingerprint = String(trimmed.split(separator: " ").first ?? "")
            guard fingerprint.count == 64, fingerprint.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw DiagnosticsError(Diagnostic(
                    file: url.path, line: index + 1, message: "'\(fingerprint)' is not a key fingerprint",
                    expected: "64 lowercase hex digits (mallaudit keys show prints them)"))
            }
            fingerprints.insert(fingerprint)
        }
        return RevocationList(fingerprints: fingerprints)
    }
}
