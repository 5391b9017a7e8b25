import Dispatch
import Experiments
import Foundation
import PostgresStore
import SimulationCore
import SweepStore

// MARK: - QueueBenchmark

/// The task queue's own cost, without the simulation: `consumers` connections claim tasks of
/// `taskSize` runs and complete them exactly as a worker does (the rows COPYed under the lease,
/// `complete_tasks` checking them, one transaction; with `claimBatch` > 1, consecutive tasks
/// claimed and stored together), every run's row being the same precomputed outcome. For
/// `scripts/bench-queue`, against pgqueuer doing empty jobs on the same server.
public enum QueueBenchmark {
    public struct Result: Sendable {
        public let sweepID: Int64
        public let tasks: Int
        public let seconds: Double
        public var tasksPerSecond: Double { Double(tasks) / seconds }
    }

    public static func run(databaseURL: String, scenario: Scenario, tasks: Int, taskSize: Int, consumers: Int,
                           claimBatch: Int = 1) throws -> Result {
        let setup = try PostgresConnection(url: databaseURL, applicationName: "nepsim bench-queue")
        defer { setup.close() }
        let sweep = try Coordinator.launch(SweepRequest(scenario: scenario, name: "bench-queue-\(getpid())-\(taskSize)",
                                                        points: tasks * taskSize, taskSize: taskSize),
                                           on: setup, codeVersion: "bench")
        let plan = try sweep.runPlan()
        var series: [YearRecord] = []
        let outcome = plan.run(point: 0, replication: 0, series: &series)
        let values = plan.scenario.uncertain.map { $0.spec.value(in: plan.parameters(point: 0)) }
        let started = DispatchTime.now()
        let group = DispatchGroup()
        let lock = NSLock()
        nonisolated(unsafe) var completed = 0
        nonisolated(unsafe) var failure: Error?
        for consumer in 0..<consumers {
            DispatchQueue.global().async(group: group) {
                do {
                    let connection = try PostgresConnection(url: databaseURL, applicationName: "nepsim bench-queue")
                    defer { connection.close() }
                    try connection.query("SET synchronous_commit = off")
                    let workerID = "bench-queue-\(consumer)"
                    var done = 0
                    var timings = TaskTimings()
                    while let task = try TaskQueue.claim(on: connection, workerID: workerID, sweepID: sweep.id, leaseSeconds: 60,
                                                                 batch: claimBatch) {
                        var rows = BinaryCopyWriter(reservingCapacity: task.runCount * 1024)
                        for run in task.firstRun..<(task.firstRun + task.runCount) {
                            ResultsLayout.appendRun(&rows, sweepID: sweep.id, point: UInt64(run), replication: 0, outcomes: outcome,
                                                    parameterValues: values, workerID: workerID)
                        }
                        let computed = ComputedTask(runsPayload: BinaryCopyPayload([rows]), yearsPayload: nil, runCount: task.runCount)
                        if try TaskQueue.complete(task, results: computed, on: connection, workerID: workerID, timings: &timings) {
                            done += task.taskCount
                        }
                    }
                    lock.withLock { completed += done }
                } catch {
                    lock.withLock { failure = failure ?? error }
                }
            }
        }
        group.wait()
        let seconds = DispatchTime.now().seconds(since: started)
        if let failure { throw failure }
        return Result(sweepID: sweep.id, tasks: completed, seconds: seconds)
    }
}
