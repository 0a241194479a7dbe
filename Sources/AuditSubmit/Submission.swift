import AuditHTTP
import AuditSupport
import Foundation

/// Sends audit bundles to the bureau's server (`POST /api/v1/bundles`) through the libcurl client of AuditHTTP
/// (the CLI never links SwiftNIO), with retries; a bundle that cannot be sent now goes to the `Outbox`.
///
/// What each answer means:
///
/// | answer | outcome | outbox |
/// |---|---|---|
/// | 201, 200 | delivered (200: the server knew the run; a countersignature may have been added) | removed |
/// | 422 | refused: the bundle is not valid or its signer is not accepted; every problem shown | removed |
/// | 400, 401, 403, 404, 413 | failed: retrying will not help until something is fixed (token, URL, size) | kept when queued |
/// | 429, 5xx, no answer | retried (`Retry-After` honoured up to 60 s), then queued | added |
public struct Submitter: Sendable {
    public struct Options: Sendable {
        public var server: String
        public var tokenVariable: String
        public var caFile: String?
        /// Attempts after the first one.
        public var retries: Int
        /// The first wait between attempts, doubled each time.
        public var retryDelay: Double
        public var timeout: Double

        public init(
            server: String, tokenVariable: String, caFile: String? = nil, retries: Int = 3, retryDelay: Double = 2,
            timeout: Double = 120
        ) {
            self.server = server
            self.tokenVariable = tokenVariable
            self.caFile = caFile
            self.retries = retries
            self.retryDelay = retryDelay
            self.timeout = timeout
        }
    }

    /// What became of one bundle.
    public enum Outcome: Sendable, Hashable {
        /// The server stored it (201) or knew it already (200); its JSON answer.
        case delivered(status: Int, answer: String)
        /// The server refused it (422); the problems, one per line.
        case refused(problems: [String])
        /// It could not be sent now and waits in the outbox (why, and where).
        case queued(reason: String, outbox: URL)
        /// It cannot be sent until something is fixed (why).
        case failed(String)
    }

    let transport: any HTTPTransport
    let environment: [String: String]
    let sleep: @Sendable (Double) async -> Void

    public init(
        transport: any HTTPTransport = HTTPClient(maxConcurrentTransfers: 2),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        sleep: @escaping @Sendable (Double) async -> Void = { seconds in
            try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
        }
    ) {
        self.transport = transport
        self.environment = environment
        self.sleep = sleep
    }

    /// Sends the bundle at `file`; queues it in `outbox` when it cannot be sent now.
    public func submit(file: URL, options: Options, outbox: Outbox) async throws -> Outcome {
        let bytes: Data
        do {
            // A regular file only (never /dev/zero or a FIFO), at most 4 GiB.
            bytes = try InputFile.contents(file.path, limit: 1 << 32)
        } catch {
            throw SubmitError.input("cannot read \(file.path): it \(error.reason)")
        }
        guard !bytes.isEmpty else { throw SubmitError.input("\(file.path) is empty") }
        let sha256 = SHA256Digest.hex(of: bytes)
        let (outcome, attempts) = await send(bytes, options: options)
        switch outcome {
        case .transient(let reason):
            let url = try outbox.enqueue(
                bytes, sha256: sha256, server: options.server, tokenVariable: options.tokenVariable,
                caFile: options.caFile, originalName: file.lastPathComponent, attempts: attempts, error: reason)
            return .queued(reason: reason, outbox: url)
        case .final(let outcome):
            return outcome
        }
    }

    /// The result of `submitPending` for one queued bundle.
    public struct PendingResult: Sendable {
        public var entry: Outbox.Entry
        public var outcome: Outcome
    }

