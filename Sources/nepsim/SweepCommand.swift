import Analysis
import ArgumentParser
import Experiments
import Foundation
import PostgresStore
import SimulationCore
import SweepStore
import Sweeps

extension DatabaseOptions {
    /// Connects and checks that the database's schema is this build's.
    func connectCurrent() throws -> PostgresConnection {
        let connection = try connect()
        try SweepCommand.requireSchema(connection)
        return connection
    }
}

/// `nepsim sweep ...`: launch sweeps into the database and follow them.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Launch sweeps into PostgreSQL and follow, cancel or retry them.",
        subcommands: [Launch.self, Status.self, List.self, Cancel.self, Retry.self, Checksum.self])

    /// Creates the schema in a new database; refuses an older or newer one with what to do.
    static func requireSchema(_ connection: PostgresConnection, createIfAbsent: Bool = false) throws {
        let status = try SchemaMigrator.status(connection)
        if status == .absent && createIfAbsent {
            FileHandle.standardError.write(Data("creating the nepsim schema in \(connection.maskedURL)\n".utf8))
            try SchemaMigrator.migrate(connection)
            return
        }
        try SchemaMigrator.requireCurrent(connection)
    }

    /// Runs a database action. Its errors reach ArgumentParser as they are (each is a typed value
    /// whose description is the message, which ArgumentParser prints after "Error:"); only a query
    /// the statement timeout stopped is explained, with the option that sets the limit.
    static func guarded<T>(_ timeout: StatementTimeoutOption? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError {
            guard let explained = timeout?.explain(error) else { throw error }
            throw CommandFailure(explained)
        }
    }

    // MARK: launch

    struct Launch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a sweep and its tasks; optionally start local workers and wait.",
            discussion: """
                Validates the scenario (nothing is stored if it is invalid), stores its full text and \
                hash with the design, seed and code version, cuts the runs into tasks and wakes \
                listening workers. Runs = design points x replications.

                Example: nepsim sweep launch scenarios/shot-in-the-kremlin.toml --runs 10000 --local-workers 2 --wait

                For sensitivity indices (`nepsim sensitivity`): --design saltelli --base N gives N x (k + 2) \
                design points for the scenario's k uncertain parameters; --design morris --trajectories R \
                gives R x (k + 1).
                """)

        @OptionGroup var options: SimulationOptions

        @Option(parsing: .unconditional, help: "Total runs (design points x replications).")
        var runs: Int?

        @Option(parsing: .unconditional,
                help: "With --design saltelli instead of --runs: base rows N; runs = N x (k + 2) x replications for k uncertain parameters.")
        var base: Int?

        @Option(parsing: .unconditional,
                help: "With --design morris instead of --runs: trajectories R; runs = R x (k + 1) x replications.")
        var trajectories: Int?

        @Option(help: "With --design morris: the grid's levels (even; default 4).")
        var levels: Int?

        /// The runs asked for: --runs, or --base rows of a Saltelli design, or --trajectories of a
        /// Morris design; a Saltelli or Morris design's runs must fill whole rows or trajectories.
        func totalRuns() throws -> Int {
            let unit = options.design == .morris ? "trajectories" : "base"
            let wanted = options.design == .morris ? trajectories : base
            if options.design != .morris, trajectories != nil { throw ValidationError("--trajectories goes with --design morris.") }
            if options.design == .morris, base != nil { throw ValidationError("--base goes with --design saltelli; use --trajectories.") }
            switch (runs, wanted) {
            case (let runs?, nil):
                if options.design == .saltelli || options.design == .morris {
                    let blocks = try blockRuns()
                    guard runs % blocks == 0 else {
                        throw ValidationError("--design \(options.design.rawValue) needs --runs to be a multiple of "
                            + "(k + \(options.design == .morris ? 1 : 2)) x replications = \(blocks) "
                            + "(k = the scenario's uncertain parameters); or give --\(unit) instead of --runs.")
                    }
                }
                return runs
            case (nil, let base?):
                guard options.design == .saltelli || options.design == .morris else {
                    throw ValidationError("--base goes with --design saltelli, --trajectories with --design morris; give --runs instead.")
                }
                try NumberRange.require(base, in: 2...Launch.maxRuns, "--\(unit)")
                let (total, overflow) = base.multipliedReportingOverflow(by: try blockRuns())
                guard !overflow else { throw ValidationError("--base \(base) makes too many runs.") }
                return total
            case (nil, nil):
                throw ValidationError("Give --runs (or --base N with --design saltelli, --trajectories R with --design morris).")
            case (.some, .some):
                throw ValidationError("Give --runs or --\(unit), not both.")
            }
        }

        /// Runs in one Saltelli base row ((k + 2) blocks) or Morris trajectory (k + 1 points), x replications.
        private func blockRuns() throws -> Int {
            (try options.loadScenario().uncertain.count + (options.design == .morris ? 1 : 2)) * max(1, replications)
        }

        @Option(parsing: .unconditional, help: "Replications per design point (runs must be a multiple of it).")
        var replications: Int = 1

        @Option(help: "A unique name for the sweep (default: scenario name and time).")
        var name: String?

        @Option(parsing: .unconditional, help: "Runs per task.")
        var taskSize: Int = 1000

        @Option(help: "Store yearly series for every run: 'all' or 'none'.")
        var series: SeriesChoice = .none

        @Option(parsing: .unconditional, help: "Attempts before a task is marked failed (a poison task).")
        var maxAttempts: Int = 3

        @Option(parsing: .unconditional, help: "Start this many worker processes on this machine (they exit when the sweep is done).")
        var localWorkers: Int = 0

        @Option(parsing: .unconditional, help: "With --local-workers: each claims up to this many consecutive tasks at once (see `nepsim worker --claim-batch`).")
        var claimBatch: Int = 1

        @Flag(help: "Show progress until the sweep is finished, then a summary.")
        var wait = false

        @Option(help: ArgumentHelp(
            "Keep adding runs in batches until every headline event's 95% interval is narrower than this (implies --wait; mc design).",
            valueName: "width"))
        var untilCi: Double?

        @Option(parsing: .unconditional, help: "With --until-ci: stop adding runs at this many.")
        var maxRuns: Int?

        @OptionGroup var database: DatabaseOptions

        @OptionGroup var timeout: StatementTimeoutOption

        /// Bounds that keep a slip of the keyboard from filling the database: a billion runs in at
        /// most a million tasks of at most a million runs.
        static let maxRuns = 1_000_000_000
        static let maxTaskSize = 1_000_000
        static let maxTasks = 1_000_000

        func validate() throws {
            let runs = try totalRuns()
            try NumberRange.require(runs, in: 1...Launch.maxRuns, "--runs")
            if let name {
                do { try Coordinator.checkName(name) } catch let error as SweepError { throw ValidationError("--name: \(error.description)") }
            }
            try NumberRange.require(replications, in: 1...runs, "--replications")
            guard runs % replications == 0 else {
                throw ValidationError("--runs (\(runs)) must be a multiple of --replications (\(replications)).")
            }
            try NumberRange.require(taskSize, in: 1...Launch.maxTaskSize, "--task-size")
            let tasks = (runs + taskSize - 1) / taskSize
            guard tasks <= Launch.maxTasks else {
                throw ValidationError("--runs \(runs.formatted()) in tasks of \(taskSize.formatted()) makes \(tasks.formatted()) tasks; "
                    + "at most \(Launch.maxTasks.formatted()) are allowed: raise --task-size to at least \(((runs + Launch.maxTasks - 1) / Launch.maxTasks).formatted()).")
            }
            try NumberRange.require(maxAttempts, in: 1...100, "--max-attempts")
            try NumberRange.require(localWorkers, in: 0...256, "--local-workers")
            try NumberRange.require(claimBatch, in: 1...1000, "--claim-batch")
            if claimBatch > 1 && localWorkers == 0 {
                throw ValidationError("--claim-batch applies to the workers --local-workers starts; "
                    + "give it to `nepsim worker --claim-batch \(claimBatch)` for workers started elsewhere.")
            }
            guard options.seed <= UInt64(Int64.max) else { throw ValidationError("--seed must be below 2^63.") }
            if let untilCi {
                try NumberRange.require(untilCi, in: 1e-6...0.999_999, "--until-ci", "an interval width")
                guard options.design == .monteCarlo else {
                    throw ValidationError("--until-ci needs --design mc: a \(options.design.rawValue) design's size is fixed.")
                }
                if let maxRuns { try NumberRange.require(maxRuns, in: runs...Launch.maxRuns, "--max-runs", "at least --runs") }
            } else if maxRuns != nil {
                throw ValidationError("--max-runs goes with --until-ci.")
            }
        }

        func run() throws {
            let runs = try totalRuns()
            let loaded = try options.loadScenario()
            let connection = try database.connect()
            try SweepCommand.requireSchema(connection, createIfAbsent: true)
            let request = SweepRequest(scenario: loaded, name: name, points: runs / replications, replications: replications,
                                       design: options.design, seed: options.seed, weather: options.weather, storeSeries: series == .all,
                                       taskSize: taskSize, maxAttempts: maxAttempts, levels: levels)
            let sweep = try SweepCommand.guarded {
                try Coordinator.launch(request, on: connection, codeVersion: "nepsim \(NepsimVersion.current)")
            }
            let tasks = (sweep.runsTotal + taskSize - 1) / taskSize
            print("sweep \(sweep.id) '\(sweep.name)': \(sweep.runsTotal) runs of \(loaded.name) in \(tasks) tasks, seed \(options.seed), design \(options.design.rawValue), series \(series.rawValue)")
            fflush(nil)  // the launch line before the progress on stderr
            let url = try database.resolveURL()
            if let untilCi {
                return try runUntilPrecise(sweep, width: untilCi, firstRuns: runs, connection: connection, url: url)
            }
            let children = try LocalWorkers.start(count: localWorkers, databaseURL: url, sweepID: sweep.id, claimBatch: claimBatch)
            if !wait {
                print("follow it:     nepsim sweep status \(sweep.id)")
                if localWorkers == 0 { print("start workers: nepsim worker --database '\(DatabaseURL.masked(url))'") }
                return
            }
            try timeout.apply(to: connection)
            let interruption = Launch.interruptWaiting(connection, sweepID: sweep.id)
            defer { withExtendedLifetime(interruption) {} }
            interruption.onInterrupt(children.stopper)
            let session = FollowSession(connection: connection, url: url, timeout: timeout, interruption: interruption)
            session.onGiveUp = children.stopper
            _ = try ProgressDisplay.follow(sweepID: sweep.id, session: session, children: children)
            children.waitForExit()
            // Read again once the local workers have exited, so the summary counts them out. The
            // runs are those of done tasks (each task's rows commit with its completion, which
            // checks they are all there); the headlines below count the stored rows themselves, so
            // a million rows are not counted twice (0.3-3 s each).
            let final = try SweepCommand.guarded(timeout) {
                try session.run { try Coordinator.status(String(sweep.id), on: $0, countingRows: false) }
            }
            print(ProgressDisplay.summary(final))
            print(try SweepCommand.guarded(timeout) { try session.run { try SweepSummary.headline(sweepID: sweep.id, connection: $0) } })
            // A sweep that did not finish (failed, cancelled, or left with work and no workers) is
            // not a success, whatever the numbers above.
            guard final.state == .done else {
                throw CommandFailure("sweep \(sweep.id) is \(final.state), not done: \(final.runsDone.formatted()) of "
                    + "\(final.runsTotal.formatted()) runs stored")
            }
        }

        /// Ctrl-C or SIGTERM while waiting: the query in progress is cancelled on the server, the
        /// local workers are asked to stop after their task in hand, and the command exits.
        static func interruptWaiting(_ connection: PostgresConnection, sweepID: Int64) -> QueryInterruption {
            QueryInterruption(cancelling: connection, message: "nepsim: stopped waiting on {signal} (the query on the server "
                + "was cancelled, local workers asked to stop); the sweep goes on with any workers still running "
                + "(`nepsim sweep status \(sweepID)`)")
        }

        /// Batches until the widest headline interval is below `width` or the cap is reached.
        func runUntilPrecise(_ first: StoredSweep, width: Double, firstRuns runs: Int, connection: PostgresConnection, url: String) throws {
            let cap = maxRuns ?? max(runs, 1_000_000)
            var sweep = first
            try timeout.apply(to: connection)
            let interruption = Launch.interruptWaiting(connection, sweepID: first.id)
            defer { withExtendedLifetime(interruption) {} }
            let session = FollowSession(connection: connection, url: url, timeout: timeout, interruption: interruption)
            while true {
                let children = try LocalWorkers.start(count: localWorkers, databaseURL: url, sweepID: sweep.id, claimBatch: claimBatch)
                interruption.onInterrupt(children.stopper)
                session.onGiveUp = children.stopper
                let status = try ProgressDisplay.follow(sweepID: sweep.id, session: session, children: children)
                children.waitForExit()
                guard status.state == .done else {
                    print(ProgressDisplay.summary(status))
                    throw CommandFailure("the sweep stopped (\(status.state)) before the intervals were narrow enough")
                }
                guard let widest = try SweepCommand.guarded(timeout, { try session.run { try AdaptivePrecision.widestInterval(sweepID: sweep.id, on: $0) } })
                else { throw CommandFailure("no runs stored") }
                let line = String(format: "after %d runs the widest headline interval is %.4f (%@)", sweep.runsTotal, widest.width, widest.event)
                if widest.width < width {
                    print(line + String(format: ": below %.4f, precision reached", width))
                    break
                }
                let batch = AdaptivePrecision.nextBatch(currentRuns: sweep.runsTotal, widest: widest.width, target: width,
                                                        minimumBatch: max(runs / 2, replications), cap: cap)
                let points = batch / replications
                if points == 0 {
                    print(line + String(format: ": not below %.4f, but the cap of %d runs is reached", width, cap))
                    break
                }
                print(line + ": adding \(points * replications) runs")
                fflush(nil)
                // Not retried on a lost connection: whether the extension committed is unknown then.
                sweep = try SweepCommand.guarded {
                    try AdaptivePrecision.extend(sweepID: sweep.id, additionalPoints: points, on: session.connection)
                }
            }
            let final = try SweepCommand.guarded { try session.run { try Coordinator.status(String(sweep.id), on: $0) } }
            print(ProgressDisplay.summary(final))
            print(try session.run { try SweepSummary.headline(sweepID: sweep.id, connection: $0) })
        }
    }

    enum SeriesChoice: String, ExpressibleByArgument, CaseIterable { case all, none }

    // MARK: status, list

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a sweep's progress (the newest sweep if no id is given).")

        @Argument(help: "Sweep id or name.")
        var sweep: String?

        @OptionGroup var database: DatabaseOptions

        @OptionGroup var timeout: StatementTimeoutOption

        func run() throws {
            let connection = try database.connectCurrent()
            try timeout.apply(to: connection)
            let interruption = QueryInterruption(cancelling: connection)
            defer { withExtendedLifetime(interruption) {} }
            let reference = try sweep ?? SweepCommand.guarded(timeout) {
                guard let newest = try Coordinator.list(on: connection, limit: 1).first else {
                    throw SweepError.invalidRequest("there are no sweeps yet; launch one with `nepsim sweep launch`")
                }
                return String(newest.id)
            }
            let status = try SweepCommand.guarded(timeout) { try Coordinator.status(reference, on: connection) }
            print(ProgressDisplay.summary(status))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sweeps, newest first.")

        @Option(parsing: .unconditional, help: "How many.")
        var limit: Int = 50

        func validate() throws { try NumberRange.require(limit, in: 1...100_000, "--limit") }

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let connection = try database.connectCurrent()
            let sweeps = try SweepCommand.guarded { try Coordinator.list(on: connection, limit: limit) }
            if sweeps.isEmpty { return print("no sweeps yet") }
            let header: [String] = [pad("id", 6), pad("name", 40, right: false), pad("state", 10, right: false),
                                    pad("runs done", 22), pad("failed tasks", 14), "  created"]
            print(header.joined(separator: " "))
            for s in sweeps {
                let cells: [String] = [pad(String(s.id), 6), pad(String(s.name.prefix(39)), 40, right: false),
                                       pad(s.state.rawValue, 10, right: false), pad("\(s.runsDone)/\(s.runsTotal)", 22),
                                       pad(String(s.tasksFailed), 14), "  " + String(s.createdAt.prefix(19))]
                print(cells.joined(separator: " "))
            }
        }
    }

    // MARK: cancel, retry, checksum

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a sweep: its open tasks are dropped.")

        @Argument(help: "Sweep id or name.")
        var sweep: String

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let connection = try database.connectCurrent()
            let status = try SweepCommand.guarded { try Coordinator.cancel(sweep, on: connection) }
            print(ProgressDisplay.summary(status))
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a sweep's failed and cancelled tasks back to pending.")

        @Argument(help: "Sweep id or name.")
        var sweep: String

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let connection = try database.connectCurrent()
            let (requeued, status) = try SweepCommand.guarded { try Coordinator.retry(sweep, on: connection) }
            print("\(requeued) tasks back to pending")
            print(ProgressDisplay.summary(status))
        }
    }

    struct Checksum: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an order-independent checksum of a sweep's results (runs:md5).",
            discussion: "Two sweeps of the same scenario, seed and design print the same checksum whatever the number of workers, hosts or retries.")

        @Argument(help: "Sweep id or name.")
        var sweep: String

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let connection = try database.connectCurrent()
            let status = try SweepCommand.guarded { try Coordinator.status(sweep, on: connection) }
            guard status.runsDone > 0 else {
                throw CommandFailure("sweep \(status.id) has no stored runs: nothing to checksum")
            }
            print(try SweepCommand.guarded { try Coordinator.checksum(sweep, on: connection) })
            // A checksum compares finished sweeps: say so, and fail, when this one is not.
            guard status.state == .done else {
                throw CommandFailure("sweep \(status.id) is \(status.state): the checksum covers \(status.runsDone.formatted()) of "
                    + "\(status.runsTotal.formatted()) runs, not a finished sweep")
            }
        }
    }
}
