import ArgumentParser
import AuditSubmit
import Foundation

/// `mallaudit submit`: sends a signed bundle to the bureau's server, or the bundles waiting in the outbox.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Send a bundle to the bureau's server (mallaudit-server); queue it when it cannot be sent now.",
        usage: "mallaudit submit <FILE.zip> --server <URL> --token-env <VAR> [<options>]\nmallaudit submit --pending [<options>]",
        discussion: """
            The token is read from the environment variable --token-env names (never from an argument or a file). \
            A bundle that cannot be sent now (no connection, timeout, 429, 5xx after the retries) is queued in the \
            outbox: --outbox DIR, else $MALLAUDIT_OUTBOX, else $XDG_STATE_HOME/mallaudit/outbox, else \
            ~/.local/state/mallaudit/outbox. `mallaudit submit --pending` sends what waits there.

            Exit status: 0 delivered (201 new, 200 known), 2 refused by the server (422, each problem printed), \
            3 queued or still pending, 1 not sent and not queued (bad token, bad URL, unreadable file), 64 usage \
            error.
            """)

    @Argument(help: ArgumentHelp("The bundle to send.", valueName: "FILE.zip"))
    var file: String?

    @Flag(help: "Send every bundle waiting in the outbox instead.")
    var pending = false

    @Option(help: ArgumentHelp("The server's base URL (https://audit.bureau.example).", valueName: "URL"))
    var server: String?

    @Option(help: ArgumentHelp("The environment variable holding the API token.", valueName: "VAR"))
    var tokenEnv: String?

    @Option(help: ArgumentHelp("A PEM file of CAs to trust for the server (instead of the system's).", valueName: "FILE"))
    var caFile: String?

    @Option(help: "Attempts after the first one.")
    var retries = 3

    @Option(help: ArgumentHelp("Seconds before the first retry (doubled each time).", valueName: "SECONDS"))
    var retryDelay = 2.0

    @Option(help: ArgumentHelp("Where bundles wait (see above).", valueName: "DIR"))
    var outbox: String?

    func validate() throws {
        if pending {
            if file != nil { throw ValidationError("give either FILE or --pending, not both") }
        } else {
            guard file != nil else { throw ValidationError("give the bundle FILE to send, or --pending") }
            guard server != nil else { throw ValidationError("--server URL is required") }
            guard tokenEnv != nil else { throw ValidationError("--token-env VAR is required") }
        }
        if retries < 0 { throw ValidationError("--retries must be 0 or more") }
        if !(retryDelay >= 0 && retryDelay.isFinite) { throw ValidationError("--retry-delay must be 0 or more") }
    }

    func run() async throws {
        let box = outbox.map { Outbox(root: URL(fileURLWithPath: $0)) } ?? Outbox.standard()
        let submitter = Submitter()
        if pending {
            let results = try await orExitAsync {
                try await submitter.submitPending(
                    outbox: box, server: server, tokenVariable: tokenEnv, retries: retries, retryDelay: retryDelay)
            }
            if results.isEmpty { print("outbox \(box.root.path) is empty") }
            var status: Int32 = 0
            for result in results {
                let name = "\(result.entry.originalName) (\(result.entry.sha256.prefix(12)))"
                status = max(status, report(result.outcome, name: name))
            }
            if status != 0 { throw ExitCode(status) }
            return
        }
        let options = Submitter.Options(
            server: server!, tokenVariable: tokenEnv!, caFile: caFile, retries: retries, retryDelay: retryDelay)
        let outcome = try await orExitAsync {
            try await submitter.submit(file: URL(fileURLWithPath: file!), options: options, outbox: box)
        }
        let status = report(outcome, name: file!)
        if status != 0 { throw ExitCode(status) }
    }

    /// Prints what happened to one bundle; returns its exit status.
    private func report(_ outcome: Submitter.Outcome, name: String) -> Int32 {
        switch outcome {
        case .delivered(let status, let answer):
            print("\(name): \(status == 201 ? "stored as a new run" : "known already") (\(status)) \(answer)")
            return 0
        case .refused(let problems):
            printError("mallaudit: error: \(name): refused by the server (422):")
            for problem in problems { printError("  \(problem)") }
            return 2
        case .queued(let reason, let outbox):
            warn("\(name): not sent (\(reason)); queued in \(outbox.path): `mallaudit submit --pending` sends it")
            return 3
        case .failed(let reason):
            printError("mallaudit: error: \(name): not sent: \(reason)")
            return 1
        }
    }
}
