import XCTest
@testable import Experiments

/// Properties every distribution must have, checked over many coordinates including the far tails.
final class DistributionPropertyTests: XCTestCase {
    private let continuous: [Distribution] = [
        .uniform(low: 0.05, high: 0.09),
        .normal(mean: 0.2, sd: 0.05),
        .truncatedNormal(mean: 0.5, sd: 0.1, low: 0, high: 1),
        .truncatedNormal(mean: 0, sd: 1, low: 6, high: 7),          // deep upper tail
        .truncatedNormal(mean: 0, sd: 1, low: -60, high: -50),      // beyond double underflow of Φ
        .truncatedNormal(mean: 1930, sd: 0.5, low: 1929, high: 1941),
        .lognormal(median: 2, sigma: 0.3),
        .lognormal(median: 0.01, sigma: 2),
        .beta(alpha: 2, beta: 8),
        .beta(alpha: 0.5, beta: 0.5),
        .beta(alpha: 0.3, beta: 4, low: 10, high: 20),
        .beta(alpha: 150, beta: 40),
    ]

    /// 2000 coordinates spread evenly, plus points very close to 0 and 1.
    private var coordinates: [Double] {
        let grid = (0..<2000).map { (Double($0) + 0.5) / 2000 }
        return ([1e-15, 1e-12, 1e-9, 1e-6] + grid + [1 - 1e-6, 1 - 1e-9, 1 - 1e-12]).sorted()
    }

    /// The design's prepared sampler must draw exactly what the distribution's own quantile gives,
    /// or a sweep's numbers would depend on the code path (determinism).
    func testPreparedQuantileIsBitIdentical() {
        let distributions: [Distribution] = [
            .truncatedNormal(mean: 76, sd: 2, low: 72, high: 80),
            .truncatedNormal(mean: 0.25, sd: 0.01, low: 0.23, high: 0.27),
            .truncatedNormal(mean: 0.8, sd: 0.1, low: 0.6, high: 1.0),
            .truncatedNormal(mean: 0, sd: 1, low: 2, high: 9),      // upper tail: not prepared
            .truncatedNormal(mean: 0, sd: 1, low: -40, high: -3),   // lower tail: not prepared
            .uniform(low: 0.2, high: 0.3), .beta(alpha: 18, beta: 2, low: 0, high: 1),
            .choice(values: [2, 3, 4], weights: [1, 2, 1]),
        ]
        for distribution in distributions {
            let prepared = PreparedQuantile(distribution)
            for k in 0...1000 {
                let u = Double(k) / 1000
                XCTAssertEqual(prepared.quantile(u).bitPattern, distribution.quantile(u).bitPattern, "\(distribution) at u = \(u)")
            }
            XCTAssertEqual(prepared.quantile(1e-300).bitPattern, distribution.quantile(1e-300).bitPattern)
            XCTAssertEqual(prepared.quantile(1 - 1e-16).bitPattern, distribution.quantile(1 - 1e-16).bitPattern)
        }
    }

    func testQuantileIsMonotoneAndInsideSupport() {
        for distribution in continuous + [.fixed(value: 3), .choice(values: [1930, 1929, 1931], weights: [3, 7, 0])] {
            var previous = -Double.infinity
            for u in coordinates {
                let x = distribution.quantile(u)
                XCTAssertFalse(x.isNaN, "\(distribution) at \(u) is NaN")
                XCTAssertGreaterThanOrEqual(x, previous, "\(distribution) decreases at u = \(u)")
                XCTAssertTrue(distribution.support.contains(x), "\(distribution) at \(u) gives \(x), outside \(distribution.support)")
                previous = x
            }
        }
    }

    /// The quantile is within a few ulps of the exact one: u lies between the CDF just below and
    /// just above the returned x. (Comparing cdf(quantile(u)) with u directly would blame the
    /// quantile for what doubles cannot hold: beta(0.3, 4) on 10 ... 20 at u = 1e-9 lies within
    /// 1e-28 of 10.)
    func testQuantileIsWithinFourUlpsOfTheExactInverse() {
        for distribution in continuous {
            for u in coordinates {
                let x = distribution.quantile(u)
                let slack = 4 * max(x.ulp, Double.leastNormalMagnitude)
                let below = distribution.cdf(x - slack), above = distribution.cdf(x + slack)
                let tolerance = 1e-12 * min(u, 1 - u) + 1e-15
                XCTAssertTrue(below <= u + tolerance && above >= u - tolerance,
                              "\(distribution): quantile(\(u)) = \(x), but cdf there runs \(below) ... \(above)")
            }
        }
    }

    func testMedianIsQuantileAtOneHalf() {
        for distribution in continuous {
            XCTAssertEqual(distribution.median, distribution.quantile(0.5), accuracy: 1e-12 * max(1, abs(distribution.median)),
                           "\(distribution)")
            XCTAssertEqual(distribution.cdf(distribution.median), 0.5, accuracy: 1e-10, "\(distribution)")
        }
    }

    func testChoiceFollowsWeightsInAscendingOrderOfValues() {
        let distribution = Distribution.choice(values: [1930, 1929, 1931], weights: [3, 7, 0])
        let grid = (0..<10_000).map { (Double($0) + 0.5) / 10_000 }
        let counts = Dictionary(grouping: grid.map(distribution.quantile), by: { $0 }).mapValues(\.count)
        XCTAssertEqual(counts[1929], 7000)
        XCTAssertEqual(counts[1930], 3000)
        XCTAssertNil(counts[1931], "a zero-weight value must never be drawn")
        XCTAssertEqual(distribution.support, 1929...1931)
    }

    func testSupportOfUnboundedDistributions() {
        XCTAssertEqual(Distribution.normal(mean: 0, sd: 1).support, -Double.infinity...Double.infinity)
        XCTAssertEqual(Distribution.lognormal(median: 1, sigma: 1).support, 0...Double.infinity)
        XCTAssertEqual(Distribution.beta(alpha: 2, beta: 3).support, 0...1)
    }

    func testDescriptionsUseScenarioFileNames() {
        XCTAssertEqual(Distribution.normal(mean: 0.2, sd: 0.05).description, "normal(mean 0.2, sd 0.05)")
        XCTAssertEqual(Distribution.uniform(low: 0.1, high: 1.4).description, "uniform(low 0.1, high 1.4)")
        XCTAssertEqual(Distribution.truncatedNormal(mean: 0.5, sd: 0.1, low: 0, high: 1).description,
                       "truncated_normal(mean 0.5, sd 0.1, low 0, high 1)")
        XCTAssertEqual(Distribution.beta(alpha: 2, beta: 8).description, "beta(alpha 2, beta 8)")
        XCTAssertEqual(Distribution.choice(values: [1929, 1930], weights: [0.7, 0.3]).description,
                       "choice(1929, 1930; weights 0.7, 0.3)")
    }
}
