import Dispatch
import Experiments
import SimulationCore
import SweepStore

// MARK: - ReportData

/// Everything a report shows about a set of runs, whether `nepsim report` read them from a stored
/// sweep or `nepsim simulate` ran them in this process. Rendered as a table, CSV, JSON or HTML; the
/// renderers read only this, so every format and both commands carry the same numbers.
public struct ReportData: Codable, Sendable {
    /// What was run: the scenario, seed and design, and either the stored sweep the runs were read
    /// from or the weather of an in-process batch.
    public struct Source: Codable, Sendable {
        public var scenario: String
        public var scenarioTitle: String
        public var seed: String
        public var design: String
        /// Runs asked for: the sweep's total, or `simulate --runs`.
        public var runs: Int
        /// The sweep the runs were read from; nil for runs simulated in this process.
        public var sweep: SweepInfo?
        /// The weather mode of runs simulated in this process (a sweep's lives in its scenario text).
        public var weather: String?

        public init(scenario: String, scenarioTitle: String, seed: String, design: String, runs: Int,
                    sweep: SweepInfo? = nil, weather: String? = nil) {
            self.scenario = scenario
            self.scenarioTitle = scenarioTitle
            self.seed = seed
            self.design = design
            self.runs = runs
            self.sweep = sweep
            self.weather = weather
        }

        /// A short name for titles: the sweep's name, or the scenario's for an in-process batch.
        public var name: String { sweep?.name ?? scenario }

        /// One line when the numbers cover only part of a sweep; nil when they cover all of it or
        /// the runs were simulated in this process.
        public var coverageWarning: String? {
            guard let sweep, !sweep.isComplete(runs: runs) else { return nil }
            let percent = runs > 0 ? 100 * Double(sweep.storedRuns) / Double(runs) : 0
            return "sweep is \(sweep.state): these numbers cover \(sweep.storedRuns.formatted()) of \(runs.formatted()) runs ("
                + String(format: "%.1f", percent) + "%), not the whole sweep"
        }
    }

    /// A stored sweep, as `nepsim.sweeps` describes it.
    public struct SweepInfo: Codable, Sendable {
        public var id: Int64
        public var name: String
        public var createdAt: String
        /// Running, done, failed or cancelled: a report of an unfinished sweep says so.
        public var state: SweepState
        /// Runs stored so far (all of the sweep, before any --given).
        public var storedRuns: Int

        public init(id: Int64, name: String, createdAt: String, state: SweepState, storedRuns: Int) {
            self.id = id
            self.name = name
            self.createdAt = createdAt
            self.state = state
            self.storedRuns = storedRuns
        }

        /// Whether the sweep of `runs` runs finished with every run stored.
        public func isComplete(runs: Int) -> Bool { state == .done && storedRuns == runs }
    }

    /// Mean, spread and quantiles of one numeric outcome over the runs where it is defined.
    public struct Quantiles: Codable, Sendable {
        public var name: String
        public var unit: String
        public var n: Int
        public var mean: Double?
        public var sd: Double?
        public var p05: Double?
        public var p25: Double?
        public var p50: Double?
        public var p75: Double?
        public var p95: Double?
    }

    /// An event's probability with its 95% Wilson interval.
    public struct Event: Codable, Sendable {
        public var name: String
        public var successes: Int
        public var trials: Int
        public var probability: Double
        public var lower: Double
        public var upper: Double
    }

    /// Counts of runs in equal-width bins; `edges` has one more element than `counts`.
    public struct Histogram: Codable, Sendable {
        public var outcome: String
        public var unit: String
        public var edges: [Double]
        public var counts: [Int]
        /// Runs left off the axis: a long tail (a few runs far beyond the rest) would otherwise
        /// squeeze every other run into a bin or two. Nil when every run is drawn.
        public var belowRange: Int?
        public var aboveRange: Int?
    }

    /// Quantiles of one yearly series, year by year (a fan chart).
    public struct Fan: Codable, Sendable {
        public var series: String
        public var unit: String
        public var years: [Int]
        /// The runs whose years it is drawn from: all selected runs, or (when `sampledEvery` = k > 1)
        /// those of the design's first 1/k of points, at most about `ReportBuilder.fanRunLimit`.
        public var runs: Int
        public var sampledEvery: Int
        public var p05: [Double]
        public var p25: [Double]
        public var p50: [Double]
        public var p75: [Double]
        public var p95: [Double]
    }

    /// One side of a comparison: a branch of one sweep (split by an event) or a whole sweep.
    public struct Branch: Codable, Sendable {
        public var label: String
        public var runs: Int
        public var numeric: [Quantiles]
        public var events: [Event]
        public var histograms: [Histogram]
    }

    /// A row of a comparison: an outcome's median or an event's probability on both sides, the
    /// difference left minus right (the event's true branch minus its false one, or the first
    /// sweep minus the second) and its 95% interval.
    public struct ComparisonRow: Codable, Sendable {
        public var name: String
        /// "median" for numeric outcomes, "probability" for events.
        public var kind: String
        public var left: Double?
        public var right: Double?
        public var difference: Double?
        public var lower: Double?
        public var upper: Double?
    }

    public struct Comparison: Codable, Sendable {
        /// What splits the runs: an event name (`--split-by`) or "sweep" (`--compare`).
        public var splitBy: String
        public var left: Branch
        public var right: Branch
        public var rows: [ComparisonRow]
    }

