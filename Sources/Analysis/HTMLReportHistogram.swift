import Foundation

// MARK: - Bins

extension HTMLReport {
    /// Histograms as SVG bar charts: one outcome's runs per bin (here), or two branches side by
    /// side on common bins (HTMLReportHistogramComparison.swift).
    enum HistogramChart {
        /// One drawable bin.
        struct Bin {
            var lower: Double
            var upper: Double
            var count: Double
        }

        /// The bins of `histogram` that can be drawn, or nil when there is nothing to draw: no runs,
        /// edges that do not match the counts, or non-finite edges.
        static func bins(_ histogram: ReportData.Histogram) -> [Bin]? {
            let edges = histogram.edges, counts = histogram.counts
            guard !counts.isEmpty, edges.count == counts.count + 1, edges.allSatisfy(\.isFinite) else { return nil }
            let bins = counts.indices.map { index in
                Bin(lower: min(edges[index], edges[index + 1]), upper: max(edges[index], edges[index + 1]),
                    count: Double(max(0, counts[index])))
            }
            return bins.contains(where: { $0.count > 0 }) ? bins : nil
        }

        /// Why `histogram` cannot be drawn, for the "no data" note.
        static func emptyReason(_ histogram: ReportData.Histogram) -> String {
            if histogram.counts.isEmpty || histogram.counts.allSatisfy({ $0 <= 0 }) { return "no run has this outcome" }
            return "the stored bins are malformed"
        }

        /// Whether every run fell on one value (ReportBuilder stores that as a single zero-width bin).
        static func singleValue(_ bins: [Bin]) -> Double? {
            let filled = bins.filter { $0.count > 0 }
            guard let first = filled.first, filled.allSatisfy({ $0.lower == $0.upper && $0.lower == first.lower }) else { return nil }
            return first.lower
        }
    }
}

// MARK: - One outcome

extension HTMLReport.HistogramChart {
    /// The chart of one outcome: runs per bin, named `histogram:<outcome>`.
    static func render(_ histogram: ReportData.Histogram) -> String {
        typealias SVG = HTMLReport.SVG
        let name = histogram.outcome, unit = histogram.unit
        guard let bins = bins(histogram) else {
            return SVG.emptyChart(kind: "histogram", name: name, title: name, reason: emptyReason(histogram))
        }
        let layout = HTMLReport.ChartLayout()
        let runs = bins.reduce(0) { $0 + $1.count }
        let axes = Axes(lower: bins.map(\.lower).min()!, upper: bins.map(\.upper).max()!, highest: bins.map(\.count).max()!,
                        layout: layout)

        var markup = SVG.open(kind: "histogram", name: name,
                              title: "Histogram of \(HTMLReport.Text.nameWithUnit(name, unit: unit)) over \(count(runs)) runs",
                              layout: layout)
        markup += SVG.heading(name, subtitle: subtitle(bins, unit: unit, runs: runs) + offAxis(histogram))
        markup += SVG.yAxis(ticks: axes.yTicks, scale: axes.y, label: "runs", layout: layout, format: axes.yTicks.label)
        for bin in bins where bin.count > 0 {
            let (left, right) = axes.barSpan(bin.lower, bin.upper)
            let top = axes.y(bin.count)
            let tooltip = "\(Numbers.number(bin.lower, unit: unit)) to \(Numbers.number(bin.upper, unit: unit)): \(count(bin.count)) runs"
            markup += SVG.rect(x: left, y: top, width: right - left, height: axes.y(0) - top, className: "mark bar", tooltip: tooltip)
        }
        markup += axes.xAxis(label: unit.isEmpty ? name : unit)
        return markup + SVG.close
    }

    private static func subtitle(_ bins: [Bin], unit: String, runs: Double) -> String {
        if let value = singleValue(bins) {
            return "all \(count(runs)) runs at \(Numbers.number(value, unit: unit))"
        }
        let width = bins[0].upper - bins[0].lower
        return "\(count(runs)) runs; bins of \(withUnit(Numbers.trimmed(Numbers.number(width)), unit: unit))"
    }

    /// "; 12 runs above the axis (the longest tail), 3 below", when the axis left runs off.
    static func offAxis(_ histogram: ReportData.Histogram) -> String {
        let parts = [histogram.aboveRange.map { "\(count(Double($0))) runs above" },
                     histogram.belowRange.map { "\(count(Double($0))) below" }].compactMap { $0 }
        return parts.isEmpty ? "" : "; " + parts.joined(separator: ", ") + " the axis (a long tail; the axis spans 99% of runs)"
    }

    /// "1,000,000 persons", but "14.7 (1928 = 100)" where the unit is not a plain word.
    static func withUnit(_ value: String, unit: String) -> String {
        if unit.isEmpty { return value }
        return unit.allSatisfy(\.isLetter) ? "\(value) \(unit)" : "\(value) (\(unit))"
    }

    static func count(_ runs: Double) -> String {
        Numbers.grouped(runs, decimals: 0)
    }
}

// MARK: - Axes

extension HTMLReport.HistogramChart {
    /// The scales and ticks of a histogram: values along x, runs (or shares) up y from zero.
    struct Axes {
        var layout: HTMLReport.ChartLayout
        var xTicks: HTMLReport.Ticks
        var yTicks: HTMLReport.Ticks
        var x: HTMLReport.LinearScale
        var y: HTMLReport.LinearScale

        init(lower: Double, upper: Double, highest: Double, layout: HTMLReport.ChartLayout) {
            self.layout = layout
            xTicks = HTMLReport.Ticks(covering: lower, upper, count: 6)
            yTicks = HTMLReport.Ticks(covering: 0, highest, count: 4)
            x = HTMLReport.LinearScale(domainLower: xTicks.lower, domainUpper: xTicks.upper,
                                       rangeStart: layout.plotLeft, rangeEnd: layout.plotRight)
            y = HTMLReport.LinearScale(domainLower: 0, domainUpper: yTicks.upper,
                                       rangeStart: layout.plotBottom, rangeEnd: layout.plotTop)
        }

        /// The left and right of a bar over `lower...upper`: a hairline gap between neighbours, and
        /// a visible width for a zero-width bin (every run had the same value).
        func barSpan(_ lower: Double, _ upper: Double) -> (Double, Double) {
            let left = x(lower), right = x(upper)
            if right - left < 6 && lower == upper { return (left - 4, right + 4) }
            return right - left > 3 ? (left, right - 1) : (left, right)
        }

        func xAxis(label: String) -> String {
            HTMLReport.SVG.xAxis(ticks: xTicks.values.map { ($0, xTicks.label($0)) }, scale: x, label: label, layout: layout)
        }
    }
}
