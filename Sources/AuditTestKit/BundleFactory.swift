import AuditBundle
import AuditModel
import AuditReports
import AuditSigning
import AuditSupport
import Foundation

/// What one bundle made from a real stored run says differently: the mall, the run id, the judgement date, and the
/// verdicts of some statements. Everything else (checklist, results, evidence, measured inputs) is the run's own.
public struct BundleVariant: Sendable, Hashable {
    public var mallName: String
    /// 统一社会信用代码 (18 digits or capitals).
    public var creditCode: String
    public var district: String?
    public var runID: String
    /// `YYYY-MM-DD`.
    public var judgementDate: String
    /// Statement id → the verdict it is given (an inspector's finding replacing the run's result).
    public var verdicts: [String: Verdict]

    public init(
        mallName: String, creditCode: String, district: String? = nil, runID: String, judgementDate: String,
        verdicts: [String: Verdict] = [:]
    ) {
        self.mallName = mallName
        self.creditCode = creditCode
        self.district = district
        self.runID = runID
        self.judgementDate = judgementDate
        self.verdicts = verdicts
    }
}

/// One signature to put on a bundle: who, as what, when (the first makes the bundle, the others countersign).
public struct BundleSigning: Sendable {
    public var identity: SigningIdentity
    public var role: SignerRole
    public var at: Date

    public init(_ identity: SigningIdentity, role: SignerRole, at: Date) {
        self.identity = identity
        self.role = role
        self.at = at
    }
}

/// Makes real signed bundles — the zip, reports, manifest and DSSE envelope of `mallaudit bundle`, written by the
/// bundle library itself — from ONE real stored run, varied per mall, run and verdicts. The server's tests and
/// `benchmarks/server.sh` use it to file many malls' audits without running thousands of audits: every bundle it
/// makes is verified on ingest like any other (its reports are rendered from the varied results, so the summary the
/// verifier recomputes holds).
public struct BundleFactory: Sendable {
    public let source: BundleSource

    public init(source: BundleSource) { self.source = source }

    /// The factory over run `run` of the store `database` (its site profile and checklist files given).
    public init(database: URL, site: URL, checklist: URL, run: String = "latest", leaveOut: [String] = []) throws {
        source = try BundleBuilder.load(
            database: database, run: run, siteProfile: site, checklist: checklist, leaveOut: leaveOut)
    }

    /// The statement ids of the source run's checklist, in checklist order.
    public var statementIDs: [String] { source.report.checklist.statements.map(\.id) }

    /// The source with the variant's mall, run, date and verdicts: the site profile's `mall:` block rewritten (so
    /// its digest changes with the mall, as it would for another mall's profile), the results replaced.
    public func source(for variant: BundleVariant) -> BundleSource {
        var site = Self.rewriteMall(
            String(decoding: source.siteBytes, as: UTF8.self), name: variant.mallName,
            creditCode: variant.creditCode, district: variant.district)
        site += "# variant: run \(variant.runID), judged \(variant.judgementDate)\n"
        let siteBytes = Data(site.utf8)
        let old = source.report
        var run = old.run
        run.runID = variant.runID
        run.mall = MallIdentity(name: variant.mallName, address: run.mall.address, creditCode: variant.creditCode)
        run.asOf = variant.judgementDate
        run.siteProfileDigest = SHA256Digest.hex(of: siteBytes)
        let results = Self.apply(variant.verdicts, to: old.results, checklist: old.checklist)
        var varied = source
        varied.report = AuditReport(
            run: run, checklist: old.checklist, results: results, decisions: results.compactMap(\.notApplicable))
        varied.siteBytes = siteBytes
        varied.district = variant.district
        varied.judgementDate = variant.judgementDate
        return varied
    }

    /// Writes the variant's bundle to `output`, signed by the first signing and countersigned by the others (with
    /// `mallaudit bundle countersign`'s code).
    @discardableResult
    public func write(
        _ variant: BundleVariant, signings: [BundleSigning], output: URL, toolVersion: String = "0.1.0-test"
    ) throws -> BundleOutcome {
        guard let first = signings.first else {
            throw DiagnosticsError(Diagnostic(file: output.path, message: "a bundle needs at least one signature"))
        }
        let outcome = try BundleBuilder.write(
            source(for: variant), identity: first.identity, role: first.role, output: output, toolVersion: toolVersion,
            now: first.at)
        for signing in signings.dropFirst() {
            _ = try BundleCountersign.countersign(
                archive: output, identity: signing.identity, role: signing.role, now: signing.at)
        }
        return outcome
    }

