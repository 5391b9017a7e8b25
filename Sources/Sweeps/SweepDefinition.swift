import Experiments
import Foundation
import PostgresStore
import SimulationCore
import SweepStore

// MARK: - SweepRequest

/// What an analyst asks for when launching a sweep.
public struct SweepRequest: Sendable {
    public var scenario: Scenario
    public var name: String?
    public var points: Int
    public var replications: Int
    public var design: DesignKind
    public var seed: UInt64
    public var weather: WeatherMode
    public var storeSeries: Bool
    public var taskSize: Int
    public var maxAttempts: Int
    /// A Morris design's grid levels (nil: 4).
    public var levels: Int?

    public init(scenario: Scenario, name: String? = nil, points: Int, replications: Int = 1,
                design: DesignKind = .monteCarlo, seed: UInt64 = 1, weather: WeatherMode = .random,
                storeSeries: Bool = false, taskSize: Int = 1000, maxAttempts: Int = 3, levels: Int? = nil) {
        self.scenario = scenario
        self.name = name
        self.points = points
        self.replications = replications
        self.design = design
        self.seed = seed
        self.weather = weather
        self.storeSeries = storeSeries
        self.taskSize = taskSize
        self.maxAttempts = maxAttempts
        self.levels = levels
    }

    public var runsTotal: Int { points * replications }

    /// Refuses requests that cannot make a sweep.
    public func validate() throws(SweepError) {
        guard points >= 1 else { throw .invalidRequest("a sweep needs at least one run (got \(runsTotal))") }
        guard replications >= 1 else { throw .invalidRequest("--replications must be at least 1") }
        guard taskSize >= 1 else { throw .invalidRequest("--task-size must be at least 1") }
        guard maxAttempts >= 1 else { throw .invalidRequest("--max-attempts must be at least 1") }
        if let levels {
            guard design == .morris else { throw .invalidRequest("--levels goes with --design morris") }
            guard levels >= 2, levels <= 1000, levels % 2 == 0 else { throw .invalidRequest("--levels must be even, 2 to 1000 (got \(levels))") }
        }
        guard seed <= UInt64(Int64.max) else { throw .invalidRequest("--seed must be below 2^63 (it is stored as bigint)") }
        guard points < (1 << 40), replications < (1 << 30) else { throw .invalidRequest("the sweep is too large") }
        if let name, name.isEmpty || name.count > 200 {
            throw .invalidRequest("--name must be 1 to 200 characters")
        }
    }
}
