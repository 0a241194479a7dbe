import AuditModel
import AuditSupport
import Crypto
import Foundation

/// A stand-in for the real bundle verifier (issue 17) over a small signed JSON format, `mallaudit-test-bundle/1`,
/// so that ingest, its refusals and everything after it can be built and tested before the real bundle lands.
/// Selected only by `bundles.format: test-json` in server.yaml, and announced in the log at start. docs/server.md
/// specifies the format.
///
/// It is a real verifier of its own small format: Ed25519 signatures (swift-crypto) checked against the keys in
/// the trusted-keys folder, the summary and conformance recomputed from the statement verdicts, every statement
/// verdict the worst of its checkpoints. What it cannot check (zip members, reports, evidence files) the format
/// does not have.
public struct TestBundleVerifier: BundleVerifying {
    public static let format = "mallaudit-test-bundle/1"
    /// The first word of a public key file.
    public static let keyFileMagic = "mallaudit-test-key"

    /// Public key files (`*.pub`) in this folder are trusted; read on every call, so a key added by
    /// `mallaudit-server key add` counts at once on every instance that shares the folder.
    let trustedKeys: URL

    public init(trustedKeys: URL) { self.trustedKeys = trustedKeys }

    /// `mallaudit-test-key ed25519 BASE64` → the key's fingerprint (`ed25519:` + SHA-256 hex of the raw key).
    public func describePublicKey(_ bytes: Data) throws(BundleRefusal) -> SignerPublicKey {
        guard let (raw, _) = Self.parseKeyFile(bytes) else {
            throw BundleRefusal(
                code: "key-unreadable",
                "the public key file is not `\(Self.keyFileMagic) ed25519 BASE64` with a 32-byte Ed25519 key")
        }
        return SignerPublicKey(
            fingerprint: Self.fingerprint(ofRawKey: raw), algorithm: "ed25519",
            text: "\(Self.keyFileMagic) ed25519 \(raw.base64EncodedString())\n")
    }

