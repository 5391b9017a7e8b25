import Foundation
import PostgresStore

// MARK: - TaskQueue

/// The SQL of the task lifecycle: claim with `FOR UPDATE SKIP LOCKED` and a lease, complete in the
/// same transaction as the results only while the lease is held, fail or release.
enum TaskQueue {
    /// Claims the next pending task, or a running one whose lease expired (its worker died).
    /// Returns nil when nothing is claimable.
    static func claim(on connection: PostgresConnection, workerID: String, sweepID: Int64?, leaseSeconds: Double)
        throws -> ClaimedTask?
    {
        let result = try connection.query("""
            WITH candidate AS (
                SELECT t.sweep_id, t.task_id
                FROM nepsim.tasks t JOIN nepsim.sweeps s ON s.sweep_id = t.sweep_id
                WHERE s.state = 'running'
                  AND ($2::bigint IS NULL OR t.sweep_id = $2::bigint)
                  AND (t.state = 'pending' OR (t.state = 'running' AND t.lease_expires_at < now()))
                ORDER BY t.sweep_id, t.task_id
                LIMIT 1
                FOR UPDATE OF t SKIP LOCKED
            )
            UPDATE nepsim.tasks t
            SET state = 'running', lease_owner = $1, attempts = t.attempts + 1, started_at = now(),
                lease_expires_at = now() + make_interval(secs => $3::float8)
            FROM candidate c
            WHERE t.sweep_id = c.sweep_id AND t.task_id = c.task_id
            RETURNING t.sweep_id, t.task_id, t.first_run, t.run_count, t.attempts
            """, [workerID, sweepID.map { String($0) }, String(leaseSeconds)])
        guard !result.isEmpty else { return nil }
        return ClaimedTask(sweepID: Int64(result.int(0, "sweep_id")!), taskID: result.int(0, "task_id")!,
                           firstRun: result.int(0, "first_run")!, runCount: result.int(0, "run_count")!,
                           attempts: result.int(0, "attempts")!)
    }

    /// Writes the task's rows and marks it done in one transaction, only if this worker still
    /// holds the lease. Returns false (and writes nothing) if the lease was lost.
    static func complete(_ task: ClaimedTask, results: ComputedTask, on connection: PostgresConnection, workerID: String)
        throws -> Bool
    {
        try connection.transaction {
            let held = try connection.query("""
                SELECT 1 FROM nepsim.tasks
                WHERE sweep_id = $1 AND task_id = $2 AND state = 'running' AND lease_owner = $3
                FOR UPDATE
                """, [String(task.sweepID), String(task.taskID), workerID])
            guard !held.isEmpty else { return false }
            try connection.copyIn(ResultsLayout.copyRuns, data: results.runsPayload)
            if let years = results.yearsPayload {
                try connection.copyIn(ResultsLayout.copyRunYears, data: years)
            }
            try connection.query("""
                UPDATE nepsim.tasks SET state = 'done', finished_at = now(), lease_expires_at = NULL, last_error = NULL
                WHERE sweep_id = $1 AND task_id = $2
                """, [String(task.sweepID), String(task.taskID)])
            try connection.query("UPDATE nepsim.workers SET runs_done = runs_done + $2, last_heartbeat = now() WHERE worker_id = $1",
                                 [workerID, String(results.runCount)])
            try finishSweepIfComplete(task.sweepID, on: connection)
            return true
        }
    }

    /// Records a failed attempt: back to pending, or failed for good after the sweep's
    /// max_attempts (a poison task). Only if this worker still holds the lease.
    static func fail(_ task: ClaimedTask, error: String, on connection: PostgresConnection, workerID: String) throws {
        try connection.transaction {
            try connection.query("""
                UPDATE nepsim.tasks t
                SET state = CASE WHEN t.attempts >= s.max_attempts THEN 'failed' ELSE 'pending' END,
                    lease_owner = NULL, lease_expires_at = NULL, last_error = left($4, 2000),
                    finished_at = CASE WHEN t.attempts >= s.max_attempts THEN now() END
                FROM nepsim.sweeps s
                WHERE s.sweep_id = t.sweep_id AND t.sweep_id = $1 AND t.task_id = $2
                  AND t.state = 'running' AND t.lease_owner = $3
                """, [String(task.sweepID), String(task.taskID), workerID, error])
            try finishSweepIfComplete(task.sweepID, on: connection)
        }
    }

    /// Tasks claimed more often than the sweep allows (their workers kept dying) fail for good
    /// instead of running again.
    static func abandonIfExhausted(_ task: ClaimedTask, on connection: PostgresConnection, workerID: String) throws -> Bool {
        let result = try connection.query("SELECT max_attempts FROM nepsim.sweeps WHERE sweep_id = $1", [String(task.sweepID)])
        guard let maxAttempts = result.int(0, "max_attempts"), task.attempts > maxAttempts else { return false }
        try fail(task, error: "abandoned after \(maxAttempts) attempts: the workers holding it stopped mid-task",
                 on: connection, workerID: workerID)
        return true
    }

    /// Gives a task back untouched (a worker stopping early): pending again, attempt not counted.
    static func release(_ task: ClaimedTask, on connection: PostgresConnection, workerID: String) throws {
        try connection.query("""
            UPDATE nepsim.tasks SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL,
                attempts = greatest(attempts - 1, 0)
            WHERE sweep_id = $1 AND task_id = $2 AND state = 'running' AND lease_owner = $3
            """, [String(task.sweepID), String(task.taskID), workerID])
    }

    /// Extends the lease of the task the worker is computing (if any) and records its heartbeat.
    /// Only the task in hand: after a server crash that lost a completion (commits are
    /// asynchronous), the database may show the worker holding a task it has finished with;
    /// renewing every lease it owns would keep that task from ever being redone.
    static func renewLease(of task: ClaimedTask?, on connection: PostgresConnection, workerID: String, leaseSeconds: Double) throws {
        if let task {
            try connection.query("""
                UPDATE nepsim.tasks SET lease_expires_at = now() + make_interval(secs => $4::float8)
                WHERE sweep_id = $1 AND task_id = $2 AND lease_owner = $3 AND state = 'running'
                """, [String(task.sweepID), String(task.taskID), workerID, String(leaseSeconds)])
        }
        try connection.query("UPDATE nepsim.workers SET last_heartbeat = now() WHERE worker_id = $1", [workerID])
    }

    /// Whether any task (of one sweep, or of any running sweep) is still pending or running.
    static func openTaskExists(on connection: PostgresConnection, sweepID: Int64?) throws -> Bool {
        try !connection.query("""
            SELECT 1 FROM nepsim.tasks t JOIN nepsim.sweeps s ON s.sweep_id = t.sweep_id
            WHERE s.state = 'running' AND t.state IN ('pending', 'running')
              AND ($1::bigint IS NULL OR t.sweep_id = $1::bigint)
            LIMIT 1
            """, [sweepID.map { String($0) }]).isEmpty
    }

    /// Marks the sweep done (or failed, if any task failed) once no task is open: through a
    /// function, because workers have no rights on sweeps themselves.
    static func finishSweepIfComplete(_ sweepID: Int64, on connection: PostgresConnection) throws {
        try connection.query("SELECT nepsim.finish_sweep_if_complete($1)", [String(sweepID)])
    }
}
