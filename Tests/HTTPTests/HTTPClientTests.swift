import AuditHTTP
import Foundation
import Testing
import TestSupport

/// The HTTP adapter against the real test server of scripts/peers/http.sh on 127.0.0.1.
@Suite("HTTP adapter against the test server")
struct HTTPClientTests {
    let client = HTTPClient(maxConcurrentTransfers: 4)

    private func get(_ url: String, timeout: Double = 10, configure: (inout HTTPRequest) -> Void = { _ in }) async
        -> Result<HTTPResponse, HTTPError>
    {
        var request = HTTPRequest(url: url, timeout: timeout)
        configure(&request)
        return await client.perform(request)
    }

    private func response(_ result: Result<HTTPResponse, HTTPError>) throws -> HTTPResponse {
        switch result {
        case .success(let response): return response
        case .failure(let error):
            Issue.record("expected an answer, got \(error)")
            throw error
        }
    }

    private func failure(_ result: Result<HTTPResponse, HTTPError>) -> HTTPError? {
        switch result {
        case .success(let response):
            Issue.record("expected a failure, got HTTP \(response.status) from \(response.finalURL)")
            return nil
        case .failure(let error): return error
        }
    }

    // MARK: answers

    @Test("GET of a JSON fixture: status, headers, body, timings")
    func getJSON() async throws {
        let base = try TestPeer.http()
        let answer = try response(await get("\(base)/api/member/features"))
        #expect(answer.status == 200)
        #expect(answer.httpVersion == "HTTP/1.1")
        #expect(answer.headers["content-type"] == "application/json")
        #expect(answer.headers["CONTENT-TYPE"] == "application/json")
        #expect(Int(answer.headers["Content-Length"] ?? "") == answer.body.count)
        #expect(try JSONPath.values("$.features.points", in: answer.body) == ["true"])
        #expect(try JSONPath.values("$.members[*].id", in: answer.body) == ["M-0001", "M-0002", "M-0003"])
        #expect(answer.url == "\(base)/api/member/features")
        #expect(answer.finalURL == "\(base)/api/member/features")
        #expect(answer.redirects.isEmpty)
        #expect(answer.redirectLocation == nil)
        #expect(answer.tls == nil)
        #expect(answer.remoteAddress?.hasPrefix("127.0.0.1:") == true)
        #expect(answer.timings.total > 0)
        #expect(answer.timings.firstByte <= answer.timings.total)
        #expect(answer.timings.connect <= answer.timings.firstByte)
    }

    @Test("an HTTP 500 is an answer with status 500: the adapter does not judge")
    func serverError() async throws {
        let answer = try response(await get("\(try TestPeer.http())/status/500"))
        #expect(answer.status == 500)
        #expect(try JSONPath.values("$.status", in: answer.body) == ["500"])
    }

    @Test("several values of one header, looked up in any case")
    func multiValueHeaders() async throws {
        let answer = try response(await get("\(try TestPeer.http())/headers/multi"))
        #expect(answer.headers.values(for: "X-MULTI") == ["first", "second"])
        #expect(answer.headers["x-multi"] == "first")
        #expect(answer.headers.joined["x-multi"] == "first, second")
        #expect(answer.headers.joined["x-single"] == "only")
        #expect(answer.headers["X-Absent"] == nil)
    }

    @Test("HEAD returns the headers and no body")
    func head() async throws {
        let answer = try response(await get("\(try TestPeer.http())/api/member/features") { $0.method = .head })
        #expect(answer.status == 200)
        #expect(answer.body.isEmpty)
        #expect((Int(answer.headers["Content-Length"] ?? "") ?? 0) > 0)
    }

