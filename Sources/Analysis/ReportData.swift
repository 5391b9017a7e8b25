// MARK: - ReportData

/// Everything a report shows, computed once from SQL and rendered as a table, CSV, JSON or HTML.
/// The renderers read only this, so every format carries the same numbers.
public struct ReportData: Codable, Sendable {
    public struct SweepInfo: Codable, Sendable {
        public var id: Int64
        public var name: String
        public var scenario: String
        public var scenarioTitle: String
        public var runs: Int
        public var seed: String
        public var design: String
        public var createdAt: String
        /// pending, running, done, failed or cancelled: a report of an unfinished sweep says so.
        public var state: String
        /// Runs stored so far (all of the sweep, before any --given).
        public var storedRuns: Int

        /// Whether the sweep finished with every run stored.
        public var isComplete: Bool { state == "done" && storedRuns == runs }

        /// One line for an incomplete sweep, nil for a complete one.
        public var coverageWarning: String? {
            guard !isComplete else { return nil }
            let percent = runs > 0 ? 100 * Double(storedRuns) / Double(runs) : 0
            return "sweep is \(state): these numbers cover \(storedRuns.formatted()) of \(runs.formatted()) runs ("
                + String(format: "%.1f", percent) + "%), not the whole sweep"
        }
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
        /// The runs whose years it is drawn from: all selected runs, or (when `sampledEvery` > 1)
        /// those of every k-th design point, at most about `ReportBuilder.fanRunLimit`.
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

    public var sweep: SweepInfo
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
    /// ", over 100,000 of 1,000,000 runs (every 10th design point)" when the fan charts were drawn
    /// from a sample of the selected runs; empty when they use every run.
    public var fanSampleNote: String {
        guard let fan = fans.first, fan.sampledEvery > 1 else { return "" }
        return ", over \(groupThousands(Double(fan.runs))) of \(groupThousands(Double(runs))) runs"
            + " (every \(fan.sampledEvery)th design point)"
    }
}
