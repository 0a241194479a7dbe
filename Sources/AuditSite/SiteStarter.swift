import AuditModel
import AuditSupport
import AuditSupport
import Foundation

/// What `mallaudit init` writes: the commented site-profile template (`SiteTemplate`) and, beside it, a copy of the
/// shipped probe definitions its `probes: [probes]` line refers to, for the mall to adapt. Without the copy, the
/// first `mallaudit probe` after `init` would stop at "probe definitions not found".
public enum SiteStarter {
    /// Environment variable naming the directory of shipped probe definitions.
    public static let probesVariable = "MALLAUDIT_PROBES"
    /// The shipped probe definitions, relative to the repository (or `share/mallaudit` of an installation).
    public static let probesRelativePath = "probes"

    /// The directory of shipped probe definitions: `$MALLAUDIT_PROBES`, else `probes/` of the checkout or
    /// installation the executable belongs to (see `ResourceLocator`); nil when there is none.
    public static func shippedProbes(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: URL? = ResourceLocator.executableURL()
    ) -> URL? {
        if let path = environment[probesVariable], !path.isEmpty { return URL(fileURLWithPath: path) }
        guard let executable else { return nil }
        return ResourceLocator.searchUpwards(from: executable.deletingLastPathComponent(), for: probesRelativePath)
    }

    /// What `write` did, for the user.
    public struct Outcome: Sendable, Equatable {
        /// Files written (the profile first, then each probe file).
        public var written: [URL]
        /// Probe files that were already there and were kept (without `force`).
        public var kept: [URL]
    }

    /// Writes the template to `site` and, when `probes` is given, copies its `*.yaml` files into `probes/` beside
    /// `site`. Refuses to overwrite `site` without `force`; an existing probe file is kept without `force` (it may
    /// hold the mall's own changes). Checks everything it can before writing anything.
    public static func write(site: URL, probes: URL?, force: Bool) throws -> Outcome {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: site.path), !force {
            throw DiagnosticsError(
                Diagnostic(file: site.path, message: "the file exists", expected: "--force to overwrite it"))
        }
        var sources: [URL] = []
        if let probes {
            let names: [String]
            do {
                names = try fileManager.contentsOfDirectory(atPath: probes.path)
            } catch {
                throw DiagnosticsError(
                    Diagnostic(
                        file: probes.path, message: "cannot read the shipped probe definitions",
                        expected: "a directory of probe .yaml files; set $\(probesVariable), or use --no-probes"))
            }
            sources = names.filter { $0.hasSuffix(".yaml") }.sorted().map { probes.appendingPathComponent($0) }
            guard !sources.isEmpty else {
                throw DiagnosticsError(
                    Diagnostic(
                        file: probes.path, message: "no probe definitions (.yaml) in the shipped probes directory",
                        expected: "the probes/ directory of mallaudit; set $\(probesVariable), or use --no-probes"))
            }
        }
        var outcome = Outcome(written: [], kept: [])
        do {
            try (SiteTemplate.text + "\n").write(to: site, atomically: true, encoding: .utf8)
        } catch {
            throw DiagnosticsError(
                Diagnostic(file: site.path, message: "cannot write the site profile: \(error.localizedDescription)"))
        }
        outcome.written.append(site)
        guard !sources.isEmpty else { return outcome }
        let directory = site.deletingLastPathComponent().appendingPathComponent(probesRelativePath)
        do {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
            for source in sources {
                let target = directory.appendingPathComponent(source.lastPathComponent)
                if fileManager.fileExists(atPath: target.path) {
                    guard force else {
                        outcome.kept.append(target)
                        continue
                    }
                    try fileManager.removeItem(at: target)
                }
                try fileManager.copyItem(at: source, to: target)
                outcome.written.append(target)
            }
        } catch {
            throw DiagnosticsError(
                Diagnostic(
                    file: directory.path, message: "cannot copy the probe definitions: \(error.localizedDescription)"))
        }
        return outcome
    }
}
