import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The bureau's web pages (docs/pages.md): server-rendered HTML from `templates/server/`, in Chinese (English by
/// `?lang=en`, kept in a cookie), with no script and nothing loaded from elsewhere (inline CSS and SVG).
///
/// Sign-in uses the service's accounts and PostgreSQL sessions (`Authenticator`); every page reads through
/// `PageQueries` with the account's `RunScope`, and every write goes through `AccessPolicy.decide` and the API's own
/// rules (`RectificationWrites`). A mall or run outside the scope answers the same 404 page as one that does not
/// exist. Every form carries a CSRF token and is refused without a valid one: the session's token once signed in,
/// a double-submit cookie on the sign-in form.
struct PageServer: Sendable {
    let api: APIServer
    let templates: PageTemplates
    let queries: PageQueries
    /// The bureau's clock (server.yaml `time_zone`).
    let clock: BureauClock

    static let languageCookie = "mallaudit_lang"
    static let signInCookie = "mallaudit_signin"

    init(api: APIServer, templates: PageTemplates? = nil) throws {
        self.api = api
        self.templates = try templates ?? PageTemplates()
        queries = PageQueries(database: api.database, logger: api.logger)
        clock = BureauClock(zone: api.configuration.timeZone)
    }

    var logger: Logger { api.logger }
    var configuration: ServerConfiguration { api.configuration }

    /// Registers every page on `router`, recording them in `table` (`mallaudit-server routes --pages`).
    @discardableResult
    func register(on router: Router<ServerContext>, table: RouteTable) -> [RouteDescription] {
        table.add(.get, "/", on: router) { _, _ in Response.redirect(to: "/overview", type: .found) }
        let open = router.group().add(middleware: PageMiddleware(pages: self, signedIn: false))
        table.add(.get, "/sign-in", prefix: "", on: open) { request, context in try await signInForm(request, context) }
        table.add(.post, "/sign-in", prefix: "", on: open) { request, context in try await signIn(request, context) }

        let pages = router.group().add(middleware: PageMiddleware(pages: self, signedIn: true))
        table.add(.post, "/sign-out", prefix: "", on: pages) { _, context in try await signOut(context) }
        table.add(.get, "/overview", prefix: "", on: pages) { request, context in try await overview(request, context) }
        table.add(.get, "/clauses", prefix: "", on: pages) { request, context in try await clauses(request, context) }
        table.add(.get, "/clauses/{clauseId}", prefix: "", on: pages) { request, context in
            try await clause(request, context)
        }
        table.add(.get, "/malls/{creditCode}", prefix: "", on: pages) { request, context in
            try await mall(request, context)
        }
        table.add(.get, "/malls/{creditCode}/diff", prefix: "", on: pages) { request, context in
            try await diff(request, context)
        }
        table.add(.post, "/malls/{creditCode}/rectifications", prefix: "", on: pages) { request, context in
            try await setDueDate(request, context)
        }
        table.add(.get, "/runs/{runId}", prefix: "", on: pages) { request, context in try await run(request, context) }
        table.add(.get, "/runs/{runId}/reports/{name}", prefix: "", on: pages) { request, context in
            try await report(request, context)
        }
        table.add(.get, "/rectifications", prefix: "", on: pages) { request, context in
            try await rectifications(request, context)
        }
        table.add(.get, "/rectifications.csv", prefix: "", on: pages) { request, context in
            try await rectificationsCSV(request, context)
        }
        table.add(.post, "/rectifications/{id}/confirm", prefix: "", on: pages) { request, context in
            try await confirm(request, context)
        }
        return table.routes.sorted()
    }

    // MARK: language, cookies, rendering

    /// `?lang=` when given, else the language cookie, else Chinese.
    func language(of request: Request) -> PageLanguage {
        if let asked = PageForm.query(request)["lang"], let language = PageLanguage(rawValue: asked) {
            return language
        }
        if let saved = request.cookies[Self.languageCookie]?.value, let language = PageLanguage(rawValue: saved) {
            return language
        }
        return .zh
    }

    /// Whether cookies get `Secure`: when the server speaks TLS itself, when a trusted proxy says the client used
    /// HTTPS (`X-Forwarded-Proto: https`), and whenever `sessions.secure_cookie` is on (the default).
    func secureCookies(_ request: Request) -> Bool {
        if configuration.sessions.secureCookie || configuration.tls != nil { return true }
        return configuration.trustForwardedFor
            && request.headers[.xForwardedProto]?.lowercased().split(separator: ",").first?
                .trimmingCharacters(in: .whitespaces) == "https"
    }

