import AuditBundle
import AuditModel
import AuditSigning
import AuditTestKit
import Crypto
import Foundation
import Testing
import func TestSupport.resign
import func TestSupport.zipBytes
import func TestSupport.zipEntries

// Real signed bundles for the server's tests: the zip, reports, manifest and DSSE envelope of `mallaudit bundle`,
// written by the bundle library from ONE real stored run (`mallaudit run` over a copy of the demo mall), varied per
// mall, run, judgement date and verdicts by AuditTestKit's `BundleFactory`, and signed with keys made by the key
// generation of `mallaudit keys generate` (SM2 and Ed25519). The server verifies each with `BundleVerifier.verify`,
// the function `mallaudit verify` calls.

/// The real run every test bundle is made from: `mallaudit run` over a copy of examples/demo-mall, restricted to the
/// statements no network probe feeds (findings with evidence, N/A decisions, measured checks), judged as of
/// 2026-11-20. Made once per test process.
struct SourceRun: Sendable {
    let folder: URL
    let site: URL
    let database: URL
    let factory: BundleFactory

    static let scope = "5.1.2-3,8.2.1-3,8.1.2-2,6.6,6.9.1,5.2.5-1,5.2.5-6,5.2.5-7,5.2.5-2,7.4.1,6.7.1,8.2.2,6.8,5.1.1,"
        + "7.3.3,7.4.7"
    static let checklist = repositoryRoot().appendingPathComponent("checklists/mall-digital-service.xml")

    static let shared = Result { try SourceRun.make() }

    static func make() throws -> SourceRun {
        let folder = try temporaryDirectory()
        let copy = folder.appendingPathComponent("mall")
        try FileManager.default.copyItem(at: repositoryRoot().appendingPathComponent("examples/demo-mall"), to: copy)
        try? FileManager.default.removeItem(at: copy.appendingPathComponent(".demo-state"))
        let site = copy.appendingPathComponent("site.yaml")
        var text = try String(contentsOf: site, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "probes: [../../probes]", with: "probes: [\(repositoryRoot().appendingPathComponent("probes").path)]")
        try text.write(to: site, atomically: true, encoding: .utf8)
        let database = copy.appendingPathComponent("mallaudit.sqlite")
        // The SNMP probes in scope need the core switch's community before anything runs; no agent answers there.
        let outcome = try runProcess(
            ServerWorld.cli,
            ["run", "--site", site.path, "--db", database.path, "--as-of", "2026-11-20", "--only", scope],
            environment: ["DEMO_SNMP_COMMUNITY": "no-demo-peer"])
        guard FileManager.default.fileExists(atPath: database.path), outcome.status == 2 else {
            throw ServerWorld.CommandFailed(message: "mallaudit run failed (\(outcome.status)): \(outcome.stderr)")
        }
        let factory = try BundleFactory(database: database, site: site, checklist: checklist)
        return SourceRun(folder: folder, site: site, database: database, factory: factory)
    }

    /// The source run's own result of a statement.
    func result(_ id: String) -> StatementResult? {
        factory.source.report.results.first { $0.statementID == id }
    }
}

/// A signer key made by `KeyGeneration.generate` (what `mallaudit keys generate` runs), unencrypted, valid from
/// 2020-01-01 for ten years (the longest `keys generate` allows).
struct TestSigner: Sendable {
    let identity: SigningIdentity
    let privateKeyFile: URL

    init(algorithm: SigningAlgorithm = .ed25519, name: String = "测试签名人", organization: String = "测试单位") {
        let folder = try! temporaryDirectory()
        privateKeyFile = folder.appendingPathComponent("signer.key")
        _ = try! KeyGeneration.generate(
            algorithm: algorithm, holder: KeyHolder(name: name, organization: organization),
            validDays: KeyGeneration.maximumValidDays, passphrase: nil, output: privateKeyFile,
            now: Date(timeIntervalSince1970: 1_577_836_800))  // 2020-01-01T00:00:00Z
        identity = try! SigningIdentity.load(keyFile: privateKeyFile, passphrase: nil)
    }

