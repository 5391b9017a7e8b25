import Dispatch
import Foundation

// MARK: - BinnedFirstOrder

/// First-order indices from given data (any sample: Monte Carlo, Latin hypercube, Sobol'):
/// each input's runs are split by rank into M classes of equal size, and S1_i is the variance of
/// the class means of the output over the output's variance (Plischke, Borgonovo and Smith
/// 2013, the S1 of SALib's `delta.analyze`, with its M = min(ceil(N^(2 / (7 + tanh((1500 - N) /
/// 500)))), 48)). Intervals: a Poisson bootstrap (each row weighted by a Poisson(1) count, the
/// large-sample form of resampling rows with replacement), classes kept, estimate +- z sd.
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
        let classes = RankClasses(inputs: inputs, classes: m)
        let k = inputs.count
        var point = [Double](repeating: .nan, count: k)
        var working = Working(rows: n, slots: k * m)
        for r in 0..<n { working.weights[r] = 1 }
        point.withUnsafeMutableBufferPointer { estimate(outputs, classes, &working, into: $0) }
        let spreads = Bootstrap.spreads(resamples: resamples, width: k, seed: seed,
                                        scratch: { Working(rows: n, slots: k * m) }) { generator, working, values in
            for r in 0..<n { working.weights[r] = Bootstrap.poissonOne(generator.next()) }
            estimate(outputs, classes, &working, into: values)
        }
        let z = NormalFunctions.quantile(0.5 + confidence / 2)
        return point.indices.map { i in
            Estimate(firstOrder: point[i], firstOrderInterval: (point[i] - z * spreads[i])...(point[i] + z * spreads[i]))
        }
    }

    /// A thread's working memory: the rows' weights and every input's class sums.
    private struct Working {
        var weights: [Double]
        var sums: [Double]
        var counts: [Double]
        init(rows: Int, slots: Int) {
            weights = [Double](repeating: 0, count: rows)
            sums = [Double](repeating: 0, count: slots)
            counts = sums
        }
    }

    /// S1 of every input under the rows' weights: the weighted variance of the class means over
    /// the weighted variance of the output. One pass over the rows in order; a row of weight 0
    /// (about 37% of a Poisson resample) is skipped.
    private static func estimate(_ y: [Double], _ classes: RankClasses, _ working: inout Working,
                                 into values: UnsafeMutableBufferPointer<Double>) {
        let n = y.count, m = classes.classCount, k = values.count
        var count = 0.0, total = 0.0, totalSquares = 0.0
        y.withUnsafeBufferPointer { y in
            working.weights.withUnsafeBufferPointer { w in
                working.sums.withUnsafeMutableBufferPointer { sum in
                    working.counts.withUnsafeMutableBufferPointer { tally in
                        for slot in sum.indices { sum[slot] = 0; tally[slot] = 0 }
                        classes.table.withUnsafeBufferPointer { table in
                            for r in 0..<n where w[r] != 0 {
                                let weight = w[r], weighted = w[r] * y[r]
                                count += weight
                                total += weighted
                                totalSquares += weighted * y[r]
                                let row = table.baseAddress! + r * k
                                for i in 0..<k {
                                    let slot = i * m + Int(row[i])
                                    sum[slot] += weighted
                                    tally[slot] += weight
                                }
                            }
                        }
                    }
                }
            }
        }
        let mean = total / count, variance = totalSquares / count - mean * mean
        for i in 0..<k {
            guard variance > 0 else { values[i] = 0; continue }
            var between = 0.0
            for c in 0..<m where working.counts[i * m + c] > 0 {
                let classMean = working.sums[i * m + c] / working.counts[i * m + c]
                between += working.counts[i * m + c] / count * (classMean - mean) * (classMean - mean)
            }
            values[i] = between / variance
        }
    }
}

// MARK: - RankClasses

/// Each row's class by each input's rank: `table[r * inputs + i]` is row r's class by input i, the
/// rows ranked by value with ties broken by row (as 'ordinal' ranking) and cut into equal classes
/// (class = rank x classes / rows). Ranked by a stable radix sort of the values' order-preserving
/// bits, the inputs spread over the cores: a million rows by fifteen inputs in well under a second.
struct RankClasses: Sendable {
    let classCount: Int
    let table: [UInt8]

    init(inputs: [[Double]], classes m: Int) {
        precondition(m <= 256)
        let n = inputs.first?.count ?? 0
        classCount = m
        var table = [UInt8](repeating: 0, count: n * inputs.count)
        table.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer  // each input writes its own slice
            DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
                let order = Self.stableOrder(inputs[i])
                let k = inputs.count
                for (rank, row) in order.enumerated() { out[Int(row) * k + i] = UInt8(min(m - 1, rank * m / n)) }
            }
        }
        self.table = table
    }

    /// The rows sorted by value, ties in row order: a least-significant-digit radix sort (stable)
    /// of 64-bit keys that order as the doubles do, 16 bits a pass.
    static func stableOrder(_ values: [Double]) -> [UInt32] {
        let n = values.count
        var keys = values.map { value -> UInt64 in
            let bits = (value == 0 ? 0.0 : value).bitPattern  // -0 and +0 tie, as they compare
            return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
        }
        var rows = (0..<n).map { UInt32($0) }
        var keysOut = keys, rowsOut = rows
        var counts = [Int](repeating: 0, count: 1 << 16)
        for pass in 0..<4 {
            let shift = UInt64(pass * 16)
            for j in counts.indices { counts[j] = 0 }
            for key in keys { counts[Int((key >> shift) & 0xFFFF)] += 1 }
            if counts.contains(n) { continue }  // every key has this digit: the order stands
            var start = 0
            for j in counts.indices { (counts[j], start) = (start, start + counts[j]) }
            for p in 0..<n {
                let digit = Int((keys[p] >> shift) & 0xFFFF)
                keysOut[counts[digit]] = keys[p]
                rowsOut[counts[digit]] = rows[p]
                counts[digit] += 1
            }
            swap(&keys, &keysOut)
            swap(&rows, &rowsOut)
        }
        return rows
    }
}
