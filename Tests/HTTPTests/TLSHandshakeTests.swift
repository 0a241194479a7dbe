import AuditHTTP
import Foundation
import Testing
import TestSupport

/// `inspectTLS` judges the handshake itself, against OpenSSL's own test server (`openssl s_server`): a TLS server
/// that speaks no HTTP at all, one that serves OpenSSL's status page (`-www`), and one that offers TLS 1.1 only.
@Suite("TLS by the handshake, against openssl s_server")
struct TLSHandshakeTests {
    let client = HTTPClient()

    @Test("a TLS server that answers no HTTP request: the handshake is judged, no request is sent")
    func noHTTP() async throws {
        let server = try OpenSSLServer()
        defer { server.stop() }
        let token = HTTPHeader.secret("Authorization", "Bearer never-sent-token")
        let inspection = try await client.inspectTLS(server.url, caFile: server.caFile, timeout: 5, headers: [token])
            .get()
        #expect(inspection.verified)
        #expect(inspection.refusedHandshake == nil)
        #expect(inspection.protocolVersion == "TLSv1.3")
        #expect(inspection.cipher?.isEmpty == false)
        #expect(inspection.leaf?.subject?.contains("mallaudit test s_server") == true)
        // s_server prints whatever a client sends after the handshake: nothing came.
        let received = server.received
        #expect(!received.contains("HEAD") && !received.contains("GET") && !received.contains("never-sent-token"))
    }

    @Test("openssl s_server -www: verified, with the certificate's dates")
    func www() async throws {
        let server = try OpenSSLServer(options: ["-www"], days: 9)
        defer { server.stop() }
        let inspection = try await client.inspectTLS(server.url, caFile: server.caFile, timeout: 5).get()
        #expect(inspection.verified)
        let notAfter = try #require(inspection.leaf?.notAfter)
        let days = notAfter.timeIntervalSinceNow / 86_400
        #expect(days > 8 && days <= 9)
    }

    @Test("a server offering TLS 1.1 only is named as such, with its certificate read")
    func tls11Only() async throws {
        let server = try OpenSSLServer(options: ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-www"])
        defer { server.stop() }
        let inspection = try await client.inspectTLS(server.url, caFile: server.caFile, timeout: 5).get()
        #expect(!inspection.verified)
        #expect(inspection.refusedHandshake != nil)
        #expect(inspection.offeredProtocols == [.tls1_1])
        #expect(inspection.protocolVersion == "TLSv1.1")
        #expect(inspection.verificationError?.contains("the server offers only TLS 1.1") == true)
        #expect(inspection.leaf?.subject?.contains("mallaudit test s_server") == true)
    }

    @Test("a server offering TLS 1.0 and 1.1 is named with both")
    func tls10And11() async throws {
        let server = try OpenSSLServer(options: ["-no_tls1_2", "-no_tls1_3", "-cipher", "DEFAULT@SECLEVEL=0", "-www"])
        defer { server.stop() }
        let inspection = try await client.inspectTLS(server.url, caFile: server.caFile, timeout: 5).get()
        #expect(inspection.offeredProtocols == [.tls1_0, .tls1_1])
        #expect(inspection.offeredProtocolNames == "TLS 1.0, TLS 1.1")
        #expect(inspection.protocolVersion == "TLSv1.1")
    }

    @Test("a TLS 1.2-only server: verified at TLS 1.2, no protocol probing")
    func tls12Verified() async throws {
        let server = try OpenSSLServer(options: ["-tls1_2", "-www"])
        defer { server.stop() }
        let inspection = try await client.inspectTLS(server.url, caFile: server.caFile, timeout: 5).get()
        #expect(inspection.verified)
        #expect(inspection.protocolVersion == "TLSv1.2")
        #expect(inspection.offeredProtocols.isEmpty)
    }
}
