import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The pages themselves: each reads through `PageQueries` with the account's scope and renders one template.
extension PageServer {
    private func principal(_ context: ServerContext) throws -> Principal { try context.requirePrincipal() }

    private func scope(_ context: ServerContext) throws -> RunScope { AccessPolicy.scope(of: try principal(context)) }

    private func labels(_ language: PageLanguage) -> [String: String] { PageLabels.table(language) }

    private static let verdictOrder = ["conformant", "nonConformant", "incomplete", "none"]
    private static let statementVerdicts = ["pass", "fail", "error", "notApplicable", "notAssessed"]

    private func verdictLabel(_ conformance: String?, _ language: PageLanguage) -> String {
        labels(language)["verdict.\(conformance ?? "none")"] ?? (conformance ?? "")
    }

    private func statementVerdict(_ verdict: String, _ language: PageLanguage) -> [String: Any] {
        ["cls": "v-\(verdict)", "label": labels(language)["v.\(verdict)"] ?? verdict]
    }

    private func modality(_ modality: String, _ language: PageLanguage) -> [String: Any] {
        ["cls": "m-\(modality)", "label": labels(language)["m.\(modality)"] ?? modality]
    }

    /// A unit as people read it in `language` (`days` → `天`); others as recorded.
    static func unit(_ unit: String?, _ language: PageLanguage) -> String {
        guard let unit else { return "" }
        guard language == .zh else { return unit }
        return ["day": "天", "days": "天", "hour": "小时", "hours": "小时", "minute": "分钟", "minutes": "分钟",
                "second": "秒", "seconds": "秒", "percent": "%"][unit] ?? unit
    }

    private func measured(_ measured: PageQueries.Measured?, _ language: PageLanguage) -> [String: Any]? {
        guard let measured else { return nil }
        return [
            "value": PageFormat.number(measured.value), "unit": Self.unit(measured.unit, language),
            "threshold": measured.threshold ?? "", "sample": measured.sample.map(String.init) ?? "",
            "margin": measured.margin.map { PageFormat.number($0) } ?? "",
        ]
    }

    private func requireRunID(_ text: String?) throws -> Int64 {
        guard let text, let id = Int64(text), id > 0 else { throw APIError.notFound("run") }
        return id
    }

    private func badRequest(_ message: String) -> APIError { APIError.badRequest(message) }

    // MARK: overview

    /// Malls per page of the overview's table.
    static let overviewPageSize = 50
    /// Failing malls per page of a statement on a clause page.
    static let failingPageSize = 50

    /// A `page` query value: a whole number from 1 (absent is 1); anything else is a bad request.
    static func pageNumber(_ text: String?) throws -> Int {
        guard let text else { return 1 }
        guard text.utf8.count <= 9, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let page = Int(text), page >= 1
        else { throw APIError.badRequest("page '\(text)' is not a page number (1, 2, 3, …)") }
        return page
    }

    /// Page links around `current` of `count` pages: the first, the last, two either side, gaps between.
    func pager(current: Int, count: Int, language: PageLanguage, href: (Int) -> String) -> [String: Any] {
        let labels = labels(language)
        var numbers: [Int] = []
        for page in [1, count] + Array(max(1, current - 2)...max(1, min(count, current + 2)))
        where page >= 1 && page <= count && !numbers.contains(page) {
            numbers.append(page)
        }
        numbers.sort()
        var links: [[String: Any]] = []
        for (index, page) in numbers.enumerated() {
            if index > 0, page - numbers[index - 1] > 1 { links.append(["gap": true]) }
            links.append(["label": String(page), "href": href(page), "current": page == current])
        }
        var pager: [String: Any] = ["pages": links, "many": count > 1]
        if current > 1 { pager["prev"] = ["href": href(min(current - 1, count)), "label": labels["page.prev"] ?? ""] }
        if current < count { pager["next"] = ["href": href(current + 1), "label": labels["page.next"] ?? ""] }
        return pager
    }

