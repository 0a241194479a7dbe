import AuditModel
import Foundation

/// The seam between ingest and the bundle verifier: the one thing ingest asks of a bundle's bytes.
///
/// The implementation is `SignedBundleVerifier`, over the verifier of `mallaudit verify` (`BundleVerifier.verify`
/// in AuditBundle), so that the server never trusts a bundle it did not verify with the same code as anyone else
/// would. `BundleVerifierSeam.make` is the only place that chooses it.
public protocol BundleVerifying: Sendable {
    /// Verifies a bundle completely: every member against its digest, every signature against a trusted key,
    /// the stated summary recomputed from the statement verdicts.
    ///
    /// - Parameter registeredKeys: the public key files of the signer keys registered with the server (trusted
    ///   beside the trusted-keys folder; whether a key may sign for its account then is `SignerCheck`'s rule).
    /// - Returns: what ingest stores, only when the bundle is valid.
    /// - Throws: `BundleRefusal` with every problem found, for any bundle that is not valid. Never anything else.
    func verify(_ bytes: Data, registeredKeys: [String]) throws(BundleRefusal) -> VerifiedBundle

    /// Reads a signer's public key file (as `mallaudit keys generate` writes it): its fingerprint and algorithm,
    /// as `verify` reports them in `VerifiedBundle.Signature`, so that a registered key and a signature match.
    func describePublicKey(_ bytes: Data) throws(BundleRefusal) -> SignerPublicKey
}

/// The only place that decides which verifier ingest uses.
public enum BundleVerifierSeam {
    /// The formats `bundles.format` accepts: `signed-zip`, the signed bundle of `mallaudit bundle` (the default).
    public static let formats = ["signed-zip"]
    public static let defaultFormat = "signed-zip"

    public static func make(_ configuration: ServerConfiguration) -> any BundleVerifying {
        SignedBundleVerifier(trustedKeys: configuration.bundles.trustedKeys, revoked: configuration.bundles.revoked)
    }
}

/// A signer's public key as the verifier identifies it.
public struct SignerPublicKey: Sendable, Hashable {
    /// The fingerprint signatures carry (`VerifiedBundle.Signature.fingerprint`).
    public var fingerprint: String
    /// `ed25519` or `sm2`.
    public var algorithm: String
    /// The key file's text, kept with the registration.
    public var text: String
    /// The holder and organisation the key file names.
    public var holder: String?
    public var organization: String?
    /// The validity the key file itself states (a registration defaults to it).
    public var notBefore: Date?
    public var notAfter: Date?

    public init(
        fingerprint: String, algorithm: String, text: String, holder: String? = nil, organization: String? = nil,
        notBefore: Date? = nil, notAfter: Date? = nil
    ) {
        self.fingerprint = fingerprint
        self.algorithm = algorithm
        self.text = text
        self.holder = holder
        self.organization = organization
        self.notBefore = notBefore
        self.notAfter = notAfter
    }
}

/// One reason a bundle is refused.
public struct BundleProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A stable code (`signature-invalid`, `untrusted-key`, `summary-mismatch`, `digest-mismatch`, …).
    public var code: String
    public var message: String
    /// The bundle member it concerns, when there is one.
    public var member: String?

    public init(code: String, message: String, member: String? = nil) {
        self.code = code
        self.message = message
        self.member = member
    }

    public var description: String { (member.map { "\($0): " } ?? "") + message + " [\(code)]" }
}

/// A refused bundle: every problem found. Ingest answers 422 with them and writes nothing.
public struct BundleRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [BundleProblem]

    public init(_ problems: [BundleProblem]) { self.problems = problems }

    public init(code: String, _ message: String, member: String? = nil) {
        self.problems = [BundleProblem(code: code, message: message, member: member)]
    }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// What ingest needs from a verified bundle. Every value here has been checked by the verifier: digests match,
/// signatures verify, the summary equals what the statement verdicts add up to.
public struct VerifiedBundle: Sendable, Hashable {
    /// The mall as the bundle names it. The district is self-declared; the bureau's own district is kept apart.
    public struct Mall: Sendable, Hashable {
        public var name: String
        /// 统一社会信用代码 (18 characters).
        public var creditCode: String
        public var district: String?

        public init(name: String, creditCode: String, district: String?) {
            self.name = name
            self.creditCode = creditCode
            self.district = district
        }
    }

    /// The verdict counts the bundle states (and the verifier recomputed).
    public struct Summary: Sendable, Hashable {
        public var pass: Int
        public var fail: Int
        public var error: Int
        public var notApplicable: Int
        public var notAssessed: Int
        /// Applicable shall (and shall-not) statements that failed.
        public var shallFailures: Int
        /// Should adoption in percent (0…100, as `Scorecard.shouldAdoption`); nil when no should statement applies.
        public var shouldAdoption: Double?

        public init(
            pass: Int, fail: Int, error: Int, notApplicable: Int, notAssessed: Int, shallFailures: Int,
            shouldAdoption: Double?
        ) {
            self.pass = pass
            self.fail = fail
            self.error = error
            self.notApplicable = notApplicable
            self.notAssessed = notAssessed
            self.shallFailures = shallFailures
            self.shouldAdoption = shouldAdoption
        }

        public var total: Int { pass + fail + error + notApplicable + notAssessed }
    }

    /// A measured value against the standard's threshold.
    public struct MeasuredValue: Sendable, Hashable {
        public var value: Double
        /// The threshold as the report writes it (`≥ 180`).
        public var threshold: String?
        public var unit: String
        public var sample: Int?
        /// Signed distance from the threshold, positive on the passing side.
        public var margin: Double?

