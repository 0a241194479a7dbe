import AuditModel
import AuditReports
import AuditSigning
import Foundation

/// The signed audit bundle, format version 1 (docs/bundles.md): one zip holding the reports, the evidence, the
/// checklist, the site profile, the measured inputs' digests, a manifest, and a DSSE envelope over an in-toto
/// Statement naming every other member as a subject.
public enum BundleFormat {
    /// The format version this mallaudit writes.
    public static let currentVersion = 1
    /// Every format version this mallaudit verifies (a later mallaudit keeps accepting earlier versions).
    public static let readableVersions: Set<Int> = [1]

    /// The in-toto predicate type of a bundle statement, versioned with the format.
    public static func predicateType(version: Int) -> String { "https://mallaudit.example/bundle/v\(version)" }

    // Member paths.
    public static let envelopePath = "envelope.dsse.json"
    public static let manifestPath = "manifest.json"
    public static let measuredInputsPath = "measured-inputs.json"
    public static let checklistPath = "checklist/checklist.xml"
    public static let siteProfilePath = "site/site.yaml"
    public static let evidenceFolder = "evidence/"

    public static func evidencePath(_ sha256: String) -> String { evidenceFolder + sha256 }

    /// Every zip entry's modification time: 1980-01-01 00:00:00 UTC, the first instant a zip can state, so that the
    /// same contents always give the same bytes.
    public static let entryDate = Date(timeIntervalSince1970: 315_532_800)
}

/// One report in a bundle. The list `BundleReports.members` is the only place that says which reports a bundle
/// carries: a new report format (PDF, JSON) is one more member.
public struct BundleReportMember: Sendable {
    /// `xml`, `html`, `junit`, … (as `mallaudit report --format` names it).
    public var format: String
    /// Path inside the zip, under `reports/`.
    public var path: String
    public var mediaType: String
    /// Renders the report of a run.
    public var render: @Sendable (AuditReport) throws -> Data

    public init(format: String, path: String, mediaType: String, render: @escaping @Sendable (AuditReport) throws -> Data) {
        self.format = format
        self.path = path
        self.mediaType = mediaType
        self.render = render
    }
}

public enum BundleReports {
    /// The XML report: the formal one, which `verify` validates against the schema and recomputes.
    public static let xmlPath = "reports/report.xml"

    /// The reports a bundle carries, in this order. The XML report must stay: verification reads it.
    public static let members: [BundleReportMember] = [
        BundleReportMember(format: "xml", path: xmlPath, mediaType: "application/xml") { report in
            try XMLReportWriter().write(report)
        },
        BundleReportMember(format: "html", path: "reports/report.html", mediaType: "text/html; charset=utf-8") {
            report in Data(try HTMLReportWriter().write(report, language: .zh).utf8)
        },
        BundleReportMember(format: "junit", path: "reports/report.junit.xml", mediaType: "application/xml") { report in
            try JUnitReportWriter().write(report)
        },
        BundleReportMember(format: "pdf", path: "reports/report.pdf", mediaType: "application/pdf") { report in
            // Headless Chromium prints it; stamped with the run's end, so the same run gives the same bytes.
            try PDFRenderer().render(report, language: .zh)
        },
        BundleReportMember(format: "json", path: "reports/report.json", mediaType: "application/json") { report in
            try JSONReportWriter().write(report)
        },
        BundleReportMember(format: "oscal", path: "reports/report.oscal.json", mediaType: "application/json") {
            report in try OSCALReportWriter().write(report)
        },
    ]

    /// The reports every bundle must carry: those of format version 1 (XML, HTML, JUnit). Reports added later
    /// (PDF, JSON, OSCAL) are signed subjects like any member, but a bundle made before them stays valid without them.
    public static let requiredPaths = [xmlPath, "reports/report.html", "reports/report.junit.xml"]
}

/// What a member of the bundle is.
public enum MemberRole: String, Sendable, Hashable, Codable {
    case report, evidence, checklist, siteProfile, measuredInputs, manifest
}

/// `manifest.json`: every member but the manifest itself and the envelope, and every evidence file of the run —
/// included or left out on request.
public struct BundleManifest: Sendable, Hashable, Codable {
    public struct Member: Sendable, Hashable, Codable {
        public var path: String
        public var role: MemberRole
        public var mediaType: String
        public var size: Int64
        public var sha256: String
        /// For reports: the format (`xml`, `html`, `junit`, `pdf`, `json`, `oscal`).
        public var format: String?
    }

    /// Where an evidence file is used in the run: `statement` is a statement id, or a checkpoint id
    /// (`5.1.2-2/realName`) for evidence bound to one checkpoint.
    public struct EvidenceUse: Sendable, Hashable, Codable {
        public var statement: String
        public var name: String
        public var collectedBy: String?
        public var collectedAt: String?
        public var description: String?
    }

