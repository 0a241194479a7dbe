import AuditBundle
import AuditSigning
import Foundation
import Testing
import TestSupport
import ZIPFoundation

// The built binaries, the repository root and the process runner come from TestSupport.

/// Runs `executable` in `directory` (the repository root by default) and waits, capturing both streams.
func tool(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil)
    throws -> ProcessOutcome
{
    try runProcess(executable, arguments, environment: environment, currentDirectory: directory)
}

func temporaryFolder() throws -> URL { try temporaryDirectory("mallaudit-bundle") }

/// A real stored run: `mallaudit run` over a copy of the demo mall (examples/demo-mall: its findings with evidence
/// photos and documents, its exports for the measured checks), restricted to the statements no network probe feeds,
/// judged as of 2026-11-20.
struct StoredRun {
    var folder: URL
    var site: URL
    var database: URL

    /// Statements judged by the demo's findings, N/A decisions and measured checks. Some of them (5.1.1-1, 7.3.3-1,
    /// 8.2.2-2, 6.9.1-1, 6.6.1-2, 6.6.2-2, 6.7.1.c) also have shipped network probes, which find no demo peer here:
    /// `error` evidence, which the assertions on this run do not depend on.
    static let scope = "5.1.2-3,8.2.1-3,8.1.2-2,6.6,6.9.1,5.2.5-1,5.2.5-6,5.2.5-7,5.2.5-2,7.4.1,6.7.1,8.2.2,6.8,5.1.1,"
        + "7.3.3,7.4.7"

    /// Makes the run in a new folder; `mall` renames the mall (another mall's audit of the same data).
    static func make(mall: (name: String, creditCode: String)? = nil) throws -> StoredRun {
        let folder = try temporaryFolder()
        let copy = folder.appendingPathComponent("mall")
        try FileManager.default.copyItem(at: repositoryRoot().appendingPathComponent("examples/demo-mall"), to: copy)
        try? FileManager.default.removeItem(at: copy.appendingPathComponent(".demo-state"))
        let site = copy.appendingPathComponent("site.yaml")
        var text = try String(contentsOf: site, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "probes: [../../probes]", with: "probes: [\(repositoryRoot().appendingPathComponent("probes").path)]")
        text = text.replacingOccurrences(
            of: "  credit_code: 91320303MA1DEMO00X\n", with: "  credit_code: 91320303MA1DEMO00X\n  district: 云龙区\n")
        if let mall {
            text = text.replacingOccurrences(of: "name: 星河广场", with: "name: \(mall.name)")
            text = text.replacingOccurrences(of: "91320303MA1DEMO00X", with: mall.creditCode)
        }
        try text.write(to: site, atomically: true, encoding: .utf8)
        let database = copy.appendingPathComponent("mallaudit.sqlite")
        // The SNMP probes in scope (5.1.1-1's switch ports) need the core switch's community before anything runs;
        // no agent answers at the template's address, so they give `error` evidence like the HTTP ones.
        let outcome = try tool(mallauditBinary(), [
            "run", "--site", site.path, "--db", database.path, "--as-of", "2026-11-20", "--only", scope,
        ], environment: ["DEMO_SNMP_COMMUNITY": "no-demo-peer"])
        guard FileManager.default.fileExists(atPath: database.path), outcome.status == 2 else {
            throw Failure("mallaudit run failed (\(outcome.status)): \(outcome.stderr)")
        }
        return StoredRun(folder: folder, site: site, database: database)
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Keys for the tests, made through the library: an SM2 inspector, an Ed25519 mall, and an outsider nobody trusts.
struct TestKeys {
    var folder: URL
    var inspector: SigningIdentity
    var mall: SigningIdentity
    var outsider: SigningIdentity

    static func make(in folder: URL, inspectorAlgorithm: SigningAlgorithm = .sm2, validFrom: Date = Date(timeIntervalSinceNow: -86_400))
        throws -> TestKeys
    {
        func key(_ name: String, _ org: String, _ algorithm: SigningAlgorithm) throws -> SigningIdentity {
            let url = folder.appendingPathComponent("\(name).key")
            _ = try KeyGeneration.generate(
                algorithm: algorithm, holder: KeyHolder(name: name, organization: org), validDays: 30,
                passphrase: nil, output: url, now: validFrom)
            return try SigningIdentity.load(keyFile: url, passphrase: nil)
        }
        return TestKeys(
            folder: folder, inspector: try key("inspector", "徐州市商务局", inspectorAlgorithm),
            mall: try key("mall", "星河广场", .ed25519), outsider: try key("outsider", "某公司", .sm2))
    }

    /// A trust folder holding the public key files of `identities`.
    func trust(_ identities: [SigningIdentity]) throws -> TrustStore {
        TrustStore(keys: identities.map(\.publicKeyFile))
    }
}

// MARK: rewriting bundles (what an attacker would do)

/// Writes `entries` as a new zip (deflated), optionally with a symbolic link entry.
func writeZip(_ entries: [(path: String, data: Data)], to url: URL, symlinks: [(path: String, target: String)] = [])
    throws
{
    try? FileManager.default.removeItem(at: url)
    let archive = try Archive(url: url, accessMode: .create)
    for (path, data) in entries {
        try archive.addEntry(
            with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
        ) { position, size in data.subdata(in: Int(position)..<min(Int(position) + size, data.count)) }
    }
    for (path, target) in symlinks {
        let data = Data(target.utf8)
        try archive.addEntry(with: path, type: .symlink, uncompressedSize: Int64(data.count)) { position, size in
            data.subdata(in: Int(position)..<min(Int(position) + size, data.count))
        }
    }
}

// `statement(of:)` and `resign(_:by:at:edit:)` (a forger's re-signing) come from TestSupport.

extension BundleVerification {
    var codes: Set<String> { Set(problems.map(\.code)) }
}

/// One real run for the whole test process (made on first use), and a second mall's run for the swap tests.
let sharedRun = Result { try StoredRun.make() }
let otherMallRun = Result { try StoredRun.make(mall: ("月光商城", "91320303MA1OTHER0Y")) }

/// A bundle of `run` signed by `identity` in a fresh folder.
func makeBundle(
    _ run: StoredRun, by identity: SigningIdentity, role: SignerRole = .inspector, leaveOut: [String] = [],
    now: Date = Date(), name: String = "bundle.zip", in folder: URL
) throws -> (URL, BundleOutcome) {
    let output = folder.appendingPathComponent(name)
    let outcome = try BundleBuilder.build(BundleRequest(
        database: run.database, run: "latest", identity: identity, role: role, output: output, siteProfile: run.site,
        checklist: repositoryRoot().appendingPathComponent("checklists/mall-digital-service.xml"), leaveOut: leaveOut,
        toolVersion: "0.1.0-test", now: now))
    return (output, outcome)
}

/// The report schema of the repository.
let reportSchema = repositoryRoot().appendingPathComponent("reports/report.xsd")

func verify(_ bundle: URL, trust: TrustStore, revoked: RevocationList = RevocationList(), limits: ZipLimits = ZipLimits())
    -> BundleVerification
{
    BundleVerifier.verify(archive: bundle, trust: trust, revoked: revoked, schema: reportSchema, limits: limits)
}
