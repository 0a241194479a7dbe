import Foundation
import Testing

/// `POST /api/v1/bundles` against the real server and PostgreSQL: verification, idempotency by statement digest,
/// countersignatures, every refusal, and that a refusal writes nothing.
@Suite("Ingest")
struct IngestTests {
    @Test("A new bundle is 201, kept under its SHA-256 and normalised; the same bundle again is 200")
    func newThenSame() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let bundle = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "RUN-1", failing: ["5.1.2-3"])
        let bytes = bundle.signed([Signing(signer: bureau.inspectorKey, role: "inspector")])

        let first = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.inspector.token))
        #expect(first.status == 201, "\(first.text)")
        #expect(first.object["created"] as? Bool == true)
        #expect(first.object["statementDigest"] as? String == bundle.statementDigest)
        #expect(first.object["bundleSha256"] as? String == sha256Hex(bytes))
        #expect(first.object["signaturesAdded"] as? Int == 1)
        #expect(first.object["selfAudit"] as? Bool == false)

        // Kept unchanged, as a file named by its digest.
        let digest = sha256Hex(bytes)
        let kept = world.store.appendingPathComponent(String(digest.prefix(2))).appendingPathComponent(digest)
        #expect(try Data(contentsOf: kept) == bytes)

        // Normalised: the run, its six results, the checkpoints, the measured value, the signature.
        #expect(try world.count("SELECT count(*) FROM runs") == 1)
        #expect(try world.sql("SELECT conformance, fail_count, shall_failures, judgement_date FROM runs")
                == "nonConformant|1|1|2025-03-01")
        #expect(try world.count("SELECT count(*) FROM statement_results") == 6)
        #expect(try world.sql(
            "SELECT measured_value, threshold, unit, sample, margin FROM statement_results WHERE statement_id = '5.1.2-3'")
                == "120|≥ 180|days|200|-60")
        #expect(try world.sql(
            """
            SELECT string_agg(c.checkpoint_id || '=' || c.verdict, ',' ORDER BY c.checkpoint_id)
            FROM checkpoint_results c JOIN statement_results s ON s.id = c.statement_result_id
            WHERE s.statement_id = '5.2.5-6'
            """) == "a=pass,b=pass")
        // The self-declared signing time and the server's own receipt time, side by side.
        let signature = try world.sql(
            """
            SELECT fingerprint, role, to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                received_at > now() - interval '5 minutes'
            FROM signatures
            """)
        #expect(signature == "\(bureau.inspectorKey.fingerprint)|inspector|2025-03-01 02:00:00|t")

        let again = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.inspector.token))
        #expect(again.status == 200, "\(again.text)")
        #expect(again.object["created"] as? Bool == false)
        #expect(again.object["runId"] as? Int == first.object["runId"] as? Int)
        #expect(again.object["signaturesAdded"] as? Int == 0)
        #expect(try world.count("SELECT count(*) FROM runs") == 1)
        #expect(try world.count("SELECT count(*) FROM signatures") == 1)
        #expect(try world.count("SELECT count(*) FROM statement_results") == 6)
    }

    @Test("A countersigned copy is the same run: 200, and the mall's signature is added to it")
    func countersignature() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let bundle = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "RUN-1")
        let inspectorOnly = bundle.signed([Signing(signer: bureau.inspectorKey, role: "inspector")])
        let countersigned = bundle.signed([
            Signing(signer: bureau.inspectorKey, role: "inspector"),
            Signing(signer: bureau.mallAKey, role: "mall", signedAt: "2025-03-02T09:30:00+08:00", name: "商场负责人"),
        ])
        let first = try await api.post("/api/v1/bundles", data: inspectorOnly, as: .token(bureau.inspector.token))
        #expect(first.status == 201)
        // The mall files the countersigned copy of the inspector's run.
        let second = try await api.post("/api/v1/bundles", data: countersigned, as: .token(bureau.mallAAccount.token))
        #expect(second.status == 200, "\(second.text)")
        #expect(second.object["runId"] as? Int == first.object["runId"] as? Int)
        #expect(second.object["signaturesAdded"] as? Int == 1)
        #expect(try world.count("SELECT count(*) FROM runs") == 1)
        #expect(try world.sql("SELECT string_agg(role, ',' ORDER BY role) FROM signatures") == "inspector,mall")
        // Both files are kept; the run stays the inspector's (not a self-audit).
        #expect(try world.count("SELECT count(*) FROM bundles") == 2)
        #expect(try world.sql("SELECT self_audit, filer_role FROM runs") == "f|inspector")
    }

    @Test("A bundle that does not verify is refused with each problem, and nothing is written")
    func refusedWritesNothing() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let base = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "RUN-1", failing: ["6.1.d"])
        let sign = [Signing(signer: bureau.inspectorKey, role: "inspector")]

        // A verdict edited after signing: the signature no longer verifies.
        let edited = base.signed(sign) { payload in
            payload = Data(String(decoding: payload, as: UTF8.self)
                .replacingOccurrences(of: #""verdict":"fail""#, with: #""verdict":"pass""#).utf8)
        }
        var lying = base
        lying.summaryOverride = ["fail": 0, "pass": 6, "shallFailures": 0]
        lying.conformanceOverride = "conformant"
        var wrongCheckpoints = base
        wrongCheckpoints.statements[3].checkpoints = [("a", "fail")]
        let cases: [(String, Data, [String])] = [
            // The verdict no longer matches the signature, nor the summary signed with it.
            ("edited after signing", edited, ["signature-invalid", "summary-mismatch", "summary-mismatch"]),
            ("a false summary, signed", lying.signed(sign), ["summary-mismatch", "summary-mismatch"]),
            ("checkpoints that do not add up", wrongCheckpoints.signed(sign), ["checkpoint-mismatch"]),
            ("not signed at all", base.signed([]), ["unsigned"]),
            ("signed by a key nobody trusts", base.signed([Signing(signer: TestSigner(), role: "inspector")]),
             ["untrusted-key"]),
            ("not a bundle", Data("PK\u{3}\u{4} not json".utf8), ["unreadable"]),
        ]
        for (name, bytes, codes) in cases {
            let answer = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.inspector.token))
            #expect(answer.status == 422, "\(name): \(answer.text)")
            #expect(answer.errorCode == "bundle-refused", "\(name)")
            #expect(answer.problemCodes == codes, "\(name): \(answer.text)")
        }
        #expect(try world.count("SELECT count(*) FROM runs") == 0)
        #expect(try world.count("SELECT count(*) FROM bundles") == 0)
        #expect(try world.count("SELECT count(*) FROM statement_results") == 0)
        #expect(try world.count("SELECT count(*) FROM signatures") == 0)
        #expect(try world.count("SELECT count(*) FROM malls") == 2)
        let stored = (try? FileManager.default.contentsOfDirectory(atPath: world.store.path)) ?? []
        #expect(stored.filter { !$0.hasPrefix(".") }.isEmpty, "store holds \(stored)")
        // Each refusal is in the access log, with its problem codes.
        #expect(try world.count("SELECT count(*) FROM access_log WHERE action = 'file-bundle' AND outcome = 'refused'")
                == cases.count)
    }

    @Test("A signing key is accepted only when registered to the uploader and valid at the signing time")
    func keyRegistryAndValidity() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let bundle = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "RUN-K")

        // A key valid 2025-01-01 … 2025-06-30 (end of day is the instant 2025-06-30T00:00Z).
        let bounded = TestSigner()
        try world.register(bounded, to: "inspector", from: "2025-01-01T00:00:00Z", until: "2025-06-30T00:00:00Z")
        func signed(_ signer: TestSigner, at time: String, role: String = "inspector") -> Data {
            var copy = bundle
            copy.run = "RUN-\(time)-\(role)"
            return copy.signed([Signing(signer: signer, role: role, signedAt: time)])
        }
        let cases: [(String, Data, String, [String])] = [
            ("one second before the validity", signed(bounded, at: "2024-12-31T23:59:59Z"), bureau.inspector.token,
             ["key-not-valid", "not-signed-by-uploader"]),
            ("at the first instant", signed(bounded, at: "2025-01-01T00:00:00Z"), bureau.inspector.token, []),
            ("at the last instant", signed(bounded, at: "2025-06-30T00:00:00Z"), bureau.inspector.token, []),
            ("one second after", signed(bounded, at: "2025-06-30T00:00:01Z"), bureau.inspector.token,
             ["key-not-valid", "not-signed-by-uploader"]),
            // The evaluator's key is registered, but to someone else than the uploader.
            ("someone else's key", signed(bureau.evaluatorKey, at: "2025-03-01T00:00:00Z", role: "evaluator"),
             bureau.inspector.token, ["not-signed-by-uploader"]),
            // A key signing as a role its account does not have.
            ("an inspector's key signing as mall", signed(bureau.inspectorKey, at: "2025-03-01T00:00:00Z", role: "mall"),
             bureau.inspector.token, ["signature-role", "not-signed-by-uploader"]),
            ("a signing time in the future", signed(bureau.inspectorKey, at: "2099-01-01T00:00:00Z"),
             bureau.inspector.token, ["signing-time-future", "not-signed-by-uploader"]),
        ]
        for (name, bytes, token, codes) in cases {
            let answer = try await api.post("/api/v1/bundles", data: bytes, as: .token(token))
            if codes.isEmpty {
                #expect(answer.status == 201, "\(name): \(answer.text)")
            } else {
                #expect(answer.status == 422, "\(name): \(answer.text)")
                #expect(answer.problemCodes == codes, "\(name): \(answer.text)")
            }
        }

        // A trusted key nobody registered: the verifier accepts it, the registry does not.
        let stray = TestSigner()
        try stray.publicKeyFile.write(
            to: world.keys.appendingPathComponent("stray.pub"), atomically: true, encoding: .utf8)
        let unregistered = try await api.post(
            "/api/v1/bundles", data: signed(stray, at: "2025-03-01T00:00:00Z"), as: .token(bureau.inspector.token))
        #expect(unregistered.problemCodes == ["key-unregistered", "not-signed-by-uploader"], "\(unregistered.text)")

        // Revocation: signatures made before it stay valid, those at or after it are refused.
        try world.admin(["key", "revoke", "--fingerprint", bounded.fingerprint, "--at", "2025-03-01T00:00:00Z",
                         "--reason", "laptop lost"])
        let before = try await api.post(
            "/api/v1/bundles", data: signed(bounded, at: "2025-02-28T23:59:59Z"), as: .token(bureau.inspector.token))
        #expect(before.status == 201, "\(before.text)")
        let at = try await api.post(
            "/api/v1/bundles", data: signed(bounded, at: "2025-03-01T00:00:00Z"), as: .token(bureau.inspector.token))
        #expect(at.problemCodes == ["key-not-valid", "not-signed-by-uploader"], "\(at.text)")
    }

    @Test("Who may file: a mall for itself only, bureau accounts not at all, nobody without a token")
    func whoMayFile() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let forB = TestBundle.mall(Bureau.mallB, "金鹰国际购物中心", run: "SELF-1")
        // Mall A's account, with mall A's key, filing a self-audit of mall B.
        let answer = try await api.post(
            "/api/v1/bundles", data: forB.signed([Signing(signer: bureau.mallAKey, role: "mall")]),
            as: .token(bureau.mallAAccount.token))
        #expect(answer.status == 403, "\(answer.text)")
        // Mall B filing its own self-audit is accepted and marked as such.
        let own = try await api.post(
            "/api/v1/bundles", data: forB.signed([Signing(signer: bureau.mallBKey, role: "mall")]),
            as: .token(bureau.mallBAccount.token))
        #expect(own.status == 201, "\(own.text)")
        #expect(own.object["selfAudit"] as? Bool == true)
        // A mall's key cannot sign for another mall, whoever uploads.
        let other = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "X-1").signed([
            Signing(signer: bureau.inspectorKey, role: "inspector"), Signing(signer: bureau.mallBKey, role: "mall"),
        ])
        let crossed = try await api.post("/api/v1/bundles", data: other, as: .token(bureau.inspector.token))
        #expect(crossed.problemCodes == ["signature-mall"], "\(crossed.text)")

        let inspection = bureau.inspection(Bureau.mallA, run: "R-1")
        for account in [bureau.admin, bureau.viewer] {
            let refused = try await api.post("/api/v1/bundles", data: inspection, as: .token(account.token))
            #expect(refused.status == 403, "\(account.role): \(refused.text)")
        }
        let anonymous = try await api.post("/api/v1/bundles", data: inspection)
        #expect(anonymous.status == 401)
        let badToken = try await api.post("/api/v1/bundles", data: inspection, as: .token("mat_not-a-token"))
        #expect(badToken.status == 401)
        #expect(try world.count("SELECT count(*) FROM runs") == 1)
    }

    @Test("The upload limit: a bundle of exactly the limit is accepted, one byte more is 413")
    func uploadLimit() async throws {
        let probe = try ServerWorld()
        let bureau = try Bureau(probe)
        let bytes = bureau.inspection(Bureau.mallA, run: "SIZE")
        try probe.writeConfig("limits: {upload_bytes: \(bytes.count), requests_per_second: 1000, burst: 2000}")
        let api = APIClient(try await probe.start())
        let padded = bytes + Data(" ".utf8)  // JSON allows trailing whitespace: still a valid bundle
        let tooLarge = try await api.post("/api/v1/bundles", data: padded, as: .token(bureau.inspector.token))
        #expect(tooLarge.status == 413, "\(tooLarge.text)")
        let exact = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.inspector.token))
        #expect(exact.status == 201, "\(exact.text)")
    }
}
