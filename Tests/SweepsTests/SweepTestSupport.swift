import Experiments
import Foundation
import Logging
import PostgresStore
import PostgresTestSupport
import SimulationCore
import SweepStore
import Sweeps
import XCTest

/// A fresh migrated database per test, scenarios, in-process workers and the `nepsim` binary.
class DatabaseTestCase: XCTestCase {
    var url = ""
    var connection: PostgresConnection!

    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    override func setUpWithError() throws {
        url = try TestDatabase.freshDatabase(named: String(name.split(separator: " ").last?.prefix(20) ?? "sweep")
            .filter { $0.isLetter || $0.isNumber }.lowercased())
        connection = try PostgresConnection(url: url)
        try SchemaMigrator.migrate(connection)
    }

    override func tearDown() {
        connection?.close()
        TestDatabase.dropDatabase(url)
    }

    func scenario(_ name: String) throws -> Scenario {
        try Scenario.load(path: DatabaseTestCase.root.appendingPathComponent("scenarios/\(name).toml").path)
    }

    func launch(_ name: String = "otl", runs: Int, replications: Int = 1, seed: UInt64 = 7, taskSize: Int = 100,
                series: Bool = false, maxAttempts: Int = 3, sweepName: String? = nil,
                scenario override: Scenario? = nil) throws -> StoredSweep {
        let request = SweepRequest(scenario: try override ?? scenario(name), name: sweepName, points: runs / replications,
                                   replications: replications, seed: seed, storeSeries: series, taskSize: taskSize,
                                   maxAttempts: maxAttempts)
        return try Coordinator.launch(request, on: connection, codeVersion: "test")
    }

    func workerConfiguration(sweep: StoredSweep?, id: String, lease: Double = 30, claimBatch: Int = 1,
                             writers: Int = 1) -> WorkerConfiguration {
        var configuration = WorkerConfiguration(databaseURL: url, concurrency: 2, sweepID: sweep?.id, exitWhenIdle: true,
                                                leaseSeconds: lease, heartbeatSeconds: min(5, lease / 3), idlePollSeconds: 0.2,
                                                codeVersion: "test", workerID: id, claimBatch: claimBatch)
        configuration.writers = writers
        return configuration
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }

    /// Runs `count` in-process workers until the work is done.
    /// Runs `count` in-process workers until idle; returns what each reports having done.
    @discardableResult
    func runWorkers(_ count: Int, sweep: StoredSweep?, claimBatch: Int = 1, writers: Int = 1) throws -> [WorkerTotals] {
        let group = DispatchGroup()
        var workers: [Worker] = []
        nonisolated(unsafe) var failures: [Error] = []
        let lock = NSLock()
        for index in 0..<count {
            let worker = Worker(configuration: workerConfiguration(sweep: sweep, id: "test-worker-\(index)", claimBatch: claimBatch,
                                                                   writers: writers),
                                logger: DatabaseTestCase.quietLogger)
            workers.append(worker)
            DispatchQueue.global().async(group: group) {
                do { _ = try worker.run() } catch { lock.withLock { failures.append(error) } }
            }
        }
        group.wait()
        if let first = failures.first { throw first }
        return workers.map(\.summary)
    }

    func count(_ query: SQLQuery) throws -> Int {
        try connection.query(query).int(0, "count") ?? -1
    }

    /// Polls until `condition` holds or `timeout` passes (no fixed sleeps).
    struct SweepTestTimeout: Error, CustomStringConvertible {
        let what: String
        let seconds: Double
        var description: String { "timed out after \(seconds) s waiting for \(what)" }
    }

    /// A missing binary fails the test: a skipped process test would hide that nothing ran.
    struct MissingBinary: Error, CustomStringConvertible {
        let path: String
        var description: String { "no nepsim binary at \(path): build it with `swift build` first" }
    }

    func waitUntil(timeout: Double, _ what: String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try !condition() {
            // A hang is a failure, never a skip: the test asked for something that did not happen.
            if Date() > deadline { throw SweepTestTimeout(what: what, seconds: timeout) }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// The backends of the sessions named `application` once `sessions` of their queries wait on a lock.
    func blockedBackends(_ sessions: Int, application: String = "nepsim") throws -> [Int] {
        var backends: [Int] = []
        try waitUntil(timeout: 30, "\(sessions) queries of \(application) to wait on a lock") {
            backends = try connection.query("""
                SELECT pid FROM pg_stat_activity
                WHERE application_name = \(bind: application) AND state = 'active' AND wait_event_type = 'Lock'
                  AND datname = current_database()
                """).column("pid", as: Int.self)
            return backends.count >= sessions
        }
        return backends
    }

    /// The backend of the session named `application` once its query waits on a lock.
    func blockedBackend(application: String = "nepsim") throws -> Int {
        try blockedBackends(1, application: application)[0]
    }

    // MARK: the binary

    func nepsimBinary() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        directory.deleteLastPathComponent()
        let binary = directory.appendingPathComponent("nepsim")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw MissingBinary(path: binary.path)
        }
        return binary
    }

    func startNepsim(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = try nepsimBinary()
        process.arguments = arguments
        process.currentDirectoryURL = DatabaseTestCase.root
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NEPSIM_DATABASE_URL")
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    func nepsim(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let (process, out, err) = try startNepsim(arguments, environment: environment)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
