import Foundation
import PostgresStore
import PostgresTestSupport
import SweepStore
import Sweeps
import XCTest

/// Real `nepsim worker` processes: killed with SIGKILL, stopped with SIGTERM, cut off from the
/// database. Nothing may be lost or stored twice.
final class WorkerProcessTests: DatabaseTestCase {
    /// Waits until some worker holds a task.
    func waitForARunningTask(_ sweep: StoredSweep) throws {
        try waitUntil(timeout: 60, "a worker to claim a task") {
            try count("SELECT count(*) FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id) AND state = 'running'") > 0
        }
    }

    func testWorkerKilledMidTaskLosesNothing() throws {
        let reference = try launch("shot-in-the-kremlin", runs: 3000, seed: 5, taskSize: 1500, sweepName: "reference")
        try runWorkers(1, sweep: reference)
        let sweep = try launch("shot-in-the-kremlin", runs: 3000, seed: 5, taskSize: 1500, sweepName: "killed")
        let (process, _, _) = try startNepsim(["worker", "--database", url, "--sweep", "killed", "--concurrency", "1",
                                               "--lease-seconds", "2", "--heartbeat-seconds", "0.5", "--exit-when-idle"])
        try waitForARunningTask(sweep)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id) AND state = 'running'"), 1,
                       "the dead worker's task is still leased to it")
        // Another worker waits out the lease and redoes the task.
        try runWorkers(1, sweep: sweep)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs WHERE sweep_id = \(bind: sweep.id)"), 3000)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id) AND attempts > 1"), 1)
        XCTAssertEqual(try Coordinator.status("killed", on: connection).state, .done)
        XCTAssertEqual(try Coordinator.checksum("killed", on: connection), try Coordinator.checksum("reference", on: connection))
    }

    func testSIGTERMFinishesTheTaskInHandThenExits() throws {
        let sweep = try launch(runs: 6000, taskSize: 1500)
        let (process, _, err) = try startNepsim(["worker", "--database", url, "--concurrency", "1", "--log-level", "info"])
        try waitForARunningTask(sweep)
        process.terminate()
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, log)
        XCTAssert(log.contains("stopping after the task in hand"), log)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id) AND state = 'running'"), 0)
        XCTAssertGreaterThanOrEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id) AND state = 'done'"), 1)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.workers WHERE state = 'stopped'"), 1)
        // The database's password (in the URL, or in the password file it names) never reaches the log.
        let components = URLComponents(string: url)
        var password = components?.password
        if password == nil, let passfile = components?.queryItems?.first(where: { $0.name == "passfile" })?.value {
            password = try String(contentsOfFile: passfile, encoding: .utf8)
                .split(separator: "\n").first?.split(separator: ":").last.map(String.init)
        }
        // The local test cluster gives every role a password; a server named by
        // NEPSIM_TEST_DATABASE_URL may trust its client instead, and then there is nothing to leak.
        if TestDatabase.usesLocalCluster { XCTAssertNotNil(password, "the local test cluster's URL names no password") }
        if let password {
            XCTAssertGreaterThanOrEqual(password.count, 8)
            XCTAssertFalse(log.contains(password), log)
        }
        XCTAssert(log.contains("worker started"), log)
    }

    func testLostConnectionsAreRetriedAndNothingIsLost() throws {
        let sweep = try launch(runs: 4000, taskSize: 200, sweepName: "cut")
        let (process, _, err) = try startNepsim(["worker", "--database", url, "--sweep", "cut", "--concurrency", "1",
                                               "--exit-when-idle", "--log-level", "info"])
        try waitForARunningTask(sweep)
        // Cut every connection the worker has, twice, while it works.
        for _ in 0..<2 {
            try connection.query("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'nepsim%'
                """)
            Thread.sleep(forTimeInterval: 0.3)
        }
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, log)
        XCTAssert(log.contains("reconnecting") || log.contains("retrying"), log)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs WHERE sweep_id = \(bind: sweep.id)"), 4000)
        XCTAssertEqual(try Coordinator.status("cut", on: connection).state, .done)
    }
}

/// What users get wrong, through the command line: clear messages, non-zero exits, nothing stored.
final class SweepCommandLineTests: DatabaseTestCase {
    func testUnreachableDatabaseIsReportedWithoutThePassword() throws {
        let result = try nepsim(["sweep", "list", "--database", "postgresql://nepsim:hunter2@127.0.0.1:1/nepsim"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssert(result.stderr.contains("could not talk to the database at postgresql://nepsim:***@127.0.0.1:1/nepsim"), result.stderr)
        XCTAssertFalse(result.stderr.contains("hunter2"))
        XCTAssertFalse(result.stderr.contains("Fatal error"))
    }

    func testWrongPasswordIsReportedWithoutThePassword() throws {
        guard TestDatabase.usesLocalCluster else { throw XCTSkip("needs the local test cluster's password rule") }
        let role = TestDatabase.passwordCheckRole
        try connection.execute(script: """
            DO $$ BEGIN CREATE ROLE \(role) LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            ALTER ROLE \(role) PASSWORD 'right-pw';
            """)
        let port = try XCTUnwrap(URLComponents(string: url)?.port)
        for command in [["sweep", "list"], ["worker", "--exit-when-idle"]] {
            let result = try nepsim(command + ["--database", "postgresql://\(role):wrong-pw@127.0.0.1:\(port)/postgres"])
            XCTAssertNotEqual(result.status, 0)
            XCTAssert(result.stderr.contains("password authentication failed"), result.stderr)
            XCTAssert(result.stderr.contains("check the user and password"), result.stderr)
            XCTAssertFalse(result.stderr.contains("wrong-pw"), result.stderr)
        }
    }

    func testUnknownSweepInvalidScenarioAndZeroRuns() throws {
        let unknown = try nepsim(["sweep", "status", "12345", "--database", url])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssert(unknown.stderr.contains("no sweep '12345'"), unknown.stderr)

        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).toml")
        try """
            [scenario]
            name = "bad"
            title = "bad"
            extends = "\(DatabaseTestCase.root.path)/scenarios/otl.toml"
            [parameters]
            famine_lethality = { value = -1.0, source = "oops" }
            """.write(to: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: bad) }
        let invalid = try nepsim(["sweep", "launch", bad.path, "--runs", "10", "--database", url])
        XCTAssertNotEqual(invalid.status, 0)
        XCTAssert(invalid.stderr.contains("famine_lethality"), invalid.stderr)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.sweeps"), 0, "an invalid scenario stores nothing")

        let zero = try nepsim(["sweep", "launch", "scenarios/otl.toml", "--runs", "0", "--database", url])
        XCTAssertNotEqual(zero.status, 0)
        XCTAssert(zero.stderr.contains("--runs must be between 1 and"), zero.stderr)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.sweeps"), 0)
    }

    func testSchemaVersionMismatchIsExplained() throws {
        try connection.query("INSERT INTO nepsim.schema_migrations (version, name) VALUES (999, 'future')")
        for command in [["sweep", "list"], ["worker", "--exit-when-idle"],
                        ["sweep", "launch", "scenarios/otl.toml", "--runs", "10"]] {
            let result = try nepsim(command + ["--database", url])
            XCTAssertNotEqual(result.status, 0, "\(command)")
            XCTAssert(result.stderr.contains("newer than this nepsim knows"), "\(command): \(result.stderr)")
        }
        try connection.query("DELETE FROM nepsim.schema_migrations")
        let older = try nepsim(["sweep", "list", "--database", url])
        XCTAssert(older.stderr.contains("run `nepsim db migrate`"), older.stderr)
    }

    func testLaunchWaitWithLocalWorkersCompletesAndSummarizes() throws {
        let result = try nepsim(["sweep", "launch", "scenarios/shot-in-the-kremlin.toml", "--runs", "2000", "--task-size", "250",
                                 "--local-workers", "2", "--wait", "--name", "cli", "--database", url])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("'cli': 2000 runs of shot-in-the-kremlin in 8 tasks"), result.stdout)
        XCTAssert(result.stdout.contains(": done"), result.stdout)
        XCTAssert(result.stdout.contains("P(Stalin dies in 1926)"), result.stdout)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 2000)
        let status = try nepsim(["sweep", "status", "cli", "--database", url])
        XCTAssert(status.stdout.contains("8 done, 0 running, 0 pending, 0 failed"), status.stdout)
        let list = try nepsim(["sweep", "list", "--database", url])
        XCTAssert(list.stdout.contains("cli"), list.stdout)
    }

    /// `--claim-batch` reaches the local workers: tasks claimed together share their claim's
    /// timestamp (one statement), and the sweep's results are those of the same sweep stored task by task.
    func testLocalWorkersClaimBatchesWhenAsked() throws {
        let batched = try nepsim(["sweep", "launch", "scenarios/otl.toml", "--runs", "600", "--task-size", "20", "--seed", "5",
                                  "--local-workers", "1", "--claim-batch", "8", "--wait", "--name", "batched", "--database", url])
        XCTAssertEqual(batched.status, 0, batched.stderr)
        let single = try nepsim(["sweep", "launch", "scenarios/otl.toml", "--runs", "600", "--task-size", "20", "--seed", "5",
                                 "--local-workers", "1", "--wait", "--name", "single", "--database", url])
        XCTAssertEqual(single.status, 0, single.stderr)
        XCTAssertEqual(try Coordinator.checksum("batched", on: connection), try Coordinator.checksum("single", on: connection))
        // One worker, nothing to compete with: 30 tasks claimed as 8 + 8 + 8 + 6, against 30 claims.
        for (name, claims) in [("batched", 4), ("single", 30)] {
            let id = try StoredSweep.load(name, from: connection).id
            XCTAssertEqual(try count("SELECT count(DISTINCT started_at) FROM nepsim.tasks WHERE sweep_id = \(bind: id)"), claims, name)
        }
    }
}


/// A worker retries what can heal (a server restarting) but exits at once, non-zero and with
/// the reason, on what cannot (a database or role that does not exist).
final class WorkerPermanentFailureTests: DatabaseTestCase {
    func testMissingDatabaseOrRoleEndsTheWorkerWithItsReason() throws {
        var missingDatabase = URLComponents(string: url)!
        missingDatabase.path = "/nepsim_no_such_database"
        var missingRole = URLComponents(string: url)!
        missingRole.user = "nepsim_no_such_role"
        missingRole.password = nil
        // On a server that asks for passwords (the local cluster does), a role that does not
        // exist has none to give; on one that trusts, the server says it does not exist.
        let roleReason = TestDatabase.usesLocalCluster ? "no password supplied" : "does not exist"
        for (target, reason) in [(missingDatabase.string!, "does not exist"), (missingRole.string!, roleReason)] {
            let started = Date()
            let result = try nepsim(["worker", "--exit-when-idle", "--database", target])
            XCTAssertNotEqual(result.status, 0, result.stderr)
            XCTAssert(result.stderr.contains(reason), result.stderr)
            XCTAssertFalse(result.stderr.contains("retrying"), "a permanent failure was retried: \(result.stderr)")
            XCTAssertLessThan(Date().timeIntervalSince(started), 20, "the worker should give up at once")
        }
    }
}
