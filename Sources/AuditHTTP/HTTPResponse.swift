import Foundation

/// Response header fields in the order received, several values per name allowed, looked up without regard
/// to case.
public struct HTTPHeaders: Sendable, Hashable, Sequence, CustomStringConvertible {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init(_ fields: [Field] = []) { self.fields = fields }

    public init(_ pairs: [(String, String)]) { self.fields = pairs.map { Field(name: $0.0, value: $0.1) } }

    mutating func append(name: String, value: String) { fields.append(Field(name: name, value: value)) }

    /// Adds a folded continuation line to the last field.
    mutating func continueLast(with text: String) {
        guard !fields.isEmpty else { return }
        fields[fields.count - 1].value += " " + text
    }

    /// The first value of `name` (any case), or nil.
    public subscript(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Every value of `name` (any case), in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// Lower-cased names → values, several values of one name joined by ", " (RFC 9110 §5.3).
    public var joined: [String: String] {
        var result: [String: String] = [:]
        for field in fields {
            let key = field.name.lowercased()
            result[key] = result[key].map { $0 + ", " + field.value } ?? field.value
        }
        return result
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    public var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n") }
}

/// One redirect that was followed: `url` answered `status` with `Location: location`.
public struct HTTPRedirect: Sendable, Hashable, Codable {
    public var url: String
    public var status: Int
    /// The `Location` header as sent (may be relative).
    public var location: String

    public init(url: String, status: Int, location: String) {
        self.url = url
        self.status = status
        self.location = location
    }
}

/// Where the time of the last hop went, in seconds from its start, as libcurl measures it: each value includes
/// the ones before it (a plain HTTP transfer has `tlsHandshake` 0).
public struct HTTPTimings: Sendable, Hashable, Codable {
    public var nameLookup: Double
    public var connect: Double
    /// Until the TLS handshake was done (`CURLINFO_APPCONNECT_TIME_T`).
    public var tlsHandshake: Double
    /// Until the first byte of the answer arrived.
    public var firstByte: Double
    public var total: Double

    public init(
        nameLookup: Double = 0, connect: Double = 0, tlsHandshake: Double = 0, firstByte: Double = 0, total: Double = 0
    ) {
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.total = total
    }
}

/// One certificate of the chain the server presented, as libcurl's `CURLINFO_CERTINFO` reports it.
public struct HTTPCertificate: Sendable, Hashable {
    /// `CN = 127.0.0.1, O = …` style, as OpenSSL prints it.
    public var subject: String?
    public var issuer: String?
    public var notBefore: Date?
    public var notAfter: Date?
    public var serialNumber: String?
    /// Every field libcurl reported (`Subject`, `Issuer`, `Start date`, `Expire date`, `Signature Algorithm`,
    /// `X509v3 Subject Alternative Name`, `Cert` (PEM), …).
    public var fields: [String: String]

    public init(fields: [String: String]) {
        self.fields = fields
        subject = fields["Subject"]
        issuer = fields["Issuer"]
        notBefore = fields["Start date"].flatMap(HTTPCertificate.parseDate)
        notAfter = fields["Expire date"].flatMap(HTTPCertificate.parseDate)
        serialNumber = fields["Serial Number"]
    }

    /// Parses OpenSSL's certificate dates: `Jan  1 00:00:00 2021 GMT` (`ASN1_TIME_print`) and the ISO form
    /// `2021-01-01 00:00:00 GMT` some builds print.
    static func parseDate(_ text: String) -> Date? {
        let collapsed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for format in ["MMM d HH:mm:ss yyyy zzz", "MMM d HH:mm:ss.SSS yyyy zzz", "yyyy-MM-dd HH:mm:ss zzz"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: collapsed) { return date }
        }
        return nil
    }
}

/// The TLS side of an HTTPS transfer.
public struct HTTPTLSInfo: Sendable, Hashable {
    /// The negotiated protocol, `TLSv1.3` / `TLSv1.2` / …, or nil when it could not be read (see
    /// docs/http.md: it comes from OpenSSL's `SSL_get_version` on libcurl's live connection).
    public var protocolVersion: String?
    /// The negotiated cipher suite, e.g. `TLS_AES_256_GCM_SHA384`.
    public var cipher: String?
    /// The chain the server presented, leaf first; empty when `captureCertificates` was off.
    public var certificates: [HTTPCertificate]
    /// Whether the request enforced verification of the chain and the host name. When it did, an answer
    /// means both verified; when it did not, libcurl does not even load the trusted CAs, so nothing is known
    /// (use `HTTPClient.inspectTLS` to learn both the certificate and whether it verifies).
    public var verificationEnforced: Bool

    public init(protocolVersion: String?, cipher: String?, certificates: [HTTPCertificate], verificationEnforced: Bool)
    {
        self.protocolVersion = protocolVersion
        self.cipher = cipher
        self.certificates = certificates
        self.verificationEnforced = verificationEnforced
    }

    /// The server's own certificate (first of the chain).
    public var leaf: HTTPCertificate? { certificates.first }

    /// True when verification was enforced (and so passed); nil when it was not checked.
    public var verified: Bool? { verificationEnforced ? true : nil }
}

/// What the server answered. The adapter does not judge: a 500 is a response with status 500.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// `HTTP/1.1`, `HTTP/2`, … from the status line.
    public var httpVersion: String
    public var headers: HTTPHeaders
    public var body: Data
    /// The URL the request asked for.
    public var url: String
    /// The URL that gave this answer: `url`, or the last hop of followed redirects.
    public var finalURL: String
    /// The redirects followed to get here, in order; empty unless `followRedirects` was on.
    public var redirects: [HTTPRedirect]
    /// For a 3xx answer that was not followed: its `Location`, made absolute against `finalURL`.
    public var redirectLocation: String?
    public var timings: HTTPTimings
    /// The TLS details of an `https` answer; nil for plain HTTP.
    public var tls: HTTPTLSInfo?
    /// `IP:port` that answered.
    public var remoteAddress: String?

    public init(
        status: Int, httpVersion: String, headers: HTTPHeaders, body: Data, url: String, finalURL: String,
        redirects: [HTTPRedirect], redirectLocation: String?, timings: HTTPTimings, tls: HTTPTLSInfo?,
        remoteAddress: String?
    ) {
        self.status = status
        self.httpVersion = httpVersion
        self.headers = headers
        self.body = body
        self.url = url
        self.finalURL = finalURL
        self.redirects = redirects
        self.redirectLocation = redirectLocation
        self.timings = timings
        self.tls = tls
        self.remoteAddress = remoteAddress
    }

    /// The body as text (UTF-8, invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }
}
