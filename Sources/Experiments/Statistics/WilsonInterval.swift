import Foundation

// MARK: - WilsonInterval

/// Wilson's score interval for a probability estimated from `successes` of `trials`: well behaved
/// near 0 and 1, unlike the normal approximation. `nepsim.wilson_interval` (plpgsql) computes the
/// same numbers; `WilsonAgreementTests` holds the two together.
public struct WilsonInterval: Sendable, Equatable {
    public let lower: Double
    public let upper: Double

    /// The interval at `confidence` (0.95 by default). No trials give the uninformative (0, 1).
    public init(successes: Int, trials: Int, confidence: Double = 0.95) {
        precondition(0 < confidence && confidence < 1, "confidence must lie strictly between 0 and 1")
        precondition(trials <= 0 || (0...trials).contains(successes), "successes must lie between 0 and trials")
        guard trials > 0 else {
            lower = 0
            upper = 1
            return
        }
        let z = NormalFunctions.quantile(1 - (1 - confidence) / 2)
        let n = Double(trials), p = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let halfWidth = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
        // At no successes the lower bound is 0 and at all successes the upper is 1 exactly; the
        // formula leaves rounding crumbs (5e-17, 1 - 1e-16) there. plpgsql keeps the crumbs, within
        // the test's tolerance.
        lower = successes == 0 ? 0 : max(0, centre - halfWidth)
        upper = successes == trials ? 1 : min(1, centre + halfWidth)
    }
}