    /// The public key file (JSON) `mallaudit keys generate` writes beside the private key.
    var publicKeyFile: String { String(decoding: identity.publicKeyFile.file.encoded(), as: UTF8.self) }
    var publicKeyURL: URL { PublicKeyFile.url(forPrivateKey: privateKeyFile) }

    /// SHA-256 of the key's DER SubjectPublicKeyInfo, computed here from the PEM in the public key file.
    var fingerprint: String {
        let pem = identity.publicKeyFile.file.publicKey
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return sha256Hex(Data(base64Encoded: body)!)
    }
}

/// One signature to put on a test bundle (the first makes it, the others countersign).
struct Signing: Sendable {
    var signer: TestSigner
    var role: String
    var signedAt: String = "2025-03-01T10:00:00+08:00"

    var bundleSigning: BundleSigning {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return BundleSigning(
            signer.identity, role: SignerRole(rawValue: role)!, at: formatter.date(from: signedAt)!)
    }
}

/// A bundle of the source run for one mall and run. By default every statement the source run did not pass or
/// decide not applicable is given a pass (an inspector's finding), so that a bundle is conformant unless told which
/// statements fail or err; the statements the run did pass keep the run's own results (measured values, evidence).
/// A statement told to fail (or err) that the run itself failed (or erred) keeps the run's own result: 5.1.2-3, the
/// demo's WiFi log retention, fails with its measured value.
struct TestBundle: Sendable {
    var mallName: String
    var creditCode: String
    var district: String? = "云龙区"
    var run: String
    var judgementDate: String = "2025-03-01"
    var failing: Set<String> = []
    var erroring: Set<String> = []

    static func mall(
        _ code: String, _ name: String, run: String, failing: Set<String> = [], erroring: Set<String> = [],
        date: String = "2025-03-01"
    ) -> TestBundle {
        TestBundle(
            mallName: name, creditCode: code, run: run, judgementDate: date, failing: failing, erroring: erroring)
    }

    var variant: BundleVariant {
        let source = try! SourceRun.shared.get()
        var verdicts: [String: Verdict] = [:]
        for id in source.factory.statementIDs {
            let verdict = source.result(id)?.verdict
            if verdict != .pass && verdict != .notApplicable { verdicts[id] = .pass }
        }
        for id in erroring { verdicts[id] = source.result(id)?.verdict == .error ? nil : .error }
        for id in failing { verdicts[id] = source.result(id)?.verdict == .fail ? nil : .fail }
        return BundleVariant(
            mallName: mallName, creditCode: creditCode, district: district, runID: run, judgementDate: judgementDate,
            verdicts: verdicts)
    }

    /// Every statement of the checklist with its verdict and source as the bundle's report states them, and every
    /// checkpoint (`ID=verdict/source`), computed here from the variant (not by the server).
    var expectedRows: (statements: Set<String>, checkpoints: Set<String>) {
        let source = try! SourceRun.shared.get().factory.source(for: variant)
        let results = Dictionary(source.report.results.map { ($0.statementID, $0) }, uniquingKeysWith: { a, _ in a })
        var statements: Set<String> = []
        var checkpoints: Set<String> = []
        for statement in source.report.checklist.statements {
            let result = results[statement.id]
            statements.insert(
                "\(statement.id)=\(result?.verdict.rawValue ?? "notAssessed")/\(result?.source.rawValue ?? "none")")
            for checkpoint in result?.checkpoints ?? [] {
                checkpoints.insert("\(checkpoint.checkpointID)=\(checkpoint.verdict.rawValue)/\(checkpoint.source.rawValue)")
            }
        }
        return (statements, checkpoints)
    }