    @Test("POST sends its body and headers")
    func post() async throws {
        let body = Data(#"{"memberId":"M-0001","query":"points"}"#.utf8)
        let answer = try response(
            await get("\(try TestPeer.http())/echo/headers") {
                $0.method = .post
                $0.body = body
                $0.headers = [HTTPHeader("Content-Type", "application/json")]
            })
        let echo = try jsonObject(answer.body)
        #expect(echo["method"] as? String == "POST")
        #expect(echo["body_length"] as? Int == body.count)
        #expect((echo["header_names"] as? [String])?.contains("content-type") == true)
    }

    // MARK: timeouts

    @Test("a 300 ms timeout against a 2 s answer is a timeout")
    func subSecondTimeout() async throws {
        let error = failure(await get("\(try TestPeer.http())/slow?ms=2000", timeout: 0.3))
        guard case .timeout = error else {
            Issue.record("expected .timeout, got \(String(describing: error))")
            return
        }
    }

    @Test("a 1.5 s timeout lets a 300 ms answer through (the timeout is not rounded down)")
    func timeoutLongEnough() async throws {
        let answer = try response(await get("\(try TestPeer.http())/slow?ms=300", timeout: 1.5))
        #expect(answer.status == 200)
    }

    @Test("time waiting for a transfer slot does not count against the timeout")
    func queueTimeNotCounted() async throws {
        // One slot, five requests of 300 ms each with a 1 s timeout: the last one waits 1.2 s for its slot,
        // which would time it out if the queue counted.
        let serial = HTTPClient(maxConcurrentTransfers: 1)
        let url = "\(try TestPeer.http())/slow?ms=300"
        let requests = (0..<5).map { _ in HTTPRequest(url: url, timeout: 1) }
        let results = await serial.performAll(requests)
        for (index, result) in results.enumerated() {
            #expect((try? result.get().status) == 200, "request \(index): \(result)")
        }
    }

    // MARK: redirects

    @Test("a redirect is recorded, not followed, by default")
    func redirectRecorded() async throws {
        let base = try TestPeer.http()
        let answer = try response(await get("\(base)/redirect"))
        #expect(answer.status == 302)
        #expect(answer.headers["Location"] == "/portal/realname")
        #expect(answer.redirectLocation == "\(base)/portal/realname")
        #expect(answer.redirects.isEmpty)
        #expect(answer.finalURL == "\(base)/redirect")
    }

    @Test("a redirect is followed when asked, and each hop recorded")
    func redirectFollowed() async throws {
        let base = try TestPeer.http()
        let answer = try response(await get("\(base)/redirect") { $0.followRedirects = true })
        #expect(answer.status == 200)
        #expect(answer.finalURL == "\(base)/portal/realname")
        #expect(answer.redirects == [HTTPRedirect(url: "\(base)/redirect", status: 302, location: "/portal/realname")])
        #expect(answer.redirectLocation == nil)
        #expect(answer.text.contains("实名认证"))
    }

    @Test("maxRedirects is a limit: three hops pass with 3, fail with 2")
    func redirectLimit() async throws {
        let base = try TestPeer.http()
        let three = try response(
            await get("\(base)/redirect/chain?n=3") {
                $0.followRedirects = true
                $0.maxRedirects = 3
            })
        #expect(three.status == 200)
        #expect(
            three.redirects.map(\.location) == ["/redirect/chain?n=2", "/redirect/chain?n=1", "/redirect/chain?n=0"])

        let error = failure(
            await get("\(base)/redirect/chain?n=3") {
                $0.followRedirects = true
                $0.maxRedirects = 2
            })
        guard case .other(let code, let message) = error else {
            Issue.record("expected a too-many-redirects failure, got \(String(describing: error))")
            return
        }
        #expect(code == 47)
        #expect(message.contains("more than 2 redirects"))
    }

    @Test("a 303 after a POST continues with GET")
    func seeOtherBecomesGet() async throws {
        let base = try TestPeer.http()
        let target = "/echo/headers".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let answer = try response(
            await get("\(base)/redirect/to?status=303&url=\(target)") {
                $0.method = .post
                $0.body = Data("a=1".utf8)
                $0.followRedirects = true
            })
        #expect(try jsonObject(answer.body)["method"] as? String == "GET")
        #expect(answer.redirects.first?.status == 303)
    }

    @Test("secret headers follow a redirect on the same origin only")
    func secretsStayWithTheirOrigin() async throws {
        let base = try TestPeer.http()
        let ca = try TestPeer.ca()
        let headers = [HTTPHeader("X-Probe", "kiosks"), .secret("X-Mall-Token", "s3cr3t-value")]

        let sameOrigin = try response(
            await get("\(base)/redirect/to?url=%2Fecho%2Fheaders") {
                $0.headers = headers
                $0.followRedirects = true
            })
        let sameNames = try jsonObject(sameOrigin.body)["header_names"] as? [String] ?? []
        #expect(sameNames.contains("x-probe"))
        #expect(sameNames.contains("x-mall-token"))

        let elsewhere = "\(try TestPeer.https())/echo/headers".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let otherOrigin = try response(
            await get("\(base)/redirect/to?url=\(elsewhere)") {
                $0.headers = headers
                $0.followRedirects = true
                $0.tls.caFile = ca
            })
        #expect(otherOrigin.finalURL.hasPrefix(try TestPeer.https()))
        let otherNames = try jsonObject(otherOrigin.body)["header_names"] as? [String] ?? []
        #expect(otherNames.contains("x-probe"))
        #expect(!otherNames.contains("x-mall-token"))
    }

