import Foundation

/// What a TLS probe learns about an HTTPS endpoint: the negotiated protocol, the certificate chain, and whether
/// the chain and host name verify against the trusted CAs (and if not, why).
public struct TLSInspection: Sendable, Hashable {
    /// The URL inspected.
    public var url: String
    /// `TLSv1.3`, `TLSv1.2`, …, nil when it could not be read.
    public var protocolVersion: String?
    public var cipher: String?
    /// The chain the server presented, leaf first.
    public var certificates: [HTTPCertificate]
    /// Whether the chain and the host name verified against the trusted CAs.
    public var verified: Bool
    /// Why they did not, in libcurl's words (`SSL certificate problem: certificate has expired`).
    public var verificationError: String?
    /// The HTTP status of the `HEAD` request used (the inspection does not judge it).
    public var status: Int

    public init(
        url: String, protocolVersion: String?, cipher: String?, certificates: [HTTPCertificate], verified: Bool,
        verificationError: String?, status: Int
    ) {
        self.url = url
        self.protocolVersion = protocolVersion
        self.cipher = cipher
        self.certificates = certificates
        self.verified = verified
        self.verificationError = verificationError
        self.status = status
    }

    /// The server's own certificate.
    public var leaf: HTTPCertificate? { certificates.first }
}

extension HTTPTransport {
    /// Inspects the TLS of an HTTPS endpoint with a `HEAD` request: first with verification on; when the
    /// certificate does not verify, again with verification off, so that an expired or untrusted certificate is
    /// still read (its dates, subject, issuer) and reported together with the reason it failed.
    ///
    /// - Parameters:
    ///   - caFile: PEM CAs to trust instead of the system's.
    ///   - timeout: seconds per attempt.
    /// - Returns: the inspection, or the failure that kept both attempts from completing a handshake (an
    ///   unreachable host, a timeout, a server speaking no TLS version libcurl accepts).
    public func inspectTLS(
        _ url: String, caFile: String? = nil, timeout: Double = 10, headers: [HTTPHeader] = []
    ) async -> Result<TLSInspection, HTTPError> {
        guard url.lowercased().hasPrefix("https://") else {
            return .failure(.invalidRequest("'\(url)' is not an https:// URL; TLS can only be inspected over HTTPS"))
        }
        var request = HTTPRequest(
            .head, url: url, headers: headers, timeout: timeout, tls: HTTPTLSOptions(caFile: caFile))
        let verificationError: String
        switch await perform(request) {
        case .success(let response):
            return .success(TLSInspection(response, verified: true, verificationError: nil))
        case .failure(.tls(let message)):
            verificationError = message
        case .failure(let error):
            return .failure(error)
        }
        // The peer failed verification: look at it again without verifying, but never hand it a secret (a token
        // meant for the mall's real API must not reach whoever answers in its place).
        request.tls = HTTPTLSOptions(verifyPeer: false, verifyHost: false, caFile: caFile)
        request.headers.removeAll(where: \.isSecret)
        switch await perform(request) {
        case .success(let response):
            return .success(TLSInspection(response, verified: false, verificationError: verificationError))
        case .failure(let error):
            return .failure(error)
        }
    }
}

extension TLSInspection {
    init(_ response: HTTPResponse, verified: Bool, verificationError: String?) {
        self.init(
            url: response.url, protocolVersion: response.tls?.protocolVersion, cipher: response.tls?.cipher,
            certificates: response.tls?.certificates ?? [], verified: verified, verificationError: verificationError,
            status: response.status)
    }
}
