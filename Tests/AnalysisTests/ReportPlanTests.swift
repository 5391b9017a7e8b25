@testable import Analysis
import Foundation
import PostgresStore
import XCTest

/// The report's distribution query reads `nepsim.runs` once, however the runs are filtered: the
/// old form joined the long-format view with `runs` again, a self-join that stale statistics made
/// a nested loop of many minutes on a large table.
final class ReportPlanTests: XCTestCase {
    func testDistributionsScanTheRunsOnce() throws {
        let (_, sweepID) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        for given in [nil, "terror and famine_deaths_total > 1000"] as [String?] {
            let selection = try ReportBuilder.Selection(sweepID: sweepID, given: given, connection: db)
                .narrowed(event: "stalin_died_1926", happened: true)
            let plan = try db.query("EXPLAIN (FORMAT JSON) " + ReportBuilder.distributionsSQL(selection), selection.parameters)
            let text = plan.rows.compactMap { $0[0] }.joined()
            let scans = text.components(separatedBy: "\"Relation Name\": \"runs\"").count - 1
            XCTAssertEqual(scans, 1, "nepsim.runs is read \(scans) times for --given \(given ?? "none")")
        }
    }
}
