import CCurl
import CCurlShim
import Foundation
import Logging

/// What probes need from HTTP: `HTTPClient` in production; a test of the probe layer may pass its own.
public protocol HTTPTransport: Sendable {
    /// Performs one request; a failure is a value, never a thrown error.
    func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, HTTPError>
    /// Performs every request; the results are in the order of `requests`.
    func performAll(_ requests: [HTTPRequest]) async -> [Result<HTTPResponse, HTTPError>]
}

/// Performs HTTP(S) requests with libcurl's multi interface on one dedicated thread, at most
/// `maxConcurrentTransfers` at once; further requests wait in a queue, first come first served.
///
/// A request's timeout starts when it gets a transfer slot, never while it waits in the queue (libcurl's own
/// connection limit would count queue time against `CURLOPT_TIMEOUT`, so the client keeps the queue itself).
/// Failures are values: `perform` never throws and never crashes on a dead host.
///
/// ```swift
/// let client = HTTPClient(maxConcurrentTransfers: 4)
/// switch await client.perform(HTTPRequest(url: "https://member.example/api/member/features", timeout: 2)) {
/// case .success(let response): print(response.status, response.tls?.protocolVersion ?? "-")
/// case .failure(let error): print("error: \(error)")
/// }
/// ```
public final class HTTPClient: HTTPTransport {
    /// At most this many transfers are in flight at once.
    public let maxConcurrentTransfers: Int
    private let engine: CurlMultiEngine?
    private let logger: Logger

    /// - Parameters:
    ///   - maxConcurrentTransfers: the bound on transfers in flight (at least 1).
    ///   - logger: request lines and outcomes at `debug` level; secret header values never reach it.
    public init(maxConcurrentTransfers: Int = 8, logger: Logger = Logger(label: "mallaudit.http")) {
        self.maxConcurrentTransfers = max(1, maxConcurrentTransfers)
        self.logger = logger
        engine =
            ccurlshim_global_init_once() == CURLE_OK ? CurlMultiEngine(maxInFlight: self.maxConcurrentTransfers) : nil
    }

    deinit { engine?.stop() }

    /// Performs one request. Cancelling the calling task abandons the transfer with `HTTPError.cancelled`.
    public func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, HTTPError> {
        await performAll([request])[0]
    }

    /// Performs every request, at most `maxConcurrentTransfers` at once, started in the order given;
    /// the results are in the order of `requests`.
    public func performAll(_ requests: [HTTPRequest]) async -> [Result<HTTPResponse, HTTPError>] {
        guard let engine else {
            let failure = HTTPError.other(
                curlCode: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl could not be initialised")
            return requests.map { _ in .failure(failure) }
        }
        let jobs = requests.map(HTTPJob.init)
        for job in jobs { logger.debug("HTTP \(job.request)") }
        return await withTaskCancellationHandler {
            engine.submit(jobs)
            var results: [Result<HTTPResponse, HTTPError>] = []
            results.reserveCapacity(jobs.count)
            for job in jobs {
                let outcome = await job.outcome()
                switch outcome {
                case .success(let response):
                    logger.debug("HTTP \(job.request.method.rawValue) \(job.request.url) → \(response.status)")
                case .failure(let error):
                    logger.debug("HTTP \(job.request.method.rawValue) \(job.request.url) → \(error)")
                }
                results.append(outcome)
            }
            return results
        } onCancel: {
            for job in jobs { job.cancel() }
            engine.wakeUp()
        }
    }
}

/// The engine thread: owns the multi handle and every easy handle, runs `curl_multi_perform` /
/// `curl_multi_poll`, admits queued jobs as slots free, follows redirects hop by hop, and delivers outcomes.
///
/// Thread rule: `multi` and `active` are touched on the engine thread only; other threads only append to the
/// queue (under `lock`) and call `curl_multi_wakeup`, which libcurl allows from any thread.
final class CurlMultiEngine: @unchecked Sendable {
    private let multi: CurlMulti
    private let maxInFlight: Int

    private let lock = NSLock()
    private var queue: [HTTPJob] = []
    private var queueHead = 0
    private var stopping = false

    /// Engine thread only: the transfers in flight, by easy handle.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init?(maxInFlight: Int) {
        guard let multi = CurlMulti() else { return nil }
        self.multi = multi
        self.maxInFlight = maxInFlight
        let thread = Thread { [self] in run() }
        thread.name = "mallaudit-http"
        thread.start()
    }

