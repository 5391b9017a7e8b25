import XCTest
@testable import Experiments

/// Quantiles checked against SciPy 1.17.1. Every reference number below was printed by the
/// scipy.stats call named next to it, with repr() of the float.
final class DistributionReferenceTests: XCTestCase {
    // MARK: Helpers

    private func assertClose(
        _ actual: Double, _ expected: Double, relative: Double = 1e-12, absolute: Double = 1e-300,
        _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        let tolerance = max(absolute, relative * abs(expected))
        XCTAssert(abs(actual - expected) <= tolerance,
                  "\(what): got \(actual), expected \(expected) (difference \(actual - expected))",
                  file: file, line: line)
    }

    // MARK: Normal

    func testNormalQuantileMatchesSciPy() {
        // scipy.stats.norm.ppf(u)
        let references: [(Double, Double)] = [
            (0.975, 1.959963984540054),
            (0.8, 0.8416212335729143),
            (0.3, -0.5244005127080409),
            (0.08, -1.4050715603096329),
            (0.02, -2.053748910631823),
            (1e-10, -6.361340902404056),
            (1e-300, -37.0470962993612),
            (0.999, 3.090232306167813),
            (1 - 1e-12, 7.0344869100478356),
        ]
        for (u, expected) in references {
            assertClose(Distribution.normal(mean: 0, sd: 1).quantile(u), expected, "norm.ppf(\(u))")
        }
        XCTAssertEqual(Distribution.normal(mean: 0, sd: 1).quantile(0.5), 0)
        // A location and scale move the standard quantile: norm.ppf(0.975, loc=0.2, scale=0.05)
        assertClose(Distribution.normal(mean: 0.2, sd: 0.05).quantile(0.975), 0.2 + 0.05 * 1.959963984540054,
                    "normal(0.2, 0.05) at 0.975")
    }

    func testNormalTailsMatchSciPy() {
        // scipy.stats.norm.cdf(x) and scipy.stats.norm.logsf(-x) (= log cdf(x))
        assertClose(NormalFunctions.cdf(-10), 7.61985302416047e-24, "norm.cdf(-10)")
        assertClose(NormalFunctions.cdf(-1.5), 0.06680720126885807, "norm.cdf(-1.5)")
        assertClose(NormalFunctions.cdf(0.3), 0.6179114221889526, "norm.cdf(0.3)")
        assertClose(NormalFunctions.logCDF(-40), -804.6084420137539, "norm.logsf(40)")
        assertClose(NormalFunctions.logCDF(-10), -53.23128515051248, "norm.logsf(10)")
        assertClose(NormalFunctions.logCDF(2.0), -0.023012909328963476, "norm.logsf(-2)")
        assertClose(NormalFunctions.logCDF(8.0), -6.220960574271742e-16, relative: 1e-9, "norm.logsf(-8)")
    }

    func testNormalQuantileFromLogProbabilityReachesBeyondUnderflow() {
        // log P = -804.6084420137539 is norm.logsf(40): the quantile must come back as -40
        // although P itself (about 1e-350) is not a representable double.
        assertClose(NormalFunctions.quantile(logLowerTail: -804.6084420137539), -40, relative: 1e-12,
                    "quantile at log p of norm.logsf(40)")
    }

    // MARK: Truncated normal

