import SimulationCore

// MARK: - SobolSequence

/// The Sobol' low-discrepancy sequence with Joe and Kuo's direction numbers, up to 256
/// dimensions and 2^32 points, in Gray-code order (the order of Joe and Kuo's own generator and
/// of scipy's). Point `i` is computed directly: the XOR of the direction numbers selected by the
/// bits of gray(i) = i ^ (i >> 1), so any worker computes any point alone.
public struct SobolSequence: Sendable {
    public static let maximumDimensions = JoeKuoDirections.rows.count + 1
    public let dimensions: Int
    /// `directions[d][b]`: direction number v_{b+1} of dimension d, as a 32-bit fraction.
    private let directions: [[UInt32]]

    public init(dimensions: Int) {
        precondition(dimensions >= 0 && dimensions <= Self.maximumDimensions,
                     "a Sobol' sequence here has at most \(Self.maximumDimensions) dimensions")
        self.dimensions = dimensions
        directions = (0..<dimensions).map(Self.directionNumbers(dimension:))
    }

    /// The 32 direction numbers of one dimension (0-based), from its primitive polynomial's
    /// recurrence (Bratley and Fox 1988, Algorithm 659; Joe and Kuo 2008, section 2).
    static func directionNumbers(dimension: Int) -> [UInt32] {
        var v = [UInt32](repeating: 0, count: 32)
        guard dimension > 0 else {
            for k in 0..<32 { v[k] = 1 << (31 - k) }  // every m = 1: van der Corput
            return v
        }
        let row = JoeKuoDirections.rows[dimension - 1]
        let a = row[0], m = Array(row.dropFirst()), s = m.count
        for k in 0..<min(s, 32) { v[k] = m[k] << (31 - k) }
        if s < 32 {
            for k in s..<32 {
                var value = v[k - s] ^ (v[k - s] >> UInt32(s))
                for j in 1..<s where (a >> UInt32(s - 1 - j)) & 1 == 1 { value ^= v[k - j] }
                v[k] = value
            }
        }
        return v
    }

    /// Point `index` as 32-bit fractions (value / 2^32), one per dimension.
    public func point(_ index: UInt64, into words: inout [UInt32]) {
        precondition(index < (1 << 32), "a Sobol' sequence here has at most 2^32 points")
        let gray = index ^ (index >> 1)
        words.removeAll(keepingCapacity: true)
        for d in 0..<dimensions {
            var x: UInt32 = 0
            var bits = gray, b = 0
            while bits != 0 {
                if bits & 1 == 1 { x ^= directions[d][b] }
                bits >>= 1
                b += 1
            }
            words.append(x)
        }
    }

    /// Point `index` in [0, 1), unscrambled (for checking against published points).
    public func point(_ index: UInt64) -> [Double] {
        var words: [UInt32] = []
        point(index, into: &words)
        return words.map { Double($0) / 4_294_967_296 }
    }
}

// MARK: - SobolDesign

/// A scrambled Sobol' design: the sequence under a random digital shift keyed by the sweep's
/// seed (each dimension's 32 bits XORed with a word of the seed's scrambling stream), which keeps
/// its net structure and makes the estimate's error measurable across seeds. Coordinates are the
/// centres of the 2^-32 cells, so never exactly 0 or 1. Point `p` is computed alone.
public struct SobolDesign: ExperimentDesign {
    public let seed: UInt64
    public let dimensions: Int
    public var name: String { DesignKind.sobol.rawValue }
    private let sequence: SobolSequence
    private let shifts: [UInt32]

    public init(seed: UInt64, dimensions: Int) {
        self.seed = seed
        self.dimensions = dimensions
        sequence = SobolSequence(dimensions: dimensions)
        var stream = RandomStream(seed: seed, point: 0, replication: 0, purpose: .sobolScrambling)
        shifts = (0..<dimensions).map { _ in UInt32(truncatingIfNeeded: stream.nextUInt64() >> 32) }
    }

    public func coordinates(point: UInt64, into values: inout [Double]) {
        var words: [UInt32] = []
        sequence.point(point, into: &words)
        values.removeAll(keepingCapacity: true)
        for (d, word) in words.enumerated() {
            values.append((Double(word ^ shifts[d]) + 0.5) / 4_294_967_296)
        }
    }
}

// MARK: - SaltelliDesign

/// Saltelli's (2010) scheme for first-order and total Sobol' indices of k uncertain parameters:
/// two independent matrices A and B (the first and last k coordinates of a 2k-dimensional
/// scrambled Sobol' design) and, for each parameter i, A_B(i): A with column i taken from B.
/// The base has N rows; the design has N x (k + 2) points laid out row by row:
///
///     point p: base row r = p / (k + 2), block j = p % (k + 2)
///     j = 0: A[r];  j = 1...k: A_B(j)[r] (parameter j - 1 from B);  j = k + 1: B[r]
///
/// so a SQL user tells the blocks apart with `point % (k + 2)` (k = cardinality of
/// `sweeps.uncertain_parameters`), and `nepsim sensitivity` reads them the same way.
public struct SaltelliDesign: ExperimentDesign {
    public let seed: UInt64
    public let dimensions: Int
    public let baseRows: UInt64
    public var name: String { DesignKind.saltelli.rawValue }
    private let matrices: SobolDesign

    public init(seed: UInt64, baseRows: UInt64, dimensions: Int) {
        self.seed = seed
        self.baseRows = baseRows
        self.dimensions = dimensions
        matrices = SobolDesign(seed: seed, dimensions: 2 * dimensions)
    }

    /// The blocks of a base row share their chance (common random numbers): A and A_B(i) then
    /// differ in parameter i alone, and what the model leaves to chance shows as the share of
    /// the variance no parameter explains (1 - sum of S1) instead of swamping every index.
    public func chanceIdentity(of point: UInt64) -> UInt64 {
        point / UInt64(Self.blockCount(dimensions: dimensions))
    }

    /// Points per base row: A, the k matrices A_B(i), and B.
    public static func blockCount(dimensions: Int) -> Int { dimensions + 2 }

    public func coordinates(point: UInt64, into values: inout [Double]) {
        let blocks = UInt64(Self.blockCount(dimensions: dimensions))
        let row = point / blocks, block = Int(point % blocks)
        var both: [Double] = []
        matrices.coordinates(point: row, into: &both)
        values.removeAll(keepingCapacity: true)
        if block == dimensions + 1 {
            values.append(contentsOf: both[dimensions...])
        } else {
            values.append(contentsOf: both[..<dimensions])
            if block >= 1 { values[block - 1] = both[dimensions + block - 1] }
        }
    }
}
