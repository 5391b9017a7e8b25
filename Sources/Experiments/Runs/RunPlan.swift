import SimulationCore

/// Everything needed to compute any run of a sweep: the scenario, the experiment design, the
/// seed and the weather mode. A run is a pure function of (plan, point, replication), so any
/// worker on any host computes the same numbers.
public struct RunPlan: Sendable {
    public let scenario: Scenario
    public let design: any ExperimentDesign
    public let seed: UInt64
    public let weather: WeatherMode

    public init(scenario: Scenario, design: DesignKind, seed: UInt64, points: UInt64,
                weather: WeatherMode = .random, levels: Int? = nil) {
        self.scenario = scenario
        self.design = design.makeDesign(seed: seed, points: points, dimensions: scenario.uncertain.count, levels: levels)
        self.seed = seed
        self.weather = weather
    }

    /// The parameter values of a design point: the design's unit coordinates mapped through each
    /// uncertain parameter's quantile function.
    public func parameters(point: UInt64, coordinates: inout [Double]) -> ModelParameters {
        design.coordinates(point: point, into: &coordinates)
        return scenario.parameters(coordinates: coordinates)
    }

    public func parameters(point: UInt64) -> ModelParameters {
        var coordinates = [Double](repeating: 0, count: design.dimensions)
        return parameters(point: point, coordinates: &coordinates)
    }

    /// Simulates one run; `series` receives its yearly records.
    public func run(point: UInt64, replication: UInt32, parameters: ModelParameters,
                    series: inout [YearRecord]) -> RunOutcomes {
        let identity = RunIdentity(seed: seed, point: design.chanceIdentity(of: point), replication: replication)
        return Simulation.run(parameters: parameters, stream: identity.chanceStream,
                              weatherStream: identity.weatherStream, weather: weather, series: &series)
    }

    public func run(point: UInt64, replication: UInt32, series: inout [YearRecord]) -> RunOutcomes {
        run(point: point, replication: replication, parameters: parameters(point: point), series: &series)
    }
}
