import AuditModel
@_spi(Benchmark) import AuditReports
import AuditStore
import Foundation

/// Times the three writers over a synthetic run, for `mallaudit-testkit bench-report` and `benchmarks/reports.sh`.
/// Speed is measured on demand, never asserted by a test; the tests use only the synthetic report.
public enum ReportBenchmark {
    /// One writer's timing.
    public struct Timing: Sendable {
        public var writer: String
        public var seconds: Double
        public var bytes: Int
        /// CPU time over all threads, in seconds.
        public var cpuSeconds: Double = 0
        /// A part of another timing (the XML write without validation), not counted in the total.
        public var isBreakdown = false
    }

    /// A checklist of `count` statements (chapters 5–8, ten statements per clause, every modality) and one result per
    /// statement cycling through every verdict, with measurements, observations, evidence and N/A decisions.
    public static func syntheticReport(results count: Int) -> AuditReport {
        let count = max(1, count)
        let perClause = 10
        let clauseCount = (count + perClause - 1) / perClause
        let modalities: [Modality] = [
            .shall, .shall, .shall, .shallNot, .should, .should, .may, .shall, .should, .shall,
        ]
        let verdicts: [Verdict] = [
            .pass, .pass, .pass, .fail, .pass, .error, .pass, .notAssessed, .notApplicable, .pass,
        ]
        let threshold = Threshold(quantity: "satisfaction", comparison: .greaterThanOrEqual, value: 85, unit: "%")
        let digest = String(repeating: "ab", count: 32)
        var chapters: [Int: [Clause]] = [:]
        var results: [StatementResult] = []
        var decisions: [NotApplicableDecision] = []
        var made = 0
        for clauseIndex in 0..<clauseCount {
            let chapter = 5 + clauseIndex % 4
            let withinChapter = clauseIndex / 4
            let clauseID = "\(chapter).\(withinChapter / 99 + 1).\(withinChapter % 99 + 1)"
            var statements: [Statement] = []
            for index in 0..<min(perClause, count - made) {
                let id = "\(clauseID)-\(index + 1)"
                let modality = modalities[(made + index) % modalities.count]
                let verdict = verdicts[(made * 7 + index) % verdicts.count]
                statements.append(
                    Statement(
                        id: id, clauseID: clauseID, modality: modality,
                        text: LocalizedText(
                            zh: "商场应提供第 \(index + 1) 项数字化服务", en: "Service \(index + 1) shall be provided."),
                        methods: [.probe, .data], threshold: index % 3 == 0 ? threshold : nil))
                var result = StatementResult(
                    statementID: id, verdict: verdict, source: index % 2 == 0 ? .probe : .data,
                    producer: "probe-\(index)", reason: "synthetic result \(made + index) <&> for \(id)",
                    observations: [Observation(name: "oid.\(index)", value: "value \(made + index)")],
                    evidence: index % 4 == 0
                        ? [EvidenceRef(name: "evidence-\(id).pdf", sha256: digest, size: Int64(1000 + index))] : [],
                    judgedAt: "2026-11-20T09:00:00Z")
                if index % 3 == 0 {
                    result.measurement = Measurement(
                        value: 80 + Double((made + index) % 100) / 10, threshold: threshold, unit: "%", sample: 400)
                }
                if verdict == .notApplicable {
                    let decision = NotApplicableDecision(
                        statementID: id, justification: "不适用：synthetic", decidedBy: "bench")
                    result.source = .decision
                    result.notApplicable = decision
                    decisions.append(decision)
                }
                results.append(result)
            }
            made += statements.count
            chapters[chapter, default: []].append(
                Clause(
                    id: clauseID, chapter: chapter,
                    title: LocalizedText(zh: "条款 \(clauseID)", en: "Clause \(clauseID)"),
                    text: LocalizedText(zh: "合成条文", en: "Synthetic text"), statements: statements))
        }
        let checklist = Checklist(
            version: "bench", standardTitleZH: "商场数字化服务规范", standardTitleEN: "Specification for digital services",
            digest: digest,
            chapters: chapters.keys.sorted().map {
                Chapter(number: $0, title: LocalizedText(zh: "第 \($0) 章", en: "Chapter \($0)"), clauses: chapters[$0]!)
            })
        let run = RunMetadata(
            runID: "bench", mall: MallIdentity(name: "基准测试商场"), assessor: "bench", startedAt: "2026-11-20T09:00:00Z",
            endedAt: "2026-11-20T09:10:00Z", toolVersion: "bench")
        return AuditReport(run: run, checklist: checklist, results: results, decisions: decisions)
    }

