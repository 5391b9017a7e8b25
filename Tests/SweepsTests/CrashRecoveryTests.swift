import Foundation
import PostgresStore
import PostgresTestSupport
import SweepStore
import XCTest
@testable import Sweeps

extension DatabaseTestCase {
    /// A PostgreSQL server of the test's own (crashed, restarted or stopped at will without
    /// disturbing the suite's), removed when the test ends; its cluster and URL.
    func privateServer(_ prefix: String) throws -> (LocalCluster, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        let cluster = LocalCluster(directory: directory)
        addTeardownBlock {
            try? cluster.down()
            try? FileManager.default.removeItem(atPath: directory)
        }
        return (cluster, try cluster.up())
    }
}

/// Nothing stuck after a server crash. Workers commit asynchronously, so an immediate shutdown
/// can lose a task's last completion: the database then shows a live worker holding a task it has
/// finished with. The task must still be redone once its lease runs out.
final class CrashRecoveryTests: DatabaseTestCase {
    /// The state a lost completion leaves, made by construction: a finished task put back to
    /// "running" under a live worker's id with its rows gone. The live worker's heartbeat must not
    /// keep that lease alive; the task is redone and the results equal the first ones.
    func testALiveWorkerDoesNotKeepTheLeaseOfATaskItNoLongerHolds() throws {
        let sweep = try launch(runs: 200, taskSize: 50)
        try runWorkers(1, sweep: sweep)
        let original = try Coordinator.checksum(String(sweep.id), on: connection)
        let workerID = "crash-survivor"
        _ = try connection.transaction {
            try connection.query("""
                DELETE FROM nepsim.runs WHERE sweep_id = \(bind: sweep.id) AND point * 1 + replication BETWEEN 0 AND 49
                """)
            try connection.query("""
                UPDATE nepsim.tasks SET state = 'running', lease_owner = \(bind: workerID), finished_at = NULL,
                    lease_expires_at = now() + interval '3 seconds'
                WHERE sweep_id = \(bind: sweep.id) AND task_id = 0
                """)
            try connection.query("UPDATE nepsim.sweeps SET state = 'running', finished_at = NULL WHERE sweep_id = \(bind: sweep.id)")
        }
        var configuration = workerConfiguration(sweep: sweep, id: workerID, lease: 3)
        configuration.exitWhenIdle = false
        configuration.heartbeatSeconds = 0.3
        let worker = Worker(configuration: configuration, logger: DatabaseTestCase.quietLogger)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? worker.run()
            finished.signal()
        }
        defer {
            worker.requestStop()
            finished.wait()
        }
        try waitUntil(timeout: 30, "the orphaned task redone and the sweep done") {
            try connection.query("SELECT state FROM nepsim.sweeps WHERE sweep_id = \(bind: sweep.id)")
                .string(0, "state") == "done"
        }
        XCTAssertEqual(try Coordinator.checksum(String(sweep.id), on: connection), original)
        XCTAssertEqual(try count("SELECT attempts AS count FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id) AND task_id = 0"), 2, "the task was claimed again")
    }

    /// Immediate shutdowns (SIGQUIT to the postmaster, as a crash) of a server of the test's own,
    /// three times while workers run: the sweep finishes with every run exactly once and the
    /// checksum of an undisturbed run of the same sweep.
    func testServerCrashesMidSweepLoseNothing() throws {
        let (cluster, crashURL) = try privateServer("nepsim-crash")
        let crashConnection = try PostgresConnection(url: crashURL)
        try SchemaMigrator.migrate(crashConnection)
        let request = SweepRequest(scenario: try scenario("otl"), name: "crash", points: 3000, replications: 1, seed: 11,
                                   storeSeries: false, taskSize: 50, maxAttempts: 10)
        let sweep = try Coordinator.launch(request, on: crashConnection, codeVersion: "test")
        crashConnection.close()

        var workers: [Worker] = []
        let group = DispatchGroup()
        for index in 0..<2 {
            var configuration = WorkerConfiguration(databaseURL: crashURL, concurrency: 1, sweepID: sweep.id, exitWhenIdle: true,
                                                    leaseSeconds: 3, heartbeatSeconds: 0.5, idlePollSeconds: 0.2,
                                                    codeVersion: "test", workerID: "crash-worker-\(index)")
            configuration.exitWhenIdle = true
            let worker = Worker(configuration: configuration, logger: DatabaseTestCase.quietLogger)
            workers.append(worker)
            DispatchQueue.global().async(group: group) { _ = try? worker.run() }
        }
        let dataDirectory = cluster.dataDirectory
        func tasksDone() -> Int {
            guard let probe = try? PostgresConnection(url: crashURL) else { return -1 }
            defer { probe.close() }
            return (try? probe.query("SELECT count(*) AS n FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id) AND state = 'done'").int(0, "n")) ?? -1
        }
        for crash in 1...3 {
            // Mid-sweep by construction: some tasks done since the last crash, not all of them.
            let before = max(0, tasksDone())
            try waitUntil(timeout: 60, "tasks completing before crash \(crash)") { tasksDone() > before }
            XCTAssertLessThan(tasksDone(), 60, "the sweep must still be running at crash \(crash)")
            let pidText = try String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8)
            let pid = try XCTUnwrap(pid_t(pidText.split(separator: "\n").first ?? ""))
            kill(pid, SIGQUIT)
            try waitUntil(timeout: 30, "the postmaster to die") { kill(pid, 0) != 0 }
            _ = try cluster.up()
        }
        let finished = DispatchSemaphore(value: 0)
        group.notify(queue: .global()) { finished.signal() }
        XCTAssertEqual(finished.wait(timeout: .now() + 120), .success, "the workers did not finish the sweep")

        let after = try PostgresConnection(url: crashURL)
        defer { after.close() }
        XCTAssertEqual(try after.query("SELECT state FROM nepsim.sweeps WHERE sweep_id = \(bind: sweep.id)")
            .string(0, "state"), "done")
        let crashed = try Coordinator.checksum(String(sweep.id), on: after)
        // The same sweep, undisturbed, in the suite's own database.
        let reference = try Coordinator.launch(request, on: connection, codeVersion: "test")
        try runWorkers(1, sweep: reference)
        XCTAssertEqual(crashed, try Coordinator.checksum(String(reference.id), on: connection))
        XCTAssert(crashed.hasPrefix("3000:"), crashed)
    }
}

