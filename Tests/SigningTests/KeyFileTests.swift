import AuditSigning
import Foundation
import Testing

@Suite("Key files")
struct KeyFileTests {
    let holder = KeyHolder(name: "王工", organization: "徐州市商务局")
    let passphrase = Array("correct horse 电池".utf8)

    @Test("generate writes an encrypted PKCS#8 key (PBES2, AES-256) with mode 0600 and a public key file",
          arguments: SigningAlgorithm.allCases)
    func generate(algorithm: SigningAlgorithm) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("inspector.key")
        let now = Date(timeIntervalSince1970: 1_790_000_000.75)
        let made = try KeyGeneration.generate(
            algorithm: algorithm, holder: holder, validDays: 30, passphrase: passphrase, output: output, now: now)
        let attributes = try FileManager.default.attributesOfItem(atPath: output.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let pem = try String(contentsOf: output, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let parsed = try tool("openssl", ["asn1parse", "-in", output.path]).stdout
        #expect(parsed.contains("PBES2") && parsed.contains("aes-256-cbc") && parsed.contains("PBKDF2"))
        // openssl reads it back with the passphrase, and refuses a wrong one.
        let env = ["KEYPASS": String(decoding: passphrase, as: UTF8.self)]
        #expect(try tool("openssl", ["pkey", "-in", output.path, "-passin", "env:KEYPASS", "-noout"], environment: env)
            .status == 0)
        #expect(try tool("openssl", ["pkey", "-in", output.path, "-passin", "pass:wrong", "-noout"]).status != 0)

        #expect(made.publicKeyFile.lastPathComponent == "inspector.pub")
        let checked = try PublicKeyFile.load(made.publicKeyFile)
        #expect(checked.file.algorithm == algorithm)
        #expect(checked.holder == holder)
        #expect(checked.file.notBefore == "2026-09-21T14:13:20Z")
        #expect(checked.file.notAfter == "2026-10-21T14:13:20Z")
        #expect(checked.isValid(at: Date(timeIntervalSince1970: 1_790_000_000)))
        #expect(checked.isValid(at: Date(timeIntervalSince1970: 1_790_000_000 + 30 * 86_400)))
        #expect(!checked.isValid(at: Date(timeIntervalSince1970: 1_790_000_000 + 30 * 86_400 + 1)))
        #expect(!checked.isValid(at: Date(timeIntervalSince1970: 1_789_999_999)))

        let identity = try SigningIdentity.load(keyFile: output, passphrase: passphrase)
        #expect(identity.fingerprint == checked.fingerprint)
        // Never overwritten.
        #expect(throws: SigningError.self) {
            try KeyGeneration.generate(
                algorithm: algorithm, holder: holder, validDays: 30, passphrase: passphrase, output: output)
        }
    }

    @Test("The passphrase errors name what went wrong")
    func passphraseErrors() throws {
        let key = try PrivateKey.generate(.sm2)
        let pem = try key.pkcs8PEM(passphrase: passphrase)
        #expect(try PrivateKey.read(pem: pem, passphrase: passphrase).publicKey() == key.publicKey())
        let wrong = #expect(throws: SigningError.self) {
            _ = try PrivateKey.read(pem: pem, passphrase: Array("not it".utf8))
        }
        #expect(wrong?.code == .wrongPassphrase)
        #expect(wrong?.message == "wrong passphrase for the encrypted private key")
        #expect(throws: SigningError(.passphraseRequired, "the private key is encrypted: a passphrase is needed",
                                     path: "k.key")) {
            _ = try PrivateKey.read(pem: pem, passphrase: nil, file: "k.key")
        }
        #expect(throws: SigningError.self) { _ = try key.pkcs8PEM(passphrase: []) }
        let plain = try key.pkcs8PEM(passphrase: nil)
        #expect(String(decoding: plain, as: UTF8.self).hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test("A key that is not PKCS#8, or not SM2/Ed25519, is refused by name")
    func refusedKeys() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let ec = folder.appendingPathComponent("ec.pem").path
        // A traditional ("SEC 1") EC key: not PKCS#8, whatever its curve.
        #expect(try tool("openssl", ["ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", ec]).status == 0)
        let error1 = #expect(throws: SigningError.self) {
            _ = try PrivateKey.read(pem: Data(contentsOf: URL(fileURLWithPath: ec)), passphrase: nil, file: ec)
        }
        #expect(error1?.code == .notPKCS8)
        #expect(error1?.description.contains("EC PRIVATE KEY") == true)
        let rsa = folder.appendingPathComponent("rsa.pem").path
        #expect(try tool("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa])
            .status == 0)
        let error2 = #expect(throws: SigningError.self) {
            _ = try PrivateKey.read(pem: Data(contentsOf: URL(fileURLWithPath: rsa)), passphrase: nil)
        }
        #expect(error2?.code == .unsupportedAlgorithm)
        #expect(error2?.description.contains("RSA") == true)
        let error3 = #expect(throws: SigningError.self) {
            _ = try PrivateKey.read(pem: Data("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8),
                                    passphrase: nil)
        }
        #expect(error3?.code == .malformedKey)
    }

    @Test("A public key file whose fingerprint, algorithm or dates do not fit its key is refused")
    func inconsistentPublicKeyFiles() throws {
        let key = try PrivateKey.generate(.ed25519).publicKey()
        let good = PublicKeyFile(key: key, holder: holder, notBefore: Date(timeIntervalSince1970: 0),
                                 notAfter: Date(timeIntervalSince1970: 86_400))
        _ = try good.checked(file: nil)
        var wrongPrint = good
        wrongPrint.fingerprint = String(repeating: "0", count: 64)
        var wrongAlgorithm = good
        wrongAlgorithm.algorithm = .sm2
        var backwards = good
        backwards.notAfter = "1969-12-31T00:00:00Z"
        var noName = good
        noName.name = " "
        for bad in [wrongPrint, wrongAlgorithm, backwards, noName] {
            let error = #expect(throws: SigningError.self) { _ = try bad.checked(file: "x.pub") }
            #expect(error?.code == .invalidPublicKeyFile)
        }
    }

    @Test("DSSE's pre-authentication encoding, as the spec's example")
    func pae() {
        #expect(DSSE.pae(type: "http://example.com/HelloWorld", payload: Data("hello world".utf8))
            == Data("DSSEv1 29 http://example.com/HelloWorld 11 hello world".utf8))
        #expect(DSSE.pae(type: "", payload: Data()) == Data("DSSEv1 0  0 ".utf8))
        #expect(Base64.decode("aGk") == Data("hi".utf8))
        #expect(Base64.decode("a!b=") == nil)
    }
}
