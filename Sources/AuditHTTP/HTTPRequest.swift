import AuditSupport
import Foundation

/// The HTTP methods probes use.
public enum HTTPMethod: String, Sendable, Hashable, Codable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case head = "HEAD"
}

/// One request header. A secret header (a token, a password) is sent as given but never shown: its
/// `description`, `debugDescription` and reflection (`dump`, `Mirror`) print `<redacted>` instead of the value.
///
/// Values are final: when a probe names an environment variable for a token, the caller resolves it (for
/// example with `HTTPHeader.secret(_:fromEnvironment:prefix:)`) before building the request.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    /// Whether the value must never appear in logs, reports or the database.
    public var isSecret: Bool

    public init(_ name: String, _ value: String, secret: Bool = false) {
        self.name = name
        self.value = value
        self.isSecret = secret
    }

    /// A header whose value must never be shown.
    public static func secret(_ name: String, _ value: String) -> HTTPHeader {
        HTTPHeader(name, value, secret: true)
    }

    /// A secret header whose value is `prefix` followed by the environment variable `variable`, e.g.
    /// `.secret("Authorization", fromEnvironment: "MALL_MEMBER_TOKEN", prefix: "Bearer ")`.
    ///
    /// - Throws: `HTTPError.invalidRequest` naming the variable when it is unset or empty.
    public static func secret(
        _ name: String, fromEnvironment variable: String, prefix: String = "",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(HTTPError) -> HTTPHeader {
        guard let value = environment[variable], !value.isEmpty else {
            throw .invalidRequest("environment variable \(variable) (for the \(name) header) is not set")
        }
        return .secret(name, prefix + value)
    }

    /// The value as it may be shown: `<redacted>` for a secret header.
    public var displayValue: String { isSecret ? "<redacted>" : value }
}

extension HTTPHeader: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "\(name): \(displayValue)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "value": displayValue, "isSecret": isSecret])
    }
}

/// TLS settings of a request. Verification is on unless a probe turns it off to read a certificate that does
/// not verify (`HTTPClient.inspectTLS` does both: it verifies, and reads the certificate whatever the outcome).
public struct HTTPTLSOptions: Sendable, Hashable {
    /// Check the certificate chain against the trusted CAs (`CURLOPT_SSL_VERIFYPEER`).
    public var verifyPeer: Bool
    /// Check that the certificate names the host asked for (`CURLOPT_SSL_VERIFYHOST`).
    public var verifyHost: Bool
    /// A PEM file of CAs to trust instead of the system's (the tests' own CA).
    public var caFile: String?
    /// Record the server's certificate chain (`CURLOPT_CERTINFO`). This makes the transfer open a new
    /// connection without TLS session resumption, because a reused or resumed connection has no certificate
    /// to report.
    public var captureCertificates: Bool

    /// Only this protocol version (nil: what libcurl and the system's OpenSSL settings allow, TLS 1.2 or later on
    /// Debian 12). Used to learn which versions a server offers when no handshake succeeds.
    public var onlyVersion: TLSProtocolVersion?
    /// Allow what the system's OpenSSL settings forbid (`@SECLEVEL=0`: SHA-1 signatures, short keys), so that a
    /// server offering only old protocols can still be named. Never for a request that carries a secret.
    public var legacy: Bool

    public init(
        verifyPeer: Bool = true, verifyHost: Bool = true, caFile: String? = nil, captureCertificates: Bool = true,
        onlyVersion: TLSProtocolVersion? = nil, legacy: Bool = false
    ) {
        self.verifyPeer = verifyPeer
        self.verifyHost = verifyHost
        self.caFile = caFile
        self.captureCertificates = captureCertificates
        self.onlyVersion = onlyVersion
        self.legacy = legacy
    }
}

/// A TLS protocol version, as libcurl numbers it (`CURL_SSLVERSION_TLSv1_x`).
public enum TLSProtocolVersion: Int, Sendable, Hashable, Comparable, CaseIterable {
    case tls1_0 = 4, tls1_1 = 5, tls1_2 = 6, tls1_3 = 7

    /// OpenSSL's name, as `SSL_get_version` returns it: `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`.
    public var openSSLName: String {
        switch self {
        case .tls1_0: "TLSv1"
        case .tls1_1: "TLSv1.1"
        case .tls1_2: "TLSv1.2"
        case .tls1_3: "TLSv1.3"
        }
    }

