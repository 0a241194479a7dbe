import AuditBundle
import AuditSigning
import Foundation
import Testing
import TestSupport

/// Bundles against independent implementations: securesystemslib's DSSE verifier, the openssl command line.
@Suite("Bundle interop")
struct BundleInteropTests {
    let openssl = URL(fileURLWithPath: "/usr/bin/openssl")

    /// The Python of scripts/test.sh's virtual environment (securesystemslib, gmssl); failing, never skipping.
    func python() throws -> URL {
        guard let path = ProcessInfo.processInfo.environment["MALLAUDIT_TEST_PYTHON"], !path.isEmpty else {
            throw Failure("MALLAUDIT_TEST_PYTHON is not set: run the interop tests with `bash scripts/test.sh`")
        }
        return URL(fileURLWithPath: path)
    }

    @Test("securesystemslib verifies the DSSE envelope of a countersigned Ed25519 bundle, and refuses a changed one")
    func securesystemslib() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try TestKeys.make(in: folder, inspectorAlgorithm: .ed25519)
        let (bundle, _) = try makeBundle(try sharedRun.get(), by: keys.inspector, in: folder)
        _ = try BundleCountersign.countersign(archive: bundle, identity: keys.mall, role: .mall, schema: reportSchema)
        let envelope = try #require(try zipEntries(of: bundle).first { $0.path == BundleFormat.envelopePath }?.data)
        let envelopeFile = folder.appendingPathComponent("envelope.json")
        try envelope.write(to: envelopeFile)
        let script = """
            import json, sys
            from cryptography.hazmat.primitives.serialization import load_pem_public_key
            from securesystemslib.dsse import Envelope
            from securesystemslib.signer import SSlibKey
            envelope = Envelope.from_dict(json.load(open(sys.argv[1])))
            keys = []
            for path in sys.argv[2:]:
                key = json.load(open(path))
                keys.append(SSlibKey.from_crypto(load_pem_public_key(key["publicKey"].encode()), keyid=key["fingerprint"]))
            verified = envelope.verify(keys, len(keys))
            statement = json.loads(envelope.payload)
            print(statement["_type"], statement["predicateType"], len(verified))
            """
        let pubs = [keys.inspector, keys.mall].map { PublicKeyFile.url(forPrivateKey: folder.appendingPathComponent(
            $0.holder.name + ".key")).path }
        let good = try tool(try python(), ["-c", script, envelopeFile.path] + pubs)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout == "https://in-toto.io/Statement/v1 https://mallaudit.example/bundle/v1 2\n")

        var json = try JSONSerialization.jsonObject(with: envelope) as! [String: Any]
        var payload = try #require(Data(base64Encoded: json["payload"] as! String))
        payload[payload.count / 2] ^= 1
        json["payload"] = payload.base64EncodedString()
        try JSONSerialization.data(withJSONObject: json).write(to: envelopeFile)
        let bad = try tool(try python(), ["-c", script, envelopeFile.path] + pubs)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("VerificationError") || bad.stderr.contains("verif"), "\(bad.stderr)")
    }

    @Test("mallaudit's envelope signatures verify with openssl pkeyutl over the PAE", arguments: SigningAlgorithm.allCases)
    func envelopeWithOpenSSL(algorithm: SigningAlgorithm) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try TestKeys.make(in: folder, inspectorAlgorithm: algorithm)
        let (bundle, _) = try makeBundle(try sharedRun.get(), by: keys.inspector, in: folder)
        let (envelope, _) = try statement(of: try zipEntries(of: bundle))
        let pae = DSSE.pae(type: envelope.payloadType, payload: try #require(envelope.payloadBytes))
        try pae.write(to: folder.appendingPathComponent("pae.bin"))
        try #require(envelope.signatures.first?.sigBytes).write(to: folder.appendingPathComponent("sig.bin"))
        try Data(try keys.inspector.privateKey.publicKey().pem.utf8).write(to: folder.appendingPathComponent("pub.pem"))
        var arguments = ["pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", folder.appendingPathComponent("pub.pem").path,
                         "-in", folder.appendingPathComponent("pae.bin").path,
                         "-sigfile", folder.appendingPathComponent("sig.bin").path]
        if algorithm == .sm2 { arguments += ["-digest", "sm3", "-pkeyopt", "distid:1234567812345678"] }
        let outcome = try tool(openssl, arguments)
        #expect(outcome.status == 0 && outcome.stdout.contains("Signature Verified Successfully"), "\(outcome.stderr)")
    }

    @Test("A signature made by openssl with an openssl-generated key verifies in mallaudit verify",
          arguments: ["SM2", "ED25519"])
    func opensslSignature(algorithm: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try TestKeys.make(in: folder)
        let (bundle, _) = try makeBundle(try sharedRun.get(), by: keys.inspector, in: folder)

        // The evaluator's key is made by openssl and given its public key file by `mallaudit keys import`.
        let pem = folder.appendingPathComponent("evaluator.pem")
        #expect(try tool(openssl, ["genpkey", "-algorithm", algorithm, "-out", pem.path]).status == 0)
        let imported = try tool(mallauditBinary(), [
            "keys", "import", pem.path, "--name", "赵工", "--org", "某第三方评估公司", "--output",
            folder.appendingPathComponent("evaluator.key").path, "--unencrypted",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        let evaluator = try PublicKeyFile.load(folder.appendingPathComponent("evaluator.pub"))

        // openssl signs the statement's PAE and the signature record's PAE.
        var entries = try zipEntries(of: bundle)
        var (envelope, _) = try statement(of: entries)
        let payload = try #require(envelope.payloadBytes)
        let record = SignatureRecord(
            keyid: evaluator.fingerprint, algorithm: evaluator.key.algorithm,
            signer: .init(name: "赵工", organization: "某第三方评估公司", role: .evaluator), signedAt: Date(),
            payloadType: envelope.payloadType, payload: payload)
        let recordBytes = try CanonicalJSON.compact(record)
        func opensslSign(_ message: Data, _ name: String) throws -> Data {
            let input = folder.appendingPathComponent("\(name).bin")
            let output = folder.appendingPathComponent("\(name).sig")
            try message.write(to: input)
            var arguments = ["pkeyutl", "-sign", "-rawin", "-inkey", pem.path, "-in", input.path, "-out", output.path]
            if algorithm == "SM2" { arguments += ["-digest", "sm3", "-pkeyopt", "distid:1234567812345678"] }
            let outcome = try tool(openssl, arguments)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            return try Data(contentsOf: output)
        }
        envelope.signatures.append(DSSESignature(
            keyid: evaluator.fingerprint,
            sig: try opensslSign(DSSE.pae(type: envelope.payloadType, payload: payload), "statement"),
            record: recordBytes,
            recordSig: try opensslSign(DSSE.pae(type: SignatureRecord.payloadType, payload: recordBytes), "record")))
        let index = try #require(entries.firstIndex { $0.path == BundleFormat.envelopePath })
        entries[index].data = try CanonicalJSON.pretty(envelope)
        let signed = folder.appendingPathComponent("signed.zip")
        try writeZip(entries, to: signed)

        let trust = folder.appendingPathComponent("trust", isDirectory: true)
        try FileManager.default.createDirectory(at: trust, withIntermediateDirectories: true)
        for name in ["inspector.pub", "evaluator.pub"] {
            try FileManager.default.copyItem(at: folder.appendingPathComponent(name), to: trust.appendingPathComponent(name))
        }
        let verified = try tool(mallauditBinary(), ["verify", signed.path, "--trust", trust.path])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("signed by 赵工, 某第三方评估公司 as evaluator"))
    }
}
