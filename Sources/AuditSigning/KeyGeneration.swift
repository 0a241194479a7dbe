import Foundation

/// What `mallaudit keys generate` and `mallaudit keys import` wrote.
public struct GeneratedKey: Sendable {
    public var privateKeyFile: URL
    public var publicKeyFile: URL
    public var publicKey: PublicKeyFile
    public var encrypted: Bool
}

/// A private key together with its public key file: what signs a bundle, and who it says the signer is.
public struct SigningIdentity: Sendable {
    public var privateKey: PrivateKey
    public var publicKeyFile: PublicKeyFile.Checked

    public var holder: KeyHolder { publicKeyFile.holder }
    public var fingerprint: String { publicKeyFile.fingerprint }
    public var algorithm: SigningAlgorithm { privateKey.algorithm }

    public init(privateKey: PrivateKey, publicKeyFile: PublicKeyFile.Checked) throws {
        guard try privateKey.publicKey() == publicKeyFile.key else {
            throw SigningError(
                .keyMismatch, "the public key file \(publicKeyFile.fingerprint.prefix(16))… is not the private key's")
        }
        self.privateKey = privateKey
        self.publicKeyFile = publicKeyFile
    }

    /// Loads `keyFile` (PKCS#8 PEM, decrypted with `passphrase` when encrypted) and the public key file beside it
    /// (`PublicKeyFile.url(forPrivateKey:)`), and checks that they are a pair.
    public static func load(keyFile: URL, passphrase: [UInt8]?) throws -> SigningIdentity {
        let pem: Data
        do {
            pem = try Data(contentsOf: keyFile)
        } catch {
            throw SigningError(.io, "cannot read the private key", path: keyFile.path, cause: error.localizedDescription)
        }
        let privateKey = try PrivateKey.read(pem: pem, passphrase: passphrase, file: keyFile.path)
        let publicURL = PublicKeyFile.url(forPrivateKey: keyFile)
        guard FileManager.default.fileExists(atPath: publicURL.path) else {
            throw SigningError(
                .io, "the public key file beside the private key is missing (mallaudit keys generate writes both)",
                path: publicURL.path)
        }
        let publicKeyFile = try PublicKeyFile.load(publicURL)
        do {
            return try SigningIdentity(privateKey: privateKey, publicKeyFile: publicKeyFile)
        } catch let error as SigningError {
            throw error.at(publicURL.path)
        }
    }

    /// Whether `path` holds an encrypted PKCS#8 key (so that a caller knows to ask for a passphrase).
    public static func isEncrypted(keyFile: URL) -> Bool {
        guard let data = try? Data(contentsOf: keyFile) else { return false }
        return String(decoding: data, as: UTF8.self).contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    }
}

/// Making keys: `mallaudit keys generate` and `mallaudit keys import`.
public enum KeyGeneration {
    /// Longest validity `--valid-days` accepts (10 years).
    public static let maximumValidDays = 3653

    /// Generates a key of `algorithm` for `holder`, valid from `now` for `validDays` days, and writes the private
    /// key to `output` (PKCS#8 PEM, mode 0600, encrypted under `passphrase`; unencrypted only when `passphrase` is
    /// nil) and the public key file beside it. Refuses to overwrite either file.
    public static func generate(
        algorithm: SigningAlgorithm, holder: KeyHolder, validDays: Int, passphrase: [UInt8]?, output: URL,
        now: Date = Date()
    ) throws -> GeneratedKey {
        try write(
            PrivateKey.generate(algorithm), holder: holder, validDays: validDays, passphrase: passphrase,
            output: output, now: now)
    }

    /// Takes an existing PKCS#8 key (`openssl genpkey -algorithm SM2|ed25519`), decrypted with
    /// `sourcePassphrase` when encrypted, and writes it with its public key file like `generate`.
    public static func importKey(
        from source: URL, sourcePassphrase: [UInt8]?, holder: KeyHolder, validDays: Int, passphrase: [UInt8]?,
        output: URL, now: Date = Date()
    ) throws -> GeneratedKey {
        let pem: Data
        do {
            pem = try Data(contentsOf: source)
        } catch {
            throw SigningError(.io, "cannot read the key to import", path: source.path, cause: error.localizedDescription)
        }
        let key = try PrivateKey.read(pem: pem, passphrase: sourcePassphrase, file: source.path)
        return try write(key, holder: holder, validDays: validDays, passphrase: passphrase, output: output, now: now)
    }

