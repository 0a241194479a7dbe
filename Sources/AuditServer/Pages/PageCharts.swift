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

    /// One mall's value for the distribution strip.
    struct Point {
        var value: Double
        var cls: String
        var title: String
    }

    /// Every mall's measured value on one axis, stacked where values are close, with the threshold as a line.
    static func distribution(points: [Point], threshold: Double?, thresholdLabel: String, unit: String) -> [String: Any] {
        let left = 20.0
        let width = 600.0
        let base = 150.0
        let values = points.map(\.value) + (threshold.map { [$0] } ?? [])
        var low = values.min() ?? 0
        var high = values.max() ?? 1
        if high - low < 1e-9 {
            low -= 1
            high += 1
        }
        let pad = (high - low) * 0.05
        low -= pad
        high += pad
        func x(_ value: Double) -> Double { left + width * (value - low) / (high - low) }
        // Points within 6 px share a column and stack upwards.
        var stacks: [Int: Int] = [:]
        var dots: [[String: Any]] = []
        for point in points.sorted(by: { $0.value < $1.value }) {
            let px = x(point.value)
            let bucket = Int(px / 6)
            let level = stacks[bucket, default: 0]
            stacks[bucket] = level + 1
            let py = base - 6 - Double(min(level, 22)) * 6
            dots.append(["cx": n(px), "cy": n(py), "cls": point.cls, "title": point.title])
        }
        // Round ticks (1, 2 or 5 × 10ⁿ apart), about five of them.
        let raw = (high - low) / 5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [[String: Any]] = []
        var value = (low / step).rounded(.up) * step
        while value <= high + 1e-9, ticks.count < 12 {
            ticks.append(["x": n(x(value)), "label": tickLabel(value), "y": n(base + 16)])
            value += step
        }
        var result: [String: Any] = [
            "dots": dots, "ticks": ticks, "width": n(left * 2 + width), "height": n(base + 30),
            "axisY": n(base), "x1": n(left), "x2": n(left + width), "unit": unit,
        ]
        if let threshold {
            result["threshold"] = [
                "x": n(x(threshold)), "label": "\(thresholdLabel) \(tickLabel(threshold))", "labelX": n(x(threshold) + 4),
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
