import AuditHTTP
import Foundation
import Testing

/// One answer of the server, with its JSON parsed when it is JSON.
struct Answer: @unchecked Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: Any? { try? JSONSerialization.jsonObject(with: body) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    /// `error.code` of an error answer.
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    /// The codes of a 422's problems.
    var problemCodes: [String] {
        ((object["error"] as? [String: Any])?["problems"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }
}

/// How a request proves who it is.
enum Credential: Sendable {
    case none
    case token(String)
    /// A session cookie, and the CSRF token to send with POSTs (nil: send none).
    case session(cookie: String, csrf: String?)
}

/// Talks to a running server over real HTTP(S), through the project's own libcurl client.
struct APIClient: Sendable {
    let base: String
    var caFile: String? = nil
    static let http = HTTPClient(maxConcurrentTransfers: 16)

    init(_ server: RunningServer) {
        base = server.base
        caFile = server.caFile
    }

    init(base: String, caFile: String? = nil) {
        self.base = base
        self.caFile = caFile
    }

    func get(_ path: String, as credential: Credential = .none) async throws -> Answer {
        try await send(.get, path, body: nil, credential: credential)
    }

    func post(_ path: String, json: [String: Any], as credential: Credential = .none) async throws -> Answer {
        try await send(.post, path, body: try JSONSerialization.data(withJSONObject: json), credential: credential)
    }

    func post(_ path: String, data: Data, as credential: Credential = .none) async throws -> Answer {
        try await send(.post, path, body: data, credential: credential)
    }

    func send(_ method: HTTPMethod, _ path: String, body: Data?, credential: Credential, headers extra: [HTTPHeader] = [])
        async throws -> Answer
    {
        var headers = extra
        switch credential {
        case .none: break
        case .token(let token): headers.append(.secret("Authorization", "Bearer \(token)"))
        case .session(let cookie, let csrf):
            headers.append(.secret("Cookie", "mallaudit_session=\(cookie)"))
            if let csrf { headers.append(.secret("X-CSRF-Token", csrf)) }
        }
        if body != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
        let request = HTTPRequest(
            method, url: base + path, headers: headers, body: body, timeout: 60, maxBodyBytes: 64 << 20,
            tls: HTTPTLSOptions(caFile: caFile, captureCertificates: false))
        switch await Self.http.perform(request) {
        case .success(let response):
            return Answer(status: response.status, headers: response.headers, body: response.body)
        case .failure(let error):
            throw error
        }
    }

    /// Signs in; returns the session cookie and CSRF token.
    func signIn(_ name: String, password: String = ServerWorld.password) async throws -> (Credential, Answer) {
        let answer = try await post("/api/v1/session", json: ["name": name, "password": password])
        guard answer.status == 201, let cookie = answer.headers["Set-Cookie"],
            let value = cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last
        else { return (.none, answer) }
        return (.session(cookie: String(value), csrf: answer.object["csrfToken"] as? String), answer)
    }
}
