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
