import SimulationCore

// MARK: - MonteCarloDesign

/// Independent uniform coordinates: point p's coordinates are the first `dimensions` uniforms of
/// the design-sampling stream (seed, p). Any number of points; any point can be computed alone.
public struct MonteCarloDesign: ExperimentDesign {
    public let seed: UInt64
    public let dimensions: Int
    public var name: String { DesignKind.monteCarlo.rawValue }

    public init(seed: UInt64, dimensions: Int) {
        precondition(dimensions >= 0, "a design needs a non-negative number of dimensions")
        self.seed = seed
        self.dimensions = dimensions
    }

    public func coordinates(point: UInt64, into values: inout [Double]) {
        var stream = RandomStream(seed: seed, point: point, replication: 0, purpose: .designSampling)
        values.removeAll(keepingCapacity: true)
        for _ in 0..<dimensions {
            values.append(stream.uniform())
        }
    }
}
