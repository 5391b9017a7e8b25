import Experiments
import XCTest

/// The Wilson interval exists twice, in Swift (`WilsonInterval`, behind every report and
/// `nepsim simulate`) and in plpgsql (`nepsim.wilson_interval`, behind the SQL views and
/// `--until-ci`): this test holds the two together over a grid that includes no successes, all
/// successes, no trials and confidence levels other than 95%. (The Newcombe comparison is held
/// to `nepsim.compare_branches` by `SQLAnalysisTests.testCompareBranchesInSQLAgreesWithTheReportsSwiftComparison`.)
final class WilsonAgreementTests: XCTestCase {
    func testSQLAndSwiftAgreeOverAGrid() throws {
        let db = try AnalysisFixture.connection()
        defer { db.close() }
        var grid: [(successes: Int, trials: Int, confidence: Double)] = []
        for trials in [0, 1, 2, 3, 10, 37, 100, 1_000, 123_457] {
            let successes = Set([0, 1, trials / 3, trials / 2, trials - 1, trials].filter { (0...trials).contains($0) })
            for s in successes.sorted() {
                for confidence in [0.5, 0.8, 0.9, 0.95, 0.99, 0.999] { grid.append((s, trials, confidence)) }
            }
        }
        let sql = try db.query("""
            SELECT w.lower, w.upper
            FROM unnest(\(bind: grid.map(\.successes))::bigint[], \(bind: grid.map(\.trials))::bigint[],
                        \(bind: grid.map(\.confidence))::float8[]) WITH ORDINALITY AS g(successes, trials, confidence, position)
            CROSS JOIN LATERAL nepsim.wilson_interval(g.successes, g.trials, g.confidence) w
            ORDER BY g.position
            """)
        XCTAssertEqual(sql.rows.count, grid.count)
        for (row, point) in grid.enumerated() {
            let swift = WilsonInterval(successes: point.successes, trials: point.trials, confidence: point.confidence)
            let what = "\(point.successes) of \(point.trials) at \(point.confidence)"
            // plpgsql's normal quantile (Acklam) is good to about 1e-9, Swift's (AS 241) to 1e-16.
            XCTAssertEqual(try XCTUnwrap(sql.double(row, "lower"), what), swift.lower, accuracy: 1e-8, what)
            XCTAssertEqual(try XCTUnwrap(sql.double(row, "upper"), what), swift.upper, accuracy: 1e-8, what)
            if point.trials > 0 && point.successes == 0 { XCTAssertEqual(swift.lower, 0, what) }
            if point.trials > 0 && point.successes == point.trials { XCTAssertEqual(swift.upper, 1, what) }
        }
    }
}
