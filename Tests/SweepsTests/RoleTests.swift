import Foundation
import PostgresStore
import PostgresTestSupport
import SweepStore
@testable import Sweeps
import XCTest

/// A worker's credentials cannot do more than a worker should; an analyst's only read.
final class RoleTests: DatabaseTestCase {
    var workerLogin = "", analystLogin = "", password = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        workerLogin = "test_worker_\(suffix)"
        analystLogin = "test_analyst_\(suffix)"
        password = "pw-\(suffix)"
        try DatabaseRoles.install(on: connection, workerLogin: workerLogin, analystLogin: analystLogin, password: password)
    }

    override func tearDown() {
        for login in [workerLogin, analystLogin] { _ = try? connection.query("DROP OWNED BY \(raw: login)") }
        super.tearDown()
        if let admin = try? PostgresConnection(url: url.replacingOccurrences(of: "/\(URL(string: url)!.lastPathComponent)", with: "/postgres")) {
            for login in [workerLogin, analystLogin] { _ = try? admin.query("DROP ROLE IF EXISTS \(raw: login)") }
        }
    }

    /// The test database's URL with another user.
    func url(as user: String) -> String {
        var components = URLComponents(string: url)!
        components.user = user
        // The local test cluster asks every role for its password; a configured server may not.
        components.password = TestDatabase.usesLocalCluster ? password : nil
        return components.string!
    }

    func assertRefused(_ connection: PostgresConnection, _ sql: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try connection.query(SQLQuery(raw: sql)), sql, file: file, line: line) { error in
            let error = error as? PostgresError
            XCTAssertEqual(error?.sqlState, "42501", "\(sql): \(String(describing: error))", file: file, line: line)
            XCTAssert(error?.message.contains("permission denied") == true, "\(String(describing: error))", file: file, line: line)
        }
    }

    /// A worker's login cannot forge results: rows enter only for a task it holds under a live
    /// lease, task and worker rows change only through functions that check the lease and the
    /// login, leases are capped, and completion wants every run of the task stored.
    func testAWorkerLoginCannotForgeResults() throws {
        let sweep = try launch(runs: 200, taskSize: 100, sweepName: "forge")
        let worker = try PostgresConnection(url: url(as: workerLogin))
        defer { worker.close() }
        let columns = "sweep_id, point, replication, worker_id, stalin_attempted_1926, stalin_died_1926, kirov_attempted_1934, "
            + "kirov_killed_1934, leader_assassinated, forced_collectivization, famine_over_100k, famine_over_1m, famine_over_5m, "
            + "terror, nep_survived_1935, regime_crisis, nazi_takeover, border_war_defeat, foreign_loan, leader_1930, leader_1940, param_values"
        let values = "false, false, false, false, false, true, true, true, true, true, false, false, false, false, false, 'x', 'x', '{}'::float8[]"
        // Rows for a sweep that does not exist, and for a real sweep with no task held.
        assertRefused(worker, "INSERT INTO nepsim.runs (\(columns)) VALUES (424242, 0, 0, 'forger', \(values))")
        assertRefused(worker, "INSERT INTO nepsim.runs (\(columns)) VALUES (\(sweep.id), 0, 0, 'forger', \(values))")
        // The same for yearly series, in their table or through the view of a row a year.
        let seriesColumns = "sweep_id, point, replication, first_year, leader, " + ResultsLayout.seriesColumns.map(\.name).joined(separator: ", ")
        func series(point: Int, years: Int = 1) -> String {
            let values = "'{" + Array(repeating: "1", count: years).joined(separator: ",") + "}'"
            return "INSERT INTO nepsim.run_series (\(seriesColumns)) VALUES (\(sweep.id), \(point), 0, 1927, '{x}', "
                + ResultsLayout.seriesColumns.map { _ in values }.joined(separator: ", ") + ")"
        }
        assertRefused(worker, series(point: 0))
        XCTAssertThrowsError(try worker.query("""
            INSERT INTO nepsim.run_years (sweep_id, point, replication, year, leader) VALUES (\(bind: sweep.id), 0, 0, 1927, 'x')
            """)) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "55000", "cannot insert into view: \(error)")
        }
        // Task and worker rows only through the functions.
        assertRefused(worker, "UPDATE nepsim.tasks SET lease_expires_at = 'infinity'")
        assertRefused(worker, "UPDATE nepsim.tasks SET state = 'done' WHERE sweep_id = \(sweep.id)")
        assertRefused(worker, "INSERT INTO nepsim.workers (worker_id, host, pid, concurrency, code_version) VALUES ('w', 'h', 1, 1, 'v')")
        assertRefused(worker, "UPDATE nepsim.workers SET runs_done = 0")
        // A claim asking for a lease of years gets an hour at most.
        let claimed = try worker.query("SELECT * FROM nepsim.claim_task('forger', \(bind: sweep.id)::bigint, 1e9)")
        XCTAssertEqual(claimed.int(0, "task_id"), 0)
        XCTAssertEqual(try count("""
            SELECT count(*) FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id) AND task_id = 0
              AND lease_expires_at <= now() + interval '3601 seconds'
            """), 1)
        // Holding task 0 does not open task 1's runs (runs 100-199).
        assertRefused(worker, "INSERT INTO nepsim.runs (\(columns)) VALUES (\(sweep.id), 150, 0, 'forger', \(values))")
        assertRefused(worker, series(point: 150))
        // A statement with a held run and one not held is refused whole; so are replications the
        // sweep does not have (one replication here), which would stand for held runs' numbers.
        assertRefused(worker, "INSERT INTO nepsim.runs (\(columns)) VALUES (\(sweep.id), 50, 0, 'forger', \(values)), "
                      + "(\(sweep.id), 150, 0, 'forger', \(values))")
        assertRefused(worker, "INSERT INTO nepsim.runs (\(columns)) VALUES (\(sweep.id), 0, 1, 'forger', \(values))")
        assertRefused(worker, "INSERT INTO nepsim.runs (\(columns)) VALUES (\(sweep.id), 2, -1, 'forger', \(values))")
        // A held run's series go in once, with as many values in every series as there are years.
        XCTAssertThrowsError(try worker.query(SQLQuery(raw: series(point: 50, years: 2)))) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "23514", "series of 2 values for 1 leader: \(error)")
        }
        // Nor as a two-dimensional array, one not counted from 1, or empty arrays (migration 16).
        for (leader, values) in [("'{{x}}'", "'{{1}}'"), ("'[0:0]={x}'", "'[0:0]={1}'"), ("'{}'", "'{}'")] {
            let malformed = "INSERT INTO nepsim.run_series (\(seriesColumns)) VALUES (\(sweep.id), 50, 0, 1927, \(leader), "
                + ResultsLayout.seriesColumns.map { _ in values }.joined(separator: ", ") + ")"
            XCTAssertThrowsError(try worker.query(SQLQuery(raw: malformed))) { error in
                XCTAssertEqual((error as? PostgresError)?.sqlState, "23514", "\(leader): \(error)")
            }
        }
        _ = try worker.query(SQLQuery(raw: series(point: 50)))
        XCTAssertThrowsError(try worker.query(SQLQuery(raw: series(point: 50)))) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "23505", "a second copy of run 50's series: \(error)")
        }
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.run_series"), 1)
        // Completing with another worker's id, or without the runs, does not mark it done.
        XCTAssertEqual(try worker.query("SELECT nepsim.complete_task('someone-else', \(bind: sweep.id), 0) AS done")
            .string(0, "done"), "f")
        XCTAssertThrowsError(try worker.query("SELECT nepsim.complete_task('forger', \(bind: sweep.id), 0)")) { error in
            XCTAssert("\(error)".contains("has 0 of its 100 runs stored"), "\(error)")
        }
        // The same through the functions for consecutive tasks (--claim-batch).
        XCTAssertEqual(try worker.query("SELECT nepsim.complete_tasks('someone-else', \(bind: sweep.id), 0, 0) AS done")
            .string(0, "done"), "f")
        XCTAssertEqual(try worker.query("SELECT nepsim.complete_tasks('forger', \(bind: sweep.id), 0, 1) AS done")
            .string(0, "done"), "f", "task 1 is not held: a range with it cannot be completed")
        XCTAssertThrowsError(try worker.query("SELECT nepsim.complete_tasks('forger', \(bind: sweep.id), 0, 0)")) { error in
            XCTAssert("\(error)".contains("has 0 of its 100 runs stored"), "\(error)")
        }
        // The analyst's login cannot claim at all, nor finish a sweep.
        let analyst = try PostgresConnection(url: url(as: analystLogin))
        defer { analyst.close() }
        assertRefused(analyst, "SELECT * FROM nepsim.claim_task('a', NULL, 60)")
        assertRefused(analyst, "SELECT * FROM nepsim.claim_tasks('a', NULL, 60, 10)")
        assertRefused(analyst, "SELECT nepsim.release_tasks('forger', \(sweep.id), 0, 0)")
        // Nothing forged is stored, and the sweep is still running.
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 0)
        XCTAssertEqual(try Coordinator.status("forge", on: connection).state, .running)
        XCTAssertEqual(try Coordinator.status("forge", on: connection).runsDone, 0)
    }

    /// A worker id registered under one login cannot be taken over by another.
    func testAWorkerRowBelongsToItsLogin() throws {
        let worker = try PostgresConnection(url: url(as: workerLogin))
        defer { worker.close() }
        _ = try connection.query("SELECT nepsim.register_worker('owned-by-owner', 'h', 1, 1, 'v')")
        _ = try worker.query("SELECT nepsim.register_worker('owned-by-owner', 'evil', 2, 2, 'v')")
        _ = try worker.query("SELECT nepsim.stop_worker('owned-by-owner')")
        let row = try connection.query("SELECT host, state, login::text AS login, current_user AS me FROM nepsim.workers WHERE worker_id = 'owned-by-owner'")
        XCTAssertEqual(row.string(0, "host"), "h")
        XCTAssertEqual(row.string(0, "state"), "running")
        XCTAssertEqual(row.string(0, "login"), row.string(0, "me"))
    }

    /// `db roles` hands a password and the worker group only to logins nepsim created for it.
    func testForeignRolesAreRefusedAsLogins() throws {
        let me = try XCTUnwrap(connection.query("SELECT current_user AS me").string(0, "me"))
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let plain = "test_plain_\(suffix)", superuser = "test_super_\(suffix)"
        _ = try connection.query("CREATE ROLE \(raw: plain) LOGIN")
        _ = try connection.query("CREATE ROLE \(raw: superuser) LOGIN SUPERUSER")
        defer {
            _ = try? connection.query("DROP ROLE IF EXISTS \(raw: plain)")
            _ = try? connection.query("DROP ROLE IF EXISTS \(raw: superuser)")
        }
        let cases = [(me, "the role you are connected as"), (DatabaseRoles.analyst, "group roles"),
                     (DatabaseRoles.worker, "group roles"), (superuser, "superuser"), (plain, "nepsim did not create it"),
                     (analystLogin, "nepsim did not create it for nepsim_worker")]
        for (login, why) in cases {
            XCTAssertThrowsError(try DatabaseRoles.install(on: connection, workerLogin: login, password: "x"), login) { error in
                XCTAssert("\(error)".contains(why), "\(login): \(error)")
            }
        }
        // Nothing changed: the plain role is in no nepsim group and the analyst login is no writer.
        XCTAssertEqual(try count("""
            SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
            WHERE g.rolname = 'nepsim_worker' AND r.rolname IN (\(bind: plain), \(bind: superuser), \(bind: analystLogin))
            """), 0)
        // A login nepsim created may be given its password again.
        XCTAssertNoThrow(try DatabaseRoles.install(on: connection, workerLogin: workerLogin, password: "again"))
    }

    /// The old completion check waited on an advisory lock any role could take; now it waits on
    /// the sweep's row, which an analyst (or a worker) cannot lock.
    func testNoRoleCanFreezeASweepsCompletion() throws {
        let sweep = try launch(runs: 200, taskSize: 100, sweepName: "freeze")
        let analyst = try PostgresConnection(url: url(as: analystLogin))
        defer { analyst.close() }
        _ = try analyst.query("SELECT pg_advisory_lock(7364657, \(bind: sweep.id)::integer)")
        assertRefused(analyst, "SELECT 1 FROM nepsim.sweeps WHERE sweep_id = \(sweep.id) FOR UPDATE")
        let workerSession = try PostgresConnection(url: url(as: workerLogin))
        defer { workerSession.close() }
        assertRefused(workerSession, "SELECT 1 FROM nepsim.sweeps WHERE sweep_id = \(sweep.id) FOR UPDATE")

        var configuration = workerConfiguration(sweep: sweep, id: "freeze-worker")
        configuration.databaseURL = url(as: workerLogin)
        let worker = Worker(configuration: configuration, logger: DatabaseTestCase.quietLogger)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? worker.run()
            finished.signal()
        }
        let completed = finished.wait(timeout: .now() + 60) == .success
        if !completed { _ = try? analyst.query("SELECT pg_advisory_unlock_all()"); finished.wait() }
        XCTAssert(completed, "the analyst's advisory lock froze the sweep's completion")
        XCTAssertEqual(try Coordinator.status("freeze", on: connection).state, .done)
    }

    /// A finished sweep that is a fifth of the table or more is analyzed at once: the planner
    /// knows its rows before the first report. A small one is left to autovacuum (an ANALYZE of
    /// a large table costs about a second of server time).
    func testCompletionAnalyzesTheResultsOfLargeSweepsOnly() throws {
        // Autovacuum would analyze this small table by itself within a minute: kept out, so that
        // what is analyzed is the completion's doing.
        try connection.query("ALTER TABLE nepsim.runs SET (autovacuum_enabled = false)")
        let sweep = try launch(runs: 300, taskSize: 100, sweepName: "analyzed")
        XCTAssertEqual(try connection.query("SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'nepsim.runs'::regclass")
            .double(0, "n"), -1, "never analyzed before")
        var configuration = workerConfiguration(sweep: sweep, id: "analyze-worker")
        configuration.databaseURL = url(as: workerLogin)
        _ = try Worker(configuration: configuration, logger: DatabaseTestCase.quietLogger).run()
        XCTAssertEqual(try Coordinator.status("analyzed", on: connection).state, .done)
        XCTAssertEqual(try connection.query("SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'nepsim.runs'::regclass")
            .double(0, "n"), 300)
        func complete(runs: Int, name: String) throws {
            let sweep = try launch(runs: runs, taskSize: 50, sweepName: name)
            var configuration = workerConfiguration(sweep: sweep, id: "analyze-\(name)")
            configuration.databaseURL = url(as: workerLogin)
            _ = try Worker(configuration: configuration, logger: DatabaseTestCase.quietLogger).run()
            XCTAssertEqual(try Coordinator.status(name, on: connection).state, .done)
        }
        try complete(runs: 50, name: "small")  // 50 x 5 < 300: not analyzed
        XCTAssertEqual(try connection.query("SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'nepsim.runs'::regclass")
            .double(0, "n"), 300)
        try complete(runs: 100, name: "large")  // 100 x 5 >= 300: analyzed, all 450 rows seen
        XCTAssertEqual(try connection.query("SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'nepsim.runs'::regclass")
            .double(0, "n"), 450)
        // Only the sweep column (migration 15): the other columns are autovacuum's, as analyzing
        // them all took a tenth of a 100,000-run sweep inside the last worker's commit.
        let analyzed = try connection.query("""
            SELECT attname FROM pg_stats WHERE schemaname = 'nepsim' AND tablename = 'runs' ORDER BY attname
            """).rows.map { $0[0] ?? "" }
        XCTAssertEqual(analyzed, ["sweep_id"])
    }

    /// A worker login whose lease was taken over stores nothing: its small task's rows go
    /// without a check first, and the trigger refuses them (the worker sees a lost lease).
    func testAWorkerLoginWhoseLeaseWasTakenStoresNothing() throws {
        let sweep = try launch(runs: 40, taskSize: 20, sweepName: "taken")
        let worker = try PostgresConnection(url: url(as: workerLogin))
        defer { worker.close() }
        let task = try XCTUnwrap(try TaskQueue.claim(on: worker, workerID: "slow", sweepID: sweep.id, leaseSeconds: 60))
        let results = try TaskComputation.compute(task: task, sweep: sweep, plan: try sweep.runPlan(), threads: 1, workerID: "slow")
        XCTAssertLessThan(results.runsPayload.byteCount, TaskQueue.askFirstAbove, "the path without a check first")
        try connection.query("UPDATE nepsim.tasks SET lease_owner = 'fast', lease_role = 'someone_else' WHERE task_id = 0")
        var timings = TaskTimings()
        XCTAssertFalse(try TaskQueue.complete(task, results: results, on: worker, workerID: "slow", timings: &timings))
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE state = 'done'"), 0)
    }

    func testWorkerRoleRunsSweepsButCannotChangeWhatIsNotItsOwn() throws {
        let sweep = try launch(runs: 300, taskSize: 100, sweepName: "roles")
        // A worker logged in with the worker role completes the sweep.
        var configuration = workerConfiguration(sweep: sweep, id: "role-worker")
        configuration.databaseURL = url(as: workerLogin)
        _ = try Worker(configuration: configuration, logger: DatabaseTestCase.quietLogger).run()
        XCTAssertEqual(try Coordinator.status("roles", on: connection).state, .done)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 300)

        let worker = try PostgresConnection(url: url(as: workerLogin))
        defer { worker.close() }
        XCTAssertEqual(try worker.query("SELECT current_user AS me").string(0, "me"), workerLogin)
        assertRefused(worker, "DELETE FROM nepsim.sweeps")
        assertRefused(worker, "UPDATE nepsim.sweeps SET state = 'cancelled'")
        assertRefused(worker, "UPDATE nepsim.sweeps SET scenario_text = 'x'")
        assertRefused(worker, "INSERT INTO nepsim.sweeps (name) VALUES ('mine')")
        assertRefused(worker, "UPDATE nepsim.runs SET famine_deaths_total = 0")
        assertRefused(worker, "DELETE FROM nepsim.runs")
        assertRefused(worker, "DELETE FROM nepsim.tasks")
        assertRefused(worker, "UPDATE nepsim.tasks SET first_run = 0")
        assertRefused(worker, "SELECT count(*) FROM nepsim.runs")
        XCTAssertThrowsError(try worker.query("DROP TABLE nepsim.runs")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42501", "\(error)")
        }
    }

    func testAnalystRoleReadsEverythingAndChangesNothing() throws {
        let sweep = try launch(runs: 200, taskSize: 100, sweepName: "read")
        try runWorkers(1, sweep: sweep)
        let analyst = try PostgresConnection(url: url(as: analystLogin))
        defer { analyst.close() }
        XCTAssertEqual(try analyst.query("SELECT count(*) AS n FROM nepsim.runs").int(0, "n"), 200)
        XCTAssertFalse(try analyst.query("SELECT * FROM nepsim.event_probabilities WHERE sweep_id = \(bind: sweep.id)").isEmpty)
        XCTAssertFalse(try analyst.query("SELECT * FROM nepsim.compare_branches(\(bind: sweep.id), 'terror')").isEmpty)
        assertRefused(analyst, "DELETE FROM nepsim.runs")
        assertRefused(analyst, "UPDATE nepsim.runs SET terror = true")
        assertRefused(analyst, "INSERT INTO nepsim.tasks (sweep_id, task_id, first_run, run_count) VALUES (\(sweep.id), 99, 0, 1)")
        assertRefused(analyst, "UPDATE nepsim.sweeps SET state = 'cancelled'")
        assertRefused(analyst, "SELECT nepsim.finish_sweep_if_complete(\(sweep.id))")
    }

    func testRolesAreIdempotentAndPasswordsAreHashed() throws {
        try DatabaseRoles.install(on: connection, workerLogin: workerLogin, password: "another")
        let stored = try connection.query("SELECT rolpassword FROM pg_authid WHERE rolname = \(bind: workerLogin)").string(0, "rolpassword")
        XCTAssert(stored?.hasPrefix("SCRAM-SHA-256$") == true, stored ?? "no password")
        XCTAssertThrowsError(try DatabaseRoles.install(on: connection, workerLogin: "Robert'); DROP TABLE x; --", password: "x"))
        XCTAssertThrowsError(try DatabaseRoles.install(on: connection, workerLogin: "nopassword", password: nil))
    }
}
