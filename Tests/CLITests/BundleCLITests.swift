import Foundation
import Testing
import TestSupport

/// `mallaudit keys`, `bundle`, `bundle countersign` and `verify` as a user runs them, on a small real audit of the
/// demo mall's data (findings with evidence, exports for the measured checks; no network peers needed).
@Suite("Bundle commands")
struct BundleCLITests {
    /// A folder with a real run (`mall/mallaudit.sqlite` beside `mall/site.yaml`) and two keys: an encrypted SM2
    /// inspector key (passphrase in $INSPECTOR_PASS) and an unencrypted Ed25519 mall key.
    struct Workspace {
        var folder: URL
        var mall: URL { folder.appendingPathComponent("mall") }
        let environment = ["INSPECTOR_PASS": "巡检 passphrase 2026"]

        init() throws {
            folder = try temporaryDirectory("mallaudit-bundle-cli")
            try FileManager.default.copyItem(
                at: repositoryRoot().appendingPathComponent("examples/demo-mall"), to: folder.appendingPathComponent("mall"))
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("mall/.demo-state"))
            let site = folder.appendingPathComponent("mall/site.yaml")
            let text = try String(contentsOf: site, encoding: .utf8).replacingOccurrences(
                of: "probes: [../../probes]", with: "probes: [\(repositoryRoot().appendingPathComponent("probes").path)]")
            try text.write(to: site, atomically: true, encoding: .utf8)
            let run = try runMallaudit([
                "run", "--site", site.path, "--db", folder.appendingPathComponent("mall/mallaudit.sqlite").path,
                "--as-of", "2026-11-20", "--only",
                "5.1.2-3,8.2.1-3,8.1.2-2,6.6,6.9.1,5.2.5-1,5.2.5-6,5.2.5-7,7.4.1,6.7.1,8.2.2,6.8",
            ])
            #expect(run.status == 2, "\(run.stderr)")
            let inspector = try runMallaudit([
                "keys", "generate", "--algorithm", "sm2", "--name", "王工", "--org", "徐州市商务局", "--output",
                path("inspector.key"), "--passphrase-env", "INSPECTOR_PASS",
            ], environment: environment)
            #expect(inspector.status == 0, "\(inspector.stderr)")
            let mall = try runMallaudit([
                "keys", "generate", "--algorithm", "ed25519", "--name", "李经理", "--org", "星河广场", "--output",
                path("mall.key"), "--unencrypted", "--valid-days", "30",
            ])
            #expect(mall.status == 0, "\(mall.stderr)")
        }

        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        func bundle(_ extra: [String] = []) throws -> ProcessOutcome {
            try runMallaudit(
                ["bundle", "--db", mall.appendingPathComponent("mallaudit.sqlite").path, "--run", "latest",
                 "--key", path("inspector.key"), "--passphrase-env", "INSPECTOR_PASS", "--output", path("bundle.zip")]
                    + extra, environment: environment)
        }
    }

    @Test("keys generate writes an encrypted key and its public file; keys show prints it without the passphrase")
    func keys() throws {
        let workspace = try Workspace()
        defer { try? FileManager.default.removeItem(at: workspace.folder) }
        let pem = try String(contentsOfFile: workspace.path("inspector.key"), encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let mode = try FileManager.default.attributesOfItem(atPath: workspace.path("inspector.key"))[.posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o600)
        let show = try runMallaudit(["keys", "show", workspace.path("inspector.key")])
        #expect(show.status == 0)
        #expect(show.stdout.contains("name:         王工"))
        #expect(show.stdout.contains("distinguishing ID 1234567812345678"))
        #expect(show.stdout.contains("(encrypted)"))
        let publicFile = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: workspace.path("inspector.pub")))) as? [String: Any]
        #expect(show.stdout.contains("fingerprint:  \(publicFile?["fingerprint"] as? String ?? "?")"))
        #expect(try runMallaudit(["keys", "show", workspace.path("mall.pub")]).stdout.contains("ed25519"))

        // Never overwritten; never unencrypted unless asked; no passphrase without a terminal is an error.
        let again = try runMallaudit([
            "keys", "generate", "--algorithm", "sm2", "--name", "王工", "--org", "徐州市商务局", "--output",
            workspace.path("inspector.key"), "--unencrypted",
        ])
        #expect(again.status == 1 && again.stderr.contains("refusing to overwrite"))
        let noTerminal = try runProcess(URL(fileURLWithPath: "/usr/bin/setsid"), ["--wait",
            mallauditBinary().path, "keys", "generate", "--algorithm", "ed25519", "--name", "x", "--org", "y",
            "--output", workspace.path("x.key"),
        ])
        #expect(noTerminal.status == 1 && noTerminal.stderr.contains("--passphrase-env"), "\(noTerminal.stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.path("x.key")))
        let unset = try runMallaudit([
            "keys", "generate", "--algorithm", "ed25519", "--name", "x", "--org", "y", "--output",
            workspace.path("y.key"), "--passphrase-env", "MALLAUDIT_TEST_NO_SUCH_VARIABLE",
        ])
        #expect(unset.status == 1 && unset.stderr.contains("MALLAUDIT_TEST_NO_SUCH_VARIABLE"))
    }

    @Test("bundle, countersign and verify: exit 0 valid, 2 invalid naming the problem, 1 unusable")
    func bundleCountersignVerify() throws {
        let workspace = try Workspace()
        defer { try? FileManager.default.removeItem(at: workspace.folder) }
        let made = try workspace.bundle(["--leave-out", "machine-room-no-windows.png"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("signed by 王工 as inspector"))
        #expect(made.stdout.contains("left out (listed with its SHA-256)"))
        let counter = try runMallaudit(["bundle", "countersign", workspace.path("bundle.zip"), "--key",
                                        workspace.path("mall.key"), "--role", "mall"])
        #expect(counter.status == 0, "\(counter.stderr)")
        #expect(counter.stdout.contains("李经理, 星河广场 as mall"))

        let trust = workspace.folder.appendingPathComponent("trust")
        try FileManager.default.createDirectory(at: trust, withIntermediateDirectories: true)
        for name in ["inspector.pub", "mall.pub"] {
            try FileManager.default.copyItem(atPath: workspace.path(name), toPath: trust.appendingPathComponent(name).path)
        }
        let valid = try runMallaudit(["verify", workspace.path("bundle.zip"), "--trust", trust.path])
        #expect(valid.status == 0, "\(valid.stdout)")
        #expect(valid.stdout.hasPrefix("VALID: "))
        #expect(valid.stdout.contains("signed by 王工, 徐州市商务局 as inspector"))
        #expect(valid.stdout.contains("signed by 李经理, 星河广场 as mall"))

        let json = try runMallaudit(["verify", workspace.path("bundle.zip"), "--trust", trust.path, "--format", "json"])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["status"] as? String == "valid")
        #expect((object?["signatures"] as? [[String: Any]])?.count == 2)
        #expect((object?["predicate"] as? [String: Any])?["verdict"] as? String == "nonConformant")

        // The mall's key is not trusted: invalid, exit 2, the problem named.
        let partial = try runMallaudit(["verify", workspace.path("bundle.zip"), "--trust", workspace.path("inspector.pub")])
        #expect(partial.status == 2)
        #expect(partial.stdout.contains("INVALID") && partial.stdout.contains("[signature-untrusted]"))
        // Revoked: exit 2.
        let fingerprint = try #require(
            (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace.path("mall.pub"))))
                as? [String: Any])?["fingerprint"] as? String)
        try "\(fingerprint)\n".write(toFile: workspace.path("revoked.txt"), atomically: true, encoding: .utf8)
        let revoked = try runMallaudit(["verify", workspace.path("bundle.zip"), "--trust", trust.path, "--revoked",
                                        workspace.path("revoked.txt")])
        #expect(revoked.status == 2 && revoked.stdout.contains("[key-revoked]"))
        // Unusable: no trust store, a bad revocation file, no bundle.
        #expect(try runMallaudit(["verify", workspace.path("bundle.zip"), "--trust", workspace.path("nothing")]).status == 1)
        try "zzz\n".write(toFile: workspace.path("revoked.txt"), atomically: true, encoding: .utf8)
        let badList = try runMallaudit(["verify", workspace.path("bundle.zip"), "--trust", trust.path, "--revoked",
                                        workspace.path("revoked.txt")])
        #expect(badList.status == 1 && badList.stdout.contains("revoked.txt:1"))
        #expect(try runMallaudit(["verify", workspace.path("nothing.zip"), "--trust", trust.path]).status == 1)
        // A changed byte: exit 2.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: workspace.path("bundle.zip")))
        bytes[bytes.count / 3] ^= 0xff
        try bytes.write(to: URL(fileURLWithPath: workspace.path("bundle.zip")))
        #expect(try runMallaudit(["verify", workspace.path("bundle.zip"), "--trust", trust.path]).status == 2)
    }

    @Test("bundle refuses a wrong passphrase, a changed site profile and an unknown evidence name, by name")
    func refusals() throws {
        let workspace = try Workspace()
        defer { try? FileManager.default.removeItem(at: workspace.folder) }
        let wrong = try runMallaudit(
            ["bundle", "--db", workspace.mall.appendingPathComponent("mallaudit.sqlite").path, "--key",
             workspace.path("inspector.key"), "--passphrase-env", "P", "--output", workspace.path("b.zip")],
            environment: ["P": "not the passphrase"])
        #expect(wrong.status == 1 && wrong.stderr.contains("wrong passphrase"), "\(wrong.stderr)")
        let unknown = try workspace.bundle(["--leave-out", "no-such.jpg"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no-such.jpg"))
        let site = workspace.mall.appendingPathComponent("site.yaml")
        try (try String(contentsOf: site, encoding: .utf8) + "\n# edited after the run\n").write(
            to: site, atomically: true, encoding: .utf8)
        let changed = try workspace.bundle()
        #expect(changed.status == 1 && changed.stderr.contains("is not the one run"), "\(changed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.path("bundle.zip")))
    }
}
