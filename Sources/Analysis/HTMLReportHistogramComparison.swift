import Foundation

// MARK: - Two branches

extension HTMLReport.HistogramChart {
    /// One branch's histogram, with its legend label and CSS class (its colour).
    struct Series {
        var label: String
        var histogram: ReportData.Histogram
        var className: String
    }

    /// Two branches' histograms of one outcome, named `comparison-histogram:<outcome>`: both
    /// re-binned onto common bins and drawn side by side as shares of each branch's runs, because
    /// the branches have their own bins and sizes and neither counts nor raw bars would compare.
    static func renderComparison(outcome: String, unit: String, left: Series, right: Series) -> String {
        typealias SVG = HTMLReport.SVG
        let series = [left, right].compactMap { item in bins(item.histogram).map { (item, $0) } }
        guard !series.isEmpty else {
            return SVG.emptyChart(kind: "comparison-histogram", name: outcome, title: outcome, reason: emptyReason(left.histogram))
        }
        let lower = series.flatMap { $0.1.map(\.lower) }.min()!, upper = series.flatMap { $0.1.map(\.upper) }.max()!
        let edges = commonEdges(lower: lower, upper: upper, bins: series.map(\.1.count).max()!)
        let shares = series.map { _, bins in
            let counts = rebin(bins, onto: edges), total = counts.reduce(0, +)
            return counts.map { $0 / total }
        }
        let runs = series.map { $0.1.reduce(0) { $0 + $1.count } }
        let layout = HTMLReport.ChartLayout()
        let axes = Axes(lower: lower, upper: upper, highest: shares.flatMap { $0 }.max()!, layout: layout)

        let described = zip(series, runs).map { "\($0.0.label) \(count($1)) runs" }.joined(separator: ", ")
        var markup = SVG.open(kind: "comparison-histogram", name: outcome,
                              title: "Histogram of \(HTMLReport.Text.nameWithUnit(outcome, unit: unit)) by branch: \(described)",
                              layout: layout)
        markup += SVG.heading(outcome, subtitle: "share of each branch's runs per bin")
        markup += SVG.yAxis(ticks: axes.yTicks, scale: axes.y, label: "share of branch runs", layout: layout) { value in
            Numbers.trimmed(Numbers.grouped(value * 100, decimals: 1)) + "%"
        }
        for bin in 0..<(edges.count - 1) {
            let (left, right) = axes.barSpan(edges[bin], edges[bin + 1])
            let width = (right - left) / Double(series.count)
            for (index, (item, _)) in series.enumerated() where shares[index][bin] > 0 {
                let share = shares[index][bin], top = axes.y(share)
                let tooltip = "\(item.label), \(Numbers.number(edges[bin], unit: unit)) to "
                    + "\(Numbers.number(edges[bin + 1], unit: unit)): \(Numbers.percent(share)) of runs"
                markup += SVG.rect(x: left + Double(index) * width, y: top, width: width, height: axes.y(0) - top,
                                   className: "mark \(item.className)", tooltip: tooltip)
            }
        }
        markup += axes.xAxis(label: unit.isEmpty ? outcome : unit)
        markup += legend(zip(series.map(\.0), runs).map { ($0, $1) }, layout: layout)
        return markup + SVG.close
    }
}

// MARK: - Common bins

extension HTMLReport.HistogramChart {
    /// Equal bins from `lower` to `upper` (one zero-width bin when they are equal), at most 40.
    static func commonEdges(lower: Double, upper: Double, bins: Int) -> [Double] {
        guard upper > lower else { return [lower, upper] }
        let count = min(40, max(1, bins))
        return (0...count).map { lower + (upper - lower) * Double($0) / Double(count) }
    }

    /// The runs of `bins` on `edges`, assuming runs spread evenly within each source bin; a
    /// zero-width bin's runs go to the common bin that holds its value.
    static func rebin(_ bins: [Bin], onto edges: [Double]) -> [Double] {
        var counts = [Double](repeating: 0, count: max(0, edges.count - 1))
        guard !counts.isEmpty else { return counts }
        for bin in bins where bin.count > 0 {
            let width = bin.upper - bin.lower
            if width <= 0 {
                let index = edges.lastIndex { $0 <= bin.lower } ?? 0
                counts[min(counts.count - 1, index)] += bin.count
                continue
            }
            for target in counts.indices {
                let overlap = min(bin.upper, edges[target + 1]) - max(bin.lower, edges[target])
                if overlap > 0 { counts[target] += bin.count * overlap / width }
            }
        }
        return counts
    }

    /// Colour keys for the branches, at the top right; long labels are shortened (the full label
    /// is in the section's text and the bars' tooltips).
    private static func legend(_ series: [(Series, Double)], layout: HTMLReport.ChartLayout) -> String {
        var markup = ""
        for (index, (item, runs)) in series.enumerated() {
            let x = layout.width - 210, y = 8 + Double(index) * 15
            let label = item.label.count > 24 ? item.label.prefix(23) + "…" : item.label
            markup += "<rect x=\"\(HTMLReport.SVG.coordinate(x))\" y=\"\(HTMLReport.SVG.coordinate(y))\" width=\"11\" height=\"11\""
                + " class=\"legend-swatch \(item.className)\"/>"
            markup += HTMLReport.SVG.text("\(label) (\(count(runs)) runs)", x: x + 16, y: y + 10, className: "legend")
        }
        return markup
    }
}
