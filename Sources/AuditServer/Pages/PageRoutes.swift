import Foundation
import Hummingbird
import Logging

extension Server {
    /// The web pages' routes (`mallaudit-server routes --pages`), built without connecting anywhere; the tests try
    /// each of them with another mall's identifiers.
    public static func pageRoutes(configuration: ServerConfiguration, logger: Logger) throws -> [RouteDescription] {
        let database = Database(configuration: configuration, password: nil, logger: logger)
        let api = APIServer(
            configuration: configuration, database: database, verifier: BundleVerifierSeam.make(configuration),
            logger: logger)
        let pages = try PageServer(api: api)
        return pages.register(on: Router(context: ServerContext.self), table: RouteTable())
    }
}