    /// Stores the synthetic run of `results` results, completed, in the new audit database at `database` and returns
    /// its id (`benchmarks/reports.sh` then times `mallaudit report` on it). The synthetic evidence digests name no
    /// file and the store keeps only evidence it holds, so every reference becomes one real (imported) file.
    public static func store(results: Int, database: String) throws -> Int64 {
        let report = syntheticReport(results: results)
        let store = try AuditStore(path: database)
        let run = try store.openRun(
            NewRun(
                siteName: report.run.mall.name, siteDigest: nil, checklist: report.checklist, toolVersion: "bench",
                assessor: report.run.assessor))
        let file = URL(fileURLWithPath: database + ".evidence.txt")
        try Data("synthetic evidence\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let evidence = try store.importEvidence(file, name: "evidence.txt", collectedBy: "bench")
        for var result in report.results {
            result.evidence = result.evidence.map { _ in evidence }
            try store.record(result, run: run.id)
        }
        _ = try store.completeRun(run.id)
        return run.id
    }

    /// Writes `report` with each writer `repetitions` times and returns, for each, the best wall-clock and CPU time
    /// and how many bytes it produced (CPU time counts every core, so it is above wall-clock time where a writer
    /// works in parallel; on a shared machine it is the steadier number). When `output` is given, the reports are
    /// saved there (`report.xml`, `report.html`, `report.junit.xml`).
    public static func run(
        _ report: AuditReport, schema: URL = ReportResources.schema(), templates: HTMLTemplates, output: URL? = nil,
        repetitions: Int = 1
    ) throws -> [Timing] {
        var xml = Data()
        var html = ""
        var junit = Data()
        let writers: [(name: String, isBreakdown: Bool, write: () throws -> Int)] = [
            ("xml (write only)", true, { xml = try XMLReportWriter.unvalidatedBytes(report); return xml.count }),
            ("xml (write + validate)", false, { xml = try XMLReportWriter(schema: schema).write(report); return xml.count }),
            ("html", false, { html = try HTMLReportWriter(templates: templates).write(report); return html.utf8.count }),
            ("junit", false, { junit = try JUnitReportWriter().write(report); return junit.count }),
        ]
        var timings: [Timing] = []
        for writer in writers {
            var best = Timing(writer: writer.name, seconds: .infinity, bytes: 0, isBreakdown: writer.isBreakdown)
            best.cpuSeconds = .infinity
            for _ in 0..<max(1, repetitions) {
                let (wall, cpu, bytes) = try timed(writer.write)
                best.seconds = min(best.seconds, wall)
                best.cpuSeconds = min(best.cpuSeconds, cpu)
                best.bytes = bytes
            }
            timings.append(best)
        }
        if let output {
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            try xml.write(to: output.appendingPathComponent("report.xml"))
            try Data(html.utf8).write(to: output.appendingPathComponent("report.html"))
            try junit.write(to: output.appendingPathComponent("report.junit.xml"))
        }
        return timings
    }

    /// Wall-clock and CPU seconds (user + system, all threads) of `body`, and what it returned.
    private static func timed<T>(_ body: () throws -> T) rethrows -> (wall: Double, cpu: Double, value: T) {
        let clock = ContinuousClock()
        let cpuBefore = cpuSeconds()
        let start = clock.now
        let value = try body()
        let elapsed = clock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (wall, cpuSeconds() - cpuBefore, value)
    }

    /// CPU time this process has used so far, in seconds.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// What one benchmark run measured.
    public struct Outcome: Sendable {
        public var results: Int
        public var timings: [Timing]
        /// Peak resident memory of the process in KiB, when the system reports it.
        public var peakResidentKiB: Int?

        /// The outcome as lines for people (`xml (write + validate): 182 ms, 9718214 bytes`).
        public var lines: [String] {
            var lines = ["results: \(results)"]
            for timing in timings {
                lines.append(
                    "\(timing.writer): \(Int((timing.seconds * 1000).rounded())) ms"
                        + " (CPU \(Int((timing.cpuSeconds * 1000).rounded())) ms), \(timing.bytes) bytes")
            }
            let total = timings.filter { !$0.isBreakdown }.map(\.seconds).reduce(0, +)
            lines.append("total of the three writers: \(Int((total * 1000).rounded())) ms")
            if let peakResidentKiB { lines.append("peak resident memory: \(peakResidentKiB / 1024) MiB") }
            return lines
        }
    }

    /// Builds a synthetic run of `results` results and times the three writers over it (templates from
    /// `templates`, schema from `schema`); saves the reports in `output` when given.
    public static func measure(
        results: Int, templates: URL = ReportResources.templates(), schema: URL = ReportResources.schema(),
        output: URL? = nil, repetitions: Int = 1
    ) throws -> Outcome {
        let report = syntheticReport(results: results)
        let timings = try run(
            report, schema: schema, templates: try HTMLTemplates(directory: templates), output: output,
            repetitions: repetitions)
        return Outcome(results: report.results.count, timings: timings, peakResidentKiB: peakResidentKiB())
    }

    /// Peak resident memory of this process in KiB (`VmHWM` from /proc/self/status), when the system reports it.
    public static func peakResidentKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
        }
        return nil
    }
}
