import Experiments
import Foundation
import PostgresStore
import SimulationCore

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

    public init(scenario: Scenario, name: String? = nil, points: Int, replications: Int = 1,
                design: DesignKind = .monteCarlo, seed: UInt64 = 1, weather: WeatherMode = .random,
                storeSeries: Bool = false, taskSize: Int = 1000, maxAttempts: Int = 3) {
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
    }

    public var runsTotal: Int { points * replications }

    /// Refuses requests that cannot make a sweep.
    public func validate() throws(SweepError) {
        guard points >= 1 else { throw .invalidRequest("a sweep needs at least one run (got \(runsTotal))") }
        guard replications >= 1 else { throw .invalidRequest("--replications must be at least 1") }
        guard taskSize >= 1 else { throw .invalidRequest("--task-size must be at least 1") }
        guard maxAttempts >= 1 else { throw .invalidRequest("--max-attempts must be at least 1") }
        guard seed <= UInt64(Int64.max) else { throw .invalidRequest("--seed must be below 2^63 (it is stored as bigint)") }
        guard points < (1 << 40), replications < (1 << 30) else { throw .invalidRequest("the sweep is too large") }
        if let name, name.isEmpty || name.count > 200 {
            throw .invalidRequest("--name must be 1 to 200 characters")
        }
    }
}

// MARK: - StoredSweep

/// A sweep as stored in `nepsim.sweeps`, and the run plan every worker rebuilds from it.
public struct StoredSweep: Sendable {
    public let id: Int64
    public let name: String
    public let scenarioName: String
    public let design: DesignKind
    public let seed: UInt64
    public let points: Int
    public let replications: Int
    public let runsTotal: Int
    public let weather: WeatherMode
    public let storeSeries: Bool
    public let maxAttempts: Int
    public let state: String
    public let scenarioText: String

    static let columns = """
        sweep_id, name, scenario_name, design, seed, points, replications, runs_total, weather, series,
        max_attempts, state, scenario_text
        """

    init(_ result: QueryResult, row: Int) throws(SweepError) {
        id = Int64(result.int(row, "sweep_id") ?? 0)
        name = result.string(row, "name") ?? ""
        scenarioName = result.string(row, "scenario_name") ?? ""
        design = DesignKind(rawValue: result.string(row, "design") ?? "") ?? .monteCarlo
        seed = UInt64(result.int(row, "seed") ?? 0)
        points = result.int(row, "points") ?? 0
        replications = result.int(row, "replications") ?? 1
        runsTotal = result.int(row, "runs_total") ?? 0
        weather = WeatherMode(rawValue: result.string(row, "weather") ?? "") ?? .random
        storeSeries = result.string(row, "series") == "all"
        maxAttempts = result.int(row, "max_attempts") ?? 3
        state = result.string(row, "state") ?? ""
        scenarioText = result.string(row, "scenario_text") ?? ""
    }

    /// Loads a sweep by id or name.
    public static func load(_ reference: String, from connection: PostgresConnection) throws -> StoredSweep {
        let result: QueryResult
        if let id = Int64(reference) {
            result = try connection.query("SELECT \(columns) FROM nepsim.sweeps WHERE sweep_id = $1", [String(id)])
        } else {
            result = try connection.query("SELECT \(columns) FROM nepsim.sweeps WHERE name = $1", [reference])
        }
        guard !result.isEmpty else { throw SweepError.unknownSweep(reference) }
        return try StoredSweep(result, row: 0)
    }

    /// The run plan, rebuilt from the stored scenario text.
    public func runPlan() throws -> RunPlan {
        let scenario: Scenario
        do {
            scenario = try Scenario.parse(text: scenarioText, file: "sweep-\(id).toml")
        } catch {
            throw SweepError.storedScenarioUnreadable(sweepID: id, problem: String(describing: error))
        }
        return RunPlan(scenario: scenario, design: design, seed: seed, points: UInt64(points), weather: weather)
    }
}
