import AuditModel
import AuditReports
import AuditSigning
import AuditStore
import AuditSupport
import Foundation
import ZIPFoundation

/// What `mallaudit bundle` was asked to do.
public struct BundleRequest: Sendable {
    /// The audit database (`mallaudit.sqlite`); its evidence folder (`mallaudit.sqlite-evidence/`) beside it.
    public var database: URL
    /// The run: an id, `latest` or `latest~N`.
    public var run: String
    /// The signing key with its public key file.
    public var identity: SigningIdentity
    /// What the signer signs as (`inspector` or `evaluator`; a mall countersigns).
    public var role: SignerRole
    /// The zip to write (replaced atomically).
    public var output: URL
    /// The site profile the run used (its SHA-256 must be the run's); default `site.yaml` beside the database.
    public var siteProfile: URL?
    /// The checklist file the run was judged with (its SHA-256 must be the run's).
    public var checklist: URL
    /// Evidence to leave out: file names as the run recorded them, or SHA-256 digests.
    public var leaveOut: [String]
    /// mallaudit's version (the bundle's `tool`).
    public var toolVersion: String
    /// The signing time.
    public var now: Date

    public init(
        database: URL, run: String, identity: SigningIdentity, role: SignerRole = .inspector, output: URL,
        siteProfile: URL? = nil, checklist: URL, leaveOut: [String] = [], toolVersion: String, now: Date = Date()
    ) {
        self.database = database
        self.run = run
        self.identity = identity
        self.role = role
        self.output = output
        self.siteProfile = siteProfile
        self.checklist = checklist
        self.leaveOut = leaveOut
        self.toolVersion = toolVersion
        self.now = now
    }
}

/// What was written.
public struct BundleOutcome: Sendable {
    public var output: URL
    public var statement: BundleStatement
    public var members: [String]
    /// Evidence left out on request (SHA-256 with the names it had).
    public var leftOut: [BundleManifest.Evidence]
}

/// Everything a bundle of one run is made of, before it is signed: the report (run, checklist, results), the checklist
/// and site profile files, the evidence list with the stored files. `BundleBuilder.load` reads it from a store;
/// `BundleBuilder.write` turns it into a signed zip.
public struct BundleSource: Sendable {
    /// The run's report: metadata (mall, run id, times, judgement date, site profile digest), checklist, results.
    public var report: AuditReport
    /// The checklist file's bytes (its SHA-256 is the run's checklist digest).
    public var checklistBytes: Data
    /// The site profile's bytes (its SHA-256 is `report.run.siteProfileDigest`).
    public var siteBytes: Data
    /// The district the site profile names (`mall.district`).
    public var district: String?
    /// The date the run was judged at (the predicate's `judgementDate`).
    public var judgementDate: String
    /// Every evidence file of the run, included or left out.
    public var evidence: [BundleManifest.Evidence]
    /// Where each included evidence file is stored, by SHA-256.
    public var evidenceFiles: [String: URL]
    /// The digests of the exports the run's measured checks read.
    public var measuredInputs: MeasuredInputs

    public init(
        report: AuditReport, checklistBytes: Data, siteBytes: Data, district: String?, judgementDate: String,
        evidence: [BundleManifest.Evidence], evidenceFiles: [String: URL], measuredInputs: MeasuredInputs
    ) {
        self.measuredInputs = measuredInputs
        self.report = report
        self.checklistBytes = checklistBytes
        self.siteBytes = siteBytes
        self.district = district
        self.judgementDate = judgementDate
        self.evidence = evidence
        self.evidenceFiles = evidenceFiles
    }
}

/// Writes a signed bundle of a stored run (docs/bundles.md). Everything comes from the store, the checklist file and
/// the site profile, so the same run and key give the same bytes, except the signing time in the signature record
/// (and the signature itself, for SM2, whose signatures are randomized).
public enum BundleBuilder {
    public static func build(_ request: BundleRequest) throws -> BundleOutcome {
        try write(
            load(request), identity: request.identity, role: request.role, output: request.output,
            toolVersion: request.toolVersion, now: request.now)
    }