    /// `results` with the given statements' verdicts replaced by an inspector's finding: the checkpoints and areas
    /// take the same verdict, a measurement is dropped (a finding states no number), a not-applicable decision too.
    static func apply(_ verdicts: [String: Verdict], to results: [StatementResult], checklist: Checklist)
        -> [StatementResult]
    {
        guard !verdicts.isEmpty else { return results }
        var byID = Dictionary(results.map { ($0.statementID, $0) }, uniquingKeysWith: { first, _ in first })
        for (id, verdict) in verdicts {
            guard let statement = checklist.statements.first(where: { $0.id == id }) else { continue }
            let old = byID[id]
            let reason = "test variant: an inspector's finding of \(verdict.rawValue)"
            byID[id] = StatementResult(
                statementID: id, verdict: verdict, source: .manual, producer: "测试检查员", reason: reason,
                evidence: old?.evidence ?? [], judgedAt: old?.judgedAt,
                checkpoints: statement.checkpoints.map { checkpoint in
                    let previous = old?.checkpoints.first { $0.checkpointID == checkpoint.id }
                    return CheckpointResult(
                        checkpointID: checkpoint.id, verdict: verdict, source: .manual, producer: "测试检查员",
                        reason: reason, evidence: previous?.evidence ?? [],
                        areas: (previous?.areas ?? []).map { AreaResult(area: $0.area, verdict: verdict, reason: reason) })
                },
                areas: (old?.areas ?? []).map { AreaResult(area: $0.area, verdict: verdict, reason: reason) })
        }
        // In checklist order, as the store gives them.
        let order = Dictionary(uniqueKeysWithValues: checklist.statements.enumerated().map { ($1.id, $0) })
        return byID.values.sorted { (order[$0.statementID] ?? .max) < (order[$1.statementID] ?? .max) }
    }

