import ArgumentParser
import AuditSite
import Foundation

/// `mallaudit init`: writes the commented site-profile template and a copy of the shipped probe definitions.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented site-profile template (site.yaml) and the shipped probes to adapt for your mall.",
        discussion: """
            The template explains every key where it stands. Secrets are never written in it: it names the \
            environment variables that hold SNMP communities, passwords and API tokens. Beside it, probes/ gets a \
            copy of the probe definitions mallaudit ships (machine room, IoT areas, services, data), which the \
            template's `probes: [probes]` line uses; an existing probe file is kept unless --force is given.
            """)

    @Option(name: .shortAndLong, help: "Where to write the template.")
    var output: String = "site.yaml"

    @Flag(help: "Overwrite the site profile and probe files if they exist.")
    var force = false

    @Flag(name: .customLong("no-probes"), help: "Write only the site profile, not the probe definitions.")
    var noProbes = false

    func run() throws {
        let site = URL(fileURLWithPath: output)
        let outcome = try orExit {
            var probes: URL?
            if !noProbes {
                guard let shipped = SiteStarter.shippedProbes() else {
                    throw failure(
                        "cannot find the probe definitions mallaudit ships (probes/ of the checkout or "
                            + "share/mallaudit/probes of the installation); set $\(SiteStarter.probesVariable) "
                            + "or use --no-probes")
                }
                probes = shipped
            }
            return try SiteStarter.write(site: site, probes: probes, force: force)
        }
        for url in outcome.written { print("wrote \(relative(url))") }
        for url in outcome.kept { print("kept \(relative(url)) (exists; --force overwrites it)") }
        print("fill in the values marked CHANGE ME, then run `mallaudit probe --site \(output)`")
    }

    /// `url` relative to the current directory when it is below it.
    private func relative(_ url: URL) -> String {
        let current = FileManager.default.currentDirectoryPath + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(current) ? String(path.dropFirst(current.count)) : path
    }
}
