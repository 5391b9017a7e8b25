import Dispatch
import Experiments
import Foundation
import Logging
import PostgresStore
import SweepStore

// MARK: - WorkerConfiguration

/// How a worker runs.
public struct WorkerConfiguration: Sendable {
    public var databaseURL: String
    public var concurrency: Int
    /// Only this sweep's tasks, or any sweep's.
    public var sweepID: Int64?
    /// Exit once no task is pending or running, instead of waiting for new sweeps.
    public var exitWhenIdle: Bool
    /// How long a claim lasts without a heartbeat; a dead worker's task is redone after this.
    public var leaseSeconds: Double
    public var heartbeatSeconds: Double
    /// How long to wait for a notification before looking for tasks again.
    public var idlePollSeconds: Double
    public var codeVersion: String
    public var workerID: String
    /// Tasks claimed (and stored) together: consecutive tasks of a sweep, one claim, one COPY and
    /// one completion for all, for sweeps cut into tiny tasks. 1: one task at a time.
    public var claimBatch: Int
    /// Connections storing computed tasks at once, each in its own server process. One stores
    /// about 100,000 runs a second without series (the server's COPY, 8-12 µs a run), so a worker
    /// simulating faster than that on many cores wants several, if the database has cores to spare.
    public var writers: Int = 1
    /// How much lower than normal the simulating threads run (as nice(1) counts, 0-19): for a
    /// worker sharing its machine with the database, where one server process stores each task
    /// and should not wait for a core while the threads simulate the next.
    public var simulationNiceness: Int32 = 0

    public init(databaseURL: String, concurrency: Int, sweepID: Int64? = nil, exitWhenIdle: Bool = false,
                leaseSeconds: Double = 60, heartbeatSeconds: Double = 10, idlePollSeconds: Double = 2,
                codeVersion: String, workerID: String? = nil, claimBatch: Int = 1) {
        self.claimBatch = claimBatch
        self.databaseURL = databaseURL
        self.concurrency = concurrency
        self.sweepID = sweepID
        self.exitWhenIdle = exitWhenIdle
        self.leaseSeconds = leaseSeconds
        self.heartbeatSeconds = heartbeatSeconds
        self.idlePollSeconds = idlePollSeconds
        self.codeVersion = codeVersion
        self.workerID = workerID ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }
}

/// Why a worker stopped.
public enum WorkerExit: Sendable, Equatable {
    case idle
    case stopped
}

// MARK: - Worker

/// Claims tasks, simulates their runs, writes the results and completes the tasks, until told to
/// stop or (with `exitWhenIdle`) until no work is left. A lost connection is retried with backoff
/// and logged, never fatal: results computed before the loss are written after it, under the
/// same lease if it still holds, and a task whose lease was lost is simply done again elsewhere.
///
/// Computing and storing overlap: while the `ResultWriter` threads store tasks' rows (each on its
/// own connection, a task in one transaction with its completion), this thread claims and
/// simulates the next. So a worker holds at most `writers` + 1 claims (a task each, or a batch of
/// consecutive tasks with `--claim-batch`), all under lease and renewed by the heartbeat; each is
/// still stored exactly once, in its own transaction, or not at all.
public final class Worker: @unchecked Sendable {
    public let configuration: WorkerConfiguration
    let logger: Logger
    private let stopLock = NSLock()
    private var stopRequested = false
    private var inHand: [ClaimedTask] = []
    private var totals = WorkerTotals()
    private var plans: [Int64: (sweep: StoredSweep, plan: RunPlan)] = [:]

