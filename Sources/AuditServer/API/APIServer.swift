import AuditModel
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PostgresNIO

/// The service's HTTP API (docs/openapi.yaml): one router, its middleware and its handlers.
///
/// Order of checks on every request: rate limit (per instance) → authentication (token or session, from
/// PostgreSQL) and CSRF for session POSTs → `AccessPolicy` (the action) → the query's `RunScope` (what is visible).
struct APIServer: Sendable {
    let configuration: ServerConfiguration
    let database: Database
    let store: BundleStore
    let logger: Logger
    let authenticator: Authenticator
    let reads: ReadAPI
    let ingest: Ingest
    let limiter: RateLimiter
    let rectificationWrites: RectificationWrites

    init(configuration: ServerConfiguration, database: Database, verifier: any BundleVerifying, logger: Logger) {
        self.configuration = configuration
        self.database = database
        self.logger = logger
        store = BundleStore(root: configuration.bundles.store)
        authenticator = Authenticator(database: database, configuration: configuration, logger: logger)
        reads = ReadAPI(database: database, logger: logger)
        ingest = Ingest(database: database, store: store, verifier: verifier, logger: logger)
        limiter = RateLimiter(rate: configuration.limits.requestsPerSecond, burst: configuration.limits.burst)
        rectificationWrites = RectificationWrites(database: database, logger: logger)
    }

    /// The router with every route, and the routes as the OpenAPI document names them.
    ///
    /// - Parameter pages: the web pages to serve beside the API (none: the API alone).
    func makeRouter(pages: PageServer? = nil) -> (Router<ServerContext>, [RouteDescription]) {
        let router = Router(context: ServerContext.self)
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: RequestLimitsMiddleware(limiter: limiter, trustForwardedFor: configuration.trustForwardedFor))
        router.add(middleware: DeadlineMiddleware(seconds: configuration.limits.requestSeconds))
        let table = RouteTable()

        table.add(.get, "/healthz", on: router) { _, _ in try await health() }

        let open = router.group("api/v1")
        table.add(.post, "/session", on: open) { request, context in try await signIn(request, context) }