    // MARK: TLS

    @Test("HTTPS with the test CA: protocol version and certificate expiry")
    func tlsDetails() async throws {
        let answer = try response(await get("\(try TestPeer.https())/healthz") { $0.tls.caFile = try? TestPeer.ca() })
        #expect(answer.status == 200)
        let tls = try #require(answer.tls)
        #expect(tls.protocolVersion == "TLSv1.3")
        #expect(tls.cipher?.hasPrefix("TLS_") == true)
        #expect(tls.verified == true)
        #expect(tls.verificationEnforced)
        #expect(tls.certificates.count >= 1)
        let leaf = try #require(tls.leaf)
        #expect(leaf.subject?.contains("127.0.0.1") == true)
        #expect(leaf.issuer?.contains("mallaudit test CA") == true)
        // scripts/peers/http.sh issues it for 90 days from now.
        let notAfter = try #require(leaf.notAfter)
        let notBefore = try #require(leaf.notBefore)
        #expect(notAfter.timeIntervalSince(notBefore) == 90 * 86_400)
        #expect(notAfter > Date())
        #expect(notBefore <= Date())
        #expect(answer.timings.tlsHandshake >= answer.timings.connect)
    }

    @Test("the protocol reported is the one negotiated: a TLS-1.2-only server gives TLSv1.2")
    func tls12() async throws {
        let answer = try response(await get("\(try TestPeer.httpsTLS12())/healthz") { $0.tls.caFile = try? TestPeer.ca() })
        #expect(answer.tls?.protocolVersion == "TLSv1.2")
        #expect(answer.tls?.verified == true)
    }

    @Test("HTTPS without trusting the test CA is a TLS failure")
    func unknownCA() async throws {
        let error = failure(await get("\(try TestPeer.https())/healthz"))
        guard case .tls = error else {
            Issue.record("expected .tls, got \(String(describing: error))")
            return
        }
    }

    @Test("an expired certificate is a TLS failure")
    func expiredCertificate() async throws {
        let error = failure(await get("\(try TestPeer.httpsExpired())/healthz") { $0.tls.caFile = try? TestPeer.ca() })
        guard case .tls(let message) = error else {
            Issue.record("expected .tls, got \(String(describing: error))")
            return
        }
        #expect(message.contains("expired"))
    }

    @Test("with verification off, the expired certificate's dates are reported")
    func expiredCertificateRead() async throws {
        let answer = try response(
            await get("\(try TestPeer.httpsExpired())/healthz") {
                $0.tls = HTTPTLSOptions(verifyPeer: false, caFile: try? TestPeer.ca())
            })
        #expect(answer.status == 200)
        let tls = try #require(answer.tls)
        #expect(!tls.verificationEnforced)
        #expect(tls.verified == nil)
        let leaf = try #require(tls.leaf)
        // scripts/peers/http.sh signs it for 2020-01-01 to 2021-01-01 (UTC).
        #expect(leaf.notBefore == Date(timeIntervalSince1970: 1_577_836_800))
        #expect(leaf.notAfter == Date(timeIntervalSince1970: 1_609_459_200))
        #expect(leaf.fields["Expire date"] != nil)
        #expect(leaf.subject?.contains("mallaudit test expired") == true)
    }

    @Test("inspectTLS of a good endpoint: verified, protocol, expiry")
    func inspectValid() async throws {
        let inspection = try await client.inspectTLS("\(try TestPeer.https())/api/member/features", caFile: try TestPeer.ca())
            .get()
        #expect(inspection.verified)
        #expect(inspection.verificationError == nil)
        #expect(inspection.protocolVersion == "TLSv1.3")
        #expect(inspection.refusedHandshake == nil && inspection.offeredProtocols.isEmpty)
        #expect((inspection.leaf?.notAfter ?? .distantPast) > Date())
    }

