import Foundation

// MARK: - Tables

extension HTMLReport {
    /// The report's HTML tables: event probabilities, numeric outcomes and who led.
    enum Tables {
        /// Each event's probability and 95% Wilson interval, with a forest bar per row.
        static func events(_ events: [ReportData.Event]) -> String {
            guard !events.isEmpty else { return "<p class=\"note\">No events were recorded for these runs.</p>" }
            var html = "<table class=\"events\"><thead><tr><th>event</th><th class=\"num\">runs with event</th>"
                + "<th class=\"num\">probability</th><th class=\"num\">95% interval</th>"
                + "<th class=\"forest\">\(ForestBar.headerAxis())</th></tr></thead><tbody>"
            for event in events {
                html += "<tr><td><code>\(Text.escape(event.name))</code></td>"
                    + "<td class=\"num\">\(Numbers.grouped(Double(event.successes), decimals: 0)) of \(Numbers.grouped(Double(event.trials), decimals: 0))</td>"
                    + "<td class=\"num\"><strong>\(Numbers.percent(event.probability))</strong></td>"
                    + "<td class=\"num\">\(Numbers.percent(event.lower)) to \(Numbers.percent(event.upper))</td>"
                    + "<td class=\"forest\">\(ForestBar.render(event))</td></tr>"
            }
            return html + "</tbody></table>"
        }

        /// Mean, standard deviation and quantiles of each numeric outcome.
        static func numeric(_ outcomes: [ReportData.Quantiles]) -> String {
            guard !outcomes.isEmpty else { return "<p class=\"note\">No numeric outcomes were recorded for these runs.</p>" }
            var html = "<table class=\"numeric\"><thead><tr><th>outcome</th><th>unit</th>"
            for heading in ["n", "mean", "sd", "p05", "p25", "median", "p75", "p95"] {
                html += "<th class=\"num\">\(heading)</th>"
            }
            html += "</tr></thead><tbody>"
            for outcome in outcomes {
                html += "<tr><td><code>\(Text.escape(outcome.name))</code></td><td>\(Text.escape(outcome.unit))</td>"
                    + "<td class=\"num\">\(Numbers.grouped(Double(outcome.n), decimals: 0))</td>"
                let values = [outcome.mean, outcome.sd, outcome.p05, outcome.p25, outcome.p50, outcome.p75, outcome.p95]
                for (index, value) in values.enumerated() {
                    let cell = Numbers.number(value, unit: outcome.unit)
                    html += index == 4 ? "<td class=\"num\"><strong>\(cell)</strong></td>" : "<td class=\"num\">\(cell)</td>"
                }
                html += "</tr>"
            }
            return html + "</tbody></table>"
        }

        /// Who led, as shares of runs, most frequent first.
        static func leaders(_ leaders: [String: [String: Double]]) -> String {
            var html = "<table class=\"leaders\"><tbody>"
            for key in leaders.keys.sorted() {
                let shares = (leaders[key] ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                let text = shares.map { "\(Text.escape($0.key)) \(Numbers.percent($0.value))" }.joined(separator: ", ")
                html += "<tr><th>\(Text.escape(key))</th><td>\(text.isEmpty ? Numbers.missing : text)</td></tr>"
            }
            return html + "</tbody></table>"
        }
    }
}
