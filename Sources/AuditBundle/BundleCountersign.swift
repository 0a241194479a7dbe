import AuditModel
import AuditReports
import AuditSigning
import Foundation
import ZIPFoundation

/// `mallaudit bundle countersign`: a second signature over the same statement (the mall's, the report's 商场盖章 block).
public enum BundleCountersign {
    /// Checks the bundle's integrity (every member against the statement, the manifest, the XML report and its
    /// summary — the existing signatures are taken as stated, not judged against a trust store), then adds a signature
    /// by `identity` in `role` at `now`, replacing the bundle atomically. Returns every signature as now stated.
    /// Refuses a bundle that is not intact, and a key that already signed it.
    public static func countersign(
        archive: URL, identity: SigningIdentity, role: SignerRole, now: Date = Date(),
        schema: URL = ReportResources.schema(), limits: ZipLimits = ZipLimits()
    ) throws -> [VerifiedSignature] {
        let (integrity, members) = BundleVerifier.checkIntegrity(archive: archive, schema: schema, limits: limits)
        guard integrity.problems.isEmpty else {
            throw DiagnosticsError(integrity.problems.map {
                Diagnostic(file: archive.path, message: "refusing to countersign: \($0.description)")
            })
        }
        guard let envelopeBytes = members.first(where: { $0.path == BundleFormat.envelopePath })?.data,
            var envelope = try? JSONDecoder().decode(DSSEEnvelope.self, from: envelopeBytes),
            let payload = envelope.payloadBytes
        else {
            throw DiagnosticsError(Diagnostic(file: archive.path, message: "the bundle's envelope cannot be read"))
        }
        guard !envelope.signatures.contains(where: { $0.keyid == identity.fingerprint }) else {
            throw DiagnosticsError(Diagnostic(
                file: archive.path,
                message: "key \(identity.fingerprint.prefix(16))… (\(identity.holder.name)) already signed this bundle"))
        }
        envelope.signatures.append(
            try identity.signDSSE(payload: payload, payloadType: envelope.payloadType, role: role, at: now))
        let newEnvelope = try CanonicalJSON.pretty(envelope)

        // Rewrite a copy (the envelope is the last entry: removing it leaves every other byte in place), then
        // replace the bundle with it in one rename.
        let folder = archive.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(archive.lastPathComponent).\(UUID().uuidString).partial")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            try FileManager.default.copyItem(at: archive, to: temporary)
            let zip = try Archive(url: temporary, accessMode: .update)
            guard let old = zip[BundleFormat.envelopePath] else {
                throw DiagnosticsError(Diagnostic(file: archive.path, message: "the bundle's envelope entry is gone"))
            }
            try zip.remove(old)
            try BundleZipWriter.add(zip, BundleFormat.envelopePath, newEnvelope)
            try BundleZipWriter.replace(archive, with: temporary)
        } catch let error as DiagnosticsError {
            throw error
        } catch {
            throw DiagnosticsError(Diagnostic(file: archive.path, message: "cannot rewrite the bundle: \(error)"))
        }
        let (after, _) = BundleVerifier.checkIntegrity(archive: archive, schema: schema, limits: limits)
        return after.signatures
    }
}
