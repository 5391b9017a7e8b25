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
        // classes[i][r]: the class of row r by input i's rank (ties broken by row, as 'ordinal').
        let classes: [[UInt8]] = inputs.map { column in
            let order = column.indices.sorted { column[$0] < column[$1] || (column[$0] == column[$1] && $0 < $1) }
            var classOf = [UInt8](repeating: 0, count: n)
            for (rank, row) in order.enumerated() { classOf[row] = UInt8(min(m - 1, rank * m / n)) }
            return classOf
        }
        func estimate(rows: [Int]?) -> [Double] {
            let count = Double(rows?.count ?? n)
            var total = 0.0, totalSquares = 0.0
            var sums = [[Double]](repeating: [Double](repeating: 0, count: m), count: inputs.count)
            var counts = [[Double]](repeating: [Double](repeating: 0, count: m), count: inputs.count)
            func add(_ r: Int) {
                let y = outputs[r]
                total += y
                totalSquares += y * y
                for i in 0..<classes.count {
                    let c = Int(classes[i][r])
                    sums[i][c] += y
                    counts[i][c] += 1
                }
            }
            if let rows { rows.forEach(add) } else { (0..<n).forEach(add) }
            let mean = total / count, variance = totalSquares / count - mean * mean
            guard variance > 0 else { return [Double](repeating: 0, count: inputs.count) }
            return (0..<inputs.count).map { i in
                var between = 0.0
                for c in 0..<m where counts[i][c] > 0 {
                    let classMean = sums[i][c] / counts[i][c]
                    between += counts[i][c] / count * (classMean - mean) * (classMean - mean)
                }
                return between / variance
            }
        }
        let point = estimate(rows: nil)
        var generator = SplitMix64(seed: seed)
        let resampled = (0..<resamples).map { _ in estimate(rows: (0..<n).map { _ in generator.index(below: n) }) }
        let z = NormalFunctions.quantile(0.5 + confidence / 2)
        return point.indices.map { i in
            let values = resampled.map { $0[i] }
            let average = values.reduce(0, +) / Double(max(1, values.count))
            let sd = (values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(max(1, values.count - 1))).squareRoot()
            return Estimate(firstOrder: point[i], firstOrderInterval: (point[i] - z * sd)...(point[i] + z * sd))
        }
    }
}
