import Foundation
import HTTPTypes
import Hummingbird

/// A token bucket per client address, in this instance's memory.
///
/// Deliberately per instance (docs/deploy.md): it only sheds floods early, and N instances behind a balancer
/// allow N times the rate. What must hold across instances — sign-in lockouts, sessions — is in PostgreSQL.
final class RateLimiter: @unchecked Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: TimeInterval
    }

    let rate: Double
    let burst: Double
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]
    private let now: @Sendable () -> TimeInterval

    init(rate: Double, burst: Int, now: @escaping @Sendable () -> TimeInterval = { ProcessInfo.processInfo.systemUptime }) {
        self.rate = rate
        self.burst = Double(burst)
        self.now = now
    }

    /// Takes one token for `client`; nil when allowed, else the seconds until a token is back.
    func take(_ client: String) -> Int? {
        guard rate > 0 else { return nil }
        let time = now()
        return lock.withLock {
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: time)
            bucket.tokens = min(burst, bucket.tokens + (time - bucket.updated) * rate)
            bucket.updated = time
            defer {
                buckets[client] = bucket
                if buckets.count > 50_000 { prune(time) }
            }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }

    /// Forgets buckets that are full again (they behave exactly like a new one).
    private func prune(_ time: TimeInterval) {
        buckets = buckets.filter { _, bucket in bucket.tokens + (time - bucket.updated) * rate < burst }
    }
}

/// Decides the client address (the TCP peer, or `X-Forwarded-For`'s first address behind a trusted proxy) and
/// answers 429 with `Retry-After` to a client over its rate.
struct RequestLimitsMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let limiter: RateLimiter
    let trustForwardedFor: Bool

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if trustForwardedFor, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] {
            let first = forwarded.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
            if let first, !first.isEmpty { context.client = first }
        }
        if let wait = limiter.take(context.client ?? "unknown") {
            throw APIError(
                .tooManyRequests, code: "rate-limited", "too many requests from this address: retry in \(wait) s",
                headers: [.retryAfter: String(wait)])
        }
        return try await next(request, context)
    }
}

/// Runs `body` for at most `seconds`: then it is cancelled (a connection lease or a query in flight gives up) and
/// `DeadlineExceeded` is thrown. Without it, a request would wait for as long as PostgreSQL is unreachable: the
/// pool keeps trying to connect and holds the request until it can.
func withDeadline<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            throw DeadlineExceeded(seconds: seconds)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

struct DeadlineExceeded: Error {
    var seconds: Double
}

/// Answers 503 when a request is not done within `limits.request_seconds` (the body of an upload is read before
/// its clock starts: see `APIServer.fileBundle`).
struct DeadlineMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let seconds: Double

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        if request.method == .post, request.uri.path == "/api/v1/bundles" { return try await next(request, context) }
        // `next` runs inside the deadline's task group, which ends (children awaited) before this returns.
        return try await withoutActuallyEscaping(next) { next in
            let box = UncheckedBox(next)
            return try await withDeadline(seconds) { try await box.value(request, context) }
        }
    }
}

/// Carries a value the compiler cannot prove `Sendable` into a child task that ends before the value's owner.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Turns any error a handler did not answer itself into a JSON error: 503 when PostgreSQL cannot be reached
/// (another instance, or the same one a moment later, may succeed), 500 otherwise, with the details in the log
/// only (never a query, a parameter or a stack in an answer).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as DeadlineExceeded {
            context.logger.error("\(request.method) \(request.uri.path): not done within \(error.seconds) s")
            throw APIError(
                .serviceUnavailable, code: "database-unavailable",
                "the request was not done within \(Int(error.seconds)) s (the database may be unreachable); try again",
                headers: [.retryAfter: "5"])
        } catch {
            let description = describeDatabaseError(error)
            context.logger.error("\(request.method) \(request.uri.path): \(description)")
            if description.hasPrefix("cannot reach PostgreSQL") {
                throw APIError(
                    .serviceUnavailable, code: "database-unavailable", "the database cannot be reached; try again",
                    headers: [.retryAfter: "5"])
            }
            throw APIError(.internalServerError, code: "internal", "the server failed; the error is in its log")
        }
    }
}
