import Foundation
import XCTest
@testable import Analysis

/// The HTML report as text: self-contained, every chart present with marks, text escaped, missing
/// and broken values handled.
final class HTMLReportTests: XCTestCase {
    // MARK: - Helpers

    /// Each chart's `<svg ...>...</svg>` markup by its data-chart name.
    static func charts(in html: String) -> [String: String] {
        var charts: [String: String] = [:]
        var rest = html[...]
        while let open = rest.range(of: "<svg class=\"chart\""), let close = rest[open.upperBound...].range(of: "</svg>") {
            let svg = String(rest[open.lowerBound..<close.upperBound])
            if let nameStart = svg.range(of: "data-chart=\""), let nameEnd = svg[nameStart.upperBound...].firstIndex(of: "\"") {
                charts[String(svg[nameStart.upperBound..<nameEnd])] = svg
            }
            rest = rest[close.upperBound...]
        }
        return charts
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Data marks: rects, paths and circles of class "mark".
    static func marks(in svg: String) -> Int {
        occurrences(of: "class=\"mark", in: svg)
    }

    // MARK: - Self-contained and well-formed

    func testIsOneSelfContainedPage() {
        let html = HTMLReport.render(HTMLReportFixtures.report())
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(html.contains("http://"), "no network references")
        XCTAssertFalse(html.contains("https://"), "no network references")
        XCTAssertFalse(html.contains("<script"), "no JavaScript")
        XCTAssertFalse(html.contains("<link"), "no external style sheets")
        XCTAssertFalse(html.contains("src="), "no external images or scripts")
        XCTAssertTrue(html.contains("<style>"))
        XCTAssertLessThan(html.utf8.count, 250_000, "modest in size: aggregates only")
    }

    func testEverySVGIsClosedAndNoneIsNested() {
        let html = HTMLReport.render(HTMLReportFixtures.report())
        let opens = Self.occurrences(of: "<svg", in: html)
        XCTAssertGreaterThan(opens, 10)
        XCTAssertEqual(opens, Self.occurrences(of: "</svg>", in: html))
        var depth = 0
        for piece in html.components(separatedBy: "<svg").dropFirst() {
            depth += 1
            XCTAssertEqual(depth, 1, "an <svg> opened inside another")
            depth -= Self.occurrences(of: "</svg>", in: piece)
        }
        XCTAssertEqual(Self.occurrences(of: "<table", in: html), Self.occurrences(of: "</table>", in: html))
        XCTAssertEqual(Self.occurrences(of: "<section", in: html), Self.occurrences(of: "</section>", in: html))
    }

    // MARK: - Charts

    func testEveryHistogramFanAndComparisonHasAChartWithMarks() {
        let charts = Self.charts(in: HTMLReport.render(HTMLReportFixtures.report()))
        var expected = HTMLReportFixtures.histogramOutcomes.map { "histogram:\($0)" }
        expected += HTMLReportFixtures.fanSeries.map { "fan:\($0)" }
        expected += ["comparison-histogram:famine_deaths_total", "comparison-histogram:industrial_output_1940"]
        expected += ["famine_1932_33", "collectivization_complete_1934", "stalin_leads_1940", "bukharin_returns"].map { "forest:\($0)" }
        for name in expected {
            guard let svg = charts[name] else { XCTFail("no chart \(name)"); continue }
            XCTAssertGreaterThan(Self.marks(in: svg), 0, "\(name) has marks")
            XCTAssertTrue(svg.contains("<title>"), "\(name) has a title")
            XCTAssertFalse(svg.contains("data-empty"), "\(name) is not empty")
        }
        // Only the outcome present in both branches is compared.
        XCTAssertNil(charts["comparison-histogram:urban_population_1939_m"])
        XCTAssertEqual(Set(charts.keys), Set(expected))
    }

    func testHistogramHasAxesTickLabelsTitleAndUnit() throws {
        let charts = Self.charts(in: HTMLReport.render(HTMLReportFixtures.report()))
        let svg = try XCTUnwrap(charts["histogram:famine_deaths_total"])
        XCTAssertEqual(Self.occurrences(of: "<rect", in: svg), 30, "one bar per non-empty bin")
        XCTAssertTrue(svg.contains(">famine_deaths_total</text>"), "visible title")
        XCTAssertTrue(svg.contains(">persons</text>"), "unit on the x axis")
        XCTAssertTrue(svg.contains(">runs</text>"), "y axis label")
        XCTAssertTrue(svg.contains(">10M</text>") && svg.contains(">30M</text>"), "compact tick labels")
        XCTAssertTrue(svg.contains("class=\"axis\""))
    }

    func testFanHasBandsMedianAndYears() throws {
        let charts = Self.charts(in: HTMLReport.render(HTMLReportFixtures.report()))
        let svg = try XCTUnwrap(charts["fan:harvest_mt"])
        XCTAssertTrue(svg.contains("class=\"mark band-outer\""))
        XCTAssertTrue(svg.contains("class=\"mark band-inner\""))
        XCTAssertTrue(svg.contains("class=\"mark median\""))
        XCTAssertTrue(svg.contains(">1940</text>"), "the last year is labelled")
        XCTAssertEqual(Self.occurrences(of: "median-point", in: svg), 14, "a point per year 1927-1940")
    }

    func testComparisonOverlaysBothBranchesWithALegend() throws {
        let html = HTMLReport.render(HTMLReportFixtures.report())
        let svg = try XCTUnwrap(Self.charts(in: html)["comparison-histogram:famine_deaths_total"])
        XCTAssertTrue(svg.contains("class=\"mark left\""))
        XCTAssertTrue(svg.contains("class=\"mark right\""))
        XCTAssertTrue(svg.contains(">not famine_1932_33 ("), "legend names the branches")
        XCTAssertTrue(svg.contains(">famine_1932_33 ("), "legend names the branches")
        XCTAssertTrue(svg.contains("share of branch runs"))
        XCTAssertTrue(html.contains("<table class=\"comparison\">"))
        XCTAssertTrue(html.contains("+5,000,000"), "median difference with thousands separators")
        XCTAssertTrue(html.contains("+2.6 pp"), "probability difference in percentage points")
        XCTAssertTrue(html.contains("+0.7 pp to +4.5 pp"), "interval of the difference")
    }

    // MARK: - Escaping and missing values

    func testEscapesTheGivenCondition() {
        let given = "famine_1932_33 = true and <script>alert(\"x\")</script> & leader = 'Kirov'"
        let html = HTMLReport.render(HTMLReportFixtures.report(given: given))
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertTrue(html.contains(
            "famine_1932_33 = true and &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; leader = &#39;Kirov&#39;"))
        XCTAssertTrue(html.contains("1,873 of 2,000 runs where"))
    }

    func testWithoutAConditionNoWhere() {
        let html = HTMLReport.render(HTMLReportFixtures.report(given: nil))
        XCTAssertTrue(html.contains("1,873 of 2,000 runs</dd>"))
    }

    func testNilValuesPrintADash() throws {
        let html = HTMLReport.render(HTMLReportFixtures.report())
        let row = try XCTUnwrap(html.components(separatedBy: "<tr>").first { $0.contains("gulag_population_1940") && $0.contains("persons") })
        XCTAssertEqual(Self.occurrences(of: "<td class=\"num\">-</td>", in: row) + Self.occurrences(of: "<strong>-</strong>", in: row), 7)
        let comparisonRow = try XCTUnwrap(html.components(separatedBy: "<tr>").first { $0.contains("urban_population_1939_m</code></td><td>median") })
        XCTAssertEqual(Self.occurrences(of: "<td class=\"num\">-</td>", in: comparisonRow), 3)
        XCTAssertTrue(comparisonRow.contains("<td class=\"num\">56.20</td>"))
    }

    func testNumbersAreFormattedForPeople() {
        let html = HTMLReport.render(HTMLReportFixtures.report())
        XCTAssertTrue(html.contains("<strong>4,100,000</strong>"), "median famine deaths in whole persons")
        XCTAssertTrue(html.contains("4,512,346"), "mean rounded to a person")
        XCTAssertTrue(html.contains("<strong>63.2%</strong>"), "probability as a percentage")
        XCTAssertTrue(html.contains("1,184 of 1,873"))
        XCTAssertEqual(Numbers.number(452.3, unit: "1928 = 100"), "452.3")
        XCTAssertEqual(Numbers.number(56.1, unit: "million"), "56.10")
        XCTAssertEqual(Numbers.number(0.01234, unit: ""), "0.0123")
        XCTAssertEqual(Numbers.number(-1234567, unit: ""), "-1,234,567")
        XCTAssertEqual(Numbers.number(-0.0001, unit: "persons"), "0")
        XCTAssertEqual(Numbers.number(nil), "-")
        XCTAssertEqual(Numbers.number(.nan), "-")
        XCTAssertEqual(Numbers.number(.infinity), "-")
        XCTAssertEqual(HTMLReport.Ticks(covering: 0, 29_000_000).values.map(HTMLReport.Ticks(covering: 0, 29_000_000).label),
                       ["0", "5M", "10M", "15M", "20M", "25M", "30M"])
        XCTAssertEqual(HTMLReport.Ticks(covering: 0, 3_400_000).label(2_500_000), "2.5M")
        XCTAssertEqual(HTMLReport.Ticks(covering: 0, 0.09, count: 4).label(0.02), "0.02")
        XCTAssertEqual(Numbers.trimmed("0.800"), "0.8")
    }

    // MARK: - Empty and broken data

    func testEmptyFansProduceTheNote() {
        var data = HTMLReportFixtures.report()
        data.fans = []
        let html = HTMLReport.render(data)
        XCTAssertTrue(html.contains("stored no yearly series"))
        XCTAssertTrue(html.contains("<code>--series all</code>"))
        XCTAssertFalse(html.contains("data-chart=\"fan:"))
    }

    func testEmptyHistogramSaysNoDataWithoutMarks() throws {
        var data = HTMLReportFixtures.report()
        data.histograms[0] = .init(outcome: "famine_deaths_total", unit: "persons", edges: [], counts: [])
        let svg = try XCTUnwrap(Self.charts(in: HTMLReport.render(data))["histogram:famine_deaths_total"])
        XCTAssertTrue(svg.contains("data-empty=\"true\""))
        XCTAssertTrue(svg.contains("no data"))
        XCTAssertEqual(Self.marks(in: svg), 0)
        XCTAssertFalse(svg.contains("<rect") || svg.contains("<path") || svg.contains("<line"), "no marks without data")
    }

    func testZeroVarianceHistogramDrawsOneBar() throws {
        var data = HTMLReportFixtures.report()
        // What ReportBuilder.histogram stores when every run has the same value.
        data.histograms[0] = .init(outcome: "famine_deaths_total", unit: "persons", edges: [5_000_000, 5_000_000], counts: [1873])
        let svg = try XCTUnwrap(Self.charts(in: HTMLReport.render(data))["histogram:famine_deaths_total"])
        XCTAssertEqual(Self.marks(in: svg), 1)
        XCTAssertTrue(svg.contains("all 1,873 runs at 5,000,000"))
        XCTAssertFalse(svg.contains("width=\"0.0\""), "the bar is visible")
    }

    func testNonFiniteAndRaggedValuesAreSkipped() throws {
        var data = HTMLReportFixtures.report()
        data.numeric[0].mean = .nan
        data.numeric[0].sd = .infinity
        data.events[0].upper = .nan
        data.histograms[1].edges[3] = .infinity
        data.fans[0].p50[5] = .nan
        data.fans[1].p95.removeLast(4) // ragged: the fan stops at 1936
        data.fans[2] = .init(series: "famine_deaths", unit: "persons", years: [1932], runs: 1, sampledEvery: 1, p05: [.nan], p25: [1], p50: [2], p75: [3], p95: [4])
        let html = HTMLReport.render(data)
        for word in ["nan", "NaN", "inf"] {
            XCTAssertFalse(html.components(separatedBy: ">").contains { $0.hasPrefix(word) }, "no \(word) printed")
        }
        XCTAssertFalse(html.contains("=\"nan") || html.contains("=\"inf") || html.contains("=\"-nan"), "no NaN coordinates")
        let charts = Self.charts(in: html)
        XCTAssertEqual(charts["histogram:industrial_output_1940"].map { $0.contains("data-empty") }, true)
        XCTAssertEqual(charts["forest:famine_1932_33"].map { $0.contains("data-empty") }, true)
        XCTAssertEqual(charts["fan:famine_deaths"].map { $0.contains("data-empty") }, true)
        let fan = try XCTUnwrap(charts["fan:harvest_mt"])
        XCTAssertEqual(Self.occurrences(of: "median-point", in: fan), 13, "the NaN year is left out")
        XCTAssertEqual(charts["fan:procurement_mt"].map { Self.occurrences(of: "median-point", in: $0) }, 10)
    }

    func testOnlyOneYearStillDrawsAFan() throws {
        var data = HTMLReportFixtures.report()
        data.fans = [.init(series: "harvest_mt", unit: "Mt", years: [1927], runs: 1, sampledEvery: 1, p05: [60], p25: [66], p50: [70], p75: [74], p95: [80])]
        let svg = try XCTUnwrap(Self.charts(in: HTMLReport.render(data))["fan:harvest_mt"])
        XCTAssertEqual(Self.occurrences(of: "<rect x=", in: svg) - 2, 2, "two band boxes beside the two legend swatches")
        XCTAssertTrue(svg.contains(">1927</text>"))
    }
}
