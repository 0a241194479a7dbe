import Foundation
import Testing
import TestSupport

/// `mallaudit http fetch|tls`, run as a process against the HTTP peer of scripts/peers/http.sh.
@Suite("mallaudit http")
struct HTTPCommandTests {
    /// A variable scripts/peers/http.sh exports; fails the test (never skips) when the peer is not running.
    private func peer(_ variable: String) throws -> String { try TestPeer.value(variable) }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("fetch --format json: status, extracted values")
    func fetchJSON() throws {
        let url = "\(try peer("MALLAUDIT_TEST_HTTP"))/api/parking/capabilities"
        let outcome = try runMallaudit([
            "http", "fetch", url, "--json-path", "$.capabilities.reverseCarFinding", "--json-path",
            "$.spaces.levels[*]",
            "--format", "json",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try json(outcome.stdout)
        let response = try #require(object["response"] as? [String: Any])
        #expect(response["status"] as? Int == 200)
        let extractions = try #require(object["extractions"] as? [[String: Any]])
        #expect(extractions.map { $0["values"] as? [String] ?? [] } == [["true"], ["B1", "B2", "B3"]])
    }

    @Test("fetch sends a token from an environment variable and never prints it")
    func fetchWithToken() throws {
        let base = try peer("MALLAUDIT_TEST_HTTP")
        let token = try peer("MALLAUDIT_TEST_HTTP_TOKEN")
        let outcome = try runMallaudit([
            "http", "fetch", "\(base)/api/member/profile", "--bearer-env", "MALLAUDIT_TEST_HTTP_TOKEN", "--no-body",
        ])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("< HTTP/1.1 200"))
        #expect(outcome.stdout.contains("Authorization: <redacted>"))
        #expect(!outcome.stdout.contains(token))
        #expect(!outcome.stderr.contains(token))

        let unset = try runMallaudit(
            ["http", "fetch", "\(base)/api/member/profile", "--secret-header", "X-Token=MALLAUDIT_NO_SUCH_VARIABLE"])
        #expect(unset.status == 1)
        #expect(unset.stderr.contains("MALLAUDIT_NO_SUCH_VARIABLE"))
    }

    @Test("fetch of a redirect shows it and does not follow it")
    func fetchRedirect() throws {
        let base = try peer("MALLAUDIT_TEST_HTTP")
        let outcome = try runMallaudit(["http", "fetch", "\(base)/redirect", "--no-body"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("< HTTP/1.1 302"))
        #expect(outcome.stdout.contains("redirect not followed: → \(base)/portal/realname"))
        let followed = try runMallaudit(["http", "fetch", "\(base)/redirect", "--follow", "--format", "json"])
        let response = try #require(try json(followed.stdout)["response"] as? [String: Any])
        #expect(response["status"] as? Int == 200)
        #expect((response["redirects"] as? [[String: Any]])?.count == 1)
    }

    @Test("fetch exits 3 when nothing answers, 2 when a path cannot be read, 1 when it cannot run")
    func fetchFailures() throws {
        let base = try peer("MALLAUDIT_TEST_HTTP")
        let slow = try runMallaudit(["http", "fetch", "\(base)/slow?ms=2000", "--timeout", "0.2", "--format", "json"])
        #expect(slow.status == 3)
        #expect((try json(slow.stdout)["error"] as? [String: Any])?["kind"] as? String == "timeout")

        let broken = try runMallaudit([
            "http", "fetch", "\(base)/api/broken/member", "--json-path", "$.features.points",
        ])
        #expect(broken.status == 2)
        #expect(broken.stdout.contains("error: expected JSON at \(base)/api/broken/member: unexpected character ','"))

        // A host that does not resolve: libcurl's words once, not "could not resolve host: Could not resolve host".
        let nowhere = try runMallaudit(["http", "fetch", "http://nowhere.invalid/", "--timeout", "20"])
        #expect(nowhere.status == 3)
        #expect(nowhere.stdout.contains("error (couldNotResolve): Could not resolve host: nowhere.invalid"))
        #expect(!nowhere.stdout.lowercased().contains("could not resolve host: could not resolve host"))

        let unreadable = try runMallaudit(["http", "fetch", "\(base)/", "-X", "POST", "--data-file", "/no/such/file"])
        #expect(unreadable.status == 1)
        #expect(
            unreadable.stderr
                == "mallaudit: error: --data-file /no/such/file: the file cannot be read: No such file or directory\n",
            "\(unreadable.stderr)")
    }

    @Test(
        "fetch --xpath refuses an XML answer's DOCTYPE with its line and exits 2; HTML keeps <!DOCTYPE html>",
        arguments: ["/api/notices-entity.xml", "/api/notices-external-dtd.xml"])
    func fetchRefusesDoctype(path: String) throws {
        let url = try peer("MALLAUDIT_TEST_HTTP") + path
        let outcome = try runMallaudit(["http", "fetch", url, "--xpath", "//notice/@id", "--no-body"])
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(
            outcome.stdout.contains(
                "//notice/@id: error: expected XML at \(url): line 2: a DOCTYPE declaration is not allowed in an XML "
                    + "body (refused before reading it: no DTD, no entity is declared, loaded or expanded)"),
            "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("root:"))

        let page = try runMallaudit([
            "http", "fetch", try peer("MALLAUDIT_TEST_HTTP") + "/portal/realname", "--xpath", "//form/@action",
            "--no-body",
        ])
        #expect(page.status == 0)
        #expect(page.stdout.contains("//form/@action = /portal/realname/verify"))
    }

    @Test("tls: 0 for a verified endpoint, 2 for an expired certificate")
    func tls() throws {
        let ca = try peer("MALLAUDIT_TEST_CA")
        let good = try runMallaudit(["http", "tls", try peer("MALLAUDIT_TEST_HTTPS"), "--ca-file", ca])
        #expect(good.status == 0)
        #expect(good.stdout.contains("protocol: TLSv1.3"))
        #expect(good.stdout.contains("verified: yes"))

        let expired = try runMallaudit(["http", "tls", try peer("MALLAUDIT_TEST_HTTPS_EXPIRED"), "--ca-file", ca])
        #expect(expired.status == 2, "the check failed")
        #expect(expired.stdout.contains("certificate has expired"))
        #expect(expired.stdout.contains("valid 2020-01-01 to 2021-01-01 (EXPIRED"))
    }

    @Test("bad options are usage errors (64); a URL that cannot be inspected exits 1; both say why")
    func badOptions() throws {
        let method = try runMallaudit(["http", "fetch", "http://127.0.0.1:1/", "-X", "PATCH"])
        #expect(method.status == 64)
        #expect(method.stderr.contains("expected GET, POST or HEAD"))
        let plain = try runMallaudit(["http", "tls", "http://127.0.0.1:1/"])
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("not an https:// URL"))
    }

    @Test("tls against openssl s_server -www reports the handshake, protocol and certificate; exit 0")
    func tlsAgainstOpenSSLWWW() throws {
        let server = try OpenSSLServer(options: ["-www"])
        defer { server.stop() }
        let outcome = try runMallaudit(["http", "tls", server.url, "--ca-file", server.caFile])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains("handshake: completed"))
        #expect(outcome.stdout.contains("protocol: TLSv1.3 TLS_"))
        #expect(outcome.stdout.contains("verified: yes"))
        #expect(outcome.stdout.contains("certificate 0: CN = 127.0.0.1, O = mallaudit test s_server"))
        #expect(outcome.stderr.isEmpty)
    }

