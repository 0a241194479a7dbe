import AuditBundle
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// `mallaudit-server serve`: the HTTP(S) service over PostgreSQL and the bundle store.
///
/// Stateless apart from those two: sessions, lockouts, rectifications and everything ingested live in
/// PostgreSQL, bundles in the store (a folder every instance shares). Only the request-rate buckets are per
/// instance. Any number of instances may run behind a load balancer (docs/deploy.md).
public enum Server {
    /// Runs until SIGTERM or SIGINT (then finishes the requests in flight and stops).
    ///
    /// - Parameter portFile: when given, the port actually bound is written there once the server listens
    ///   (useful with `listen.port: 0`).
    public static func serve(configuration: ServerConfiguration, portFile: URL?, logger: Logger) async throws {
        let verifier = BundleVerifierSeam.make(configuration)
        if let revoked = configuration.bundles.revoked {
            // Refuse to start on a revocation file that cannot be read, rather than refuse every bundle later.
            do {
                _ = try RevocationList.load(revoked)
            } catch {
                throw ServerError.configuration(
                    "bundles.revoked: \(SignedBundleVerifier.describe(error))")
            }
        }
        try FileManager.default.createDirectory(at: configuration.bundles.store, withIntermediateDirectories: true)
        let database = try Database(configuration: configuration, logger: logger)
        let api = APIServer(configuration: configuration, database: database, verifier: verifier, logger: logger)
        let (router, _) = api.makeRouter(pages: try PageServer(api: api))

        let server: HTTPServerBuilder
        if let tls = configuration.tls {
            server = try .tls(.http1(), tlsConfiguration: try tlsConfiguration(tls))
        } else {
            server = .http1()
        }
        var app = Application(
            router: router, server: server,
            configuration: .init(
                address: .hostname(configuration.listen.host, port: configuration.listen.port),
                serverName: "mallaudit-server"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.listen.port
                logger.info("listening on \(configuration.listen.host):\(port)")
                if let portFile {
                    try? Data("\(port)\n".utf8).write(to: portFile, options: .atomic)
                }
            },
            logger: logger)
        app.addServices(database.primary)
        if database.hasReplica { app.addServices(database.reader) }
        app.beforeServerStarts {
            try await Migrator(database: database, logger: logger).requireCurrent()
        }
        try await app.runService()
    }

    static func tlsConfiguration(_ tls: ServerConfiguration.TLS) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate.path).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.key.path, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            return configuration
        } catch {
            throw ServerError.configuration(
                "cannot load the TLS certificate \(tls.certificate.path) and key \(tls.key.path): \(error)")
        }
    }

    /// The routes the server answers (`mallaudit-server routes`), built without connecting anywhere.
    public static func routes(configuration: ServerConfiguration, logger: Logger) throws -> [RouteDescription] {
        let database = Database(configuration: configuration, password: nil, logger: logger)
        let api = APIServer(
            configuration: configuration, database: database, verifier: BundleVerifierSeam.make(configuration),
            logger: logger)
        return api.makeRouter().1
    }
}