    /// The site profile with the `mall:` block's name, credit code and district replaced (district added when absent,
    /// removed when nil).
    static func rewriteMall(_ text: String, name: String, creditCode: String, district: String?) -> String {
        var lines: [String] = []
        var inMall = false
        var wroteDistrict = false
        func quoted(_ value: String) -> String {
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("mall:") {
                inMall = true
                lines.append(line)
                continue
            }
            if inMall, !line.hasPrefix(" "), !line.isEmpty {
                if !wroteDistrict, let district { lines.append("  district: \(quoted(district))") }
                wroteDistrict = true
                inMall = false
            }
            if inMall {
                if line.hasPrefix("  name:") {
                    lines.append("  name: \(quoted(name))")
                    continue
                }
                if line.hasPrefix("  credit_code:") {
                    lines.append("  credit_code: \(creditCode)")
                    continue
                }
                if line.hasPrefix("  district:") {
                    if let district { lines.append("  district: \(quoted(district))") }
                    wroteDistrict = true
                    continue
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

/// One shape of bundle (verdicts, judgement date) rendered ONCE for a placeholder mall and run, then written for any
/// number of malls and runs by substituting their names into the rendered reports and the site profile — what
/// `benchmarks/server.sh` files 12,000 of without rendering 12,000 reports. Each bundle it writes is complete and
/// signed like any other: manifest, statement and signatures are made anew, and the server verifies every byte.
public struct BundleTemplate: Sendable {
    static let placeholderName = "MALLNAMEPLACEHOLDER"
    static let placeholderCode = "91320300PLACEHOLDR"
    static let placeholderRun = "RUNIDPLACEHOLDER"
    static let placeholderDistrict = "DISTRICTPLACEHOLDER"

    let source: BundleSource
    let members: [BundleBuilder.RenderedMember]

    /// Renders the reports once for `verdicts` judged at `judgementDate`.
    public init(factory: BundleFactory, verdicts: [String: Verdict], judgementDate: String) throws {
        source = factory.source(for: BundleVariant(
            mallName: Self.placeholderName, creditCode: Self.placeholderCode, district: Self.placeholderDistrict,
            runID: Self.placeholderRun, judgementDate: judgementDate, verdicts: verdicts))
        // No PDF: it is binary (the placeholders inside its compressed streams could not be replaced, so every
        // bundle's PDF would name the placeholder mall) and 1.5 MB, most of a bundle; it is an optional member
        // (`BundleReports.requiredPaths`), so a bundle without it is complete. The JSON and OSCAL reports are text
        // and are varied like the others.
        members = try BundleBuilder.members(source) { $0.format != "pdf" }
    }

    /// `data` with every occurrence of each pair's first string replaced by its second, byte by byte in one pass
    /// (UTF-8; the placeholders never overlap). Foundation's `replacingOccurrences` went through UTF-16 and was most
    /// of the time of writing 12,000 bundles.
    static func replacing(_ pairs: [(String, String)], in data: Data) -> Data {
        let patterns = pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) }.filter { !$0.0.isEmpty }
        let firsts = Set(patterns.map { $0.0[0] })
        let bytes = [UInt8](data)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 1024)
        var index = 0
        var copiedUpTo = 0
        while index < bytes.count {
            if firsts.contains(bytes[index]),
                let (old, new) = patterns.first(where: { pattern in
                    index + pattern.0.count <= bytes.count && bytes[index..<index + pattern.0.count].elementsEqual(pattern.0)
                })
            {
                output.append(contentsOf: bytes[copiedUpTo..<index])
                output.append(contentsOf: new)
                index += old.count
                copiedUpTo = index
            } else {
                index += 1
            }
        }
        output.append(contentsOf: bytes[copiedUpTo..<bytes.count])
        return Data(output)
    }

    /// The conformance every bundle of this template states.
    public var conformance: Conformance { source.report.scorecard.conformance }

    /// Writes the bundle of `mallName` / `creditCode` / `district`, run `runID`, signed as asked. Names must be
    /// plain text (no `<`, `>`, `&`, quotes: the reports would escape them) and the credit code 18 digits or capitals.
    @discardableResult
    public func write(
        mallName: String, creditCode: String, district: String, runID: String, signings: [BundleSigning], output: URL,
        toolVersion: String = "0.1.0-bench"
    ) throws -> BundleOutcome {
        guard !(mallName + district + runID).contains(where: { "<>&\"'".contains($0) }), creditCode.count == 18,
            let first = signings.first
        else {
            throw DiagnosticsError(Diagnostic(
                file: output.path, message: "a template bundle needs plain names, an 18-character credit code and a signing"))
        }
        func substitute(_ data: Data, site: (old: String, new: String)? = nil) -> Data {
            var pairs = [
                (Self.placeholderName, mallName), (Self.placeholderCode, creditCode), (Self.placeholderRun, runID),
                (Self.placeholderDistrict, district),
            ]
            if let site, !site.old.isEmpty { pairs.append(site) }
            return Self.replacing(pairs, in: data)
        }
        let oldSiteDigest = source.report.run.siteProfileDigest ?? ""
        let siteBytes = substitute(source.siteBytes)
        let newSiteDigest = SHA256Digest.hex(of: siteBytes)
        var varied = source
        var run = source.report.run
        run.runID = runID
        run.mall = MallIdentity(name: mallName, address: run.mall.address, creditCode: creditCode)
        run.siteProfileDigest = newSiteDigest
        varied.report = AuditReport(
            run: run, checklist: source.report.checklist, results: source.report.results,
            decisions: source.report.decisions)
        varied.siteBytes = siteBytes
        varied.district = district
        let members = self.members.map { member in
            var member = member
            switch member.role {
            case .report: member.data = substitute(member.data, site: (oldSiteDigest, newSiteDigest))
            case .siteProfile: member.data = siteBytes
            default: break
            }
            return member
        }
        let outcome = try BundleBuilder.assemble(
            varied, members: members, identity: first.identity, role: first.role, output: output,
            toolVersion: toolVersion, now: first.at)
        for signing in signings.dropFirst() {
            _ = try BundleCountersign.countersign(
                archive: output, identity: signing.identity, role: signing.role, now: signing.at)
        }
        return outcome
    }
}
