import Foundation
import SimulationCore

/// Mean and quantiles of one numeric outcome over the runs where it is defined.
public struct QuantileSummary: Sendable, Equatable, Codable {
    public let n: Int
    public let mean: Double?
    public let p05: Double?
    public let p25: Double?
    public let p50: Double?
    public let p75: Double?
    public let p95: Double?

    /// Values that were NaN or infinite: never dropped silently, the caller must report them.
    public let nonFinite: Int

    public init(values unsorted: [Double]) {
        let values = unsorted.filter(\.isFinite).sorted()
        nonFinite = unsorted.count - values.count
        n = values.count
        guard !values.isEmpty else {
            mean = nil; p05 = nil; p25 = nil; p50 = nil; p75 = nil; p95 = nil
            return
        }
        mean = values.reduce(0, +) / Double(values.count)
        p05 = QuantileSummary.quantile(values, 0.05)
        p25 = QuantileSummary.quantile(values, 0.25)
        p50 = QuantileSummary.quantile(values, 0.50)
        p75 = QuantileSummary.quantile(values, 0.75)
        p95 = QuantileSummary.quantile(values, 0.95)
    }

    /// Linear interpolation between order statistics (Hyndman & Fan type 7, as PostgreSQL's
    /// percentile_cont), so the SQL views later agree with this.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }
}

/// The probability of an event with its Wilson score interval.
public struct EventProbability: Sendable, Equatable, Codable {
    public let successes: Int
    public let trials: Int
    public let probability: Double
    public let ci95: [Double]

    public init(successes: Int, trials: Int) {
        self.successes = successes
        self.trials = trials
        probability = trials > 0 ? Double(successes) / Double(trials) : 0
        let interval = EventProbability.wilsonInterval(successes: successes, trials: trials)
        ci95 = [interval.lower, interval.upper]
    }

    /// Wilson's score interval: well behaved near 0 and 1, unlike the normal approximation.
    public static func wilsonInterval(successes: Int, trials: Int, z: Double = 1.959963984540054)
        -> (lower: Double, upper: Double)
    {
        guard trials > 0 else { return (0, 1) }
        let n = Double(trials), p = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let halfWidth = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
        return (max(0, centre - halfWidth), min(1, centre + halfWidth))
    }
}

/// Every outcome of a batch of runs, summarised.
public struct OutcomeStatistics: Sendable {
    public let runs: Int
    public let numeric: [(name: String, unit: String, summary: QuantileSummary)]
    public let events: [(name: String, probability: EventProbability)]
    public let labels: [(name: String, shares: [(label: String, count: Int)])]

    public init(outcomes: [RunOutcomes]) {
        runs = outcomes.count
        numeric = OutcomeCatalog.numeric.map { outcome in
            (outcome.name, outcome.unit, QuantileSummary(values: outcomes.compactMap(outcome.value)))
        }
        events = OutcomeCatalog.events.map { event in
            (event.name, EventProbability(successes: outcomes.reduce(0) { $0 + (event.happened($1) ? 1 : 0) },
                                          trials: outcomes.count))
        }
        labels = OutcomeCatalog.labels.map { label in
            var counts: [String: Int] = [:]
            for o in outcomes { counts[label.label(o), default: 0] += 1 }
            return (label.name, counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { ($0.key, $0.value) })
        }
    }

    public func summary(_ name: String) -> QuantileSummary? {
        numeric.first { $0.name == name }?.summary
    }

    public func probability(_ name: String) -> EventProbability? {
        events.first { $0.name == name }?.probability
    }
}
