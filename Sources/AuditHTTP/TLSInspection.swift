import Foundation

/// What a TLS check learns about an HTTPS endpoint from the handshake itself (no HTTP request is sent): the
/// negotiated protocol, the certificate chain, whether the chain and host name verify against the trusted CAs (and
/// if not, why), and — when no handshake succeeds with mallaudit's settings — which protocol versions the server
/// does offer.
public struct TLSInspection: Sendable, Hashable {
    /// The URL inspected.
    public var url: String
    /// `TLSv1.3`, `TLSv1.2`, …, nil when it could not be read. When `refusedHandshake` is set, the version of the
    /// newest handshake the server completed with legacy settings.
    public var protocolVersion: String?
    public var cipher: String?
    /// The chain the server presented, leaf first.
    public var certificates: [HTTPCertificate]
    /// Whether the handshake succeeded with verification on: the chain and the host name verified against the
    /// trusted CAs, with a protocol version and cipher mallaudit's TLS settings accept.
    public var verified: Bool
    /// Why not, in libcurl's words (`SSL certificate problem: certificate has expired`), or which protocols the
    /// server offers when it refused every version mallaudit accepts.
    public var verificationError: String?
    /// Why the handshake failed with mallaudit's own settings even without verification (no protocol version or
    /// cipher in common), in libcurl's words; nil when a handshake succeeded.
    public var refusedHandshake: String?
    /// The protocol versions the server completed a handshake with, oldest first, when `refusedHandshake` is set
    /// (each tried alone, legacy settings allowed); empty otherwise.
    public var offeredProtocols: [TLSProtocolVersion]

    public init(
        url: String, protocolVersion: String?, cipher: String?, certificates: [HTTPCertificate], verified: Bool,
        verificationError: String?, refusedHandshake: String? = nil, offeredProtocols: [TLSProtocolVersion] = []
    ) {
        self.url = url
        self.protocolVersion = protocolVersion
        self.cipher = cipher
        self.certificates = certificates
        self.verified = verified
        self.verificationError = verificationError
        self.refusedHandshake = refusedHandshake
        self.offeredProtocols = offeredProtocols
    }

    /// The server's own certificate.
    public var leaf: HTTPCertificate? { certificates.first }

    /// `TLS 1.0, TLS 1.1`: the offered protocols as people name them.
    public var offeredProtocolNames: String { offeredProtocols.map(\.label).joined(separator: ", ") }
}

extension HTTPTransport {
    /// Inspects the TLS of an HTTPS endpoint by its handshake alone (`connectOnly`: no HTTP request, so a server
    /// that answers no HEAD or GET is judged on the handshake it completes):
    ///
    /// 1. a handshake with verification on: success means verified;
    /// 2. when that fails on TLS, a handshake without verification, so that an expired or untrusted certificate is
    ///    still read (its dates, subject, issuer) and reported with the reason it failed;
    /// 3. when that fails too (no protocol version or cipher in common), one handshake per protocol version, TLS
    ///    1.0 to 1.3, legacy settings allowed, to name the versions the server offers (a TLS 1.0/1.1-only server
    ///    is reported as such, not as libcurl's last words).
    ///
    /// - Parameters:
    ///   - caFile: PEM CAs to trust instead of the system's.
    ///   - timeout: seconds per attempt.
    ///   - headers: unused (no request is sent); kept so callers need not change.
    /// - Returns: the inspection, or the failure that kept every attempt from completing a handshake (an
    ///   unreachable host, a timeout, a server that speaks no TLS version at all).
    public func inspectTLS(
        _ url: String, caFile: String? = nil, timeout: Double = 10, headers: [HTTPHeader] = []
    ) async -> Result<TLSInspection, HTTPError> {
        guard url.lowercased().hasPrefix("https://") else {
            return .failure(.invalidRequest("'\(url)' is not an https:// URL; TLS can only be inspected over HTTPS"))
        }
        func handshake(_ options: HTTPTLSOptions) -> HTTPRequest {
            HTTPRequest(.get, url: url, timeout: timeout, tls: options, connectOnly: true)
        }
        let verificationError: String
        switch await perform(handshake(HTTPTLSOptions(caFile: caFile))) {
        case .success(let response):
            return .success(TLSInspection(response, verified: true, verificationError: nil))
        case .failure(.tls(let message)):
            verificationError = message
        case .failure(let error):
            return .failure(error)
        }
        let refused: String
        switch await perform(handshake(HTTPTLSOptions(verifyPeer: false, verifyHost: false, caFile: caFile))) {
        case .success(let response):
            return .success(TLSInspection(response, verified: false, verificationError: verificationError))
        case .failure(.tls(let message)):
            refused = message
        case .failure(let error):
            return .failure(error)
        }
        // No handshake with mallaudit's settings: which versions does the server complete one with?
        let attempts = TLSProtocolVersion.allCases.map { version in
            handshake(HTTPTLSOptions(verifyPeer: false, verifyHost: false, onlyVersion: version, legacy: true))
        }
        var offered: [(TLSProtocolVersion, HTTPResponse)] = []
        for (version, result) in zip(TLSProtocolVersion.allCases, await performAll(attempts)) {
            if case .success(let response) = result { offered.append((version, response)) }
        }
        guard let newest = offered.last else { return .failure(.tls(refused)) }
        let names = offered.map(\.0.label).joined(separator: ", ")
        var inspection = TLSInspection(
            newest.1, verified: false,
            verificationError: "no handshake with mallaudit's TLS settings: the server offers only \(names) "
                + "(\(refused))")
        inspection.refusedHandshake = refused
        inspection.offeredProtocols = offered.map(\.0)
        return .success(inspection)
    }
}

extension TLSInspection {
    init(_ response: HTTPResponse, verified: Bool, verificationError: String?) {
        self.init(
            url: response.url, protocolVersion: response.tls?.protocolVersion, cipher: response.tls?.cipher,
            certificates: response.tls?.certificates ?? [], verified: verified, verificationError: verificationError)
    }
}
