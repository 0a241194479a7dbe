import AuditBundle
import AuditChecklist
import AuditModel
import AuditSigning
import AuditSupport
import Foundation

/// The demo's signed audit bundle (docs/bundles.md): the run signed by the inspector (SM2 with SM3, 王工 of the
/// commerce bureau), countersigned by the mall (Ed25519, 星河广场), then verified offline against the two public
/// keys, so a newcomer sees the whole chain that `mallaudit bundle`, `bundle countersign` and `verify` make.
///
/// The two keys are made fresh for each demo, unencrypted, in `OUTPUT/demo-keys/` (private keys, mode 0600) and
/// their public key files copied to `OUTPUT/trusted-keys/`: demo keys that protect nothing, like the demo's secrets.
public enum DemoBundle {
    public struct Outcome: Sendable {
        /// `OUTPUT/demo-bundle.zip`.
        public var bundle: URL
        /// `OUTPUT/trusted-keys`: what `mallaudit verify --trust` is given.
        public var trust: URL
        /// The verification of the bundle as written: valid, with both signatures.
        public var verification: BundleVerification
    }

    /// The signers: the inspector signs, the mall countersigns.
    static let inspector = KeyHolder(name: "王工", organization: "徐州市商务局")
    static let mall = KeyHolder(name: "星河广场", organization: "星河广场")

    /// Makes the keys, the bundle of `run` in `database`, its countersignature and its verification in `output`.
    /// Throws when any step fails or the bundle does not verify: the demo must not show a bundle it cannot trust.
    public static func make(
        database: URL, run: Int64, siteProfile: URL, output: URL, toolVersion: String
    ) throws -> Outcome {
        let fileManager = FileManager.default
        let keys = output.appendingPathComponent("demo-keys")
        let trust = output.appendingPathComponent("trusted-keys")
        for folder in [keys, trust] {
            // A previous demo's keys are replaced: only the files this step writes, never anything else there.
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            for name in ["inspector.key", "inspector.pub", "mall.key", "mall.pub"] {
                try? fileManager.removeItem(at: folder.appendingPathComponent(name))
            }
        }
        let inspectorKey = try KeyGeneration.generate(
            algorithm: .sm2, holder: inspector, validDays: 365, passphrase: nil,
            output: keys.appendingPathComponent("inspector.key"))
        let mallKey = try KeyGeneration.generate(
            algorithm: .ed25519, holder: mall, validDays: 365, passphrase: nil,
            output: keys.appendingPathComponent("mall.key"))
        for made in [inspectorKey, mallKey] {
            try fileManager.copyItem(
                at: made.publicKeyFile, to: trust.appendingPathComponent(made.publicKeyFile.lastPathComponent))
        }

        let bundle = output.appendingPathComponent("demo-bundle.zip")
        try? fileManager.removeItem(at: bundle)
        _ = try BundleBuilder.build(BundleRequest(
            database: database, run: String(run),
            identity: try SigningIdentity.load(keyFile: inspectorKey.privateKeyFile, passphrase: nil),
            role: .inspector, output: bundle, siteProfile: siteProfile,
            checklist: ChecklistLocator.defaultChecklist(), toolVersion: toolVersion))
        _ = try BundleCountersign.countersign(
            archive: bundle, identity: try SigningIdentity.load(keyFile: mallKey.privateKeyFile, passphrase: nil),
            role: .mall)
        let verification = BundleVerification.verify(bundle: bundle, trust: trust, revoked: nil)
        guard verification.status == .valid else {
            throw DiagnosticsError(Diagnostic(
                file: bundle.path,
                message: "the demo's own bundle does not verify: "
                    + verification.problems.map { "\($0)" }.joined(separator: "; "),
                expected: "a bundle that verifies against the demo's two keys"))
        }
        return Outcome(bundle: bundle, trust: trust, verification: verification)
    }
}
