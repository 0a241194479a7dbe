import AuditModel
import AuditReports
import AuditSigning
import Foundation

/// One reason a bundle is not valid (or cannot be verified): a stable code, a message naming what is wrong, and the
/// member concerned.
public struct BundleProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var member: String?

    public init(_ code: String, _ message: String, member: String? = nil) {
        self.code = code
        self.message = message
        self.member = member
    }

    public var description: String { (member.map { "\($0): " } ?? "") + message + " [\(code)]" }
}

/// A signature that verified: against a trusted key, inside its validity, not revoked, with its record.
public struct VerifiedSignature: Sendable, Hashable, Codable {
    public var keyid: String
    public var name: String
    public var organization: String
    public var role: SignerRole
    public var algorithm: String
    public var distinguishingId: String?
    public var signedAt: String
}

/// The outcome of verifying a bundle: valid, invalid (with every problem found), or unusable (the verification itself
/// could not be carried out: unreadable trust or revocation files, the schema missing, a format version newer than
/// this mallaudit). When valid, the statement and its signers.
public struct BundleVerification: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        case valid, invalid, unusable
    }

    public var status: Status
    public var problems: [BundleProblem]
    /// The signed statement, when the envelope could be read (also for an invalid bundle, to say what it claims).
    public var statement: BundleStatement?
    /// SHA-256 (lowercase hex) of the statement's bytes as signed: the same for every copy of the bundle, with or
    /// without countersignatures; a different run or any changed member gives another. Nil when unreadable.
    public var statementDigest: String?
    /// Signatures that verified.
    public var signatures: [VerifiedSignature]
    /// What the XML report states, read after it matched the signed statement, validated against the schema and
    /// agreed with the predicate: every statement's verdict, source, reason, measurement, areas, checkpoints and
    /// evidence. Nil when the report could not be read that far. Trust it only when `isValid`.
    public var report: ReportReading?

    public init(
        status: Status, problems: [BundleProblem], statement: BundleStatement?, statementDigest: String? = nil,
        signatures: [VerifiedSignature], report: ReportReading? = nil
    ) {
        self.status = status
        self.problems = problems
        self.statement = statement
        self.statementDigest = statementDigest
        self.signatures = signatures
        self.report = report
    }

    private enum CodingKeys: String, CodingKey {
        case status, problems, statement, statementDigest, signatures
    }

    public var isValid: Bool { status == .valid }

    /// The exit status of `mallaudit verify`: 0 valid, 2 invalid, 1 unusable.
    public var exitCode: Int32 {
        switch status {
        case .valid: 0
        case .invalid: 2
        case .unusable: 1
        }
    }
}

/// Verifies a bundle offline (docs/bundles.md, "Verifying"). `mallaudit verify` and the bureau's server call this one
/// function. It never writes anything: members are read into memory (or only hashed) with the limits of `ZipLimits`.
public enum BundleVerifier {
    /// Verifies the zip at `archive` against the keys of `trust`, refusing keys in `revoked`. The XML report is
    /// validated against `schema`.
    public static func verify(
        archive: URL, trust: TrustStore, revoked: RevocationList = RevocationList(),
        schema: URL = ReportResources.schema(), limits: ZipLimits = ZipLimits()
    ) -> BundleVerification {
        var check = Check(trust: trust, revoked: revoked, schema: schema)
        check.run(.file(archive), limits: limits)
        return check.outcome
    }

    /// Verifies a bundle held in memory (the bytes a server received) exactly as `verify(archive:…)` verifies a
    /// file: the same checks in the same order, nothing written to the file system.
    public static func verify(
        bytes: Data, trust: TrustStore, revoked: RevocationList = RevocationList(),
        schema: URL = ReportResources.schema(), limits: ZipLimits = ZipLimits()
    ) -> BundleVerification {
        var check = Check(trust: trust, revoked: revoked, schema: schema)
        check.run(.memory(bytes), limits: limits)
        return check.outcome
    }