    /// `TLS 1.0` … `TLS 1.3`.
    public var label: String {
        switch self {
        case .tls1_0: "TLS 1.0"
        case .tls1_1: "TLS 1.1"
        case .tls1_2: "TLS 1.2"
        case .tls1_3: "TLS 1.3"
        }
    }

    public static func < (lhs: TLSProtocolVersion, rhs: TLSProtocolVersion) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One HTTP request, with everything the adapter needs to perform it on its own.
public struct HTTPRequest: Sendable, Hashable {
    public var method: HTTPMethod
    /// An absolute `http://` or `https://` URL; other schemes are refused.
    public var url: String
    public var headers: [HTTPHeader]
    public var body: Data?
    /// The whole request may take at most this many seconds, sub-second values included (0.3 = 300 ms); at most
    /// `NetworkTimeout.maximum` (an hour).
    /// With followed redirects it bounds all hops together. The clock starts when the request gets a transfer
    /// slot, not while it waits in the client's queue.
    public var timeout: Double
    /// At most this many seconds to connect (TCP and TLS); defaults to `timeout`.
    public var connectTimeout: Double?
    /// Off by default: a 3xx answer is returned as it is (status, `Location`, `HTTPResponse.redirectLocation`),
    /// because checks are often about the redirect itself. On: up to `maxRedirects` hops are followed and listed
    /// in `HTTPResponse.redirects`; secret headers are only sent again to the same origin.
    public var followRedirects: Bool
    public var maxRedirects: Int
    /// A body longer than this fails the request with `HTTPError.tooLarge` rather than filling memory.
    public var maxBodyBytes: Int
    public var tls: HTTPTLSOptions
    /// Connect (TCP and TLS handshake) and stop: no request is sent (`CURLOPT_CONNECT_ONLY`). The answer has status
    /// 0 and no headers; its TLS details are the handshake's. A TLS check judges the handshake itself this way, so
    /// a server that does not answer HEAD or GET is still seen to complete it.
    public var connectOnly: Bool

    public init(
        _ method: HTTPMethod = .get, url: String, headers: [HTTPHeader] = [], body: Data? = nil, timeout: Double = 10,
        connectTimeout: Double? = nil, followRedirects: Bool = false, maxRedirects: Int = 10,
        maxBodyBytes: Int = 16 << 20, tls: HTTPTLSOptions = HTTPTLSOptions(), connectOnly: Bool = false
    ) {
        self.connectOnly = connectOnly
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.maxBodyBytes = maxBodyBytes
        self.tls = tls
    }

    /// Why this request cannot be sent, or nil when it can.
    func problem() -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            components.host?.isEmpty == false
        else { return "'\(url)' is not an absolute URL (expected http://HOST[:PORT]/PATH or https://…)" }
        guard scheme == "http" || scheme == "https" else {
            return "'\(url)': scheme '\(scheme)' is not allowed (expected http or https)"
        }
        if let problem = NetworkTimeout.problem(timeout) { return "\(problem): expected \(NetworkTimeout.expected)" }
        if let connectTimeout, let problem = NetworkTimeout.problem(connectTimeout) {
            return "connect \(problem): expected \(NetworkTimeout.expected)"
        }
        guard maxBodyBytes >= 0 else { return "maxBodyBytes \(maxBodyBytes): expected 0 or more" }
        guard maxRedirects >= 0 else { return "maxRedirects \(maxRedirects): expected 0 or more" }
        // Checked by Unicode scalars: "\r\n" is a single Character and would slip past a Character test.
        let tokenPunctuation = Set("!#$%&'*+-.^_`|~".unicodeScalars)
        for header in headers {
            let name = header.name
            let isToken = name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || tokenPunctuation.contains($0))
            }
            if name.isEmpty || !isToken {
                return "header name '\(name)' is not a token (expected letters, digits and -)"
            }
            if header.value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                return "the \(name) header value contains a line break or NUL (not allowed)"
            }
        }
        if method == .head, let body, !body.isEmpty { return "a HEAD request cannot have a body" }
        return nil
    }
}

extension HTTPRequest: CustomStringConvertible {
    /// `GET https://… [Authorization: <redacted>, Accept: application/json]`: secret values never appear.
    public var description: String {
        var text = "\(method.rawValue) \(url)"
        if !headers.isEmpty { text += " [" + headers.map(\.description).joined(separator: ", ") + "]" }
        if let body { text += " (\(body.count) byte body)" }
        return text
    }
}
