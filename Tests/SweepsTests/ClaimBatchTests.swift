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
        // A's batch fails: which task failed is not known, so none is charged an attempt; each
        // goes back with the error...
        try TaskQueue.fail(first, error: "boom", on: connection, workerID: "a")
        XCTAssertEqual(try count("""
            SELECT count(*) FROM nepsim.tasks WHERE state = 'pending' AND attempts = 0 AND last_error LIKE '%tasks 0-3: boom'
            """), 4)
        // ...and is then claimed alone, where its attempts count: a task that keeps failing fails by itself.
        for task in 0...3 {
            let retry = try XCTUnwrap(try claim("c", batch: 10))
            XCTAssertEqual([retry.taskID, retry.lastTaskID, retry.runCount, retry.attempts], [task, task, 2, 1])
        }
        let rest = try XCTUnwrap(try claim("c", batch: 10))
        XCTAssertEqual([rest.taskID, rest.lastTaskID], [4, 4], "task 7 is held by b, so the batch from 4 stops before it")
        let last = try XCTUnwrap(try claim("c", batch: 10))
        XCTAssertEqual([last.taskID, last.lastTaskID], [8, 9])
        XCTAssertNil(try claim("c", batch: 10))
    }

    /// With one attempt allowed, a batch that fails costs its tasks nothing: retried alone, the
    /// innocent ones are stored and only the task that fails by itself is failed for good.
    func testAFailedBatchFailsNoTaskForGood() throws {
        let sweep = try launch(runs: 8, taskSize: 2, maxAttempts: 1)
        let batch = try XCTUnwrap(try claim("a", batch: 4))
        XCTAssertEqual([batch.taskID, batch.lastTaskID], [0, 3])
        try TaskQueue.fail(batch, error: "one run of task 2 is bad", on: connection, workerID: "a")
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE state = 'failed'"), 0)
        let plan = try sweep.runPlan()
        var timings = TaskTimings()
        for task in 0...3 {
            let alone = try XCTUnwrap(try claim("a", batch: 4))
            XCTAssertEqual([alone.taskID, alone.lastTaskID, alone.attempts], [task, task, 1])
            XCTAssertFalse(try TaskQueue.abandonIfExhausted(alone, on: connection, workerID: "a"))
            if task == 2 {
                try TaskQueue.fail(alone, error: "bad run", on: connection, workerID: "a")
            } else {
                let results = try TaskComputation.compute(task: alone, sweep: sweep, plan: plan, threads: 1, workerID: "a")
                XCTAssertTrue(try TaskQueue.complete(alone, results: results, on: connection, workerID: "a", timings: &timings))
            }
        }
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE state = 'failed'"), 1)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE state = 'done'"), 3)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 6)
    }

    /// A claim locks only the tasks it takes: a claim in progress leaves the tasks after its
    /// batch to others (a cursor fetching ahead would have locked them too).
    func testAClaimLocksNoTaskBeyondItsBatch() throws {
        _ = try launch(runs: 40, taskSize: 1)
        let holder = try PostgresConnection(url: url)
        defer { holder.close() }
        try holder.query("BEGIN")
        try holder.query("SELECT 1 FROM nepsim.tasks WHERE task_id = 3 FOR UPDATE")
        let inProgress = try PostgresConnection(url: url)
        defer { inProgress.close() }
        try inProgress.query("BEGIN")
        let first = try inProgress.query("SELECT task_id FROM nepsim.claim_tasks('a', NULL, 60, 10) ORDER BY task_id")
        XCTAssertEqual(try first.column("task_id", as: Int.self), [0, 1, 2])
        let second = try XCTUnwrap(try claim("b", batch: 10))
        XCTAssertEqual([second.taskID, second.lastTaskID], [4, 13])
        try inProgress.query("COMMIT")
        try holder.query("ROLLBACK")
    }

    /// A batch is stored all or nothing: with one lease of the range lost, no row of it lands and
    /// no task of it is done; released, the whole range is pending again with no attempt counted.
    func testABatchCompletesWholeOrNotAtAll() throws {
        let sweep = try launch(runs: 12, taskSize: 3)
        let plan = try sweep.runPlan()
        var timings = TaskTimings()
        let batch = try XCTUnwrap(try claim("a", batch: 4))
        XCTAssertEqual([batch.taskID, batch.lastTaskID, batch.runCount], [0, 3, 12])
        XCTAssertEqual(try connection.query("SELECT nepsim.complete_tasks('a', \(bind: sweep.id), 1, 0) AS done")
            .value(0, "done", as: Bool.self), false, "an empty range completes nothing")
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
