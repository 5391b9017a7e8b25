import Experiments
import Foundation
import PostgresStore
import SimulationCore
import SweepStore

// MARK: - Coordinator

/// Creates sweeps, cuts them into tasks, and reads and steers their progress.
public enum Coordinator {
    /// The channel workers LISTEN on; a launch or retry NOTIFYs it so idle workers wake at once.
    public static let tasksChannel = "nepsim_tasks"

    /// Stores the sweep and its tasks in one transaction and wakes the workers. Nothing is stored
    /// if anything fails.
    public static func launch(_ request: SweepRequest, on connection: PostgresConnection, codeVersion: String) throws -> StoredSweep {
        try request.validate()
        let text = request.scenario.flattenedText
        let name = request.name ?? "\(request.scenario.name)-\(timestampName())"
        try Coordinator.checkName(name)
        return try connection.transaction {
            if try !connection.query("SELECT 1 FROM nepsim.sweeps WHERE name = \(bind: name)").isEmpty {
                throw SweepError.nameTaken(name)
            }
            let inserted = try connection.query("""
                INSERT INTO nepsim.sweeps (name, scenario_name, scenario_title, scenario_text, scenario_sha256, design,
                    seed, points, replications, runs_total, weather, series, task_size, max_attempts,
                    uncertain_parameters, code_version, generator, design_levels)
                VALUES (\(bind: name), \(bind: request.scenario.name), \(bind: request.scenario.title), \(bind: text),
                    encode(sha256(convert_to(\(bind: text), 'UTF8')), 'hex'), \(bind: request.design.rawValue),
                    \(bind: request.seed), \(bind: request.points), \(bind: request.replications), \(bind: request.runsTotal),
                    \(bind: request.weather.rawValue), \(bind: request.storeSeries ? "all" : "none"), \(bind: request.taskSize),
                    \(bind: request.maxAttempts), \(bind: request.scenario.uncertain.map(\.name))::text[], \(bind: codeVersion),
                    \(bind: Philox4x32.generatorName),
                    \(bind: request.design == .morris ? request.levels ?? MorrisDesign.defaultLevels : nil)::integer)
                RETURNING sweep_id
                """)
            let sweepID = try inserted.value(0, "sweep_id", as: Int64.self)
            let id = String(sweepID)
            try TaskQueue.cutTasks(sweepID: sweepID, fromRun: 0, toRun: request.runsTotal, taskSize: request.taskSize, on: connection)
            try connection.notify(tasksChannel, payload: id)
            return try StoredSweep.load(id, from: connection)
        }
    }

    /// Progress of one sweep. Runs done are the rows stored, counted (what a report will see), or
    /// with `countingRows: false` (a progress bar polling twice a second) the runs of done tasks.
    public static func status(_ reference: String, on connection: PostgresConnection, countingRows: Bool = true) throws -> SweepStatus {
        let sweep = try StoredSweep.load(reference, from: connection)
        let runsDone = countingRows
            ? "(SELECT count(*) FROM nepsim.runs r WHERE r.sweep_id = s.sweep_id)"
            : "coalesce(sum(t.run_count) FILTER (WHERE t.state = 'done'), 0)"
        let result = try connection.query("""
            SELECT s.sweep_id, s.name, s.scenario_name, s.state, s.runs_total, s.design, s.seed, s.series,
                   s.created_at::text AS created_at, s.finished_at::text AS finished_at,
                   extract(epoch FROM coalesce(s.finished_at, now()) - s.created_at)::float8 AS elapsed,
                   count(t.task_id) AS tasks,
                   count(t.task_id) FILTER (WHERE t.state = 'pending') AS pending,
                   count(t.task_id) FILTER (WHERE t.state = 'running') AS running,
                   count(t.task_id) FILTER (WHERE t.state = 'done') AS done,
                   count(t.task_id) FILTER (WHERE t.state = 'failed') AS failed,
                   \(raw: runsDone) AS runs_done,
                   (SELECT count(*) FROM nepsim.workers w WHERE w.state = 'running'
                        AND w.last_heartbeat > now() - interval '30 seconds') AS live_workers,
                   (SELECT string_agg(DISTINCT t2.last_error, ' | ') FROM nepsim.tasks t2
                        WHERE t2.sweep_id = s.sweep_id AND t2.state = 'failed') AS errors
            FROM nepsim.sweeps s LEFT JOIN nepsim.tasks t ON t.sweep_id = s.sweep_id
            WHERE s.sweep_id = \(bind: sweep.id)
            GROUP BY s.sweep_id
            """)
        return try SweepStatus(result, row: 0)
    }

    /// Every sweep, newest first.
    public static func list(on connection: PostgresConnection, limit: Int = 50) throws -> [SweepStatus] {
        let ids = try connection.query("SELECT sweep_id FROM nepsim.sweeps ORDER BY sweep_id DESC LIMIT \(bind: limit)")
        return try ids.column("sweep_id", as: Int64.self).map { try status(String($0), on: connection) }
    }