/// `sweep launch --wait` rides out a server restart like its workers, and gives up cleanly.
final class LaunchWaitReconnectTests: DatabaseTestCase {
    /// The local worker processes `sweep launch --local-workers` started, once they run.
    func localWorkers(of launch: Process) throws -> [pid_t] {
        var workers: [pid_t] = []
        try waitUntil(timeout: 30, "the local worker to start") {
            workers = childPIDs(of: launch.processIdentifier)
            return !workers.isEmpty
        }
        return workers
    }

    func childPIDs(of parent: pid_t) -> [pid_t] {
        let text = (try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { pid_t($0) }
    }

    func testLaunchWaitReconnectsAfterARestartAndFinishes() throws {
        let (cluster, serverURL) = try privateServer("nepsim-restart")
        let (process, out, err) = try startNepsim(["sweep", "launch", "scenarios/otl.toml", "--runs", "2000", "--task-size", "100",
                                                  "--local-workers", "1", "--wait", "--name", "restart", "--database", serverURL])
        // Freeze the local worker once it runs, so the sweep is provably unfinished across the restart.
        let workers = try localWorkers(of: process)
        let probe = { () -> String? in
            guard let c = try? PostgresConnection(url: serverURL) else { return nil }
            defer { c.close() }
            return try? c.query("SELECT state FROM nepsim.sweeps WHERE name = 'restart'").string(0, "state")
        }
        try waitUntil(timeout: 30, "the sweep to be stored") { probe() != nil }
        for pid in workers { kill(pid, SIGSTOP) }
        XCTAssertEqual(probe(), "running")
        try cluster.down()
        _ = try cluster.up()
        for pid in workers { kill(pid, SIGCONT) }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssert(stderr.contains("lost the database") && stderr.contains("reconnected"), stderr)
        XCTAssertEqual(probe(), "done")
        XCTAssert(String(decoding: stdout, as: UTF8.self).contains("2000/2000") || String(decoding: stdout, as: UTF8.self).contains("2,000"),
                  String(decoding: stdout, as: UTF8.self))
    }

    func testLaunchWaitGivesUpAndStopsItsWorkersWhenTheServerStaysDown() throws {
        let (cluster, serverURL) = try privateServer("nepsim-down")
        let (process, _, err) = try startNepsim(["sweep", "launch", "scenarios/otl.toml", "--runs", "2000", "--task-size", "100",
                                                "--local-workers", "1", "--wait", "--database", serverURL],
                                               environment: ["NEPSIM_RECONNECT_PATIENCE": "3"])
        let workers = try localWorkers(of: process)
        for pid in workers { kill(pid, SIGSTOP) }
        try cluster.down()
        for pid in workers { kill(pid, SIGCONT) }
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssert(stderr.contains("could not reach the database for 3 s"), stderr)
        // Its workers were asked to stop: none is left running.
        try waitUntil(timeout: 60, "the local workers to exit") { workers.allSatisfy { kill($0, 0) != 0 } }
    }
}