    public init(configuration: WorkerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Asks the worker to stop after the tasks in hand.
    public func requestStop() {
        stopLock.withLock { stopRequested = true }
    }

    var shouldStop: Bool { stopLock.withLock { stopRequested } }

    /// The tasks being computed or stored (for the heartbeat, and for a second signal to release them).
    public var tasksInHand: [ClaimedTask] { stopLock.withLock { inHand } }

    /// What the worker has done so far.
    public var summary: WorkerTotals { stopLock.withLock { totals } }

    /// Runs until stopped or idle.
    public func run() throws -> WorkerExit {
        let started = DispatchTime.now()
        var connection = try connectWithRetry(registering: true)
        let heartbeat = Heartbeat(configuration: configuration, logger: logger) { [weak self] in self?.tasksInHand ?? [] }
        heartbeat.start()
        let writer = ResultWriter(threads: configuration.writers) { [unowned self] task, computed, connection in
            try self.store(task, computed, connection: &connection)
        } connect: { [unowned self] in
            try self.connectWithRetry(registering: false)
        }
        defer {
            writer.close()
            heartbeat.stop()
            markStopped()
            logSummary(seconds: DispatchTime.now().seconds(since: started))
        }
        while !shouldStop {
            do {
                let claimStarted = DispatchTime.now()
                guard let task = try TaskQueue.claim(on: connection, workerID: configuration.workerID,
                                                     sweepID: configuration.sweepID, leaseSeconds: configuration.leaseSeconds,
                                                     batch: configuration.claimBatch)
                else {
                    // A task of ours still being stored counts as open work: let it finish first.
                    try writer.drain()
                    if configuration.exitWhenIdle,
                       try !TaskQueue.openTaskExists(on: connection, sweepID: configuration.sweepID) {
                        logger.info("no work left; exiting")
                        return .idle
                    }
                    _ = try connection.waitForNotification(timeout: configuration.idlePollSeconds)
                    continue
                }
                let claimSeconds = DispatchTime.now().seconds(since: claimStarted)
                if try TaskQueue.abandonIfExhausted(task, on: connection, workerID: configuration.workerID) {
                    logger.warning("task failed for good after too many attempts", metadata: taskMetadata(task))
                    continue
                }
                guard var computed = try compute(task, connection: connection) else { continue }
                computed.claimSeconds = claimSeconds
                try writer.submit(task, computed)
            } catch let error as PostgresError where error.isConnectionProblem {
                logger.warning("database connection lost; reconnecting", metadata: ["error": "\(error.message)"])
                connection = try connectWithRetry(registering: false)
            }
        }
        try writer.drain()
        logger.info("stopped on request")
        return .stopped
    }

    /// The id of a sweep named by id or name, looked up over a connection that rides out a
    /// server restart (a worker may start while the database is briefly away).
    public func resolveSweep(_ reference: String) throws -> Int64 {
        var backoff = Backoff()
        while true {
            let connection = try connectWithRetry(registering: false)
            defer { connection.close() }
            do {
                return try StoredSweep.load(reference, from: connection).id
            } catch let error as PostgresError where error.isConnectionProblem && !error.isPermanentConnectionFailure {
                logger.warning("database connection lost; reconnecting", metadata: ["error": "\(error.message)"])
                if shouldStop { throw error }
                Thread.sleep(forTimeInterval: backoff.next())
            }
        }
    }

    /// Simulates a task's runs; nil (and the task failed, an attempt counted) if they cannot be.
    private func compute(_ task: ClaimedTask, connection: PostgresConnection) throws -> ComputedTask? {
        stopLock.withLock { inHand.append(task) }
        logger.debug("claimed task", metadata: taskMetadata(task))
        do {
            let (sweep, plan) = try planFor(task.sweepID, connection: connection)
            return try TaskComputation.compute(task: task, sweep: sweep, plan: plan,
                                               threads: configuration.concurrency, workerID: configuration.workerID,
                                               niceness: configuration.simulationNiceness)
        } catch let error as PostgresError where error.isConnectionProblem {
            letGo(task)
            throw error
        } catch {
            logger.error("task failed", metadata: taskMetadata(task).merging(["error": "\(error)"]) { $1 })
            defer { letGo(task) }
            try TaskQueue.fail(task, error: String(describing: error), on: connection, workerID: configuration.workerID)
            stopLock.withLock { totals.failedTasks += task.taskCount }
            return nil
        }
    }

    private func letGo(_ task: ClaimedTask) {
        stopLock.withLock { inHand.removeAll { $0 == task } }
    }

    /// Stores a computed task (on the writer's thread and connection), retrying the write across
    /// reconnections while the lease may still hold.
    private func store(_ task: ClaimedTask, _ computed: ComputedTask, connection: inout PostgresConnection?) throws {
        defer { letGo(task) }
        var timings = TaskTimings(claim: computed.claimSeconds, simulate: computed.simulateSeconds, encode: computed.encodeSeconds)
        var backoff = Backoff()
        while true {
            do {
                if connection == nil { connection = try connectWithRetry(registering: false) }
                let stored = try TaskQueue.complete(task, results: computed, on: connection!, workerID: configuration.workerID,
                                                    timings: &timings)
                if stored {
                    stopLock.withLock {
                        totals.tasks += task.taskCount
                        totals.runs += task.runCount
                        totals.timings += timings
                    }
                    var metadata = taskMetadata(task)
                    metadata["seconds"] = "\(String(format: "%.3f", timings.total))"
                    for (key, value) in timings.logFields { metadata[key] = "\(value)" }
                    logger.info("task done", metadata: metadata)
                } else {
                    stopLock.withLock { totals.lostLeases += task.taskCount }
                    logger.warning("lease lost before completion; another worker redoes the task", metadata: taskMetadata(task))
                }
                return
            } catch let error as PostgresError where error.isConnectionProblem {
                logger.warning("connection lost while storing a task; retrying", metadata: taskMetadata(task))
                Thread.sleep(forTimeInterval: backoff.next())
                connection = nil
            } catch {
                // The server refused the rows (a bug or a changed schema): count it as an attempt.
                logger.error("storing task failed", metadata: taskMetadata(task).merging(["error": "\(error)"]) { $1 })
                try TaskQueue.fail(task, error: String(describing: error), on: connection!, workerID: configuration.workerID)
                stopLock.withLock { totals.failedTasks += task.taskCount }
                return
            }
        }
    }

    /// One line at the end, for a batch system's log: what was done and where the time went.
    private func logSummary(seconds: Double) {
        let done = summary
        var metadata: Logger.Metadata = [
            "tasks": "\(done.tasks)", "runs": "\(done.runs)", "failed_tasks": "\(done.failedTasks)",
            "lost_leases": "\(done.lostLeases)", "seconds": "\(String(format: "%.3f", seconds))",
            "runs_per_second": "\(String(format: "%.0f", seconds > 0 ? Double(done.runs) / seconds : 0))",
        ]
        for (key, value) in done.timings.logFields { metadata[key] = "\(value)" }
        logger.notice("worker summary", metadata: metadata)
    }

    private func planFor(_ sweepID: Int64, connection: PostgresConnection) throws -> (StoredSweep, RunPlan) {
        if let cached = plans[sweepID] { return cached }
        let sweep = try StoredSweep.load(String(sweepID), from: connection)
        let plan = try sweep.runPlan()
        plans[sweepID] = (sweep, plan)
        return (sweep, plan)
    }

    /// Connects, checks the schema, and (first time) registers the worker; retries connection
    /// problems with exponential backoff for as long as it takes. Errors that waiting cannot heal
    /// (a missing database or role, a missing or wrong password, a schema mismatch) are final.
    private func connectWithRetry(registering: Bool) throws -> PostgresConnection {
        var backoff = Backoff()
        while true {
            do {
                let connection = try PostgresConnection(url: configuration.databaseURL, applicationName: "nepsim worker")
                try SchemaMigrator.requireCurrent(connection)
                if registering {
                    try connection.query("""
                        SELECT nepsim.register_worker(\(bind: configuration.workerID), \(bind: ProcessInfo.processInfo.hostName),
                                                      \(bind: Int(getpid())), \(bind: configuration.concurrency),
                                                      \(bind: configuration.codeVersion))
                        """)
                    logger.info("worker started", metadata: ["worker": "\(configuration.workerID)",
                                                             "database": "\(connection.maskedURL)",
                                                             "concurrency": "\(configuration.concurrency)"])
                }
                try connection.listen(Coordinator.tasksChannel)
                // A task's rows and its completion commit together, so a commit lost in a server
                // crash only sends the task back to be redone: no need to wait for the disk.
                try connection.query("SET synchronous_commit = off")
                // The statement trigger that admits a task's rows sees them as a transition table,
                // which the server keeps in work_mem (4 MB by default) and otherwise writes to a
                // temporary file: with a task's series (3.4 kB a run) writing it showed as a quarter
                // of the storing process's time in a profile. 64 MB holds a task of about 18,000 runs.
                try connection.query("SET work_mem = '64MB'")
                // If this host vanishes mid-transaction, the server must notice within a minute and
                // drop the session, or its lock would keep the task from everyone for hours.
                try connection.query("""
                    SELECT set_config('tcp_keepalives_idle', '20', false), set_config('tcp_keepalives_interval', '5', false),
                           set_config('tcp_keepalives_count', '4', false), set_config('tcp_user_timeout', '40000', false),
                           set_config('idle_in_transaction_session_timeout', '120000', false)
                    """)
                return connection
            } catch let error as PostgresError where error.isConnectionProblem && !error.isPermanentConnectionFailure {
                let delay = backoff.next()
                logger.warning("cannot reach the database; retrying",
                               metadata: ["in_seconds": "\(String(format: "%.1f", delay))", "error": "\(error.message)"])
                if shouldStop { throw error }
                Thread.sleep(forTimeInterval: delay)
            }
        }
    }

    private func markStopped() {
        if let connection = try? PostgresConnection(url: configuration.databaseURL, applicationName: "nepsim worker") {
            _ = try? connection.query("SELECT nepsim.stop_worker(\(bind: configuration.workerID))")
        }
    }

    /// Gives back the tasks in hand (used when a second signal asks for an immediate stop). One
    /// whose rows are being stored at that moment is either committed first (then the release
    /// finds it done) or loses its lease and rolls back: never half stored.
    public func releaseTasksInHand() {
        let tasks = tasksInHand
        guard !tasks.isEmpty,
              let connection = try? PostgresConnection(url: configuration.databaseURL, applicationName: "nepsim worker")
        else { return }
        for task in tasks {
            try? TaskQueue.release(task, on: connection, workerID: configuration.workerID)
            logger.info("released task", metadata: taskMetadata(task))
        }
    }

    func taskMetadata(_ task: ClaimedTask) -> Logger.Metadata {
        ["sweep": "\(task.sweepID)", "task": "\(task.tasksLabel)", "runs": "\(task.runCount)", "attempt": "\(task.attempts)"]
    }
}

// MARK: - Backoff

/// Exponential backoff with jitter, from half a second to thirty.
struct Backoff {
    private var delay = 0.5

