import AuditModel
import AuditSupport
import Foundation
import Logging
import PostgresNIO

/// What ingest answers for an accepted bundle.
public struct IngestOutcome: Sendable, Codable, Hashable {
    /// True when this bundle made a new run (201); false when its statement was known (200).
    public var created: Bool
    public var runId: Int64
    public var statementDigest: String
    public var bundleSha256: String
    public var mallCreditCode: String
    /// Signatures this upload added to the run (a countersigned copy adds the countersignature).
    public var signaturesAdded: Int
    public var selfAudit: Bool
    /// Rectification items this run closed (a passing run filed by an inspector or evaluator).
    public var rectificationsClosed: [Int64]
}

/// Why ingest refused a bundle.
enum IngestRefusal: Error, Sendable {
    /// 422: the bundle is not valid, or its signatures are not acceptable; every problem listed.
    case invalid([BundleProblem])
    /// 403: the account may not file for this mall (or does not file at all).
    case forbidden(String)
}

/// Ingest of one bundle: verify, check the signers against the key registry, keep the bytes, normalise into
/// PostgreSQL, all or nothing.
///
/// Idempotent by statement digest (mall, run, content): the same statement in any file is the same run. Safe
/// when several instances receive the same bundle at once: the unique statement digest decides which insert
/// makes the run, the others add only what is new (signatures) and answer 200.
struct Ingest: Sendable {
    let database: Database
    let store: BundleStore
    let verifier: any BundleVerifying
    let logger: Logger
    /// The public key files of registered signer keys, by fingerprint, as far as this instance has read them (a
    /// registration never changes its key, so each is read from PostgreSQL once).
    let keyTexts = KeyTexts()
    /// A signing time later than the receipt time by more than this is refused (clocks drift a little).
    static let clockSkew: TimeInterval = 300

    final class KeyTexts: @unchecked Sendable {
        private let lock = NSLock()
        private var texts: [String: String] = [:]

        func known(_ fingerprints: [String]) -> (texts: [String], missing: [String]) {
            lock.withLock {
                (fingerprints.compactMap { texts[$0] }, fingerprints.filter { texts[$0] == nil })
            }
        }

        func add(_ fingerprint: String, _ text: String) { lock.withLock { texts[fingerprint] = text } }
    }

    /// Every registered signer key's public key file (the verifier trusts them beside the trusted-keys folder).
    private func registeredKeyTexts() async throws -> [String] {
        let fingerprints = try await database.primary.query("SELECT fingerprint FROM signer_keys", logger: logger)
            .collect().map { try $0.decode(String.self) }
        var (texts, missing) = keyTexts.known(fingerprints)
        if !missing.isEmpty {
            let rows = try await database.primary.query(
                "SELECT fingerprint, public_key FROM signer_keys WHERE fingerprint = ANY(\(missing))", logger: logger
            ).collect()
            for row in rows {
                let (fingerprint, text) = try row.decode((String, String).self)
                keyTexts.add(fingerprint, text)
                texts.append(text)
            }
        }
        return texts
    }

    func ingest(_ bytes: Data, principal: Principal, client: String?) async throws -> IngestOutcome {
        let sha256 = SHA256Digest.hex(of: bytes)
        let receivedAt = Date()
        guard principal.role.files else {
            throw IngestRefusal.forbidden(
                "a \(principal.role.rawValue) account does not file bundles (inspector, evaluator, mall do)")
        }
        let bundle: VerifiedBundle
        let registered = try await registeredKeyTexts()
        do {
            bundle = try verifier.verify(bytes, registeredKeys: registered)
        } catch {
            try await refuse(error.problems, sha256: sha256, principal: principal, client: client)
        }
        if case .refused(let reason) = AccessPolicy.decide(.file(creditCode: bundle.mall.creditCode), for: principal) {
            try await database.record(
                AccessEvent(
                    "file-bundle", outcome: "forbidden", principal: principal, target: sha256, client: client,
                    detail: reason))
            throw IngestRefusal.forbidden(reason)
        }
        var problems = Self.shapeProblems(bundle)
        let keys = try await registeredKeys(bundle.signatures.map(\.fingerprint))
        problems += SignerCheck.problems(
            bundle: bundle, keys: keys, uploader: principal.accountID, receivedAt: receivedAt)
        if !problems.isEmpty {
            try await refuse(problems, sha256: sha256, principal: principal, client: client)
        }

        try store.keep(bytes, sha256: sha256)
        return try await database.transaction { connection in
            try await normalise(
                bundle, keys: keys, sha256: sha256, size: bytes.count, principal: principal, client: client,
                connection: connection)
        }
    }