    /// The bundle's bytes, signed as asked (the first signing makes it, the others countersign it). `tamper` edits
    /// the zip's members afterwards, as an attacker without the keys would.
    func signed(_ signings: [Signing], tamper: ((inout [(path: String, data: Data)]) throws -> Void)? = nil) -> Data {
        let source = try! SourceRun.shared.get()
        let output = try! temporaryDirectory().appendingPathComponent("bundle.zip")
        defer { try? FileManager.default.removeItem(at: output.deletingLastPathComponent()) }
        try! source.factory.write(variant, signings: signings.map(\.bundleSigning), output: output)
        var bytes = try! Data(contentsOf: output)
        if let tamper {
            var entries = try! zipEntries(bytes)
            try! tamper(&entries)
            bytes = try! zipBytes(entries)
        }
        return bytes
    }
}

/// The statement digest the server reports for a bundle: SHA-256 of its envelope's payload, computed here.
func statementDigest(of bundle: Data) throws -> String {
    let envelope = try #require(try zipEntries(bundle).first { $0.path == "envelope.dsse.json" }?.data)
    let object = try JSONSerialization.jsonObject(with: envelope) as? [String: Any]
    let payload = try #require((object?["payload"] as? String).flatMap { Data(base64Encoded: $0) })
    return sha256Hex(payload)
}

/// What the statements of two bundles say differently, for a failure message: the members whose digests differ (or
/// that only one names), then the predicate's top-level fields that differ; "" when the statements are the same.
func statementDifference(_ a: Data, _ b: Data) throws -> String {
    func statement(_ bundle: Data) throws -> [String: Any] {
        let envelope = try #require(try zipEntries(bundle).first { $0.path == "envelope.dsse.json" }?.data)
        let object = try JSONSerialization.jsonObject(with: envelope) as? [String: Any]
        let payload = try #require((object?["payload"] as? String).flatMap { Data(base64Encoded: $0) })
        return try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
    }
    func canonical(_ value: Any?) -> String {
        guard let value, JSONSerialization.isValidJSONObject([value]),
            let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])
        else { return "\(value as Any)" }
        return String(decoding: data, as: UTF8.self)
    }
    let (x, y) = (try statement(a), try statement(b))
    func subjects(_ statement: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for subject in statement["subject"] as? [[String: Any]] ?? [] {
            out[subject["name"] as? String ?? "?"] = canonical(subject["digest"])
        }
        return out
    }
    let (sx, sy) = (subjects(x), subjects(y))
    var lines = Set(sx.keys).union(sy.keys).sorted().filter { sx[$0] != sy[$0] }.map { "member \($0) differs" }
    let (px, py) = (x["predicate"] as? [String: Any] ?? [:], y["predicate"] as? [String: Any] ?? [:])
    lines += Set(px.keys).union(py.keys).sorted().filter { canonical(px[$0]) != canonical(py[$0]) }.map {
        "predicate.\($0): \(canonical(px[$0])) vs \(canonical(py[$0]))"
    }
    for key in Set(x.keys).union(y.keys).sorted() where !["subject", "predicate"].contains(key) {
        if canonical(x[key]) != canonical(y[key]) { lines.append("\(key) differs") }
    }
    return lines.joined(separator: "; ")
}

/// Re-hashes every member into a new statement (the predicate edited by `edit`) and signs it anew with `signer` as of
/// 2025-03-01T02:00:00Z: what someone holding a trusted key would do after editing members (TestSupport's `resign`).
func resign(
    _ entries: [(path: String, data: Data)], by signer: TestSigner, role: SignerRole = .inspector,
    edit: (inout BundlePredicate) -> Void = { _ in }
) throws -> [(path: String, data: Data)] {
    try TestSupport.resign(
        entries, by: [(signer.identity, role)], at: Date(timeIntervalSince1970: 1_740_794_400), edit: edit)
}

/// SHA-256 hex of bytes, computed in the tests.
func sha256Hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

