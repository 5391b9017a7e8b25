import Experiments
import Foundation
import SimulationCore

// MARK: - A report of runs simulated in this process

extension ReportData {
    /// The report of runs `nepsim simulate` ran in this process: the same statistics, histograms
    /// and (given the yearly series) fans a stored sweep's report has, computed by the same code.
    /// Each outcome's column is built from the runs when its turn comes (NaN where undefined, as a
    /// NULL read from the database becomes), so at most one column is held beside the runs.
    /// `yearly[series][year - 1927][run]` follows `OutcomeCatalog.series`, as
    /// `InProcessBatch.simulateWithYearlySeries` returns it; empty for no fans.
    ///
    /// Throws `ReportError.nonFiniteOutcomes` when an outcome came out NaN or infinite: the
    /// parameters pushed the model out of its range, and dropping those runs (as undefined
    /// outcomes are dropped) would bias every figure without a word.
    public static func simulated(outcomes: [RunOutcomes], yearly: [[[Double]]] = [], source: Source,
                                 generatedAt: Date = Date()) throws -> ReportData {
        let broken = OutcomeCatalog.numeric.compactMap { outcome -> ReportError.NonFiniteOutcome? in
            let runs = outcomes.reduce(0) { $0 + (outcome.value($1).map { $0.isFinite ? 0 : 1 } ?? 0) }
            return runs > 0 ? ReportError.NonFiniteOutcome(name: outcome.name, runs: runs) : nil
        }
        guard broken.isEmpty else { throw ReportError.nonFiniteOutcomes(broken) }
        guard !outcomes.isEmpty else { throw ReportError.noRuns("nothing was simulated") }
        @Sendable func numeric(_ index: Int) -> [Double] { outcomes.map { OutcomeCatalog.numeric[index].value($0) ?? .nan } }
        let fans = zip(OutcomeCatalog.series, yearly).map { definition, years in
            Fan(series: definition.name, unit: definition.unit, years: Array(YearTable.years), values: years, runs: outcomes.count)
        }
        return ReportData(source: source, given: nil, runs: outcomes.count, numeric: distributions(numeric),
                          events: probabilities { index in outcomes.map(OutcomeCatalog.events[index].happened) },
                          leaders: labelShares(outcomes), histograms: histograms(numeric),
                          fans: fans, comparison: nil, generatedAt: ISO8601DateFormatter().string(from: generatedAt))
    }

    /// Each label's shares of the runs (who led in 1930 and 1940), as the report's GROUP BY gives them.
    static func labelShares(_ outcomes: [RunOutcomes]) -> [String: [String: Double]] {
        Dictionary(uniqueKeysWithValues: OutcomeCatalog.labels.map { label in
            var counts: [String: Int] = [:]
            for run in outcomes { counts[label.label(run), default: 0] += 1 }
            return (label.name, counts.mapValues { Double($0) / Double(outcomes.count) })
        })
    }
}