    public struct Evidence: Sendable, Hashable, Codable {
        public var sha256: String
        public var size: Int64
        /// False when the file was left out: it stays listed with its digest.
        public var included: Bool
        /// `evidence/<sha256>` when included.
        public var path: String?
        public var uses: [EvidenceUse]
        /// Why a file was left out: `requested` (`--leave-out`) or `personalData` (a text file holding what looks
        /// like a visitor's mobile number, MAC, ID-card number or e-mail: a bundle never carries it). Nil when
        /// included, and in bundles made before the reason was recorded.
        public var leftOutBecause: String?

        public init(
            sha256: String, size: Int64, included: Bool, path: String?, uses: [EvidenceUse],
            leftOutBecause: String? = nil
        ) {
            self.sha256 = sha256
            self.size = size
            self.included = included
            self.path = path
            self.uses = uses
            self.leftOutBecause = leftOutBecause
        }
    }

    public var bundleFormatVersion: Int
    public var runID: String
    public var members: [Member]
    public var evidence: [Evidence]
}

/// `measured-inputs.json`: the digest of every export a measured check read (the exports themselves stay with the
/// mall; they can hold personal data).
public struct MeasuredInputs: Sendable, Hashable, Codable {
    public struct Input: Sendable, Hashable, Codable {
        /// The check (its producer name, e.g. `wifi-log-retention`).
        public var check: String
        public var statements: [String]
        /// The path as the run saw it; a folder ends with `/`.
        public var path: String
        /// `file` or `folder` (a folder's digest is over the `sha256sum` lines of its files, docs/bundles.md).
        public var kind: String
        public var sha256: String
    }

    public var inputs: [Input]
}

/// The predicate of a bundle's statement (predicate type `https://mallaudit.example/bundle/v1`).
public struct BundlePredicate: Sendable, Hashable, Codable {
    public struct Mall: Sendable, Hashable, Codable {
        public var name: String
        /// 统一社会信用代码.
        public var creditCode: String?
        public var district: String?
        public var address: String?
    }

    public struct Run: Sendable, Hashable, Codable {
        public var id: String
        public var startedAt: String
        public var endedAt: String?
        public var completion: String
        /// The mallaudit version that ran the audit.
        public var toolVersion: String
    }

    public struct Summary: Sendable, Hashable, Codable {
        public var total: ReportReading.Counts
        public var requirements: ReportReading.Counts
        public var shall: ReportReading.Counts
        public var shallNot: ReportReading.Counts
        public var should: ReportReading.Counts
        public var may: ReportReading.Counts
        public var shouldAdoption: Adoption

        public struct Adoption: Sendable, Hashable, Codable {
            public var pass: Int
            public var applicable: Int
        }

        /// The summary of `card`, as every report states it.
        public init(_ card: Scorecard) {
            func modality(_ m: Modality) -> ReportReading.Counts {
                ReportReading.Counts(card.byModality[m] ?? VerdictCounts())
            }
            total = ReportReading.Counts(card.total)
            requirements = ReportReading.Counts(card.requirementCounts)
            shall = modality(.shall)
            shallNot = modality(.shallNot)
            should = modality(.should)
            may = modality(.may)
            let shouldCounts = card.byModality[.should] ?? VerdictCounts()
            shouldAdoption = Adoption(pass: shouldCounts[.pass], applicable: shouldCounts.applicable)
        }

        /// The counts by the XML report's scope names.
        public var byScope: [String: ReportReading.Counts] {
            ["total": total, "requirements": requirements, "shall": shall, "shallNot": shallNot, "should": should,
             "may": may]
        }
    }

    public struct Checklist: Sendable, Hashable, Codable {
        public var version: String
        /// SHA-256 of the checklist file (the `checklist/checklist.xml` member).
        public var digest: String
    }

    public struct SiteProfile: Sendable, Hashable, Codable {
        /// SHA-256 of the site profile (the `site/site.yaml` member).
        public var digest: String
    }

    public struct Tool: Sendable, Hashable, Codable {
        public var name: String
        public var version: String
    }

    /// Who made the bundle (the first signature).
    public struct Signer: Sendable, Hashable, Codable {
        public var name: String
        public var organization: String
        public var role: SignerRole
        public var keyid: String
        public var algorithm: String
    }

    public struct EvidenceCounts: Sendable, Hashable, Codable {
        public var included: Int
        public var leftOut: Int
    }

    public var bundleFormatVersion: Int
    public var mall: Mall
    public var run: Run
    /// The date the run was judged at (`--as-of`, stored with the run); for runs stored before the store kept it, the
    /// as-of date of its measured checks, else the UTC date it started.
    public var judgementDate: String
    /// `conformant`, `nonConformant` or `incomplete`.
    public var verdict: String
    public var summary: Summary
    public var checklist: Checklist
    public var siteProfile: SiteProfile
    /// The mallaudit that made the bundle.
    public var tool: Tool
    public var signer: Signer
    public var evidence: EvidenceCounts
}

/// The statement a bundle's envelope signs.
public typealias BundleStatement = InTotoStatement<BundlePredicate>