        public init(value: Double, threshold: String?, unit: String, sample: Int?, margin: Double?) {
            self.value = value
            self.threshold = threshold
            self.unit = unit
            self.sample = sample
            self.margin = margin
        }
    }

    /// One area's verdict, for an obligation that must hold in every area the site profile declares.
    public struct Area: Sendable, Hashable, Codable {
        public var area: String
        public var verdict: Verdict
        public var reason: String

        public init(area: String, verdict: Verdict, reason: String) {
            self.area = area
            self.verdict = verdict
            self.reason = reason
        }
    }

    /// One obligation of a statement, quoting the standard (issue 11's checkpoints).
    public struct Checkpoint: Sendable, Hashable {
        public var id: String
        public var verdict: Verdict
        public var reason: String
        /// `probe`, `data`, `manual`, `decision` or `none`.
        public var source: String?
        public var producer: String?
        public var areas: [Area]

        public init(
            id: String, verdict: Verdict, reason: String, source: String? = nil, producer: String? = nil,
            areas: [Area] = []
        ) {
            self.id = id
            self.verdict = verdict
            self.reason = reason
            self.source = source
            self.producer = producer
            self.areas = areas
        }
    }

    /// One statement's result.
    public struct Statement: Sendable, Hashable {
        public var statementID: String
        public var clauseID: String
        public var modality: Modality
        public var verdict: Verdict
        public var reason: String
        /// `probe`, `data`, `manual`, `decision` or `none`.
        public var source: String?
        /// The probe, check or assessor that produced the verdict.
        public var producer: String?
        public var measured: MeasuredValue?
        /// Empty for a statement without checkpoints.
        public var checkpoints: [Checkpoint]
        /// Per area, for an obligation that must hold in every area.
        public var areas: [Area]

        public init(
            statementID: String, clauseID: String, modality: Modality, verdict: Verdict, reason: String,
            source: String? = nil, producer: String? = nil, measured: MeasuredValue? = nil,
            checkpoints: [Checkpoint] = [], areas: [Area] = []
        ) {
            self.statementID = statementID
            self.clauseID = clauseID
            self.modality = modality
            self.verdict = verdict
            self.reason = reason
            self.source = source
            self.producer = producer
            self.measured = measured
            self.checkpoints = checkpoints
            self.areas = areas
        }
    }

    /// An inspector's finding.
    public struct Finding: Sendable, Hashable {
        public var statementID: String
        public var checkpointID: String?
        public var verdict: Verdict
        public var note: String
        public var assessor: String?
        public var recordedAt: String?

        public init(
            statementID: String, checkpointID: String? = nil, verdict: Verdict, note: String, assessor: String? = nil,
            recordedAt: String? = nil
        ) {
            self.statementID = statementID
            self.checkpointID = checkpointID
            self.verdict = verdict
            self.note = note
            self.assessor = assessor
            self.recordedAt = recordedAt
        }
    }

    /// A file backing a result, by digest (the file itself may have been left out of the bundle on request).
    public struct Evidence: Sendable, Hashable {
        public var name: String
        public var sha256: String
        public var size: Int64?
        public var statementID: String?
        public var checkpointID: String?

        public init(name: String, sha256: String, size: Int64?, statementID: String?, checkpointID: String? = nil) {
            self.name = name
            self.sha256 = sha256
            self.size = size
            self.statementID = statementID
            self.checkpointID = checkpointID
        }
    }

    /// One verified signature over the statement.
    public struct Signature: Sendable, Hashable {
        /// As `BundleVerifying.describePublicKey` reports it for the signing key.
        public var fingerprint: String
        public var algorithm: String
        /// What the signer signed as: `inspector`, `evaluator` or `mall`.
        public var role: String
        /// The signer's name as the key states it.
        public var signer: String?
        /// The signer's organisation as the key states it.
        public var organization: String?
        /// Self-declared signing time (the server records its own receipt time beside it).
        public var signedAt: Date

        public init(
            fingerprint: String, algorithm: String, role: String, signer: String?, organization: String? = nil,
            signedAt: Date
        ) {
            self.fingerprint = fingerprint
            self.algorithm = algorithm
            self.role = role
            self.signer = signer
            self.organization = organization
            self.signedAt = signedAt
        }
    }

    /// Identifies the run whatever file it came in: SHA-256 of the signed statement (mall, run, content). A
    /// countersigned copy of a bundle has the same statement digest.
    public var statementDigest: String
    public var formatVersion: String?
    public var mall: Mall
    /// The run id as the inspector's tool assigned it.
    public var runID: String
    /// The day the verdicts were judged (`YYYY-MM-DD`).
    public var judgementDate: String
    public var toolVersion: String
    public var checklistDigest: String?
    public var conformance: Conformance
    public var summary: Summary
    public var statements: [Statement]
    public var findings: [Finding]
    public var evidence: [Evidence]
    public var signatures: [Signature]

    public init(
        statementDigest: String, formatVersion: String?, mall: Mall, runID: String, judgementDate: String,
        toolVersion: String, checklistDigest: String?, conformance: Conformance, summary: Summary,
        statements: [Statement], findings: [Finding], evidence: [Evidence], signatures: [Signature]
    ) {
        self.statementDigest = statementDigest
        self.formatVersion = formatVersion
        self.mall = mall
        self.runID = runID
        self.judgementDate = judgementDate
        self.toolVersion = toolVersion
        self.checklistDigest = checklistDigest
        self.conformance = conformance
        self.summary = summary
        self.statements = statements
        self.findings = findings
        self.evidence = evidence
        self.signatures = signatures
    }
}
