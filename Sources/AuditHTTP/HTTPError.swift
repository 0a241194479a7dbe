import CCurl
import CCurlShim
import Foundation

/// Why an HTTP request got no answer. A probe turns each into an `error` verdict with this text as the reason;
/// none of them is a crash and none is a pass. Messages never contain header values.
public enum HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request cannot be sent as given (bad URL, forbidden scheme, header with a line break, unset token).
    case invalidRequest(String)
    /// The host name did not resolve.
    case couldNotResolve(String)
    /// Nothing accepted the connection (refused, unreachable network).
    case couldNotConnect(String)
    /// The request's timeout passed before the answer was complete.
    case timeout(String)
    /// The TLS handshake or the certificate check failed (expired, unknown CA, wrong host name, …).
    case tls(String)
    /// The body exceeded the request's `maxBodyBytes`.
    case tooLarge(limit: Int)
    /// The task waiting for the answer was cancelled, or the client shut down.
    case cancelled
    /// Any other libcurl failure, with its `CURLcode` and message (a reply that is not HTTP, a connection the
    /// server dropped, too many redirects, …).
    case other(curlCode: Int, message: String)

    /// The failure in words, said once: libcurl's own message when it already says what kind of failure it is
    /// (`Could not resolve host: x`, `Operation timed out after …`), else the kind and the message.
    public var description: String {
        switch self {
        case .invalidRequest(let message): "invalid request: \(message)"
        case .couldNotResolve(let message): HTTPError.labelled("could not resolve host", message, says: ["resolve"])
        case .couldNotConnect(let message):
            HTTPError.labelled("could not connect", message, says: ["connect to", "connection refused"])
        case .timeout(let message): HTTPError.labelled("timed out", message, says: ["timed out", "timeout"])
        case .tls(let message): HTTPError.labelled("TLS failure", message, says: ["tls failure"])
        case .tooLarge(let limit): "answer larger than the limit of \(limit) bytes"
        case .cancelled: "cancelled"
        case .other(let code, let message): "HTTP transfer failed (curl error \(code)): \(message)"
        }
    }

    /// `label: message`, or `message` alone when it already says (case aside) one of `says`.
    static func labelled(_ label: String, _ message: String, says words: [String]) -> String {
        let lower = message.lowercased()
        return words.contains(where: { lower.contains($0) }) ? message : "\(label): \(message)"
    }

    /// Classifies a failed transfer.
    static func from(curl code: CURLcode, message: String, bodyLimit: Int, bodyTooLarge: Bool) -> HTTPError {
        if bodyTooLarge || code == CURLE_FILESIZE_EXCEEDED { return .tooLarge(limit: bodyLimit) }
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .couldNotResolve(message)
        case CURLE_COULDNT_CONNECT:
            return .couldNotConnect(message)
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CLIENTCERT:
            return .tls(message)
        case CURLE_URL_MALFORMAT:
            return .invalidRequest(message)
        default:
            return .other(curlCode: Int(code.rawValue), message: message)
        }
    }
}
