import ArgumentParser
import Dispatch
import Foundation
import Logging
import PostgresStore
import SweepStore
import Sweeps

/// `nepsim worker`: claims tasks from the database and computes them, on any host.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Claim tasks from the database, simulate their runs and store the results.",
        discussion: """
            Run any number of workers on any hosts that can reach the database. Each claims a task \
            (a range of runs) under a lease, simulates it on --concurrency threads, and stores every \
            run's rows with binary COPY in the same transaction that completes the task. A worker \
            killed mid-task loses nothing: its lease expires and another worker redoes the task.

            SIGINT or SIGTERM: finish the task in hand, then exit. A second signal gives the task \
            back at once and exits. A lost database connection is retried with backoff.

            Example: NEPSIM_DATABASE_URL=postgresql://nepsim@db.example:5432/nepsim nepsim worker --concurrency 8
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(parsing: .unconditional, help: "Threads simulating runs (default: all cores).")
    var concurrency: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Only work on this sweep (id or name).")
    var sweep: String?

    @Flag(help: "Exit once no task is pending or running, instead of waiting for new sweeps.")
    var exitWhenIdle = false

    @Option(parsing: .unconditional, help: "Seconds a claim lasts without a heartbeat before another worker may take the task.")
    var leaseSeconds: Double = 60

    @Option(parsing: .unconditional, help: "Seconds between heartbeats (lease renewals).")
    var heartbeatSeconds: Double = 10

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Claim up to this many consecutive tasks at once and store them as one.",
        discussion: "For sweeps cut into tiny tasks, where a task's claim and completion cost more than its runs: "
            + "one claim, one COPY and one completion for the lot. A task being retried is claimed alone."))
    var claimBatch: Int = 1

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Connections storing computed tasks at once (default: one for every four threads, at least one).",
        discussion: "Each stores one task at a time in its own server process, about 100,000 runs a second without "
            + "series and 20,000 with them; the worker holds a claim for each, and one more for the task it is "
            + "simulating. Add writers when the worker simulates faster than they store and the database has "
            + "cores (and connections) to spare.",
        valueName: "n"))
    var writers: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Run the simulating threads this much below normal CPU priority, as nice(1) counts (0-19).",
        discussion: "For a worker sharing its machine with the database it stores into: each task's rows are "
            + "stored by one server process, and when the simulating threads take the cores from it, the sweep "
            + "waits on it. `sweep launch --local-workers` starts its workers with 10."))
    var nice: Int32 = 0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        try NumberRange.require(concurrency, in: 1...1024, "--concurrency")
        try NumberRange.require(claimBatch, in: 1...1000, "--claim-batch")
        if let writers { try NumberRange.require(writers, in: 1...64, "--writers") }
        try NumberRange.require(Int(nice), in: 0...19, "--nice")
        try NumberRange.require(leaseSeconds, in: 1...86_400, "--lease-seconds")
        try NumberRange.require(heartbeatSeconds, in: 0.01...max(0.01, leaseSeconds / 2), "--heartbeat-seconds",
                                "at most half of --lease-seconds, so a heartbeat can fail once without losing the lease")
    }

    func run() throws {
        let logger = CommandLogging.logger("nepsim.worker", level: logLevel)
        let url = try database.resolveURL()
        var configuration = WorkerConfiguration(
            databaseURL: url, concurrency: concurrency, exitWhenIdle: exitWhenIdle,
            leaseSeconds: leaseSeconds, heartbeatSeconds: heartbeatSeconds,
            codeVersion: "nepsim \(NepsimVersion.current)", claimBatch: claimBatch)
        configuration.simulationNiceness = nice
        configuration.writers = writers ?? max(1, concurrency / 4)
        if let sweep {
            // Through the worker's own connection, which waits out a server that is restarting.
            do {
                configuration.sweepID = try Worker(configuration: configuration, logger: logger).resolveSweep(sweep)
            } catch let error as SweepError {
                throw CommandFailure("\(error)")
            }
        }
        let worker = Worker(configuration: configuration, logger: logger)
        let signals = SignalHandling.install { _, count in
            if count == 1 {
                logger.notice("stopping after the task in hand (signal again to give it back now)")
                worker.requestStop()
            } else {
                worker.releaseTasksInHand()
                logger.notice("stopped")
                Foundation.exit(130)
            }
        }
        defer { _ = signals }
        do {
            _ = try worker.run()
        } catch let error as SchemaMismatch {
            throw CommandFailure(error.description)
        } catch let error as PostgresError {
            throw CommandFailure(error.description)
        }
    }
}

/// SIGINT and SIGTERM, counted, delivered on a dispatch queue instead of killing the process:
/// the handler gets the signal and how many have come so far.
enum SignalHandling {
    static func install(_ handler: @escaping @Sendable (_ signal: Int32, _ count: Int) -> Void) -> [DispatchSourceSignal] {
        nonisolated(unsafe) var count = 0
        let queue = DispatchQueue(label: "nepsim.signals")
        return [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                count += 1
                handler(number, count)
            }
            source.resume()
            waitUntilHandled(number)
            return source
        }
    }

    /// libdispatch takes a signal over (its own sigaction handler) on its manager thread, some
    /// time after `resume()` returns; until then the signal is ignored (SIG_IGN above), and a
    /// signal sent then is lost. (A report ran on after its SIGINT, its query waiting, one time in
    /// five in the interruption tests on a busy machine; this window is the cause that fits what
    /// the stuck process showed.) So the command starts its work only once the handler is in
    /// place (at most 2 s: after that, on with the old behaviour).
    private static func waitUntilHandled(_ number: Int32) {
        let ignored = unsafeBitCast(SIG_IGN, to: Int.self)
        for _ in 0..<400 {
            var current = sigaction()
            guard sigaction(number, nil, &current) == 0 else { return }
            if unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) != ignored { return }
            usleep(5_000)
        }
    }
}
