import Foundation
import PostgresStore
import XCTest

/// A stopped command stops its work on the server. Each command's query is made to wait, by
/// construction, on a lock this test holds (so it is provably in flight); then the command is
/// stopped and the server is watched for its query.
final class InterruptionTests: DatabaseTestCase {
    /// A second session holding locks on the tables the commands read, in an open transaction.
    func lockTables(_ tables: [String]) throws -> PostgresConnection {
        let locker = try PostgresConnection(url: url, applicationName: "interruption-test-locker")
        _ = try locker.query("BEGIN")
        for table in tables { _ = try locker.query("LOCK TABLE nepsim.\(raw: table) IN ACCESS EXCLUSIVE MODE") }
        return locker
    }

    func activeQueries(of backends: [Int]) throws -> Int {
        try count("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(\(bind: "{" + backends.map(String.init).joined(separator: ",") + "}")::int[]) AND state = 'active'")
    }

    func activeQueries(of backend: Int) throws -> Int {
        try activeQueries(of: [backend])
    }

    /// The stopped command's exit status and error output. A command still running after 30 s
    /// (its signal lost) is killed, so that the test fails instead of waiting for ever.
    func finish(_ process: Process, _ err: Pipe) -> (status: Int32, stderr: String) {
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            XCTFail("the command did not stop within 30 s of its signal; killed")
            kill(process.processIdentifier, SIGKILL)
        }
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
    }

    /// For the commands stopped by a signal: their sessions do not check that the client is
    /// still there, so once the process has exited only its cancel requests can end the queries
    /// still waiting on the test's lock within the test's limit.
    let onlyCancelsEndQueries = ["NEPSIM_CLIENT_CHECK_INTERVAL_MS": "0"]

    func sweepWithRuns() throws -> Int64 {
        let sweep = try launch(runs: 40, taskSize: 20)
        try runWorkers(1, sweep: sweep)
        return sweep.id
    }

    func testReportStoppedBySIGINTOrSIGTERMCancelsItsQuery() throws {
        let sweepID = try sweepWithRuns()
        for (signal, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            let locker = try lockTables(["runs"])
            let (process, _, err) = try startNepsim(["report", String(sweepID), "--database", url], environment: onlyCancelsEndQueries)
            let backend = try blockedBackend()
            kill(process.processIdentifier, signal)
            let result = finish(process, err)
            XCTAssertEqual(result.status, 128 + signal, result.stderr)
            XCTAssert(result.stderr.contains("stopped by \(name)") && result.stderr.contains("cancelled"), result.stderr)
            // The lock is still held: only the cancel request can have ended the query.
            try waitUntil(timeout: 2, "no active query from the stopped report (backend \(backend))") {
                try activeQueries(of: backend) == 0
            }
            _ = try locker.query("ROLLBACK")
            locker.close()
        }
    }

    /// A report reading over several sessions (`--read-sessions`, as for a large sweep) has every
    /// one of them cancelled.
    func testReportReadingOverSeveralSessionsCancelsThemAll() throws {
        let sweepID = try sweepWithRuns()
        let locker = try lockTables(["runs"])
        defer { _ = try? locker.query("ROLLBACK"); locker.close() }
        let (process, _, err) = try startNepsim(["report", String(sweepID), "--database", url, "--read-sessions", "3"],
                                                 environment: onlyCancelsEndQueries)
        let backends = try blockedBackends(3)
        XCTAssertEqual(backends.count, 3, "the report's three sessions wait on the lock")
        kill(process.processIdentifier, SIGINT)
        let result = finish(process, err)
        XCTAssertEqual(result.status, 128 + SIGINT, result.stderr)
        // The lock is still held: only cancel requests can have ended the three queries.
        try waitUntil(timeout: 2, "no active query from any of the stopped report's sessions \(backends)") {
            try activeQueries(of: backends) == 0
        }
    }

    func testReportKilledWithSIGKILLLeavesNoQueryForLong() throws {
        let sweepID = try sweepWithRuns()
        let locker = try lockTables(["runs"])
        defer { _ = try? locker.query("ROLLBACK"); locker.close() }
        let (process, _, err) = try startNepsim(["report", String(sweepID), "--database", url])
        let backend = try blockedBackend()
        kill(process.processIdentifier, SIGKILL)
        _ = finish(process, err)
        // No cancel request is possible; the server checks the client every 2 s while it waits.
        let limit = Double(PostgresConnection.clientCheckIntervalMilliseconds) / 1000 * 2 + 1
        try waitUntil(timeout: limit, "the killed report's query gone within \(limit) s (backend \(backend))") {
            try activeQueries(of: backend) == 0
        }
    }

    func testSweepStatusStoppedBySIGTERMCancelsItsQuery() throws {
        let sweepID = try sweepWithRuns()
        let locker = try lockTables(["tasks", "runs"])
        defer { _ = try? locker.query("ROLLBACK"); locker.close() }
        let (process, _, err) = try startNepsim(["sweep", "status", String(sweepID), "--database", url],
                                                 environment: onlyCancelsEndQueries)
        let backend = try blockedBackend()
        kill(process.processIdentifier, SIGTERM)
        let result = finish(process, err)
        XCTAssertEqual(result.status, 128 + SIGTERM, result.stderr)
        try waitUntil(timeout: 2, "no active query from the stopped status (backend \(backend))") {
            try activeQueries(of: backend) == 0
        }
    }

    func testLaunchWaitStoppedBySIGINTCancelsItsQuery() throws {
        let (process, out, err) = try startNepsim(["sweep", "launch", "scenarios/otl.toml", "--runs", "100", "--task-size", "50",
                                                  "--local-workers", "0", "--wait", "--database", url],
                                                  environment: onlyCancelsEndQueries)
        // The sweep is in the database once its launch line is out; then its progress polls wait on the lock.
        var line = ""
        try waitUntil(timeout: 30, "the launch line") {
            line += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            return line.contains("sweep ")
        }
        let locker = try lockTables(["tasks", "runs"])
        defer { _ = try? locker.query("ROLLBACK"); locker.close() }
        let backend = try blockedBackend()
        kill(process.processIdentifier, SIGINT)
        let result = finish(process, err)
        XCTAssertEqual(result.status, 128 + SIGINT, result.stderr)
        XCTAssert(result.stderr.contains("stopped waiting on SIGINT"), result.stderr)
        try waitUntil(timeout: 2, "no active query from the stopped launch (backend \(backend))") {
            try activeQueries(of: backend) == 0
        }
    }

    func testStatementTimeoutStopsASlowReportWithAClearMessage() throws {
        let sweepID = try sweepWithRuns()
        let locker = try lockTables(["runs"])
        defer { _ = try? locker.query("ROLLBACK"); locker.close() }
        let byOption = try nepsim(["report", String(sweepID), "--statement-timeout", "0.5", "--database", url])
        XCTAssertEqual(byOption.status, 1, byOption.stderr)
        XCTAssert(byOption.stderr.contains("ran longer than 0.5 s"), byOption.stderr)
        let byEnvironment = try nepsim(["report", String(sweepID), "--database", url],
                                       environment: ["NEPSIM_STATEMENT_TIMEOUT": "0.5"])
        XCTAssertEqual(byEnvironment.status, 1, byEnvironment.stderr)
        XCTAssert(byEnvironment.stderr.contains("NEPSIM_STATEMENT_TIMEOUT"), byEnvironment.stderr)
        let bad = try nepsim(["report", String(sweepID), "--statement-timeout=-3", "--database", url])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssert(bad.stderr.contains("between 0 and 86400"), bad.stderr)
    }

    func testSessionsCheckTheirClient() throws {
        let setting = try connection.query("SHOW client_connection_check_interval")
        XCTAssertEqual(setting.string(0, "client_connection_check_interval"), "2s")
    }
}
