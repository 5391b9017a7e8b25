import Experiments
import Foundation
import PostgresStore
import SimulationCore
import SweepStore
import XCTest
@testable import Sweeps

/// Claims, leases, exactly-once results, poison tasks, and determinism across worker counts.
final class WorkerTests: DatabaseTestCase {
    /// A task's payloads are the same bytes whatever the number of threads computing it (each
    /// thread encodes its own chunk of runs, sent in order).
    func testATasksPayloadIsTheSameOnAnyNumberOfThreads() throws {
        let sweep = try launch("shot-in-the-kremlin", runs: 90, replications: 3, taskSize: 90, series: true)
        let task = try XCTUnwrap(try claim(worker: "w", lease: 60))
        let plan = try sweep.runPlan()
        let one = try TaskComputation.compute(task: task, sweep: sweep, plan: plan, threads: 1, workerID: "w")
        XCTAssertEqual(one.runsPayload.rowCount, 90)
        XCTAssertEqual(one.yearsPayload?.rowCount, 90)
        for threads in [2, 3, 7] {
            let many = try TaskComputation.compute(task: task, sweep: sweep, plan: plan, threads: threads, workerID: "w")
            XCTAssertGreaterThan(many.runsPayload.chunks.count, one.runsPayload.chunks.count)
            XCTAssertEqual(many.runsPayload.bytes, one.runsPayload.bytes, "\(threads) threads")
            XCTAssertEqual(many.yearsPayload?.bytes, one.yearsPayload?.bytes, "\(threads) threads")
        }
    }