    /// Reads what a bundle of the request's run is made of, checking that the checklist and site profile are the
    /// run's own and that every included evidence file is stored.
    public static func load(_ request: BundleRequest) throws -> BundleSource {
        try load(
            database: request.database, run: request.run, siteProfile: request.siteProfile, checklist: request.checklist,
            leaveOut: request.leaveOut)
    }

    /// Reads the bundle source of `run` (an id, `latest` or `latest~N`) of the store `database`.
    public static func load(
        database: URL, run: String, siteProfile: URL?, checklist checklistURL: URL, leaveOut: [String] = []
    ) throws -> BundleSource {
        let request = (database: database, run: run, siteProfile: siteProfile, checklist: checklistURL,
                       leaveOut: leaveOut)
        func problem(_ file: String?, _ message: String, expected: String? = nil) -> DiagnosticsError {
            DiagnosticsError(Diagnostic(file: file, message: message, expected: expected))
        }
        guard FileManager.default.fileExists(atPath: request.database.path) else {
            throw problem(request.database.path, "no audit database here", expected: "the --db file `mallaudit run` wrote")
        }
        let store = try AuditStore(path: request.database.path, create: false)
        let runID = try store.resolveRun(request.run)
        let record = try store.requireRun(runID)
        guard record.status == .completed else {
            throw problem(
                request.database.path, "run \(runID) is \(record.status.rawValue): only a completed run is bundled",
                expected: "a completed run (finish an interrupted one with mallaudit run --resume)")
        }
        let (_, results) = try store.checklistAndResults(run: runID)

        // MARK: the inputs that must be the run's own
        let checklistBytes = try read(request.checklist, what: "checklist")
        let checklistDigest = Digests.sha256Hex(checklistBytes)
        guard checklistDigest == record.checklistDigest else {
            throw problem(
                request.checklist.path,
                "this checklist (\(checklistDigest.prefix(12))…) is not the one run \(runID) was judged with "
                    + "(\(record.checklistDigest.prefix(12))…, version \(record.checklistVersion))",
                expected: "the run's checklist file (--checklist FILE)")
        }
        guard let siteDigest = record.siteDigest else {
            throw problem(request.database.path, "run \(runID) has no site profile digest",
                          expected: "a run made by `mallaudit run --site …`")
        }
        let siteURL = request.siteProfile
            ?? request.database.deletingLastPathComponent().appendingPathComponent("site.yaml")
        let siteBytes = try read(siteURL, what: "site profile")
        let siteDigestNow = Digests.sha256Hex(siteBytes)
        guard siteDigestNow == siteDigest else {
            throw problem(
                siteURL.path,
                "this site profile (\(siteDigestNow.prefix(12))…) is not the one run \(runID) used (\(siteDigest.prefix(12))…)",
                expected: "the site profile the run was made with (--site FILE)")
        }
        let district = try? YAMLValue.parse(String(decoding: siteBytes, as: UTF8.self), file: siteURL.path)["mall"]?[
            "district"]?.string()

        // MARK: the report (the same function `mallaudit report` uses: personal data masked)
        let report = try StoredRunReport.make(store: store, run: runID)

        // MARK: evidence
        var evidence = try evidenceList(results, leaveOut: request.leaveOut, run: runID)
        // A bundle travels: evidence that holds a visitor's personal data (a text file the privacy rules find
        // something in) is left out, listed with its digest and why, never carried (docs/privacy.md).
        let masker = try store.masker(run: runID)
        for index in evidence.indices where evidence[index].included {
            let item = evidence[index]
            let url = store.evidenceURL(EvidenceRef(name: "", sha256: item.sha256, size: item.size))
            if !masker.evidenceWarnings(url).isEmpty {
                evidence[index].included = false
                evidence[index].path = nil
                evidence[index].leftOutBecause = "personalData"
            }
        }
        var files: [String: URL] = [:]
        for item in evidence where item.included {
            let url = store.evidenceURL(EvidenceRef(name: "", sha256: item.sha256, size: item.size))
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
            guard let size = (attributes?[.size] as? NSNumber)?.int64Value, size == item.size else {
                throw problem(url.path, "the stored evidence file is missing or not \(item.size) bytes",
                              expected: "the evidence folder beside the database, as the store wrote it")
            }
            files[item.sha256] = url
        }
        return BundleSource(
            report: report, checklistBytes: checklistBytes, siteBytes: siteBytes, district: district,
            judgementDate: record.asOf ?? judgementDate(results, startedAt: record.startedAt), evidence: evidence,
            evidenceFiles: files, measuredInputs: measuredInputs(results))
    }

