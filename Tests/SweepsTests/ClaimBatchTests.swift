import PostgresStore
import PostgresTestSupport
import SweepStore
@testable import Sweeps
import XCTest

/// `nepsim worker --claim-batch N`: consecutive tasks claimed, stored and completed as one.
final class ClaimBatchTests: DatabaseTestCase {
    func claim(_ worker: String, batch: Int) throws -> ClaimedTask? {
        try TaskQueue.claim(on: connection, workerID: worker, sweepID: nil, leaseSeconds: 60, batch: batch)
    }

    /// A batch is the first claimable task and the never-tried pending tasks right after it, up to
    /// the first task someone else holds; a task being retried comes alone.
    func testABatchStopsAtAHeldTaskAndARetriedTaskComesAlone() throws {
        let sweep = try launch(runs: 20, taskSize: 2)  // tasks 0...9, two runs each
        // Another session holds task 4 (as a claim in progress would).
        let other = try PostgresConnection(url: url)
        defer { other.close() }
        try other.query("BEGIN")
        try other.query("SELECT 1 FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id) AND task_id = 4 FOR UPDATE")
        let first = try XCTUnwrap(try claim("a", batch: 10))
        XCTAssertEqual([first.taskID, first.lastTaskID, first.firstRun, first.runCount, first.attempts], [0, 3, 0, 8, 1])
        let second = try XCTUnwrap(try claim("b", batch: 3))
        XCTAssertEqual([second.taskID, second.lastTaskID, second.firstRun, second.runCount], [5, 7, 10, 6])
        try other.query("ROLLBACK")
        // A's batch fails: every task in it goes back with an attempt counted...
        try TaskQueue.fail(first, error: "boom", on: connection, workerID: "a")
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE state = 'pending' AND attempts = 1 AND last_error = 'boom'"), 4)
        // ...and each is then claimed alone, so a task that keeps failing fails by itself.
        for task in 0...3 {
            let retry = try XCTUnwrap(try claim("c", batch: 10))
            XCTAssertEqual([retry.taskID, retry.lastTaskID, retry.runCount, retry.attempts], [task, task, 2, 2])
        }
        let rest = try XCTUnwrap(try claim("c", batch: 10))
        XCTAssertEqual([rest.taskID, rest.lastTaskID], [4, 4], "task 7 is held by b, so the batch from 4 stops before it")
        let last = try XCTUnwrap(try claim("c", batch: 10))
        XCTAssertEqual([last.taskID, last.lastTaskID], [8, 9])
        XCTAssertNil(try claim("c", batch: 10))
    }

    /// A batch is stored all or nothing: with one lease of the range lost, no row of it lands and
    /// no task of it is done; released, the whole range is pending again with no attempt counted.
    func testABatchCompletesWholeOrNotAtAll() throws {
        let sweep = try launch(runs: 12, taskSize: 3)
        let plan = try sweep.runPlan()
        var timings = TaskTimings()
        let batch = try XCTUnwrap(try claim("a", batch: 4))
        XCTAssertEqual([batch.taskID, batch.lastTaskID, batch.runCount], [0, 3, 12])
        let results = try TaskComputation.compute(task: batch, sweep: sweep, plan: plan, threads: 2, workerID: "a")
        try connection.query("UPDATE nepsim.tasks SET lease_owner = 'b' WHERE sweep_id = \(bind: sweep.id) AND task_id = 2")
        XCTAssertFalse(try TaskQueue.complete(batch, results: results, on: connection, workerID: "a", timings: &timings))
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE state = 'done'"), 0)
        try connection.query("UPDATE nepsim.tasks SET lease_owner = 'a' WHERE sweep_id = \(bind: sweep.id) AND task_id = 2")
        XCTAssertTrue(try TaskQueue.complete(batch, results: results, on: connection, workerID: "a", timings: &timings))
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 12)
        XCTAssertEqual(try Coordinator.status(String(sweep.id), on: connection).state, .done)
        let again = try launch(runs: 12, taskSize: 3, sweepName: "released")
        let held = try XCTUnwrap(try TaskQueue.claim(on: connection, workerID: "a", sweepID: again.id, leaseSeconds: 60, batch: 4))
        try TaskQueue.release(held, on: connection, workerID: "a")
        XCTAssertEqual(try count("""
            SELECT count(*) FROM nepsim.tasks WHERE sweep_id = \(bind: again.id) AND state = 'pending' AND attempts = 0
            """), 4)
    }

    /// Batches change how runs are grouped for storing, never what they are: the same sweep
    /// stored by workers claiming ten tasks at a time has the checksum of one stored task by task.
    func testBatchedWorkersStoreTheSameResults() throws {
        let single = try launch(runs: 600, replications: 2, taskSize: 7, series: true, sweepName: "single")
        try runWorkers(2, sweep: single)
        let batched = try launch(runs: 600, replications: 2, taskSize: 7, series: true, sweepName: "batched")
        let totals = try runWorkers(2, sweep: batched, claimBatch: 10)
        XCTAssertEqual(totals.map(\.tasks).reduce(0, +), 86, "every task counted once, batched or not")
        XCTAssertEqual(totals.map(\.runs).reduce(0, +), 600)
        XCTAssertEqual(try Coordinator.status("batched", on: connection).state, .done)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE sweep_id = \(bind: batched.id) AND state = 'done'"), 86)
        XCTAssertEqual(try Coordinator.checksum("batched", on: connection), try Coordinator.checksum("single", on: connection))
    }
}