        let api = router.group("api/v1").add(middleware: AuthenticationMiddleware(authenticator: authenticator))
        table.add(.get, "/session", on: api) { _, context in try session(context) }
        table.add(.post, "/session/sign-out", on: api) { _, context in try await signOut(context) }
        table.add(.post, "/bundles", on: api) { request, context in try await fileBundle(request, context) }
        table.add(.get, "/bundles/{sha256}", on: api) { _, context in try await download(context) }
        table.add(.get, "/malls", on: api) { request, context in try await malls(request, context) }
        table.add(.post, "/malls", on: api) { request, context in try await addMall(request, context) }
        table.add(.get, "/malls/{creditCode}", on: api) { _, context in try await mall(context) }
        table.add(.post, "/malls/{creditCode}/district", on: api) { request, context in
            try await setDistrict(request, context)
        }
        table.add(.get, "/malls/{creditCode}/runs", on: api) { _, context in try await runs(context) }
        table.add(.get, "/malls/{creditCode}/rectifications", on: api) { request, context in
            try await mallRectifications(request, context)
        }
        table.add(.post, "/malls/{creditCode}/rectifications", on: api) { request, context in
            try await setDueDate(request, context)
        }
        table.add(.get, "/runs/{runId}", on: api) { _, context in try await run(context) }
        table.add(.get, "/runs/{runId}/diff/{otherRunId}", on: api) { _, context in try await diff(context) }
        table.add(.get, "/statistics/clauses", on: api) { _, context in
            JSONResponse.raw(try await reads.clauseStatistics(scope: scope(context)))
        }
        table.add(.get, "/statistics/statements", on: api) { request, context in
            let clause = request.uri.queryParameters.get("clause")
            return JSONResponse.raw(try await reads.statementStatistics(scope: try scope(context), clause: clause))
        }
        table.add(.get, "/statistics/statements/{statementId}", on: api) { _, context in
            let statement = try context.parameters.require("statementId")
            return JSONResponse.raw(
                try await reads.statementAcrossMalls(statementID: statement, scope: try scope(context)))
        }
        table.add(.get, "/rectifications", on: api) { request, context in
            try await rectifications(request, context, mallID: nil)
        }
        table.add(.post, "/rectifications/{id}/confirm", on: api) { request, context in
            try await confirm(request, context)
        }
        table.add(.get, "/access-log", on: api) { request, context in try await accessLog(request, context) }
        // The bureau's web pages (Pages/): HTML for browsers, listed apart (`mallaudit-server routes --pages`).
        if let pages { pages.register(on: router, table: RouteTable()) }
        return (router, table.routes.sorted())
    }

    private func scope(_ context: ServerContext) throws -> RunScope {
        AccessPolicy.scope(of: try context.requirePrincipal())
    }

    private func require(_ action: Action, _ context: ServerContext) throws -> Principal {
        let principal = try context.requirePrincipal()
        if case .refused(let reason) = AccessPolicy.decide(action, for: principal) { throw APIError.forbidden(reason) }
        return principal
    }

    private func log(_ event: AccessEvent) async throws { try await database.record(event) }

    // MARK: health and sessions

    private func health() async throws -> Response {
        do {
            let database = database
            let logger = logger
            _ = try await withDeadline(min(3, configuration.limits.requestSeconds)) {
                try await database.primary.query("SELECT 1", logger: logger).collect().count
            }
            return JSONResponse.raw(#"{"status":"ok"}"#)
        } catch {
            logger.error("health check: \(describeDatabaseError(error))")
            return JSONResponse.raw(#"{"status":"database-unavailable"}"#, status: .serviceUnavailable)
        }
    }

    private struct SessionBody: Encodable {
        var account: String
        var displayName: String?
        var role: String
        var mall: String?
        var csrfToken: String?
        var expiresAt: Date?
    }

    private func signIn(_ request: Request, _ context: ServerContext) async throws -> Response {
        struct Credentials: Decodable {
            var name: String
            var password: String
        }
        let credentials = try await request.decodeJSON(Credentials.self)
        let session = try await authenticator.signIn(
            name: credentials.name, password: credentials.password, client: context.client)
        var response = try JSONResponse.encode(
            SessionBody(
                account: session.principal.name, displayName: session.displayName,
                role: session.principal.role.rawValue, mall: session.principal.mallCreditCode,
                csrfToken: session.csrfToken, expiresAt: session.expiresAt), status: .created)
        response.headers[.setCookie] = authenticator.cookie(session)
        return response
    }

    private func session(_ context: ServerContext) throws -> Response {
        let principal = try context.requirePrincipal()
        var csrf: String?
        if case .session(_, let token) = principal.via { csrf = token }
        return try JSONResponse.encode(
            SessionBody(
                account: principal.name, role: principal.role.rawValue, mall: principal.mallCreditCode,
                csrfToken: csrf))
    }

    private func signOut(_ context: ServerContext) async throws -> Response {
        try await authenticator.signOut(try context.requirePrincipal(), client: context.client)
        var response = JSONResponse.raw(#"{"signedOut":true}"#)
        response.headers[.setCookie] = authenticator.cookie(nil)
        return response
    }

    // MARK: ingest and download

    private func fileBundle(_ request: Request, _ context: ServerContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let bytes = try await request.collectBody(limit: configuration.limits.uploadBytes)
        guard !bytes.isEmpty else { throw APIError.badRequest("the request has no body: send the bundle's bytes") }
        do {
            let ingest = ingest
            let client = context.client
            let outcome = try await withDeadline(configuration.limits.requestSeconds) {
                try await ingest.ingest(bytes, principal: principal, client: client)
            }
            return try JSONResponse.encode(outcome, status: outcome.created ? .created : .ok)
        } catch IngestRefusal.invalid(let problems) {
            throw APIError(
                .unprocessableContent, code: "bundle-refused",
                "the bundle was refused (\(problems.count) problem\(problems.count == 1 ? "" : "s")); nothing was stored",
                problems: problems)
        } catch IngestRefusal.forbidden(let reason) {
            throw APIError.forbidden(reason)
        }
    }

    private func download(_ context: ServerContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let sha256 = try context.parameters.require("sha256")
        guard Formats.isSHA256(sha256),
            let owner = try await reads.bundleOwner(sha256: sha256, scope: AccessPolicy.scope(of: principal))
        else { throw APIError.notFound("bundle") }
        let bytes: Data
        do {
            bytes = try store.read(sha256)
        } catch {
            logger.error("download \(sha256): \(error)")
            throw APIError(.internalServerError, code: "store", "the bundle cannot be read from the store")
        }
        try await log(
            AccessEvent(
                "download", principal: principal, mallID: owner.mallID, target: sha256, client: context.client))
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(sha256).bundle\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: malls and runs

    private func malls(_ request: Request, _ context: ServerContext) async throws -> Response {
        let query = request.uri.queryParameters
        let conformance = query.get("verdict")
        if let conformance, Conformance(rawValue: conformance) == nil {
            throw APIError.badRequest("verdict '\(conformance)' is not conformant, nonConformant or incomplete")
        }
        var list = ReadAPI.MallsRequest(district: query.get("district"), conformance: conformance)
        if let text = query.get("limit") {
            guard let limit = Int(text), 1...Self.mallsPageLimit ~= limit else {
                throw APIError.badRequest("limit '\(text)' is not a whole number of malls from 1 to \(Self.mallsPageLimit)")
            }
            list.limit = limit
        }
        if let text = query.get("after") {
            guard list.limit != nil else { throw APIError.badRequest("after needs a limit (the page's size)") }
            guard let cursor = MallsCursor(text: text) else {
                throw APIError.badRequest("after '\(text.prefix(80))' is not a cursor from a Link header of this list")
            }
            list.after = cursor
        }
        let answer = try await reads.cachedMalls(scope: try scope(context), request: list)
        let gzip = answer.gzipped != nil && Gzip.accepted(by: request.headers[.acceptEncoding])
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8",
            // Per account (private: no shared cache), and asked again each time (the ETag makes that cheap).
            .cacheControl: "private, no-cache",
            .vary: "Accept-Encoding, Authorization, Cookie",
            .eTag: gzip ? answer.gzipETag : answer.etag,
        ]
        if let next = answer.next, let limit = list.limit {
            var link = URLComponents()
            link.path = "/api/v1/malls"
            link.queryItems = [
                list.district.map { URLQueryItem(name: "district", value: $0) },
                list.conformance.map { URLQueryItem(name: "verdict", value: $0) },
                URLQueryItem(name: "limit", value: "\(limit)"), URLQueryItem(name: "after", value: next),
            ].compactMap { $0 }
            // `+` is a space to most query parsers: escape it too.
            link.percentEncodedQuery = link.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
            headers[HTTPField.Name("Link")!] = "<\(link.string ?? "")>; rel=\"next\""
        }
        if let match = request.headers[.ifNoneMatch], answer.matches(ifNoneMatch: match) {
            return Response(status: .notModified, headers: headers)
        }
        if gzip, let body = answer.gzipped {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: answer.body))
    }

    /// The largest page of the malls list (`limit`).
    static let mallsPageLimit = 1000

    /// The mall named in the path, when the caller may see it (404 otherwise, whether or not it exists).
    private func visibleMall(_ context: ServerContext) async throws -> (id: Int64, json: String) {
        let code = try context.parameters.require("creditCode")
        guard let mall = try await reads.mall(creditCode: code, scope: try scope(context)) else {
            throw APIError.notFound("mall")
        }
        return mall
    }

    private func mall(_ context: ServerContext) async throws -> Response {
        let mall = try await visibleMall(context)
        try await log(
            AccessEvent("view-mall", principal: context.principal, mallID: mall.id, client: context.client))
        return JSONResponse.raw(mall.json)
    }

    private func runs(_ context: ServerContext) async throws -> Response {
        let mall = try await visibleMall(context)
        let runs = try await reads.runs(mallID: mall.id, scope: try scope(context))
        try await log(
            AccessEvent(
                "view-mall", principal: context.principal, mallID: mall.id, target: "runs", client: context.client))
        return JSONResponse.raw(#"{"mall":\#(mall.json),"runs":\#(runs)}"#)
    }

    private func runID(_ context: ServerContext, _ name: String = "runId") throws -> Int64 {
        guard let id = context.parameters.get(name, as: Int64.self), id > 0 else { throw APIError.notFound("run") }
        return id
    }

    private func run(_ context: ServerContext) async throws -> Response {
        let id = try runID(context)
        let scope = try scope(context)
        guard let mallID = try await reads.runMall(runID: id, scope: scope),
            let json = try await reads.run(runID: id, scope: scope)
        else { throw APIError.notFound("run") }
        try await log(
            AccessEvent("view-run", principal: context.principal, mallID: mallID, target: "\(id)", client: context.client))
        return JSONResponse.raw(json)
    }

    private func diff(_ context: ServerContext) async throws -> Response {
        let scope = try scope(context)
        let beforeID = try runID(context)
        let afterID = try runID(context, "otherRunId")
        guard let before = try await reads.runForDiff(runID: beforeID, scope: scope),
            let after = try await reads.runForDiff(runID: afterID, scope: scope)
        else { throw APIError.notFound("run") }
        guard before.mallID == after.mallID else {
            throw APIError(.unprocessableContent, code: "different-malls", "the two runs are of different malls")
        }
        let changes = RunChanges(before: before.rows, after: after.rows)
        try await log(
            AccessEvent(
                "view-diff", principal: context.principal, mallID: before.mallID, target: "\(beforeID)..\(afterID)",
                client: context.client))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = String(decoding: try encoder.encode(changes), as: UTF8.self)
        return JSONResponse.raw(#"{"before":\#(before.json),"after":\#(after.json),"changes":\#(body)}"#)
    }

    // MARK: bureau writes

    private func addMall(_ request: Request, _ context: ServerContext) async throws -> Response {
        struct Body: Decodable {
            var creditCode: String
            var name: String
            var district: String?
        }
        let principal = try require(.manageMalls, context)
        let body = try await request.decodeJSON(Body.self)
        do {
            try Administration.checkCreditCode(body.creditCode)
        } catch {
            throw APIError.badRequest("\(error)")
        }
        guard !body.name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.badRequest("the mall needs a name")
        }
        let created = try await database.transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO malls (credit_code, name, district) VALUES (\(body.creditCode), \(body.name), \(body.district))
                ON CONFLICT (credit_code) DO NOTHING RETURNING id
                """, logger: logger
            ).collect()
            guard let id = try rows.first?.decode(Int64.self) else { return false }
            try await connection.record(
                AccessEvent(
                    "add-mall", principal: principal, mallID: id, target: body.creditCode, client: context.client,
                    detail: "district=\(body.district ?? "-")"), logger: logger)
            return true
        }
        guard created else {
            throw APIError(.conflict, code: "exists", "a mall with credit code \(body.creditCode) is registered already")
        }
        let mall = try await reads.mall(creditCode: body.creditCode, scope: .all, fresh: true)
        return JSONResponse.raw(mall?.json ?? "{}", status: .created)
    }

    private func setDistrict(_ request: Request, _ context: ServerContext) async throws -> Response {
        struct Body: Decodable { var district: String }
        let principal = try require(.manageMalls, context)
        let mall = try await visibleMall(context)
        let body = try await request.decodeJSON(Body.self)
        let district = body.district.trimmingCharacters(in: .whitespaces)
        guard !district.isEmpty else { throw APIError.badRequest("the district is empty") }
        try await database.transaction { connection in
            _ = try await connection.query(
                "UPDATE malls SET district = \(district) WHERE id = \(mall.id)", logger: logger)
            try await connection.record(
                AccessEvent(
                    "set-district", principal: principal, mallID: mall.id, client: context.client,
                    detail: "district=\(district)"), logger: logger)
        }
        let updated = try await reads.mall(
            creditCode: try context.parameters.require("creditCode"), scope: .all, fresh: true)
        return JSONResponse.raw(updated?.json ?? "{}")
    }

    private func mallRectifications(_ request: Request, _ context: ServerContext) async throws -> Response {
        let mall = try await visibleMall(context)
        return try await rectifications(request, context, mallID: mall.id)
    }

    private func rectifications(_ request: Request, _ context: ServerContext, mallID: Int64?) async throws -> Response {
        let query = request.uri.queryParameters
        let state = query.get("state")
        if let state, state != "open", state != "closed" {
            throw APIError.badRequest("state '\(state)' is not open or closed")
        }
        let overdue = query.get("overdue")
        if let overdue, overdue != "true", overdue != "false" {
            throw APIError.badRequest("overdue '\(overdue)' is not true or false")
        }
        return JSONResponse.raw(
            try await reads.rectifications(
                scope: try scope(context), mallID: mallID, state: state, overdueOnly: overdue == "true"))
    }

    /// Sets the due date of the rectification of a failed shall statement (`RectificationWrites.setDueDate`).
    private func setDueDate(_ request: Request, _ context: ServerContext) async throws -> Response {
        struct Body: Decodable {
            var statementId: String
            var dueDate: String
            var runId: Int64?
        }
        let principal = try require(.manageRectifications, context)
        let mall = try await visibleMall(context)
        let body = try await request.decodeJSON(Body.self)
        let (id, created) = try await rectificationWrites.setDueDate(
            mallID: mall.id, statementID: body.statementId, dueDate: body.dueDate, runID: body.runId,
            principal: principal, client: context.client)
        let json = try await reads.rectification(id: id, scope: .all) ?? "{}"
        return JSONResponse.raw(json, status: created ? .created : .ok)
    }

    /// A bureau account's confirmation that a rectification is done (`RectificationWrites.confirm`).
    private func confirm(_ request: Request, _ context: ServerContext) async throws -> Response {
        struct Body: Decodable { var note: String }
        let principal = try require(.manageRectifications, context)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.notFound("rectification") }
        let body = try await request.decodeJSON(Body.self)
        try await rectificationWrites.confirm(id: id, note: body.note, principal: principal, client: context.client)
        return JSONResponse.raw(try await reads.rectification(id: id, scope: .all) ?? "{}")
    }

    private func accessLog(_ request: Request, _ context: ServerContext) async throws -> Response {
        let principal = try require(.readAccessLog, context)
        let query = request.uri.queryParameters
        let limit = query.get("limit").flatMap { Int($0) } ?? 100
        guard 1...1000 ~= limit else { throw APIError.badRequest("limit \(limit) is not 1…1000") }
        let before = try query.get("before").map { text -> Int64 in
            guard let value = Int64(text) else { throw APIError.badRequest("before '\(text)' is not an entry id") }
            return value
        }
        let json = try await reads.accessLog(limit: limit, before: before)
        try await log(AccessEvent("read-access-log", principal: principal, client: context.client))
        return JSONResponse.raw(json)
    }
}

/// What changed between two runs of a mall, statement by statement: `RunDiff`, the model's rule that
/// `mallaudit diff` applies too (fixed, newly failing, still open, other changes, gained checkpoints, unchanged).
struct RunChanges: Encodable {
    struct Entry: Encodable {
        var statementId: String
        var clauseId: String
        var modality: String
        var before: String?
        var after: String?
        var reasonBefore: String?
        var reasonAfter: String?
    }

    var fixed: [Entry] = []
    var newlyFailing: [Entry] = []
    var stillOpen: [Entry] = []
    var otherChanges: [Entry] = []
    var gainedCheckpoints: [Entry] = []
    var unchanged: [Entry] = []

    init(before: [ReadAPI.StatementRow], after: [ReadAPI.StatementRow]) {
        var facts: [String: ReadAPI.StatementRow] = [:]
        for row in before + after { facts[row.result.statementID] = row }
        let diff = RunDiff(before: before.map(\.result), after: after.map(\.result))
        func entries(_ category: RunDiff.Category) -> [Entry] {
            diff[category].map { entry in
                Entry(
                    statementId: entry.statementID, clauseId: facts[entry.statementID]?.clauseId ?? "",
                    modality: facts[entry.statementID]?.modality ?? "", before: entry.beforeVerdict?.rawValue,
                    after: entry.afterVerdict?.rawValue, reasonBefore: entry.before?.reason,
                    reasonAfter: entry.after?.reason)
            }
        }
        fixed = entries(.fixed)
        newlyFailing = entries(.newlyFailing)
        stillOpen = entries(.stillOpen)
        otherChanges = entries(.otherChanges)
        gainedCheckpoints = entries(.gainedCheckpoints)
        unchanged = entries(.unchanged)
    }
}
