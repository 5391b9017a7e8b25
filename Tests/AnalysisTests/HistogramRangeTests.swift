import Analysis
import XCTest

/// Histogram axes follow the data: a few runs far out do not squeeze the rest into one bin.
final class HistogramRangeTests: XCTestCase {
    func testALongTailIsLeftOffTheAxisAndCounted() {
        let body = (0..<2000).map { Double($0 % 700) }
        let values = body + [3500, 3400, 3300, 3450, 3499]
        let h = ReportBuilder.histogram(name: "industrial_output_1940", unit: "1928 = 100", values: values, bins: 20)
        XCTAssertLessThanOrEqual(h.edges.last!, 700)
        XCTAssertGreaterThan(h.edges.last!, 690)
        XCTAssertEqual(h.aboveRange, 5 + body.filter { $0 > h.edges.last! }.count)
        XCTAssertNil(h.belowRange, "the short tail keeps its runs")
        XCTAssertEqual(h.edges.first, 0)
        XCTAssertEqual(h.counts.reduce(0, +) + (h.aboveRange ?? 0), values.count)
        XCTAssertGreaterThan(h.counts.filter { $0 > 0 }.count, 15, "the body spreads over the bins")
    }

    func testWithoutALongTailEveryRunIsDrawn() {
        let values = (0..<2000).map { Double($0) }
        let h = ReportBuilder.histogram(name: "x", unit: "", values: values, bins: 20)
        XCTAssertEqual(h.edges.first, 0)
        XCTAssertEqual(h.edges.last, 1999)
        XCTAssertNil(h.aboveRange)
        XCTAssertNil(h.belowRange)
        XCTAssertEqual(h.counts.reduce(0, +), 2000)
    }
}
