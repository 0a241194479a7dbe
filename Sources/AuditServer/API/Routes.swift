import Foundation
import Hummingbird

/// A route as docs/openapi.yaml writes it (`GET /api/v1/malls/{creditCode}`); `mallaudit-server routes` lists
/// them and a test checks the OpenAPI document names exactly these.
public struct RouteDescription: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var method: String
    public var path: String

    public var description: String { "\(method) \(path)" }

    public static func < (lhs: RouteDescription, rhs: RouteDescription) -> Bool {
        (lhs.path, lhs.method) < (rhs.path, rhs.method)
    }
}

/// Registers routes on a Hummingbird router group while recording them with OpenAPI-style paths.
final class RouteTable: @unchecked Sendable {
    private(set) var routes: [RouteDescription] = []

    typealias Handler = @Sendable (Request, ServerContext) async throws -> Response

    /// Registers `handler` for `method` at `prefix + path`, where `path` uses `{name}` for parameters.
    func add(
        _ method: HTTPRequest.Method, _ path: String, prefix: String = "/api/v1", on group: RouterGroup<ServerContext>,
        _ handler: @escaping Handler
    ) {
        routes.append(RouteDescription(method: method.rawValue, path: prefix + path))
        let hummingbirdPath = path.split(separator: "/").map { component in
            component.hasPrefix("{") && component.hasSuffix("}") ? ":" + component.dropFirst().dropLast() : component
        }.joined(separator: "/")
        group.on(RouterPath(hummingbirdPath), method: method, use: handler)
    }

    func add(_ method: HTTPRequest.Method, _ path: String, on router: Router<ServerContext>, _ handler: @escaping Handler) {
        routes.append(RouteDescription(method: method.rawValue, path: path))
        router.on(RouterPath(path), method: method, use: handler)
    }
}