    /// Renders the reports of `source`, writes the zip with its manifest and signs the statement with `identity` as
    /// `role` at `now` (atomically: a temporary file beside `output`, then one rename).
    public static func write(
        _ source: BundleSource, identity: SigningIdentity, role: SignerRole, output: URL, toolVersion: String,
        now: Date
    ) throws -> BundleOutcome {
        try assemble(
            source, members: members(source), identity: identity, role: role, output: output,
            toolVersion: toolVersion, now: now)
    }

    /// A member held in memory: the reports, the checklist, the site profile, the measured inputs.
    public struct RenderedMember: Sendable {
        public var path: String
        public var role: MemberRole
        public var mediaType: String
        public var format: String?
        public var data: Data
    }

    /// The members of `source` held in memory, the reports rendered (`BundleReports.members`).
    /// `reports` chooses which report formats are rendered (by default all of `BundleReports.members`; a caller may
    /// leave out those not in `BundleReports.requiredPaths`).
    public static func members(
        _ source: BundleSource, reports: (BundleReportMember) -> Bool = { _ in true }
    ) throws -> [RenderedMember] {
        var inMemory: [RenderedMember] = []
        for member in BundleReports.members where reports(member) {
            inMemory.append(RenderedMember(
                path: member.path, role: .report, mediaType: member.mediaType, format: member.format,
                data: try member.render(source.report)))
        }
        inMemory.append(RenderedMember(
            path: BundleFormat.checklistPath, role: .checklist, mediaType: "application/xml", format: nil,
            data: source.checklistBytes))
        inMemory.append(RenderedMember(
            path: BundleFormat.siteProfilePath, role: .siteProfile, mediaType: "application/yaml", format: nil,
            data: source.siteBytes))
        inMemory.append(RenderedMember(
            path: BundleFormat.measuredInputsPath, role: .measuredInputs, mediaType: "application/json", format: nil,
            data: try CanonicalJSON.pretty(source.measuredInputs)))
        return inMemory
    }