    func overview(_ request: Request, _ context: ServerContext) async throws -> Response {
        let language = language(of: request)
        let labels = labels(language)
        let principal = try principal(context)
        let scope = AccessPolicy.scope(of: principal)
        let query = PageForm.query(request)
        let district = query["district"]
        let verdict = query["verdict"]
        let evaluator = query["evaluator"]
        let age = query["age"]
        let sort = query["sort"] ?? "district"
        let order = query["order"] ?? "asc"
        if let verdict, !Self.verdictOrder.contains(verdict) {
            throw badRequest("verdict '\(verdict)' is not conformant, nonConformant, incomplete or none")
        }
        if let age, !["30", "90", "365", "older", "never"].contains(age) {
            throw badRequest("age '\(age)' is not 30, 90, 365, older or never")
        }
        guard PageQueries.overviewSortKeys.contains(sort) else {
            throw badRequest("sort '\(sort)' is not one of \(PageQueries.overviewSortKeys.joined(separator: ", "))")
        }
        guard order == "asc" || order == "desc" else { throw badRequest("order '\(order)' is not asc or desc") }
        let pageNumber = try Self.pageNumber(query["page"])
        let today = clock.day()
        let filter = PageQueries.OverviewFilter(
            district: district, verdict: verdict, evaluator: evaluator, age: age, sort: sort,
            descending: order == "desc", today: PageFormat.date(day: today))

        // Filtering, sorting and paging in SQL; the summary, the chart by district and the filter choices from one
        // aggregate over every visible mall (the page shows 50 of them).
        let size = Self.overviewPageSize
        async let fetchedPage = queries.overviewPage(
            scope: scope, filter: filter, limit: size, offset: (pageNumber - 1) * size)
        async let fetchedTally = queries.overviewTally(scope: scope, filter: filter)
        async let fetchedOverdue = queries.rectifications(scope: scope, mallID: nil, filter: "overdue")
        async let fetchedMonths = queries.conformanceByMonth(scope: scope, district: district)
        let tallies = try await fetchedTally
        let rows = try await fetchedPage
        let noDistrict = language == .zh ? "（未分区）" : "(no district)"
        let matching = tallies.filter(\.matches)
        let count = matching.reduce(0) { $0 + $1.malls }
        let total = tallies.reduce(0) { $0 + $1.malls }
        var tally: [String: Int] = [:]
        var byDistrict: [String: [String: Int]] = [:]
        for bucket in matching {
            tally[bucket.conformance, default: 0] += bucket.malls
            byDistrict[bucket.district ?? noDistrict, default: [:]][bucket.conformance, default: 0] += bucket.malls
        }
        let pageCount = max(1, (count + size - 1) / size)

        // Filter choices come from what the account may see.
        let districts = Set(tallies.compactMap(\.district)).sorted()
        let filers = Set(tallies.compactMap(\.filer)).sorted()
        func options(_ values: [(String, String)], selected: String?) -> [[String: Any]] {
            [["value": "", "label": labels["filter.all"] ?? "", "selected": selected == nil]]
                + values.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == selected] }
        }
        var baseQuery = query.values.filter { ["district", "verdict", "evaluator", "age", "lang"].contains($0.key) }
        baseQuery = baseQuery.filter { !$0.value.isEmpty }
        /// The overview's address with every filter, the sort and the page (page 1 left out).
        func href(sort newSort: String, order newOrder: String, page: Int = 1) -> String {
            var values = baseQuery
            values["sort"] = newSort
            values["order"] = newOrder
            if page > 1 { values["page"] = String(page) }
            return "/overview?" + values.sorted { $0.key < $1.key }
                .map { "\($0.key)=\(PageFormat.query($0.value))" }.joined(separator: "&")
        }
        let headers = [
            ("name", "col.mall"), ("district", "col.district"), ("verdict", "col.verdict"), ("date", "col.date"),
            ("shallFailures", "col.shallFailures"), ("shouldAdoption", "col.shouldAdoption"), ("open", "col.open"),
            ("overdue", "col.overdue"),
        ].map { column, label -> [String: Any] in
            let current = column == sort
            let nextOrder = current && order == "asc" ? "desc" : "asc"
            return [
                "label": labels[label] ?? label, "href": href(sort: column, order: nextOrder),
                "arrow": current ? (order == "asc" ? "▲" : "▼") : "", "numeric": ["shallFailures", "shouldAdoption", "open", "overdue"].contains(column),
            ]
        }

        let rowContexts = rows.map { mall -> [String: Any] in
            let conformance = mall.latest?.conformance ?? "none"
            var row: [String: Any] = [
                "href": "/malls/\(mall.creditCode)", "name": mall.name, "code": mall.creditCode,
                "district": mall.district ?? "", "verdictClass": conformance,
                "verdictLabel": verdictLabel(mall.latest?.conformance, language),
                "open": mall.openRectifications, "overdue": mall.overdueRectifications,
                "hasOverdue": mall.overdueRectifications > 0,
            ]
            if let latest = mall.latest {
                row["date"] = latest.judgementDate
                row["age"] = PageFormat.day(latest.judgementDate)
                    .map { language == .zh ? "\(today - $0) 天前" : "\(today - $0) days ago" } ?? ""
                row["by"] = latest.filerDisplayName.isEmpty ? latest.filer : latest.filerDisplayName
                row["byAccount"] = latest.filer
                row["byRole"] = labels["role.\(latest.filerRole)"] ?? latest.filerRole
                row["selfAudit"] = latest.selfAudit
                row["shallFailures"] = String(latest.shallFailures)
                row["shouldAdoption"] = PageFormat.percent(latest.shouldAdoption)
                row["runHref"] = "/runs/\(latest.id)"
            }
            return row
        }
        func segments(_ counts: [String: Int]) -> [PageCharts.Segment] {
            Self.verdictOrder.map {
                PageCharts.Segment(cls: $0, label: verdictLabel($0 == "none" ? nil : $0, language), count: counts[$0] ?? 0)
            }
        }
        let districtChart = PageCharts.stackedBars(
            rows: byDistrict.keys.sorted().map { ($0, segments(byDistrict[$0] ?? [:])) },
            noData: labels["chart.noData"] ?? "")
        var monthly: [String: [String: Int]] = [:]
        for entry in try await fetchedMonths { monthly[entry.month, default: [:]][entry.conformance] = entry.malls }
        let timeChart = PageCharts.stackedColumns(
            columns: monthly.keys.sorted().map { (String($0.dropFirst(2)), segments(monthly[$0] ?? [:])) },
            noData: labels["chart.noData"] ?? "")
        let overdue = try await fetchedOverdue
        let shownOverdue = overdue.prefix(200).map { rectificationContext($0, language: language) }

        var paging = pager(
            current: pageNumber, count: pageCount, language: language) { href(sort: sort, order: order, page: $0) }
        if rows.isEmpty && pageNumber > 1 {
            // A page past the end (an old link after the malls changed): say so and point at the last page.
            paging["beyond"] = PageLabels.format(
                "page.beyond", language, String(pageNumber), PageFormat.count(pageCount))
            paging["lastHref"] = href(sort: sort, order: order, page: pageCount)
        } else if count > 0 {
            let first = (pageNumber - 1) * size + 1
            paging["showing"] = PageLabels.format(
                "overview.showing", language, PageFormat.count(first), PageFormat.count(first + rows.count - 1),
                PageFormat.count(count))
        }
        let legend = Self.verdictOrder.map { ["cls": $0, "label": verdictLabel($0 == "none" ? nil : $0, language)] }
        return page(
            "overview", request, principal: principal, language: language, title: labels["overview.title"] ?? "",
            section: "overview",
            [
                "rows": rowContexts, "headers": headers, "count": PageFormat.count(count),
                "total": PageFormat.count(total), "filtered": count != total, "pager": paging,
                "summary": Self.verdictOrder.map {
                    ["cls": $0, "label": verdictLabel($0 == "none" ? nil : $0, language), "count": tally[$0] ?? 0]
                },
                "districts": options(districts.map { ($0, $0) }, selected: district),
                "verdicts": options(
                    Self.verdictOrder.map { ($0, verdictLabel($0 == "none" ? nil : $0, language)) }, selected: verdict),
                "evaluators": options(filers.map { ($0, $0) }, selected: evaluator),
                "ages": options(
                    ["30", "90", "365", "older", "never"].map { ($0, labels["age.\($0)"] ?? $0) }, selected: age),
                "sort": sort, "order": order, "districtChart": districtChart, "timeChart": timeChart,
                "legend": legend, "overdue": shownOverdue, "overdueCount": overdue.count,
                "overdueMore": overdue.count > shownOverdue.count, "hasOverdue": !overdue.isEmpty,
            ])
    }

    // MARK: rectifications

    func rectificationContext(_ item: PageQueries.RectificationRow, language: PageLanguage) -> [String: Any] {
        let labels = labels(language)
        var context: [String: Any] = [
            "id": String(item.id), "mallHref": "/malls/\(item.mallCode)", "mallName": item.mallName,
            "mallCode": item.mallCode, "district": item.district ?? "", "statement": item.statementID,
            "due": item.dueDate, "overdue": item.overdue, "days": String(item.daysOverdue),
            "open": item.state == "open",
            "state": item.overdue ? labels["rect.overdue"] ?? "" : labels["rect.\(item.state)"] ?? item.state,
            "stateClass": item.overdue ? "overdue" : item.state,
            "openedHref": "/runs/\(item.openedRunID)", "openedDate": item.openedRunDate, "setBy": item.dueSetBy,
            "setAt": clock.time(item.dueSetAt),
            "confirmAction": "/rectifications/\(item.id)/confirm",
        ]
        if let run = item.progressRunID, let date = item.progressDate {
            context["progress"] = PageLabels.format(
                "rect.progress", language, date, labels["v.\(item.progressVerdict ?? "")"] ?? (item.progressVerdict ?? ""))
            context["progressHref"] = "/runs/\(run)"
        }
        if let reason = item.closeReason {
            var closed: [String: Any] = [
                "at": clock.time(item.closedAt), "reason": labels["rect.\(reason)"] ?? reason,
            ]
            // Optional parts only when present: a Mustache section on a string shows even when it is empty.
            if let by = item.closedBy { closed["by"] = by }
            if let note = item.closeNote, !note.isEmpty { closed["note"] = note }
            if let run = item.closedByRun { closed["runHref"] = "/runs/\(run)" }
            context["closed"] = closed
        }
        return context
    }

    private func rectificationFilter(_ request: Request) throws -> String {
        let state = PageForm.query(request)["state"] ?? "open"
        guard ["open", "closed", "overdue", "all"].contains(state) else {
            throw badRequest("state '\(state)' is not open, closed, overdue or all")
        }
        return state
    }

    func rectifications(_ request: Request, _ context: ServerContext) async throws -> Response {
        let language = language(of: request)
        let labels = labels(language)
        let state = try rectificationFilter(request)
        let items = try await queries.rectifications(
            scope: try scope(context), mallID: nil, filter: state == "all" ? nil : state)
        let tabs = ["open", "overdue", "closed", "all"].map { key -> [String: Any] in
            ["href": "/rectifications?state=\(key)", "label": labels["rect.\(key)"] ?? key, "current": key == state]
        }
        return page(
            "rectifications", request, principal: try principal(context), language: language,
            title: labels["rect.title"] ?? "", section: "rectifications",
            [
                "items": items.map { rectificationContext($0, language: language) }, "tabs": tabs,
                "csvHref": "/rectifications.csv?state=\(state)", "empty": items.isEmpty,
            ])
    }

    func rectificationsCSV(_ request: Request, _ context: ServerContext) async throws -> Response {
        let principal = try principal(context)
        let state = try rectificationFilter(request)
        let items = try await queries.rectifications(
            scope: AccessPolicy.scope(of: principal), mallID: nil, filter: state == "all" ? nil : state)
        let header = [
            "id", "credit_code", "mall", "district", "statement", "state", "due_date", "overdue", "days_overdue",
            "opened_by_run", "opened_run_date", "due_set_by", "due_set_at", "progress_run", "progress_verdict",
            "closed_at", "close_reason", "closed_by", "close_note",
        ]
        let rows = items.map { item in
            [
                String(item.id), item.mallCode, item.mallName, item.district ?? "", item.statementID, item.state,
                item.dueDate, item.overdue ? "yes" : "no", String(item.daysOverdue), String(item.openedRunID),
                item.openedRunDate, item.dueSetBy, clock.time(item.dueSetAt),
                item.progressRunID.map(String.init) ?? "", item.progressVerdict ?? "",
                clock.time(item.closedAt), item.closeReason ?? "", item.closedBy ?? "", item.closeNote ?? "",
            ]
        }
        let today = PageFormat.date(day: clock.day())
        try await api.database.record(
            AccessEvent(
                "export", principal: principal, target: "rectifications.csv", client: context.client,
                detail: "state=\(state) rows=\(items.count)"))
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"rectifications-\(state)-\(today).csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: PageCSV.document(header: header, rows: rows))))
    }

    // MARK: clauses

    func clauses(_ request: Request, _ context: ServerContext) async throws -> Response {
        let language = language(of: request)
        let labels = labels(language)
        let counts = try await queries.clauseCounts(scope: try scope(context))
            .sorted { PageFormat.naturalLess($0.clause, $1.clause) }
        let rows = counts.map { entry -> [String: Any] in
            [
                "href": "/clauses/\(PageFormat.segment(entry.clause))", "clause": entry.clause,
                "malls": entry.malls, "failing": entry.failing, "hasFailing": entry.failing > 0,
                "bar": countsBar(entry.counts, language: language),
            ]
        }
        return page(
            "clauses", request, principal: try principal(context), language: language,
            title: labels["clauses.title"] ?? "", section: "clauses", ["rows": rows, "empty": rows.isEmpty])
    }

    /// A 100 % bar of verdict counts (SVG geometry) with the numbers.
    private func countsBar(_ counts: PageQueries.Counts, language: PageLanguage) -> [String: Any] {
        let total = max(counts.total, 1)
        var x = 0.0
        var segments: [[String: Any]] = []
        let values = [
            ("pass", counts.pass), ("fail", counts.fail), ("error", counts.error),
            ("notApplicable", counts.notApplicable), ("notAssessed", counts.notAssessed),
        ]
        for (verdict, count) in values where count > 0 {
            let width = 200.0 * Double(count) / Double(total)
            segments.append([
                "x": PageCharts.n(x), "width": PageCharts.n(width), "cls": "v-\(verdict)",
                "title": "\(labels(language)["v.\(verdict)"] ?? verdict): \(count)",
            ])
            x += width
        }
        return [
            "segments": segments,
            "numbers": values.map { ["cls": "v-\($0.0)", "count": $0.1, "zero": $0.1 == 0] },
        ]
    }

    /// Which way a threshold's text points: 1 when higher values pass (`≥ 180`), -1 when lower ones do (`≤ 3`),
    /// 0 when the text does not say.
    static func direction(_ threshold: String?) -> Double {
        switch PageCharts.threshold(threshold)?.comparison {
        case "≥", ">=", ">": 1
        case "≤", "<=", "<": -1
        default: 0
        }
    }

    func clause(_ request: Request, _ context: ServerContext) async throws -> Response {
        let language = language(of: request)
        let labels = labels(language)
        let scope = try scope(context)
        let clauseID = PageFormat.decoded(try context.parameters.require("clauseId"))
        let query = PageForm.query(request)
        let pageNumber = try Self.pageNumber(query["page"])
        // Everything is counted in SQL: verdicts per statement and checkpoint, the measured values' summary, then
        // their buckets and one page of the failing malls, worst first.
        async let fetchedSummaries = queries.measuredSummaries(clause: clauseID, scope: scope)
        let found = try await queries.clauseStatements(clause: clauseID, scope: scope)
        guard !found.isEmpty else { throw APIError.notFound("clause") }
        let pagedStatement = query["statement"]
        if let pagedStatement, !found.contains(where: { $0.statementID == pagedStatement }) {
            throw APIError.notFound("statement")
        }
        let summaries = Dictionary(try await fetchedSummaries.map { ($0.statementID, $0) }) { first, _ in first }
        var cuts: [String: (origin: Double, width: Double, count: Int, threshold: Double?)] = [:]
        for summary in summaries.values {
            let threshold = PageCharts.threshold(summary.threshold)?.value
            let cut = PageCharts.buckets(minimum: summary.minimum, maximum: summary.maximum, threshold: threshold)
            cuts[summary.statementID] = (cut.origin, cut.width, cut.count, threshold)
        }
        let size = Self.failingPageSize
        let pages = Dictionary(uniqueKeysWithValues: found.map { statement -> (String, Int) in
            (statement.statementID, statement.statementID == pagedStatement ? pageNumber : 1)
        })
        let windows = found.filter { $0.counts.fail > 0 }.map { statement in
            let page = pages[statement.statementID] ?? 1
            return PageQueries.FailingWindow(
                statementID: statement.statementID,
                direction: Self.direction(summaries[statement.statementID]?.threshold),
                first: (page - 1) * size + 1, last: page * size)
        }
        let bucketCuts = cuts.map {
            PageQueries.Buckets(
                statementID: $0.key, origin: $0.value.origin, width: $0.value.width, threshold: $0.value.threshold)
        }
        async let fetchedBuckets = queries.bucketCounts(clause: clauseID, scope: scope, buckets: bucketCuts)
        let failing = Dictionary(
            grouping: try await queries.failingMalls(clause: clauseID, scope: scope, windows: windows),
            by: \.statementID)
        let buckets = Dictionary(grouping: try await fetchedBuckets, by: \.statementID)

        let ordered = found.sorted { PageFormat.naturalLess($0.statementID, $1.statementID) }
        let statements = ordered.map { statement -> [String: Any] in
            let id = statement.statementID
            let anchor = "s-" + PageFormat.segment(id)
            let rows = (failing[id] ?? []).map { entry -> [String: Any] in
                var row: [String: Any] = [
                    "mallHref": "/malls/\(entry.mallCode)", "mallName": entry.mallName, "mallCode": entry.mallCode,
                    "district": entry.district ?? "", "reason": entry.reason, "runHref": "/runs/\(entry.runID)",
                    "date": entry.judgementDate,
                    "checkpoints": entry.checkpoints.map {
                        ["id": $0.id, "verdict": statementVerdict($0.verdict, language)]
                    },
                ]
                if let measured = measured(entry.measured, language) { row["measured"] = measured }
                return row
            }
            var context: [String: Any] = [
                "id": id, "anchor": anchor, "modality": modality(statement.modality, language),
                "heading": PageLabels.format("clause.statement", language, id),
                "bar": countsBar(statement.counts, language: language), "malls": statement.counts.total,
                "failing": rows, "hasFailing": statement.counts.fail > 0, "hasFailingRows": !rows.isEmpty,
                "failCount": statement.counts.fail,
                "checkpoints": statement.checkpoints.keys.sorted(by: PageFormat.naturalLess).map {
                    ["id": $0, "bar": countsBar(statement.checkpoints[$0] ?? .init(), language: language)] as [String: Any]
                },
            ]
            context["hasCheckpoints"] = !statement.checkpoints.isEmpty
            if statement.counts.fail > 0 {
                let page = pages[id] ?? 1
                let pageCount = max(1, (statement.counts.fail + size - 1) / size)
                var paging = pager(
                    current: page, count: pageCount, language: language,
                    href: { "/clauses/\(PageFormat.segment(clauseID))?statement=\(PageFormat.query(id))"
                        + ($0 > 1 ? "&page=\($0)" : "") + "#\(anchor)" })
                if rows.isEmpty {
                    paging["beyond"] = PageLabels.format(
                        "page.beyond", language, String(page), PageFormat.count(pageCount))
                    paging["lastHref"] = "/clauses/\(PageFormat.segment(clauseID))?statement=\(PageFormat.query(id))"
                        + "&page=\(pageCount)#\(anchor)"
                } else {
                    let first = (page - 1) * size + 1
                    paging["showing"] = PageLabels.format(
                        "clause.showing", language, PageFormat.count(first), PageFormat.count(first + rows.count - 1),
                        PageFormat.count(statement.counts.fail))
                }
                context["pager"] = paging
                if summaries[id] != nil { context["worstFirst"] = Self.direction(summaries[id]?.threshold) != 0 }
            }
            if let summary = summaries[id], let cut = cuts[id] {
                let unit = Self.unit(summary.unit, language)
                var perBucket = Array(repeating: [String: Int](), count: cut.count)
                var sides: [Int: Int] = [:]
                for entry in buckets[id] ?? [] {
                    let index = min(max(entry.bucket, 0), cut.count - 1)
                    perBucket[index][entry.verdict, default: 0] += entry.malls
                    if let side = entry.side { sides[side, default: 0] += entry.malls }
                }
                let histogram = perBucket.enumerated().map { index, counts in
                    PageCharts.Bucket(
                        lower: cut.origin + Double(index) * cut.width, upper: cut.origin + Double(index + 1) * cut.width,
                        segments: Self.statementVerdicts.map {
                            PageCharts.Segment(cls: "v-\($0)", label: labels["v.\($0)"] ?? $0, count: counts[$0] ?? 0)
                        })
                }
                context["distribution"] = PageCharts.histogram(
                    buckets: histogram, threshold: cut.threshold, thresholdLabel: labels["chart.threshold"] ?? "",
                    unit: unit)
                context["thresholdText"] = summary.threshold ?? ""
                context["valueCount"] = summary.count
                var figures: [[String: String]] = [
                    ["label": labels["stat.min"] ?? "", "value": "\(PageFormat.number(summary.minimum)) \(unit)"],
                    ["label": labels["stat.median"] ?? "", "value": "\(PageFormat.number(summary.median)) \(unit)"],
                    ["label": labels["stat.max"] ?? "", "value": "\(PageFormat.number(summary.maximum)) \(unit)"],
                ]
                if cut.threshold != nil {
                    figures += [
                        ["label": labels["stat.below"] ?? "", "value": String(sides[-1] ?? 0), "key": "below"],
                        ["label": labels["stat.at"] ?? "", "value": String(sides[0] ?? 0), "key": "at"],
                        ["label": labels["stat.above"] ?? "", "value": String(sides[1] ?? 0), "key": "above"],
                    ]
                }
                context["figures"] = figures
                if summary.thresholds > 1 {
                    context["thresholdsVary"] = PageLabels.format(
                        "clause.thresholdsVary", language, String(summary.thresholds), summary.threshold ?? "")
                }
                context["buckets"] = histogram.compactMap { bucket -> [String: Any]? in
                    let total = bucket.segments.reduce(0) { $0 + $1.count }
                    guard total > 0 else { return nil }
                    return [
                        "range": "\(PageCharts.tickLabel(bucket.lower)) – \(PageCharts.tickLabel(bucket.upper))",
                        "unit": unit, "malls": total,
                        "numbers": bucket.segments.map { ["cls": $0.cls, "count": $0.count, "zero": $0.count == 0] },
                    ]
                }
            }
            return context
        }
        return page(
            "clause", request, principal: try principal(context), language: language,
            title: PageLabels.format("clause.title", language, clauseID), section: "clauses",
            [
                "clause": clauseID, "statements": statements,
                "heading": PageLabels.format("clause.title", language, clauseID),
            ])
    }

    // MARK: a mall

    private func visibleMall(_ context: ServerContext) async throws -> PageQueries.MallRow {
        let code = PageFormat.decoded(try context.parameters.require("creditCode"))
        guard let mall = try await queries.mall(creditCode: code, scope: try scope(context)) else {
            throw APIError.notFound("mall")
        }
        return mall
    }

    private func runContext(_ run: PageQueries.RunRow, language: PageLanguage) -> [String: Any] {
        let labels = labels(language)
        return [
            "id": String(run.id), "href": "/runs/\(run.id)", "ref": run.runRef, "date": run.judgementDate,
            "verdictClass": run.conformance, "verdictLabel": verdictLabel(run.conformance, language),
            "pass": run.pass, "fail": run.fail, "error": run.error, "notApplicable": run.notApplicable,
            "notAssessed": run.notAssessed, "shallFailures": run.shallFailures,
            "shouldAdoption": PageFormat.percent(run.shouldAdoption), "selfAudit": run.selfAudit,
            "by": run.filerDisplayName.isEmpty ? run.filer : run.filerDisplayName, "byAccount": run.filer,
            "byRole": labels["role.\(run.filerRole)"] ?? run.filerRole, "received": clock.time(run.receivedAt),
            "declaredName": run.declaredName, "toolVersion": run.toolVersion,
        ]
    }

    private func signatureContext(_ signature: PageQueries.SignatureRow, language: PageLanguage) -> [String: Any] {
        [
            "role": labels(language)["role.\(signature.role)"] ?? signature.role, "signer": signature.signer ?? "",
            "account": signature.account, "algorithm": signature.algorithm, "fingerprint": signature.fingerprint,
            "shortFingerprint": String(signature.fingerprint.suffix(16)), "signedAt": clock.time(signature.signedAt),
            "receivedAt": clock.time(signature.receivedAt), "bundle": String(signature.bundleSHA256.prefix(12)),
        ]
    }

    /// The report members a run's bundles carry: for each name, the newest bundle that has it.
    private func reportLinks(runID: Int64, bundles: [PageQueries.BundleRow], language: PageLanguage) -> [[String: Any]] {
        var seen: Set<String> = []
        var links: [[String: Any]] = []
        for bundle in bundles {
            for name in BundleReportMembers.names(inBundleAt: api.store.url(for: bundle.sha256))
            where seen.insert(name).inserted {
                links.append(["name": name, "href": "/runs/\(runID)/reports/\(name)"])
            }
        }
        return links
    }

    func mall(_ request: Request, _ context: ServerContext) async throws -> Response {
        let language = language(of: request)
        let labels = labels(language)
        let principal = try principal(context)
        let scope = AccessPolicy.scope(of: principal)
        let mall = try await visibleMall(context)
        async let fetchedRuns = queries.runs(mallID: mall.id, scope: scope)
        async let fetchedItems = queries.rectifications(scope: scope, mallID: mall.id, filter: nil)
        let runs = try await fetchedRuns
        let items = try await fetchedItems
        let signatures = try await queries.signatures(runIDs: runs.map(\.id))
        var signaturesByRun: [Int64: [[String: Any]]] = [:]
        for signature in signatures {
            signaturesByRun[signature.runID, default: []].append(signatureContext(signature, language: language))
        }
        var content: [String: Any] = [
            "mall": [
                "name": mall.name, "code": mall.creditCode, "district": mall.district ?? "",
                "verdictClass": mall.latest?.conformance ?? "none",
                "verdictLabel": verdictLabel(mall.latest?.conformance, language),
            ],
            "runs": runs.map { run -> [String: Any] in
                var context = runContext(run, language: language)
                context["signatures"] = signaturesByRun[run.id] ?? []
                return context
            },
            "hasRuns": !runs.isEmpty, "hasDiff": runs.count >= 2,
            "items": items.map { rectificationContext($0, language: language) }, "hasItems": !items.isEmpty,
            "diffAction": "/malls/\(mall.creditCode)/diff",
        ]
        if let latest = runs.first {
            content["latest"] = runContext(latest, language: language)
            let statements = try await queries.statements(runID: latest.id)
            let failing = statements.filter { ["fail", "error", "notAssessed"].contains($0.verdict) }
            content["failing"] = failing.map { statement -> [String: Any] in
                var row: [String: Any] = [
                    "id": statement.statementID, "clause": statement.clauseID,
                    "clauseHref": "/clauses/\(PageFormat.segment(statement.clauseID))#s-\(PageFormat.segment(statement.statementID))",
                    "modality": modality(statement.modality, language),
                    "verdict": statementVerdict(statement.verdict, language), "reason": statement.reason,
                ]
                if let measured = measured(statement.measured, language) { row["measured"] = measured }
                return row
            }
            content["hasFailing"] = !failing.isEmpty
            let bundles = try await queries.bundles(runID: latest.id)
            let reports = reportLinks(runID: latest.id, bundles: bundles, language: language)
            content["reports"] = reports
            content["hasReports"] = !reports.isEmpty
            let open = Set(items.filter { $0.state == "open" }.map(\.statementID))
            // The statements a due date may be set on: the latest run's failed requirements.
            if AccessPolicy.decide(.manageRectifications, for: principal) == .allowed {
                let choices = statements.filter {
                    $0.verdict == "fail" && ($0.modality == "shall" || $0.modality == "shallNot")
                }.map { statement -> [String: Any] in
                    ["id": statement.statementID, "hasItem": open.contains(statement.statementID)]
                }
                content["manage"] = [
                    "action": "/malls/\(mall.creditCode)/rectifications", "choices": choices,
                    "hasChoices": !choices.isEmpty, "runId": String(latest.id), "minDate": latest.judgementDate,
                ]
                content["canConfirm"] = true
            }
            let ordered = runs.reversed()
            content["trend"] = PageCharts.trend(
                runs: ordered.map { run in
                    (
                        String(run.judgementDate.dropFirst(2)), run.shallFailures, run.conformance,
                        "\(run.judgementDate) \(run.runRef): \(verdictLabel(run.conformance, language)), "
                            + "\(labels["col.shallFailures"] ?? "") \(run.shallFailures)"
                    )
                })
            let choices = runs.map { run -> [String: Any] in
                ["id": String(run.id), "label": "\(run.judgementDate) · \(run.runRef) · \(verdictLabel(run.conformance, language))"]
            }
            content["fromChoices"] = choices.enumerated().map { index, choice in
                choice.merging(["selected": index == 1]) { $1 }
            }
            content["toChoices"] = choices.enumerated().map { index, choice in
                choice.merging(["selected": index == 0]) { $1 }
            }
        }
        content["legend"] = Self.verdictOrder.dropLast().map { ["cls": $0, "label": verdictLabel($0, language)] }
        try await api.database.record(
            AccessEvent("view-mall", principal: principal, mallID: mall.id, target: "page", client: context.client))
        return page(
            "mall", request, principal: principal, language: language, title: mall.name, section: "overview", content)
    }

    // MARK: one run, its reports

    func run(_ request: Request, _ context: ServerContext) async throws -> Response {
        let language = language(of: request)
        let labels = labels(language)
        let principal = try principal(context)
        let id = try requireRunID(try? context.parameters.require("runId"))
        guard let found = try await queries.run(id: id, scope: AccessPolicy.scope(of: principal)) else {
            throw APIError.notFound("run")
        }
        async let fetchedStatements = queries.statements(runID: id)
        async let fetchedFindings = queries.findings(runID: id)
        async let fetchedBundles = queries.bundles(runID: id)
        async let fetchedSignatures = queries.signatures(runIDs: [id])
        let mall = try await queries.mall(creditCode: found.creditCode, scope: AccessPolicy.scope(of: principal))
        let statements = try await fetchedStatements
        let bundles = try await fetchedBundles
        let reports = reportLinks(runID: id, bundles: bundles, language: language)
        let content: [String: Any] = [
            "run": runContext(found.run, language: language),
            "mall": [
                "name": mall?.name ?? found.run.declaredName, "code": found.creditCode,
                "href": "/malls/\(found.creditCode)", "district": mall?.district ?? "",
            ],
            "heading": PageLabels.format("run.title", language, found.run.runRef),
            "statements": statements.map { statement -> [String: Any] in
                var row: [String: Any] = [
                    "id": statement.statementID, "clause": statement.clauseID,
                    "clauseHref": "/clauses/\(PageFormat.segment(statement.clauseID))",
                    "modality": modality(statement.modality, language),
                    "verdict": statementVerdict(statement.verdict, language), "reason": statement.reason,
                    "checkpoints": statement.checkpoints.map {
                        ["id": $0.id, "verdict": statementVerdict($0.verdict, language), "reason": $0.reason]
                    },
                    "hasCheckpoints": !statement.checkpoints.isEmpty,
                ]
                if let measured = measured(statement.measured, language) { row["measured"] = measured }
                return row
            },
            "findings": try await fetchedFindings.map { finding -> [String: Any] in
                [
                    "statement": finding.statementID, "checkpoint": finding.checkpointID ?? "",
                    "verdict": statementVerdict(finding.verdict, language), "note": finding.note,
                    "assessor": finding.assessor ?? "", "recordedAt": finding.recordedAt ?? "",
                ]
            },
            "signatures": try await fetchedSignatures.map { signatureContext($0, language: language) },
            "bundles": bundles.map { bundle -> [String: Any] in
                [
                    "sha256": bundle.sha256, "size": String(bundle.size), "uploadedBy": bundle.uploadedBy,
                    "receivedAt": clock.time(bundle.receivedAt), "href": "/api/v1/bundles/\(bundle.sha256)",
                ]
            },
            "reports": reports, "hasReports": !reports.isEmpty,
        ]
        try await api.database.record(
            AccessEvent("view-run", principal: principal, mallID: found.mallID, target: "\(id)", client: context.client))
        return page(
            "run", request, principal: principal, language: language,
            title: PageLabels.format("run.title", language, found.run.runRef) + " · " + (mall?.name ?? ""),
            section: "overview", content.merging(["noReport": labels["mall.noReport"] ?? ""]) { $1 })
    }

    /// A report member of the run's bundle, as filed: HTML in a sandbox (no script, no same-origin access), PDF
    /// inline. 404 when the run is not visible or no bundle of it carries the member.
    func report(_ request: Request, _ context: ServerContext) async throws -> Response {
        let principal = try principal(context)
        let id = try requireRunID(try? context.parameters.require("runId"))
        let name = PageFormat.decoded(try context.parameters.require("name"))
        guard BundleReportMembers.isReportName(name), let mediaType = BundleReportMembers.mediaType(name),
            let found = try await queries.run(id: id, scope: AccessPolicy.scope(of: principal))
        else { throw APIError.notFound("report") }
        for bundle in try await queries.bundles(runID: id) {
            guard BundleReportMembers.isZip(api.store.url(for: bundle.sha256)) else { continue }
            let bytes: Data
            do {
                bytes = try api.store.read(bundle.sha256)
            } catch {
                logger.error("report \(name) of bundle \(bundle.sha256): \(error)")
                continue
            }
            guard let member = BundleReportMembers.member(name, in: bytes) else { continue }
            try await api.database.record(
                AccessEvent(
                    "download", principal: principal, mallID: found.mallID, target: "\(bundle.sha256)/reports/\(name)",
                    client: context.client))
            var headers: HTTPFields = [
                .contentType: mediaType, .cacheControl: "no-store",
                .contentDisposition: "inline; filename=\"\(name)\"",
            ]
            // A filed report is shown as filed, but never with the pages' origin: no script, no forms, no cookies.
            headers[.contentSecurityPolicy] =
                "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: member)))
        }
        throw APIError.notFound("report")
    }

    // MARK: the diff

    func diff(_ request: Request, _ context: ServerContext) async throws -> Response {
        let language = language(of: request)
        let labels = labels(language)
        let principal = try principal(context)
        let scope = AccessPolicy.scope(of: principal)
        let mall = try await visibleMall(context)
        let query = PageForm.query(request)
        var fromID = query["from"].flatMap { Int64($0) }
        var toID = query["to"].flatMap { Int64($0) }
        if fromID == nil || toID == nil {
            let runs = try await queries.runs(mallID: mall.id, scope: scope)
            guard runs.count >= 2 else { throw APIError.notFound("run") }
            fromID = fromID ?? runs[1].id
            toID = toID ?? runs[0].id
        }
        guard let fromID, let toID,
            let before = try await api.reads.runForDiff(runID: fromID, scope: scope),
            let after = try await api.reads.runForDiff(runID: toID, scope: scope),
            before.mallID == mall.id, after.mallID == mall.id,
            let beforeRun = try await queries.run(id: fromID, scope: scope),
            let afterRun = try await queries.run(id: toID, scope: scope)
        else { throw APIError.notFound("run") }
        let changes = RunChanges(before: before.rows, after: after.rows)
        func entries(_ list: [RunChanges.Entry]) -> [[String: Any]] {
            list.map { entry in
                var row: [String: Any] = [
                    "id": entry.statementId, "clause": entry.clauseId,
                    "clauseHref": "/clauses/\(PageFormat.segment(entry.clauseId))",
                    "modality": modality(entry.modality, language),
                    "reasonBefore": entry.reasonBefore ?? "", "reasonAfter": entry.reasonAfter ?? "",
                    "was": false, "now": false,
                ]
                if let before = entry.before { row["was"] = statementVerdict(before, language) }
                if let after = entry.after { row["now"] = statementVerdict(after, language) }
                return row
            }
        }
        let sections = [
            ("fixed", changes.fixed), ("newlyFailing", changes.newlyFailing), ("stillOpen", changes.stillOpen),
            ("gainedCheckpoints", changes.gainedCheckpoints), ("otherChanges", changes.otherChanges),
        ].map { key, list -> [String: Any] in
            [
                "key": key, "title": labels["diff.\(key)"] ?? key, "entries": entries(list), "count": list.count,
                "empty": list.isEmpty,
            ]
        }
        try await api.database.record(
            AccessEvent(
                "view-diff", principal: principal, mallID: mall.id, target: "\(fromID)..\(toID)",
                client: context.client))
        return page(
            "diff", request, principal: principal, language: language,
            title: (labels["diff.title"] ?? "") + " · " + mall.name, section: "overview",
            [
                "mall": ["name": mall.name, "code": mall.creditCode, "href": "/malls/\(mall.creditCode)"],
                "before": runContext(beforeRun.run, language: language),
                "after": runContext(afterRun.run, language: language), "sections": sections,
                "unchangedCount": changes.unchanged.count,
            ])
    }

    // MARK: forms

    func setDueDate(_ request: Request, _ context: ServerContext) async throws -> Response {
        var request = request
        let principal = try principal(context)
        if case .refused(let reason) = AccessPolicy.decide(.manageRectifications, for: principal) {
            throw APIError.forbidden(reason)
        }
        let mall = try await visibleMall(context)
        let form = try await PageForm.body(&request)
        guard let statement = form["statementId"] else { throw badRequest("choose a statement") }
        guard let due = form["dueDate"] else { throw badRequest("give a due date (YYYY-MM-DD)") }
        var runID: Int64?
        if let text = form["runId"] {
            guard let value = Int64(text) else { throw badRequest("run '\(text)' is not a run number") }
            runID = value
        }
        _ = try await api.rectificationWrites.setDueDate(
            mallID: mall.id, statementID: statement, dueDate: due, runID: runID, principal: principal,
            client: context.client)
        return seeOther("/malls/\(mall.creditCode)#rectifications")
    }

    func confirm(_ request: Request, _ context: ServerContext) async throws -> Response {
        var request = request
        let principal = try principal(context)
        if case .refused(let reason) = AccessPolicy.decide(.manageRectifications, for: principal) {
            throw APIError.forbidden(reason)
        }
        guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.notFound("rectification") }
        let form = try await PageForm.body(&request)
        try await api.rectificationWrites.confirm(
            id: id, note: form["note"] ?? "", principal: principal, client: context.client)
        let code = try await api.database.primary.query(
            "SELECT m.credit_code FROM rectifications x JOIN malls m ON m.id = x.mall_id WHERE x.id = \(id)",
            logger: logger
        ).collect().first?.decode(String.self)
        return seeOther(code.map { "/malls/\($0)#rectifications" } ?? "/rectifications")
    }
}