    private func refuse(_ problems: [BundleProblem], sha256: String, principal: Principal, client: String?)
        async throws -> Never
    {
        try await database.record(
            AccessEvent(
                "file-bundle", outcome: "refused", principal: principal, target: sha256, client: client,
                detail: problems.map(\.code).joined(separator: ",")))
        throw IngestRefusal.invalid(problems)
    }

    /// What the database needs that the verifier does not promise: finite numbers.
    static func shapeProblems(_ bundle: VerifiedBundle) -> [BundleProblem] {
        var problems: [BundleProblem] = []
        for statement in bundle.statements {
            if let measured = statement.measured,
                !(measured.value.isFinite && (measured.margin?.isFinite ?? true))
            {
                problems.append(
                    BundleProblem(
                        code: "measured-not-finite",
                        message: "statement \(statement.statementID): the measured value is not a finite number"))
            }
        }
        return problems
    }

    private func registeredKeys(_ fingerprints: [String]) async throws -> [String: SignerCheck.RegisteredKey] {
        let rows = try await database.primary.query(
            """
            SELECT k.fingerprint, k.account_id, a.role, m.credit_code, k.valid_from, k.valid_until, k.revoked_at
            FROM signer_keys k JOIN accounts a ON a.id = k.account_id LEFT JOIN malls m ON m.id = a.mall_id
            WHERE k.fingerprint = ANY(\(fingerprints))
            """, logger: logger
        ).collect()
        var keys: [String: SignerCheck.RegisteredKey] = [:]
        for row in rows {
            let (fingerprint, account, role, code, from, until, revoked) = try row.decode(
                (String, Int64, String, String?, Date, Date?, Date?).self)
            keys[fingerprint] = SignerCheck.RegisteredKey(
                accountID: account, role: Role(rawValue: role), mallCreditCode: code, validFrom: from,
                validUntil: until, revokedAt: revoked)
        }
        return keys
    }

    // MARK: normalising

