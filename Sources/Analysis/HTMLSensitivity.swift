import Foundation

// MARK: - Pages for sensitivity and discovery

extension HTMLReport {
    /// A self-contained page around `body` (the report's style sheet, no scripts).
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="nepsim">
        <title>\(Text.escape(title))</title>
        <style>
        \(styleSheet)
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// `nepsim sensitivity --format html`: the indices as a bar chart with their intervals, then
    /// the table.
    public static func render(_ report: SensitivityReport) -> String {
        let title = report.method == "morris" ? "Morris elementary effects of \(report.outcome)" : "Sensitivity of \(report.outcome)"
        var body = "<header><h1>\(Text.escape(title))</h1><p class=\"note\">\(Text.escape(report.sweep)), "
            + "\(Numbers.grouped(Double(report.runs), decimals: 0)) runs, method \(Text.escape(report.method))</p></header>\n"
        body += section(id: "indices", title: report.method == "morris" ? "How much each parameter moves it" : "Which parameters drive it",
                        intro: report.method == "morris"
                            ? "mu* (bars) with its 95% bootstrap interval (whiskers): the mean absolute elementary effect."
                            : "First-order index S1 (the parameter alone) and total index ST (with its interactions), "
                                + "with 95% bootstrap intervals (whiskers).",
                        body: SensitivityChart.render(report))
        body += "<section id=\"table\"><h2>Numbers</h2><pre>\(Text.escape(report.table))</pre></section>\n"
        return page(title: "nepsim sensitivity: \(report.outcome)", body: body)
    }

    /// `nepsim discover --format html`: PRIM's trade-off (coverage against density along the
    /// peeling trajectory, the chosen box marked), then the box and its condition.
    public static func render(_ report: DiscoveryReport) -> String {
        var body = "<header><h1>Where \(Text.escape(report.event)) happens</h1><p class=\"note\">\(Text.escape(report.source))"
            + (report.given.map { ", given <code class=\"given\">\(Text.escape($0))</code>" } ?? "")
            + ", \(Numbers.grouped(Double(report.runs), decimals: 0)) runs</p></header>\n"
        body += section(id: "tradeoff", title: "Coverage against density",
                        intro: "Each point is a box along PRIM's peeling trajectory; the ringed one is the densest box "
                            + "holding at least \(Numbers.percent(report.min_coverage, decimals: 0)) of the event's runs.",
                        body: PrimTradeoffChart.render(report))
        body += "<section id=\"box\"><h2>The chosen box</h2><pre>\(Text.escape(report.table))</pre></section>\n"
        return page(title: "nepsim discover: \(report.event)", body: body)
    }
}

// MARK: - The report's "why" sections

extension HTMLReport {
    /// What drives an event and where it happens, for `nepsim report --why EVENT --format html`.
    public static func whySections(sensitivity: SensitivityReport?, discovery: DiscoveryReport?) -> String {
        var html = ""
        if let sensitivity {
            html += section(id: "why-sensitivity", title: "Why: which parameters drive \(sensitivity.outcome)",
                            intro: sensitivity.method == "morris"
                                ? "Morris mu* per parameter with its 95% bootstrap interval."
                                : sensitivity.method == "sobol"
                                    ? "Sobol' indices from the Saltelli design: S1 (alone) and ST (with interactions), 95% bootstrap intervals."
                                    : "First-order indices from the runs as drawn (inputs binned by rank), 95% bootstrap intervals.",
                            body: SensitivityChart.render(sensitivity))
        }
        if let discovery {
            html += section(id: "why-discovery", title: "Where \(discovery.event) happens (PRIM)",
                            intro: "Coverage against density along the peeling trajectory; the ringed box holds at least "
                                + "\(Numbers.percent(discovery.min_coverage, decimals: 0)) of the event's runs. As a condition: "
                                + discovery.condition,
                            body: PrimTradeoffChart.render(discovery))
        }
        return html
    }
}

// MARK: - Sensitivity chart

