import ArgumentParser
import AuditHTTP
import AuditModel
import AuditSite
import AuditSupport
import Foundation

/// `mallaudit http`: ask one of the mall's HTTP systems directly, to find the paths, JSON paths and XPaths a
/// probe file should use, or to check an endpoint's TLS.
struct HTTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Ask an HTTP(S) system of the mall directly: fetch a URL, or inspect its TLS.",
        discussion: """
            Use it to write probe files: see what a system answers, try JSON paths and XPaths on the answer, and \
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
            Redirects are shown, not followed, unless --follow is given (probes check the \
            redirect itself). A token is passed by naming the environment variable that \
            holds it:

              export MALL_MEMBER_TOKEN=…
              mallaudit http fetch https://member.example/api/member/features \\
                  --bearer-env MALL_MEMBER_TOKEN \\
                  --json-path '$.features.points' --json-path '$.features.*'

            Exit status: 0 an answer came (whatever its HTTP status) and every --json-path \
            and --xpath could be read; 2 a --json-path or --xpath could not be read; 3 no \
            answer (refused, timeout, TLS failure, too large); 1 the command could not run \
            (unset variable, unreadable file, bad URL); 64 usage error.
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
                throw ValidationError("--header '\(header)': expected 'Name: value'")
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
            throw failure("\(error)")
        }
        var body: Data?
        if let data { body = Data(data.utf8) }
        if let dataFile {
            do {
                body = try InputFile.contents(dataFile, limit: 64 << 20)
            } catch {
                throw failure("--data-file \(dataFile): the file \(error.reason)")
            }
        }
        let request = HTTPRequest(
            HTTPMethod(rawValue: method.uppercased()) ?? .get, url: url, headers: headerList, body: body,
            timeout: timeout, followRedirects: follow, maxRedirects: maxRedirects, maxBodyBytes: maxBody,
            tls: HTTPTLSOptions(verifyPeer: !insecure, verifyHost: !insecure, caFile: caFile))
        let report = await HTTPFetchReport.fetch(request, jsonPaths: jsonPaths, xpaths: xpaths)
        if case .failure(.invalidRequest(let message)) = report.result { throw failure(message) }
        print(format == .json ? report.json(includeBody: !noBody) : report.text(includeBody: !noBody))
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}

struct HTTPTLSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls",
        abstract: "Show an HTTPS endpoint's TLS handshake and certificate chain, and whether it verifies.",
        usage: "mallaudit http tls <url> [<options>]",
        discussion: """
            Judges the handshake itself: no HTTP request is sent, so a server that answers \
            no HEAD or GET is still seen to complete it. Connects with verification on; \
            when the certificate does not verify, connects again without verification to \
            show it anyway (dates, subject, issuer) with the reason it failed. When no \
            handshake succeeds with mallaudit's TLS settings (TLS 1.2 or later), tries \
            each protocol version alone to name the ones the server offers. Warns when \
            the certificate expires within the margin: --margin-days, else the site \
            profile's limits.certificate_margin_days (--site), else 30 days.

            Exit status: 0 the certificate verified and stays valid beyond the margin; 2 \
            the check failed (it does not verify: expired, unknown issuer, wrong host \
            name; it expires inside the margin; the server offers only protocols older \
            than TLS 1.2); 3 no handshake at all (refused, timeout, not TLS); 1 the \
            command could not run; 64 usage error.
            """)

    @Argument(help: "The https:// URL.")
    var url: String

    @Option(name: .customLong("ca-file"), help: "Trust the CAs in this PEM file instead of the system's.")
    var caFile: String?

    @Option(help: "Seconds per connection attempt; fractions allowed.")
    var timeout: Double = 10

    @Option(
        name: .customLong("margin-days"),
        help: ArgumentHelp("Warn when the certificate expires within this many days.", valueName: "DAYS"))
    var marginDays: Int?

    @Option(help: ArgumentHelp("A site profile whose limits.certificate_margin_days to use.", valueName: "FILE"))
    var site: String?

    @Option(help: "text or json.")
    var format: HTTPOutputFormat = .text

    func validate() throws {
        if let marginDays, marginDays < 0 { throw ValidationError("--margin-days must be 0 or more") }
        if marginDays != nil, site != nil { throw ValidationError("give --margin-days or --site, not both") }
        if let problem = NetworkTimeout.problem(timeout) {
            throw ValidationError("--timeout \(timeout): \(problem); expected \(NetworkTimeout.expected)")
        }
    }

    func run() async throws {
        var margin = marginDays ?? ToolLimits.defaultCertificateMarginDays
        if let site {
            margin = try orExit { try SiteProfile.load(URL(fileURLWithPath: site)).limits.certificateMarginDays }
        }
        let report = await TLSReport.inspect(url, caFile: caFile, timeout: timeout, marginDays: margin)
        if case .failure(.invalidRequest(let message)) = report.result { throw failure(message) }
        print(format == .json ? report.json() : report.text())
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
