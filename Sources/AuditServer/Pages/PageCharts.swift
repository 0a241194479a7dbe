import Foundation

/// The geometry of the pages' charts, as plain template contexts: the SVG itself is written in the templates
/// (`templates/server/partials/*-chart.mustache`), so every label in it goes through the same escaping as any
/// other value. Numbers are printed with at most one decimal.
enum PageCharts {
    /// A coordinate as SVG reads it.
    static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    /// One stacked segment: a verdict class and a count.
    struct Segment {
        var cls: String
        var label: String
        var count: Int
    }

    /// Horizontal stacked bars, one row per category (districts): counts by verdict.
    static func stackedBars(rows: [(label: String, segments: [Segment])], noData: String) -> [String: Any] {
        let labelWidth = 130.0
        let barWidth = 460.0
        let rowHeight = 26.0
        let top = 8.0
        let maximum = max(1, rows.map { $0.segments.reduce(0) { $0 + $1.count } }.max() ?? 1)
        var items: [[String: Any]] = []
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            var x = labelWidth
            var segments: [[String: Any]] = []
            let total = row.segments.reduce(0) { $0 + $1.count }
            for segment in row.segments where segment.count > 0 {
                let width = barWidth * Double(segment.count) / Double(maximum)
                segments.append([
                    "x": n(x), "y": n(y + 3), "width": n(width), "height": n(rowHeight - 8), "cls": segment.cls,
                    "title": "\(row.label) · \(segment.label): \(segment.count)",
                ])
                x += width
            }
            items.append([
                "label": row.label, "labelX": n(labelWidth - 8), "labelY": n(y + rowHeight / 2 + 4),
                "segments": segments, "total": total, "totalX": n(x + 6), "totalY": n(y + rowHeight / 2 + 4),
            ])
        }
        return [
            "rows": items, "empty": rows.isEmpty, "noData": noData,
            "width": n(labelWidth + barWidth + 50), "height": n(top * 2 + Double(max(rows.count, 1)) * rowHeight),
        ]
    }

    /// Stacked columns, one per month: counts by verdict.
    static func stackedColumns(columns: [(label: String, segments: [Segment])], noData: String) -> [String: Any] {
        let left = 36.0
        let plotHeight = 160.0
        let top = 10.0
        let slot = columns.count > 16 ? 26.0 : 44.0
        let maximum = max(1, columns.map { $0.segments.reduce(0) { $0 + $1.count } }.max() ?? 1)
        var items: [[String: Any]] = []
        for (index, column) in columns.enumerated() {
            let x = left + Double(index) * slot + 4
            var y = top + plotHeight
            var segments: [[String: Any]] = []
            for segment in column.segments where segment.count > 0 {
                let height = plotHeight * Double(segment.count) / Double(maximum)
                y -= height
                segments.append([
                    "x": n(x), "y": n(y), "width": n(slot - 8), "height": n(height), "cls": segment.cls,
                    "title": "\(column.label) · \(segment.label): \(segment.count)",
                ])
            }
            let showLabel = columns.count <= 12 || index % 3 == 0 || index == columns.count - 1
            items.append([
                "segments": segments, "label": showLabel ? column.label : "", "labelX": n(x + (slot - 8) / 2),
                "labelY": n(top + plotHeight + 14),
            ])
        }
        let ticks = [0, maximum / 2, maximum].reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
        return [
            "columns": items, "empty": columns.isEmpty, "noData": noData,
            "ticks": ticks.map { value -> [String: Any] in
                let y = top + plotHeight - plotHeight * Double(value) / Double(maximum)
                return ["y": n(y), "textY": n(y + 4), "label": String(value), "x1": n(left), "x2": n(left + Double(columns.count) * slot)]
            },
            "axisX": n(left - 4),
            "width": n(left + Double(max(columns.count, 1)) * slot + 10), "height": n(top + plotHeight + 24),
        ]
    }

    /// A parsed threshold (`≥ 180`, `<= 3`, `90%`): its comparison and number, when the text has one.
    static func threshold(_ text: String?) -> (comparison: String, value: Double)? {
        guard let text else { return nil }
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var comparison = ""
        for symbol in ["≥", "≤", ">=", "<=", ">", "<", "="] where rest.hasPrefix(symbol) {
            comparison = symbol
            rest = rest.dropFirst(symbol.count)
            break
        }
        let number = rest.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber || $0 == "." || $0 == "-" }
        guard let value = Double(number) else { return nil }
        return (comparison, value)
    }

    /// How to cut measured values from `minimum` to `maximum` into about `target` buckets of a round width (1, 2 or
    /// 5 × 10ⁿ), with `threshold` (when there is one) on a bucket edge so that every bucket lies on one side of it.
    static func buckets(minimum: Double, maximum: Double, threshold: Double?, target: Int = 20)
        -> (origin: Double, width: Double, count: Int)
    {
        let low = min(minimum, threshold ?? minimum)
        let high = max(maximum, threshold ?? maximum)
        let raw = (high - low) / Double(max(target, 1))
        let width: Double
        if raw <= 1e-9 || !raw.isFinite {
            width = 1
        } else {
            let magnitude = pow(10, log10(raw).rounded(.down))
            width = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) } ?? raw
        }
        let origin: Double
        if let threshold {
            origin = threshold - ((threshold - low) / width).rounded(.up) * width
        } else {
            origin = (low / width).rounded(.down) * width
        }
        let count = Int(((high - origin) / width).rounded(.down)) + 1
        return (origin, width, max(1, min(count, 200)))
    }

    /// One bucket of a histogram: its lower and upper edge and how many malls of each verdict fall in it.
    struct Bucket {
        var lower: Double
        var upper: Double
        var segments: [Segment]
    }

    /// A histogram of measured values: one column per bucket, stacked by verdict, the threshold as a dashed line.
    static func histogram(buckets: [Bucket], threshold: Double?, thresholdLabel: String, unit: String) -> [String: Any] {
        let left = 40.0
        let plotWidth = 600.0
        let top = 18.0
        let plotHeight = 140.0
        let base = top + plotHeight
        let slot = plotWidth / Double(max(buckets.count, 1))
        let maximum = max(1, buckets.map { $0.segments.reduce(0) { $0 + $1.count } }.max() ?? 1)
        let low = buckets.first?.lower ?? 0
        let high = buckets.last?.upper ?? 1
        func x(_ value: Double) -> Double { left + plotWidth * (value - low) / max(high - low, 1e-9) }
        var columns: [[String: Any]] = []
        for (index, bucket) in buckets.enumerated() {
            var y = base
            var segments: [[String: Any]] = []
            let range = "\(tickLabel(bucket.lower))–\(tickLabel(bucket.upper)) \(unit)"
            for segment in bucket.segments where segment.count > 0 {
                let height = plotHeight * Double(segment.count) / Double(maximum)
                y -= height
                segments.append([
                    "x": n(left + Double(index) * slot + 1), "y": n(y), "width": n(max(slot - 2, 1)),
                    "height": n(height), "cls": segment.cls, "title": "\(range) · \(segment.label): \(segment.count)",
                ])
            }
            columns.append(["segments": segments])
        }
        // Edge labels: at most about eight of them.
        let every = max(1, Int((Double(buckets.count + 1) / 8).rounded(.up)))
        var ticks: [[String: Any]] = []
        for index in stride(from: 0, through: buckets.count, by: every) {
            let value = low + Double(index) * (buckets.first.map { $0.upper - $0.lower } ?? 1)
            ticks.append(["x": n(x(value)), "y": n(base + 14), "label": tickLabel(value)])
        }
        let yTicks = [0, maximum / 2, maximum].reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
        var result: [String: Any] = [
            "columns": columns, "ticks": ticks, "width": n(left + plotWidth + 20), "height": n(base + 30),
            "axisY": n(base), "x1": n(left), "x2": n(left + plotWidth), "unit": unit, "axisX": n(left - 4),
            "yTicks": yTicks.map { value -> [String: Any] in
                let y = base - plotHeight * Double(value) / Double(maximum)
                return ["y": n(y), "textY": n(y + 4), "label": String(value)]
            },
        ]
        if let threshold {
            result["threshold"] = [
                "x": n(x(threshold)), "label": "\(thresholdLabel) \(tickLabel(threshold))", "labelX": n(x(threshold) + 4),
                "y1": n(top - 8),
            ]
        }
        return result
    }

    static func tickLabel(_ value: Double) -> String {
        if abs(value) >= 100 { return String(Int(value.rounded())) }
        let text = String(format: "%.1f", value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// A mall's runs in order: shall failures per run as a line, each run a dot coloured by its verdict.
    static func trend(runs: [(label: String, failures: Int, cls: String, title: String)]) -> [String: Any] {
        let left = 36.0
        let top = 10.0
        let plotHeight = 120.0
        let slot = runs.count > 20 ? 22.0 : 48.0
        let maximum = max(1, runs.map(\.failures).max() ?? 1)
        var dots: [[String: Any]] = []
        var points: [String] = []
        for (index, run) in runs.enumerated() {
            let x = left + slot / 2 + Double(index) * slot
            let y = top + plotHeight - plotHeight * Double(run.failures) / Double(maximum)
            points.append("\(n(x)),\(n(y))")
            let showLabel = runs.count <= 12 || index % 3 == 0 || index == runs.count - 1
            dots.append([
                "cx": n(x), "cy": n(y), "cls": run.cls, "title": run.title, "label": showLabel ? run.label : "",
                "labelY": n(top + plotHeight + 16), "value": String(run.failures), "valueY": n(y - 8),
            ])
        }
        let ticks = [0, maximum / 2, maximum].reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
        return [
            "dots": dots, "points": points.joined(separator: " "), "empty": runs.isEmpty,
            "ticks": ticks.map { value -> [String: Any] in
                let y = top + plotHeight - plotHeight * Double(value) / Double(maximum)
                return ["y": n(y), "textY": n(y + 4), "label": String(value)]
            },
            "x1": n(left), "x2": n(left + Double(max(runs.count, 1)) * slot), "axisX": n(left - 4),
            "width": n(left + Double(max(runs.count, 1)) * slot + 10), "height": n(top + plotHeight + 26),
        ]
    }
}