    /// The integrity checks alone — every member against the statement, the manifest, the XML report — without
    /// judging the signatures against a trust store (countersigning uses this before adding a signature).
    static func checkIntegrity(archive: URL, schema: URL, limits: ZipLimits) -> (BundleVerification, [ZipMember]) {
        var check = Check(trust: nil, revoked: RevocationList(), schema: schema)
        let members = check.run(.file(archive), limits: limits)
        return (check.outcome, members)
    }

    /// Where the zip is read from.
    enum Source {
        case file(URL)
        case memory(Data)
    }

    /// Members the verifier parses (kept in memory); everything else is only hashed.
    static func parsed(_ path: String) -> Bool {
        path == BundleFormat.envelopePath || path == BundleFormat.manifestPath || path == BundleReports.xmlPath
            || path == BundleFormat.measuredInputsPath
    }

    private struct Check {
        var trust: TrustStore?
        var revoked: RevocationList
        var schema: URL
        var problems: [BundleProblem] = []
        var unusable = false
        var statement: BundleStatement?
        var statementDigest: String?
        var signatures: [VerifiedSignature] = []
        var report: ReportReading?

        init(trust: TrustStore?, revoked: RevocationList, schema: URL) {
            self.trust = trust
            self.revoked = revoked
            self.schema = schema
        }

        var outcome: BundleVerification {
            BundleVerification(
                status: unusable ? .unusable : problems.isEmpty ? .valid : .invalid, problems: problems,
                statement: statement, statementDigest: statementDigest, signatures: signatures, report: report)
        }

        mutating func problem(_ code: String, _ message: String, member: String? = nil) {
            problems.append(BundleProblem(code, message, member: member))
        }

        @discardableResult
        mutating func run(_ source: Source, limits: ZipLimits) -> [ZipMember] {
            let members: [ZipMember]
            do {
                switch source {
                case .file(let archive):
                    guard FileManager.default.isReadableFile(atPath: archive.path) else {
                        unusable = true
                        problem("bundle-unreadable", "no readable bundle at \(archive.path)")
                        return []
                    }
                    members = try SafeZip.read(archive, limits: limits, keep: BundleVerifier.parsed)
                case .memory(let bytes):
                    members = try SafeZip.read(data: bytes, limits: limits, keep: BundleVerifier.parsed)
                }
            } catch {
                problem(error.code, error.message, member: error.member)
                return []
            }
            let byPath = Dictionary(members.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })

            // MARK: envelope and statement
            guard let envelopeMember = byPath[BundleFormat.envelopePath], let envelopeBytes = envelopeMember.data else {
                problem("envelope-missing", "the bundle has no \(BundleFormat.envelopePath)")
                return members
            }
            guard let envelope = try? JSONDecoder().decode(DSSEEnvelope.self, from: envelopeBytes) else {
                problem("envelope-invalid", "not a DSSE envelope (JSON with payload, payloadType, signatures)",
                        member: BundleFormat.envelopePath)
                return members
            }
            guard envelope.payloadType == DSSE.inTotoPayloadType, let payload = envelope.payloadBytes else {
                problem("envelope-invalid", "the envelope's payload is not a base64 in-toto statement "
                        + "(payloadType \(envelope.payloadType))", member: BundleFormat.envelopePath)
                return members
            }
            guard let statement = decodeStatement(payload) else { return members }
            self.statement = statement
            statementDigest = Digests.sha256Hex(payload)

            checkSignatures(envelope, payload: payload, predicate: statement.predicate)
            checkSubjects(statement, members: members)
            checkContents(statement.predicate, byPath: byPath)
            return members
        }

