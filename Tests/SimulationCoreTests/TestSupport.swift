import Experiments
import Foundation
import SimulationCore

/// Paths and loaders shared by the model's tests.
enum TestSupport {
    /// The repository root, found from this file's path.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func scenario(_ name: String) throws -> Scenario {
        try Scenario.load(path: root.appendingPathComponent("scenarios/\(name).toml").path)
    }

    /// Runs a scenario in-process with Monte Carlo parameter draws, one run per design point.
    static func simulate(_ name: String, runs: Int, seed: UInt64 = 20_261_121,
                         weather: WeatherMode = .random) throws -> [RunOutcomes] {
        let plan = RunPlan(scenario: try scenario(name), design: .monteCarlo, seed: seed,
                           points: UInt64(runs), weather: weather)
        return InProcessBatch.simulate(plan: plan, points: runs, threads: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The historical record, data/otl-history.csv (a copy of shared/data with its sources).
    struct HistoryRow {
        let quantity: String
        let year: String
        let value: Double
        let low: Double
        let high: Double
    }

    static func history() throws -> [HistoryRow] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/data/otl-history.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5, let value = Double(fields[2]), let low = Double(fields[3]),
                  let high = Double(fields[4]) else { return nil }
            return HistoryRow(quantity: fields[0], year: fields[1], value: value, low: low, high: high)
        }
    }

    static func median(_ values: [Double]) -> Double {
        quantile(values, 0.5)
    }

    static func quantile(_ values: [Double], _ q: Double) -> Double {
        var values = values
        return OrderStatistics.quantiles(&values, [q])[0]
    }

    /// Prints the model's figure beside the target, so anyone can see the fit.
    static func report(_ what: String, model: Double, target: String, pass: Bool) {
        print(String(format: "calibration  %-46@ model %12.3f   target %@   %@",
                     what as NSString, model, target as NSString, pass ? "ok" : "MISS"))
    }
}

extension TestSupport {
    /// Runs with their yearly series (single thread; for tests that read the years).
    static func simulateWithSeries(_ name: String, runs: Int, seed: UInt64 = 20_261_121,
                                   weather: WeatherMode = .random) throws -> [(RunOutcomes, [YearRecord])] {
        let plan = RunPlan(scenario: try scenario(name), design: .monteCarlo, seed: seed,
                           points: UInt64(runs), weather: weather)
        return (0..<runs).map { point in
            var series: [YearRecord] = []
            let outcomes = plan.run(point: UInt64(point), replication: 0, series: &series)
            return (outcomes, series)
        }
    }
}
