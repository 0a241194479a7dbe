import CCurl
import CCurlShim
import Foundation

/// One request waiting for its answer: shared between the awaiting task and the engine thread.
final class HTTPJob: @unchecked Sendable {
    let request: HTTPRequest
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>?
    private var result: Result<HTTPResponse, HTTPError>?
    private var cancelled = false

    init(_ request: HTTPRequest) { self.request = request }

    var isCancelled: Bool { lock.withLock { cancelled } }

    func cancel() { lock.withLock { cancelled = true } }

    /// Delivers the outcome once; later calls are ignored.
    func finish(_ outcome: Result<HTTPResponse, HTTPError>) {
        let waiting: CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>? = lock.withLock {
            guard result == nil else { return nil }
            result = outcome
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: outcome)
    }

    /// Waits for the outcome (returns at once when it is already there).
    func outcome() async -> Result<HTTPResponse, HTTPError> {
        await withCheckedContinuation { continuation in
            let ready: Result<HTTPResponse, HTTPError>? = lock.withLock {
                if let result { return result }
                self.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// One hop of one request, on the engine thread only: the easy handle, its header list, and what has arrived.
final class CurlTransfer {
    let job: HTTPJob
    /// This hop's request (its URL, method and headers differ from the job's after a redirect).
    let request: HTTPRequest
    let easy: CurlEasy
    /// Bounds every hop of the job together.
    let deadline: ContinuousClock.Instant
    /// Redirects followed before this hop.
    let redirects: [HTTPRedirect]

    private var headerList: CurlHeaderList?
    private(set) var body = Data()
    private(set) var headers = HTTPHeaders()
    private(set) var httpVersion = ""
    private(set) var bodyTooLarge = false
    private var tlsVersion: String?
    private var tlsCipher: String?
    private let isHTTPS: Bool

    /// Sets up the easy handle; returns the reason when the request cannot be sent.
    init(job: HTTPJob, request: HTTPRequest, deadline: ContinuousClock.Instant, redirects: [HTTPRedirect])
        throws(HTTPError)
    {
        if let problem = request.problem() { throw .invalidRequest(problem) }
        let remaining = CurlTransfer.seconds(deadline - .now)
        guard remaining > 0 else { throw .timeout("\(request.timeout) s passed during redirects") }
        guard let easy = CurlEasy() else {
            throw .other(curlCode: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        self.job = job
        self.request = request
        self.easy = easy
        self.deadline = deadline
        self.redirects = redirects
        self.isHTTPS = request.url.lowercased().hasPrefix("https:")
        try configure(remaining: remaining)
    }

    /// The NUL-terminated text a C function wrote into `buffer`.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private static func milliseconds(_ seconds: Double) -> Int { max(1, Int((seconds * 1000).rounded(.up))) }

    private func configure(remaining: Double) throws(HTTPError) {
        var failure: (CURLoption, CURLcode)?
        func check(_ option: CURLoption, _ code: CURLcode) {
            if code != CURLE_OK, failure == nil { failure = (option, code) }
        }
        let connectTimeout = min(request.connectTimeout ?? request.timeout, remaining)
        check(CURLOPT_URL, easy.set(CURLOPT_URL, request.url))
        check(CURLOPT_PROTOCOLS_STR, easy.set(CURLOPT_PROTOCOLS_STR, "http,https"))
        check(CURLOPT_NOSIGNAL, easy.set(CURLOPT_NOSIGNAL, 1))
        check(CURLOPT_TIMEOUT_MS, easy.set(CURLOPT_TIMEOUT_MS, CurlTransfer.milliseconds(remaining)))
        check(CURLOPT_CONNECTTIMEOUT_MS, easy.set(CURLOPT_CONNECTTIMEOUT_MS, CurlTransfer.milliseconds(connectTimeout)))
        // Redirects are followed by the engine, hop by hop, so each hop is recorded and secrets stay with
        // their origin.
        check(CURLOPT_FOLLOWLOCATION, easy.set(CURLOPT_FOLLOWLOCATION, 0))
        // Proxies from the environment are ignored: a probe talks to the system named in the site profile.
        check(CURLOPT_PROXY, easy.set(CURLOPT_PROXY, ""))
        check(CURLOPT_USERAGENT, easy.set(CURLOPT_USERAGENT, "mallaudit/0.1 libcurl"))
        check(CURLOPT_ACCEPT_ENCODING, easy.set(CURLOPT_ACCEPT_ENCODING, ""))
        if request.maxBodyBytes > 0 {
            check(CURLOPT_MAXFILESIZE_LARGE, easy.set(CURLOPT_MAXFILESIZE_LARGE, Int64(request.maxBodyBytes)))
        }

        if request.connectOnly {
            check(CURLOPT_CONNECT_ONLY, easy.set(CURLOPT_CONNECT_ONLY, 1))
        }
        if request.connectOnly, isHTTPS {
            // No header arrives to read the TLS details from, and once the transfer is done libcurl has parked the
            // connection: read them when libcurl says the handshake is complete (its debug text).
            let me = Unmanaged.passUnretained(self).toOpaque()
            check(CURLOPT_DEBUGFUNCTION, ccurlshim_setopt_debug_function(easy.handle, curlDebugText))
            check(CURLOPT_DEBUGDATA, ccurlshim_setopt_pointer(easy.handle, CURLOPT_DEBUGDATA, me))
            check(CURLOPT_VERBOSE, easy.set(CURLOPT_VERBOSE, 1))
        }
        switch request.method {
        case .get:
            check(CURLOPT_HTTPGET, easy.set(CURLOPT_HTTPGET, 1))
        case .head:
            check(CURLOPT_NOBODY, easy.set(CURLOPT_NOBODY, 1))
        case .post:
            let body = request.body ?? Data()
            check(CURLOPT_POST, easy.set(CURLOPT_POST, 1))
            check(CURLOPT_POSTFIELDSIZE_LARGE, easy.set(CURLOPT_POSTFIELDSIZE_LARGE, Int64(body.count)))
            // COPYPOSTFIELDS copies `POSTFIELDSIZE` bytes now, so the Data need not outlive this call.
            if body.isEmpty {
                check(CURLOPT_COPYPOSTFIELDS, easy.set(CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                let code = body.withUnsafeBytes { bytes in
                    ccurlshim_setopt_pointer(
                        easy.handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                }
                check(CURLOPT_COPYPOSTFIELDS, code)
            }
        }

        var lines = request.headers.map { header in
            header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
        }
        // No `Expect: 100-continue` round trip before a POST body.
        if request.method == .post, !request.headers.contains(where: { $0.name.lowercased() == "expect" }) {
            lines.append("Expect:")
        }
        if !lines.isEmpty {
            let list = CurlHeaderList(lines)
            headerList = list
            check(CURLOPT_HTTPHEADER, ccurlshim_setopt_slist(easy.handle, CURLOPT_HTTPHEADER, list.list))
        }

        if isHTTPS {
            check(CURLOPT_SSL_VERIFYPEER, easy.set(CURLOPT_SSL_VERIFYPEER, request.tls.verifyPeer ? 1 : 0))
            check(CURLOPT_SSL_VERIFYHOST, easy.set(CURLOPT_SSL_VERIFYHOST, request.tls.verifyHost ? 2 : 0))
            if let caFile = request.tls.caFile {
                guard FileManager.default.isReadableFile(atPath: caFile) else {
                    throw .invalidRequest("CA file \(caFile) cannot be read")
                }
                check(CURLOPT_CAINFO, easy.set(CURLOPT_CAINFO, caFile))
            }
            if let version = request.tls.onlyVersion {
                check(CURLOPT_SSLVERSION, easy.set(CURLOPT_SSLVERSION, version.rawValue | (version.rawValue << 16)))
            }
            if request.tls.legacy {
                check(CURLOPT_SSL_CIPHER_LIST, easy.set(CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0"))
            }
            if request.tls.captureCertificates {
                // A reused connection or a resumed session has no certificate to report: handshake afresh.
                check(CURLOPT_CERTINFO, easy.set(CURLOPT_CERTINFO, 1))
                check(CURLOPT_FRESH_CONNECT, easy.set(CURLOPT_FRESH_CONNECT, 1))
                check(CURLOPT_SSL_SESSIONID_CACHE, easy.set(CURLOPT_SSL_SESSIONID_CACHE, 0))
            }
        }

        let me = Unmanaged.passUnretained(self).toOpaque()
        check(CURLOPT_WRITEFUNCTION, ccurlshim_setopt_write_function(easy.handle, curlWriteBody))
        check(CURLOPT_WRITEDATA, ccurlshim_setopt_pointer(easy.handle, CURLOPT_WRITEDATA, me))
        check(CURLOPT_HEADERFUNCTION, ccurlshim_setopt_header_function(easy.handle, curlWriteHeader))
        check(CURLOPT_HEADERDATA, ccurlshim_setopt_pointer(easy.handle, CURLOPT_HEADERDATA, me))

        if let (option, code) = failure {
            throw .other(
                curlCode: Int(code.rawValue),
                message: "libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    // MARK: callbacks (engine thread, inside curl_multi_perform)

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if request.maxBodyBytes >= 0, body.count + bytes.count > request.maxBodyBytes {
            bodyTooLarge = true
            return 0  // libcurl stops the transfer with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    fileprivate func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        var line = String(bytes: bytes, encoding: .utf8) ?? String(bytes: bytes, encoding: .isoLatin1) ?? ""
        // By scalars: "\r\n" is one Character, so Character-wise suffix checks would miss it.
        while let last = line.unicodeScalars.last, last == "\r" || last == "\n" { line.unicodeScalars.removeLast() }
        if line.hasPrefix("HTTP/") {
            // A new response (the final one follows any 1xx): start its header list afresh.
            headers = HTTPHeaders()
            httpVersion = String(line.split(separator: " ", maxSplits: 1).first ?? "")
            if isHTTPS, tlsVersion == nil { captureTLSDetails() }
        } else if line.first == " " || line.first == "\t" {
            headers.continueLast(with: line.trimmingCharacters(in: .whitespaces))
        } else if let colon = line.firstIndex(of: ":") {
            headers.append(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    fileprivate func receiveDebugText(_ bytes: UnsafeRawBufferPointer) {
        guard tlsVersion == nil, let text = String(bytes: bytes, encoding: .utf8) else { return }
        // `SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384` (curl 7.88's OpenSSL backend).
        guard text.hasPrefix("SSL connection using ") else { return }
        captureTLSDetails()
        if tlsVersion == nil {
            let parts = text.dropFirst("SSL connection using ".count).split(separator: "/")
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let version = parts.first, !version.isEmpty { tlsVersion = version }
            if parts.count > 1 { tlsCipher = parts[1] }
        }
    }

    /// Reads the protocol and cipher when no header did (a connect-only transfer has none); called when the transfer
    /// is done, before its handle leaves the multi handle (the connection of a connect-only transfer is still open).
    func captureTLSDetailsIfMissing() {
        if isHTTPS, tlsVersion == nil { captureTLSDetails() }
    }

    /// Reads the protocol and cipher while the connection is certainly alive (the server may close it as soon
    /// as the answer is sent, after which libcurl no longer has the TLS session).
    private func captureTLSDetails() {
        var buffer = [CChar](repeating: 0, count: 128)
        if ccurlshim_tls_protocol_version(easy.handle, &buffer, buffer.count) == 1 {
            tlsVersion = CurlTransfer.text(buffer)
        }
        if ccurlshim_tls_cipher(easy.handle, &buffer, buffer.count) == 1 { tlsCipher = CurlTransfer.text(buffer) }
    }

    // MARK: results

    /// The answer of this hop, with `redirects` before it.
    func response() -> HTTPResponse {
        let status = easy.long(CURLINFO_RESPONSE_CODE) ?? 0
        var remote: String?
        if let ip = easy.string(CURLINFO_PRIMARY_IP), !ip.isEmpty {
            let port = easy.long(CURLINFO_PRIMARY_PORT) ?? 0
            remote = ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
        let timings = HTTPTimings(
            nameLookup: easy.seconds(CURLINFO_NAMELOOKUP_TIME_T) ?? 0,
            connect: easy.seconds(CURLINFO_CONNECT_TIME_T) ?? 0,
            tlsHandshake: easy.seconds(CURLINFO_APPCONNECT_TIME_T) ?? 0,
            firstByte: easy.seconds(CURLINFO_STARTTRANSFER_TIME_T) ?? 0, total: easy.seconds(CURLINFO_TOTAL_TIME_T) ?? 0
        )
        let redirectLocation = (300...399).contains(status) ? easy.string(CURLINFO_REDIRECT_URL) : nil
        return HTTPResponse(
            status: status, httpVersion: httpVersion, headers: headers, body: body, url: job.request.url,
            finalURL: easy.string(CURLINFO_EFFECTIVE_URL) ?? request.url, redirects: redirects,
            redirectLocation: redirectLocation, timings: timings, tls: isHTTPS ? tlsInfo() : nil, remoteAddress: remote)
    }

    private func tlsInfo() -> HTTPTLSInfo {
        var certificates: [HTTPCertificate] = []
        if request.tls.captureCertificates {
            var info: UnsafeMutablePointer<curl_certinfo>?
            if ccurlshim_getinfo_certinfo(easy.handle, &info) == CURLE_OK, let info, let chain = info.pointee.certinfo {
                for index in 0..<Int(info.pointee.num_of_certs) {
                    var fields: [String: String] = [:]
                    var node = chain[index]
                    while let current = node {
                        if let data = current.pointee.data {
                            let text = String(cString: data)
                            if let colon = text.firstIndex(of: ":") {
                                fields[String(text[..<colon])] = String(text[text.index(after: colon)...])
                            }
                        }
                        node = current.pointee.next
                    }
                    certificates.append(HTTPCertificate(fields: fields))
                }
            }
        }
        return HTTPTLSInfo(
            protocolVersion: tlsVersion, cipher: tlsCipher, certificates: certificates,
            verificationEnforced: request.tls.verifyPeer && request.tls.verifyHost)
    }

    /// The request for the next hop when this answer is a redirect to follow, else nil.
    func nextHop(after response: HTTPResponse) throws(HTTPError) -> HTTPRequest? {
        guard request.followRedirects, [301, 302, 303, 307, 308].contains(response.status),
            let target = response.redirectLocation
        else { return nil }
        if redirects.count >= request.maxRedirects {
            throw .other(
                curlCode: Int(CURLE_TOO_MANY_REDIRECTS.rawValue),
                message: "more than \(request.maxRedirects) redirects, the last from \(request.url) to \(target)")
        }
        var next = request
        next.url = target
        // 303 always, and 301/302 after a POST (as browsers do), continue with GET; 307/308 repeat the request.
        if response.status == 303 && request.method != .head
            || [301, 302].contains(response.status) && request.method == .post
        {
            next.method = .get
            next.body = nil
            next.headers.removeAll { ["content-type", "content-length"].contains($0.name.lowercased()) }
        }
        if !CurlTransfer.sameOrigin(request.url, target) { next.headers.removeAll(where: \.isSecret) }
        return next
    }

    static func sameOrigin(_ a: String, _ b: String) -> Bool {
        guard let x = URLComponents(string: a), let y = URLComponents(string: b) else { return false }
        func port(_ c: URLComponents) -> Int? { c.port ?? (c.scheme?.lowercased() == "https" ? 443 : 80) }
        return x.scheme?.lowercased() == y.scheme?.lowercased() && x.host?.lowercased() == y.host?.lowercased()
            && port(x) == port(y)
    }
}

private func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?
)
    -> Int
{
    guard let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

private func curlDebugText(
    _ handle: UnsafeMutableRawPointer?, _ type: curl_infotype, _ data: UnsafeMutablePointer<CChar>?, _ size: Int,
    _ user: UnsafeMutableRawPointer?
) -> Int32 {
    guard type == CURLINFO_TEXT, let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    transfer.receiveDebugText(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

private func curlWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?
) -> Int {
    guard let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}
