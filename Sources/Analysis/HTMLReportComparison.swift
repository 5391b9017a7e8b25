import Foundation

// MARK: - Comparison

extension HTMLReport {
    /// Two branches side by side: a table of medians and probabilities with their differences, and
    /// each outcome's histograms overlaid.
    enum ComparisonSection {
        /// The whole comparison section.
        static func render(_ comparison: ReportData.Comparison) -> String {
            let left = comparison.left, right = comparison.right
            let split = comparison.splitBy == "sweep"
                ? "Two sweeps compared."
                : "Runs split by the event <code>\(Text.escape(comparison.splitBy))</code>."
            var html = "<section id=\"comparison\"><h2>Comparison: \(Text.escape(left.label)) vs \(Text.escape(right.label))</h2>"
            html += "<p>\(split) <span class=\"swatch left\"></span><strong>\(Text.escape(left.label))</strong>: "
                + "\(Numbers.grouped(Double(left.runs), decimals: 0)) runs; "
                + "<span class=\"swatch right\"></span><strong>\(Text.escape(right.label))</strong>: "
                + "\(Numbers.grouped(Double(right.runs), decimals: 0)) runs. "
                + "Differences are \(Text.escape(left.label)) minus \(Text.escape(right.label)), with 95% intervals.</p>"
            html += table(comparison)
            html += histograms(comparison)
            return html + "</section>"
        }

        /// One row per outcome median or event probability.
        static func table(_ comparison: ReportData.Comparison) -> String {
            guard !comparison.rows.isEmpty else { return "<p class=\"note\">No outcomes to compare.</p>" }
            let units = Dictionary((comparison.left.numeric + comparison.right.numeric).map { ($0.name, $0.unit) },
                                   uniquingKeysWith: { first, _ in first })
            var html = "<table class=\"comparison\"><thead><tr><th>outcome</th><th>compared</th>"
                + "<th class=\"num\">\(Text.escape(comparison.left.label))</th><th class=\"num\">\(Text.escape(comparison.right.label))</th>"
                + "<th class=\"num\">difference</th><th class=\"num\">95% interval</th></tr></thead><tbody>"
            for row in comparison.rows {
                let cells: [String]
                if row.kind == "probability" {
                    cells = [Numbers.percent(row.left), Numbers.percent(row.right), Numbers.percentagePoints(row.difference),
                             interval(Numbers.percentagePoints(row.lower), Numbers.percentagePoints(row.upper))]
                } else {
                    let unit = units[row.name] ?? ""
                    cells = [Numbers.number(row.left, unit: unit), Numbers.number(row.right, unit: unit),
                             Numbers.signedNumber(row.difference, unit: unit),
                             interval(Numbers.signedNumber(row.lower, unit: unit), Numbers.signedNumber(row.upper, unit: unit))]
                }
                html += "<tr><td><code>\(Text.escape(row.name))</code></td><td>\(Text.escape(row.kind))</td>"
                    + cells.map { "<td class=\"num\">\($0)</td>" }.joined() + "</tr>"
            }
            return html + "</tbody></table>"
        }

        /// "a to b", or "-" when either end is missing.
        private static func interval(_ lower: String, _ upper: String) -> String {
            lower == Numbers.missing || upper == Numbers.missing ? Numbers.missing : "\(lower) to \(upper)"
        }

        /// For each outcome with a histogram in both branches, the two overlaid.
        static func histograms(_ comparison: ReportData.Comparison) -> String {
            let rightByOutcome = Dictionary(comparison.right.histograms.map { ($0.outcome, $0) }, uniquingKeysWith: { first, _ in first })
            let pairs = comparison.left.histograms.compactMap { left in rightByOutcome[left.outcome].map { (left, $0) } }
            guard !pairs.isEmpty else { return "<p class=\"note\">The branches share no histogram outcome.</p>" }
            var html = "<div class=\"charts\">"
            for (left, right) in pairs {
                html += "<figure>" + HistogramChart.renderComparison(
                    outcome: left.outcome, unit: left.unit.isEmpty ? right.unit : left.unit,
                    left: .init(label: comparison.left.label, histogram: left, className: "left"),
                    right: .init(label: comparison.right.label, histogram: right, className: "right")
                ) + "</figure>"
            }
            return html + "</div>"
        }
    }
}