    /// Writes the zip of `source` from members already in memory (`members(_:)`, which a caller may have rendered
    /// once for many bundles), with its manifest and evidence, and signs it.
    public static func assemble(
        _ source: BundleSource, members rendered: [RenderedMember], identity: SigningIdentity, role: SignerRole,
        output: URL, toolVersion: String, now: Date
    ) throws -> BundleOutcome {
        let report = source.report
        let run = report.run
        guard let siteDigest = run.siteProfileDigest else {
            throw DiagnosticsError(Diagnostic(file: output.path, message: "run \(run.runID) has no site profile digest"))
        }
        var inMemory: [(path: String, role: MemberRole, mediaType: String, format: String?, data: Data)] =
            rendered.map { ($0.path, $0.role, $0.mediaType, $0.format, $0.data) }
        let evidence = source.evidence

        // MARK: manifest
        var manifestMembers = inMemory.map {
            BundleManifest.Member(
                path: $0.path, role: $0.role, mediaType: $0.mediaType, size: Int64($0.data.count),
                sha256: Digests.sha256Hex($0.data), format: $0.format)
        }
        for item in evidence where item.included {
            manifestMembers.append(BundleManifest.Member(
                path: BundleFormat.evidencePath(item.sha256), role: .evidence, mediaType: "application/octet-stream",
                size: item.size, sha256: item.sha256, format: nil))
        }
        manifestMembers.sort { $0.path < $1.path }
        let manifest = BundleManifest(
            bundleFormatVersion: BundleFormat.currentVersion, runID: run.runID, members: manifestMembers,
            evidence: evidence)
        inMemory.append((BundleFormat.manifestPath, .manifest, "application/json", nil, try CanonicalJSON.pretty(manifest)))

        // MARK: predicate
        let card = report.scorecard
        let predicate = BundlePredicate(
            bundleFormatVersion: BundleFormat.currentVersion,
            mall: .init(name: run.mall.name, creditCode: run.mall.creditCode, district: source.district,
                        address: run.mall.address),
            run: .init(id: run.runID, startedAt: run.startedAt, endedAt: run.endedAt,
                       completion: RunCompletion.completed.rawValue, toolVersion: run.toolVersion),
            judgementDate: source.judgementDate,
            verdict: card.conformance.rawValue, summary: .init(card),
            checklist: .init(version: report.checklist.version, digest: report.checklist.digest),
            siteProfile: .init(digest: siteDigest), tool: .init(name: "mallaudit", version: toolVersion),
            signer: .init(name: identity.holder.name, organization: identity.holder.organization, role: role,
                          keyid: identity.fingerprint, algorithm: identity.algorithm.signatureScheme),
            evidence: .init(included: evidence.filter(\.included).count, leftOut: evidence.filter { !$0.included }.count))

        // MARK: zip
        var files: [(sha256: String, size: Int64, url: URL)] = []
        for item in evidence where item.included {
            guard let url = source.evidenceFiles[item.sha256] else {
                throw DiagnosticsError(Diagnostic(
                    file: output.path, message: "evidence \(item.sha256) is included but no stored file is given"))
            }
            files.append((item.sha256, item.size, url))
        }
        let written = try BundleZipWriter.write(
            to: output, inMemory: inMemory.map { ($0.path, $0.data) }, evidence: files
        ) { digests in
            let subjects = digests.map { member in
                var digest = ["sha256": member.sha256]
                if identity.algorithm == .sm2 { digest["sm3"] = member.sm3 }
                return BundleStatement.Subject(name: member.path, digest: digest)
            }
            let statement = BundleStatement(
                subject: subjects, predicateType: BundleFormat.predicateType(version: BundleFormat.currentVersion),
                predicate: predicate)
            let payload = try CanonicalJSON.compact(statement)
            let signature = try identity.signDSSE(
                payload: payload, payloadType: DSSE.inTotoPayloadType, role: role, at: now)
            let envelope = DSSEEnvelope(payload: payload, payloadType: DSSE.inTotoPayloadType, signatures: [signature])
            return (statement, try CanonicalJSON.pretty(envelope))
        }
        return BundleOutcome(
            output: output, statement: written, members: written.subject.map(\.name) + [BundleFormat.envelopePath],
            leftOut: evidence.filter { !$0.included })
    }

