import Experiments
import Foundation
import PostgresStore
import SimulationCore

// MARK: - SweepState

/// Where a sweep stands (the CHECK constraint of `nepsim.sweeps.state`).
public enum SweepState: String, Sendable, CaseIterable, Codable, PostgresDecodable {
    case running, done, failed, cancelled
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
    public let state: SweepState
    public let scenarioText: String
    /// A Morris design's grid levels (nil for other designs).
    public let levels: Int?

    static let columns = """
        sweep_id, name, scenario_name, design, seed, points, replications, runs_total, weather, series,
        max_attempts, state, scenario_text, design_levels
        """

    /// Reads a row of `nepsim.sweeps`, refusing any value it does not know rather than falling
    /// back to a default (a wrong design, weather or seed would change every run silently).
    init(_ result: QueryResult, row: Int) throws(SweepError) {
        // A missing column reads as NULL here: either way the row cannot be used.
        func raw(_ column: String) -> String? { (try? result.optional(row, column, as: String.self)) ?? nil }
        let label = raw("sweep_id") ?? "?"
        func text(_ column: String) throws(SweepError) -> String {
            guard let value = raw(column) else { throw .unreadableSweepRow(sweep: label, column: column, value: nil) }
            return value
        }
        func number<T: FixedWidthInteger>(_ column: String, as: T.Type = T.self) throws(SweepError) -> T {
            let value = try text(column)
            guard let number = T(value) else { throw .unreadableSweepRow(sweep: label, column: column, value: value) }
            return number
        }
        func choice<T: RawRepresentable<String>>(_ column: String, as: T.Type = T.self) throws(SweepError) -> T {
            let value = try text(column)
            guard let chosen = T(rawValue: value) else { throw .unreadableSweepRow(sweep: label, column: column, value: value) }
            return chosen
        }
        id = try number("sweep_id")
        name = try text("name")
        scenarioName = try text("scenario_name")
        design = try choice("design")
        seed = try number("seed")
        points = try number("points")
        replications = try number("replications")
        runsTotal = try number("runs_total")
        weather = try choice("weather")
        let series = try text("series")
        guard series == "all" || series == "none" else { throw .unreadableSweepRow(sweep: label, column: "series", value: series) }
        storeSeries = series == "all"
        maxAttempts = try number("max_attempts")
        state = try choice("state")
        scenarioText = try text("scenario_text")
        levels = raw("design_levels") == nil ? nil : try number("design_levels", as: Int.self)
    }

    /// Loads a sweep by id or name.
    public static func load(_ reference: String, from connection: PostgresConnection) throws -> StoredSweep {
        let result: QueryResult
        if let id = Int64(reference) {
            result = try connection.query("SELECT \(raw: columns) FROM nepsim.sweeps WHERE sweep_id = \(bind: id)")
        } else {
            result = try connection.query("SELECT \(raw: columns) FROM nepsim.sweeps WHERE name = \(bind: reference)")
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
        return RunPlan(scenario: scenario, design: design, seed: seed, points: UInt64(points), weather: weather, levels: levels)
    }
}

extension DesignKind: PostgresDecodable {}