        /// The statement, if its format version is one this verifier reads.
        mutating func decodeStatement(_ payload: Data) -> BundleStatement? {
            struct Header: Decodable {
                struct Version: Decodable { var bundleFormatVersion: Int }
                var _type: String
                var predicateType: String
                var predicate: Version
            }
            guard let header = try? JSONDecoder().decode(Header.self, from: payload) else {
                problem("statement-invalid", "the envelope's payload is not a mallaudit bundle statement",
                        member: BundleFormat.envelopePath)
                return nil
            }
            let version = header.predicate.bundleFormatVersion
            guard BundleFormat.readableVersions.contains(version) else {
                unusable = true
                problem("format-version", "bundle format version \(version) is not one this mallaudit reads "
                        + "(\(BundleFormat.readableVersions.sorted().map(String.init).joined(separator: ", "))): "
                        + "use a newer mallaudit")
                return nil
            }
            guard header._type == BundleStatement.statementType,
                header.predicateType == BundleFormat.predicateType(version: version)
            else {
                problem("statement-invalid", "statement type \(header._type) / predicate type \(header.predicateType) "
                        + "is not \(BundleStatement.statementType) / \(BundleFormat.predicateType(version: version))",
                        member: BundleFormat.envelopePath)
                return nil
            }
            do {
                return try JSONDecoder().decode(BundleStatement.self, from: payload)
            } catch {
                problem("statement-invalid", "the statement does not decode: \(error)", member: BundleFormat.envelopePath)
                return nil
            }
        }

        // MARK: signatures

        mutating func checkSignatures(_ envelope: DSSEEnvelope, payload: Data, predicate: BundlePredicate) {
            guard !envelope.signatures.isEmpty else {
                problem("signature-none", "the envelope has no signature")
                return
            }
            let pae = DSSE.pae(type: envelope.payloadType, payload: payload)
            var seen: Set<String> = []
            for signature in envelope.signatures {
                let short = String(signature.keyid.prefix(16)) + "…"
                guard seen.insert(signature.keyid).inserted else {
                    problem("signature-duplicate", "key \(short) signed twice")
                    continue
                }
                let record = signature.recordBytes.flatMap { try? JSONDecoder().decode(SignatureRecord.self, from: $0) }
                let stated = record.map { " (stated signer: \($0.signer.name), \($0.signer.organization))" } ?? ""
                guard let trust else {
                    // Integrity only: the record is taken as stated.
                    if let record {
                        signatures.append(VerifiedSignature(
                            keyid: signature.keyid, name: record.signer.name, organization: record.signer.organization,
                            role: record.signer.role, algorithm: record.algorithm,
                            distinguishingId: record.distinguishingId, signedAt: record.signedAt))
                    }
                    continue
                }
                guard let key = trust.keys[signature.keyid] else {
                    problem("signature-untrusted", "signature by key \(short), which is not a trusted key\(stated)")
                    continue
                }
                guard let record, let recordBytes = signature.recordBytes, let recordSig = signature.recordSigBytes else {
                    problem("signature-record", "signature by \(short) has no readable signature record")
                    continue
                }
                let algorithm = key.key.algorithm
                var distinguishingID = sm2DefaultDistinguishingID
                if algorithm == .sm2 {
                    guard let id = record.distinguishingId, !id.isEmpty else {
                        problem("signature-record", "the SM2 signature by \(short) states no distinguishing ID")
                        continue
                    }
                    distinguishingID = id
                }
                guard let sig = signature.sigBytes,
                    key.key.isValidSignature(sig, for: pae, distinguishingID: distinguishingID)
                else {
                    problem("signature-invalid", "the signature by \(key.holder.name) (\(short)) does not verify "
                            + "over the statement")
                    continue
                }
                guard key.key.isValidSignature(
                    recordSig, for: DSSE.pae(type: SignatureRecord.payloadType, payload: recordBytes),
                    distinguishingID: distinguishingID)
                else {
                    problem("signature-record", "the signature record of \(key.holder.name) (\(short)) is not signed "
                            + "by that key")
                    continue
                }
                var fine = true
                func refuse(_ code: String, _ message: String) {
                    problems.append(BundleProblem(code, message))
                    fine = false
                }
                if record.keyid != signature.keyid { refuse("signature-record", "the record of \(short) names key \(record.keyid)") }
                if record.algorithm != algorithm.signatureScheme {
                    refuse("signature-record", "the record of \(short) says \(record.algorithm), the key is \(algorithm.signatureScheme)")
                }
                if record.payloadType != envelope.payloadType || record.payloadSha256 != Digests.sha256Hex(payload) {
                    refuse("signature-record", "the record of \(short) is for another statement")
                }
                if record.signer.name != key.holder.name || record.signer.organization != key.holder.organization {
                    refuse("signature-signer", "the record of \(short) names \(record.signer.name), "
                           + "\(record.signer.organization); the trusted key is \(key.holder.name), \(key.holder.organization)")
                }
                if let at = Timestamp.date(record.signedAt) {
                    if !key.isValid(at: at) {
                        refuse("key-not-valid", "\(key.holder.name)'s key \(short) was not valid at the signing time "
                               + "\(record.signedAt) (valid \(key.file.notBefore) to \(key.file.notAfter))")
                    }
                } else {
                    refuse("signature-record", "the record of \(short) has no readable signing time")
                }
                if revoked.fingerprints.contains(signature.keyid) {
                    refuse("key-revoked", "\(key.holder.name)'s key \(short) is revoked")
                }
                if fine {
                    signatures.append(VerifiedSignature(
                        keyid: signature.keyid, name: record.signer.name, organization: record.signer.organization,
                        role: record.signer.role, algorithm: record.algorithm, distinguishingId: record.distinguishingId,
                        signedAt: record.signedAt))
                }
            }
            // The statement names who made the bundle: their signature must be there (a bundle whose signature was
            // swapped for someone else's is refused even when that someone is trusted).
            if trust != nil {
                let keyid = predicate.signer.keyid
                if !envelope.signatures.contains(where: { $0.keyid == keyid }) {
                    problem("signer-missing", "the statement names \(predicate.signer.name) (key \(keyid.prefix(16))…) "
                            + "as the bundle's signer, but the envelope has no signature by that key")
                } else if let found = signatures.first(where: { $0.keyid == keyid }), found.role != predicate.signer.role {
                    problem("signer-missing", "the statement names \(predicate.signer.name) as \(predicate.signer.role.rawValue), "
                            + "but they signed as \(found.role.rawValue)")
                }
            }
        }