    @Test("tls against a TLS server that answers no HTTP at all: the handshake is reported, not 'no handshake'")
    func tlsWithoutHTTP() throws {
        let server = try OpenSSLServer()
        defer { server.stop() }
        let outcome = try runMallaudit(["http", "tls", server.url, "--ca-file", server.caFile, "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        let object = try json(outcome.stdout)
        #expect(object["handshake"] as? String == "completed")
        #expect(object["verified"] as? Bool == true)
        #expect(object["protocolVersion"] as? String == "TLSv1.3")
        #expect(!server.received.contains("HEAD /"))
    }

    @Test("tls against a TLS 1.1-only s_server names the protocol it offers; exit 2")
    func tlsOldProtocolNamed() throws {
        let server = try OpenSSLServer(options: ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-www"])
        defer { server.stop() }
        let outcome = try runMallaudit(["http", "tls", server.url, "--ca-file", server.caFile])
        #expect(outcome.status == 2, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains("handshake: REFUSED with mallaudit's TLS settings"))
        #expect(outcome.stdout.contains("offers: TLS 1.1 only"))
        #expect(outcome.stdout.contains("protocol: TLSv1.1 "))
        #expect(!outcome.stdout.contains("verified: yes"))
    }

    @Test("tls warns inside the certificate margin: 8 days left warns at 9, not at 8; default 30; the profile's limit")
    func tlsMargin() throws {
        let server = try OpenSSLServer(options: ["-www"], days: 9)
        defer { server.stop() }
        func tls(_ extra: [String]) throws -> ProcessOutcome {
            try runMallaudit(["http", "tls", server.url, "--ca-file", server.caFile] + extra)
        }
        let defaultMargin = try tls([])
        #expect(defaultMargin.status == 2)
        #expect(
            defaultMargin.stdout.contains(
                "warning: the certificate expires in 8 day(s), inside the margin of 30 days "
                    + "(limits.certificate_margin_days)"), "\(defaultMargin.stdout)")
        let inside = try tls(["--margin-days", "9"])
        #expect(inside.status == 2)
        #expect(inside.stdout.contains("inside the margin of 9 days"))
        let outside = try tls(["--margin-days", "8"])
        #expect(outside.status == 0, "\(outside.stdout)")
        #expect(!outside.stdout.contains("warning:"))

        let folder = try temporaryDirectory("tls-margin-site")
        defer { try? FileManager.default.removeItem(at: folder) }
        var site = SiteYAML()
        site.extraLines = ["limits:", "  certificate_margin_days: 5"]
        let profile = folder.appendingPathComponent("site.yaml")
        try Data(site.text.utf8).write(to: profile)
        let fromProfile = try tls(["--site", profile.path, "--format", "json"])
        #expect(fromProfile.status == 0, "\(fromProfile.stdout)\(fromProfile.stderr)")
        let object = try json(fromProfile.stdout)
        #expect(object["marginDays"] as? Int == 5)
        #expect(object["daysLeft"] as? Int == 8)
        #expect(object["insideMargin"] as? Bool == false)
    }
}

