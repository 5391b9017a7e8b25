import Dispatch
import Experiments
import Foundation
import Logging
import PostgresStore

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

    public init(databaseURL: String, concurrency: Int, sweepID: Int64? = nil, exitWhenIdle: Bool = false,
                leaseSeconds: Double = 60, heartbeatSeconds: Double = 10, idlePollSeconds: Double = 2,
                codeVersion: String, workerID: String? = nil) {
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
public final class Worker: @unchecked Sendable {
    public let configuration: WorkerConfiguration
    let logger: Logger
    private let stopLock = NSLock()
    private var stopRequested = false
    private var currentTask: ClaimedTask?
    private var plans: [Int64: (sweep: StoredSweep, plan: RunPlan)] = [:]

    public init(configuration: WorkerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Asks the worker to stop after the task in hand.
    public func requestStop() {
        stopLock.withLock { stopRequested = true }
    }

    var shouldStop: Bool { stopLock.withLock { stopRequested } }

    /// The task being computed, if any (for a second signal to release it).
    public var taskInHand: ClaimedTask? { stopLock.withLock { currentTask } }

    /// Runs until stopped or idle.
    public func run() throws -> WorkerExit {
        var connection = try connectWithRetry(registering: true)
        let heartbeat = Heartbeat(configuration: configuration, logger: logger) { [weak self] in self?.taskInHand }
        heartbeat.start()
        defer {
            heartbeat.stop()
            markStopped()
        }
        while !shouldStop {
            do {
                guard let task = try TaskQueue.claim(on: connection, workerID: configuration.workerID,
                                                     sweepID: configuration.sweepID, leaseSeconds: configuration.leaseSeconds)
                else {
                    if configuration.exitWhenIdle,
                       try !TaskQueue.openTaskExists(on: connection, sweepID: configuration.sweepID) {
                        logger.info("no work left; exiting")
                        return .idle
                    }
                    _ = try connection.waitForNotification(timeout: configuration.idlePollSeconds)
                    continue
                }
                if try TaskQueue.abandonIfExhausted(task, on: connection, workerID: configuration.workerID) {
                    logger.warning("task failed for good after too many attempts", metadata: taskMetadata(task))
                    continue
                }
                try process(task, connection: &connection)
            } catch let error as PostgresError where error.isConnectionProblem {
                logger.warning("database connection lost; reconnecting", metadata: ["error": "\(error.message)"])
                connection = try connectWithRetry(registering: false)
            }
        }
        logger.info("stopped on request")
        return .stopped
    }

    /// Computes a task and stores its results, retrying the write across reconnections.
    private func process(_ task: ClaimedTask, connection: inout PostgresConnection) throws {
        stopLock.withLock { currentTask = task }
        defer { stopLock.withLock { currentTask = nil } }
        logger.debug("claimed task", metadata: taskMetadata(task))
        let computed: ComputedTask
        do {
            let (sweep, plan) = try planFor(task.sweepID, connection: connection)
            computed = try TaskComputation.compute(task: task, sweep: sweep, plan: plan,
                                                   threads: configuration.concurrency, workerID: configuration.workerID)
        } catch let error as PostgresError where error.isConnectionProblem {
            throw error
        } catch {
            logger.error("task failed", metadata: taskMetadata(task).merging(["error": "\(error)"]) { $1 })
            try TaskQueue.fail(task, error: String(describing: error), on: connection, workerID: configuration.workerID)
            return
        }
        var backoff = Backoff()
        while true {
            do {
                let stored = try TaskQueue.complete(task, results: computed, on: connection, workerID: configuration.workerID)
                if stored {
                    logger.debug("completed task", metadata: taskMetadata(task))
                } else {
                    logger.warning("lease lost before completion; another worker redoes the task", metadata: taskMetadata(task))
                }
                return
            } catch let error as PostgresError where error.isConnectionProblem {
                logger.warning("connection lost while storing a task; retrying", metadata: taskMetadata(task))
                Thread.sleep(forTimeInterval: backoff.next())
                connection = try connectWithRetry(registering: false)
            } catch {
                // The server refused the rows (a bug or a changed schema): count it as an attempt.
                logger.error("storing task failed", metadata: taskMetadata(task).merging(["error": "\(error)"]) { $1 })
                try TaskQueue.fail(task, error: String(describing: error), on: connection, workerID: configuration.workerID)
                return
            }
        }
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
                    try connection.query("SELECT nepsim.register_worker($1, $2, $3, $4, $5)",
                                         [configuration.workerID, ProcessInfo.processInfo.hostName, String(getpid()),
                                          String(configuration.concurrency), configuration.codeVersion])
                    logger.info("worker started", metadata: ["worker": "\(configuration.workerID)",
                                                             "database": "\(connection.maskedURL)",
                                                             "concurrency": "\(configuration.concurrency)"])
                }
                try connection.listen(Coordinator.tasksChannel)
                // A task's rows and its completion commit together, so a commit lost in a server
                // crash only sends the task back to be redone: no need to wait for the disk.
                try connection.query("SET synchronous_commit = off")
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
            _ = try? connection.query("SELECT nepsim.stop_worker($1)", [configuration.workerID])
        }
    }

    /// Gives back the task in hand (used when a second signal asks for an immediate stop).
    public func releaseTaskInHand() {
        guard let task = taskInHand,
              let connection = try? PostgresConnection(url: configuration.databaseURL, applicationName: "nepsim worker")
        else { return }
        try? TaskQueue.release(task, on: connection, workerID: configuration.workerID)
        logger.info("released task", metadata: taskMetadata(task))
    }

    func taskMetadata(_ task: ClaimedTask) -> Logger.Metadata {
        ["sweep": "\(task.sweepID)", "task": "\(task.taskID)", "runs": "\(task.runCount)", "attempt": "\(task.attempts)"]
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

/// On its own thread and connection: renews the lease of the task in hand and the worker's
/// heartbeat while it computes.
final class Heartbeat: @unchecked Sendable {
    private let configuration: WorkerConfiguration
    private let logger: Logger
    private let taskInHand: @Sendable () -> ClaimedTask?
    private let condition = NSCondition()
    private var stopped = false
    private var thread: Thread?

    init(configuration: WorkerConfiguration, logger: Logger, taskInHand: @escaping @Sendable () -> ClaimedTask?) {
        self.configuration = configuration
        self.logger = logger
        self.taskInHand = taskInHand
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
                try TaskQueue.renewLease(of: taskInHand(), on: connection!, workerID: configuration.workerID,
                                         leaseSeconds: configuration.leaseSeconds)
            } catch {
                connection = nil
                logger.warning("heartbeat failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }
}