    private func normalise(
        _ bundle: VerifiedBundle, keys: [String: SignerCheck.RegisteredKey], sha256: String, size: Int,
        principal: Principal, client: String?, connection: PostgresConnection
    ) async throws -> IngestOutcome {
        let mall = bundle.mall
        _ = try await connection.query(
            """
            INSERT INTO malls (credit_code, name) VALUES (\(mall.creditCode), \(mall.name))
            ON CONFLICT (credit_code) DO NOTHING
            """, logger: logger)
        guard
            let mallID = try await connection.query(
                "SELECT id FROM malls WHERE credit_code = \(mall.creditCode)", logger: logger
            ).collect().first?.decode(Int64.self)
        else { throw ServerError.database("the mall \(mall.creditCode) vanished during ingest") }

        let summary = bundle.summary
        let selfAudit = principal.role == .mall
        let inserted = try await connection.query(
            """
            INSERT INTO runs (statement_digest, mall_id, run_ref, declared_mall_name, declared_district,
                judgement_date, tool_version, checklist_digest, format_version, conformance, pass_count, fail_count,
                error_count, not_applicable_count, not_assessed_count, shall_failures, should_adoption, filed_by,
                filer_role, self_audit)
            VALUES (\(bundle.statementDigest), \(mallID), \(bundle.runID), \(mall.name), \(mall.district),
                \(bundle.judgementDate)::date, \(bundle.toolVersion), \(bundle.checklistDigest),
                \(bundle.formatVersion), \(bundle.conformance.rawValue), \(summary.pass), \(summary.fail),
                \(summary.error), \(summary.notApplicable), \(summary.notAssessed), \(summary.shallFailures),
                \(summary.shouldAdoption), \(principal.accountID), \(principal.role.rawValue), \(selfAudit))
            ON CONFLICT (statement_digest) DO NOTHING
            RETURNING id
            """, logger: logger
        ).collect().first?.decode(Int64.self)

        let runID: Int64
        var closed: [Int64] = []
        if let inserted {
            runID = inserted
            try await insertResults(bundle, runID: runID, connection: connection)
            closed = try await updateRectifications(
                mallID: mallID, runID: runID, judgementDate: bundle.judgementDate, selfAudit: selfAudit,
                connection: connection)
        } else {
            guard
                let existing = try await connection.query(
                    "SELECT id FROM runs WHERE statement_digest = \(bundle.statementDigest)", logger: logger
                ).collect().first?.decode(Int64.self)
            else { throw ServerError.database("run \(bundle.statementDigest) vanished during ingest") }
            runID = existing
        }

        _ = try await connection.query(
            """
            INSERT INTO bundles (sha256, run_id, size, uploaded_by) VALUES (\(sha256), \(runID), \(size),
                \(principal.accountID))
            ON CONFLICT (sha256) DO NOTHING
            """, logger: logger)
        var added = 0
        for signature in bundle.signatures {
            guard let key = keys[signature.fingerprint] else { continue }
            let rows = try await connection.query(
                """
                INSERT INTO signatures (run_id, fingerprint, account_id, role, signer, organization, algorithm,
                    signed_at, bundle_sha256)
                VALUES (\(runID), \(signature.fingerprint), \(key.accountID), \(signature.role), \(signature.signer),
                    \(signature.organization), \(signature.algorithm), \(signature.signedAt), \(sha256))
                ON CONFLICT (run_id, fingerprint, role) DO NOTHING
                RETURNING id
                """, logger: logger
            ).collect()
            added += rows.count
        }
        try await connection.record(
            AccessEvent(
                "file-bundle", outcome: inserted != nil ? "created" : "known", principal: principal, mallID: mallID,
                target: sha256, client: client, detail: "run=\(runID) signatures_added=\(added)"), logger: logger)
        return IngestOutcome(
            created: inserted != nil, runId: runID, statementDigest: bundle.statementDigest, bundleSha256: sha256,
            mallCreditCode: mall.creditCode, signaturesAdded: added, selfAudit: selfAudit,
            rectificationsClosed: closed)
    }

