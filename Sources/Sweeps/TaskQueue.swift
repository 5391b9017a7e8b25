import Dispatch
import Foundation
import PostgresStore
import SweepStore

// MARK: - TaskTimings

/// Where a worker's time goes, summed over tasks: waiting for a claim, simulating, encoding the
/// rows, the COPY of the rows (sending, and the server storing them), and the completion with
/// its commit. Logged per task and in the worker's final summary; scripts/bench-sweep adds them up.
public struct TaskTimings: Sendable, Equatable {
    public var claim = 0.0
    public var simulate = 0.0
    public var encode = 0.0
    public var copy = 0.0
    public var complete = 0.0

    public var total: Double { claim + simulate + encode + copy + complete }

    public static func += (lhs: inout TaskTimings, rhs: TaskTimings) {
        lhs.claim += rhs.claim
        lhs.simulate += rhs.simulate
        lhs.encode += rhs.encode
        lhs.copy += rhs.copy
        lhs.complete += rhs.complete
    }

    /// `claim=0.001 simulate=0.412 ...` (seconds, three decimals).
    public var logFields: [(String, String)] {
        [("claim", claim), ("simulate", simulate), ("encode", encode), ("copy", copy), ("complete", complete)]
            .map { ($0.0, String(format: "%.3f", $0.1)) }
    }
}

// MARK: - TaskQueue

/// The SQL of the task lifecycle: claim with `FOR UPDATE SKIP LOCKED` and a lease, complete in the
/// same transaction as the results only while the lease is held, fail or release.
enum TaskQueue {
    /// Cuts runs `fromRun..<toRun` of a sweep into tasks of `taskSize` consecutive runs (run =
    /// point x replications + replication), numbered on from the sweep's last task: a new sweep's
    /// tasks, and the batches `--until-ci` adds, are cut by this one statement.
    static func cutTasks(sweepID: Int64, fromRun: Int, toRun: Int, taskSize: Int, on connection: PostgresConnection) throws {
        try connection.query("""
            WITH cut AS (
                SELECT \(bind: sweepID)::bigint AS sweep_id, \(bind: fromRun)::bigint AS from_run,
                       \(bind: toRun)::bigint AS to_run, \(bind: taskSize)::bigint AS size,
                       (SELECT coalesce(max(task_id), -1) + 1 FROM nepsim.tasks WHERE sweep_id = \(bind: sweepID)) AS first_task)
            INSERT INTO nepsim.tasks (sweep_id, task_id, first_run, run_count)
            SELECT c.sweep_id, c.first_task + g, c.from_run + g * c.size, least(c.size, c.to_run - (c.from_run + g * c.size))::integer
            FROM cut c, generate_series(0, (c.to_run - c.from_run + c.size - 1) / c.size - 1) AS g
            """)
    }

    /// Claims the next pending task, or a running one whose lease expired (its worker died), and
    /// with `batch` > 1 up to `batch - 1` never-tried pending tasks right after it (a retried
    /// task comes alone). Returns nil when nothing is claimable. Through `nepsim.claim_tasks`,
    /// which records the login with the leases and caps them at an hour.
    static func claim(on connection: PostgresConnection, workerID: String, sweepID: Int64?, leaseSeconds: Double,
                      batch: Int = 1) throws -> ClaimedTask? {
        let result = try connection.query("""
            SELECT * FROM nepsim.claim_tasks(\(bind: workerID), \(bind: sweepID)::bigint, \(bind: leaseSeconds)::float8,
                                             \(bind: batch)::integer)
            ORDER BY task_id
            """)
        guard !result.isEmpty else { return nil }
        let sweepID: Int64 = try result.value(0, "sweep_id"), taskID: Int = try result.value(0, "task_id")
        let lastTaskID = taskID + result.rows.count - 1
        let firstRun: Int = try result.value(0, "first_run"), attempts: Int = try result.value(0, "attempts")
        var runCount = 0
        for row in result.rows.indices {
            // The tasks were cut from consecutive runs; anything else is a damaged queue.
            guard try result.value(row, "task_id", as: Int.self) == taskID + row,
                  try result.value(row, "first_run", as: Int.self) == firstRun + runCount else {
                try release(ClaimedTask(sweepID: sweepID, taskID: taskID, lastTaskID: lastTaskID, firstRun: firstRun,
                                        runCount: runCount, attempts: attempts), on: connection, workerID: workerID)
                throw PostgresError(kind: .client, message: "the tasks claimed from sweep \(sweepID) from task \(taskID) "
                                    + "do not cover consecutive runs; was nepsim.tasks edited by hand?")
            }
            runCount += try result.value(row, "run_count", as: Int.self)
        }
        return ClaimedTask(sweepID: sweepID, taskID: taskID, lastTaskID: lastTaskID, firstRun: firstRun, runCount: runCount,
                           attempts: attempts)
    }

    /// Payload size (bytes) above which `complete` checks the leases before sending the rows.
    static let askFirstAbove = 1 << 20

    /// The lease was lost between the rows and the completion: the transaction is rolled back.
    private struct LeaseLost: Error {}