extension HTMLReport {
    /// Horizontal bars, one row per parameter (largest first, at most 15): S1 and ST side by side
    /// for Sobol', mu* for Morris, S1 alone for given data; whiskers for the intervals.
    enum SensitivityChart {
        static func render(_ report: SensitivityReport) -> String {
            let rows = Array(report.ranked.prefix(15))
            let morris = report.method == "morris"
            let series: [(label: String, className: String, value: (SensitivityReport.Indices) -> Double?,
                          interval: (SensitivityReport.Indices) -> [Double]?)] = morris
                ? [("mu*", "mark bar", { $0.mu_star }, { $0.mu_star_ci })]
                : [("S1", "mark bar", { $0.S1 }, { $0.S1_ci }), ("ST", "mark bar second", { $0.ST }, { $0.ST_ci })]
                    .filter { entry in rows.contains { entry.value($0.indices) != nil } }
            let rowHeight = 26.0
            var layout = ChartLayout(width: 720, height: 0, marginLeft: 250)
            layout.height = layout.marginTop + layout.marginBottom + rowHeight * Double(max(1, rows.count))
            guard !rows.isEmpty else {
                return SVG.emptyChart(kind: "sensitivity", name: report.outcome, title: "Sensitivity of \(report.outcome)",
                                      reason: "no parameters")
            }
            let values = rows.flatMap { row in series.flatMap { s in [s.value(row.indices)] + (s.interval(row.indices) ?? []).map { Optional($0) } } }
                .compactMap { $0 }.filter(\.isFinite)
            let ticks = Ticks(covering: min(0, values.min() ?? 0), max(values.max() ?? 1, morris ? 0 : 1) )
            let x = LinearScale(domainLower: ticks.lower, domainUpper: ticks.upper, rangeStart: layout.plotLeft, rangeEnd: layout.plotRight)
            var markup = SVG.open(kind: "sensitivity", name: report.outcome,
                                  title: "\(series.map(\.label).joined(separator: " and ")) of \(report.outcome) per parameter",
                                  layout: layout)
            markup += SVG.heading("\(report.outcome): " + series.map(\.label).joined(separator: " and "),
                                  subtitle: "\(report.method), \(Numbers.grouped(Double(report.runs), decimals: 0)) runs; whiskers: 95% intervals")
            for value in ticks.values {
                markup += SVG.line(x1: x(value), y1: layout.plotTop, x2: x(value), y2: layout.plotBottom, className: "grid")
            }
            let barHeight = (rowHeight - 6) / Double(series.count)
            for (index, row) in rows.enumerated() {
                let top = layout.plotTop + Double(index) * rowHeight
                markup += SVG.text(row.name, x: layout.plotLeft - 6, y: top + rowHeight / 2 + 4, anchor: "end", className: "tick")
                for (k, s) in series.enumerated() {
                    guard let value = s.value(row.indices), value.isFinite else { continue }
                    let y = top + 3 + Double(k) * barHeight
                    let (left, right) = (min(x(0), x(value)), max(x(0), x(value)))
                    markup += SVG.rect(x: left, y: y, width: max(1, right - left), height: barHeight - 1, className: s.className,
                                       tooltip: "\(row.name): \(s.label) \(String(format: "%.4f", value))")
                    if let ci = s.interval(row.indices), ci.count == 2, ci.allSatisfy(\.isFinite) {
                        let middle = y + (barHeight - 1) / 2
                        markup += SVG.line(x1: x(ci[0]), y1: middle, x2: x(ci[1]), y2: middle, className: "whisker")
                    }
                }
            }
            markup += SVG.xAxis(ticks: ticks.values.map { ($0, Numbers.trimmed(Numbers.number($0))) }, scale: x,
                                label: morris ? "mu* (output units per unit of the parameter's range)" : "share of variance",
                                layout: layout)
            return markup + SVG.close
        }
    }
}

// MARK: - PRIM trade-off chart

extension HTMLReport {
    enum PrimTradeoffChart {
        static func render(_ report: DiscoveryReport) -> String {
            let layout = ChartLayout(width: 640, height: 380)
            guard !report.trajectory.isEmpty else {
                return SVG.emptyChart(kind: "prim-tradeoff", name: report.event, title: "PRIM trade-off", reason: "no boxes")
            }
            let xTicks = Ticks(covering: 0, 1), yTicks = Ticks(covering: 0, 1)
            let x = LinearScale(domainLower: 0, domainUpper: 1, rangeStart: layout.plotLeft, rangeEnd: layout.plotRight)
            let y = LinearScale(domainLower: 0, domainUpper: 1, rangeStart: layout.plotBottom, rangeEnd: layout.plotTop)
            var markup = SVG.open(kind: "prim-tradeoff", name: report.event,
                                  title: "PRIM peeling trajectory of \(report.event): coverage against density", layout: layout)
            markup += SVG.heading("\(report.event): coverage against density",
                                  subtitle: "\(report.trajectory.count) boxes; chosen: step \(report.chosen_step)")
            markup += SVG.yAxis(ticks: yTicks, scale: y, label: "density (share of the box's runs with the event)",
                                layout: layout, format: { Numbers.percent($0, decimals: 0) })
            markup += SVG.path(report.trajectory.map { (x($0.coverage), y($0.density)) }, closed: false, className: "mark line")
            for (index, step) in report.trajectory.enumerated() {
                let chosen = index == report.chosen_step
                let size = chosen ? 10.0 : 5.0
                markup += SVG.rect(x: x(step.coverage) - size / 2, y: y(step.density) - size / 2, width: size, height: size,
                                   className: chosen ? "mark point chosen" : "mark point",
                                   tooltip: "step \(index): coverage \(Numbers.percent(step.coverage)), density \(Numbers.percent(step.density)), "
                                       + "mass \(Numbers.percent(step.mass)), \(step.restricted.count) parameters restricted")
            }
            let picked = report.trajectory[report.chosen_step]
            markup += SVG.text("chosen box", x: x(picked.coverage) + 8, y: y(picked.density) - 8, className: "tick")
            markup += SVG.xAxis(ticks: xTicks.values.map { ($0, Numbers.percent($0, decimals: 0)) }, scale: x,
                                label: "coverage (share of the event's runs inside the box)", layout: layout)
            return markup + SVG.close
        }
    }
}
