import SimulationCore

// MARK: - LatinHypercubeDesign

/// A Latin hypercube of `points` points: in every dimension, each of the `points` equal strata
/// [k/N, (k+1)/N) holds exactly one point.
///
/// Point p's stratum in dimension d is π_d(p) for a keyed pseudorandom permutation π_d of
/// 0 ..< N (see `KeyedPermutation`), and its place inside the stratum is a uniform jitter from the
/// Latin hypercube stream (seed, p). Both are computed from (seed, p) alone, so points can be
/// produced in any order by any worker.
public struct LatinHypercubeDesign: ExperimentDesign {
    public let seed: UInt64
    /// N: the number of points, and of strata in each dimension.
    public let points: UInt64
    public let dimensions: Int
    public var name: String { DesignKind.latinHypercube.rawValue }
    private let permutations: [KeyedPermutation]

    /// Marks permutation counters: a top byte with the high bit set, which `RandomStream` never
    /// produces (its top byte is the stream purpose), so permutations never reuse a stream's draws.
    private static let permutationTag = UInt64(0x80 | StreamPurpose.latinHypercube.rawValue) << 56

    public init(seed: UInt64, points: UInt64, dimensions: Int) {
        precondition(points >= 1, "a Latin hypercube needs at least one point")
        precondition(dimensions >= 0, "a design needs a non-negative number of dimensions")
        self.seed = seed
        self.points = points
        self.dimensions = dimensions
        permutations = (0..<dimensions).map { dimension in
            KeyedPermutation(count: points, key: seed, tweak: Self.permutationTag | UInt64(dimension))
        }
    }

    public func coordinates(point: UInt64, into values: inout [Double]) {
        precondition(point < points, "point \(point) is outside this \(points)-point Latin hypercube")
        var jitter = RandomStream(seed: seed, point: point, replication: 0, purpose: .latinHypercube)
        let count = Double(points)
        values.removeAll(keepingCapacity: true)
        for permutation in permutations {
            let stratum = permutation(point)
            let lower = Double(stratum) / count
            let upper = Double(stratum + 1) / count
            // (k + j) / N can round up to (k + 1) / N, the next stratum; keep it inside.
            let value = (Double(stratum) + jitter.uniform()) / count
            values.append(min(max(value, lower), upper.nextDown))
        }
    }
}