    /// Writes the task's rows and marks it done in one transaction, only if this worker still
    /// holds the lease (every lease, for a batch). Returns false (and writes nothing) if a lease
    /// was lost. The rows are accepted only under this login's live leases (a trigger checks);
    /// `nepsim.complete_tasks` checks the leases again and that every run of the tasks is stored.
    static func complete(_ task: ClaimedTask, results: ComputedTask, on connection: PostgresConnection, workerID: String,
                         timings: inout TaskTimings) throws -> Bool
    {
        let started = DispatchTime.now()
        var copied = started
        defer {
            timings.copy += copied.seconds(since: started)
            timings.complete += DispatchTime.now().seconds(since: copied)
        }
        // With megabytes to send, ask first whether the leases still hold, rather than send the
        // rows for nothing. With little, skip the round trip (a third of a tiny task's): the rows
        // of a lost lease are refused all the same, by the trigger or by `complete_tasks`, and
        // the transaction rolls back.
        if results.runsPayload.byteCount + (results.yearsPayload?.byteCount ?? 0) > Self.askFirstAbove {
            let held = try connection.query("""
                SELECT count(*) AS held FROM nepsim.tasks
                WHERE sweep_id = \(bind: task.sweepID) AND task_id BETWEEN \(bind: task.taskID) AND \(bind: task.lastTaskID)
                  AND state = 'running' AND lease_owner = \(bind: workerID)
                """)
            guard try held.value(0, "held", as: Int.self) == task.taskCount else { return false }
        }
        do {
            try connection.transaction {
                try connection.copyIn(ResultsLayout.copyRuns, payload: results.runsPayload)
                if let years = results.yearsPayload {
                    try connection.copyIn(ResultsLayout.copyRunSeries, payload: years)
                }
                copied = DispatchTime.now()
                let done = try connection.query("""
                    SELECT nepsim.complete_tasks(\(bind: workerID), \(bind: task.sweepID), \(bind: task.taskID),
                                                 \(bind: task.lastTaskID)) AS done
                    """)
                guard try done.value(0, "done", as: Bool.self) else { throw LeaseLost() }
            }
            return true
        } catch is LeaseLost {
            return false
        } catch let error as PostgresError where error.sqlState == "42501" && error.message.contains("live lease") {
            // The lease expired or was taken over between the check and the rows: not this worker's task any more.
            return false
        }
    }

    /// Records a failed attempt: back to pending, or failed for good after the sweep's
    /// max_attempts (a poison task). Only if this worker still holds the lease.
    static func fail(_ task: ClaimedTask, error: String, on connection: PostgresConnection, workerID: String) throws {
        try connection.query("""
            SELECT nepsim.fail_tasks(\(bind: workerID), \(bind: task.sweepID), \(bind: task.taskID), \(bind: task.lastTaskID),
                                     \(bind: error))
            """)
    }

    /// Tasks claimed more often than the sweep allows (their workers kept dying) fail for good
    /// instead of running again.
    static func abandonIfExhausted(_ task: ClaimedTask, on connection: PostgresConnection, workerID: String) throws -> Bool {
        // A first attempt is within every sweep's max_attempts (at least 1, a CHECK says): no
        // round trip to ask, on the path every task takes.
        guard task.attempts > 1 else { return false }
        let result = try connection.query("SELECT max_attempts FROM nepsim.sweeps WHERE sweep_id = \(bind: task.sweepID)")
        let maxAttempts = try result.value(0, "max_attempts", as: Int.self)
        guard task.attempts > maxAttempts else { return false }
        try fail(task, error: "abandoned after \(maxAttempts) attempts: the workers holding it stopped mid-task",
                 on: connection, workerID: workerID)
        return true
    }

    /// Gives a task back untouched (a worker stopping early): pending again, attempt not counted.
    static func release(_ task: ClaimedTask, on connection: PostgresConnection, workerID: String) throws {
        try connection.query("""
            SELECT nepsim.release_tasks(\(bind: workerID), \(bind: task.sweepID), \(bind: task.taskID), \(bind: task.lastTaskID))
            """)
    }

    /// Extends the lease of the task the worker is computing (if any) and records its heartbeat.
    /// Only the task in hand: after a server crash that lost a completion (commits are
    /// asynchronous), the database may show the worker holding a task it has finished with;
    /// renewing every lease it owns would keep that task from ever being redone.
    static func renewLease(of task: ClaimedTask?, on connection: PostgresConnection, workerID: String, leaseSeconds: Double) throws {
        try connection.query("""
            SELECT nepsim.renew_leases(\(bind: workerID), \(bind: task?.sweepID)::bigint, \(bind: task?.taskID)::integer,
                                       \(bind: task?.lastTaskID)::integer, \(bind: leaseSeconds)::float8)
            """)
    }

    /// Whether any task (of one sweep, or of any running sweep) is still pending or running.
    static func openTaskExists(on connection: PostgresConnection, sweepID: Int64?) throws -> Bool {
        try !connection.query("""
            SELECT 1 FROM nepsim.tasks t JOIN nepsim.sweeps s ON s.sweep_id = t.sweep_id
            WHERE s.state = 'running' AND t.state IN ('pending', 'running')
              AND (\(bind: sweepID)::bigint IS NULL OR t.sweep_id = \(bind: sweepID)::bigint)
            LIMIT 1
            """).isEmpty
    }

    /// Marks the sweep done (or failed, if any task failed) once no task is open: through a
    /// function, because workers have no rights on sweeps themselves.
    static func finishSweepIfComplete(_ sweepID: Int64, on connection: PostgresConnection) throws {
        try connection.query("SELECT nepsim.finish_sweep_if_complete(\(bind: sweepID))")
    }
}