    /// Statement results, checkpoints, findings and evidence, each in one statement (JSON rows expanded by
    /// PostgreSQL), so a bundle of a hundred statements costs four round trips, not hundreds.
    private func insertResults(_ bundle: VerifiedBundle, runID: Int64, connection: PostgresConnection) async throws {
        struct StatementRow: Encodable {
            var statement_id, clause_id, modality, verdict, reason: String
            var source, producer: String?
            var measured_value: Double?
            var threshold, unit: String?
            var sample: Int?
            var margin: Double?
            var areas: [VerifiedBundle.Area]?
        }
        struct CheckpointRow: Encodable {
            var statement_id, checkpoint_id, verdict, reason: String
            var source, producer: String?
            var areas: [VerifiedBundle.Area]?
        }
        struct FindingRow: Encodable {
            var statement_id: String
            var checkpoint_id: String?
            var verdict, note: String
            var assessor, recorded_at: String?
        }
        struct EvidenceRow: Encodable {
            var sha256, name: String
            var size: Int64?
            var statement_id, checkpoint_id: String?
        }
        let encoder = JSONEncoder()
        func json(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

        let statements = try json(
            bundle.statements.map {
                StatementRow(
                    statement_id: $0.statementID, clause_id: $0.clauseID, modality: $0.modality.rawValue,
                    verdict: $0.verdict.rawValue, reason: $0.reason, source: $0.source, producer: $0.producer,
                    measured_value: $0.measured?.value, threshold: $0.measured?.threshold, unit: $0.measured?.unit,
                    sample: $0.measured?.sample, margin: $0.measured?.margin, areas: $0.areas.isEmpty ? nil : $0.areas)
            })
        _ = try await connection.query(
            """
            INSERT INTO statement_results (run_id, statement_id, clause_id, modality, verdict, reason, source, producer,
                measured_value, threshold, unit, sample, margin, areas)
            SELECT \(runID), x.statement_id, x.clause_id, x.modality, x.verdict, x.reason, x.source, x.producer,
                x.measured_value, x.threshold, x.unit, x.sample, x.margin, x.areas
            FROM jsonb_to_recordset(\(statements)::jsonb) AS x(statement_id text, clause_id text, modality text,
                verdict text, reason text, source text, producer text, measured_value double precision,
                threshold text, unit text, sample integer, margin double precision, areas jsonb)
            """, logger: logger)

        let checkpoints = bundle.statements.flatMap { statement in
            statement.checkpoints.map {
                CheckpointRow(
                    statement_id: statement.statementID, checkpoint_id: $0.id, verdict: $0.verdict.rawValue,
                    reason: $0.reason, source: $0.source, producer: $0.producer, areas: $0.areas.isEmpty ? nil : $0.areas)
            }
        }
        if !checkpoints.isEmpty {
            _ = try await connection.query(
                """
                INSERT INTO checkpoint_results (statement_result_id, checkpoint_id, verdict, reason, source, producer,
                    areas)
                SELECT s.id, x.checkpoint_id, x.verdict, x.reason, x.source, x.producer, x.areas
                FROM jsonb_to_recordset(\(try json(checkpoints))::jsonb) AS x(statement_id text, checkpoint_id text,
                    verdict text, reason text, source text, producer text, areas jsonb)
                JOIN statement_results s ON s.run_id = \(runID) AND s.statement_id = x.statement_id
                """, logger: logger)
        }
        if !bundle.findings.isEmpty {
            let findings = try json(
                bundle.findings.map {
                    FindingRow(
                        statement_id: $0.statementID, checkpoint_id: $0.checkpointID, verdict: $0.verdict.rawValue,
                        note: $0.note, assessor: $0.assessor, recorded_at: $0.recordedAt)
                })
            _ = try await connection.query(
                """
                INSERT INTO findings (run_id, statement_id, checkpoint_id, verdict, note, assessor, recorded_at)
                SELECT \(runID), x.statement_id, x.checkpoint_id, x.verdict, x.note, x.assessor, x.recorded_at
                FROM jsonb_to_recordset(\(findings)::jsonb) AS x(statement_id text, checkpoint_id text, verdict text,
                    note text, assessor text, recorded_at text)
                """, logger: logger)
        }
        if !bundle.evidence.isEmpty {
            let evidence = try json(
                bundle.evidence.map {
                    EvidenceRow(
                        sha256: $0.sha256, name: $0.name, size: $0.size, statement_id: $0.statementID,
                        checkpoint_id: $0.checkpointID)
                })
            _ = try await connection.query(
                """
                INSERT INTO evidence (run_id, sha256, name, size, statement_id, checkpoint_id)
                SELECT \(runID), x.sha256, x.name, x.size, x.statement_id, x.checkpoint_id
                FROM jsonb_to_recordset(\(evidence)::jsonb) AS x(sha256 text, name text, size bigint,
                    statement_id text, checkpoint_id text)
                """, logger: logger)
        }
    }

    /// The rectification rule, applied to a new run of a mall with open items:
    /// - filed by an inspector or evaluator, judged no earlier than the run that opened the item, and passing the
    ///   item's statement: the item closes (`passing-run`);
    /// - a self-audit (filed by the mall) never closes an item: it becomes the item's latest progress report when
    ///   it is at least as recent as the one before and has a result for the statement.
    private func updateRectifications(
        mallID: Int64, runID: Int64, judgementDate: String, selfAudit: Bool, connection: PostgresConnection
    ) async throws -> [Int64] {
        if selfAudit {
            _ = try await connection.query(
                """
                UPDATE rectifications r SET progress_run_id = \(runID)
                FROM runs opened, statement_results s
                WHERE r.mall_id = \(mallID) AND r.state = 'open' AND opened.id = r.opened_run_id
                    AND \(judgementDate)::date >= opened.judgement_date
                    AND s.run_id = \(runID) AND s.statement_id = r.statement_id
                    AND (r.progress_run_id IS NULL
                        OR (SELECT p.judgement_date FROM runs p WHERE p.id = r.progress_run_id)
                            <= \(judgementDate)::date)
                """, logger: logger)
            return []
        }
        let rows = try await connection.query(
            """
            UPDATE rectifications r SET state = 'closed', closed_at = now(), closed_by_run_id = \(runID),
                close_reason = 'passing-run'
            FROM runs opened, statement_results s
            WHERE r.mall_id = \(mallID) AND r.state = 'open' AND opened.id = r.opened_run_id
                AND r.opened_run_id <> \(runID) AND \(judgementDate)::date >= opened.judgement_date
                AND s.run_id = \(runID) AND s.statement_id = r.statement_id AND s.verdict = 'pass'
            RETURNING r.id
            """, logger: logger
        ).collect()
        return try rows.map { try $0.decode(Int64.self) }.sorted()
    }
}

/// Whether a bundle's signatures are acceptable to the service: the rule written once, above the code.
///
/// - Every signature's key is registered (`mallaudit-server key add`) to an account, and was valid for it at the
///   self-declared signing time: not before `valid_from`, not after `valid_until`, not at or after its revocation.
/// - A signature's role is its key's account role (an inspector's key signs as inspector, a mall's as mall), and a
///   mall's key signs for its own mall only.
/// - No signing time lies in the future of the server's receipt (beyond a small clock skew).
/// - At least one signature is by a key registered to the uploading account.
enum SignerCheck {
    struct RegisteredKey: Sendable, Hashable {
        var accountID: Int64
        var role: Role?
        var mallCreditCode: String?
        var validFrom: Date
        var validUntil: Date?
        var revokedAt: Date?
    }