    mutating func next() -> Double {
        let current = delay
        delay = min(30, delay * 2)
        return current * Double.random(in: 0.75...1.25)
    }
}

// MARK: - Heartbeat

/// On its own thread and connection: renews the leases of the tasks in hand and the worker's
/// heartbeat while it computes.
final class Heartbeat: @unchecked Sendable {
    private let configuration: WorkerConfiguration
    private let logger: Logger
    private let tasksInHand: @Sendable () -> [ClaimedTask]
    private let condition = NSCondition()
    private var stopped = false
    private var thread: Thread?

    init(configuration: WorkerConfiguration, logger: Logger, tasksInHand: @escaping @Sendable () -> [ClaimedTask]) {
        self.configuration = configuration
        self.logger = logger
        self.tasksInHand = tasksInHand
    }

    func start() {
        let thread = Thread { [self] in self.loop() }
        thread.name = "nepsim-heartbeat"
        self.thread = thread
        thread.start()
    }

    func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
        }
    }

    private func loop() {
        var connection: PostgresConnection?
        while true {
            let done = condition.withLock { () -> Bool in
                if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: configuration.heartbeatSeconds)) }
                return stopped
            }
            if done { return }
            do {
                if connection == nil || connection?.isOpen == false {
                    connection = try PostgresConnection(url: configuration.databaseURL, applicationName: "nepsim heartbeat")
                }
                let tasks = tasksInHand()
                for task in tasks.isEmpty ? [nil] : tasks.map(Optional.some) {
                    try TaskQueue.renewLease(of: task, on: connection!, workerID: configuration.workerID,
                                             leaseSeconds: configuration.leaseSeconds)
                }
            } catch {
                connection = nil
                logger.warning("heartbeat failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }
}

// MARK: - WorkerTotals

/// A worker's work so far: tasks stored, runs, tasks failed or lost, and the summed timings.
public struct WorkerTotals: Sendable, Equatable {
    public var tasks = 0
    public var runs = 0
    public var failedTasks = 0
    public var lostLeases = 0
    public var timings = TaskTimings()
}

// MARK: - ResultWriter

/// Threads that store computed tasks, each on its own connection, so that the worker simulates
/// the next task meanwhile. `submit` blocks until a thread is free to take the task, so a worker
/// holds at most `threads` claims being stored and the one just computed. An error a thread could
/// not handle (a permanent connection failure) is rethrown to the worker at its next `submit` or
/// `drain`.
final class ResultWriter: @unchecked Sendable {
    typealias Store = @Sendable (ClaimedTask, ComputedTask, inout PostgresConnection?) throws -> Void
    private let condition = NSCondition()
    private let threadCount: Int
    private var waiting: (ClaimedTask, ComputedTask)?
    private var storing = 0
    private var closed = false
    private var failure: Error?
    private var running = 0

    init(threads: Int = 1, store: @escaping Store, connect: @escaping @Sendable () throws -> PostgresConnection) {
        threadCount = max(1, threads)
        running = threadCount
        for index in 0..<threadCount {
            let thread = Thread { [self] in
                var connection: PostgresConnection?
                while let (task, computed) = nextTask() {
                    do {
                        if connection == nil { connection = try connect() }
                        try store(task, computed, &connection)
                        finished(nil)
                    } catch {
                        finished(error)
                    }
                }
                connection?.close()
                condition.withLock {
                    running -= 1
                    condition.broadcast()
                }
            }
            thread.name = threadCount == 1 ? "nepsim-writer" : "nepsim-writer-\(index + 1)"
            thread.start()
        }
    }

    /// Hands over a computed task; waits until a thread is free to store it.
    func submit(_ task: ClaimedTask, _ computed: ComputedTask) throws {
        try condition.withLock {
            while (waiting != nil || storing >= threadCount) && failure == nil { condition.wait() }
            if let failure { throw failure }
            waiting = (task, computed)
            condition.broadcast()
        }
    }

    /// Waits until every task handed over is stored (or has failed).
    func drain() throws {
        try condition.withLock {
            while (waiting != nil || storing > 0) && failure == nil { condition.wait() }
            if let failure { throw failure }
        }
    }

    /// Stores what was handed over, then ends the threads (and closes their connections).
    func close() {
        condition.withLock {
            closed = true
            condition.broadcast()
            while running > 0 { condition.wait() }
        }
    }

    private func nextTask() -> (ClaimedTask, ComputedTask)? {
        condition.withLock {
            while waiting == nil && !closed { condition.wait() }
            guard let next = waiting else { return nil }
            waiting = nil
            storing += 1
            condition.broadcast()
            return next
        }
    }

    private func finished(_ error: Error?) {
        condition.withLock {
            storing -= 1
            if let error, failure == nil { failure = error }
            condition.broadcast()
        }
    }
}
