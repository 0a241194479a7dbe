import AuditModel
import Foundation

extension HTTPError {
    /// A stable name of the failure kind, for JSON output and reports: `timeout`, `tls`, `couldNotConnect`, ….
    public var kind: String {
        switch self {
        case .invalidRequest: "invalidRequest"
        case .couldNotResolve: "couldNotResolve"
        case .couldNotConnect: "couldNotConnect"
        case .timeout: "timeout"
        case .tls: "tls"
        case .tooLarge: "tooLarge"
        case .cancelled: "cancelled"
        case .other: "other"
        }
    }
}

/// One value read from an answer by `mallaudit http fetch --json-path/--xpath`.
public struct HTTPExtraction: Sendable, Hashable, Codable {
    /// The JSON path or XPath as given.
    public var expression: String
    /// What it selected (empty when nothing matched).
    public var values: [String]
    /// Why nothing could be read (malformed body, invalid expression).
    public var error: String?
}

/// What `mallaudit http fetch` shows: the request (secrets redacted), the answer or the failure, and any values
/// read from the body. Rendered as text for people or JSON for scripts.
public struct HTTPFetchReport: Sendable {
    public var request: HTTPRequest
    public var result: Result<HTTPResponse, HTTPError>
    public var extractions: [HTTPExtraction]

    /// Performs `request` and reads each JSON path and XPath from the body, parsed once. XPath runs over XML when
    /// the answer says `Content-Type: …xml` (and not HTML), otherwise over HTML: `ParsedBody.markupKind`, the choice
    /// a probe makes too.
    public static func fetch(
        _ request: HTTPRequest, jsonPaths: [String] = [], xpaths: [String] = [], client: HTTPClient = HTTPClient()
    ) async -> HTTPFetchReport {
        let result = await client.perform(request)
        var extractions: [HTTPExtraction] = []
        if case .success(let response) = result {
            // One parse of the body for every path, the same parser choice as a probe's (`ParsedBody`).
            let body = ParsedBody(response)
            for path in jsonPaths {
                do throws(ExtractionError) {
                    extractions.append(HTTPExtraction(expression: path, values: try body.jsonPath(path)))
                } catch {
                    extractions.append(HTTPExtraction(expression: path, values: [], error: error.message))
                }
            }
            for expression in xpaths {
                do throws(ExtractionError) {
                    extractions.append(HTTPExtraction(expression: expression, values: try body.xpath(expression)))
                } catch {
                    extractions.append(HTTPExtraction(expression: expression, values: [], error: error.message))
                }
            }
        }
        return HTTPFetchReport(request: request, result: result, extractions: extractions)
    }

    /// mallaudit's exit table: 0 an answer came (whatever its status) and every extraction could be read; 2 an
    /// extraction could not be read (the check failed); 3 no answer (refused, timeout, TLS failure, too large: it
    /// could not be checked); 1 the request could not be made (a bad URL, an unreadable CA file).
    public var exitStatus: Int32 {
        switch result {
        case .failure(.invalidRequest): return 1
        case .failure: return 3
        case .success: return extractions.allSatisfy({ $0.error == nil }) ? 0 : 2
        }
    }

