import Crypto
import Foundation

/// A signer of test bundles: an Ed25519 key made here with swift-crypto (independent of the server's code).
struct TestSigner: Sendable {
    /// The private key's raw bytes (swift-crypto's key type is not `Sendable`).
    let raw = Curve25519.Signing.PrivateKey().rawRepresentation
    var key: Curve25519.Signing.PrivateKey { try! Curve25519.Signing.PrivateKey(rawRepresentation: raw) }

    /// `mallaudit-test-key ed25519 BASE64`, the public key file the test format uses.
    var publicKeyFile: String { "mallaudit-test-key ed25519 \(key.publicKey.rawRepresentation.base64EncodedString())\n" }

    /// `ed25519:` + SHA-256 hex of the raw public key, computed here from the bytes.
    var fingerprint: String {
        "ed25519:" + SHA256.hash(data: key.publicKey.rawRepresentation).map { String(format: "%02x", $0) }.joined()
    }
}

/// One signature to put on a test bundle.
struct Signing: Sendable {
    var signer: TestSigner
    var role: String
    var signedAt: String = "2025-03-01T10:00:00+08:00"
    var name: String? = "测试签名人"
}

/// A statement result of a test bundle.
struct TestStatement: Sendable {
    var id: String
    var clause: String
    var modality: String
    var verdict: String
    var reason: String = "as found"
    var measured: [String: any Sendable]? = nil
    var checkpoints: [(id: String, verdict: String)] = []
}

/// Builds bundles of the server's test format, `mallaudit-test-bundle/1` (docs/server.md), with honest
/// summaries unless told otherwise.
struct TestBundle: Sendable {
    var mallName: String
    var creditCode: String
    var district: String? = "云龙区"
    var run: String
    var judgementDate: String = "2025-03-01"
    var statements: [TestStatement]
    var findings: [[String: String]] = []
    var evidence: [[String: any Sendable]] = []
    /// Replaces the computed summary (to test that a false one is refused).
    var summaryOverride: [String: Int]? = nil
    var conformanceOverride: String? = nil

    /// Six statements over four clauses: shall and should, a measured value, one with two checkpoints.
    static func standardStatements(failing: Set<String> = [], erroring: Set<String> = []) -> [TestStatement] {
        func verdict(_ id: String) -> String { failing.contains(id) ? "fail" : erroring.contains(id) ? "error" : "pass" }
        return [
            TestStatement(id: "5.1.1-1", clause: "5.1.1", modality: "shall", verdict: verdict("5.1.1-1")),
            TestStatement(id: "5.1.1-2", clause: "5.1.1", modality: "should", verdict: verdict("5.1.1-2")),
            TestStatement(
                id: "5.1.2-3", clause: "5.1.2", modality: "shall", verdict: verdict("5.1.2-3"),
                reason: "WiFi logs kept", measured: [
                    "value": failing.contains("5.1.2-3") ? 120.0 : 200.0, "threshold": "≥ 180", "unit": "days",
                    "sample": 200, "margin": failing.contains("5.1.2-3") ? -60.0 : 20.0,
                ]),
            TestStatement(
                id: "5.2.5-6", clause: "5.2.5", modality: "shall", verdict: verdict("5.2.5-6"),
                checkpoints: [("a", "pass"), ("b", verdict("5.2.5-6"))]),
            TestStatement(id: "6.1.d", clause: "6.1", modality: "shall", verdict: verdict("6.1.d")),
            TestStatement(id: "6.1.e", clause: "6.1", modality: "may", verdict: verdict("6.1.e")),
        ]
    }

    static func mall(_ code: String, _ name: String, run: String, failing: Set<String> = [], date: String = "2025-03-01")
        -> TestBundle
    {
        TestBundle(
            mallName: name, creditCode: code, run: run, judgementDate: date,
            statements: standardStatements(failing: failing))
    }

    var payload: Data {
        var counts = ["pass": 0, "fail": 0, "error": 0, "notApplicable": 0, "notAssessed": 0]
        var shallFailures = 0
        var requirementVerdicts: [String] = []
        for statement in statements {
            counts[statement.verdict, default: 0] += 1
            if statement.modality == "shall" || statement.modality == "shallNot" {
                requirementVerdicts.append(statement.verdict)
                if statement.verdict == "fail" { shallFailures += 1 }
            }
        }
        let conformance =
            requirementVerdicts.contains("fail")
            ? "nonConformant"
            : (requirementVerdicts.contains("error") || requirementVerdicts.contains("notAssessed")
                ? "incomplete" : "conformant")
        var summary: [String: Int] = counts
        summary["shallFailures"] = shallFailures
        if let summaryOverride { summary.merge(summaryOverride) { $1 } }
        var object: [String: Any] = [
            "mall": ["name": mallName, "creditCode": creditCode, "district": district as Any],
            "run": run, "judgementDate": judgementDate, "toolVersion": "0.1.0-test",
            "checklistDigest": String(repeating: "ab", count: 32),
            "conformance": conformanceOverride ?? conformance, "summary": summary,
            "statements": statements.map { statement -> [String: Any] in
                var item: [String: Any] = [
                    "id": statement.id, "clause": statement.clause, "modality": statement.modality,
                    "verdict": statement.verdict, "reason": statement.reason,
                ]
                if let measured = statement.measured { item["measured"] = measured }
                if !statement.checkpoints.isEmpty {
                    item["checkpoints"] = statement.checkpoints.map {
                        ["id": $0.id, "verdict": $0.verdict, "reason": "checkpoint \($0.id)"]
                    }
                }
                return item
            },
            "findings": findings, "evidence": evidence,
        ]
        if district == nil { object["mall"] = ["name": mallName, "creditCode": creditCode] }
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The bundle's bytes, signed as asked. `tamper` edits the payload after signing.
    func signed(_ signings: [Signing], tamper: ((inout Data) -> Void)? = nil) -> Data {
        var payload = self.payload
        let signatures = signings.map { signing -> [String: Any] in
            let message = Data("mallaudit-test-bundle/1\n\(signing.role)\n\(signing.signedAt)\n".utf8) + payload
            let signature = try! signing.signer.key.signature(for: message)
            var item: [String: Any] = [
                "keyid": signing.signer.fingerprint, "role": signing.role, "signedAt": signing.signedAt,
                "sig": signature.base64EncodedString(),
            ]
            if let name = signing.name { item["signer"] = name }
            return item
        }
        tamper?(&payload)
        let envelope: [String: Any] = [
            "format": "mallaudit-test-bundle/1", "payload": payload.base64EncodedString(), "signatures": signatures,
        ]
        return try! JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys])
    }

    /// The statement digest the server should report: SHA-256 of the payload bytes.
    var statementDigest: String { SHA256.hash(data: payload).map { String(format: "%02x", $0) }.joined() }
}

/// SHA-256 hex of bytes, computed in the tests.
func sha256Hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
