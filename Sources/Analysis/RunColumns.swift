import Foundation
import Experiments
import PostgresStore
import SimulationCore

// MARK: - RunColumns

/// The runs a report covers, read once from PostgreSQL as columns: every numeric outcome as float8
/// and every event, by binary COPY. The report's statistics are computed from these in Swift (exact
/// quantiles by selection), so a report of a million runs scans the table once instead of sorting
/// each outcome in SQL.
struct RunColumns {
    /// One array per numeric outcome of the catalog, in catalog order; NaN where the outcome is
    /// undefined (NULL).
    var numeric: [[Double]]
    /// One array per event of the catalog, in catalog order.
    var events: [[Bool]]
    var count: Int { events.first?.count ?? numeric.first?.count ?? 0 }

    /// Reads the runs `whereSQL` selects (over alias `r`) by binary COPY.
    static func load(whereSQL: SQLQuery, connection: PostgresConnection) throws -> RunColumns {
        var reader = BinaryCopyReader(doubleColumns: OutcomeCatalog.numeric.count, boolColumns: OutcomeCatalog.events.count)
        try connection.copyOut("COPY (\(selectSQL(whereSQL: whereSQL))) TO STDOUT (FORMAT binary)") { try reader.consume($0) }
        try reader.finish()
        return RunColumns(numeric: reader.doubles, events: reader.bools)
    }

    /// One pass over the selected runs: every numeric outcome as float8, then every event.
    static func selectSQL(whereSQL: SQLQuery) -> SQLQuery {
        let columns = OutcomeCatalog.numeric.map { "r.\($0.name)::float8" } + OutcomeCatalog.events.map { "r.\($0.name)" }
        return "SELECT \(raw: columns.joined(separator: ", ")) FROM nepsim.runs r WHERE \(whereSQL)"
    }

    /// The runs where `event` did (or did not) happen.
    func narrowed(event: String, happened: Bool) -> RunColumns {
        guard let index = OutcomeCatalog.events.firstIndex(where: { $0.name == event }) else { return self }
        let keep = events[index].indices.filter { events[index][$0] == happened }
        return RunColumns(numeric: numeric.map { column in keep.map { column[$0] } },
                          events: events.map { column in keep.map { column[$0] } })
    }

    // MARK: Statistics

    /// Count, mean, sample standard deviation and the quantiles of every numeric outcome, over
    /// the runs where it is defined: the numbers `percentile_cont`, `avg` and `stddev_samp` give.
    func quantiles() -> [ReportData.Quantiles] {
        zip(OutcomeCatalog.numeric, numeric).map { outcome, column in
            var values = column.filter { !$0.isNaN }
            let n = values.count
            guard n > 0 else {
                return ReportData.Quantiles(name: outcome.name, unit: outcome.unit, n: 0, mean: nil, sd: nil,
                                            p05: nil, p25: nil, p50: nil, p75: nil, p95: nil)
            }
            let mean = values.reduce(0, +) / Double(n)
            let sd: Double? = n > 1
                ? (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot() : nil
            let q = OrderStatistics.quantiles(&values, [0.05, 0.25, 0.5, 0.75, 0.95])
            return ReportData.Quantiles(name: outcome.name, unit: outcome.unit, n: n, mean: mean, sd: sd,
                                        p05: q[0], p25: q[1], p50: q[2], p75: q[3], p95: q[4])
        }
    }

    /// Every event's probability with its 95% Wilson interval.
    func eventProbabilities() -> [ReportData.Event] {
        zip(OutcomeCatalog.events, events).map { event, column in
            let successes = column.reduce(0) { $0 + ($1 ? 1 : 0) }
            let p = EventProbability(successes: successes, trials: column.count)
            return ReportData.Event(name: event.name, successes: successes, trials: column.count,
                                    probability: p.probability, lower: p.ci95[0], upper: p.ci95[1])
        }
    }

    /// The histograms the report draws.
    func histograms() -> [ReportData.Histogram] {
        ReportBuilder.histogramOutcomes.compactMap { name in
            guard let index = OutcomeCatalog.numeric.firstIndex(where: { $0.name == name }) else { return nil }
            return ReportBuilder.histogram(name: name, unit: OutcomeCatalog.numeric[index].unit,
                                           values: numeric[index].filter(\.isFinite), bins: ReportBuilder.histogramBins)
        }
    }
}

// MARK: - OrderStatistics

/// Exact quantiles without a full sort: each is found by selection (quickselect), after which the
/// values below it are all smaller, so the next, higher quantile searches only above it.
enum OrderStatistics {
    /// Quantiles (Hyndman and Fan type 7, as `percentile_cont`) of `values`, which are reordered.
    /// `probabilities` must be ascending.
    static func quantiles(_ values: inout [Double], _ probabilities: [Double]) -> [Double] {
        let n = values.count
        var low = 0
        return probabilities.map { q in
            let position = q * Double(n - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, n - 1)
            select(&values, lower, from: max(low, 0))
            low = lower
            let a = values[lower]
            // The next order statistic is the smallest value above position `lower`.
            var b = a
            if upper > lower {
                b = values[upper...].min() ?? a
            }
            return a + (position - Double(lower)) * (b - a)
        }
    }

    /// Puts the k-th smallest value of values[from...] at index k, smaller ones before it and
    /// larger ones after (Hoare partitioning around a median-of-three pivot).
    static func select(_ values: inout [Double], _ k: Int, from start: Int) {
        var left = start, right = values.count - 1
        while right > left {
            let middle = left + (right - left) / 2
            // Median of three as the pivot.
            if values[middle] < values[left] { values.swapAt(middle, left) }
            if values[right] < values[left] { values.swapAt(right, left) }
            if values[right] < values[middle] { values.swapAt(right, middle) }
            let pivot = values[middle]
            var i = left, j = right
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { right = j } else if k >= i { left = i } else { return }
        }
    }
}
