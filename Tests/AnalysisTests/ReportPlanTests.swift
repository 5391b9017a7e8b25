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
        let columns = try ReportBuilder.Selection(sweepID: sweepID, given: nil, connection: db).columns([db], points: 0)
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

/// A large sweep's runs are read over several sessions at once (`ParallelReads`).
final class ParallelReadTests: XCTestCase {
    /// The report is the same, number for number, read by one session or by three sharing the
    /// report's snapshot (the fixture's 1,500 runs are given a session each 500), with a condition
    /// and a comparison as well.
    func testAReportReadOverSeveralSessionsIsTheReportReadOverOne() throws {
        let (url, sweepID) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        var opened = 0
        let reads = ParallelReads(maxConnections: 3, runsPerConnection: 500) {
            opened += 1
            return try PostgresConnection(url: url)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for request in [ReportRequest(sweep: String(sweepID)), ReportRequest(sweep: String(sweepID), given: "not stalin_died_1926"),
                        ReportRequest(sweep: String(sweepID), compare: String(sweepID))] {
            let one = try ReportBuilder.build(request, on: db, now: now)
            let before = opened
            let three = try ReportBuilder.build(request, on: db, now: now, parallelReads: reads)
            XCTAssertEqual(opened - before, 2, "two sessions beside the report's own")
            XCTAssertEqual(three.runs, one.runs)
            XCTAssertEqual(String(decoding: try encoder.encode(three), as: UTF8.self),
                           String(decoding: try encoder.encode(one), as: UTF8.self), "\(request)")
        }
        // The reading sessions are closed with the report (their server processes end a moment
        // after the client hangs up; autovacuum's are not the report's).
        var open = -1
        for _ in 0..<50 where open != 0 {
            open = try db.query("""
                SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND backend_type = 'client backend' AND state <> 'idle'
                """).int(0, "n") ?? -1
            if open != 0 { usleep(100_000) }
        }
        XCTAssertEqual(open, 0, "sessions left open by the reports")
    }

    /// A snapshot the server will not export leaves the report reading alone, in a usable
    /// transaction (made to fail by construction: no export from a subtransaction).
    func testASnapshotThatCannotBeExportedLeavesTheReportAlone() throws {
        let (_, sweepID) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        try db.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { _ = try? db.query("ROLLBACK") }
        XCTAssertNotNil(try ParallelReads.exportSnapshot(db), "exported from the transaction itself")
        try db.query("SAVEPOINT sub")
        var opened = 0
        let reads = ParallelReads(maxConnections: 3, runsPerConnection: 1) { opened += 1; return try AnalysisFixture.connection() }
        XCTAssertEqual(try reads.helpers(forRuns: 1500, beside: db).count, 0)
        XCTAssertEqual(opened, 0)
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM nepsim.runs WHERE sweep_id = \(bind: sweepID)").int(0, "n"), 1500)
        XCTAssertEqual(try db.query("SHOW transaction_isolation").string(0, "transaction_isolation"), "repeatable read")
    }
}
