import Foundation

/// DSSE (Dead Simple Signing Envelope, github.com/secure-systems-lab/dsse, v1.0): signatures over
/// `PAE(payloadType, payload)` = `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths as ASCII decimal
/// byte counts.
public enum DSSE {
    /// The payload type of an in-toto Statement.
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// The Pre-Authentication Encoding of `payload` of `type`.
    public static func pae(type: String, payload: Data) -> Data {
        let typeBytes = Data(type.utf8)
        var out = Data("DSSEv1 \(typeBytes.count) ".utf8)
        out += typeBytes
        out += Data(" \(payload.count) ".utf8)
        out += payload
        return out
    }
}

/// A DSSE envelope (JSON): `payload` and `sig` are standard base64 with padding.
public struct DSSEEnvelope: Sendable, Hashable, Codable {
    public var payload: String
    public var payloadType: String
    public var signatures: [DSSESignature]

    public init(payload: Data, payloadType: String, signatures: [DSSESignature] = []) {
        self.payload = payload.base64EncodedString()
        self.payloadType = payloadType
        self.signatures = signatures
    }

    /// The payload's bytes (standard or URL-safe base64, as DSSE allows), or nil when it is not base64.
    public var payloadBytes: Data? { Base64.decode(payload) }
}

/// One signature of a DSSE envelope. `keyid` and `sig` are DSSE's; `record` and `recordSig` are mallaudit's
/// signature record (base64 of its JSON, and the signer's signature over `PAE(SignatureRecord.payloadType,
/// record)`). DSSE verifiers that do not know them ignore them.
public struct DSSESignature: Sendable, Hashable, Codable {
    public var keyid: String
    public var sig: String
    public var record: String?
    public var recordSig: String?

    public init(keyid: String, sig: Data, record: Data? = nil, recordSig: Data? = nil) {
        self.keyid = keyid
        self.sig = sig.base64EncodedString()
        self.record = record?.base64EncodedString()
        self.recordSig = recordSig?.base64EncodedString()
    }

    public var sigBytes: Data? { Base64.decode(sig) }
    public var recordBytes: Data? { record.flatMap(Base64.decode) }
    public var recordSigBytes: Data? { recordSig.flatMap(Base64.decode) }
}

/// The roles a signer signs a bundle in.
public enum SignerRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// The inspector of the bureau who ran the audit.
    case inspector
    /// A third-party evaluator filing the report.
    case evaluator
    /// The mall, countersigning (the report's 商场盖章 block).
    case mall
}

/// Who signed, as what, when, with which key and scheme: mallaudit's record of one DSSE signature. It is signed
/// by the same key (`recordSig`), so that neither the time nor the role can be changed afterwards.
public struct SignatureRecord: Sendable, Hashable, Codable {
    /// The payload type under which a record is signed.
    public static let payloadType = "application/vnd.mallaudit.signature-record+json"
    public static let currentFormatVersion = 1

    public struct Signer: Sendable, Hashable, Codable {
        public var name: String
        public var organization: String
        public var role: SignerRole

        public init(name: String, organization: String, role: SignerRole) {
            self.name = name
            self.organization = organization
            self.role = role
        }
    }

    public var formatVersion: Int
    /// The signing key's fingerprint (= the DSSE `keyid`).
    public var keyid: String
    /// `sm2-sm3` or `ed25519` (`SigningAlgorithm.signatureScheme`).
    public var algorithm: String
    /// SM2 only: the distinguishing ID the signature was made with.
    public var distinguishingId: String?
    public var signer: Signer
    /// UTC, `2026-11-18T09:00:00Z`.
    public var signedAt: String
    /// The payload type and SHA-256 (hex) of the payload the DSSE signature is over: binds the record to it.
    public var payloadType: String
    public var payloadSha256: String

    public init(
        keyid: String, algorithm: SigningAlgorithm, signer: Signer, signedAt: Date, payloadType: String,
        payload: Data
    ) {
        formatVersion = Self.currentFormatVersion
        self.keyid = keyid
        self.algorithm = algorithm.signatureScheme
        distinguishingId = algorithm == .sm2 ? sm2DefaultDistinguishingID : nil
        self.signer = signer
        self.signedAt = Timestamp.string(signedAt)
        self.payloadType = payloadType
        payloadSha256 = Digests.sha256Hex(payload)
    }
}

extension SigningIdentity {
    /// Signs `payload` of `payloadType` DSSE-style and adds the signature record: `role` and `at` go into the
    /// record, which is signed too.
    public func signDSSE(payload: Data, payloadType: String, role: SignerRole, at: Date) throws -> DSSESignature {
        let record = SignatureRecord(
            keyid: fingerprint, algorithm: algorithm,
            signer: .init(name: holder.name, organization: holder.organization, role: role), signedAt: at,
            payloadType: payloadType, payload: payload)
        let recordBytes = try CanonicalJSON.compact(record)
        let id = record.distinguishingId ?? sm2DefaultDistinguishingID
        let sig = try privateKey.sign(DSSE.pae(type: payloadType, payload: payload), distinguishingID: id)
        let recordSig = try privateKey.sign(
            DSSE.pae(type: SignatureRecord.payloadType, payload: recordBytes), distinguishingID: id)
        return DSSESignature(keyid: fingerprint, sig: sig, record: recordBytes, recordSig: recordSig)
    }
}

/// Base64 as DSSE reads it: standard or URL-safe alphabet, padding optional. Nil for anything else.
public enum Base64 {
    public static func decode(_ text: String) -> Data? {
        var normalized = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard normalized.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) }) else {
            return nil
        }
        let remainder = normalized.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { normalized += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: normalized)
    }
}

/// An in-toto Statement v1 (https://in-toto.io/Statement/v1) with a typed predicate.
public struct InTotoStatement<Predicate: Codable & Sendable & Hashable>: Sendable, Hashable, Codable {
    public static var statementType: String { "https://in-toto.io/Statement/v1" }

    /// A subject: a name and its digests by algorithm (`sha256`, `sm3`: lowercase hex).
    public struct Subject: Sendable, Hashable, Codable {
        public var name: String
        public var digest: [String: String]

        public init(name: String, digest: [String: String]) {
            self.name = name
            self.digest = digest
        }
    }

    public var type: String
    public var subject: [Subject]
    public var predicateType: String
    public var predicate: Predicate

    enum CodingKeys: String, CodingKey {
        case type = "_type"
        case subject, predicateType, predicate
    }

    public init(subject: [Subject], predicateType: String, predicate: Predicate) {
        type = Self.statementType
        self.subject = subject
        self.predicateType = predicateType
        self.predicate = predicate
    }
}