    /// Text for a terminal: request line, status and timings, redirects, TLS, headers, extractions, and the body
    /// unless `includeBody` is false (a body that is not UTF-8 is summarised).
    public func text(includeBody: Bool = true, now: Date = Date()) -> String {
        var lines = ["> \(request)"]
        switch result {
        case .failure(let error):
            lines.append("error (\(error.kind)): \(error)")
        case .success(let response):
            for hop in response.redirects {
                lines.append("redirect: \(hop.status) from \(hop.url) to \(hop.location)")
            }
            let t = response.timings
            lines.append(
                "< \(response.httpVersion) \(response.status) from \(response.finalURL)"
                    + " (\(seconds(t.total)); connect \(seconds(t.connect)), TLS \(seconds(t.tlsHandshake)),"
                    + " first byte \(seconds(t.firstByte)))")
            if let location = response.redirectLocation { lines.append("redirect not followed: → \(location)") }
            if let tls = response.tls {
                lines.append("TLS: \(tls.protocolVersion ?? "unknown protocol") \(tls.cipher ?? "")")
                if let leaf = tls.leaf { lines.append(TLSReport.certificateLine(leaf, now: now)) }
                if !tls.verificationEnforced { lines.append("TLS: certificate NOT verified (verification was off)") }
            }
            for field in response.headers { lines.append("< \(field.name): \(field.value)") }
            for extraction in extractions {
                if let error = extraction.error {
                    lines.append("\(extraction.expression): error: \(error)")
                } else {
                    lines.append(
                        "\(extraction.expression) = "
                            + (extraction.values.isEmpty ? "(no match)" : extraction.values.joined(separator: ", ")))
                }
            }
            if includeBody {
                lines.append("")
                if let text = String(data: response.body, encoding: .utf8) {
                    lines.append(text)
                } else {
                    lines.append("(\(response.body.count) bytes that are not UTF-8 text)")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// JSON for scripts (keys sorted, dates ISO 8601); the body as text when it is UTF-8, otherwise base64.
    public func json(includeBody: Bool = true) -> String {
        var object: [String: Any] = [
            "request": [
                "method": request.method.rawValue, "url": request.url, "headers": request.headers.map(\.description),
            ]
        ]
        switch result {
        case .failure(let error):
            object["error"] = ["kind": error.kind, "message": error.description]
        case .success(let response):
            var answer: [String: Any] = [
                "status": response.status, "httpVersion": response.httpVersion, "finalURL": response.finalURL,
                "headers": response.headers.map { [$0.name, $0.value] },
                "redirects": response.redirects.map { ["url": $0.url, "status": $0.status, "location": $0.location] },
                "timings": [
                    "nameLookup": response.timings.nameLookup, "connect": response.timings.connect,
                    "tlsHandshake": response.timings.tlsHandshake, "firstByte": response.timings.firstByte,
                    "total": response.timings.total,
                ],
                "bodyBytes": response.body.count,
            ]
            if let location = response.redirectLocation { answer["redirectLocation"] = location }
            if let remote = response.remoteAddress { answer["remoteAddress"] = remote }
            if let tls = response.tls {
                answer["tls"] = [
                    "protocolVersion": tls.protocolVersion as Any, "cipher": tls.cipher as Any,
                    "verificationEnforced": tls.verificationEnforced,
                    "certificates": tls.certificates.map(TLSReport.certificateObject),
                ]
            }
            if includeBody {
                if let text = String(data: response.body, encoding: .utf8) {
                    answer["body"] = text
                } else {
                    answer["bodyBase64"] = response.body.base64EncodedString()
                }
            }
            object["response"] = answer
            if !extractions.isEmpty {
                object["extractions"] = extractions.map { extraction -> [String: Any] in
                    var item: [String: Any] = ["expression": extraction.expression, "values": extraction.values]
                    if let error = extraction.error { item["error"] = error }
                    return item
                }
            }
        }
        return TLSReport.serialize(object)
    }

    private func seconds(_ value: Double) -> String { NumberFormat.fixed(value, decimals: 3) + " s" }
}

/// What `mallaudit http tls` shows: the handshake, the certificate chain, and a warning when the certificate expires
/// inside the margin (`limits.certificate_margin_days`).
public struct TLSReport: Sendable {
    public var url: String
    public var result: Result<TLSInspection, HTTPError>
    /// Days the certificate must stay valid (the site profile's `limits.certificate_margin_days`, default 30).
    public var marginDays: Int
    /// When the report is judged.
    public var now: Date

    public init(url: String, result: Result<TLSInspection, HTTPError>, marginDays: Int = 30, now: Date = Date()) {
        self.url = url
        self.result = result
        self.marginDays = marginDays
        self.now = now
    }

    public static func inspect(
        _ url: String, caFile: String?, timeout: Double, marginDays: Int = 30, client: HTTPClient = HTTPClient()
    ) async -> TLSReport {
        TLSReport(
            url: url, result: await client.inspectTLS(url, caFile: caFile, timeout: timeout), marginDays: marginDays)
    }

    /// Days from `now` to the leaf certificate's expiry (negative once expired), nil when unknown.
    public var daysLeft: Int? {
        guard case .success(let inspection) = result, let notAfter = inspection.leaf?.notAfter else { return nil }
        return Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// Whether the certificate is still valid but expires within `marginDays`.
    public var insideMargin: Bool {
        guard let days = daysLeft else { return false }
        return days >= 0 && days < marginDays
    }

    /// mallaudit's exit table: 0 the certificate verified and stays valid beyond the margin; 2 the check failed
    /// (it does not verify, expires inside the margin, or the server offers only protocols mallaudit refuses); 3 no
    /// handshake at all (refused, timeout, not TLS: it could not be checked); 1 the command could not run.
    public var exitStatus: Int32 {
        switch result {
        case .success(let inspection): inspection.verified && !insideMargin ? 0 : 2
        case .failure(.invalidRequest): 1
        case .failure: 3
        }
    }

    public func text() -> String {
        switch result {
        case .failure(let error):
            return "\(url): error (\(error.kind)): \(error)"
        case .success(let inspection):
            var lines = ["\(url)"]
            if let refused = inspection.refusedHandshake {
                lines.append("handshake: REFUSED with mallaudit's TLS settings (\(refused))")
                lines.append("offers: \(inspection.offeredProtocolNames) only")
                lines.append(
                    "protocol: \(inspection.protocolVersion ?? "unknown") \(inspection.cipher ?? "") "
                        + "(read with legacy settings, certificate not verified)")
            } else {
                lines.append("handshake: completed")
                lines.append("protocol: \(inspection.protocolVersion ?? "unknown") \(inspection.cipher ?? "")")
                lines.append(
                    inspection.verified
                        ? "verified: yes" : "verified: NO — \(inspection.verificationError ?? "unknown reason")")
            }
            for (index, certificate) in inspection.certificates.enumerated() {
                lines.append("certificate \(index): " + TLSReport.certificateLine(certificate, now: now))
            }
            if insideMargin, let days = daysLeft {
                lines.append(
                    "warning: the certificate expires in \(days) day(s), inside the margin of \(marginDays) days "
                        + "(limits.certificate_margin_days)")
            }
            return lines.joined(separator: "\n")
        }
    }

    public func json() -> String {
        switch result {
        case .failure(let error):
            return TLSReport.serialize(["url": url, "error": ["kind": error.kind, "message": error.description]])
        case .success(let inspection):
            return TLSReport.serialize([
                "url": url, "handshake": inspection.refusedHandshake == nil ? "completed" : "refused",
                "refusedHandshake": inspection.refusedHandshake as Any,
                "offeredProtocols": inspection.offeredProtocols.map(\.openSSLName),
                "protocolVersion": inspection.protocolVersion as Any, "cipher": inspection.cipher as Any,
                "verified": inspection.verified, "verificationError": inspection.verificationError as Any,
                "daysLeft": daysLeft as Any, "marginDays": marginDays, "insideMargin": insideMargin,
                "certificates": inspection.certificates.map(TLSReport.certificateObject),
            ])
        }
    }

    // MARK: shared rendering

    static func certificateLine(_ certificate: HTTPCertificate, now: Date) -> String {
        var text = certificate.subject ?? "(no subject)"
        if let issuer = certificate.issuer { text += "; issued by \(issuer)" }
        if let notBefore = certificate.notBefore, let notAfter = certificate.notAfter {
            text += "; valid \(isoDay(notBefore)) to \(isoDay(notAfter))"
            let days = Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
            text += days < 0 ? " (EXPIRED \(-days) days ago)" : " (\(days) days left)"
        }
        return text
    }

    static func certificateObject(_ certificate: HTTPCertificate) -> [String: Any] {
        [
            "subject": certificate.subject as Any, "issuer": certificate.issuer as Any,
            "notBefore": certificate.notBefore.map(isoTime) as Any,
            "notAfter": certificate.notAfter.map(isoTime) as Any,
            "serialNumber": certificate.serialNumber as Any,
        ]
    }

    static func isoDay(_ date: Date) -> String { String(isoTime(date).prefix(10)) }

    static func isoTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Sorted-key JSON; `nil` optionals become `null`.
    static func serialize(_ object: [String: Any]) -> String {
        func clean(_ value: Any) -> Any {
            if let dictionary = value as? [String: Any] { return dictionary.mapValues(clean) }
            if let array = value as? [Any] { return array.map(clean) }
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional { return mirror.children.first.map { clean($0.value) } ?? NSNull() }
            return value
        }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: clean(object), options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
