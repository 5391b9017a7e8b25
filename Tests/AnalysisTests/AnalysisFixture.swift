import Experiments
import Foundation
import Logging
import PostgresStore
import PostgresTestSupport
import SimulationCore
import SweepStore
import Sweeps
import XCTest

/// One real sweep in a fresh database, computed once for all analysis tests: shot-in-the-kremlin,
/// 1,500 runs with yearly series.
enum AnalysisFixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    nonisolated(unsafe) private static var cached: (url: String, sweepID: Int64)?
    private static let lock = NSLock()

    static func sweep() throws -> (url: String, sweepID: Int64) {
        try lock.withLock {
            if let cached { return cached }
            let url = try TestDatabase.freshDatabase(named: "analysis")
            let connection = try PostgresConnection(url: url)
            defer { connection.close() }
            try SchemaMigrator.migrate(connection)
            let scenario = try Scenario.load(path: root.appendingPathComponent("scenarios/shot-in-the-kremlin.toml").path)
            let sweep = try Coordinator.launch(
                SweepRequest(scenario: scenario, name: "analysis", points: 1500, seed: 3, storeSeries: true, taskSize: 300),
                on: connection, codeVersion: "test")
            var logger = Logger(label: "analysis-test")
            logger.logLevel = .error
            let worker = Worker(configuration: WorkerConfiguration(
                databaseURL: url, concurrency: 2, sweepID: sweep.id, exitWhenIdle: true, idlePollSeconds: 0.2,
                codeVersion: "test"), logger: logger)
            _ = try worker.run()
            cached = (url, sweep.id)
            return (url, sweep.id)
        }
    }

    static func connection() throws -> PostgresConnection {
        try PostgresConnection(url: try sweep().url)
    }
}
