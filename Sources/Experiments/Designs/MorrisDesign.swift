import SimulationCore

// MARK: - MorrisDesign

/// Morris's (1991) elementary-effects design: R trajectories of k + 1 points on a grid of p
/// levels {0, 1/(p-1), ..., 1}. A trajectory starts at a random grid point and moves one
/// parameter at a time, in a random order, by Delta = p / (2 (p - 1)), up or down at random
/// (the B* construction of Morris, 1991, section 3). Point `p` is trajectory `p / (k + 1)`,
/// step `p % (k + 1)`; each trajectory is drawn from its own stream, so any point is computed
/// alone. The grid coordinates g are mapped to the centres of p equal strata for the
/// scenario's quantile functions ((g (p - 1) + 0.5) / p), which never reach 0 or 1; elementary
/// effects are measured in grid units, as SALib measures them.
public struct MorrisDesign: ExperimentDesign {
    public let seed: UInt64
    public let dimensions: Int
    public let levels: Int
    public var name: String { DesignKind.morris.rawValue }

    public init(seed: UInt64, dimensions: Int, levels: Int) {
        precondition(levels >= 2 && levels % 2 == 0, "Morris levels are even and at least 2")
        self.seed = seed
        self.dimensions = dimensions
        self.levels = levels
    }

    /// The grid step: p / (2 (p - 1)).
    public var delta: Double { Double(levels) / Double(2 * (levels - 1)) }

    /// The levels when none are given: 4, the usual choice (Saltelli et al. 2008, section 3.3).
    public static let defaultLevels = 4

    public static func pointsPerTrajectory(dimensions: Int) -> Int { dimensions + 1 }

    /// A trajectory's points share their chance, as a Saltelli row's do: each step then
    /// differs from the last in one parameter only.
    public func chanceIdentity(of point: UInt64) -> UInt64 {
        point / UInt64(Self.pointsPerTrajectory(dimensions: dimensions))
    }

    /// Point `point` on the grid [0, 1] (for plain data and for the analysis).
    public func gridPoint(_ point: UInt64) -> [Double] {
        let k = dimensions, perTrajectory = UInt64(k + 1)
        let trajectory = point / perTrajectory, step = Int(point % perTrajectory)
        var stream = RandomStream(seed: seed, point: trajectory, replication: 0, purpose: .morrisTrajectory)
        // Base levels low enough that a step of Delta up stays on the grid: 0 ... p/2 - 1.
        let baseLevels = UInt64(levels / 2)
        let stepLevels = Double(levels / 2)
        var grid = (0..<k).map { _ in Double(stream.nextUInt64() % baseLevels) }
        let upward = (0..<k).map { _ in stream.nextUInt64() & 1 == 1 }
        // Going down means starting Delta higher.
        for d in 0..<k where !upward[d] { grid[d] += stepLevels }
        var order = Array(0..<k)
        for i in stride(from: k - 1, to: 0, by: -1) {
            let j = Int(stream.nextUInt64() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        for moved in order.prefix(step) { grid[moved] += upward[moved] ? stepLevels : -stepLevels }
        return grid.map { $0 / Double(levels - 1) }
    }

    public func coordinates(point: UInt64, into values: inout [Double]) {
        values.removeAll(keepingCapacity: true)
        let p = Double(levels)
        for g in gridPoint(point) { values.append((g * (p - 1) + 0.5) / p) }
    }
}
