// MARK: - ExperimentDesign

/// Chooses where in the space of uncertain parameters each design point lies.
///
/// A design gives every uncertain parameter of a scenario a coordinate in the open interval
/// (0, 1) for each design point; `Scenario.parameters(coordinates:)` maps the coordinates through
/// each parameter's quantile function. The coordinates are a pure function of the design's seed and
/// the point index, so any worker can recompute any point without coordinating with the others.
///
/// Adding a design (a Sobol sequence, a Saltelli scheme for variance-based sensitivity):
/// write a `Sendable` struct conforming to this protocol whose `coordinates(point:into:)` computes
/// point `point` directly (Sobol points by Gray-code index, a Saltelli block from its A, B and
/// A_B^i matrices by `point / (dimensions + 2)`), add a case to `DesignKind` and to
/// `DesignKind.makeDesign`. Distributions, scenarios and the runner need no change.
public protocol ExperimentDesign: Sendable {
    /// The design's short name, stored with a sweep ("mc", "lhs").
    var name: String { get }
    /// How many coordinates each point has: one per uncertain parameter.
    var dimensions: Int { get }
    /// Writes point `point`'s coordinates, each in (0, 1), into `into`, resizing it to
    /// `dimensions` entries.
    func coordinates(point: UInt64, into: inout [Double])
    /// Whose chance a point's runs draw: the point itself, except where a design compares points
    /// that must share their chance (a Saltelli base row's blocks differ in one parameter only).
    func chanceIdentity(of point: UInt64) -> UInt64
}

extension ExperimentDesign {
    public func chanceIdentity(of point: UInt64) -> UInt64 { point }

    /// Point `point`'s coordinates as a new array.
    public func coordinates(point: UInt64) -> [Double] {
        var values: [Double] = []
        coordinates(point: point, into: &values)
        return values
    }
}

// MARK: - DesignKind

/// The designs a sweep can name on the command line and store with its results.
public enum DesignKind: String, CaseIterable, Sendable {
    /// Independent uniform coordinates for every point.
    case monteCarlo = "mc"
    /// A Latin hypercube: each dimension's N strata hold exactly one of the N points.
    case latinHypercube = "lhs"
    /// A scrambled Sobol' low-discrepancy sequence.
    case sobol
    /// Saltelli's A, B and A_B(i) blocks for Sobol' sensitivity indices (N x (k + 2) points).
    case saltelli
    /// Morris elementary-effects trajectories (k + 1 points each, on a grid of `levels`).
    case morris

    /// A line for help text.
    public var summary: String {
        switch self {
        case .monteCarlo: return "Monte Carlo: independent uniform draws for every point"
        case .latinHypercube: return "Latin hypercube: one point in each of the N equal strata of every parameter"
        case .sobol: return "Sobol': a scrambled low-discrepancy sequence (Joe-Kuo directions, digital shift keyed by the seed)"
        case .saltelli: return "Saltelli: N base rows x (k + 2) blocks (A, A_B(1..k), B) for Sobol' indices; runs = N x (k + 2) x replications"
        case .morris: return "Morris: trajectories of k + 1 points, one parameter moved at a time on a grid of 4 levels"
        }
    }

    /// The design of this kind for a sweep of `points` points over `dimensions` uncertain
    /// parameters. `points` must be at least 1.
    /// `levels`: a Morris design's grid (even, at least 2; default 4); ignored by the others.
    public func makeDesign(seed: UInt64, points: UInt64, dimensions: Int, levels: Int? = nil) -> any ExperimentDesign {
        switch self {
        case .monteCarlo:
            return MonteCarloDesign(seed: seed, dimensions: dimensions)
        case .latinHypercube:
            return LatinHypercubeDesign(seed: seed, points: points, dimensions: dimensions)
        case .sobol:
            return SobolDesign(seed: seed, dimensions: dimensions)
        case .saltelli:
            return SaltelliDesign(seed: seed, baseRows: points / UInt64(SaltelliDesign.blockCount(dimensions: dimensions)),
                                  dimensions: dimensions)
        case .morris:
            return MorrisDesign(seed: seed, dimensions: dimensions, levels: levels ?? MorrisDesign.defaultLevels)
        }
    }
}
