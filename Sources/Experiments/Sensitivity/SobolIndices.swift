import Foundation

// MARK: - SobolIndices

/// First-order and total Sobol' indices of one output from a Saltelli design's outputs, with
/// bootstrap confidence intervals.
///
/// Estimators (as SALib's `sobol.analyze`, so the two can be compared number for number):
/// - variance V = Var([f(A), f(B)]) over both base matrices;
/// - first order S1_i = mean(f(B) (f(A_B(i)) - f(A))) / V (Saltelli et al. 2010, table 2 (b));
/// - total ST_i = mean((f(A) - f(A_B(i)))^2) / (2 V) (Jansen 1999; Saltelli et al. 2010 (f)).
/// Intervals: the base rows are resampled with replacement `resamples` times (`Bootstrap`:
/// seeded, so the same call gives the same interval), and the interval is the estimate +- z
/// sd(resampled estimates), z for the confidence level: SALib's construction.
public enum SobolIndices {
    public struct Estimate: Sendable, Equatable {
        public let firstOrder: Double
        public let firstOrderInterval: ClosedRange<Double>
        public let total: Double
        public let totalInterval: ClosedRange<Double>
    }

    public enum Problem: Error, CustomStringConvertible, Equatable {
        case tooFewRows(Int)
        case mismatchedBlocks
        case constantOutput

        public var description: String {
            switch self {
            case .tooFewRows(let n): return "a Sobol' analysis needs at least 2 base rows (got \(n))"
            case .mismatchedBlocks: return "the A, B and A_B(i) blocks have different numbers of rows"
            case .constantOutput: return "the output does not vary over the design: every index is undefined"
            }
        }
    }

    /// `a[r]`, `b[r]` and `ab[i][r]` are the output at base row r of A, B and A_B(i).
    public static func analyze(a: [Double], b: [Double], ab: [[Double]], resamples: Int = 1000, seed: UInt64 = 1,
                               confidence: Double = 0.95) throws(Problem) -> [Estimate] {
        let n = a.count
        guard n >= 2 else { throw .tooFewRows(n) }
        guard b.count == n, ab.allSatisfy({ $0.count == n }) else { throw .mismatchedBlocks }
        let variance = Self.variance(a, b, rows: nil)
        guard variance > 0 else { throw .constantOutput }
        let z = NormalFunctions.quantile(0.5 + confidence / 2)
        // Every parameter sees the same resampled rows: S1 spreads first, then ST spreads.
        let k = ab.count
        let spreads = Bootstrap.spreads(resamples: resamples, width: 2 * k, seed: seed,
                                        scratch: { [Int](repeating: 0, count: n) }) { generator, rows, values in
            for i in 0..<n { rows[i] = generator.index(below: n) }
            let v = Self.variance(a, b, rows: rows)
            guard v > 0 else { return }  // left NaN: left out of the spread
            for (i, column) in ab.enumerated() {
                values[i] = firstOrder(a, b, column, rows: rows) / v
                values[k + i] = total(a, column, rows: rows) / v
            }
        }
        return ab.indices.map { i in
            let column = ab[i]
            let s1 = firstOrder(a, b, column, rows: nil) / variance
            let st = total(a, column, rows: nil) / variance
            let s1Half = z * spreads[i], stHalf = z * spreads[k + i]
            return Estimate(firstOrder: s1, firstOrderInterval: (s1 - s1Half)...(s1 + s1Half),
                            total: st, totalInterval: (st - stHalf)...(st + stHalf))
        }
    }

    private static func variance(_ a: [Double], _ b: [Double], rows: [Int]?) -> Double {
        var sum = 0.0, sumSquares = 0.0, count = 0.0
        func add(_ x: Double) { sum += x; sumSquares += x * x; count += 1 }
        if let rows { for r in rows { add(a[r]); add(b[r]) } } else { a.forEach(add); b.forEach(add) }
        let mean = sum / count
        return max(0, sumSquares / count - mean * mean)
    }

    private static func firstOrder(_ a: [Double], _ b: [Double], _ ab: [Double], rows: [Int]?) -> Double {
        var sum = 0.0
        if let rows { for r in rows { sum += b[r] * (ab[r] - a[r]) } } else { for r in a.indices { sum += b[r] * (ab[r] - a[r]) } }
        return sum / Double(rows?.count ?? a.count)
    }

    private static func total(_ a: [Double], _ ab: [Double], rows: [Int]?) -> Double {
        var sum = 0.0
        if let rows {
            for r in rows { sum += (a[r] - ab[r]) * (a[r] - ab[r]) }
        } else {
            for r in a.indices { sum += (a[r] - ab[r]) * (a[r] - ab[r]) }
        }
        return sum / Double(2 * (rows?.count ?? a.count))
    }
}
