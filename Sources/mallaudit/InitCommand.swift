import ArgumentParser
import AuditProbes
import Foundation

/// `mallaudit init`: writes the commented site-profile template.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented site-profile template (site.yaml) to fill in for your mall.",
        discussion: """
            The template explains every key where it stands. Secrets are never written in it: it names the
            environment variables that hold SNMP communities, passwords and API tokens.
            """)

    @Option(name: .shortAndLong, help: "Where to write the template.")
    var output: String = "site.yaml"

    @Flag(help: "Overwrite the file if it exists.")
    var force = false

    func run() throws {
        let url = URL(fileURLWithPath: output)
        if FileManager.default.fileExists(atPath: url.path), !force {
            throw failure("\(output) exists; use --force to overwrite it")
        }
        do {
            try (SiteTemplate.text + "\n").write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw failure("cannot write \(output): \(error.localizedDescription)")
        }
        print("wrote \(output): fill in the values marked CHANGE ME, then run `mallaudit probe --site \(output)`")
    }
}
