import AuditModel
import Foundation

extension BundleVerification {
    /// `mallaudit verify`: loads the trust store and the revocation list, then verifies. A trust store or revocation
    /// file that cannot be used makes the verification `unusable` (exit 1), never a thrown error.
    public static func verify(bundle: URL, trust: URL, revoked: URL?) -> BundleVerification {
        func unusable(_ code: String, _ error: Error) -> BundleVerification {
            let message = (error as? DiagnosticsError)?.diagnostics.map(\.description).joined(separator: "; ")
                ?? "\(error)"
            return BundleVerification(
                status: .unusable, problems: [BundleProblem(code, message)], statement: nil, signatures: [])
        }
        let store: TrustStore
        do {
            store = try TrustStore.load(trust)
        } catch {
            return unusable("trust-unusable", error)
        }
        var revocations = RevocationList()
        if let revoked {
            do {
                revocations = try RevocationList.load(revoked)
            } catch {
                return unusable("revocation-unusable", error)
            }
        }
        return BundleVerifier.verify(archive: bundle, trust: store, revoked: revocations)
    }

    /// The verification for a person: the verdict line, what the bundle says, who signed, and every problem.
    public func text(bundle: String) -> String {
        var lines: [String] = []
        switch status {
        case .valid: lines.append("VALID: \(bundle)")
        case .invalid: lines.append("INVALID: \(bundle) (\(problems.count) problem\(problems.count == 1 ? "" : "s"))")
        case .unusable: lines.append("UNUSABLE: \(bundle) could not be verified")
        }
        if let predicate = statement?.predicate {
            let mall = [predicate.mall.creditCode, predicate.mall.district].compactMap { $0 }.joined(separator: ", ")
            lines.append("  mall \(predicate.mall.name)\(mall.isEmpty ? "" : " (\(mall))"), run \(predicate.run.id), "
                         + "judged \(predicate.judgementDate): \(predicate.verdict) (as stated)")
        }
        for signature in signatures {
            lines.append("  signed by \(signature.name), \(signature.organization) as \(signature.role.rawValue) at "
                         + "\(signature.signedAt) (\(signature.algorithm), key \(signature.keyid))")
        }
        for problem in problems { lines.append("  problem: \(problem.description)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The verification as JSON (sorted keys): `bundle`, `status`, `valid`, `problems`, `signatures` and, when the
    /// envelope could be read, `predicate`, `subjects` and `statementDigest` (SHA-256 of the signed statement).
    public func json(bundle: String) -> String {
        struct Output: Encodable {
            var bundle: String
            var status: String
            var valid: Bool
            var problems: [BundleProblem]
            var signatures: [VerifiedSignature]
            var predicate: BundlePredicate?
            var subjects: [BundleStatement.Subject]?
            var statementDigest: String?
        }
        let output = Output(
            bundle: bundle, status: status.rawValue, valid: isValid, problems: problems, signatures: signatures,
            predicate: statement?.predicate, subjects: statement?.subject, statementDigest: statementDigest)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(output)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }
}
