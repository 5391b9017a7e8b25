import Foundation

// MARK: - Distribution

/// The uncertainty about one model parameter, as declared in a scenario file.
///
/// A design never samples a distribution directly: it produces a coordinate u in (0, 1) for each
/// uncertain parameter and `quantile(u)` maps it to a value. That keeps every design (Monte Carlo,
/// Latin hypercube, a later Sobol sequence) independent of the distributions it feeds.
public enum Distribution: Sendable, Equatable {
    /// Always `value`.
    case fixed(value: Double)
    /// Uniform on low ... high.
    case uniform(low: Double, high: Double)
    /// Normal with mean and standard deviation; unbounded.
    case normal(mean: Double, sd: Double)
    /// A normal(mean, sd) restricted to low ... high and renormalised.
    case truncatedNormal(mean: Double, sd: Double, low: Double, high: Double)
    /// exp of a normal: `median` is its median, `sigma` the standard deviation of its logarithm.
    case lognormal(median: Double, sigma: Double)
    /// A standard beta(alpha, beta) on 0 ... 1, scaled to low ... high.
    case beta(alpha: Double, beta: Double, low: Double = 0, high: Double = 1)
    /// One of `values`, with probability proportional to its weight.
    case choice(values: [Double], weights: [Double])

    // MARK: Quantile

    /// The inverse CDF: the value below which a share `u` of the distribution lies, u in (0, 1).
    ///
    /// Non-decreasing in u, and always inside `support`. u = 0 or 1 give the ends of the support
    /// (infinite for unbounded distributions).
    public func quantile(_ u: Double) -> Double {
        switch self {
        case .fixed(let value):
            return value
        case .uniform(let low, let high):
            // low + u (high - low) can round just past high; keep it inside.
            return min(high, max(low, low + u * (high - low)))
        case .normal(let mean, let sd):
            return mean + sd * NormalFunctions.quantile(u)
        case .truncatedNormal(let mean, let sd, let low, let high):
            let z = TruncatedNormalFunctions.quantile(u, alpha: (low - mean) / sd, beta: (high - mean) / sd)
            return min(high, max(low, mean + sd * z))
        case .lognormal(let median, let sigma):
            return median * Foundation.exp(sigma * NormalFunctions.quantile(u))
        case .beta(let alpha, let beta, let low, let high):
            let x = BetaFunctions.inverseRegularizedIncompleteBeta(u, a: alpha, b: beta)
            return min(high, max(low, low + x * (high - low)))
        case .choice(let values, let weights):
            return Self.choiceQuantile(u, values: values, weights: weights)
        }
    }

    /// The smallest value (in ascending order of values) whose cumulative weight reaches u.
    private static func choiceQuantile(_ u: Double, values: [Double], weights: [Double]) -> Double {
        let pairs = zip(values, weights).sorted { $0.0 < $1.0 }
        let total = pairs.reduce(0) { $0 + $1.1 }
        var cumulative = 0.0
        for (value, weight) in pairs where weight > 0 {
            cumulative += weight
            if u * total <= cumulative { return value }
        }
        // Rounding left the running sum a hair below u * total: the largest value with weight.
        return pairs.last { $0.1 > 0 }?.0 ?? values.first ?? .nan
    }

    // MARK: CDF

    /// P(X <= x). The inverse of `quantile` for continuous distributions.
    public func cdf(_ x: Double) -> Double {
        switch self {
        case .fixed(let value):
            return x >= value ? 1 : 0
        case .uniform(let low, let high):
            return min(1, max(0, (x - low) / (high - low)))
        case .normal(let mean, let sd):
            return NormalFunctions.cdf((x - mean) / sd)
        case .truncatedNormal(let mean, let sd, let low, let high):
            return TruncatedNormalFunctions.cdf(
                (x - mean) / sd, alpha: (low - mean) / sd, beta: (high - mean) / sd)
        case .lognormal(let median, let sigma):
            return x <= 0 ? 0 : NormalFunctions.cdf(Foundation.log(x / median) / sigma)
        case .beta(let alpha, let beta, let low, let high):
            return BetaFunctions.regularizedIncompleteBeta((x - low) / (high - low), a: alpha, b: beta)
        case .choice(let values, let weights):
            let total = weights.reduce(0, +)
            let below = zip(values, weights).filter { $0.0 <= x }.reduce(0) { $0 + $1.1 }
            return min(1, below / total)
        }
    }

    // MARK: Summaries

    /// The smallest closed interval holding every value `quantile` can return. Unbounded ends are
    /// infinite: normal is -inf ... inf, lognormal 0 ... inf.
    public var support: ClosedRange<Double> {
        switch self {
        case .fixed(let value): return value...value
        case .uniform(let low, let high): return low...high
        case .normal: return -Double.infinity...Double.infinity
        case .truncatedNormal(_, _, let low, let high): return low...high
        case .lognormal: return 0...Double.infinity
        case .beta(_, _, let low, let high): return low...high
        case .choice(let values, _):
            guard let smallest = values.min(), let largest = values.max() else { return 0...0 }
            return smallest...largest
        }
    }

    /// The value at u = 0.5: what a scenario runs with when its uncertainty is switched off.
    public var median: Double {
        switch self {
        case .fixed(let value): return value
        case .normal(let mean, _): return mean
        case .lognormal(let median, _): return median
        default: return quantile(0.5)
        }
    }

    /// True for `fixed`: the parameter takes no design coordinate.
    public var isFixed: Bool {
        if case .fixed = self { return true }
        return false
    }

    /// The distribution's name as written in scenario files: "uniform", "truncated_normal", ...
    public var kindName: String {
        switch self {
        case .fixed: return "fixed"
        case .uniform: return "uniform"
        case .normal: return "normal"
        case .truncatedNormal: return "truncated_normal"
        case .lognormal: return "lognormal"
        case .beta: return "beta"
        case .choice: return "choice"
        }
    }
}

// MARK: - Description

extension Distribution: CustomStringConvertible {
    /// A short form for people, using the scenario file's names: "normal(mean 0.2, sd 0.05)".
    public var description: String {
        let n = Distribution.format
        switch self {
        case .fixed(let value):
            return "fixed(\(n(value)))"
        case .uniform(let low, let high):
            return "uniform(low \(n(low)), high \(n(high)))"
        case .normal(let mean, let sd):
            return "normal(mean \(n(mean)), sd \(n(sd)))"
        case .truncatedNormal(let mean, let sd, let low, let high):
            return "truncated_normal(mean \(n(mean)), sd \(n(sd)), low \(n(low)), high \(n(high)))"
        case .lognormal(let median, let sigma):
            return "lognormal(median \(n(median)), sigma \(n(sigma)))"
        case .beta(let alpha, let beta, let low, let high):
            let scale = (low == 0 && high == 1) ? "" : ", low \(n(low)), high \(n(high))"
            return "beta(alpha \(n(alpha)), beta \(n(beta))\(scale))"
        case .choice(let values, let weights):
            let listed = values.map(n).joined(separator: ", ")
            return "choice(\(listed); weights \(weights.map(n).joined(separator: ", ")))"
        }
    }

    /// Numbers as a person writes them: 1930 rather than 1930.0, 0.05 rather than 5.0e-02.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded() && abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }
}