    @Test("inspectTLS of an expired endpoint: not verified, why, and the certificate's dates")
    func inspectExpired() async throws {
        let inspection = try await client.inspectTLS("\(try TestPeer.httpsExpired())/", caFile: try TestPeer.ca()).get()
        #expect(!inspection.verified)
        #expect(inspection.verificationError?.contains("certificate has expired") == true)
        #expect(inspection.leaf?.notAfter == Date(timeIntervalSince1970: 1_609_459_200))
        #expect(inspection.protocolVersion == "TLSv1.3")
    }

    @Test("inspectTLS of a TLS 1.2-only endpoint: verified, TLSv1.2 negotiated")
    func inspectTLS12() async throws {
        let inspection = try await client.inspectTLS("\(try TestPeer.httpsTLS12())/", caFile: try TestPeer.ca()).get()
        #expect(inspection.verified)
        #expect(inspection.protocolVersion == "TLSv1.2")
    }

    @Test("inspectTLS without trusting the issuer: not verified, with the reason")
    func inspectUntrusted() async throws {
        let inspection = try await client.inspectTLS("\(try TestPeer.https())/").get()
        #expect(!inspection.verified)
        #expect(inspection.verificationError?.contains("issuer") == true)
        #expect(inspection.leaf?.issuer?.contains("mallaudit test CA") == true)
    }

    @Test("inspectTLS of a closed port is couldNotConnect, and of plain HTTP is refused")
    func inspectFailures() async throws {
        _ = try TestPeer.http()
        let port = try closedLoopbackPort()
        guard case .failure(.couldNotConnect) = await client.inspectTLS("https://127.0.0.1:\(port)/", timeout: 2) else {
            Issue.record("expected couldNotConnect")
            return
        }
        guard case .failure(.invalidRequest) = await client.inspectTLS(try TestPeer.http()) else {
            Issue.record("expected invalidRequest for http://")
            return
        }
    }

    @Test("certificates are not captured when not asked, and the protocol still is")
    func certificatesOptional() async throws {
        let answer = try response(
            await get("\(try TestPeer.https())/healthz") {
                $0.tls = HTTPTLSOptions(caFile: try? TestPeer.ca(), captureCertificates: false)
            })
        #expect(answer.tls?.certificates.isEmpty == true)
        #expect(answer.tls?.protocolVersion == "TLSv1.3")
    }

    // MARK: failures

    @Test("a closed port is couldNotConnect")
    func connectionRefused() async throws {
        _ = try TestPeer.http()
        let port = try closedLoopbackPort()
        let error = failure(await get("http://127.0.0.1:\(port)/api/member/features", timeout: 2))
        guard case .couldNotConnect = error else {
            Issue.record("expected .couldNotConnect, got \(String(describing: error))")
            return
        }
    }

    @Test("a body over maxBodyBytes is tooLarge; one of exactly maxBodyBytes is not", arguments: [true, false])
    func bodyLimit(withContentLength: Bool) async throws {
        let base = try TestPeer.http()
        let length = withContentLength ? "1" : "0"
        let exact = try response(await get("\(base)/huge?bytes=100000&length=\(length)") { $0.maxBodyBytes = 100_000 })
        #expect(exact.body.count == 100_000)
        let error = failure(await get("\(base)/huge?bytes=100001&length=\(length)") { $0.maxBodyBytes = 100_000 })
        #expect(error == .tooLarge(limit: 100_000))
        let huge = failure(await get("\(base)/huge?bytes=50000000&length=\(length)") { $0.maxBodyBytes = 1_000_000 })
        #expect(huge == .tooLarge(limit: 1_000_000))
    }

    @Test(
        "requests that cannot be sent are invalidRequest",
        arguments: [
            HTTPRequest(url: "file:///etc/passwd"), HTTPRequest(url: "ftp://127.0.0.1/"), HTTPRequest(url: "not a url"),
            HTTPRequest(url: "http://127.0.0.1:1/", headers: [HTTPHeader("X-Bad", "a\r\nInjected: yes")]),
            HTTPRequest(url: "http://127.0.0.1:1/", headers: [HTTPHeader("Bad Name", "x")]),
            HTTPRequest(url: "http://127.0.0.1:1/", timeout: 0), HTTPRequest(url: "http://127.0.0.1:1/", timeout: .nan),
            HTTPRequest(url: "https://127.0.0.1:1/", tls: HTTPTLSOptions(caFile: "/nonexistent/ca.pem")),
        ])
    func invalidRequests(request: HTTPRequest) async throws {
        let error = failure(await client.perform(request))
        guard case .invalidRequest = error else {
            Issue.record("expected .invalidRequest for \(request), got \(String(describing: error))")
            return
        }
    }

