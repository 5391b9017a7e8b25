import Experiments
import XCTest

/// The one quantile implementation of the reports (`nepsim report` and `nepsim simulate`).
final class OrderStatisticsTests: XCTestCase {
    /// Quantiles by selection equal those of a full sort, with ties, duplicates and one value.
    func testOrderStatisticsMatchSorting() {
        var generator = SystemRandomNumberGenerator()
        for n in [1, 2, 3, 10, 101, 1000, 4096] {
            for duplicates in [false, true] {
                let values = (0..<n).map { _ in duplicates ? Double(Int.random(in: 0..<5, using: &generator)) : Double.random(in: -1e6...1e6, using: &generator) }
                let sorted = values.sorted()
                var work = values
                let probabilities = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]
                let selected = OrderStatistics.quantiles(&work, probabilities)
                for (q, value) in zip(probabilities, selected) {
                    let position = q * Double(n - 1), lower = Int(position.rounded(.down)), upper = min(lower + 1, n - 1)
                    let expected = sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
                    XCTAssertEqual(value, expected, "n \(n), q \(q)")
                }
            }
        }
    }
}