    func testTruncatedNormalQuantileMatchesSciPy() {
        // scipy.stats.truncnorm.ppf(u, a, b): standard normal truncated to [a, b]
        let references: [(u: Double, a: Double, b: Double, expected: Double)] = [
            (0.5, -1, 2, 0.17116391801782482),
            (0.1, -1, 2, -0.704647821094745),
            (0.9, 0, .infinity, 1.6448536269514729),
            (0.5, 8, .infinity, 8.084911007391545),
            (0.3, 8, 9, 8.043792130390242),
            (0.5, 40, .infinity, 40.01731412676465),
            (0.99, -.infinity, -30, -30.00033463833215),
            (0.2, -50, -45, -45.03573347757717),
            (0.7, 1.2, 1.3, 1.2686596472199057),
            (0.95, -3, -2.5, -2.5141090175008145),
        ]
        for r in references {
            let distribution = Distribution.truncatedNormal(mean: 0, sd: 1, low: r.a, high: r.b)
            assertClose(distribution.quantile(r.u), r.expected, relative: 1e-10,
                        "truncnorm.ppf(\(r.u), \(r.a), \(r.b))")
        }
        // Scaled: truncnorm.ppf(0.5, -1, 2, loc=0.5, scale=0.1)
        assertClose(Distribution.truncatedNormal(mean: 0.5, sd: 0.1, low: 0.4, high: 0.7).quantile(0.5),
                    0.5 + 0.1 * 0.17116391801782482, relative: 1e-10, "truncated_normal(0.5, 0.1, 0.4, 0.7)")
    }

    // MARK: Beta

    func testBetaQuantileMatchesSciPy() {
        // scipy.stats.beta.ppf(u, a, b)
        let references: [(u: Double, a: Double, b: Double, expected: Double)] = [
            (0.5, 2, 8, 0.17961961198036097),
            (0.1, 2, 8, 0.06076904965076841),
            (0.9, 2, 8, 0.3683623637899257),
            (0.025, 0.5, 0.5, 0.001541333133436012),
            (0.999, 0.5, 3, 0.855447776691985),
            (1e-6, 0.3, 0.7, 1.6635847967496997e-20),
            (0.7, 30, 50, 0.40267446750062225),
            (0.5, 1, 1, 0.5),
            (0.3, 200, 400, 0.32310549478874184),
            (0.99, 5, 1.5, 0.9891022958529001),
            (1e-8, 2, 3, 4.082594021609242e-05),
        ]
        for r in references {
            let distribution = Distribution.beta(alpha: r.a, beta: r.b)
            assertClose(distribution.quantile(r.u), r.expected, relative: 1e-10,
                        "beta.ppf(\(r.u), \(r.a), \(r.b))")
        }
        // Scaled to 10 ... 20: beta.ppf(0.5, 2, 8, loc=10, scale=10)
        assertClose(Distribution.beta(alpha: 2, beta: 8, low: 10, high: 20).quantile(0.5),
                    10 + 10 * 0.17961961198036097, relative: 1e-10, "beta(2, 8) on 10 ... 20")
    }

    func testIncompleteBetaMatchesSciPy() {
        // scipy.special.betainc(a, b, x)
        assertClose(BetaFunctions.regularizedIncompleteBeta(0.2, a: 2, b: 8), 0.5637923840000003,
                    relative: 1e-12, "betainc(2, 8, 0.2)")
        assertClose(BetaFunctions.regularizedIncompleteBeta(0.9, a: 0.5, b: 0.5), 0.7951672353008665,
                    relative: 1e-12, "betainc(0.5, 0.5, 0.9)")
        assertClose(BetaFunctions.regularizedIncompleteBeta(0.5, a: 30, b: 50), 0.9880901035709994,
                    relative: 1e-12, "betainc(30, 50, 0.5)")
    }

    // MARK: Lognormal

    func testLognormalQuantileMatchesSciPy() {
        // scipy.stats.lognorm.ppf(u, s=sigma, scale=median)
        assertClose(Distribution.lognormal(median: 2, sigma: 0.3).quantile(0.975), 3.600729183494072,
                    "lognorm.ppf(0.975, 0.3, scale=2)")
        assertClose(Distribution.lognormal(median: 0.05, sigma: 1.2).quantile(0.1), 0.010741998230699915,
                    "lognorm.ppf(0.1, 1.2, scale=0.05)")
        assertClose(Distribution.lognormal(median: 3, sigma: 0.4).quantile(0.5), 3.0, "lognorm.ppf(0.5, 0.4, scale=3)")
    }
}
