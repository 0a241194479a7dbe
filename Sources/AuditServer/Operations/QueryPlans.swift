import Foundation
import Logging

/// `mallaudit-server explain`: `EXPLAIN (ANALYZE, BUFFERS)` of the API's main read queries, exactly as the calls
/// run them for a bureau account (docs/server-performance.md records them at 1,000 malls × 12 runs).
public enum QueryPlans {
    /// The plans, as PostgreSQL prints them, each headed by the call it serves. Runs the queries (ANALYZE).
    public static func explain(database: Database, logger: Logger) async throws -> String {
        try await ReadAPI(database: database, logger: logger).explainMainQueries()
    }
}