    public var source: Source
    /// The `--given` condition, if the runs were filtered.
    public var given: String?
    /// Runs that pass the condition.
    public var runs: Int
    public var numeric: [Quantiles]
    public var events: [Event]
    /// Who led, as shares.
    public var leaders: [String: [String: Double]]
    /// Histograms of the key outcomes: famine deaths, industrial output 1940, urban population 1939.
    public var histograms: [Histogram]
    /// Fan charts of harvest, procurement, famine deaths and industrial output (empty when the sweep
    /// stored no yearly series).
    public var fans: [Fan]
    public var comparison: Comparison?
    public var generatedAt: String
}

extension ReportData {
    /// ", over 100,000 of 1,000,000 runs (the first 1/10 of the design's points)" when the fan
    /// charts were drawn from a sample of the selected runs; empty when they use every run.
    public var fanSampleNote: String {
        guard let fan = fans.first, fan.sampledEvery > 1 else { return "" }
        return ", over \(Numbers.grouped(Double(fan.runs), decimals: 0)) of \(Numbers.grouped(Double(runs), decimals: 0)) runs"
            + " (the first 1/\(fan.sampledEvery) of the design's points)"
    }
}

// MARK: - Statistics

extension ReportData {
    /// Every numeric outcome's distribution; `column(i)` gives the values of
    /// `OutcomeCatalog.numeric[i]`, one per run, NaN where it is undefined. Asked for a column
    /// at a time on each core, so a caller can build each from its runs without holding them all
    /// as columns; the quantiles of a million-run sweep's 42 outcomes were a quarter of its report.
    static func distributions(_ column: @Sendable (Int) -> [Double]) -> [Quantiles] {
        let outcomes = OutcomeCatalog.numeric
        var results = [Quantiles?](repeating: nil, count: outcomes.count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: outcomes.count) { index in
                out[index] = Quantiles(name: outcomes[index].name, unit: outcomes[index].unit, column: column(index))
            }
        }
        return results.map { $0! }
    }

    /// Every event's probability with its 95% Wilson interval; `column(i)` gives whether
    /// `OutcomeCatalog.events[i]` happened, one per run.
    static func probabilities(_ column: (Int) -> [Bool]) -> [Event] {
        OutcomeCatalog.events.indices.map { index in
            let happened = column(index)
            return Event(name: OutcomeCatalog.events[index].name, successes: happened.reduce(0) { $0 + ($1 ? 1 : 0) },
                         trials: happened.count)
        }
    }

    /// The histograms a report draws (`ReportBuilder.histogramOutcomes`); `column` as for `distributions`.
    static func histograms(_ column: (Int) -> [Double]) -> [Histogram] {
        ReportBuilder.histogramOutcomes.compactMap { name in
            guard let index = OutcomeCatalog.numeric.firstIndex(where: { $0.name == name }) else { return nil }
            return ReportBuilder.histogram(name: name, unit: OutcomeCatalog.numeric[index].unit,
                                           values: column(index).filter(\.isFinite), bins: ReportBuilder.histogramBins)
        }
    }
}

extension ReportData.Quantiles {
    /// The quantiles `summarize` reports, ascending.
    static let probabilities = [0.05, 0.25, 0.5, 0.75, 0.95]

    /// Count, mean, sample standard deviation and quantiles of `column` over the runs where the
    /// outcome is defined (NaN marks it undefined): the numbers `avg`, `stddev_samp` and
    /// `percentile_cont` give in SQL. The one place both commands compute them.
    public init(name: String, unit: String, column: [Double]) {
        var values = column.filter { !$0.isNaN }
        let n = values.count
        guard n > 0 else {
            self.init(name: name, unit: unit, n: 0, mean: nil, sd: nil, p05: nil, p25: nil, p50: nil, p75: nil, p95: nil)
            return
        }
        let mean = values.reduce(0, +) / Double(n)
        let sd: Double? = n > 1 ? (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot() : nil
        let q = OrderStatistics.quantiles(&values, Self.probabilities)
        self.init(name: name, unit: unit, n: n, mean: mean, sd: sd, p05: q[0], p25: q[1], p50: q[2], p75: q[3], p95: q[4])
    }
}

extension ReportData.Event {
    /// The event's share of `trials` runs with its 95% Wilson interval.
    public init(name: String, successes: Int, trials: Int) {
        let interval = WilsonInterval(successes: successes, trials: trials)
        self.init(name: name, successes: successes, trials: trials,
                  probability: trials > 0 ? Double(successes) / Double(trials) : 0,
                  lower: interval.lower, upper: interval.upper)
    }
}

extension ReportData.Fan {
    /// The fan of one series from its values year by year (`values[i]` holds year `years[i]`'s
    /// values, one per run; NaN where a run has none).
    public init(series: String, unit: String, years: [Int], values: [[Double]], runs: Int, sampledEvery: Int = 1) {
        var bands: [[Double]] = Array(repeating: [], count: ReportData.Quantiles.probabilities.count)
        for yearValues in values {
            var defined = yearValues.filter { !$0.isNaN }
            let q = defined.isEmpty ? Array(repeating: Double.nan, count: bands.count)
                : OrderStatistics.quantiles(&defined, ReportData.Quantiles.probabilities)
            for band in bands.indices { bands[band].append(q[band]) }
        }
        self.init(series: series, unit: unit, years: years, runs: runs, sampledEvery: sampledEvery,
                  p05: bands[0], p25: bands[1], p50: bands[2], p75: bands[3], p95: bands[4])
    }
}