    private static func read(_ url: URL, what: String) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw DiagnosticsError(Diagnostic(file: url.path, message: "cannot read the \(what): \(error.localizedDescription)"))
        }
    }

    /// Every evidence file of the run, once per SHA-256 (sorted by it), with where it is used; `leaveOut` names
    /// (file names or digests) mark files left out. A name or digest that matches nothing is an error.
    static func evidenceList(_ results: [StatementResult], leaveOut: [String], run: Int64) throws -> [BundleManifest.Evidence] {
        var uses: [String: [BundleManifest.EvidenceUse]] = [:]
        var sizes: [String: Int64] = [:]
        for result in results {
            // Evidence bound to the statement, and evidence bound to one of its checkpoints (`5.1.2-2/realName`).
            let bound = result.evidence.map { (result.statementID, $0) }
                + result.checkpoints.flatMap { checkpoint in checkpoint.evidence.map { (checkpoint.checkpointID, $0) } }
            for (target, ref) in bound {
                let use = BundleManifest.EvidenceUse(
                    statement: target, name: ref.name, collectedBy: ref.collectedBy, collectedAt: ref.collectedAt,
                    description: ref.description)
                if uses[ref.sha256]?.contains(use) != true { uses[ref.sha256, default: []].append(use) }
                sizes[ref.sha256] = ref.size
            }
        }
        var left: Set<String> = []
        var unknown: [String] = []
        for wanted in leaveOut {
            let matches = uses.filter { sha, list in sha == wanted.lowercased() || list.contains { $0.name == wanted } }
            if matches.isEmpty { unknown.append(wanted) }
            left.formUnion(matches.keys)
        }
        if !unknown.isEmpty {
            let names = Set(uses.values.flatMap { $0.map(\.name) }).sorted().joined(separator: ", ")
            throw DiagnosticsError(unknown.map {
                Diagnostic(
                    file: nil, message: "--leave-out \($0): run \(run) has no evidence file of that name or SHA-256",
                    expected: names.isEmpty ? "no --leave-out (the run has no evidence)" : "one of: \(names)")
            })
        }
        return uses.keys.sorted().map { sha in
            let included = !left.contains(sha)
            return BundleManifest.Evidence(
                sha256: sha, size: sizes[sha] ?? 0, included: included,
                path: included ? BundleFormat.evidencePath(sha) : nil,
                uses: uses[sha]!.sorted { ($0.statement, $0.name) < ($1.statement, $1.name) },
                leftOutBecause: included ? nil : "requested")
        }
    }

    /// The digests of the exports the run's measured checks read, from their results' `inputSHA256` observations.
    /// `check` names the check that read the input: the producer of the statement's data checkpoints (`catalog`),
    /// not the statement's combined producer, which also names an assessor whose finding settled another
    /// checkpoint. A statement is listed once per input, however many of its checkpoints the check judged.
    static func measuredInputs(_ results: [StatementResult]) -> MeasuredInputs {
        struct Key: Hashable { var check: String; var path: String; var sha256: String }
        var statements: [Key: Set<String>] = [:]
        for result in results {
            let checks = Set(result.checkpoints.filter { $0.source == .data }.compactMap(\.producer))
            let check = checks.isEmpty ? (result.producer ?? "") : checks.sorted().joined(separator: ", ")
            for observation in result.observations where observation.name == InputDigest.observationName {
                guard let (sha256, path) = InputDigest.parse(observation.value) else { continue }
                statements[Key(check: check, path: path, sha256: sha256), default: []].insert(result.statementID)
            }
        }
        let inputs = statements.map { key, ids in
            MeasuredInputs.Input(
                check: key.check, statements: ids.sorted(), path: key.path,
                kind: key.path.hasSuffix("/") ? "folder" : "file", sha256: key.sha256)
        }
        return MeasuredInputs(inputs: inputs.sorted { ($0.check, $0.path) < ($1.check, $1.path) })
    }

    /// For runs stored before the store kept the as-of date: the as-of date of the run's measured checks (their
    /// `asOf` observation), else the UTC date the run started.
    static func judgementDate(_ results: [StatementResult], startedAt: String) -> String {
        let asOf = results.lazy.filter { $0.source == .data }
            .compactMap { $0.observations.first { $0.name == "asOf" }?.value }.first
        return asOf ?? String(startedAt.prefix(10))
    }
}

