import Foundation

// MARK: - Table and CSV reports

/// The report as text for a 100-column terminal, and as CSV with the same numbers.
public enum ReportText {
    public static let width = 100

    public static func table(_ data: ReportData) -> String {
        var lines = header(data)
        lines.append("")
        lines.append("Event probabilities (95% Wilson intervals)")
        lines.append(pad("event", 28, right: false) + pad("P", 8) + pad("95% interval", 20) + "   " + "0" + String(repeating: " ", count: 28) + "1")
        for e in data.events {
            lines.append(pad(e.name, 28, right: false) + pad(String(format: "%.4f", e.probability), 8)
                         + pad(String(format: "%.4f-%.4f", e.lower, e.upper), 20) + "  |" + intervalBar(e, width: 30) + "|")
        }
        lines.append("")
        lines.append("Outcome distributions")
        lines.append(pad("outcome", 28, right: false) + ["n", "mean", "p05", "p25", "p50", "p75", "p95"].map { pad($0, 10) }.joined())
        for q in data.numeric {
            let cells = [pad(String(q.n), 10)] + [q.mean, q.p05, q.p25, q.p50, q.p75, q.p95].map { pad(Numbers.compact($0), 10) }
            lines.append(pad(String(q.name.prefix(27)), 28, right: false) + cells.joined())
        }
        for (name, shares) in data.leaders.sorted(by: { $0.key < $1.key }) {
            lines.append("")
            lines.append(name)
            for (label, share) in shares.sorted(by: { $0.value > $1.value }) {
                lines.append("  " + pad(label, 24, right: false) + pad(String(format: "%.4f", share), 8) + "  " + bar(share, width: 50))
            }
        }
        for histogram in data.histograms {
            lines.append("")
            lines.append(contentsOf: textHistogram(histogram))
        }
        if !data.fans.isEmpty {
            lines.append("")
            lines.append("Yearly medians (p05-p95)" + data.fanSampleNote)
            for fan in data.fans {
                lines.append("  " + fan.series + " (" + fan.unit + ")")
                for (i, year) in fan.years.enumerated() {
                    lines.append("    \(year)  " + pad(Numbers.compact(fan.p50[i]), 10) + "  (" + Numbers.compact(fan.p05[i]) + " - " + Numbers.compact(fan.p95[i]) + ")")
                }
            }
        }
        if let comparison = data.comparison {
            lines.append("")
            lines.append("Comparison: \(comparison.left.label) (\(comparison.left.runs) runs) vs \(comparison.right.label) (\(comparison.right.runs) runs)")
            lines.append(pad("outcome", 28, right: false) + pad("kind", 12, right: false) + pad("left", 11) + pad("right", 11)
                         + pad("difference", 12) + pad("95% interval", 26))
            for row in comparison.rows {
                let interval = row.lower.map { Numbers.compact($0) + " to " + Numbers.compact(row.upper) } ?? "-"
                lines.append(pad(String(row.name.prefix(27)), 28, right: false) + pad(row.kind, 12, right: false)
                             + pad(Numbers.compact(row.left), 11) + pad(Numbers.compact(row.right), 11) + pad(Numbers.compact(row.difference), 12)
                             + pad(interval, 26))
            }
        }
        return lines.map { String($0.prefix(width)) }.joined(separator: "\n")
    }

    /// What was run: the sweep and its state, or the batch simulated in this process.
    static func header(_ data: ReportData) -> [String] {
        let source = data.source
        let runs = "\(data.runs) runs" + (data.given.map { " where \($0)" } ?? "")
        var lines: [String]
        if let sweep = source.sweep {
            lines = ["Sweep \(sweep.id) '\(sweep.name)': \(source.scenarioTitle)",
                     "scenario \(source.scenario), seed \(source.seed), design \(source.design), \(runs)",
                     "state \(sweep.state), \(sweep.storedRuns) of \(source.runs) runs stored"]
        } else {
            lines = [source.scenarioTitle,
                     "scenario \(source.scenario), seed \(source.seed), design \(source.design)"
                        + (source.weather.map { ", weather \($0)" } ?? "") + ", \(runs)"]
        }
        if let warning = source.coverageWarning { lines.append("WARNING: " + warning) }
        return lines
    }

