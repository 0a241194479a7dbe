import AuditModel
import AuditXML

/// The per-chapter chart of the HTML report: one horizontal stacked bar per chapter, one segment per verdict,
/// widths proportional to statement counts. Built in Swift with computed geometry; every label goes through
/// `XMLText.escaped`. The result is inline SVG (no external reference, no script) for the template's one trusted
/// slot, `{{{chartSVG}}}`.
struct SVGChart {
    struct Bar {
        var label: String
        var counts: VerdictCounts
    }

    var bars: [Bar]
    var language: Language
    var title: String

    static let width = 720.0
    /// Space right of the bars for each chapter's total.
    static let countWidth = 50.0
    /// Each row: the chapter's label on its own line (any length fits), then its bar.
    static let labelHeight = 18.0
    static let barHeight = 20.0
    static let rowHeight = 46.0
    static let top = 4.0
    static let legendHeight = 30.0

    /// Fill colour of each verdict, also used by the CSS legend of the page.
    static func color(_ verdict: Verdict) -> String {
        switch verdict {
        case .pass: "#2e7d32"
        case .fail: "#c62828"
        case .error: "#ef6c00"
        case .notAssessed: "#8d8d8d"
        case .notApplicable: "#cfd8dc"
        }
    }

    /// The SVG element.
    func render() -> String {
        let barWidth = Self.width - Self.countWidth
        let height = Self.top + Double(bars.count) * Self.rowHeight + Self.legendHeight
        var svg = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(n(Self.width)) \(n(height))\" "
        svg += "width=\"\(n(Self.width))\" height=\"\(n(height))\" aria-label=\"\(XMLText.escaped(title))\">\n"
        svg += "<title>\(XMLText.escaped(title))</title>\n"
        for (row, bar) in bars.enumerated() {
            let labelY = Self.top + Double(row) * Self.rowHeight + 13
            let y = Self.top + Double(row) * Self.rowHeight + Self.labelHeight
            let textY = y + Self.barHeight / 2 + 5
            svg += "<g class=\"bar\">\n"
            svg += "<text x=\"0\" y=\"\(n(labelY))\" class=\"label\">\(XMLText.escaped(bar.label))</text>\n"
            let total = bar.counts.total
            var cumulative = 0
            for verdict in Verdict.reportOrder where bar.counts[verdict] > 0 {
                // Edges from cumulative counts, so segments meet exactly and the bar always ends at full width.
                let x0 = barWidth * Double(cumulative) / Double(total)
                cumulative += bar.counts[verdict]
                let x1 = barWidth * Double(cumulative) / Double(total)
                let name = HTMLLabels.verdict(verdict, language)
                svg += "<rect x=\"\(n(x0))\" y=\"\(n(y))\" width=\"\(n(x1 - x0))\" height=\"\(n(Self.barHeight))\" "
                svg += "fill=\"\(Self.color(verdict))\"><title>\(XMLText.escaped(bar.label)): "
                svg += "\(XMLText.escaped(name)) \(bar.counts[verdict])</title></rect>\n"
                if x1 - x0 >= 22 {
                    let textColor = verdict == .notApplicable ? "#263238" : "#ffffff"
                    svg += "<text x=\"\(n((x0 + x1) / 2))\" y=\"\(n(textY))\" text-anchor=\"middle\" "
                    svg += "fill=\"\(textColor)\" class=\"segment\">\(bar.counts[verdict])</text>\n"
                }
            }
            if total == 0 {
                svg += "<rect x=\"0\" y=\"\(n(y))\" width=\"\(n(barWidth))\" "
                svg += "height=\"\(n(Self.barHeight))\" fill=\"none\" stroke=\"#8d8d8d\"/>\n"
            }
            svg += "<text x=\"\(n(Self.width - 4))\" y=\"\(n(textY))\" text-anchor=\"end\" class=\"total\">"
            svg += "\(total)</text>\n</g>\n"
        }
        let legendY = Self.top + Double(bars.count) * Self.rowHeight + 8
        svg += "<g class=\"legend\">\n"
        var x = 0.0
        for verdict in Verdict.reportOrder {
            let name = HTMLLabels.verdict(verdict, language)
            svg +=
                "<rect x=\"\(n(x))\" y=\"\(n(legendY))\" width=\"12\" height=\"12\" fill=\"\(Self.color(verdict))\"/>"
            svg += "<text x=\"\(n(x + 16))\" y=\"\(n(legendY + 11))\">\(XMLText.escaped(name))</text>\n"
            x += language == .zh ? 74 : 100
        }
        svg += "</g>\n</svg>"
        return svg
    }

    /// A coordinate with at most two decimals, locale-independent.
    private func n(_ value: Double) -> String { NumberFormat.human(value) }
}
