import Foundation

// MARK: - FanChart

extension HTMLReport {
    /// A yearly series as a fan: the 5-95% band, the 25-75% band and the median line over the years.
    enum FanChart {
        /// One year's quantiles.
        struct Point {
            var year: Double
            var p05, p25, p50, p75, p95: Double
        }

        /// The years where all five quantiles are known and finite, in year order; the arrays are
        /// read only as far as the shortest of them, so ragged data cannot crash the report.
        static func points(_ fan: ReportData.Fan) -> [Point] {
            let count = [fan.years.count, fan.p05.count, fan.p25.count, fan.p50.count, fan.p75.count, fan.p95.count].min() ?? 0
            return (0..<count).compactMap { index -> Point? in
                let values = [fan.p05[index], fan.p25[index], fan.p50[index], fan.p75[index], fan.p95[index]]
                guard values.allSatisfy(\.isFinite) else { return nil }
                return Point(year: Double(fan.years[index]), p05: values[0], p25: values[1], p50: values[2],
                             p75: values[3], p95: values[4])
            }
            .sorted { $0.year < $1.year }
        }

        /// The chart of one series.
        static func render(_ fan: ReportData.Fan) -> String {
            typealias SVG = HTMLReport.SVG
            let points = points(fan)
            guard !points.isEmpty else {
                return SVG.emptyChart(kind: "fan", name: fan.series, title: fan.series, reason: "no year has all quantiles")
            }
            let layout = HTMLReport.ChartLayout()
            let first = points.first!.year, last = points.last!.year
            // Half a year of padding either side when there is a single year, so it is not on the axis.
            let x = HTMLReport.LinearScale(domainLower: first == last ? first - 0.5 : first,
                                           domainUpper: first == last ? last + 0.5 : last,
                                           rangeStart: layout.plotLeft + 8, rangeEnd: layout.plotRight - 8)
            let yTicks = HTMLReport.Ticks(covering: lowerBound(points), points.map { max($0.p95, $0.p05) }.max()!, count: 5)
            let y = HTMLReport.LinearScale(domainLower: yTicks.lower, domainUpper: yTicks.upper,
                                           rangeStart: layout.plotBottom, rangeEnd: layout.plotTop)

            let range = "\(Int(first))-\(Int(last))"
            var markup = SVG.open(kind: "fan", name: fan.series,
                                  title: "Fan chart of \(HTMLReport.Text.nameWithUnit(fan.series, unit: fan.unit)), \(range): median, 50% and 90% bands",
                                  layout: layout)
            markup += SVG.heading(fan.series, subtitle: fan.unit.isEmpty ? range : "\(fan.unit), \(range)")
            markup += SVG.yAxis(ticks: yTicks, scale: y, label: fan.unit.isEmpty ? fan.series : fan.unit, layout: layout,
                                format: yTicks.label)
            markup += band(points, lower: \.p05, upper: \.p95, x: x, y: y, className: "mark band-outer")
            markup += band(points, lower: \.p25, upper: \.p75, x: x, y: y, className: "mark band-inner")
            markup += SVG.path(points.map { (x($0.year), y($0.p50)) }, closed: false, className: "mark median")
            for point in points {
                let tooltip = "\(Int(point.year)): median \(Numbers.number(point.p50, unit: fan.unit)); "
                    + "50% \(Numbers.number(point.p25, unit: fan.unit)) to \(Numbers.number(point.p75, unit: fan.unit)); "
                    + "90% \(Numbers.number(point.p05, unit: fan.unit)) to \(Numbers.number(point.p95, unit: fan.unit))"
                markup += "<circle cx=\"\(SVG.coordinate(x(point.year)))\" cy=\"\(SVG.coordinate(y(point.p50)))\" r=\"2.5\""
                    + " class=\"mark median-point\"><title>\(HTMLReport.Text.escape(tooltip))</title></circle>"
            }
            markup += SVG.xAxis(ticks: yearTicks(points.map(\.year), layout: layout), scale: x, label: "year", layout: layout)
            markup += legend(layout: layout)
            return markup + SVG.close
        }
    }
}

// MARK: - Pieces

extension HTMLReport.FanChart {
    /// Zero when the series is non-negative and the fan sits low enough that zero helps the eye
    /// (deaths); otherwise the lowest 5% quantile, so a harvest of 60-95 Mt is not squashed flat.
    private static func lowerBound(_ points: [Point]) -> Double {
        let lowest = points.map { min($0.p05, $0.p95) }.min()!
        let highest = points.map { max($0.p05, $0.p95) }.max()!
        return lowest >= 0 && lowest <= highest * 0.4 ? 0 : lowest
    }

    /// A closed band between two quantiles: along the lower one, back along the upper one.
    private static func band(_ points: [Point], lower: KeyPath<Point, Double>, upper: KeyPath<Point, Double>,
                             x: HTMLReport.LinearScale, y: HTMLReport.LinearScale, className: String) -> String {
        if points.count == 1, let point = points.first {
            // A single year: a narrow box rather than an invisible zero-width polygon.
            let top = y(point[keyPath: upper]), bottom = y(point[keyPath: lower])
            return HTMLReport.SVG.rect(x: x(point.year) - 6, y: min(top, bottom), width: 12, height: abs(bottom - top),
                                       className: className)
        }
        let along = points.map { (x: x($0.year), y: y($0[keyPath: lower])) }
        let back = points.reversed().map { (x: x($0.year), y: y($0[keyPath: upper])) }
        return HTMLReport.SVG.path(along + back, closed: true, className: className)
    }

    /// Every year ticked, labelled as densely as fits (about 40 pixels a label), counting back from
    /// the last year so that it always has its label.
    private static func yearTicks(_ years: [Double], layout: HTMLReport.ChartLayout) -> [(value: Double, label: String)] {
        guard let first = years.first, let last = years.last else { return [] }
        let count = Int(last - first) + 1
        let every = max(1, Int((Double(count) * 40 / (layout.plotRight - layout.plotLeft)).rounded(.up)))
        return (0..<count).map { offset in
            let year = first + Double(offset)
            return (year, (count - 1 - offset) % every == 0 ? String(Int(year)) : "")
        }
    }

    /// Keys to the bands and the median line, at the top right.
    private static func legend(layout: HTMLReport.ChartLayout) -> String {
        let x = layout.width - 200, y = 12.0
        return "<rect x=\"\(HTMLReport.SVG.coordinate(x))\" y=\"\(y)\" width=\"11\" height=\"11\" class=\"legend-swatch band-outer\"/>"
            + HTMLReport.SVG.text("5-95%", x: x + 15, y: y + 10, className: "legend")
            + "<rect x=\"\(HTMLReport.SVG.coordinate(x + 62))\" y=\"\(y)\" width=\"11\" height=\"11\" class=\"legend-swatch band-inner\"/>"
            + HTMLReport.SVG.text("25-75%", x: x + 77, y: y + 10, className: "legend")
            + HTMLReport.SVG.line(x1: x + 130, y1: y + 5.5, x2: x + 146, y2: y + 5.5, className: "legend-median")
            + HTMLReport.SVG.text("median", x: x + 150, y: y + 10, className: "legend")
    }
}