    static func problems(
        bundle: VerifiedBundle, keys: [String: RegisteredKey], uploader: Int64, receivedAt: Date
    ) -> [BundleProblem] {
        var problems: [BundleProblem] = []
        var signedByUploader = false
        let stamp = ISO8601DateFormatter()
        for signature in bundle.signatures {
            let fingerprint = signature.fingerprint
            let when = stamp.string(from: signature.signedAt)
            guard let key = keys[fingerprint] else {
                problems.append(
                    BundleProblem(
                        code: "key-unregistered", message: "key \(fingerprint) is not registered to any account"))
                continue
            }
            if signature.signedAt > receivedAt.addingTimeInterval(Ingest.clockSkew) {
                problems.append(
                    BundleProblem(
                        code: "signing-time-future",
                        message: "the signature by \(fingerprint) claims \(when), after the server received it"))
                continue
            }
            var valid = signature.signedAt >= key.validFrom
            if let until = key.validUntil, signature.signedAt > until { valid = false }
            if let revoked = key.revokedAt, signature.signedAt >= revoked { valid = false }
            if !valid {
                let revoked = key.revokedAt.map { ", revoked \(stamp.string(from: $0))" } ?? ""
                let until = key.validUntil.map { stamp.string(from: $0) } ?? "open"
                problems.append(
                    BundleProblem(
                        code: "key-not-valid",
                        message: "key \(fingerprint) was not valid at the signing time \(when) (valid "
                            + "\(stamp.string(from: key.validFrom)) to \(until)\(revoked))"))
                continue
            }
            guard key.role?.rawValue == signature.role else {
                problems.append(
                    BundleProblem(
                        code: "signature-role",
                        message: "key \(fingerprint) belongs to a \(key.role?.rawValue ?? "?") account but signed as "
                            + signature.role))
                continue
            }
            if key.role == .mall, key.mallCreditCode != bundle.mall.creditCode {
                problems.append(
                    BundleProblem(
                        code: "signature-mall",
                        message: "key \(fingerprint) belongs to another mall's account and cannot sign for this mall"))
                continue
            }
            if key.accountID == uploader { signedByUploader = true }
        }
        if !signedByUploader {
            problems.append(
                BundleProblem(
                    code: "not-signed-by-uploader",
                    message: "no valid signature in the bundle is by a key registered to the uploading account"))
        }
        return problems
    }
}
