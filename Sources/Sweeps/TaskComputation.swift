import Dispatch
import Experiments
import Foundation
import PostgresStore
import SimulationCore
import SweepStore

// MARK: - A claimed task

/// A range of runs a worker holds under lease: one task, or consecutive tasks `taskID...lastTaskID`
/// claimed together (`--claim-batch`), whose runs follow on from each other.
public struct ClaimedTask: Sendable, Equatable {
    public let sweepID: Int64
    public let taskID: Int
    public let lastTaskID: Int
    public let firstRun: Int
    /// The runs of all the tasks.
    public let runCount: Int
    /// The first task's attempt (the others of a batch are in their first).
    public let attempts: Int

    public init(sweepID: Int64, taskID: Int, lastTaskID: Int? = nil, firstRun: Int, runCount: Int, attempts: Int) {
        self.sweepID = sweepID
        self.taskID = taskID
        self.lastTaskID = lastTaskID ?? taskID
        self.firstRun = firstRun
        self.runCount = runCount
        self.attempts = attempts
    }

    public var taskCount: Int { lastTaskID - taskID + 1 }
    /// "12", or "12-21" for a batch.
    public var tasksLabel: String { taskCount == 1 ? "\(taskID)" : "\(taskID)-\(lastTaskID)" }
}

/// A task's results, ready to COPY, and how long simulating and encoding them took.
struct ComputedTask {
    let runsPayload: BinaryCopyPayload
    let yearsPayload: BinaryCopyPayload?
    let runCount: Int
    var claimSeconds = 0.0
    var simulateSeconds = 0.0
    var encodeSeconds = 0.0
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
    ///
    /// The task is cut into contiguous chunks; each thread simulates a chunk's runs and encodes
    /// them at once into the chunk's own COPY rows, and the chunks are sent in order. So the
    /// payload is byte for byte what one thread would write, and encoding is spread over the
    /// threads instead of following the simulation on one.
    static func compute(task: ClaimedTask, sweep: StoredSweep, plan: RunPlan, threads: Int, workerID: String,
                        niceness: Int32 = 0) throws -> ComputedTask
    {
        let count = task.runCount
        let started = DispatchTime.now()
        let chunkCount = max(1, min(count, threads * 4))
        let chunkSize = (count + chunkCount - 1) / chunkCount
        var chunks = [EncodedChunk?](repeating: nil, count: chunkCount)
        let specs = plan.scenario.uncertain.map(\.spec)
        chunks.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                // Per thread, each time: Linux keeps a priority per thread, and the dispatch
                // pool's threads set their own from their quality of service when they start.
                #if canImport(Glibc)
                if niceness > 0 { setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
                #endif
                let end = task.firstRun + count
                let first = min(end, task.firstRun + chunk * chunkSize)
                let runs = first..<min(end, first + chunkSize)
                guard !runs.isEmpty else { return }
                out[chunk] = encodeChunk(runs: runs, sweep: sweep, plan: plan, specs: specs, workerID: workerID)
            }
        }
        let present = chunks.compactMap { $0 }
        if let failure = present.lazy.compactMap(\.failure).first { throw failure }
        let simulateCPU = present.reduce(0) { $0 + $1.simulateSeconds }, encodeCPU = present.reduce(0) { $0 + $1.encodeSeconds }
        // The threads' wall time, shared between simulating and encoding as their CPU time was.
        let wall = DispatchTime.now().seconds(since: started)
        let encodeShare = encodeCPU + simulateCPU > 0 ? encodeCPU / (encodeCPU + simulateCPU) : 0
        return ComputedTask(runsPayload: BinaryCopyPayload(present.map(\.runs)),
                            yearsPayload: sweep.storeSeries ? BinaryCopyPayload(present.compactMap(\.years)) : nil,
                            runCount: count, simulateSeconds: wall * (1 - encodeShare), encodeSeconds: wall * encodeShare)
    }

    /// One chunk's rows, or the first run that cannot be stored.
    private struct EncodedChunk {
        var runs: BinaryCopyWriter
        var years: BinaryCopyWriter?
        var failure: RunFailure?
        var simulateSeconds = 0.0
        var encodeSeconds = 0.0
    }

    private static func encodeChunk(runs: Range<Int>, sweep: StoredSweep, plan: RunPlan, specs: [ParameterSpec],
                                    workerID: String) -> EncodedChunk {
        // About 930 bytes a run (20 drawn parameters) and 4,450 bytes of yearly series (14 years
        // of 22 series and the leader); room for a little more, so the storage is not copied to grow.
        var chunk = EncodedChunk(runs: BinaryCopyWriter(reservingCapacity: runs.count * 1_024),
                                 years: sweep.storeSeries ? BinaryCopyWriter(reservingCapacity: runs.count * 4_608) : nil)
        var encodeNanoseconds: UInt64 = 0
        let started = DispatchTime.now()
        var parameterValues = [Double](repeating: 0, count: specs.count)
        InProcessBatch.forEachRunInOrder(plan: plan, runs: runs, replications: sweep.replications) { offset, parameters, outcomes, yearly in
            guard chunk.failure == nil else { return }
            let encodeStarted = DispatchTime.now().uptimeNanoseconds
            defer { encodeNanoseconds += DispatchTime.now().uptimeNanoseconds - encodeStarted }
            let run = runs.lowerBound + offset
            let point = UInt64(run / sweep.replications), replication = UInt32(run % sweep.replications)
            ParameterSpec.read(specs, from: parameters, into: &parameterValues)
            if let bad = ResultsLayout.appendRun(&chunk.runs, sweepID: sweep.id, point: point, replication: replication,
                                                 outcomes: outcomes, parameterValues: parameterValues, workerID: workerID) {
                chunk.failure = RunFailure(description: "run (point \(point), replication \(replication)) gave a non-finite \(bad); "
                                           + "check the scenario's parameter values")
                return
            }
            if var years = chunk.years.take() {
                // Taken out of the optional and put back, so the payload is not copied.
                ResultsLayout.appendSeries(&years, sweepID: sweep.id, point: point, replication: replication, series: yearly)
                chunk.years = years
            }
        }
        let total = DispatchTime.now().seconds(since: started)
        chunk.encodeSeconds = Double(encodeNanoseconds) / 1e9
        chunk.simulateSeconds = max(0, total - chunk.encodeSeconds)
        return chunk
    }
}

extension DispatchTime {
    /// Seconds from `earlier` to this time.
    public func seconds(since earlier: DispatchTime) -> Double {
        Double(uptimeNanoseconds - earlier.uptimeNanoseconds) / 1e9
    }
}