/// Writes the zip: members sorted by path, the envelope last, every entry deflated with the same fixed time and
/// mode, into a temporary file beside the output that replaces it only when complete.
enum BundleZipWriter {
    struct Digest {
        var path: String
        var sha256: String
        var sm3: String
    }

    /// Writes `inMemory` members and the stored `evidence` files (SHA-256, size, where), hashing them as they go;
    /// `seal` gets every member's digests and returns the statement and the envelope's bytes, written last.
    static func write(
        to output: URL, inMemory: [(path: String, data: Data)], evidence: [(sha256: String, size: Int64, url: URL)],
        seal: ([Digest]) throws -> (BundleStatement, Data)
    ) throws -> BundleStatement {
        let folder = output.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(output.lastPathComponent).\(UUID().uuidString).partial")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let archive: Archive
        do {
            archive = try Archive(url: temporary, accessMode: .create)
        } catch {
            throw DiagnosticsError(Diagnostic(file: output.path, message: "cannot create the bundle: \(error)"))
        }
        enum Source { case memory(Data), file(URL, sha256: String, size: Int64) }
        var sources: [(path: String, source: Source)] = inMemory.map { ($0.path, .memory($0.data)) }
        sources += evidence.map { (BundleFormat.evidencePath($0.sha256), .file($0.url, sha256: $0.sha256, size: $0.size)) }
        sources.sort { $0.path < $1.path }

        var digests: [Digest] = []
        for (path, source) in sources {
            switch source {
            case .memory(let data):
                try add(archive, path, data)
                digests.append(Digest(path: path, sha256: Digests.sha256Hex(data), sm3: try Digests.sm3Hex(data)))
            case .file(let url, let expected, let size):
                let handle: FileHandle
                do {
                    handle = try FileHandle(forReadingFrom: url)
                } catch {
                    throw DiagnosticsError(Diagnostic(file: url.path, message: "cannot read the evidence file"))
                }
                defer { try? handle.close() }
                var sha = SHA256Hasher()
                var sm3 = try SM3Hasher()
                do {
                    try archive.addEntry(
                        with: path, type: .file, uncompressedSize: size, modificationDate: BundleFormat.entryDate,
                        permissions: 0o644, compressionMethod: .deflate
                    ) { position, chunk in
                        try handle.seek(toOffset: UInt64(position))
                        let data = try handle.read(upToCount: chunk) ?? Data()
                        sha.update(data)
                        sm3.update(data)
                        return data
                    }
                } catch {
                    throw DiagnosticsError(Diagnostic(file: url.path, message: "cannot add the evidence file: \(error)"))
                }
                let actual = sha.finalizeHex()
                guard actual == expected else {
                    throw DiagnosticsError(Diagnostic(
                        file: url.path, message: "the stored evidence file's SHA-256 is \(actual), not \(expected)",
                        expected: "evidence files unchanged since the store wrote them"))
                }
                digests.append(Digest(path: path, sha256: actual, sm3: Digests.hex(try sm3.finalize())))
            }
        }
        let (statement, envelope) = try seal(digests)
        try add(archive, BundleFormat.envelopePath, envelope)
        try replace(output, with: temporary)
        return statement
    }

    /// Puts `temporary` in place of `output` with one rename(2): a reader sees the old bundle or the new one, never
    /// a half-written file.
    static func replace(_ output: URL, with temporary: URL) throws {
        guard rename(temporary.path, output.path) == 0 else {
            throw DiagnosticsError(Diagnostic(
                file: output.path, message: "cannot write the bundle: \(String(cString: strerror(errno)))"))
        }
    }

    static func add(_ archive: Archive, _ path: String, _ data: Data) throws {
        do {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: BundleFormat.entryDate,
                permissions: 0o644, compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<min(Int(position) + size, data.count))
            }
        } catch {
            throw DiagnosticsError(Diagnostic(file: path, message: "cannot add to the bundle: \(error)"))
        }
    }
}
