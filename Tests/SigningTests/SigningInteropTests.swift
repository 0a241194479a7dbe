import AuditSigning
import Foundation
import Testing
import TestSupport

/// Keys and signatures against independent implementations: OpenSSL's command line and gmssl (pure Python SM2).
@Suite("Signing interop")
struct SigningInteropTests {
    let message = Data("DSSEv1 28 application/vnd.in-toto+json 13 {\"a\":\"商场\"}".utf8)

    @Test("An SM2 signature by mallaudit verifies with openssl pkeyutl -digest sm3 and the explicit distid")
    func sm2VerifiesWithOpenSSL() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try PrivateKey.generate(.sm2)
        let signature = try key.sign(message)
        try Data(try key.publicKey().pem.utf8).write(to: folder.appendingPathComponent("pub.pem"))
        try message.write(to: folder.appendingPathComponent("msg"))
        try signature.write(to: folder.appendingPathComponent("sig"))
        func verify(_ file: String, distid: String = "1234567812345678") throws -> ProcessOutcome {
            try tool("openssl", [
                "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:\(distid)", "-pubin",
                "-inkey", folder.appendingPathComponent("pub.pem").path, "-in", folder.appendingPathComponent(file).path,
                "-sigfile", folder.appendingPathComponent("sig").path,
            ])
        }
        let good = try verify("msg")
        #expect(good.status == 0 && good.stdout.contains("Signature Verified Successfully"), "\(good.stderr)")
        // The same signature over another message, or with another ID, does not verify.
        var other = message
        other[0] ^= 1
        try other.write(to: folder.appendingPathComponent("other"))
        #expect(try verify("other").status != 0)
        #expect(try verify("msg", distid: "1234567812345679").status != 0)
    }

    @Test("An SM2 signature by mallaudit verifies with gmssl (pure Python SM2, ID 1234567812345678)")
    func sm2VerifiesWithGmSSL() throws {
        let python = try testPython()
        let key = try PrivateKey.generate(.sm2)
        let signature = try key.sign(message)
        let point = try uncompressedPoint(key.publicKey())
        let script = """
            import sys
            from gmssl import sm2
            point, signature, message = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
            crypt = sm2.CryptSM2(private_key=None, public_key=point, asn1=True)
            crypt.public_key = point  # gmssl's own prefix stripping (lstrip("04")) can eat the x coordinate
            print("valid" if crypt.verify_with_sm3(signature, message) else "invalid")
            """
        let hex = { (data: Data) in data.map { String(format: "%02x", $0) }.joined() }
        let good = try tool(python, ["-c", script, point, hex(signature), hex(message)])
        #expect(good.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "valid", "\(good.stderr)")
        var other = message
        other[other.count - 1] ^= 1
        let bad = try tool(python, ["-c", script, point, hex(signature), hex(other)])
        #expect(bad.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "invalid", "\(bad.stderr)")
    }

    @Test("An Ed25519 signature by mallaudit verifies with openssl pkeyutl -verify -rawin")
    func ed25519VerifiesWithOpenSSL() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try PrivateKey.generate(.ed25519)
        try Data(try key.publicKey().pem.utf8).write(to: folder.appendingPathComponent("pub.pem"))
        try message.write(to: folder.appendingPathComponent("msg"))
        try key.sign(message).write(to: folder.appendingPathComponent("sig"))
        let outcome = try tool("openssl", [
            "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", folder.appendingPathComponent("pub.pem").path,
            "-in", folder.appendingPathComponent("msg").path, "-sigfile", folder.appendingPathComponent("sig").path,
        ])
        #expect(outcome.status == 0 && outcome.stdout.contains("Signature Verified Successfully"), "\(outcome.stderr)")
        // Ed25519 is deterministic: the same key signs the same bytes the same way.
        #expect(try key.sign(message) == key.sign(message))
    }

    @Test("Keys and signatures made by openssl are read and verified by mallaudit", arguments: ["SM2", "ED25519"])
    func opensslKeysAndSignatures(algorithm: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = folder.appendingPathComponent("key.pem").path
        #expect(try tool("openssl", ["genpkey", "-algorithm", algorithm, "-out", keyFile]).status == 0)
        try message.write(to: folder.appendingPathComponent("msg"))
        var sign = ["pkeyutl", "-sign", "-rawin", "-inkey", keyFile, "-in", folder.appendingPathComponent("msg").path,
                    "-out", folder.appendingPathComponent("sig").path]
        if algorithm == "SM2" { sign += ["-digest", "sm3", "-pkeyopt", "distid:1234567812345678"] }
        let signed = try tool("openssl", sign)
        #expect(signed.status == 0, "\(signed.stderr)")
        let key = try PrivateKey.read(pem: Data(contentsOf: URL(fileURLWithPath: keyFile)), passphrase: nil)
        #expect(key.algorithm == (algorithm == "SM2" ? .sm2 : .ed25519))
        let signature = try Data(contentsOf: folder.appendingPathComponent("sig"))
        let publicKey = try key.publicKey()
        #expect(publicKey.isValidSignature(signature, for: message))
        var other = message
        other[3] ^= 0x20
        #expect(!publicKey.isValidSignature(signature, for: other))
        // And the fingerprint is SHA-256 over the DER SubjectPublicKeyInfo openssl writes.
        let der = folder.appendingPathComponent("pub.der").path
        #expect(try tool("openssl", ["pkey", "-in", keyFile, "-pubout", "-outform", "DER", "-out", der]).status == 0)
        let sum = try tool("sha256sum", [der]).stdout.split(separator: " ").first.map(String.init)
        #expect(publicKey.fingerprint == sum)
    }

    @Test("SM3 digests match openssl dgst -sm3 and the GB/T 32905 example")
    func sm3() throws {
        #expect(try Digests.sm3Hex(Data("abc".utf8))
            == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let file = folder.appendingPathComponent("data")
        try data.write(to: file)
        let out = try tool("openssl", ["dgst", "-sm3", "-r", file.path]).stdout
        #expect(out.hasPrefix(try Digests.sm3Hex(data)))
        #expect(Digests.sha256Hex(Data("abc".utf8))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// `04 ‖ x ‖ y` of an SM2 public key without the 04, as hex (the last 64 bytes of its SubjectPublicKeyInfo).
    func uncompressedPoint(_ key: PublicKey) -> String {
        key.subjectPublicKeyInfo.suffix(64).map { String(format: "%02x", $0) }.joined()
    }
}