    func testClaimsSkipLockedTasksAndExpiredLeasesAreReclaimed() throws {
        let sweep = try launch(runs: 300, taskSize: 100)
        let claimA = try XCTUnwrap(try claim(worker: "a", lease: 60))
        let claimB = try XCTUnwrap(try claim(worker: "b", lease: 60))
        XCTAssertNotEqual(claimA.taskID, claimB.taskID, "two workers never hold the same task")
        XCTAssertEqual(claimA.attempts, 1)
        // A's lease runs out (as if A died): B takes the task over, as a second attempt.
        try connection.query("UPDATE nepsim.tasks SET lease_expires_at = now() - interval '1 second' WHERE lease_owner = 'a'")
        let takeover = try XCTUnwrap(try claim(worker: "b", lease: 60))
        XCTAssertEqual(takeover.taskID, claimA.taskID)
        XCTAssertEqual(takeover.attempts, 2)
        // A comes back and tries to complete: its lease is gone, so nothing is written.
        let plan = try sweep.runPlan()
        var timings = TaskTimings()
        let results = try TaskComputation.compute(task: claimA, sweep: sweep, plan: plan, threads: 2, workerID: "a")
        XCTAssertFalse(try TaskQueue.complete(claimA, results: results, on: connection, workerID: "a", timings: &timings))
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 0)
        // B completes it: the rows land once.
        let resultsB = try TaskComputation.compute(task: takeover, sweep: sweep, plan: plan, threads: 2, workerID: "b")
        XCTAssertTrue(try TaskQueue.complete(takeover, results: resultsB, on: connection, workerID: "b", timings: &timings))
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 100)
        XCTAssertEqual(try connection.query("SELECT state FROM nepsim.tasks WHERE task_id = \(bind: takeover.taskID)")
            .string(0, "state"), "done")
    }

    /// `worker --nice N`: the threads that simulate a task run N below normal priority, though
    /// the dispatch pool's threads set their own priority when they start (so it is set in each).
    /// Run on a thread of its own, which takes part in the work and keeps the lowered priority.
    func testSimulatingThreadsRunAtTheNicenessAsked() throws {
        let sweep = try launch(runs: 400, taskSize: 400)
        let task = try XCTUnwrap(try claim(worker: "nice", lease: 60))
        let plan = try sweep.runPlan()
        func niceness(ofThreads ids: [String]) -> [Int] {
            ids.compactMap { id in
                (try? String(contentsOfFile: "/proc/self/task/\(id)/stat", encoding: .utf8))
                    .flatMap { $0.split(separator: ")").last?.split(separator: " ").dropFirst(16).first }
                    .flatMap { Int($0) }
            }
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<ComputedTask, Error>?
        let thread = Thread {
            outcome = Result { try TaskComputation.compute(task: task, sweep: sweep, plan: plan, threads: 2, workerID: "nice", niceness: 7) }
            done.signal()
        }
        thread.start()
        done.wait()
        _ = try XCTUnwrap(outcome).get()
        let threads = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        XCTAssertTrue(niceness(ofThreads: threads).contains(7), "some thread ran the task at nice 7")
    }

    /// Idle workers sleep until a notification: one comes when a task goes back to pending (a
    /// failure to retry) and when the sweep ends (so `--exit-when-idle` workers leave at once),
    /// not on a claim or on a completion that leaves work open.
    func testIdleWorkersAreWokenWhenATaskReopensAndWhenTheSweepEnds() throws {
        let sweep = try launch(runs: 200, taskSize: 100)
        let listener = try PostgresConnection(url: url)
        defer { listener.close() }
        try listener.listen(Coordinator.tasksChannel)
        let first = try XCTUnwrap(try claim(worker: "w", lease: 60))
        XCTAssertNil(try listener.waitForNotification(timeout: 0.2), "a claim wakes nobody")
        try connection.query("SELECT nepsim.fail_task('w', \(bind: sweep.id), \(bind: first.taskID), 'boom')")
        XCTAssertEqual(try listener.waitForNotification(timeout: 10)?.payload, String(sweep.id), "a task to retry")
        let plan = try sweep.runPlan()
        var timings = TaskTimings()
        for expectEnd in [false, true] {
            let task = try XCTUnwrap(try claim(worker: "w", lease: 60))
            let results = try TaskComputation.compute(task: task, sweep: sweep, plan: plan, threads: 2, workerID: "w")
            XCTAssertTrue(try TaskQueue.complete(task, results: results, on: connection, workerID: "w", timings: &timings))
            if expectEnd {
                XCTAssertEqual(try listener.waitForNotification(timeout: 10)?.payload, String(sweep.id), "the sweep ended")
            } else {
                XCTAssertNil(try listener.waitForNotification(timeout: 0.2), "a completion that leaves work open")
            }
        }
        XCTAssertEqual(try Coordinator.status(String(sweep.id), on: connection).state, .done)
    }

    func claim(worker: String, lease: Double) throws -> ClaimedTask? {
        try TaskQueue.claim(on: connection, workerID: worker, sweepID: nil, leaseSeconds: lease)
    }

    func testTwoWorkersStoreEveryRunExactlyOnce() throws {
        let sweep = try launch("shot-in-the-kremlin", runs: 1200, replications: 3, taskSize: 50, series: true)
        let totals = try runWorkers(2, sweep: sweep)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs WHERE sweep_id = \(bind: sweep.id)"), 1200)
        // What the workers say they did (their final log line) is what the database holds.
        XCTAssertEqual(totals.map(\.runs).reduce(0, +), 1200)
        XCTAssertEqual(totals.map(\.tasks).reduce(0, +), 24)
        XCTAssertEqual(totals.map(\.failedTasks).reduce(0, +) + totals.map(\.lostLeases).reduce(0, +), 0)
        for worker in totals where worker.tasks > 0 {
            XCTAssertGreaterThan(worker.timings.simulate, 0)
            XCTAssertGreaterThan(worker.timings.copy, 0)
        }
        XCTAssertEqual(try count("SELECT count(DISTINCT (point, replication)) AS count FROM nepsim.runs"), 1200)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.run_years"), 1200 * 14)
        // The sweep is the whole table, so its completion analyzed the runs (reltuples is -1 for
        // a table never analyzed); not the series (migration 13), which autovacuum analyzes.
        XCTAssertEqual(try count("SELECT reltuples::int AS count FROM pg_class WHERE oid = 'nepsim.runs'::regclass"), 1200)
        XCTAssertEqual(try count("SELECT count(DISTINCT worker_id) AS count FROM nepsim.runs"), 2)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.tasks WHERE state <> 'done'"), 0)
        let status = try Coordinator.status(String(sweep.id), on: connection)
        XCTAssertEqual(status.state, .done)
        XCTAssertEqual(status.runsDone, 1200)
        XCTAssertEqual(try count("SELECT sum(runs_done)::int AS count FROM nepsim.workers"), 1200)
    }

    /// `--writers 3`: several connections store a worker's tasks at once; every run is still
    /// stored once, with the same numbers as one writer stores.
    func testSeveralWritersStoreEveryRunOnceWithTheSameResults() throws {
        let one = try launch("shot-in-the-kremlin", runs: 1200, replications: 3, seed: 5, taskSize: 50, series: true,
                             sweepName: "one-writer")
        try runWorkers(1, sweep: one)
        let three = try launch("shot-in-the-kremlin", runs: 1200, replications: 3, seed: 5, taskSize: 50, series: true,
                               sweepName: "three-writers")
        let totals = try runWorkers(2, sweep: three, writers: 3)
        XCTAssertEqual(totals.map(\.runs).reduce(0, +), 1200)
        XCTAssertEqual(totals.map(\.failedTasks).reduce(0, +) + totals.map(\.lostLeases).reduce(0, +), 0)
        XCTAssertEqual(try count("SELECT count(DISTINCT (point, replication)) AS count FROM nepsim.runs WHERE sweep_id = \(bind: three.id)"), 1200)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.run_series WHERE sweep_id = \(bind: three.id)"), 1200)
        XCTAssertEqual(try Coordinator.status(String(three.id), on: connection).state, .done)
        XCTAssertEqual(try Coordinator.checksum("one-writer", on: connection), try Coordinator.checksum("three-writers", on: connection))
    }

    /// By construction: with three writer threads each stuck in a store, a fourth task handed
    /// over waits until one of them finishes; never more than three are stored at once.
    func testWriterThreadsStoreAtMostTheirNumberAtOnceAndSubmitWaitsForOne() throws {
        let gate = DispatchSemaphore(value: 0)
        let lock = NSLock()
        nonisolated(unsafe) var storing = 0, mostAtOnce = 0, stored = 0
        let url = url
        let writer = ResultWriter(threads: 3) { _, _, _ in
            lock.withLock { storing += 1; mostAtOnce = max(mostAtOnce, storing) }
            gate.wait()
            lock.withLock { storing -= 1; stored += 1 }
        } connect: {
            try PostgresConnection(url: url)
        }
        func task(_ id: Int) -> (ClaimedTask, ComputedTask) {
            (ClaimedTask(sweepID: 1, taskID: id, firstRun: id, runCount: 1, attempts: 1),
             ComputedTask(runsPayload: BinaryCopyPayload([]), yearsPayload: nil, runCount: 1))
        }
        for id in 0..<3 { try writer.submit(task(id).0, task(id).1) }
        try waitUntil(timeout: 20, "three writer threads storing at once") { lock.withLock { storing } == 3 }
        let fourthHandedOver = DispatchSemaphore(value: 0)
        let (fourthTask, fourthRows) = task(3)
        Thread.detachNewThread {
            try? writer.submit(fourthTask, fourthRows)
            fourthHandedOver.signal()
        }
        XCTAssertEqual(fourthHandedOver.wait(timeout: .now() + 0.5), .timedOut, "a fourth task was taken with every thread busy")
        gate.signal()
        XCTAssertEqual(fourthHandedOver.wait(timeout: .now() + 20), .success)
        for _ in 0..<3 { gate.signal() }
        try writer.drain()
        writer.close()
        XCTAssertEqual(lock.withLock { stored }, 4)
        XCTAssertEqual(lock.withLock { mostAtOnce }, 3)
    }

    func testSameSeedGivesIdenticalResultsWithOneOrFourWorkersAndMatchesInProcessRuns() throws {
        let one = try launch("shot-in-the-kremlin", runs: 600, replications: 2, seed: 11, taskSize: 40, sweepName: "one")
        try runWorkers(1, sweep: one)
        let four = try launch("shot-in-the-kremlin", runs: 600, replications: 2, seed: 11, taskSize: 40, sweepName: "four")
        try runWorkers(4, sweep: four)
        let other = try launch("shot-in-the-kremlin", runs: 600, replications: 2, seed: 12, taskSize: 40, sweepName: "other")
        try runWorkers(2, sweep: other)
        let checksumOne = try Coordinator.checksum("one", on: connection)
        XCTAssertEqual(checksumOne, try Coordinator.checksum("four", on: connection))
        XCTAssertNotEqual(checksumOne, try Coordinator.checksum("other", on: connection))
        XCTAssert(checksumOne.hasPrefix("600:"))
        // The stored numbers are the core's, bit for bit.
        let plan = try one.runPlan()
        var series: [YearRecord] = []
        let expected = plan.run(point: 123, replication: 1, series: &series)
        let row = try connection.query("""
            SELECT r.famine_deaths_total, r.industrial_output_1940, r.leader_1940, r.stalin_died_1926, r.collectivization_year,
                   p.value AS attempt, w.params->>'stalin_1926_attempt_probability' AS attempt_json
            FROM nepsim.runs r
            JOIN nepsim.run_parameters p USING (sweep_id, point, replication)
            JOIN nepsim.runs_with_params w USING (sweep_id, point, replication)
            WHERE p.parameter = 'stalin_1926_attempt_probability' AND sweep_id = \(bind: one.id) AND point = 123 AND replication = 1
            """)
        XCTAssertEqual(row.double(0, "famine_deaths_total"), expected.famineDeathsTotal)
        XCTAssertEqual(row.double(0, "industrial_output_1940"), expected.industrialOutput1940)
        XCTAssertEqual(row.string(0, "leader_1940"), expected.leader1940.label)
        XCTAssertEqual(row.bool(0, "stalin_died_1926"), expected.stalinDied1926)
        XCTAssertEqual(row.int(0, "collectivization_year"), expected.collectivizationYear)
        let drawn = plan.parameters(point: 123).stalin1926AttemptProbability
        XCTAssertEqual(row.double(0, "attempt"), drawn)
        XCTAssertEqual(row.double(0, "attempt_json"), drawn)
    }

    func testPoisonTaskFailsAfterMaxAttemptsWithItsError() throws {
        // A task that fails every time it runs: here the stored scenario was damaged after launch
        // (as if written by another nepsim), so no worker can rebuild the plan.
        let sweep = try launch(runs: 20, taskSize: 10, maxAttempts: 2)
        try connection.query("UPDATE nepsim.sweeps SET scenario_text = 'this is [not valid' WHERE sweep_id = \(bind: sweep.id)")
        try runWorkers(2, sweep: sweep)
        let tasks = try connection.query("SELECT state, attempts, last_error FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id)")
        XCTAssertEqual(tasks.rows.count, 2)
        for row in 0..<2 {
            XCTAssertEqual(tasks.string(row, "state"), "failed")
            XCTAssertEqual(tasks.int(row, "attempts"), 2)
            XCTAssert(tasks.string(row, "last_error")?.contains("stored scenario no longer parses") == true,
                      tasks.string(row, "last_error") ?? "")
        }
        let status = try Coordinator.status(String(sweep.id), on: connection)
        XCTAssertEqual(status.state, .failed)
        XCTAssert(status.errors?.contains("stored scenario") == true)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 0)
    }

    func testNonFiniteOutcomesAreCaught() {
        func firstNonFinite(_ outcomes: RunOutcomes) -> String? {
            var writer = BinaryCopyWriter()
            return ResultsLayout.appendRun(&writer, sweepID: 1, point: 0, replication: 0, outcomes: outcomes,
                                           parameterValues: [], workerID: "w")
        }
        var outcomes = RunOutcomes()
        XCTAssertNil(firstNonFinite(outcomes))
        outcomes.realWage1932 = .nan
        XCTAssertEqual(firstNonFinite(outcomes), "real_wage_1932")
        outcomes.realWage1932 = 50
        outcomes.steel1940Mt = .infinity
        XCTAssertEqual(firstNonFinite(outcomes), "steel_1940_mt")
        outcomes.realWage1932 = -.infinity
        XCTAssertEqual(firstNonFinite(outcomes), "steel_1940_mt", "the first in catalog order")
    }

    func testTaskWhoseWorkersKeepDyingIsAbandoned() throws {
        let sweep = try launch(runs: 10, taskSize: 10, maxAttempts: 2)
        // Two workers claimed it and vanished (their leases expired).
        try connection.query("""
            UPDATE nepsim.tasks SET state = 'running', attempts = 2, lease_owner = 'ghost',
                lease_expires_at = now() - interval '1 second' WHERE sweep_id = \(bind: sweep.id)
            """)
        try runWorkers(1, sweep: sweep)
        let task = try connection.query("SELECT state, last_error FROM nepsim.tasks WHERE sweep_id = \(bind: sweep.id)")
        XCTAssertEqual(task.string(0, "state"), "failed")
        XCTAssert(task.string(0, "last_error")?.contains("abandoned after 2 attempts") == true)
    }
}

