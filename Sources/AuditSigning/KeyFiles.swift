import Foundation

/// Who holds a key: a person's name and their organisation (`王工`, `徐州市商务局`).
public struct KeyHolder: Sendable, Hashable, Codable {
    public var name: String
    public var organization: String

    public init(name: String, organization: String) {
        self.name = name
        self.organization = organization
    }
}

/// A public key file (`NAME.pub`, JSON, UTF-8), what `mallaudit keys generate` writes beside the private key and
/// what a verifier trusts (`mallaudit verify --trust`):
///
/// ```json
/// {
///   "algorithm" : "sm2",
///   "fingerprint" : "9f2c…",                       // SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex
///   "format" : "mallaudit-public-key",
///   "formatVersion" : 1,
///   "name" : "王工",
///   "notAfter" : "2027-11-18T09:00:00Z",
///   "notBefore" : "2026-11-18T09:00:00Z",
///   "organization" : "徐州市商务局",
///   "publicKey" : "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n"
/// }
/// ```
///
/// The fingerprint is also the key id of every signature the key makes. Validity bounds are inclusive, UTC,
/// ISO 8601 with seconds.
public struct PublicKeyFile: Sendable, Hashable, Codable {
    public static let formatName = "mallaudit-public-key"
    public static let currentFormatVersion = 1

    public var format: String
    public var formatVersion: Int
    public var algorithm: SigningAlgorithm
    public var name: String
    public var organization: String
    public var notBefore: String
    public var notAfter: String
    public var fingerprint: String
    public var publicKey: String

    public init(key: PublicKey, holder: KeyHolder, notBefore: Date, notAfter: Date) {
        format = Self.formatName
        formatVersion = Self.currentFormatVersion
        algorithm = key.algorithm
        name = holder.name
        organization = holder.organization
        self.notBefore = Timestamp.string(notBefore)
        self.notAfter = Timestamp.string(notAfter)
        fingerprint = key.fingerprint
        publicKey = key.pem
    }

    public var holder: KeyHolder { KeyHolder(name: name, organization: organization) }

    /// The checked contents of a public key file: the key, its validity. Throws `invalidPublicKeyFile` naming the
    /// field when the file is not consistent (fingerprint or algorithm not the key's, dates unreadable).
    public struct Checked: Sendable, Hashable {
        public var file: PublicKeyFile
        public var key: PublicKey
        public var notBefore: Date
        public var notAfter: Date

        public var fingerprint: String { key.fingerprint }
        public var holder: KeyHolder { file.holder }

        /// Whether `date` is inside the validity period (bounds included).
        public func isValid(at date: Date) -> Bool { date >= notBefore && date <= notAfter }
    }

    /// Reads and checks a public key file.
    public static func load(_ url: URL) throws -> Checked {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SigningError(.io, "cannot read the public key file", path: url.path, cause: error.localizedDescription)
        }
        return try parse(data, file: url.path)
    }

    /// Parses and checks the bytes of a public key file (`file` names it in errors).
    public static func parse(_ data: Data, file: String?) throws -> Checked {
        let decoded: PublicKeyFile
        do {
            decoded = try JSONDecoder().decode(PublicKeyFile.self, from: data)
        } catch {
            throw SigningError(
                .invalidPublicKeyFile, "not a mallaudit public key file (JSON with format, algorithm, name, "
                    + "organization, notBefore, notAfter, fingerprint, publicKey)", path: file,
                cause: "\(error)")
        }
        return try decoded.checked(file: file)
    }

    /// This file's contents, checked.
    public func checked(file: String?) throws -> Checked {
        func invalid(_ message: String) -> SigningError { SigningError(.invalidPublicKeyFile, message, path: file) }
        guard format == Self.formatName else { throw invalid("format is '\(format)', expected '\(Self.formatName)'") }
        guard formatVersion == Self.currentFormatVersion else {
            throw invalid("formatVersion \(formatVersion) is not one this mallaudit reads (1)")
        }
        let key: PublicKey
        do {
            key = try PublicKey(pem: publicKey)
        } catch let error as SigningError {
            throw error.at(file)
        }
        guard key.algorithm == algorithm else {
            throw invalid("algorithm says \(algorithm.rawValue) but the key is \(key.algorithm.rawValue)")
        }
        guard key.fingerprint == fingerprint else {
            throw invalid("fingerprint \(fingerprint) is not the key's (\(key.fingerprint))")
        }
        guard let start = Timestamp.date(notBefore) else { throw invalid("notBefore '\(notBefore)' is not a UTC time") }
        guard let end = Timestamp.date(notAfter) else { throw invalid("notAfter '\(notAfter)' is not a UTC time") }
        guard start <= end else { throw invalid("notBefore \(notBefore) is after notAfter \(notAfter)") }
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
            !organization.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { throw invalid("name and organization must not be empty") }
        return Checked(file: self, key: key, notBefore: start, notAfter: end)
    }

    /// The file's bytes: pretty-printed JSON with sorted keys.
    public func encoded() -> Data {
        (try? CanonicalJSON.pretty(self)) ?? Data()
    }

    /// The public key file that belongs to private key file `keyFile`: `inspector.key` → `inspector.pub`
    /// (any other name gets `.pub` appended).
    public static func url(forPrivateKey keyFile: URL) -> URL {
        if keyFile.pathExtension == "key" { return keyFile.deletingPathExtension().appendingPathExtension("pub") }
        return keyFile.appendingPathExtension("pub")
    }
}

/// UTC timestamps as signature records and key files write them: `2026-11-18T09:00:00Z` (seconds, no fraction).
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    /// Parses the form `string` writes (a `Z` or numeric offset is accepted; fractions are not).
    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// JSON the way mallaudit signs it: keys sorted, slashes not escaped, UTF-8 as is, so the same value always gives
/// the same bytes.
public enum CanonicalJSON {
    /// Compact (no whitespace): statements and signature records.
    public static func compact<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Pretty-printed with a final newline: files a person may read (manifest, key files, envelope).
    public static func pretty<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return try encoder.encode(value) + Data("\n".utf8)
    }
}
