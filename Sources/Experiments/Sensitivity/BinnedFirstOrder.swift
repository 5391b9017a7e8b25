import Dispatch
import Foundation

// MARK: - BinnedFirstOrder

/// First-order indices from given data (any sample: Monte Carlo, Latin hypercube, Sobol'):
/// each input's runs are split by rank into M classes of equal size, and S1_i is the variance of
/// the class means of the output over the output's variance (Plischke, Borgonovo and Smith
/// 2013, the S1 of SALib's `delta.analyze`, with its M = min(ceil(N^(2 / (7 + tanh((1500 - N) /
/// 500)))), 48)). Intervals: rows resampled with replacement, classes kept, estimate +- z sd.
/// It gives no total index: interactions need a design that varies one input at a time.
public enum BinnedFirstOrder {
    public struct Estimate: Sendable, Equatable {
        public let firstOrder: Double
        public let firstOrderInterval: ClosedRange<Double>
    }

    public static func classCount(rows n: Int) -> Int {
        let exponent = 2.0 / (7.0 + tanh((1500.0 - Double(n)) / 500.0))
        return Int(min(ceil(pow(Double(n), exponent)), 48).rounded())
    }

    /// `inputs[i][r]` is input i in row r; `outputs[r]` the output.
    public static func analyze(inputs: [[Double]], outputs: [Double], resamples: Int = 100, seed: UInt64 = 1,
                               confidence: Double = 0.95) throws -> [Estimate] {
        let n = outputs.count
        guard n >= 10 else { throw PlainDataError("given-data indices need at least 10 runs (got \(n))") }
        guard inputs.allSatisfy({ $0.count == n }) else { throw PlainDataError("inputs and outputs have different lengths") }
        let m = classCount(rows: n)
        let k = inputs.count
        // classOf[r * k + i]: the class of row r by input i's rank (ties broken by row, as 'ordinal').
        var classTable = [UInt8](repeating: 0, count: n * k)
        for (i, column) in inputs.enumerated() {
            let order = column.indices.sorted { column[$0] < column[$1] || (column[$0] == column[$1] && $0 < $1) }
            for (rank, row) in order.enumerated() { classTable[row * k + i] = UInt8(min(m - 1, rank * m / n)) }
        }
        let classOf = classTable  // settled: shared read-only by the resampling threads
        var sums = [Double](repeating: 0, count: k * m), counts = sums
        let point = estimate(nil, outputs: outputs, classOf: classOf, n: n, k: k, m: m, sums: &sums, counts: &counts)
        // Resample r draws its rows from its own generator (seed, r): the same intervals however
        // the resamples are spread over threads.
        var resampled = [Double](repeating: 0, count: resamples * k)
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
        resampled.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                var rows = [Int](repeating: 0, count: n)
                var sums = [Double](repeating: 0, count: k * m), counts = sums
                for r in stride(from: part, to: resamples, by: threads) {
                    var generator = SplitMix64(seed: seed, stream: UInt64(r))
                    for j in 0..<n { rows[j] = generator.index(below: n) }
                    let values = rows.withUnsafeBufferPointer { estimate($0, outputs: outputs, classOf: classOf, n: n, k: k, m: m, sums: &sums, counts: &counts) }
                    for i in 0..<k { out[r * k + i] = values[i] }
                }
            }
        }
        let z = NormalFunctions.quantile(0.5 + confidence / 2)
        return point.indices.map { i in
            let sd = sampleStandardDeviation((0..<resamples).map { resampled[$0 * k + i] })
            return Estimate(firstOrder: point[i], firstOrderInterval: (point[i] - z * sd)...(point[i] + z * sd))
        }
    }

    /// S1 of every input over `rows` (all rows when nil): variance of the class means over the output's variance.
    private static func estimate(_ rows: UnsafeBufferPointer<Int>?, outputs: [Double], classOf: [UInt8], n: Int, k: Int, m: Int,
                                 sums: inout [Double], counts: inout [Double]) -> [Double] {
        for j in sums.indices { sums[j] = 0; counts[j] = 0 }
        var total = 0.0, totalSquares = 0.0
        let count = Double(rows?.count ?? n)
        outputs.withUnsafeBufferPointer { y in
            classOf.withUnsafeBufferPointer { classes in
                sums.withUnsafeMutableBufferPointer { sum in
                    counts.withUnsafeMutableBufferPointer { tally in
                        func add(_ r: Int) {
                            let value = y[r]
                            total += value
                            totalSquares += value * value
                            let base = r * k
                            for i in 0..<k {
                                let slot = i * m + Int(classes[base + i])
                                sum[slot] += value
                                tally[slot] += 1
                            }
                        }
                        if let rows { for r in rows { add(r) } } else { for r in 0..<n { add(r) } }
                    }
                }
            }
        }
        let mean = total / count, variance = totalSquares / count - mean * mean
        guard variance > 0 else { return [Double](repeating: 0, count: k) }
        return (0..<k).map { i in
            var between = 0.0
            for c in 0..<m where counts[i * m + c] > 0 {
                let classMean = sums[i * m + c] / counts[i * m + c]
                between += counts[i * m + c] / count * (classMean - mean) * (classMean - mean)
            }
            return between / variance
        }
    }
}