/// Workers finishing a sweep's last tasks at the same moment must still close the sweep.
final class SweepCompletionRaceTests: DatabaseTestCase {
    /// By construction: A completes one of the last two tasks and holds its transaction open
    /// (its check saw B's task running); B completes the other, must wait for A's commit on the
    /// sweep's row lock, and then see A's task done and close the sweep. Were the "work left?"
    /// question asked before taking the lock, B would see A's task still running and neither
    /// completion would close the sweep.
    func testTheLastCompletionWaitsForTheOtherAndClosesTheSweep() throws {
        let sweep = try launch(runs: 4, taskSize: 2)
        let plan = try sweep.runPlan()
        let sessionA = try PostgresConnection(url: url, applicationName: "race-a")
        let sessionB = try PostgresConnection(url: url, applicationName: "race-b")
        defer { sessionA.close(); sessionB.close() }
        let taskA = try XCTUnwrap(try TaskQueue.claim(on: sessionA, workerID: "a", sweepID: sweep.id, leaseSeconds: 60))
        let taskB = try XCTUnwrap(try TaskQueue.claim(on: sessionB, workerID: "b", sweepID: sweep.id, leaseSeconds: 60))
        let rowsA = try TaskComputation.compute(task: taskA, sweep: sweep, plan: plan, threads: 1, workerID: "a")
        let rowsB = try TaskComputation.compute(task: taskB, sweep: sweep, plan: plan, threads: 1, workerID: "b")

        try sessionA.query("BEGIN")
        try sessionA.copyIn(ResultsLayout.copyRuns, payload: rowsA.runsPayload)
        XCTAssertEqual(try sessionA.query("SELECT nepsim.complete_tasks('a', \(bind: sweep.id), \(bind: taskA.taskID), \(bind: taskA.lastTaskID)) AS done")
            .value(0, "done", as: Bool.self), true)

        nonisolated(unsafe) var completedB: Result<Bool, Error>?
        nonisolated(unsafe) let storingB = sessionB  // used by the thread alone until it signals
        let finishedB = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var timings = TaskTimings()
            completedB = Result { try TaskQueue.complete(taskB, results: rowsB, on: storingB, workerID: "b", timings: &timings) }
            finishedB.signal()
        }
        // B waits on a lock (the sweep's row, held by A's open transaction) before A commits.
        _ = try blockedBackend(application: "race-b")
        XCTAssertEqual(try Coordinator.status(String(sweep.id), on: connection).state, .running)
        try sessionA.query("COMMIT")
        XCTAssertEqual(finishedB.wait(timeout: .now() + 20), .success)
        XCTAssertEqual(try completedB?.get(), true)
        XCTAssertEqual(try Coordinator.status(String(sweep.id), on: connection).state, .done)
        XCTAssertEqual(try count("SELECT count(*) FROM nepsim.runs"), 4)
    }

    func testConcurrentLastTasksStillCloseTheSweep() throws {
        for round in 0..<8 {
            let sweep = try launch(runs: 8, taskSize: 2, sweepName: "race-\(round)")
            try runWorkers(4, sweep: sweep)
            XCTAssertEqual(try Coordinator.status(String(sweep.id), on: connection).state, .done, "round \(round)")
        }
    }
}
