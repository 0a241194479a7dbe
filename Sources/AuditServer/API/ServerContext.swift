import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The per-request context: where the request came from, and who it is once authenticated.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the TCP connection (a proxy, behind one).
    public let peerAddress: String?
    /// The authenticated account; set by `AuthenticationMiddleware` on every `/api/v1` route but sign-in.
    public var principal: Principal?
    /// The client address for logs and rate limits (`X-Forwarded-For` when the configuration trusts a proxy).
    public var client: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
        client = peerAddress
    }

    /// The principal, which the authentication middleware guarantees on authenticated routes.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError.unauthenticated }
        return principal
    }
}

/// An error answered as JSON: `{"error": {"code": "…", "message": "…", "problems": […]}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var problems: [BundleProblem]?
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, _ message: String, problems: [BundleProblem]? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.problems = problems
        self.headers = headers
    }

    static let unauthenticated = APIError(
        .unauthorized, code: "unauthenticated", "sign in, or send `Authorization: Bearer TOKEN`",
        headers: [.wwwAuthenticate: "Bearer realm=\"mallaudit\""])

    /// 404 for anything missing *or* outside the caller's scope: the two are never told apart.
    static func notFound(_ what: String) -> APIError { APIError(.notFound, code: "not-found", "\(what) not found") }

    static func forbidden(_ reason: String) -> APIError { APIError(.forbidden, code: "forbidden", reason) }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "bad-request", message) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]  // the same error reads the same, byte for byte
        let data = try encoder.encode(APIErrorBody(error: .init(code: code, message: message, problems: problems)))
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The JSON body of every error answer.
struct APIErrorBody: Encodable {
    struct Inner: Encodable {
        var code: String
        var message: String
        var problems: [BundleProblem]?
    }
    var error: Inner
}

/// JSON responses.
enum JSONResponse {
    /// A response whose body is JSON text already (built by PostgreSQL).
    static func raw(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `value` encoded as JSON.
    static func encode(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return raw(String(decoding: try encoder.encode(value), as: UTF8.self), status: status)
    }
}

extension Request {
    /// The body, at most `limit` bytes: 413 beyond it (checked against `Content-Length` first, then as it arrives).
    func collectBody(limit: Int) async throws -> Data {
        if let length = headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError(.contentTooLarge, code: "too-large", "the body is larger than the limit of \(limit) bytes")
        }
        var data = Data()
        for try await buffer in body {
            if data.count + buffer.readableBytes > limit {
                throw APIError(
                    .contentTooLarge, code: "too-large", "the body is larger than the limit of \(limit) bytes")
            }
            data.append(contentsOf: buffer.readableBytesView)
        }
        return data
    }

    /// The body decoded as JSON `T` (small bodies only: 64 KiB); 400 naming what is wrong.
    func decodeJSON<T: Decodable>(_ type: T.Type) async throws -> T {
        let data = try await collectBody(limit: 64 << 10)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw APIError.badRequest("the body is not the JSON expected: \(Formats.describe(error))")
        }
    }
}
