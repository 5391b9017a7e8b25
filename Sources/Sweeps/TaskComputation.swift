import Dispatch
import Experiments
import Foundation
import PostgresStore
import SimulationCore

// MARK: - A claimed task

/// A range of runs a worker holds under lease.
public struct ClaimedTask: Sendable, Equatable {
    public let sweepID: Int64
    public let taskID: Int
    public let firstRun: Int
    public let runCount: Int
    public let attempts: Int
}

/// A task's results, ready to COPY.
struct ComputedTask {
    let runsPayload: [UInt8]
    let yearsPayload: [UInt8]?
    let runCount: Int
}

/// A run that cannot be stored (a non-finite outcome): the task fails with this.
struct RunFailure: Error, CustomStringConvertible {
    let description: String
}

// MARK: - Computing a task

enum TaskComputation {
    /// Simulates every run of the task on `threads` threads and encodes the rows. Run `i` of the
    /// sweep is design point `i / replications`, replication `i % replications`, so the rows are
    /// the same whichever worker computes them.
    static func compute(task: ClaimedTask, sweep: StoredSweep, plan: RunPlan, threads: Int, workerID: String)
        throws -> ComputedTask
    {
        let count = task.runCount
        var outcomes = [RunOutcomes](repeating: RunOutcomes(), count: count)
        var series = [[YearRecord]](repeating: [], count: sweep.storeSeries ? count : 0)
        var params = [[Double]](repeating: [], count: count)
        let specs = plan.scenario.uncertain.map(\.spec)
        outcomes.withUnsafeMutableBufferPointer { outcomeBuffer in
            series.withUnsafeMutableBufferPointer { seriesBuffer in
                params.withUnsafeMutableBufferPointer { paramsBuffer in
                    nonisolated(unsafe) let outcomeOut = outcomeBuffer
                    nonisolated(unsafe) let seriesOut = seriesBuffer
                    nonisolated(unsafe) let paramsOut = paramsBuffer
                    InProcessBatch.forEachRun(plan: plan, runs: task.firstRun..<(task.firstRun + count),
                                              replications: sweep.replications, threads: threads) { offset, parameters, outcomes, yearly in
                        outcomeOut[offset] = outcomes
                        paramsOut[offset] = specs.map { $0.value(in: parameters) }
                        if !seriesOut.isEmpty { seriesOut[offset] = yearly }
                    }
                }
            }
        }
        var runs = BinaryCopyWriter(reservingCapacity: count * 600)
        var years = sweep.storeSeries ? BinaryCopyWriter(reservingCapacity: count * 14 * 220) : nil
        for offset in 0..<count {
            let run = task.firstRun + offset
            let point = UInt64(run / sweep.replications), replication = UInt32(run % sweep.replications)
            if let bad = ResultsLayout.firstNonFiniteOutcome(outcomes[offset]) {
                throw RunFailure(description: "run (point \(point), replication \(replication)) gave a non-finite \(bad); "
                                 + "check the scenario's parameter values")
            }
            ResultsLayout.appendRun(&runs, sweepID: sweep.id, point: point, replication: replication,
                                    outcomes: outcomes[offset], parameterValues: params[offset], workerID: workerID)
            if years != nil {
                ResultsLayout.appendYears(&years!, sweepID: sweep.id, point: point, replication: replication,
                                          series: series[offset])
            }
        }
        return ComputedTask(runsPayload: runs.finished(), yearsPayload: years?.finished(), runCount: count)
    }
}
