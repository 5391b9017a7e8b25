import Experiments
import PostgresStore
import SimulationCore
import SweepStore
import Sweeps
import XCTest

/// Launching, cutting into tasks, status, cancel and retry.
final class CoordinatorTests: DatabaseTestCase {
    func testLaunchStoresTheSweepItsScenarioAndItsTasks() throws {
        let sweep = try launch("shot-in-the-kremlin", runs: 2500, replications: 5, seed: 99, taskSize: 1000, sweepName: "stored")
        XCTAssertEqual(sweep.name, "stored")
        XCTAssertEqual(sweep.points, 500)
        XCTAssertEqual(sweep.runsTotal, 2500)
        let tasks = try connection.query("SELECT task_id, first_run, run_count, state FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id) ORDER BY task_id")
        XCTAssertEqual(tasks.rows.map { $0.map { $0 ?? "" } },
                       [["0", "0", "1000", "pending"], ["1", "1000", "1000", "pending"], ["2", "2000", "500", "pending"]])
        let row = try connection.query("""
            SELECT scenario_text, scenario_sha256, encode(sha256(convert_to(scenario_text, 'UTF8')), 'hex') AS check,
                   generator, seed, design, uncertain_parameters::text AS uncertain
            FROM nepsim.sweeps WHERE sweep_id = \(bind: sweep.id)
            """)
        XCTAssertEqual(row.string(0, "scenario_sha256"), row.string(0, "check"))
        XCTAssertEqual(row.string(0, "scenario_sha256")?.count, 64)
        XCTAssertEqual(row.string(0, "generator"), Philox4x32.generatorName)
        XCTAssertEqual(row.string(0, "seed"), "99")
        XCTAssert(row.string(0, "uncertain")?.contains("stalin_1926_attempt_probability") == true)
        // The stored text rebuilds the scenario exactly.
        let rebuilt = try Scenario.parse(text: row.string(0, "scenario_text")!, file: "stored.toml")
        XCTAssertEqual(rebuilt.medianParameters, try scenario("shot-in-the-kremlin").medianParameters)
    }

    func testBadRequestsStoreNothing() throws {
        XCTAssertThrowsError(try launch(runs: 0)) { XCTAssert("\($0)".contains("at least one run"), "\($0)") }
        _ = try launch(runs: 10, sweepName: "taken")
        XCTAssertThrowsError(try launch(runs: 10, sweepName: "taken")) { XCTAssertEqual($0 as? SweepError, .nameTaken("taken")) }
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.sweeps"), 1)
        XCTAssertThrowsError(try Coordinator.status("nope", on: connection)) {
            XCTAssertEqual($0 as? SweepError, .unknownSweep("nope"))
        }
    }

    func testCancelAndRetry() throws {
        let sweep = try launch(runs: 300, taskSize: 100)
        let cancelled = try Coordinator.cancel(String(sweep.id), on: connection)
        XCTAssertEqual(cancelled.state, .cancelled)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE state = 'cancelled'"), 3)
        // Nothing to claim in a cancelled sweep.
        try runWorkers(1, sweep: nil)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 0)
        let (requeued, status) = try Coordinator.retry(String(sweep.id), on: connection)
        XCTAssertEqual(requeued, 3)
        XCTAssertEqual(status.state, .running)
        try runWorkers(1, sweep: sweep)
        XCTAssertEqual(try Coordinator.status(String(sweep.id), on: connection).state, .done)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 300)
    }
}