    /// Sends every queued bundle to the server it was queued for (or `server` / `tokenVariable` when given).
    /// Delivered and refused bundles leave the outbox; the others stay, with the attempt recorded.
    public func submitPending(
        outbox: Outbox, server: String?, tokenVariable: String?, retries: Int, retryDelay: Double
    ) async throws -> [PendingResult] {
        var results: [PendingResult] = []
        for (entry, problem) in try outbox.entries() {
            if let problem {
                results.append(PendingResult(entry: entry, outcome: .failed(problem)))
                continue
            }
            let options = Options(
                server: server ?? entry.server, tokenVariable: tokenVariable ?? entry.tokenVariable,
                caFile: entry.caFile, retries: retries, retryDelay: retryDelay)
            let bytes: Data
            do {
                bytes = try outbox.bytes(of: entry)
            } catch {
                results.append(PendingResult(entry: entry, outcome: .failed("\(error)")))
                continue
            }
            let (sent, _) = await send(bytes, options: options)
            switch sent {
            case .transient(let reason):
                try outbox.recordAttempt(entry, error: reason)
                results.append(PendingResult(entry: entry, outcome: .queued(reason: reason, outbox: outbox.root)))
            case .final(let outcome):
                switch outcome {
                case .delivered, .refused: try outbox.remove(entry.sha256)
                case .failed(let reason): try outbox.recordAttempt(entry, error: reason)
                case .queued: break
                }
                results.append(PendingResult(entry: entry, outcome: outcome))
            }
        }
        return results
    }

    private enum Attempt {
        case transient(String)
        case final(Outcome)
    }

    /// One bundle, with retries; returns the outcome and the number of attempts made.
    private func send(_ bytes: Data, options: Options) async -> (Attempt, Int) {
        let header: HTTPHeader
        do {
            header = try HTTPHeader.secret(
                "Authorization", fromEnvironment: options.tokenVariable, prefix: "Bearer ", environment: environment)
        } catch {
            return (.final(.failed("\(error)")), 0)
        }
        let base = options.server.hasSuffix("/") ? String(options.server.dropLast()) : options.server
        let request = HTTPRequest(
            .post, url: base + "/api/v1/bundles",
            headers: [header, HTTPHeader("Content-Type", "application/octet-stream")], body: bytes,
            timeout: options.timeout, connectTimeout: min(options.timeout, 15), maxBodyBytes: 4 << 20,
            tls: HTTPTLSOptions(caFile: options.caFile, captureCertificates: false))
        var delay = options.retryDelay
        var attempt = 0
        while true {
            attempt += 1
            let result = await transport.perform(request)
            let outcome = Self.classify(result)
            guard case .transient(let reason) = outcome.attempt, attempt <= options.retries else {
                return (outcome.attempt, attempt)
            }
            _ = reason
            await sleep(min(max(delay, outcome.retryAfter ?? 0), 60))
            delay *= 2
        }
    }

    private static func classify(_ result: Result<HTTPResponse, HTTPError>) -> (attempt: Attempt, retryAfter: Double?) {
        switch result {
        case .failure(let error):
            if case .invalidRequest(let message) = error { return (.final(.failed(message)), nil) }
            return (.transient("\(error)"), nil)
        case .success(let response):
            let message = errorMessage(response)
            switch response.status {
            case 200, 201:
                return (.final(.delivered(status: response.status, answer: response.text)), nil)
            case 422:
                return (.final(.refused(problems: problems(response))), nil)
            case 429, 500...599:
                let retryAfter = response.headers["Retry-After"].flatMap(Double.init)
                return (.transient("the server answered \(response.status): \(message)"), retryAfter)
            default:
                return (.final(.failed("the server answered \(response.status): \(message)")), nil)
            }
        }
    }

    /// The server's error message, or the start of the body.
    private static func errorMessage(_ response: HTTPResponse) -> String {
        struct Body: Decodable {
            struct Inner: Decodable { var message: String }
            var error: Inner
        }
        if let body = try? JSONDecoder().decode(Body.self, from: response.body) { return body.error.message }
        return String(response.text.prefix(200))
    }

    /// Each problem of a 422 answer as one line.
    private static func problems(_ response: HTTPResponse) -> [String] {
        struct Body: Decodable {
            struct Inner: Decodable {
                var message: String
                var problems: [Problem]?
            }
            struct Problem: Decodable {
                var code: String
                var message: String
                var member: String?
            }
            var error: Inner
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: response.body) else { return [response.text] }
        let problems = body.error.problems ?? []
        if problems.isEmpty { return [body.error.message] }
        return problems.map { ($0.member.map { "\($0): " } ?? "") + $0.message + " [\($0.code)]" }
    }
}