    private static func write(
        _ key: PrivateKey, holder: KeyHolder, validDays: Int, passphrase: [UInt8]?, output: URL, now: Date
    ) throws -> GeneratedKey {
        guard (1...maximumValidDays).contains(validDays) else {
            throw SigningError(.io, "--valid-days must be 1 to \(maximumValidDays), not \(validDays)")
        }
        let name = holder.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let organization = holder.organization.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, !organization.isEmpty else {
            throw SigningError(.io, "a key needs the holder's name and organisation (--name, --org)")
        }
        let publicURL = PublicKeyFile.url(forPrivateKey: output)
        for url in [output, publicURL] where FileManager.default.fileExists(atPath: url.path) {
            throw SigningError(.io, "refusing to overwrite an existing file", path: url.path)
        }
        let start = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let end = start.addingTimeInterval(Double(validDays) * 86_400)
        let publicFile = PublicKeyFile(
            key: try key.publicKey(), holder: KeyHolder(name: name, organization: organization), notBefore: start,
            notAfter: end)
        let pem = try key.pkcs8PEM(passphrase: passphrase)
        try SecureFile.create(output, contents: pem, mode: 0o600)
        do {
            try SecureFile.create(publicURL, contents: publicFile.encoded(), mode: 0o644)
        } catch {
            try? FileManager.default.removeItem(at: output)
            throw error
        }
        return GeneratedKey(
            privateKeyFile: output, publicKeyFile: publicURL, publicKey: publicFile, encrypted: passphrase != nil)
    }
}

/// Files created with their final mode from the start (a private key is never readable by others, even briefly),
/// refusing to replace an existing file, flushed to disk.
enum SecureFile {
    static func create(_ url: URL, contents: Data, mode: mode_t) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw SigningError(.io, "cannot create the file", path: url.path, cause: String(cString: strerror(errno)))
        }
        var failure: Int32 = 0
        contents.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0, fchmod(descriptor, mode) != 0 { failure = errno }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure != 0 {
            unlink(url.path)
            throw SigningError(.io, "cannot write the file", path: url.path, cause: String(cString: strerror(failure)))
        }
    }
}

extension SigningIdentity {
    /// Loads `keyFile` and its public key file, asking for the passphrase only when the key is encrypted: from the
    /// environment variable `passphraseVariable` when named, else on the terminal.
    public static func open(
        keyFile: URL, passphraseVariable: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SigningIdentity {
        let passphrase =
            isEncrypted(keyFile: keyFile)
            ? try Passphrase.obtain(
                variable: passphraseVariable, environment: environment,
                prompt: "passphrase for \(keyFile.lastPathComponent): ")
            : nil
        return try load(keyFile: keyFile, passphrase: passphrase)
    }
}

/// What `mallaudit keys show` prints about a key file.
public enum KeyDescription {
    /// The public key file of `file` (a `.pub` file, or the private key whose `.pub` is beside it) as lines of text;
    /// for a private key also whether it is encrypted.
    public static func describe(_ file: URL, now: Date = Date()) throws -> String {
        let isPublic = file.pathExtension == "pub"
        let publicURL = isPublic ? file : PublicKeyFile.url(forPrivateKey: file)
        let key = try PublicKeyFile.load(publicURL)
        var lines = [
            "name:         \(key.file.name)",
            "organization: \(key.file.organization)",
            "algorithm:    \(key.file.algorithm.rawValue) (signatures \(key.file.algorithm.signatureScheme)"
                + (key.file.algorithm == .sm2 ? ", distinguishing ID \(sm2DefaultDistinguishingID))" : ")"),
            "fingerprint:  \(key.fingerprint)",
            "valid:        \(key.file.notBefore) to \(key.file.notAfter)"
                + (key.isValid(at: now) ? "" : " (NOT valid now)"),
            "public key:   \(publicURL.path)",
        ]
        if !isPublic {
            lines.append("private key:  \(file.path) (\(SigningIdentity.isEncrypted(keyFile: file) ? "encrypted" : "NOT encrypted"))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
