import Foundation
import PostgresStore
import SweepStore
import Sweeps
import XCTest

/// `sweep launch --until-ci`: batches until the headline intervals are narrow enough, or the cap.
final class AdaptivePrecisionTests: DatabaseTestCase {
    func testStopsWhenEveryHeadlineIntervalIsNarrowEnoughAndMatchesADirectSweep() throws {
        let result = try nepsim(["sweep", "launch", "scenarios/shot-in-the-kremlin.toml", "--runs", "400", "--until-ci", "0.06",
                                 "--max-runs", "20000", "--task-size", "200", "--local-workers", "2", "--name", "adaptive",
                                 "--database", url])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("precision reached"), result.stdout)
        let sweep = try StoredSweep.load("adaptive", from: connection)
        XCTAssertGreaterThan(sweep.runsTotal, 400, "the first batch was not enough")
        XCTAssertLessThan(sweep.runsTotal, 20000)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs WHERE sweep_id = \(bind: sweep.id)"), sweep.runsTotal)
        let widths = try connection.query("""
            SELECT max(ci95_upper - ci95_lower) AS widest FROM nepsim.event_probabilities
            WHERE sweep_id = \(bind: sweep.id) AND event = ANY(\(bind: AdaptivePrecision.headlineEvents)::text[])
            """)
        XCTAssertLessThan(try XCTUnwrap(widths.double(0, "widest")), 0.06)
        // Growing a sweep in batches gives exactly the runs of one launched at its final size.
        let direct = try launch("shot-in-the-kremlin", runs: sweep.runsTotal, seed: 1, taskSize: 500, sweepName: "direct")
        try runWorkers(2, sweep: direct)
        XCTAssertEqual(try Coordinator.checksum("adaptive", on: connection), try Coordinator.checksum("direct", on: connection))
    }

    func testStopsAtTheCapAndSaysSo() throws {
        let result = try nepsim(["sweep", "launch", "scenarios/otl.toml", "--runs", "200", "--until-ci", "0.001",
                                 "--max-runs", "500", "--task-size", "100", "--local-workers", "1", "--name", "capped",
                                 "--database", url])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("the cap of 500 runs is reached"), result.stdout)
        XCTAssertEqual(try StoredSweep.load("capped", from: connection).runsTotal, 500)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 500)
    }

    func testRefusesWhatCannotWork() throws {
        for (arguments, message) in [(["--until-ci", "0.05", "--design", "lhs"], "needs --design mc"),
                                     (["--until-ci", "1.5"], "--until-ci must be between"),
                                     (["--max-runs", "1000"], "--max-runs goes with --until-ci"),
                                     (["--until-ci", "0.05", "--max-runs", "10"], "(at least --runs)")] {
            let result = try nepsim(["sweep", "launch", "scenarios/otl.toml", "--runs", "100", "--database", url] + arguments)
            XCTAssertNotEqual(result.status, 0)
            XCTAssert(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.sweeps"), 0)
    }
}
