import Foundation

// MARK: - Layout

extension HTMLReport {
    /// The size of a chart and the plot area inside its margins (title above, tick labels below and left).
    struct ChartLayout {
        var width: Double = 540
        var height: Double = 300
        var marginTop: Double = 44
        var marginRight: Double = 18
        var marginBottom: Double = 46
        var marginLeft: Double = 58

        var plotLeft: Double { marginLeft }
        var plotRight: Double { width - marginRight }
        var plotTop: Double { marginTop }
        var plotBottom: Double { height - marginBottom }
    }
}

// MARK: - Elements

extension HTMLReport {
    /// Small builders for SVG markup. Every chart is an `<svg class="chart">` whose
    /// `data-chart="kind:name"` names it for readers, tests and scripts/check-report-html.
    /// Data marks carry class "mark" and appear only when there is data to draw.
    enum SVG {
        /// A coordinate with one decimal: enough for a screen, and keeps the file small.
        static func coordinate(_ value: Double) -> String {
            value.isFinite ? String(format: "%.1f", value) : "0"
        }

        /// The opening tag and `<title>` of a chart.
        static func open(kind: String, name: String, title: String, layout: ChartLayout, isEmpty: Bool = false) -> String {
            let size = "viewBox=\"0 0 \(coordinate(layout.width)) \(coordinate(layout.height))\""
                + " width=\"\(coordinate(layout.width))\" height=\"\(coordinate(layout.height))\""
            return "<svg class=\"chart\" data-chart=\"\(Text.escape(kind)):\(Text.escape(name))\""
                + (isEmpty ? " data-empty=\"true\"" : "")
                + " role=\"img\" \(size)>"
                + "<title>\(Text.escape(title))</title>"
        }

        static let close = "</svg>"

        static func text(_ content: String, x: Double, y: Double, anchor: String = "start", className: String = "") -> String {
            let classAttribute = className.isEmpty ? "" : " class=\"\(className)\""
            return "<text x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" text-anchor=\"\(anchor)\"\(classAttribute)>"
                + Text.escape(content) + "</text>"
        }

        static func line(x1: Double, y1: Double, x2: Double, y2: Double, className: String) -> String {
            "<line x1=\"\(coordinate(x1))\" y1=\"\(coordinate(y1))\" x2=\"\(coordinate(x2))\" y2=\"\(coordinate(y2))\""
                + " class=\"\(className)\"/>"
        }

        /// A data rectangle with a tooltip.
        static func rect(x: Double, y: Double, width: Double, height: Double, className: String, tooltip: String? = nil) -> String {
            let body = "<rect x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" width=\"\(coordinate(max(0, width)))\""
                + " height=\"\(coordinate(max(0, height)))\" class=\"\(className)\""
            guard let tooltip else { return body + "/>" }
            return body + "><title>\(Text.escape(tooltip))</title></rect>"
        }

        /// A path through `points` ("M x y L x y ..."), closed when `closed` (for bands).
        static func path(_ points: [(x: Double, y: Double)], closed: Bool, className: String) -> String {
            guard let first = points.first else { return "" }
            var d = "M\(coordinate(first.x)) \(coordinate(first.y))"
            for point in points.dropFirst() { d += "L\(coordinate(point.x)) \(coordinate(point.y))" }
            if closed { d += "Z" }
            return "<path d=\"\(d)\" class=\"\(className)\"/>"
        }
    }
}

// MARK: - Titles, axes and empty charts

extension HTMLReport.SVG {
    /// The visible title at the top left of a chart, with an optional smaller subtitle beside it.
    static func heading(_ title: String, subtitle: String = "") -> String {
        var markup = text(title, x: 8, y: 18, className: "chart-title")
        if !subtitle.isEmpty { markup += text(subtitle, x: 8, y: 34, className: "chart-subtitle") }
        return markup
    }

    /// A horizontal axis at the plot's bottom with tick marks, labels and an axis label.
    static func xAxis(ticks: [(value: Double, label: String)], scale: HTMLReport.LinearScale, label: String,
                      layout: HTMLReport.ChartLayout) -> String {
        var markup = line(x1: layout.plotLeft, y1: layout.plotBottom, x2: layout.plotRight, y2: layout.plotBottom, className: "axis")
        for tick in ticks {
            let x = scale(tick.value)
            markup += line(x1: x, y1: layout.plotBottom, x2: x, y2: layout.plotBottom + 5, className: "axis")
            markup += text(tick.label, x: x, y: layout.plotBottom + 18, anchor: "middle", className: "tick")
        }
        markup += text(label, x: (layout.plotLeft + layout.plotRight) / 2, y: layout.height - 8, anchor: "middle", className: "axis-label")
        return markup
    }

    /// A vertical axis at the plot's left with gridlines across the plot, labels and a rotated axis label.
    static func yAxis(ticks: HTMLReport.Ticks, scale: HTMLReport.LinearScale, label: String,
                      layout: HTMLReport.ChartLayout, format: (Double) -> String) -> String {
        var markup = ""
        for value in ticks.values {
            let y = scale(value)
            markup += line(x1: layout.plotLeft, y1: y, x2: layout.plotRight, y2: y, className: "grid")
            markup += text(format(value), x: layout.plotLeft - 6, y: y + 4, anchor: "end", className: "tick")
        }
        markup += line(x1: layout.plotLeft, y1: layout.plotTop, x2: layout.plotLeft, y2: layout.plotBottom, className: "axis")
        let middle = (layout.plotTop + layout.plotBottom) / 2
        markup += "<text x=\"0\" y=\"0\" text-anchor=\"middle\" class=\"axis-label\""
            + " transform=\"translate(14 \(coordinate(middle))) rotate(-90)\">\(HTMLReport.Text.escape(label))</text>"
        return markup
    }

    /// A whole chart that says there is nothing to draw: a title and a "no data" note, no marks.
    static func emptyChart(kind: String, name: String, title: String, reason: String,
                           layout: HTMLReport.ChartLayout = .init(height: 120)) -> String {
        open(kind: kind, name: name, title: "\(title): no data", layout: layout, isEmpty: true)
            + heading(title)
            + text("no data: \(reason)", x: layout.width / 2, y: layout.height / 2 + 14, anchor: "middle", className: "no-data")
            + close
    }
}
