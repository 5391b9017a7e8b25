@testable import Analysis
import Foundation
import PostgresStore
import XCTest

/// The report reads `nepsim.runs` once, however the runs are filtered (an older form joined the
/// long-format view with `runs` again, a self-join that stale statistics made a nested loop of many
/// minutes on a large table), and its statistics computed in Swift are the SQL views' numbers.
final class ReportPlanTests: XCTestCase {
    func testDistributionsScanTheRunsOnce() throws {
        let (_, sweepID) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        for given in [nil, "terror and famine_deaths_total > 1000"] as [String?] {
            let selection = try ReportBuilder.Selection(sweepID: sweepID, given: given, connection: db)
            let plan = try db.query("EXPLAIN (FORMAT JSON) \(RunColumns.selectSQL(whereSQL: selection.whereSQL))")
            let text = plan.rows.compactMap { $0[0] }.joined()
            let scans = text.components(separatedBy: "\"Relation Name\": \"runs\"").count - 1
            XCTAssertEqual(scans, 1, "nepsim.runs is read \(scans) times for --given \(given ?? "none")")
        }
    }

    func testSwiftStatisticsAreTheViewsNumbers() throws {
        let (_, sweepID) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        try db.query("BEGIN")
        defer { _ = try? db.query("ROLLBACK") }
        let columns = try ReportBuilder.Selection(sweepID: sweepID, given: nil, connection: db).columns(db)
        let views = try db.query("SELECT outcome, n, mean, sd, p05, p25, p50, p75, p95 FROM nepsim.outcome_distributions WHERE sweep_id = \(bind: sweepID)")
        let quantiles = Dictionary(uniqueKeysWithValues: columns.quantiles().map { ($0.name, $0) })
        XCTAssertEqual(views.rows.count, quantiles.count)
        func close(_ a: Double?, _ b: Double?, _ what: String) {
            guard let a, let b else { return XCTAssertEqual(a == nil, b == nil, what) }
            XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b)), what)
        }
        for row in views.rows.indices {
            let name = views.string(row, "outcome") ?? ""
            guard let q = quantiles[name] else { XCTFail("no \(name) in the report"); continue }
            XCTAssertEqual(q.n, views.int(row, "n"), name)
            close(q.mean, views.double(row, "mean"), "\(name) mean")
            close(q.sd, views.double(row, "sd"), "\(name) sd")
            for (value, column) in [(q.p05, "p05"), (q.p25, "p25"), (q.p50, "p50"), (q.p75, "p75"), (q.p95, "p95")] {
                close(value, views.double(row, column), "\(name) \(column)")
            }
        }
        let probabilities = try db.query("SELECT event, successes, trials, ci95_lower, ci95_upper FROM nepsim.event_probabilities WHERE sweep_id = \(bind: sweepID)")
        let events = Dictionary(uniqueKeysWithValues: columns.eventProbabilities().map { ($0.name, $0) })
        XCTAssertEqual(probabilities.rows.count, events.count)
        for row in probabilities.rows.indices {
            let name = probabilities.string(row, "event") ?? ""
            XCTAssertEqual(events[name]?.successes, probabilities.int(row, "successes"), name)
            XCTAssertEqual(events[name]?.trials, probabilities.int(row, "trials"), name)
            close(events[name]?.lower, probabilities.double(row, "ci95_lower"), "\(name) lower")
            close(events[name]?.upper, probabilities.double(row, "ci95_upper"), "\(name) upper")
        }
    }
}