    /// The raw key and the key of a public key file, or nil when it is not one.
    static func parseKeyFile(_ bytes: Data) -> (Data, Curve25519.Signing.PublicKey)? {
        guard let text = String(data: bytes, encoding: .utf8) else { return nil }
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 3, words[0] == keyFileMagic, words[1] == "ed25519",
            let raw = Data(base64Encoded: String(words[2])), raw.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return nil }
        return (raw, key)
    }

    /// `ed25519:` and the SHA-256 of the raw 32-byte key, in hex.
    public static func fingerprint(ofRawKey raw: Data) -> String { "ed25519:" + SHA256Digest.hex(of: raw) }

    /// What a signature covers: the format, the role, the signing time and the payload, each on its own line
    /// (the last without a newline), so neither the role nor the time can be changed without the key.
    public static func signedBytes(role: String, signedAt: String, payload: Data) -> Data {
        Data("\(format)\n\(role)\n\(signedAt)\n".utf8) + payload
    }

    public func verify(_ bytes: Data) throws(BundleRefusal) -> VerifiedBundle {
        var problems: [BundleProblem] = []
        func problem(_ code: String, _ message: String, _ member: String? = nil) {
            problems.append(BundleProblem(code: code, message: message, member: member))
        }
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: bytes)
        } catch {
            throw BundleRefusal(code: "unreadable", "not a \(Self.format) bundle: \(Formats.describe(error))")
        }
        guard envelope.format == Self.format else {
            throw BundleRefusal(
                code: "format-unknown", "format '\(envelope.format)' is not \(Self.format)", member: "format")
        }
        guard let payloadBytes = Data(base64Encoded: envelope.payload) else {
            throw BundleRefusal(code: "unreadable", "the payload is not base64", member: "payload")
        }
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: payloadBytes)
        } catch {
            throw BundleRefusal(
                code: "unreadable", "the payload is not a statement: \(Formats.describe(error))", member: "payload")
        }

        // Signatures, against the trusted keys.
        let trusted = loadTrustedKeys()
        var signatures: [VerifiedBundle.Signature] = []
        if envelope.signatures.isEmpty { problem("unsigned", "the bundle carries no signature", "signatures") }
        for (index, signature) in envelope.signatures.enumerated() {
            let member = "signatures[\(index)]"
            guard ["inspector", "evaluator", "mall"].contains(signature.role) else {
                problem("signature-role", "role '\(signature.role)' is not inspector, evaluator or mall", member)
                continue
            }
            guard let signedAt = parseTimestamp(signature.signedAt) else {
                problem("signature-time", "signing time '\(signature.signedAt)' is not an ISO 8601 time", member)
                continue
            }
            guard let key = trusted[signature.keyid] else {
                problem("untrusted-key", "key \(signature.keyid) is not a trusted signer key", member)
                continue
            }
            guard let raw = Data(base64Encoded: signature.sig),
                key.isValidSignature(
                    raw, for: Self.signedBytes(role: signature.role, signedAt: signature.signedAt, payload: payloadBytes))
            else {
                problem("signature-invalid", "the signature by \(signature.keyid) does not verify", member)
                continue
            }
            signatures.append(
                VerifiedBundle.Signature(
                    fingerprint: signature.keyid, algorithm: "ed25519", role: signature.role, signer: signature.signer,
                    signedAt: signedAt))
        }

        // The statement: shape, and the summary recomputed.
        let mall = payload.mall
        if !(mall.creditCode.count == 18
            && mall.creditCode.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }))
        {
            problem("mall", "'\(mall.creditCode)' is not a unified social credit code (18 digits or capitals)", "mall")
        }
        if mall.name.trimmingCharacters(in: .whitespaces).isEmpty { problem("mall", "the mall has no name", "mall") }
        if payload.run.isEmpty { problem("run", "the run has no id", "run") }
        if !Formats.isDate(payload.judgementDate) {
            problem("judgement-date", "'\(payload.judgementDate)' is not a date (YYYY-MM-DD)", "judgementDate")
        }
        var statements: [VerifiedBundle.Statement] = []
        var seen: Set<String> = []
        for (index, entry) in payload.statements.enumerated() {
            let member = "statements[\(index)]"
            guard seen.insert(entry.id).inserted else {
                problem("statement-duplicate", "statement \(entry.id) appears twice", member)
                continue
            }
            if !entry.checkpoints.isEmpty {
                let worst = entry.checkpoints.map(\.verdict).max { Self.rank($0) < Self.rank($1) }!
                if worst != entry.verdict {
                    problem(
                        "checkpoint-mismatch",
                        "statement \(entry.id) is \(entry.verdict.rawValue) but its checkpoints add up to "
                            + worst.rawValue, member)
                }
            }
            statements.append(
                VerifiedBundle.Statement(
                    statementID: entry.id, clauseID: entry.clause, modality: entry.modality, verdict: entry.verdict,
                    reason: entry.reason,
                    measured: entry.measured.map {
                        VerifiedBundle.MeasuredValue(
                            value: $0.value, threshold: $0.threshold, unit: $0.unit, sample: $0.sample,
                            margin: $0.margin)
                    },
                    checkpoints: entry.checkpoints.map {
                        VerifiedBundle.Checkpoint(id: $0.id, verdict: $0.verdict, reason: $0.reason)
                    }))
        }
        if statements.isEmpty { problem("no-statements", "the bundle holds no statement result", "statements") }
        for finding in payload.findings where !seen.contains(finding.statement) {
            problem("finding-orphan", "a finding names statement \(finding.statement), which has no result", "findings")
        }
        for item in payload.evidence where !Formats.isSHA256(item.sha256) {
            problem("evidence-digest", "evidence \(item.name): '\(item.sha256)' is not a SHA-256 digest", "evidence")
        }

        let counted = VerdictCounts(statements.map(\.verdict))
        let requirements = VerdictCounts(statements.filter { $0.modality.isRequirement }.map(\.verdict))
        let should = VerdictCounts(statements.filter { $0.modality == .should }.map(\.verdict))
        let summary = VerifiedBundle.Summary(
            pass: counted[.pass], fail: counted[.fail], error: counted[.error], notApplicable: counted[.notApplicable],
            notAssessed: counted[.notAssessed], shallFailures: requirements[.fail],
            shouldAdoption: should.applicable > 0 ? Double(should[.pass]) / Double(should.applicable) * 100 : nil)
        let stated = payload.summary
        if stated.pass != summary.pass || stated.fail != summary.fail || stated.error != summary.error
            || stated.notApplicable != summary.notApplicable || stated.notAssessed != summary.notAssessed
            || stated.shallFailures != summary.shallFailures
        {
            problem(
                "summary-mismatch",
                "the stated summary (\(stated.pass) pass, \(stated.fail) fail, \(stated.error) error, "
                    + "\(stated.notApplicable) n/a, \(stated.notAssessed) not assessed, \(stated.shallFailures) shall "
                    + "failures) differs from the statement verdicts (\(summary.pass), \(summary.fail), "
                    + "\(summary.error), \(summary.notApplicable), \(summary.notAssessed), \(summary.shallFailures))",
                "summary")
        }
        let conformance: Conformance =
            requirements[.fail] > 0
            ? .nonConformant
            : (requirements[.error] > 0 || requirements[.notAssessed] > 0 ? .incomplete : .conformant)
        if payload.conformance != conformance {
            problem(
                "summary-mismatch",
                "the stated verdict \(payload.conformance.rawValue) differs from the statements' "
                    + conformance.rawValue, "conformance")
        }
        guard problems.isEmpty else { throw BundleRefusal(problems) }
        return VerifiedBundle(
            statementDigest: SHA256Digest.hex(of: payloadBytes), formatVersion: Self.format,
            mall: VerifiedBundle.Mall(name: mall.name, creditCode: mall.creditCode, district: mall.district),
            runID: payload.run, judgementDate: payload.judgementDate, toolVersion: payload.toolVersion,
            checklistDigest: payload.checklistDigest, conformance: conformance, summary: summary,
            statements: statements,
            findings: payload.findings.map {
                VerifiedBundle.Finding(
                    statementID: $0.statement, checkpointID: $0.checkpoint, verdict: $0.verdict, note: $0.note,
                    assessor: $0.assessor, recordedAt: $0.recordedAt)
            },
            evidence: payload.evidence.map {
                VerifiedBundle.Evidence(
                    name: $0.name, sha256: $0.sha256, size: $0.size, statementID: $0.statement,
                    checkpointID: $0.checkpoint)
            },
            signatures: signatures)
    }

    private func loadTrustedKeys() -> [String: Curve25519.Signing.PublicKey] {
        let files =
            (try? FileManager.default.contentsOfDirectory(at: trustedKeys, includingPropertiesForKeys: nil)) ?? []
        var keys: [String: Curve25519.Signing.PublicKey] = [:]
        for file in files where file.pathExtension == "pub" {
            guard let data = try? Data(contentsOf: file), let (raw, key) = Self.parseKeyFile(data) else { continue }
            keys[Self.fingerprint(ofRawKey: raw)] = key
        }
        return keys
    }

    /// Worst-of order for checkpoints: fail > error > notAssessed > pass > notApplicable (`Verdict.severity`).
    static func rank(_ verdict: Verdict) -> Int { verdict.severity }

    // MARK: the format

    struct Envelope: Codable {
        var format: String
        var payload: String
        var signatures: [Signature]

        struct Signature: Codable {
            var keyid: String
            var role: String
            var signer: String?
            var signedAt: String
            var sig: String
        }
    }

    struct Payload: Codable {
        struct Mall: Codable {
            var name: String
            var creditCode: String
            var district: String?
        }
        struct Summary: Codable {
            var pass: Int
            var fail: Int
            var error: Int
            var notApplicable: Int
            var notAssessed: Int
            var shallFailures: Int
        }
        struct Measured: Codable {
            var value: Double
            var threshold: String?
            var unit: String
            var sample: Int?
            var margin: Double?
        }
        struct Checkpoint: Codable {
            var id: String
            var verdict: Verdict
            var reason: String
        }
        struct Statement: Codable {
            var id: String
            var clause: String
            var modality: Modality
            var verdict: Verdict
            var reason: String
            var measured: Measured?
            var checkpoints: [Checkpoint] = []

            enum CodingKeys: String, CodingKey { case id, clause, modality, verdict, reason, measured, checkpoints }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                id = try container.decode(String.self, forKey: .id)
                clause = try container.decode(String.self, forKey: .clause)
                modality = try container.decode(Modality.self, forKey: .modality)
                verdict = try container.decode(Verdict.self, forKey: .verdict)
                reason = try container.decode(String.self, forKey: .reason)
                measured = try container.decodeIfPresent(Measured.self, forKey: .measured)
                checkpoints = try container.decodeIfPresent([Checkpoint].self, forKey: .checkpoints) ?? []
            }
        }
        struct Finding: Codable {
            var statement: String
            var checkpoint: String?
            var verdict: Verdict
            var note: String
            var assessor: String?
            var recordedAt: String?
        }
        struct Evidence: Codable {
            var name: String
            var sha256: String
            var size: Int64?
            var statement: String?
            var checkpoint: String?
        }

        var mall: Mall
        var run: String
        var judgementDate: String
        var toolVersion: String
        var checklistDigest: String?
        var conformance: Conformance
        var summary: Summary
        var statements: [Statement]
        var findings: [Finding] = []
        var evidence: [Evidence] = []

        enum CodingKeys: String, CodingKey {
            case mall, run, judgementDate, toolVersion, checklistDigest, conformance, summary, statements, findings,
                evidence
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            mall = try container.decode(Mall.self, forKey: .mall)
            run = try container.decode(String.self, forKey: .run)
            judgementDate = try container.decode(String.self, forKey: .judgementDate)
            toolVersion = try container.decode(String.self, forKey: .toolVersion)
            checklistDigest = try container.decodeIfPresent(String.self, forKey: .checklistDigest)
            conformance = try container.decode(Conformance.self, forKey: .conformance)
            summary = try container.decode(Summary.self, forKey: .summary)
            statements = try container.decode([Statement].self, forKey: .statements)
            findings = try container.decodeIfPresent([Finding].self, forKey: .findings) ?? []
            evidence = try container.decodeIfPresent([Evidence].self, forKey: .evidence) ?? []
        }
    }
}

/// The only place that decides which verifier ingest uses.
///
/// To connect the real verifier (issue 17), add its format here (say `"dsse-zip"`, the new default) and return an
/// adapter from `BundleVerifier.verify` to `VerifiedBundle`; the rest of the server does not change.
public enum BundleVerifierSeam {
    /// The formats `bundles.format` accepts. Required in server.yaml while the test format is the only one, so
    /// that no configuration accepts test bundles without saying so.
    public static let formats = ["test-json"]

    public static func make(_ configuration: ServerConfiguration) -> any BundleVerifying {
        switch configuration.bundles.format {
        default: TestBundleVerifier(trustedKeys: configuration.bundles.trustedKeys)
        }
    }
}
