import ArgumentParser
import AuditHTTP
import AuditSupport
import Foundation

/// `mallaudit http`: ask one of the mall's HTTP systems directly, to find the paths, JSON paths and XPaths a
/// probe file should use, or to check an endpoint's TLS.
struct HTTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Ask an HTTP(S) system of the mall directly: fetch a URL, or inspect its TLS.",
        discussion: """
            Use it to write probe files: see what a system answers, try JSON paths and XPaths on the answer, and
            check TLS the way the TLS probe does. Tokens come from environment variables, never the command line.
            """,
        subcommands: [HTTPFetchCommand.self, HTTPTLSCommand.self])
}

/// Output formats of the `http` commands.
enum HTTPOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct HTTPFetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Send one HTTP request and show the answer (status, headers, TLS, timings, body).",
        discussion: """
            Redirects are shown, not followed, unless --follow is given (probes check the redirect itself).
            A token is passed by naming the environment variable that holds it:

              export MALL_MEMBER_TOKEN=…
              mallaudit http fetch https://member.example/api/member/features --bearer-env MALL_MEMBER_TOKEN \\
                  --json-path '$.features.points' --json-path '$.features.*'

            Exit status: 0 an answer came (whatever its HTTP status) and every --json-path/--xpath could be read;
            1 the command could not run (bad option, unset variable); 2 no answer (refused, timeout, TLS failure,
            too large) or a --json-path/--xpath could not be read.
            """)

    @Argument(help: "The URL (http:// or https://).")
    var url: String

    @Option(name: [.customShort("X"), .long], help: "GET, POST or HEAD.")
    var method: String = "GET"

    @Option(name: [.customShort("H"), .customLong("header")], help: "A header 'Name: value' (repeatable).")
    var headers: [String] = []

    @Option(
        name: .customLong("secret-header"),
        help: "A header whose value comes from an environment variable, as NAME=VARIABLE; never printed (repeatable).")
    var secretHeaders: [String] = []

    @Option(name: .customLong("bearer-env"), help: "Send 'Authorization: Bearer <value of this variable>'.")
    var bearerVariable: String?

    @Option(name: [.customShort("d"), .long], help: "A request body (with -X POST).")
    var data: String?

    @Option(name: .customLong("data-file"), help: "Read the request body from this file (with -X POST).")
    var dataFile: String?

    @Option(help: "Seconds for the whole request; fractions allowed (0.5).")
    var timeout: Double = 10

    @Flag(help: "Follow redirects (each hop is listed).")
    var follow = false

    @Option(name: .customLong("max-redirects"), help: "At most this many redirects with --follow.")
    var maxRedirects: Int = 10

    @Option(name: .customLong("ca-file"), help: "Trust the CAs in this PEM file instead of the system's.")
    var caFile: String?

    @Flag(help: "Do not verify the server's certificate (shows it anyway).")
    var insecure = false

    @Option(name: .customLong("max-body"), help: "Fail when the body is larger than this many bytes.")
    var maxBody: Int = 16 << 20

    @Option(
        name: .customLong("json-path"), help: "Read this JSON path from the body, e.g. '$.items[*].id' (repeatable).")
    var jsonPaths: [String] = []

    @Option(name: .customLong("xpath"), help: "Read this XPath from an HTML or XML body (repeatable).")
    var xpaths: [String] = []

    @Flag(name: .customLong("no-body"), help: "Do not print the body.")
    var noBody = false

    @Option(help: "text or json.")
    var format: HTTPOutputFormat = .text

    func validate() throws {
        guard HTTPMethod(rawValue: method.uppercased()) != nil else {
            throw ValidationError("--method \(method): expected GET, POST or HEAD")
        }
        if data != nil, dataFile != nil { throw ValidationError("give --data or --data-file, not both") }
        if let problem = NetworkTimeout.problem(timeout) {
            throw ValidationError("--timeout \(timeout): \(problem); expected \(NetworkTimeout.expected)")
        }
    }

    func run() async throws {
        var headerList: [HTTPHeader] = []
        for header in headers {
            guard let colon = header.firstIndex(of: ":") else {
                throw httpCommandFailure("--header '\(header)': expected 'Name: value'")
            }
            headerList.append(
                HTTPHeader(
                    String(header[..<colon]), header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                ))
        }
        do throws(HTTPError) {
            for secret in secretHeaders {
                guard let equals = secret.firstIndex(of: "="), equals != secret.startIndex else {
                    throw .invalidRequest("--secret-header '\(secret)': expected NAME=VARIABLE")
                }
                headerList.append(
                    try .secret(
                        String(secret[..<equals]), fromEnvironment: String(secret[secret.index(after: equals)...])))
            }
            if let bearerVariable {
                headerList.append(try .secret("Authorization", fromEnvironment: bearerVariable, prefix: "Bearer "))
            }
        } catch {
            throw httpCommandFailure("\(error)")
        }
        var body: Data?
        if let data { body = Data(data.utf8) }
        if let dataFile {
            do {
                body = try InputFile.contents(dataFile, limit: 64 << 20)
            } catch {
                throw httpCommandFailure("--data-file \(dataFile): the file \(error.reason)")
            }
        }
        let request = HTTPRequest(
            HTTPMethod(rawValue: method.uppercased()) ?? .get, url: url, headers: headerList, body: body,
            timeout: timeout, followRedirects: follow, maxRedirects: maxRedirects, maxBodyBytes: maxBody,
            tls: HTTPTLSOptions(verifyPeer: !insecure, verifyHost: !insecure, caFile: caFile))
        let report = await HTTPFetchReport.fetch(request, jsonPaths: jsonPaths, xpaths: xpaths)
        print(format == .json ? report.json(includeBody: !noBody) : report.text(includeBody: !noBody))
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}

struct HTTPTLSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls",
        abstract: "Show an HTTPS endpoint's TLS protocol and certificate chain, and whether it verifies.",
        discussion: """
            Connects with verification on; when the certificate does not verify, connects again without
            verification to show it anyway (dates, subject, issuer) with the reason it failed.

            Exit status: 0 verified; 3 a handshake completed but the certificate does not verify (expired,
            unknown issuer, wrong host name); 2 no handshake at all (refused, timeout, no common protocol);
            1 the command could not run.
            """)

    @Argument(help: "The https:// URL.")
    var url: String

    @Option(name: .customLong("ca-file"), help: "Trust the CAs in this PEM file instead of the system's.")
    var caFile: String?

    @Option(help: "Seconds per connection attempt; fractions allowed.")
    var timeout: Double = 10

    @Option(help: "text or json.")
    var format: HTTPOutputFormat = .text

    func validate() throws {
        if let problem = NetworkTimeout.problem(timeout) {
            throw ValidationError("--timeout \(timeout): \(problem); expected \(NetworkTimeout.expected)")
        }
    }

    func run() async throws {
        let report = await TLSReport.inspect(url, caFile: caFile, timeout: timeout)
        if case .failure(.invalidRequest(let message)) = report.result { throw httpCommandFailure(message) }
        print(format == .json ? report.json() : report.text())
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}

/// Prints `mallaudit: message` on stderr and returns exit status 1 ("the command could not run").
private func httpCommandFailure(_ message: String) -> ExitCode {
    writeError("mallaudit: \(message)\n")
    return ExitCode(1)
}