    static func bar(_ fraction: Double, width: Int) -> String {
        String(repeating: "#", count: max(0, min(width, Int((fraction * Double(width)).rounded()))))
    }

    /// The interval as dashes with the estimate as a bullet on a 0-1 scale.
    static func intervalBar(_ e: ReportData.Event, width: Int) -> String {
        var cells = Array(repeating: Character(" "), count: width)
        let low = Int((e.lower * Double(width - 1)).rounded()), high = Int((e.upper * Double(width - 1)).rounded())
        for i in max(0, low)...min(width - 1, max(low, high)) { cells[i] = "-" }
        cells[min(width - 1, max(0, Int((e.probability * Double(width - 1)).rounded())))] = "o"
        return String(cells)
    }

    static func textHistogram(_ h: ReportData.Histogram) -> [String] {
        var lines = ["Histogram: \(h.outcome) (\(h.unit))"]
        guard let largest = h.counts.max(), largest > 0, h.edges.count == h.counts.count + 1 else {
            return lines + ["  no data"]
        }
        for (i, count) in h.counts.enumerated() {
            let label = pad(Numbers.compact(h.edges[i]), 9) + " - " + pad(Numbers.compact(h.edges[i + 1]), 9)
            lines.append("  " + label + pad(String(count), 8) + "  " + bar(Double(count) / Double(largest), width: 55))
        }
        if let above = h.aboveRange { lines.append("  (\(above) runs above \(Numbers.compact(h.edges.last!)) not shown: a long tail)") }
        if let below = h.belowRange { lines.append("  (\(below) runs below \(Numbers.compact(h.edges.first!)) not shown: a long tail)") }
        return lines
    }

    // MARK: CSV

    public static let csvHeader = "section,branch,name,unit,n,mean,sd,p05,p25,p50,p75,p95,successes,trials,probability,ci95_low,ci95_high,difference,difference_low,difference_high"

    public static func csv(_ data: ReportData) -> String {
        var lines = [csvHeader]
        if let sweep = data.source.sweep {
            // The sweep's state first: n = runs stored, trials = runs of the sweep.
            lines.append(["sweep", "", "state", csvField(sweep.state.rawValue), String(sweep.storedRuns),
                          "", "", "", "", "", "", "", "", String(data.source.runs), "", "", "", "", "", ""].joined(separator: ","))
        }
        func f(_ v: Double?) -> String { v.map { $0.isFinite ? String($0) : "" } ?? "" }
        func numeric(_ branch: String, _ q: ReportData.Quantiles) -> String {
            ["numeric", branch, q.name, csvField(q.unit), String(q.n), f(q.mean), f(q.sd), f(q.p05), f(q.p25), f(q.p50), f(q.p75), f(q.p95),
             "", "", "", "", "", "", "", ""].joined(separator: ",")
        }
        func event(_ branch: String, _ e: ReportData.Event) -> String {
            ["event", branch, e.name, "", "", "", "", "", "", "", "", "", String(e.successes), String(e.trials),
             f(e.probability), f(e.lower), f(e.upper), "", "", ""].joined(separator: ",")
        }
        for q in data.numeric { lines.append(numeric("all", q)) }
        for e in data.events { lines.append(event("all", e)) }
        for (name, shares) in data.leaders.sorted(by: { $0.key < $1.key }) {
            for (label, share) in shares.sorted(by: { $0.key < $1.key }) {
                lines.append(["label", "all", csvField("\(name)=\(label)"), "", "", "", "", "", "", "", "", "", "", "",
                              f(share), "", "", "", "", ""].joined(separator: ","))
            }
        }
        if let c = data.comparison {
            for (branch, side) in [(c.left.label, c.left), (c.right.label, c.right)] {
                for q in side.numeric { lines.append(numeric(csvField(branch), q)) }
                for e in side.events { lines.append(event(csvField(branch), e)) }
            }
            for row in c.rows {
                lines.append(["difference", csvField("\(c.left.label) - \(c.right.label)"), row.name, row.kind, "", "", "", "", "", "", "", "",
                              "", "", "", "", "", f(row.difference), f(row.lower), f(row.upper)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n")
    }
}