    /// Stops a sweep: open tasks are cancelled; workers finishing a task already claimed find
    /// their lease gone and discard it.
    public static func cancel(_ reference: String, on connection: PostgresConnection) throws -> SweepStatus {
        let sweep = try StoredSweep.load(reference, from: connection)
        try connection.transaction {
            try connection.query("""
                UPDATE nepsim.tasks SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL
                WHERE sweep_id = \(bind: sweep.id) AND state IN ('pending', 'running')
                """)
            try connection.query("""
                UPDATE nepsim.sweeps SET state = 'cancelled', finished_at = now()
                WHERE sweep_id = \(bind: sweep.id) AND state = 'running'
                """)
        }
        return try status(String(sweep.id), on: connection)
    }

    /// Puts failed (and cancelled) tasks back to pending with fresh attempts and reopens the sweep.
    public static func retry(_ reference: String, on connection: PostgresConnection) throws -> (requeued: Int, status: SweepStatus) {
        let sweep = try StoredSweep.load(reference, from: connection)
        let requeued = try connection.transaction {
            let updated = try connection.query("""
                UPDATE nepsim.tasks SET state = 'pending', attempts = 0, lease_owner = NULL, lease_expires_at = NULL
                WHERE sweep_id = \(bind: sweep.id) AND state IN ('failed', 'cancelled')
                """)
            if updated.affectedRows > 0 {
                try connection.query("UPDATE nepsim.sweeps SET state = 'running', finished_at = NULL WHERE sweep_id = \(bind: sweep.id)")
                try connection.notify(tasksChannel, payload: String(sweep.id))
            }
            return updated.affectedRows
        }
        return (requeued, try status(String(sweep.id), on: connection))
    }

    /// An order-independent checksum of a sweep's results: the same seed must give the same
    /// checksum whatever the number of workers, hosts or retries.
    public static func checksum(_ reference: String, on connection: PostgresConnection) throws -> String {
        let sweep = try StoredSweep.load(reference, from: connection)
        // Every stored column but the worker's id, which differs from one run of a sweep to the next.
        let checksumColumns = ResultsLayout.runColumns.map(\.name).filter { $0 != "worker_id" }.map { "r." + $0 }
            .joined(separator: ", ")
        let result = try connection.query("""
            SELECT count(*) AS runs,
                   md5(string_agg(md5(row(r.point, r.replication, \(raw: checksumColumns))::text), ''
                        ORDER BY r.point, r.replication)) AS digest
            FROM nepsim.runs r WHERE r.sweep_id = \(bind: sweep.id)
            """)
        // A sweep with no rows yet has no digest (NULL): "0:".
        return "\(try result.value(0, "runs", as: Int.self)):\(try result.optional(0, "digest", as: String.self) ?? "")"
    }

    /// Sweeps are named by id or name on the command line, so a name must not look like an id,
    /// and must be printable.
    public static func checkName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 200 else {
            throw SweepError.invalidRequest("a sweep name has 1 to 200 characters (got \(name.count))")
        }
        guard !name.allSatisfy(\.isASCIIDigit) else {
            throw SweepError.invalidRequest("the sweep name '\(name)' is all digits and would be read as a sweep id; add a letter")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw SweepError.invalidRequest("a sweep name may not contain control characters")
        }
    }

    static func timestampName() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date()) + "-" + String(UInt32.random(in: 0...0xFFFF), radix: 16)
    }
}

// MARK: - SweepStatus

/// Where a sweep stands.
public struct SweepStatus: Sendable {
    public let id: Int64
    public let name: String
    public let scenario: String
    public let state: SweepState
    public let design: String
    public let seed: String
    public let series: String
    public let createdAt: String
    public let finishedAt: String?
    public let elapsedSeconds: Double
    public let runsTotal: Int
    public let runsDone: Int
    public let tasksTotal: Int
    public let tasksPending: Int
    public let tasksRunning: Int
    public let tasksDone: Int
    public let tasksFailed: Int
    public let liveWorkers: Int
    public let errors: String?

    init(_ r: QueryResult, row: Int) throws(PostgresError) {
        id = try r.value(row, "sweep_id")
        name = try r.value(row, "name")
        scenario = try r.value(row, "scenario_name")
        state = try r.value(row, "state")
        design = try r.value(row, "design")
        seed = try r.value(row, "seed")
        series = try r.value(row, "series")
        createdAt = try r.value(row, "created_at")
        finishedAt = try r.optional(row, "finished_at")
        elapsedSeconds = try r.value(row, "elapsed")
        runsTotal = try r.value(row, "runs_total")
        runsDone = try r.value(row, "runs_done")
        tasksTotal = try r.value(row, "tasks")
        tasksPending = try r.value(row, "pending")
        tasksRunning = try r.value(row, "running")
        tasksDone = try r.value(row, "done")
        tasksFailed = try r.value(row, "failed")
        liveWorkers = try r.value(row, "live_workers")
        errors = try r.optional(row, "errors")
    }

    public var isFinished: Bool { state != .running }
    public var fractionDone: Double { runsTotal > 0 ? Double(runsDone) / Double(runsTotal) : 0 }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
