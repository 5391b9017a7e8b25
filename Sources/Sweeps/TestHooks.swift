import Experiments
import PostgresStore

/// The task lifecycle steps, exposed for the tests that play two workers against each other.
public enum SweepsTestHooks {
    public static func claim(on connection: PostgresConnection, workerID: String, sweepID: Int64?, leaseSeconds: Double)
        throws -> ClaimedTask?
    {
        try TaskQueue.claim(on: connection, workerID: workerID, sweepID: sweepID, leaseSeconds: leaseSeconds)
    }

    public static func compute(_ task: ClaimedTask, sweep: StoredSweep, plan: RunPlan, workerID: String) throws -> ComputedTaskPayload {
        ComputedTaskPayload(computed: try TaskComputation.compute(task: task, sweep: sweep, plan: plan, threads: 2, workerID: workerID))
    }

    public static func complete(_ task: ClaimedTask, results: ComputedTaskPayload, on connection: PostgresConnection,
                                workerID: String) throws -> Bool {
        var timings = TaskTimings()
        return try TaskQueue.complete(task, results: results.computed, on: connection, workerID: workerID, timings: &timings)
    }
}

/// A computed task's COPY payloads (opaque outside the module).
public struct ComputedTaskPayload {
    let computed: ComputedTask
}
