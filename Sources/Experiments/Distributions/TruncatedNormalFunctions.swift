import Foundation

// MARK: - Standard normal truncated to [alpha, beta]

/// Quantile and CDF of a standard normal restricted to [alpha, beta], stable in the far tails.
///
/// The naive Φ⁻¹(Φ(α) + u (Φ(β) − Φ(α))) fails when the interval lies deep in a tail: Φ(α) and
/// Φ(β) round to the same number (or to 0 or 1). Here an interval in the upper tail works with
/// upper-tail probabilities, one in the lower tail with lower-tail ones, both in log space, so
/// only the ratio of the two tail masses matters.
enum TruncatedNormalFunctions {
    /// The x in [alpha, beta] at which the truncated CDF equals u.
    static func quantile(_ u: Double, alpha: Double, beta: Double) -> Double {
        if u <= 0 { return alpha }
        if u >= 1 { return beta }
        let x: Double
        if alpha >= 0 {
            // S(x) = S(α) [(1 − u) + u S(β)/S(α)], S the upper tail; Φ(−x) = S(x).
            let logAlpha = NormalFunctions.logUpperTail(alpha)
            let ratio = Foundation.exp(NormalFunctions.logUpperTail(beta) - logAlpha)
            let logTail = logAlpha + Foundation.log((1 - u) + u * ratio)
            x = -NormalFunctions.quantile(logLowerTail: logTail)
        } else if beta <= 0 {
            // Φ(x) = Φ(β) [u + (1 − u) Φ(α)/Φ(β)].
            let logBeta = NormalFunctions.logCDF(beta)
            let ratio = Foundation.exp(NormalFunctions.logCDF(alpha) - logBeta)
            let logLower = logBeta + Foundation.log(u + (1 - u) * ratio)
            x = NormalFunctions.quantile(logLowerTail: logLower)
        } else {
            let lowerAlpha = NormalFunctions.cdf(alpha)
            return centralQuantile(u, alpha: alpha, beta: beta, lowerAlpha: lowerAlpha,
                                   mass: NormalFunctions.cdf(beta) - lowerAlpha, upperBeta: NormalFunctions.upperTail(beta))
        }
        return min(max(x, alpha), beta)
    }

    /// The quantile when α < 0 < β, given Φ(α), the mass Φ(β) - Φ(α) and 1 - Φ(β) (which a
    /// prepared sampler computes once). The interval holds the mode, so its mass is at least that
    /// of [0, min(|α|, β)] and nothing cancels; invert from whichever tail is smaller.
    static func centralQuantile(_ u: Double, alpha: Double, beta: Double,
                                lowerAlpha: Double, mass: Double, upperBeta: Double) -> Double {
        if u <= 0 { return alpha }
        if u >= 1 { return beta }
        let x: Double
        let lower = lowerAlpha + u * mass
        if lower <= 0.5 {
            x = NormalFunctions.quantile(lower)
        } else {
            x = -NormalFunctions.quantile(upperBeta + (1 - u) * mass)
        }
        return min(max(x, alpha), beta)
    }

    /// P(X <= x) for the standard normal truncated to [alpha, beta].
    static func cdf(_ x: Double, alpha: Double, beta: Double) -> Double {
        if x <= alpha { return 0 }
        if x >= beta { return 1 }
        if alpha >= 0 {
            let logAlpha = NormalFunctions.logUpperTail(alpha)
            let taken = -Foundation.expm1(NormalFunctions.logUpperTail(x) - logAlpha)
            let total = -Foundation.expm1(NormalFunctions.logUpperTail(beta) - logAlpha)
            return taken / total
        }
        if beta <= 0 {
            let logBeta = NormalFunctions.logCDF(beta)
            let below = Foundation.exp(NormalFunctions.logCDF(x) - logBeta)
            let floor = Foundation.exp(NormalFunctions.logCDF(alpha) - logBeta)
            return (below - floor) / (1 - floor)
        }
        let lowerAlpha = NormalFunctions.cdf(alpha)
        return (NormalFunctions.cdf(x) - lowerAlpha) / (NormalFunctions.cdf(beta) - lowerAlpha)
    }
}