        // MARK: members against the statement

        mutating func checkSubjects(_ statement: BundleStatement, members: [ZipMember]) {
            let byPath = Dictionary(members.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            var names: Set<String> = []
            for subject in statement.subject {
                guard names.insert(subject.name).inserted else {
                    problem("subject-duplicate", "the statement lists \(subject.name) twice", member: subject.name)
                    continue
                }
                guard let member = byPath[subject.name] else {
                    problem("member-missing", "listed in the statement but not in the bundle", member: subject.name)
                    continue
                }
                guard let sha256 = subject.digest["sha256"] else {
                    problem("subject-digest", "the statement gives no SHA-256 for it", member: subject.name)
                    continue
                }
                if sha256 != member.sha256 {
                    problem("member-changed", "SHA-256 is \(member.sha256), the statement says \(sha256)",
                            member: subject.name)
                }
                if let sm3 = subject.digest["sm3"], sm3 != member.sm3 {
                    problem("member-changed", "SM3 is \(member.sm3), the statement says \(sm3)", member: subject.name)
                }
            }
            for member in members where member.path != BundleFormat.envelopePath && !names.contains(member.path) {
                problem("member-extra", "in the bundle but not in the signed statement", member: member.path)
            }
            let required = [
                BundleFormat.manifestPath, BundleFormat.checklistPath, BundleFormat.siteProfilePath,
                BundleFormat.measuredInputsPath,
            ] + BundleReports.requiredPaths
            for path in required where !names.contains(path) {
                problem("member-required", "a bundle must have this member, and the statement does not list it",
                        member: path)
            }
        }

        // MARK: contents: manifest, reports, predicate

        mutating func checkContents(_ predicate: BundlePredicate, byPath: [String: ZipMember]) {
            // Only members that match the signed statement are read: anything else was already reported.
            func trusted(_ path: String) -> Data? {
                guard !problems.contains(where: { $0.member == path }) else { return nil }
                return byPath[path]?.data
            }
            if let data = trusted(BundleFormat.manifestPath) {
                if let manifest = try? JSONDecoder().decode(BundleManifest.self, from: data) {
                    checkManifest(manifest, predicate: predicate, byPath: byPath)
                } else {
                    problem("manifest-invalid", "not a bundle manifest", member: BundleFormat.manifestPath)
                }
            }
            if let checklist = byPath[BundleFormat.checklistPath], checklist.sha256 != predicate.checklist.digest {
                problem("checklist-mismatch", "the checklist's SHA-256 is \(checklist.sha256), the predicate says "
                        + "\(predicate.checklist.digest)", member: BundleFormat.checklistPath)
            }
            if let site = byPath[BundleFormat.siteProfilePath], site.sha256 != predicate.siteProfile.digest {
                problem("site-mismatch", "the site profile's SHA-256 is \(site.sha256), the predicate says "
                        + "\(predicate.siteProfile.digest)", member: BundleFormat.siteProfilePath)
            }
            if let xml = trusted(BundleReports.xmlPath) { checkReport(xml, predicate: predicate) }
        }

        mutating func checkManifest(_ manifest: BundleManifest, predicate: BundlePredicate, byPath: [String: ZipMember]) {
            let path = BundleFormat.manifestPath
            if manifest.bundleFormatVersion != predicate.bundleFormatVersion || manifest.runID != predicate.run.id {
                problem("manifest-mismatch", "the manifest is for run \(manifest.runID), format "
                        + "\(manifest.bundleFormatVersion); the predicate for run \(predicate.run.id)", member: path)
            }
            let expected = Set(byPath.keys).subtracting([BundleFormat.envelopePath, BundleFormat.manifestPath])
            let listed = Set(manifest.members.map(\.path))
            for missing in expected.subtracting(listed).sorted() {
                problem("manifest-mismatch", "the manifest does not list \(missing)", member: path)
            }
            for extra in listed.subtracting(expected).sorted() {
                problem("manifest-mismatch", "the manifest lists \(extra), which is not in the bundle", member: path)
            }
            for member in manifest.members {
                if let actual = byPath[member.path], actual.sha256 != member.sha256 || actual.size != member.size {
                    problem("manifest-mismatch", "the manifest's digest or size of \(member.path) is not the member's",
                            member: path)
                }
            }
            var included = 0
            for evidence in manifest.evidence {
                let memberPath = BundleFormat.evidencePath(evidence.sha256)
                if evidence.included {
                    included += 1
                    if byPath[memberPath] == nil || evidence.path != memberPath {
                        problem("evidence-missing", "evidence \(evidence.sha256) is listed as included but is not "
                                + "in the bundle", member: memberPath)
                    }
                } else if byPath[memberPath] != nil {
                    problem("evidence-mismatch", "evidence \(evidence.sha256) is listed as left out but is in the "
                            + "bundle", member: memberPath)
                }
            }
            for member in byPath.keys where member.hasPrefix(BundleFormat.evidenceFolder) {
                let sha = String(member.dropFirst(BundleFormat.evidenceFolder.count))
                if !manifest.evidence.contains(where: { $0.sha256 == sha && $0.included }) {
                    problem("evidence-mismatch", "\(member) is not an evidence file of the run", member: member)
                }
            }
            if predicate.evidence.included != included || predicate.evidence.leftOut != manifest.evidence.count - included {
                problem("evidence-mismatch", "the predicate counts \(predicate.evidence.included) included and "
                        + "\(predicate.evidence.leftOut) left out; the manifest \(included) and "
                        + "\(manifest.evidence.count - included)", member: path)
            }
            evidenceDigests = Set(manifest.evidence.map(\.sha256))
        }

        var evidenceDigests: Set<String>?

        mutating func checkReport(_ xml: Data, predicate: BundlePredicate) {
            let path = BundleReports.xmlPath
            let schemaProblems: [Diagnostic]
            do {
                schemaProblems = try ReportValidation.problems(in: xml, name: path, schema: schema)
            } catch {
                unusable = true
                problem("schema-unusable", "cannot load the report schema \(schema.path): \(error)")
                return
            }
            guard schemaProblems.isEmpty else {
                for diagnostic in schemaProblems.prefix(20) {
                    problem("report-schema", "not valid against report.xsd: line \(diagnostic.line ?? 0): "
                            + diagnostic.message, member: path)
                }
                return
            }
            let reading: ReportReading
            do {
                reading = try XMLReportReader.read(xml, name: path)
            } catch {
                problem("report-invalid", "\(error)", member: path)
                return
            }
            if reading.runID != predicate.run.id {
                problem("report-mismatch", "the report is of run \(reading.runID), the predicate of run \(predicate.run.id)",
                        member: path)
            }
            if reading.mall.name != predicate.mall.name || reading.mall.creditCode != predicate.mall.creditCode {
                problem("report-mismatch", "the report is of \(reading.mall.name) (\(reading.mall.creditCode ?? "no credit code")), "
                        + "the predicate names \(predicate.mall.name) (\(predicate.mall.creditCode ?? "no credit code")): "
                        + "another mall's report", member: path)
            }
            if reading.checklistDigest != predicate.checklist.digest {
                problem("report-mismatch", "the report was judged with checklist \(reading.checklistDigest.prefix(12))…, "
                        + "the predicate names \(predicate.checklist.digest.prefix(12))…", member: path)
            }
            if reading.siteProfileDigest != predicate.siteProfile.digest {
                problem("report-mismatch", "the report's site profile digest is not the predicate's", member: path)
            }
            if reading.completion != predicate.run.completion {
                problem("report-mismatch", "the report says the run is \(reading.completion)", member: path)
            }
            if let asOf = reading.asOf, asOf != predicate.judgementDate {
                problem("report-mismatch", "the report was judged as of \(asOf), the predicate says "
                        + "\(predicate.judgementDate)", member: path)
            }
            self.report = reading
            if let evidenceDigests {
                for sha in Set(reading.statements.flatMap(\.evidence)).subtracting(evidenceDigests).sorted() {
                    problem("evidence-mismatch", "the report cites evidence \(sha), which the manifest does not list",
                            member: path)
                }
                for sha in evidenceDigests.subtracting(reading.statements.flatMap(\.evidence)).sorted() {
                    problem("evidence-mismatch", "the manifest lists evidence \(sha), which the report does not cite",
                            member: BundleFormat.manifestPath)
                }
            }

            // The summary, recomputed from the statements' verdicts, against what the report and the predicate state.
            let recomputed = reading.recomputedScorecard()
            let summary = BundlePredicate.Summary(recomputed)
            for (scope, counts) in summary.byScope.sorted(by: { $0.key < $1.key }) {
                if reading.counts[scope] != counts {
                    problem("summary-mismatch", "the report states \(scope) counts \(describe(reading.counts[scope])); "
                            + "its statements give \(describe(counts))", member: path)
                }
                if predicate.summary.byScope[scope] != counts {
                    problem("summary-mismatch", "the predicate states \(scope) counts "
                            + "\(describe(predicate.summary.byScope[scope])); the report's statements give \(describe(counts))")
                }
            }
            if reading.shouldAdoption != (summary.shouldAdoption.pass, summary.shouldAdoption.applicable)
                || predicate.summary.shouldAdoption != summary.shouldAdoption
            {
                problem("summary-mismatch", "the should adoption stated is not the one the statements give "
                        + "(\(summary.shouldAdoption.pass)/\(summary.shouldAdoption.applicable))", member: path)
            }
            let verdict = recomputed.conformance.rawValue
            if reading.conformance != verdict {
                problem("summary-mismatch", "the report states \(reading.conformance); its statements give \(verdict)",
                        member: path)
            }
            if predicate.verdict != verdict {
                problem("summary-mismatch", "the predicate states \(predicate.verdict); the report's statements give \(verdict)")
            }
            for (clause, stated) in reading.clauseVerdicts.sorted(by: { $0.key < $1.key })
            where recomputed.clauseVerdicts[clause] != stated {
                problem("summary-mismatch", "clause \(clause) is stated \(stated.rawValue); its statements give "
                        + "\(recomputed.clauseVerdicts[clause]?.rawValue ?? "nothing")", member: path)
            }
        }

        func describe(_ counts: ReportReading.Counts?) -> String {
            guard let c = counts else { return "(none)" }
            return "total \(c.total) = pass \(c.pass) + fail \(c.fail) + error \(c.error) + notAssessed \(c.notAssessed) "
                + "+ notApplicable \(c.notApplicable)"
        }
    }
}
