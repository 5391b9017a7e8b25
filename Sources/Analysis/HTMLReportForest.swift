import Foundation

// MARK: - ForestBar

extension HTMLReport {
    /// The small picture beside each event's probability: its 95% interval as a bar and the
    /// estimate as a dot on a 0-100% axis, so rows can be compared at a glance down the table.
    enum ForestBar {
        static let layout = ChartLayout(width: 320, height: 20, marginTop: 0, marginRight: 8, marginBottom: 0, marginLeft: 8)

        static var scale: LinearScale {
            LinearScale(domainLower: 0, domainUpper: 1, rangeStart: layout.plotLeft, rangeEnd: layout.plotRight)
        }

        /// Gridlines at 0, 25, 50, 75 and 100%, shared by the rows and the header axis.
        private static let gridValues: [Double] = [0, 0.25, 0.5, 0.75, 1]

        /// The bar of one event, named `forest:<event>`.
        static func render(_ event: ReportData.Event) -> String {
            let title = "\(event.name): \(Numbers.percent(event.probability)) (95% interval \(Numbers.percent(event.lower)) to \(Numbers.percent(event.upper)))"
            let values = [event.probability, event.lower, event.upper]
            guard event.trials > 0, values.allSatisfy(\.isFinite) else {
                return SVG.open(kind: "forest", name: event.name, title: "\(event.name): no data", layout: layout, isEmpty: true)
                    + SVG.text("no data", x: layout.width / 2, y: 14, anchor: "middle", className: "no-data") + SVG.close
            }
            let clamp = { (value: Double) in min(1, max(0, value)) }
            let lower = scale(clamp(min(event.lower, event.upper))), upper = scale(clamp(max(event.lower, event.upper)))
            var markup = SVG.open(kind: "forest", name: event.name, title: title, layout: layout)
            for value in gridValues {
                markup += SVG.line(x1: scale(value), y1: 2, x2: scale(value), y2: layout.height - 2, className: "grid")
            }
            markup += SVG.rect(x: lower, y: 5, width: max(1.5, upper - lower), height: 10, className: "mark interval")
            markup += "<circle cx=\"\(SVG.coordinate(scale(clamp(event.probability))))\" cy=\"10\" r=\"2.5\" class=\"mark estimate\"/>"
            return markup + SVG.close
        }

        /// The 0-100% axis for the column header (not a chart of its own: it has no data).
        static func headerAxis() -> String {
            var markup = "<svg class=\"forest-axis\" viewBox=\"0 0 \(SVG.coordinate(layout.width)) 16\""
                + " width=\"\(SVG.coordinate(layout.width))\" height=\"16\" aria-hidden=\"true\">"
            for value in gridValues {
                let anchor = value == 0 ? "start" : value == 1 ? "end" : "middle"
                markup += SVG.text(Numbers.percent(value, decimals: 0), x: scale(value), y: 12, anchor: anchor, className: "tick")
            }
            return markup + SVG.close
        }
    }
}
