import AuditModel
import AuditSupport
import Foundation

/// Prints HTML to an A4 PDF with headless Chromium: the one way mallaudit makes a PDF (the conformance report, and
/// any other page the tool prints — an inspection worksheet — goes through `render(html:to:)` too).
///
/// Chromium (Debian's `chromium`, with `fonts-noto-cjk` for Chinese; `scripts/install-deps.sh` installs both) is
/// started through `AuditSupport.ChildProcess` — its own process group, stopped on timeout — with a private profile
/// folder and every host name unresolvable (the pages it prints carry no script and fetch nothing; turning
/// JavaScript off with `--blink-settings` stops Chromium 156 from printing at all), and prints a page the renderer
/// wrote to a private
/// temporary folder (removed afterwards). Page size, margins, the running header and the page numbers come from the
/// page's own CSS (`@page` with margin boxes, which Chromium prints since version 131), so `--no-pdf-header-footer`
/// turns Chromium's own header and footer (which would print the temporary file's path) off. Fonts are embedded.
///
/// A PDF is not byte-for-byte reproducible (Chromium stamps its creation time); the HTML it is printed from is.
public struct PDFRenderer: Sendable {
    /// The Chromium executable.
    public var executable: String
    /// Seconds before Chromium is stopped and the rendering fails.
    public var timeout: Double

    /// The environment variable naming a Chromium (or Chrome) executable to use instead of the one on `PATH`.
    public static let environmentVariable = "MALLAUDIT_CHROMIUM"
    /// Names looked up on `PATH`, in order.
    public static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// A renderer with `executable`, or the Chromium `$MALLAUDIT_CHROMIUM` names, else the first of `candidates` on
    /// `PATH`. Throws a `DiagnosticsError` saying how to install one when there is none.
    public init(
        executable: String? = nil, timeout: Double = 180,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        self.timeout = timeout
        if let executable {
            self.executable = executable
            return
        }
        guard let found = Self.locate(environment: environment) else {
            throw DiagnosticsError(
                Diagnostic(
                    file: nil, message: "no headless Chromium to print the PDF with",
                    expected: "Debian's chromium and fonts-noto-cjk (bash scripts/install-deps.sh), or "
                        + "$\(Self.environmentVariable) naming a Chromium executable"))
        }
        self.executable = found
    }

    /// `$MALLAUDIT_CHROMIUM`, else the first candidate on `PATH`; nil when none is there.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let named = environment[environmentVariable], !named.isEmpty { return named }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in candidates {
            for folder in path.split(separator: ":") where !folder.isEmpty {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// The arguments Chromium is run with to print `page` to `pdf`, with `profile` as its profile folder.
    static func arguments(page: URL, pdf: URL, profile: URL) -> [String] {
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-sync", "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=\(profile.path)", "--print-to-pdf=\(pdf.path)", page.absoluteString,
        ]
    }

    /// Prints `html` (a self-contained page: no script, nothing fetched) to a PDF at `output`, replacing it
    /// atomically. Throws a `DiagnosticsError` when Chromium cannot be started, fails, times out or writes no PDF.
    public func render(html: String, to output: URL) throws {
        let data = try render(html: html)
        do {
            try data.write(to: output, options: .atomic)
        } catch {
            throw DiagnosticsError(
                Diagnostic(file: output.path, message: "cannot write the PDF: \(error.localizedDescription)"))
        }
    }

    /// The PDF of `html`.
    public func render(html: String) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mallaudit-pdf-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DiagnosticsError(
                Diagnostic(file: folder.path, message: "cannot make a folder to print in: \(error.localizedDescription)"))
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("page.html")
        let pdf = folder.appendingPathComponent("page.pdf")
        let profile = folder.appendingPathComponent("profile", isDirectory: true)
        do {
            try Data(html.utf8).write(to: page)
        } catch {
            throw DiagnosticsError(
                Diagnostic(file: page.path, message: "cannot write the page to print: \(error.localizedDescription)"))
        }
        var environment = ProcessInfo.processInfo.environment
        // Chromium keeps caches and crash reports under HOME: the private folder, removed afterwards.
        environment["HOME"] = folder.path
        environment["XDG_CONFIG_HOME"] = folder.path
        environment["XDG_CACHE_HOME"] = folder.path
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(
                executable, Self.arguments(page: page, pdf: pdf, profile: profile), environment: environment,
                timeout: timeout)
        } catch {
            throw DiagnosticsError(
                Diagnostic(
                    file: executable, message: "cannot start Chromium to print the PDF: \(error)",
                    expected: "Debian's chromium (bash scripts/install-deps.sh) or $\(Self.environmentVariable)"))
        }
        let written = FileManager.default.contents(atPath: pdf.path) ?? Data()
        guard !outcome.timedOut, outcome.status == 0, written.starts(with: Data("%PDF-".utf8)) else {
            let why =
                outcome.timedOut
                ? "timed out after \(NumberFormat.exact(timeout)) s"
                : "exit \(outcome.status)" + (written.isEmpty ? ", no PDF written" : ", not a PDF")
            let log = outcome.stderrText.split(separator: "\n").filter { !$0.contains("dbus") }.suffix(5)
                .joined(separator: "\n")
            throw DiagnosticsError(
                Diagnostic(
                    file: executable, message: "Chromium could not print the PDF (\(why))"
                        + (log.isEmpty ? "" : ": \(log)"),
                    expected: "a working headless Chromium with fonts-noto-cjk"))
        }
        return written
    }
}

extension PDFRenderer {
    /// The PDF of `report` in `language`: the HTML report printed on A4, stamped with the time the run ended (else
    /// began) instead of the time it was printed, so the same report always gives the same bytes — what a signed
    /// bundle needs (docs/bundles.md) and what lets anyone compare a PDF with the one filed.
    public func render(_ report: AuditReport, language: Language = .zh) throws -> Data {
        let pdf = try render(html: try HTMLReportWriter().write(report, language: language))
        let stamp = [report.run.endedAt, report.run.startedAt].compactMap { $0 }.lazy.compactMap(Self.parseTime).first
        return stamp.map { Self.stamping(pdf, at: $0) } ?? pdf
    }

    /// `pdf` with every `/CreationDate (D:…)` and `/ModDate (D:…)` Chromium wrote set to `date` in UTC (the
    /// 14 digits `YYYYMMDDHHmmSS` replaced in place: the file's length and cross-reference offsets are unchanged).
    public static func stamping(_ pdf: Data, at date: Date) -> Data {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let digits = Array(String(
            format: "%04d%02d%02d%02d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0).utf8)
        var stamped = pdf
        for key in ["/CreationDate (D:", "/ModDate (D:"] {
            var from = stamped.startIndex
            while let found = stamped.range(of: Data(key.utf8), in: from..<stamped.endIndex) {
                let field = found.upperBound..<min(found.upperBound + digits.count, stamped.endIndex)
                if field.count == digits.count, stamped[field].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                    stamped.replaceSubrange(field, with: digits)
                }
                from = field.upperBound
            }
        }
        return stamped
    }

    /// An ISO 8601 time as the store writes it (`2026-11-20T08:00:00Z`, fractional seconds or an offset allowed).
    static func parseTime(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