    func submit(_ jobs: [HTTPJob]) {
        let accepted = lock.withLock {
            guard !stopping else { return false }
            queue.append(contentsOf: jobs)
            return true
        }
        if !accepted {
            for job in jobs { job.finish(.failure(.cancelled)) }
        }
        multi.wakeUp()
    }

    func wakeUp() { multi.wakeUp() }

    /// Ends the thread: queued and running requests end with `.cancelled`.
    func stop() {
        lock.withLock { stopping = true }
        multi.wakeUp()
    }

    private func nextJob() -> (job: HTTPJob?, stopping: Bool) {
        lock.withLock {
            if stopping { return (nil, true) }
            guard queueHead < queue.count else { return (nil, false) }
            let job = queue[queueHead]
            queueHead += 1
            if queueHead >= 1024, queueHead * 2 >= queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            return (job, false)
        }
    }

    private func run() {
        while true {
            for (handle, transfer) in active where transfer.job.isCancelled {
                remove(handle)
                transfer.job.finish(.failure(.cancelled))
            }
            var isStopping = false
            while active.count < maxInFlight {
                let (job, stop) = nextJob()
                if stop { isStopping = true }
                guard let job else { break }
                if job.isCancelled {
                    job.finish(.failure(.cancelled))
                    continue
                }
                let timeout = job.request.timeout.isFinite ? min(max(job.request.timeout, 0), 1e9) : 0
                start(job, request: job.request, deadline: .now + .seconds(timeout), redirects: [])
            }
            if isStopping || lock.withLock({ stopping }) {
                shutDown()
                return
            }

            var running: Int32 = 0
            _ = curl_multi_perform(multi.handle, &running)
            var finishedAny = false
            var easy: UnsafeMutableRawPointer?
            var code = CURLE_OK
            while ccurlshim_multi_next_done(multi.handle, &easy, &code) == 1 {
                guard let easy, let transfer = active[easy] else { continue }
                if code == CURLE_OK { transfer.captureTLSDetailsIfMissing() }
                remove(easy)
                complete(transfer, code)
                finishedAny = true
            }
            // Refill freed slots (and start new hops) before waiting.
            if finishedAny { continue }
            _ = curl_multi_poll(multi.handle, nil, 0, 1000, nil)
        }
    }

    private func start(
        _ job: HTTPJob, request: HTTPRequest, deadline: ContinuousClock.Instant, redirects: [HTTPRedirect]
    ) {
        do {
            let transfer = try CurlTransfer(job: job, request: request, deadline: deadline, redirects: redirects)
            let added = curl_multi_add_handle(multi.handle, transfer.easy.handle)
            guard added == CURLM_OK else {
                job.finish(
                    .failure(
                        .other(curlCode: -Int(added.rawValue), message: String(cString: curl_multi_strerror(added)))))
                return
            }
            active[transfer.easy.handle] = transfer
        } catch {
            job.finish(.failure(error))
        }
    }

    private func remove(_ handle: UnsafeMutableRawPointer) {
        _ = curl_multi_remove_handle(multi.handle, handle)
        active[handle] = nil
    }

    private func complete(_ transfer: CurlTransfer, _ code: CURLcode) {
        guard code == CURLE_OK else {
            let error = HTTPError.from(
                curl: code, message: transfer.easy.errorMessage(for: code), bodyLimit: transfer.request.maxBodyBytes,
                bodyTooLarge: transfer.bodyTooLarge)
            transfer.job.finish(.failure(error))
            return
        }
        let response = transfer.response()
        do {
            if let next = try transfer.nextHop(after: response) {
                let hop = HTTPRedirect(
                    url: transfer.request.url, status: response.status,
                    location: response.headers["Location"] ?? next.url)
                start(transfer.job, request: next, deadline: transfer.deadline, redirects: transfer.redirects + [hop])
                return
            }
        } catch {
            transfer.job.finish(.failure(error))
            return
        }
        transfer.job.finish(.success(response))
    }

    private func shutDown() {
        for (handle, transfer) in active {
            remove(handle)
            transfer.job.finish(.failure(.cancelled))
        }
        while case (let job?, _) = lock.withLock({ () -> (HTTPJob?, Bool) in
            guard queueHead < queue.count else { return (nil, true) }
            queueHead += 1
            return (queue[queueHead - 1], true)
        }) {
            job.finish(.failure(.cancelled))
        }
    }
}
