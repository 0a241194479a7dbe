import AuditBundle
import AuditSigning
import Foundation

// What a forger does to a signed bundle (the zip members of `mallaudit bundle`), for the bundle library's tests
// (BundleTests) and the server's (ServerTests): the members edited, then hashed and signed anew.

/// A bundle whose envelope is missing or unreadable: the tests that take bundles apart expected a sound one.
public struct UnsoundTestBundle: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "not a sound signed bundle: \(reason)" }
}

/// The bundle's envelope and statement.
public func statement(of entries: [(path: String, data: Data)]) throws -> (DSSEEnvelope, BundleStatement) {
    guard let envelopeData = entries.first(where: { $0.path == BundleFormat.envelopePath })?.data else {
        throw UnsoundTestBundle(reason: "no member \(BundleFormat.envelopePath)")
    }
    let envelope = try JSONDecoder().decode(DSSEEnvelope.self, from: envelopeData)
    guard let payload = envelope.payloadBytes else {
        throw UnsoundTestBundle(reason: "the envelope's payload is not base64")
    }
    return (envelope, try JSONDecoder().decode(BundleStatement.self, from: payload))
}

/// Re-hashes every member (SHA-256 and SM3) into a new statement, with the predicate changed by `edit`, and signs
/// it with `signers` at `time`: what someone holding a trusted key — or not — would do after editing members. The
/// manifest is kept true to the edited members too, as a careful forger would.
public func resign(
    _ entries: [(path: String, data: Data)], by signers: [(SigningIdentity, SignerRole)], at time: Date = Date(),
    edit: (inout BundlePredicate) -> Void = { _ in }
) throws -> [(path: String, data: Data)] {
    var (_, old) = try statement(of: entries)
    var members = entries.filter { $0.path != BundleFormat.envelopePath }
    if let index = members.firstIndex(where: { $0.path == BundleFormat.manifestPath }) {
        var manifest = try JSONDecoder().decode(BundleManifest.self, from: members[index].data)
        for i in manifest.members.indices {
            if let data = members.first(where: { $0.path == manifest.members[i].path })?.data {
                manifest.members[i].sha256 = Digests.sha256Hex(data)
                manifest.members[i].size = Int64(data.count)
            }
        }
        members[index].data = try CanonicalJSON.pretty(manifest)
    }
    edit(&old.predicate)
    let subjects = try members.map { member in
        BundleStatement.Subject(
            name: member.path,
            digest: ["sha256": Digests.sha256Hex(member.data), "sm3": try Digests.sm3Hex(member.data)])
    }.sorted { $0.name < $1.name }
    let statement = BundleStatement(subject: subjects, predicateType: old.predicateType, predicate: old.predicate)
    let payload = try CanonicalJSON.compact(statement)
    let signatures = try signers.map { identity, role in
        try identity.signDSSE(payload: payload, payloadType: DSSE.inTotoPayloadType, role: role, at: time)
    }
    let envelope = DSSEEnvelope(payload: payload, payloadType: DSSE.inTotoPayloadType, signatures: signatures)
    return members + [(BundleFormat.envelopePath, try CanonicalJSON.pretty(envelope))]
}