    @Test("cancelling the waiting task ends the transfer with cancelled")
    func cancellation() async throws {
        let url = "\(try TestPeer.http())/slow?ms=5000"
        let task = Task { await client.perform(HTTPRequest(url: url, timeout: 10)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.value
        #expect(failure(result) == .cancelled)
    }

    // MARK: concurrency

    @Test("50 requests with at most 4 in flight all complete, and the server never sees more than 4")
    func boundedConcurrency() async throws {
        let base = try TestPeer.http()
        let bucket = UUID().uuidString
        let requests = (0..<50).map { _ in HTTPRequest(url: "\(base)/slow?ms=100&bucket=\(bucket)", timeout: 30) }
        let results = await client.performAll(requests)
        #expect(results.count == 50)
        #expect(results.allSatisfy { (try? $0.get().status) == 200 })
        let stats = try jsonObject(try response(await get("\(base)/stats?of=\(bucket)")).body)
        #expect(stats["requests"] as? Int == 50)
        let maximum = try #require(stats["max_in_flight"] as? Int)
        #expect(maximum <= 4)
        #expect(maximum >= 2, "the transfers should overlap")
    }

    @Test("with one slot, transfers never overlap")
    func oneSlot() async throws {
        let base = try TestPeer.http()
        let bucket = UUID().uuidString
        let serial = HTTPClient(maxConcurrentTransfers: 1)
        let results = await serial.performAll(
            (0..<8).map { _ in HTTPRequest(url: "\(base)/slow?ms=50&bucket=\(bucket)") })
        #expect(results.allSatisfy { (try? $0.get().status) == 200 })
        let stats = try jsonObject(try response(await get("\(base)/stats?of=\(bucket)")).body)
        #expect(stats["requests"] as? Int == 8)
        #expect(stats["max_in_flight"] as? Int == 1)
    }

    @Test("performAll returns results in the order of the requests")
    func resultOrder() async throws {
        let base = try TestPeer.http()
        let codes = [503, 200, 204, 404, 201, 304, 500, 202]
        let results = await client.performAll(codes.map { HTTPRequest(url: "\(base)/status/\($0)") })
        #expect(results.map { try? $0.get().status } == codes)
    }

    // MARK: secrets

    @Test("a token from an environment variable is sent as a header")
    func tokenFromEnvironment() async throws {
        let base = try TestPeer.http()
        _ = try TestPeer.value("MALLAUDIT_TEST_HTTP_TOKEN")
        let authorization = try HTTPHeader.secret(
            "Authorization", fromEnvironment: "MALLAUDIT_TEST_HTTP_TOKEN", prefix: "Bearer ")
        #expect(authorization.isSecret)

        let with = try response(await get("\(base)/api/member/profile") { $0.headers = [authorization] })
        #expect(with.status == 200)
        #expect(try JSONPath.values("$.member.level", in: with.body) == ["gold"])

        let without = try response(await get("\(base)/api/member/profile"))
        #expect(without.status == 401)
        let wrong = try response(
            await get("\(base)/api/member/profile") { $0.headers = [.secret("Authorization", "Bearer wrong")] })
        #expect(wrong.status == 401)
    }

    @Test("an unset token variable is a clear error naming it")
    func unsetTokenVariable() throws {
        #expect(
            throws: HTTPError.invalidRequest(
                "environment variable MALL_NO_SUCH_TOKEN (for the Authorization header) is not set")
        ) {
            try HTTPHeader.secret("Authorization", fromEnvironment: "MALL_NO_SUCH_TOKEN", environment: [:])
        }
    }

    @Test("secret header values never appear in descriptions, debug output or dumps")
    func secretsRedacted() {
        let token = "tok-9f8e7d6c5b4a"
        let request = HTTPRequest(
            url: "https://member.example/api",
            headers: [HTTPHeader("Accept", "application/json"), .secret("Authorization", "Bearer \(token)")])
        var dumped = ""
        dump(request, to: &dumped)
        for text in [
            request.description, String(describing: request), String(reflecting: request), dumped, "\(request.headers)",
        ] {
            #expect(!text.contains(token), "leaked in: \(text)")
            #expect(text.contains("Authorization"))
        }
        #expect(request.description.contains("Accept: application/json"))
        #expect(request.description.contains("Authorization: <redacted>"))
    }
}
