import Foundation
import Testing
import func TestSupport.zipEntries

/// `POST /api/v1/bundles` against the real server and PostgreSQL: verification, idempotency by statement digest,
/// countersignatures, every refusal, and that a refusal writes nothing.
@Suite("Ingest")
struct IngestTests {
    @Test("A new bundle is 201, kept under its SHA-256 and normalised from its verified report; the same bundle again is 200")
    func newThenSame() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let source = try SourceRun.shared.get()
        // 6.1.d failed by the inspector's finding; 5.1.2-3 failed as the real run measured it.
        let bundle = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "RUN-1", failing: ["6.1.d", "5.1.2-3"])
        let bytes = bundle.signed([Signing(signer: bureau.inspectorKey, role: "inspector")])

        let first = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.inspector.token))
        #expect(first.status == 201, "\(first.text)")
        #expect(first.object["created"] as? Bool == true)
        #expect(first.object["statementDigest"] as? String == (try statementDigest(of: bytes)))
        #expect(first.object["bundleSha256"] as? String == sha256Hex(bytes))
        #expect(first.object["signaturesAdded"] as? Int == 1)
        #expect(first.object["selfAudit"] as? Bool == false)

        // Kept unchanged, as a file named by its digest.
        let digest = sha256Hex(bytes)
        let kept = world.store.appendingPathComponent(String(digest.prefix(2))).appendingPathComponent(digest)
        #expect(try Data(contentsOf: kept) == bytes)

        // Normalised: the run, one result per statement of the checklist, as the run's report states them.
        #expect(try world.count("SELECT count(*) FROM runs") == 1)
        #expect(try world.sql("SELECT run_ref, conformance, fail_count, shall_failures, judgement_date FROM runs")
                == "RUN-1|nonConformant|2|2|2025-03-01")
        #expect(try world.count("SELECT count(*) FROM statement_results") == source.factory.statementIDs.count)
        let expected = bundle.expectedRows
        func rows(_ query: String) throws -> Set<String> { Set(try world.sql(query).split(separator: "\n").map(String.init)) }
        #expect(try rows("SELECT statement_id || '=' || verdict || '/' || source FROM statement_results")
                == expected.statements)
        #expect(!expected.checkpoints.isEmpty)
        #expect(try rows("SELECT checkpoint_id || '=' || verdict || '/' || source FROM checkpoint_results")
                == expected.checkpoints)
        #expect(try world.sql("SELECT verdict, source, producer FROM statement_results WHERE statement_id = '6.1.d'")
                == "fail|manual|测试检查员")
        // The real run's measured value (WiFi log retention), with its threshold, sample and margin.
        let measured = try #require(source.result("5.1.2-3")?.measurement)
        let threshold = try #require(measured.threshold)
        let stored = try world.sql(
            "SELECT measured_value, threshold, unit, sample, margin FROM statement_results WHERE statement_id = '5.1.2-3'")
        let stated = "\(Self.number(measured.value))|\(threshold.comparison.symbol) \(Self.number(threshold.value))|"
            + "\(measured.unit)|\(measured.sample.map(String.init) ?? "")|\(measured.margin.map(Self.number) ?? "")"
        #expect(stored == stated)
        // Evidence digests: every file the run cites.
        let cited = source.factory.source.evidence.map(\.sha256)
        #expect(!cited.isEmpty)
        #expect(try rows("SELECT DISTINCT sha256 FROM evidence") == Set(cited))
        // Findings: the manual results (the run's own findings and the inspector's findings of the variant).
        #expect(try world.count("SELECT count(*) FROM findings WHERE statement_id = '6.1.d' AND verdict = 'fail'") == 1)
        #expect(try world.count("SELECT count(*) FROM findings WHERE checkpoint_id IS NULL")
                == expected.statements.filter { $0.hasSuffix("/manual") }.count)
        #expect(try world.count("SELECT count(*) FROM findings WHERE checkpoint_id IS NOT NULL")
                == expected.checkpoints.filter { $0.hasSuffix("/manual") }.count)
        // The self-declared signing time and the server's own receipt time, side by side.
        let signature = try world.sql(
            """
            SELECT fingerprint, role, signer, organization, algorithm,
                to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), received_at > now() - interval '5 minutes'
            FROM signatures
            """)
        #expect(signature == "\(bureau.inspectorKey.fingerprint)|inspector|王工|徐州市商务局|sm2-sm3|2025-03-01 02:00:00|t")

        let again = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.inspector.token))
        #expect(again.status == 200, "\(again.text)")
        #expect(again.object["created"] as? Bool == false)
        #expect(again.object["runId"] as? Int == first.object["runId"] as? Int)
        #expect(again.object["signaturesAdded"] as? Int == 0)
        #expect(try world.count("SELECT count(*) FROM runs") == 1)
        #expect(try world.count("SELECT count(*) FROM signatures") == 1)
        #expect(try world.count("SELECT count(*) FROM statement_results") == source.factory.statementIDs.count)
    }

    /// A number as psql prints a double precision column.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
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
            Signing(signer: bureau.mallAKey, role: "mall", signedAt: "2025-03-02T09:30:00+08:00"),
        ])
        // Two files (the SM2 signature is randomized, and one more signature), one statement.
        #expect(inspectorOnly != countersigned)
        // Should they ever differ (once, in a loaded run, not reproduced since), say which member or field did.
        #expect(
            try statementDigest(of: inspectorOnly) == (try statementDigest(of: countersigned)),
            "\((try? statementDifference(inspectorOnly, countersigned)) ?? "statements unreadable")")
        let first = try await api.post("/api/v1/bundles", data: inspectorOnly, as: .token(bureau.inspector.token))
        #expect(first.status == 201)
        // The mall files the countersigned copy of the inspector's run.
        let second = try await api.post("/api/v1/bundles", data: countersigned, as: .token(bureau.mallAAccount.token))
        #expect(second.status == 200, "\(second.text)")
        #expect(second.object["runId"] as? Int == first.object["runId"] as? Int)
        #expect(second.object["signaturesAdded"] as? Int == 1)
        #expect(try world.count("SELECT count(*) FROM runs") == 1)
        #expect(try world.sql("SELECT string_agg(role || ':' || signer, ',' ORDER BY role) FROM signatures")
                == "inspector:王工,mall:李经理")
        // Both files are kept; the run stays the inspector's (not a self-audit).
        #expect(try world.count("SELECT count(*) FROM bundles") == 2)
        #expect(try world.sql("SELECT self_audit, filer_role FROM runs") == "f|inspector")
    }

    @Test("Hostile or false bundles are refused with each problem by the verifier of mallaudit verify; nothing is written")
    func refusedWritesNothing() async throws {
        let world = try ServerWorld()
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let base = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "RUN-1", failing: ["6.1.d"])
        let sign = [Signing(signer: bureau.inspectorKey, role: "inspector")]
        func flipVerdict(_ entries: inout [(path: String, data: Data)]) throws {
            let index = try #require(entries.firstIndex { $0.path == "reports/report.xml" })
            var text = String(decoding: entries[index].data, as: UTF8.self)
            let range = try #require(text.range(of: #"id="6.1.d" modality="shall" verdict="fail""#))
            text.replaceSubrange(range, with: #"id="6.1.d" modality="shall" verdict="pass""#)
            entries[index].data = Data(text.utf8)
        }
        let otherMall = TestBundle.mall(Bureau.mallB, "金鹰国际购物中心", run: "RUN-B").signed(sign)
        let cases: [(String, Data, Set<String>)] = [
            // A verdict edited after signing: the report no longer matches the signed statement (nor the manifest).
            ("a verdict edited after signing", base.signed(sign) { try flipVerdict(&$0) },
             ["member-changed", "manifest-mismatch"]),
            // The same edit, re-hashed and re-signed by a trusted key: the summary recomputed from the statement
            // verdicts no longer equals the one the report and the predicate state.
            ("a verdict edited, re-hashed and re-signed", base.signed(sign) {
                try flipVerdict(&$0)
                $0 = try resign($0, by: bureau.inspectorKey)
            }, ["summary-mismatch"]),
            // Mall B's report in mall A's bundle, re-signed.
            ("another mall's report, re-signed", base.signed(sign) { entries in
                let index = try #require(entries.firstIndex { $0.path == "reports/report.xml" })
                entries[index].data = try #require(try zipEntries(otherMall).first { $0.path == "reports/report.xml" }).data
                entries = try resign(entries, by: bureau.inspectorKey)
            }, ["report-mismatch", "summary-mismatch"]),
            ("a member added", base.signed(sign) { $0.append(("notes.txt", Data("added later".utf8))) },
             ["member-extra", "manifest-mismatch"]),
            ("a member removed", base.signed(sign) { $0.removeAll { $0.path == "reports/report.html" } },
             ["member-missing", "manifest-mismatch"]),
            ("a zip-slip name", base.signed(sign) { $0.append(("../../etc/evil", Data("x".utf8))) }, ["zip-slip"]),
            ("signed by a key nobody trusts",
             base.signed([Signing(signer: TestSigner(name: "陌生人", organization: "无"), role: "inspector")]),
             ["signature-untrusted"]),
            ("a truncated archive", base.signed(sign).prefix(4000), ["zip-unreadable"]),
            ("not a bundle", Data("PK\u{3}\u{4} not a zip".utf8), ["zip-unreadable"]),
        ]
        for (name, bytes, codes) in cases {
            let answer = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.inspector.token))
            #expect(answer.status == 422, "\(name): \(answer.text)")
            #expect(answer.errorCode == "bundle-refused", "\(name)")
            #expect(Set(answer.problemCodes) == codes, "\(name): \(answer.text)")
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

    @Test("A key in the server's revocation file (bundles.revoked) is refused by the verifier, whatever the time")
    func revocationFile() async throws {
        let world = try ServerWorld(revocations: true)
        let bureau = try Bureau(world)
        let api = APIClient(try await world.start())
        let before = bureau.inspection(Bureau.mallA, run: "R-1")
        #expect(try await api.post("/api/v1/bundles", data: before, as: .token(bureau.inspector.token)).status == 201)
        let revoked = try #require(world.revoked)
        try "# revoked signer keys\n\(bureau.inspectorKey.fingerprint) laptop lost\n"
            .write(to: revoked, atomically: true, encoding: .utf8)
        // The same key, an earlier signing time: still refused (the file revokes outright).
        let after = TestBundle.mall(Bureau.mallA, "云龙万达广场", run: "R-2")
            .signed([Signing(signer: bureau.inspectorKey, role: "inspector", signedAt: "2024-01-01T00:00:00Z")])
        let answer = try await api.post("/api/v1/bundles", data: after, as: .token(bureau.inspector.token))
        #expect(answer.status == 422 && answer.problemCodes == ["key-revoked"], "\(answer.text)")
        #expect(try world.count("SELECT count(*) FROM runs") == 1)
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
            ("a signing time in the future", signed(bureau.inspectorKey, at: "2029-06-01T00:00:00Z"),
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
        let padded = bytes + Data(" ".utf8)  // refused on its size, before anything reads it
        let tooLarge = try await api.post("/api/v1/bundles", data: padded, as: .token(bureau.inspector.token))
        #expect(tooLarge.status == 413, "\(tooLarge.text)")
        let exact = try await api.post("/api/v1/bundles", data: bytes, as: .token(bureau.inspector.token))
        #expect(exact.status == 201, "\(exact.text)")
    }
}
