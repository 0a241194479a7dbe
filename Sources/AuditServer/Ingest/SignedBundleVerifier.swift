import AuditBundle
import AuditModel
import AuditReports
import AuditSigning
import AuditSupport
import Foundation

/// Ingest's verifier: the signed bundle of `mallaudit bundle` (docs/bundles.md), verified by the very function
/// `mallaudit verify` calls, `BundleVerifier.verify`, on the received bytes in memory.
///
/// Trusted keys are the public key files (`*.pub`) in `bundles.trusted_keys` and every signer key registered with
/// `mallaudit-server key add` (kept in PostgreSQL, so an instance that does not share the folder trusts them too);
/// keys listed in the revocation file `bundles.revoked` are refused outright, whatever the signing time. The
/// registry's own rules (the key valid for its account at the signing time, its revocation time, the signer's role)
/// are applied after verification by `SignerCheck`.
public struct SignedBundleVerifier: BundleVerifying {
    /// The folder of trusted public key files (read on every call: a key added by any instance counts at once).
    let trustedKeys: URL
    /// The revocation file (`mallaudit verify --revoked`), read on every call; nil: none.
    let revoked: URL?
    /// The XML report's schema.
    let schema: URL
    let cache = KeyCache()

    public init(trustedKeys: URL, revoked: URL?, schema: URL = ReportResources.schema()) {
        self.trustedKeys = trustedKeys
        self.revoked = revoked
        self.schema = schema
    }

    public func describePublicKey(_ bytes: Data) throws(BundleRefusal) -> SignerPublicKey {
        let checked: PublicKeyFile.Checked
        do {
            checked = try PublicKeyFile.parse(bytes, file: nil)
        } catch {
            throw BundleRefusal(
                code: "key-unreadable",
                "not a mallaudit public key file (as `mallaudit keys generate` writes it): \(error)")
        }
        return SignerPublicKey(
            fingerprint: checked.fingerprint, algorithm: checked.key.algorithm.rawValue,
            text: String(decoding: bytes, as: UTF8.self), holder: checked.holder.name,
            organization: checked.holder.organization, notBefore: checked.notBefore, notAfter: checked.notAfter)
    }

    public func verify(_ bytes: Data, registeredKeys: [String]) throws(BundleRefusal) -> VerifiedBundle {
        let trust = TrustStore(keys: folderKeys() + registeredKeys.compactMap { cache.key(Data($0.utf8)) })
        var revocations = RevocationList()
        if let revoked {
            do {
                revocations = try RevocationList.load(revoked)
            } catch {
                throw BundleRefusal(
                    code: "revocation-unusable",
                    "the server cannot read its revocation file (bundles.revoked): \(Self.describe(error))")
            }
        }
        let verification = BundleVerifier.verify(bytes: bytes, trust: trust, revoked: revocations, schema: schema)
        guard verification.isValid else {
            throw BundleRefusal(verification.problems.map {
                BundleProblem(code: $0.code, message: $0.message, member: $0.member)
            })
        }
        return try Self.normalised(verification)
    }

