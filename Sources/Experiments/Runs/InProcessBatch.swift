import Dispatch
import SimulationCore

/// Many runs in this process on all cores, no database: `nepsim simulate` and the benchmarks.
public enum InProcessBatch {
    /// Runs `points x replications` runs; result `i` is point `i / replications`, replication
    /// `i % replications`, whatever the thread count, so the output is identical on 1 or 64 threads.
    public static func simulate(plan: RunPlan, points: Int, replications: Int = 1, threads: Int) -> [RunOutcomes] {
        simulate(plan: plan, points: points, replications: replications, threads: threads, yearly: nil)
    }

    /// As `simulate`, also keeping every yearly series: `yearly[series][year - 1927][run]`.
    public static func simulateWithYearlySeries(plan: RunPlan, points: Int, replications: Int = 1, threads: Int)
        -> (outcomes: [RunOutcomes], yearly: [[[Double]]])
    {
        let total = points * replications
        var yearly = [Double](repeating: 0, count: OutcomeCatalog.series.count * YearTable.years.count * total)
        let outcomes = yearly.withUnsafeMutableBufferPointer { buffer in
            simulate(plan: plan, points: points, replications: replications, threads: threads, yearly: buffer)
        }
        let years = YearTable.years.count
        let shaped = (0..<OutcomeCatalog.series.count).map { s in
            (0..<years).map { y in
                let start = (s * years + y) * total
                return Array(yearly[start..<(start + total)])
            }
        }
        return (outcomes, shaped)
    }

    static func simulate(plan: RunPlan, points: Int, replications: Int, threads: Int,
                         yearly: UnsafeMutableBufferPointer<Double>?) -> [RunOutcomes] {
        nonisolated(unsafe) let yearlyOutput = yearly
        let total = points * replications
        var results = [RunOutcomes](repeating: RunOutcomes(), count: total)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            forEachRun(plan: plan, runs: 0..<total, replications: replications, threads: threads) { offset, _, outcomes, series in
                output[offset] = outcomes
                if let yearlyOutput {
                    let years = series.count
                    for (s, definition) in OutcomeCatalog.series.enumerated() {
                        for (y, record) in series.enumerated() {
                            yearlyOutput[(s * years + y) * total + offset] = definition.value(record)
                        }
                    }
                }
            }
        }
        return results
    }

    /// The runs of a range one after another on this thread; `body` gets each run's offset in
    /// the range, its parameters, outcomes and yearly records (valid during the call only).
    public static func forEachRunInOrder(plan: RunPlan, runs: Range<Int>, replications: Int,
                                         _ body: (Int, ModelParameters, RunOutcomes, [YearRecord]) -> Void) {
        var series: [YearRecord] = []
        series.reserveCapacity(YearTable.years.count)
        var coordinates = [Double](repeating: 0, count: plan.design.dimensions)
        var currentPoint = UInt64.max
        var parameters = ModelParameters()
        for run in runs {
            let point = UInt64(run / replications), replication = UInt32(run % replications)
            if point != currentPoint {
                parameters = plan.parameters(point: point, coordinates: &coordinates)
                currentPoint = point
            }
            let outcomes = plan.run(point: point, replication: replication, parameters: parameters, series: &series)
            body(run - runs.lowerBound, parameters, outcomes, series)
        }
    }

    /// Simulates sweep runs `runs` (run `i` is design point `i / replications`, replication
    /// `i % replications`) on `threads` threads, computing each design point's parameters once
    /// per chunk. `record(offset, parameters, outcomes, series)` is called concurrently, once per
    /// run, with distinct offsets (the run's position in `runs`); its arguments are lent, not copied.
    public static func forEachRun(plan: RunPlan, runs: Range<Int>, replications: Int, threads: Int,
                                  _ record: @Sendable (Int, ModelParameters, RunOutcomes, [YearRecord]) -> Void) {
        let total = runs.count
        guard total > 0 else { return }
        let chunkCount = max(1, min(total, threads * 8))
        let chunkSize = (total + chunkCount - 1) / chunkCount
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let start = chunk * chunkSize
            let end = min(total, start + chunkSize)
            guard start < end else { return }
            forEachRunInOrder(plan: plan, runs: (runs.lowerBound + start)..<(runs.lowerBound + end), replications: replications) {
                record(start + $0, $1, $2, $3)
            }
        }
    }
}
