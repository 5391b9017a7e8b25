import Analysis
import Experiments
import Foundation
import PostgresStore
import SimulationCore
import XCTest

/// The SQL analysis objects against known values and against the same statistics computed in
/// Swift from the rows.
final class SQLAnalysisTests: XCTestCase {
    func testWilsonIntervalKnownValues() throws {
        let db = try AnalysisFixture.connection()
        // Known values of the Wilson score interval at 95% (e.g. Newcombe 1998, table I; and the
        // closed form): (successes, trials) -> (lower, upper).
        let known: [(Int, Int, Double, Double)] = [
            (5, 10, 0.2366, 0.7634), (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
        ]
        for (successes, trials, lower, upper) in known {
            let row = try db.query("SELECT lower, upper FROM nepsim.wilson_interval(\(bind: successes), \(bind: trials))")
            XCTAssertEqual(row.double(0, "lower")!, lower, accuracy: 0.00006, "\(successes)/\(trials)")
            XCTAssertEqual(row.double(0, "upper")!, upper, accuracy: 0.00006, "\(successes)/\(trials)")
        }
        let ninetyNine = try db.query("SELECT lower, upper FROM nepsim.wilson_interval(50, 100, 0.99)")
        XCTAssertEqual(ninetyNine.double(0, "lower")!, 0.3753, accuracy: 0.0001)  // z = 2.5758
        XCTAssertEqual(ninetyNine.double(0, "upper")!, 0.6247, accuracy: 0.0001)
        XCTAssertThrowsError(try db.query("SELECT * FROM nepsim.wilson_interval(11, 10)"))
        XCTAssertEqual(try db.query("SELECT upper FROM nepsim.wilson_interval(0, 0)").double(0, "upper"), 1)
    }

    func testDistributionViewMatchesSwiftStatisticsFromTheRows() throws {
        let (_, sweep) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        for outcome in ["famine_deaths_total", "industrial_output_1940", "collectivization_year", "readiness_1941"] {
            let values = try db.query("SELECT \(raw: outcome) AS v FROM nepsim.runs WHERE sweep_id = \(bind: sweep)")
                .rows.compactMap { $0[0].flatMap(Double.init) }
            let swift = ReportData.Quantiles(name: outcome, unit: "", column: values)
            let view = try db.query("SELECT * FROM nepsim.outcome_distributions WHERE sweep_id = \(bind: sweep) AND outcome = \(bind: outcome)")
            XCTAssertEqual(view.int(0, "n"), swift.n, outcome)
            for (column, expected) in [("mean", swift.mean), ("p05", swift.p05), ("p25", swift.p25), ("p50", swift.p50),
                                       ("p75", swift.p75), ("p95", swift.p95)] {
                let got = try XCTUnwrap(view.double(0, column)), want = try XCTUnwrap(expected)
                XCTAssertEqual(got, want, accuracy: 1e-9 * max(1, abs(want)), "\(outcome).\(column)")
            }
            let mean = swift.mean!
            let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
            XCTAssertEqual(view.double(0, "sd")!, sd, accuracy: 1e-6 * max(1, sd), outcome)
        }
        XCTAssertEqual(try db.query("SELECT count(DISTINCT outcome) AS n FROM nepsim.outcome_distributions WHERE sweep_id = \(bind: sweep)").int(0, "n"), OutcomeCatalog.numeric.count)
    }

    func testEventViewMatchesCountsFromTheRows() throws {
        let (_, sweep) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        let view = try db.query("SELECT * FROM nepsim.event_probabilities WHERE sweep_id = \(bind: sweep)")
        XCTAssertEqual(view.rows.count, OutcomeCatalog.events.count)
        for row in 0..<view.rows.count {
            let event = view.string(row, "event")!
            let counted = try db.query("SELECT count(*) FILTER (WHERE \(raw: event)) AS s, count(*) AS n FROM nepsim.runs WHERE sweep_id = \(bind: sweep)")
            let s = counted.int(0, "s")!, n = counted.int(0, "n")!
            XCTAssertEqual(view.int(row, "successes"), s, event)
            XCTAssertEqual(view.int(row, "trials"), n, event)
            XCTAssertEqual(view.double(row, "probability")!, Double(s) / Double(n), accuracy: 1e-12)
            let interval = WilsonInterval(successes: s, trials: n)
            XCTAssertEqual(view.double(row, "ci95_lower")!, interval.lower, accuracy: 1e-8, event)
            XCTAssertEqual(view.double(row, "ci95_upper")!, interval.upper, accuracy: 1e-8, event)
        }
    }

    func testFanViewMatchesTheYearlyRows() throws {
        let (_, sweep) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        for year in [1927, 1932, 1940] {
            let values = try db.query("SELECT harvest_mt FROM nepsim.run_years WHERE sweep_id = \(bind: sweep) AND year = \(bind: year)").rows.compactMap { $0[0].flatMap(Double.init) }
            XCTAssertEqual(values.count, 1500)
            let swift = ReportData.Quantiles(name: "harvest_mt", unit: "Mt", column: values)
            let view = try db.query("SELECT p05, p50, p95 FROM nepsim.yearly_fans WHERE sweep_id = \(bind: sweep) AND series = 'harvest_mt' AND year = \(bind: year)")
            XCTAssertEqual(view.double(0, "p05")!, swift.p05!, accuracy: 1e-9)
            XCTAssertEqual(view.double(0, "p50")!, swift.p50!, accuracy: 1e-9)
            XCTAssertEqual(view.double(0, "p95")!, swift.p95!, accuracy: 1e-9)
        }
    }

    /// A sweep with more runs than the fan charts read: they take the design's first 1/k of
    /// points, and their quantiles are those of exactly those runs' yearly rows.
    func testSampledFansAreTheFirstPointsYearlyQuantiles() throws {
        let (_, sweep) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        let points: Int = try db.query("SELECT points FROM nepsim.sweeps WHERE sweep_id = \(bind: sweep)").value(0, "points")
        let report = try ReportBuilder.build(ReportRequest(sweep: String(sweep)), on: db, fanRunLimit: 500)
        let harvest = try XCTUnwrap(report.fans.first { $0.series == "harvest_mt" })
        XCTAssertEqual(harvest.sampledEvery, 3)
        let firstPoints = (points + 2) / 3
        let sampled: Int = try db.query("""
            SELECT count(*) AS n FROM nepsim.runs WHERE sweep_id = \(bind: sweep) AND point < \(bind: firstPoints)
            """).value(0, "n")
        XCTAssertEqual(harvest.runs, sampled)
        XCTAssertLessThan(sampled, 1500)
        XCTAssert(report.fanSampleNote.contains("the first 1/3 of the design's points"), report.fanSampleNote)
        for (index, year) in harvest.years.enumerated() where [1927, 1933, 1940].contains(year) {
            let values = try db.query("""
                SELECT harvest_mt FROM nepsim.run_years WHERE sweep_id = \(bind: sweep) AND year = \(bind: year)
                  AND point < \(bind: firstPoints)
                """).rows.compactMap { $0[0].flatMap(Double.init) }
            let swift = ReportData.Quantiles(name: "harvest_mt", unit: "Mt", column: values)
            XCTAssertEqual(harvest.p50[index], swift.p50!, accuracy: 1e-9, "\(year)")
            XCTAssertEqual(harvest.p05[index], swift.p05!, accuracy: 1e-9, "\(year)")
        }
    }

    func testCompareBranchesInSQLAgreesWithTheReportsSwiftComparison() throws {
        let (_, sweep) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        let sql = try db.query("SELECT * FROM nepsim.compare_branches(\(bind: sweep), 'stalin_died_1926')")
        let report = try ReportBuilder.build(ReportRequest(sweep: String(sweep), splitBy: "stalin_died_1926"), on: db)
        let comparison = try XCTUnwrap(report.comparison)
        XCTAssertEqual(sql.rows.count, comparison.rows.count)
        for row in comparison.rows {
            let index = try XCTUnwrap(sql.rows.firstIndex { $0[0] == row.name && $0[1] == row.kind }, row.name)
            for (column, value) in [("if_true", row.left), ("if_false", row.right), ("difference", row.difference),
                                    ("ci95_lower", row.lower), ("ci95_upper", row.upper)] {
                guard let value, let got = sql.double(index, column) else { continue }
                XCTAssertEqual(got, value, accuracy: 1e-6 * max(1, abs(value)), "\(row.name).\(column)")
            }
        }
        // The bullet's effect on famine: the interval must exclude zero in this sweep.
        let famine = try XCTUnwrap(comparison.rows.first { $0.name == "famine_over_1m" })
        XCTAssertLessThan(try XCTUnwrap(famine.upper), 0)
        XCTAssertThrowsError(try db.query("SELECT * FROM nepsim.compare_branches(\(bind: sweep), 'famine_deaths_total')")) {
            XCTAssert("\($0)".contains("is not an event"), "\($0)")
        }
    }

    /// Every query in docs/queries.md runs against a real sweep and returns rows.
    func testEveryDocumentedQueryRuns() throws {
        let (_, sweep) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        let text = try String(contentsOf: AnalysisFixture.root.appendingPathComponent("docs/queries.md"), encoding: .utf8)
        let blocks = text.components(separatedBy: "```sql\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        XCTAssertGreaterThanOrEqual(blocks.count, 10)
        for block in blocks {
            let sql = block
                .replacingOccurrences(of: "sweep_id = 1", with: "sweep_id = \(sweep)")
                .replacingOccurrences(of: "compare_branches(1,", with: "compare_branches(\(sweep),")
            let result = try db.query(SQLQuery(raw: sql))
            XCTAssertGreaterThan(result.rows.count, 0, "no rows from:\n\(sql)")
        }
        let readme = try String(contentsOf: AnalysisFixture.root.appendingPathComponent("README.md"), encoding: .utf8)
        let readmeBlocks = readme.components(separatedBy: "```sql\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        for block in readmeBlocks {
            for statement in block.components(separatedBy: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                where !statement.isEmpty && !statement.split(separator: "\n").allSatisfy({ $0.hasPrefix("--") }) {
                let sql = statement.replacingOccurrences(of: "sweep_id = 1", with: "sweep_id = \(sweep)")
                XCTAssertNoThrow(try db.query(SQLQuery(raw: sql)), sql)
            }
        }
    }
}
