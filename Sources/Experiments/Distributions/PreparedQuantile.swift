import Foundation

// MARK: - PreparedQuantile

/// A distribution ready to be sampled at every design point: the parts of its quantile that do not
/// depend on u are worked out once. It returns exactly what `Distribution.quantile` returns (the
/// same operations in the same order), so a sweep's numbers do not depend on which path drew them.
struct PreparedQuantile: Sendable {
    let distribution: Distribution
    /// For a truncated normal whose interval holds the mode: Φ(α), Φ(β) - Φ(α) and 1 - Φ(β).
    private let centralTruncation: (lowerAlpha: Double, mass: Double, upperBeta: Double)?

    init(_ distribution: Distribution) {
        self.distribution = distribution
        if case .truncatedNormal(let mean, let sd, let low, let high) = distribution {
            let alpha = (low - mean) / sd, beta = (high - mean) / sd
            if alpha < 0 && beta > 0 {
                let lowerAlpha = NormalFunctions.cdf(alpha)
                centralTruncation = (lowerAlpha, NormalFunctions.cdf(beta) - lowerAlpha, NormalFunctions.upperTail(beta))
                return
            }
        }
        centralTruncation = nil
    }

    func quantile(_ u: Double) -> Double {
        guard let central = centralTruncation,
              case .truncatedNormal(let mean, let sd, let low, let high) = distribution else {
            return distribution.quantile(u)
        }
        let alpha = (low - mean) / sd, beta = (high - mean) / sd
        let z = TruncatedNormalFunctions.centralQuantile(u, alpha: alpha, beta: beta, lowerAlpha: central.lowerAlpha,
                                                         mass: central.mass, upperBeta: central.upperBeta)
        return min(high, max(low, mean + sd * z))
    }
}