    /// The keys of the trusted-keys folder; unreadable files are skipped (they cannot vouch for anything).
    private func folderKeys() -> [PublicKeyFile.Checked] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: trustedKeys.path)) ?? []
        return names.filter { $0.hasSuffix(".pub") }.sorted().compactMap { name in
            (try? Data(contentsOf: trustedKeys.appendingPathComponent(name))).flatMap { cache.key($0) }
        }
    }

    static func describe(_ error: Error) -> String {
        (error as? DiagnosticsError)?.diagnostics.map(\.description).joined(separator: "; ") ?? "\(error)"
    }

    /// What ingest stores, from a valid verification: the predicate (mall, run, judgement date, verdict, summary),
    /// the XML report's statements (verdict, source, reason, measurement, areas, checkpoints, evidence), its manual
    /// results as findings, and the verified signatures.
    static func normalised(_ verification: BundleVerification) throws(BundleRefusal) -> VerifiedBundle {
        guard let statement = verification.statement, let digest = verification.statementDigest,
            let report = verification.report
        else {
            throw BundleRefusal(code: "report-invalid", "the bundle verified but its report could not be read")
        }
        let predicate = statement.predicate
        var problems: [BundleProblem] = []
        let code = predicate.mall.creditCode ?? ""
        if !(code.count == 18 && code.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) })) {
            problems.append(BundleProblem(
                code: "mall-credit-code",
                message: "the mall's credit code '\(code)' is not a unified social credit code (18 digits or "
                    + "capitals): the bureau files malls by it", member: BundleReports.xmlPath))
        }
        guard let conformance = Conformance(rawValue: predicate.verdict) else {
            throw BundleRefusal(code: "summary-mismatch", "the predicate's verdict '\(predicate.verdict)' is unknown")
        }
        var signatures: [VerifiedBundle.Signature] = []
        for signature in verification.signatures {
            guard let at = Timestamp.date(signature.signedAt) else {
                problems.append(BundleProblem(
                    code: "signature-record", message: "signing time '\(signature.signedAt)' is not readable"))
                continue
            }
            signatures.append(VerifiedBundle.Signature(
                fingerprint: signature.keyid, algorithm: signature.algorithm, role: signature.role.rawValue,
                signer: signature.name, organization: signature.organization, signedAt: at))
        }
        guard problems.isEmpty else { throw BundleRefusal(problems) }

        let summary = predicate.summary
        let should = summary.shouldAdoption
        var statements: [VerifiedBundle.Statement] = []
        var findings: [VerifiedBundle.Finding] = []
        var evidence: [VerifiedBundle.Evidence] = []
        for reading in report.statements {
            statements.append(VerifiedBundle.Statement(
                statementID: reading.id, clauseID: reading.clauseID, modality: reading.modality,
                verdict: reading.verdict, reason: reading.reason, source: reading.source.rawValue,
                producer: reading.producer,
                measured: reading.measurement.map { measurement in
                    VerifiedBundle.MeasuredValue(
                        value: measurement.value,
                        threshold: measurement.threshold.map {
                            "\($0.comparison.symbol) \(NumberFormat.exact($0.value))"
                        },
                        unit: measurement.unit, sample: measurement.sample, margin: measurement.margin)
                },
                checkpoints: reading.checkpoints.map {
                    VerifiedBundle.Checkpoint(
                        id: $0.checkpointID, verdict: $0.verdict, reason: $0.reason, source: $0.source.rawValue,
                        producer: $0.producer, areas: $0.areas.map(VerifiedBundle.Area.init))
                },
                areas: reading.areas.map(VerifiedBundle.Area.init)))
            // An inspector's finding is a manual result: of the statement, or of one of its checkpoints.
            if reading.source == .manual {
                findings.append(VerifiedBundle.Finding(
                    statementID: reading.id, verdict: reading.verdict, note: reading.reason,
                    assessor: reading.producer, recordedAt: reading.judgedAt))
            }
            for checkpoint in reading.checkpoints where checkpoint.source == .manual {
                findings.append(VerifiedBundle.Finding(
                    statementID: reading.id, checkpointID: checkpoint.checkpointID, verdict: checkpoint.verdict,
                    note: checkpoint.reason, assessor: checkpoint.producer))
            }
            evidence += reading.evidenceFiles.map {
                VerifiedBundle.Evidence(name: $0.name, sha256: $0.sha256, size: $0.size, statementID: reading.id)
            }
            for checkpoint in reading.checkpoints {
                evidence += checkpoint.evidence.map {
                    VerifiedBundle.Evidence(
                        name: $0.name, sha256: $0.sha256, size: $0.size, statementID: reading.id,
                        checkpointID: checkpoint.checkpointID)
                }
            }
        }
        return VerifiedBundle(
            statementDigest: digest, formatVersion: String(predicate.bundleFormatVersion),
            mall: VerifiedBundle.Mall(name: predicate.mall.name, creditCode: code, district: predicate.mall.district),
            runID: predicate.run.id, judgementDate: predicate.judgementDate, toolVersion: predicate.run.toolVersion,
            checklistDigest: predicate.checklist.digest, conformance: conformance,
            summary: VerifiedBundle.Summary(
                pass: summary.total.pass, fail: summary.total.fail, error: summary.total.error,
                notApplicable: summary.total.notApplicable, notAssessed: summary.total.notAssessed,
                shallFailures: summary.requirements.fail,
                shouldAdoption: should.applicable > 0 ? Double(should.pass) / Double(should.applicable) * 100 : nil),
            statements: statements, findings: findings, evidence: evidence, signatures: signatures)
    }

    /// Parsed public key files by their bytes' SHA-256: a key is parsed once per process, not once per bundle.
    final class KeyCache: @unchecked Sendable {
        private let lock = NSLock()
        private var keys: [String: PublicKeyFile.Checked?] = [:]

        func key(_ bytes: Data) -> PublicKeyFile.Checked? {
            let digest = SHA256Digest.hex(of: bytes)
            if let known = lock.withLock({ keys[digest] }) { return known }
            let parsed = try? PublicKeyFile.parse(bytes, file: nil)
            lock.withLock { keys[digest] = .some(parsed) }
            return parsed
        }
    }
}

extension VerifiedBundle.Area {
    init(_ area: AreaResult) { self.init(area: area.area, verdict: area.verdict, reason: area.reason) }
}