    func cookie(_ name: String, _ value: String, path: String = "/", maxAge: Int, sameSite: String = "Strict",
                httpOnly: Bool = true, request: Request) -> String {
        var parts = ["\(name)=\(value)", "Path=\(path)", "Max-Age=\(maxAge)", "SameSite=\(sameSite)"]
        if httpOnly { parts.append("HttpOnly") }
        if secureCookies(request) { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    /// What every page shows around its content: the account, the navigation, the language switch.
    func frame(
        _ request: Request, principal: Principal?, language: PageLanguage, title: String, section: String
    ) -> [String: Any] {
        var context: [String: Any] = [
            "t": PageLabels.templateTable(language), "lang": language.rawValue, "htmlLang": language.htmlLang, "title": title,
            "printedAt": clock.time(Date()),
        ]
        var query = PageForm.query(request).values
        query["lang"] = language.other.rawValue
        let switchQuery = query.sorted { $0.key < $1.key }
            .map { "\(PageFormat.query($0.key))=\(PageFormat.query($0.value))" }.joined(separator: "&")
        context["switchHref"] = request.uri.path + "?" + switchQuery
        if let principal {
            context["account"] = [
                "name": principal.name, "role": PageLabels.table(language)["role.\(principal.role.rawValue)"] ?? "",
                "mall": principal.mallCreditCode ?? "",
            ]
            if case .session(_, let csrf) = principal.via { context["csrf"] = csrf }
            context["nav"] = [
                ("overview", "/overview"), ("clauses", "/clauses"), ("rectifications", "/rectifications"),
            ].map { key, href -> [String: Any] in
                ["href": href, "label": PageLabels.table(language)["nav.\(key)"] ?? key, "current": key == section]
            }
        }
        return context
    }

    /// A rendered page: the frame's context merged with `content`.
    func page(
        _ template: String, _ request: Request, principal: Principal?, language: PageLanguage, title: String,
        section: String = "", status: HTTPResponse.Status = .ok, _ content: [String: Any]
    ) -> Response {
        var context = frame(request, principal: principal, language: language, title: title, section: section)
        context.merge(content) { _, new in new }
        let html = templates.render("server-\(template)", context)
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The error page for `error`. A 404 says only "not found": it is the same page whether the thing does not
    /// exist or lies outside the account's scope.
    func errorPage(_ error: any Error, _ request: Request, principal: Principal?, language: PageLanguage) -> Response {
        let labels = PageLabels.table(language)
        var status: HTTPResponse.Status = .internalServerError
        var message = labels["error.title"] ?? ""
        switch error {
        case let error as APIError:
            status = error.status
            switch error.status {
            case .notFound: message = labels["error.notFound"] ?? ""
            case .forbidden: message = error.code == "csrf" ? labels["error.csrf"] ?? "" : labels["error.forbidden"] ?? ""
            case .serviceUnavailable: message = labels["error.unavailable"] ?? ""
            case .badRequest: message = (labels["error.badRequest"] ?? "") + error.message
            default: message = error.message
            }
        case let error as HTTPError:
            status = error.status
            message = error.body ?? "\(error.status.code) \(error.status.reasonPhrase)"
        case is DeadlineExceeded:
            status = .serviceUnavailable
            message = labels["error.unavailable"] ?? ""
        default:
            logger.error("page \(request.uri.path): \(describeDatabaseError(error))")
            if sqlState(of: error) == nil, "\(error)".contains("connect") { status = .serviceUnavailable }
            message = status == .serviceUnavailable ? labels["error.unavailable"] ?? "" : labels["error.title"] ?? ""
        }
        return page(
            "error", request, principal: principal, language: language, title: labels["error.title"] ?? "",
            status: status,
            // Nothing of the request in the page: a 404 reads the same for every URL that names nothing visible.
            [
                "message": message, "status": Int(status.code), "printedAt": "",
                "switchHref": "/overview?lang=\(language.other.rawValue)",
            ])
    }

    /// A 303 to `location` (after a form: the browser GETs the result, so reloading does not post again).
    func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    // MARK: sign-in

    private func signInForm(_ request: Request, _ context: ServerContext) async throws -> Response {
        let language = language(of: request)
        let next = PageFormat.safeNext(PageForm.query(request)["next"])
        if let cookie = request.cookies[Authenticator.cookieName]?.value, !cookie.isEmpty,
            try await api.authenticator.principal(session: cookie) != nil
        {
            return seeOther(next)
        }
        return signInPage(request, language: language, next: next, message: nil, status: .ok)
    }

    /// The sign-in form with a fresh double-submit token (cookie and hidden field).
    private func signInPage(
        _ request: Request, language: PageLanguage, next: String, message: String?, status: HTTPResponse.Status,
        name: String = ""
    ) -> Response {
        let token = Secrets.random256()
        var response = page(
            "sign-in", request, principal: nil, language: language,
            title: PageLabels.table(language)["signIn.title"] ?? "", status: status,
            ["signInToken": token, "next": next, "message": message ?? "", "hasMessage": message != nil, "name": name])
        response.headers.append(
            HTTPField(
                name: .setCookie, value: cookie(Self.signInCookie, token, path: "/sign-in", maxAge: 3600, request: request)))
        return response
    }

    private func signIn(_ request: Request, _ context: ServerContext) async throws -> Response {
        var request = request
        let language = language(of: request)
        let form = try await PageForm.body(&request)
        let next = PageFormat.safeNext(form["next"])
        let labels = PageLabels.table(language)
        // Login CSRF: the form must carry the token its cookie carries (another site can set neither).
        guard let sent = form["csrf"], let expected = request.cookies[Self.signInCookie]?.value, !expected.isEmpty,
            constantTimeEqual(sent, expected)
        else {
            return signInPage(
                request, language: language, next: next, message: labels["signIn.expired"], status: .forbidden)
        }
        let name = form["name"] ?? ""
        do {
            let session = try await api.authenticator.signIn(
                name: name, password: form.values["password"] ?? "", client: context.client)
            var response = seeOther(next)
            response.headers.append(
                HTTPField(
                    name: .setCookie,
                    value: cookie(
                        Authenticator.cookieName, session.id, maxAge: configuration.sessions.absoluteSeconds,
                        request: request)))
            response.headers.append(
                HTTPField(name: .setCookie, value: cookie(Self.signInCookie, "", path: "/sign-in", maxAge: 0, request: request)))
            return response
        } catch let error as APIError where error.code == "locked" {
            let seconds = error.headers[.retryAfter] ?? "?"
            var response = signInPage(
                request, language: language, next: next,
                message: PageLabels.format("signIn.locked", language, seconds), status: .tooManyRequests, name: name)
            response.headers[.retryAfter] = seconds
            return response
        } catch let error as APIError where error.status == .unauthorized {
            return signInPage(
                request, language: language, next: next, message: labels["signIn.refused"], status: .unauthorized,
                name: name)
        }
    }

    private func signOut(_ context: ServerContext) async throws -> Response {
        try await api.authenticator.signOut(try context.requirePrincipal(), client: context.client)
        var response = seeOther("/sign-in")
        response.headers.append(HTTPField(name: .setCookie, value: "\(Authenticator.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"))
        return response
    }
}

/// Authenticates the pages by the session cookie (never a bearer token: pages are for browsers), refuses every
/// POST whose form does not carry the session's CSRF token, turns errors into HTML pages, and adds the security
/// headers: no script may run on a page (`Content-Security-Policy`), no page may be framed.
struct PageMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let pages: PageServer
    /// Whether the routes need a signed-in account (all but the sign-in form).
    let signedIn: Bool

    static let policy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; "
        + "base-uri 'none'"

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        let language = pages.language(of: request)
        var context = context
        var response: Response
        do {
            var request = request
            if signedIn {
                let cookie = request.cookies[Authenticator.cookieName]?.value ?? ""
                guard !cookie.isEmpty, let principal = try await pages.api.authenticator.principal(session: cookie)
                else {
                    // Not signed in (or the session ended): to the sign-in form, then back here.
                    let path = request.method == .get ? (request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")) : "/overview"
                    var redirect = pages.seeOther("/sign-in?next=" + PageFormat.query(path))
                    if !cookie.isEmpty {
                        redirect.headers.append(
                            HTTPField(
                                name: .setCookie,
                                value: "\(Authenticator.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"))
                    }
                    return secured(redirect, request)
                }
                context.principal = principal
                if request.method != .get, request.method != .head {
                    let form = try await PageForm.body(&request)
                    guard AccessPolicy.csrfSatisfied(principal, header: form.values["csrf"]) else {
                        throw APIError(.forbidden, code: "csrf", "the form carries no valid CSRF token")
                    }
                }
            }
            response = try await next(request, context)
        } catch {
            response = pages.errorPage(error, request, principal: context.principal, language: language)
        }
        if let asked = PageForm.query(request)["lang"], PageLanguage(rawValue: asked) != nil {
            response.headers.append(
                HTTPField(
                    name: .setCookie,
                    value: pages.cookie(
                        PageServer.languageCookie, asked, maxAge: 365 * 86400, sameSite: "Lax", httpOnly: true,
                        request: request)))
        }
        return secured(response, request)
    }

    private func secured(_ response: Response, _ request: Request) -> Response {
        var response = response
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.policy
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
