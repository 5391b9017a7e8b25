import Experiments
import Foundation
import PostgresStore
import SweepStore

// MARK: - Adaptive precision

/// Growing a sweep until its headline probabilities are known well enough.
public enum AdaptivePrecision {
    /// The events whose intervals `--until-ci` narrows.
    public static let headlineEvents = ["stalin_died_1926", "forced_collectivization", "famine_over_1m", "terror",
                                        "nep_survived_1935", "regime_crisis"]

    /// The widest 95% interval among the headline events, with its event and the runs behind it.
    public static func widestInterval(sweepID: Int64, on connection: PostgresConnection) throws -> (event: String, width: Double, trials: Int)? {
        let result = try connection.query("""
            SELECT event, ci95_upper - ci95_lower AS width, trials
            FROM nepsim.event_probabilities
            WHERE sweep_id = \(bind: sweepID) AND event = ANY(\(bind: headlineEvents)::text[])
            ORDER BY width DESC, event
            LIMIT 1
            """)
        guard !result.isEmpty else { return nil }
        return (try result.value(0, "event"), try result.value(0, "width"), try result.value(0, "trials"))
    }

    /// Runs to add so the widest interval should fall below `target`: the width shrinks as
    /// 1/sqrt(n), with a tenth more for luck; at least `minimumBatch`, at most what the cap allows.
    public static func nextBatch(currentRuns: Int, widest: Double, target: Double, minimumBatch: Int, cap: Int) -> Int {
        let needed = Double(currentRuns) * pow(widest / target, 2) * 1.1
        let batch = max(minimumBatch, Int(needed.rounded(.up)) - currentRuns)
        return max(0, min(batch, cap - currentRuns))
    }

    /// Adds design points (each with the sweep's replications) to a Monte Carlo sweep and reopens
    /// it: new tasks cover the new runs; the runs already stored keep their identities.
    public static func extend(sweepID: Int64, additionalPoints: Int, on connection: PostgresConnection) throws -> StoredSweep {
        try connection.transaction {
            let sweep = try connection.query("""
                SELECT design, points, replications, runs_total, task_size FROM nepsim.sweeps WHERE sweep_id = \(bind: sweepID) FOR UPDATE
                """)
            guard !sweep.isEmpty else { throw SweepError.unknownSweep(String(sweepID)) }
            guard try sweep.value(0, "design", as: DesignKind.self) == .monteCarlo else {
                throw SweepError.invalidRequest("--until-ci needs the mc design: a Latin hypercube's strata are fixed by its size")
            }
            let replications: Int = try sweep.value(0, "replications"), oldTotal: Int = try sweep.value(0, "runs_total")
            let newTotal = oldTotal + additionalPoints * replications
            try TaskQueue.cutTasks(sweepID: sweepID, fromRun: oldTotal, toRun: newTotal,
                                   taskSize: try sweep.value(0, "task_size"), on: connection)
            try connection.query("""
                UPDATE nepsim.sweeps
                SET points = points + \(bind: additionalPoints), runs_total = \(bind: newTotal), state = 'running', finished_at = NULL
                WHERE sweep_id = \(bind: sweepID)
                """)
            try connection.notify(Coordinator.tasksChannel, payload: String(sweepID))
            return try StoredSweep.load(String(sweepID), from: connection)
        }
    }
}
