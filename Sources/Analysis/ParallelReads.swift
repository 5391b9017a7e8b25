import Dispatch
import Foundation
import PostgresStore

// MARK: - ParallelReads

/// More connections for reading a large selection's runs, each COPYing a range of design points
/// at once. A COPY is not run in parallel by the server, and writing a million runs' 55 columns
/// out (a send function a value) took one server process about 6 s, six times the scan itself:
/// two to four sessions share that work, all in the report's snapshot, so they read exactly the
/// rows the report's own session sees.
public struct ParallelReads {
    /// At most this many sessions read (the report's own included).
    public var maxConnections: Int
    /// A selection gets a session for each this many runs of its sweep, up to `maxConnections`.
    public var runsPerConnection: Int
    /// Opens another session to the same database (its statement timeout and cancellation set up
    /// by the caller).
    public var open: () throws -> PostgresConnection

    /// A session for each this many runs, by default: below it the sessions' start costs more
    /// than they share.
    public static let runsPerSession = 200_000

    public init(maxConnections: Int, runsPerConnection: Int = runsPerSession, open: @escaping () throws -> PostgresConnection) {
        self.maxConnections = maxConnections
        self.runsPerConnection = runsPerConnection
        self.open = open
    }

    /// Sessions for a sweep of `runs` runs beside `connection` (in a REPEATABLE READ transaction):
    /// as many as it merits (none for a small sweep), each in a read-only transaction on
    /// `connection`'s snapshot. A session that cannot be opened (the server's connection limit,
    /// say), or a snapshot that cannot be exported, is done without: the report then reads over
    /// fewer sessions, or over its own.
    func helpers(forRuns runs: Int, beside connection: PostgresConnection) throws -> [PostgresConnection] {
        let wanted = min(maxConnections, runs / max(1, runsPerConnection)) - 1
        guard wanted > 0, let snapshot = try Self.exportSnapshot(connection) else { return [] }
        var helpers: [PostgresConnection] = []
        for _ in 0..<wanted {
            guard let helper = try? open() else { break }
            do {
                try helper.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try helper.query(SQLQuery(raw: "SET TRANSACTION SNAPSHOT '\(snapshot)'"))
                helpers.append(helper)
            } catch {
                helper.close()
                break
            }
        }
        return helpers
    }

    /// The session's snapshot, for `helpers`: its id, checked to be one (it is written into the
    /// SET TRANSACTION statement, which takes no parameters), or nil if it cannot be exported. A
    /// refused export aborts the transaction (and cannot be put under a savepoint: snapshots are
    /// not exported from subtransactions), so the session then starts a new one, alone.
    static func exportSnapshot(_ connection: PostgresConnection) throws -> String? {
        do {
            let id = try connection.query("SELECT pg_export_snapshot() AS id").value(0, "id", as: String.self)
            return id.allSatisfy({ $0.isHexDigit || $0 == "-" }) ? id : nil
        } catch {
            if error.isConnectionProblem { throw error }
            try connection.query("ROLLBACK")
            try connection.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return nil
        }
    }
}

extension RunColumns {
    /// Reads the selected runs of a sweep of `points` design points over `connections` sessions at
    /// once, each the runs of a contiguous range of points, joined in the order of the ranges (so
    /// the columns are those one session reads, whatever the number of sessions).
    static func load(whereSQL: SQLQuery, points: Int, connections: [PostgresConnection]) throws -> RunColumns {
        guard connections.count > 1 else { return try load(whereSQL: whereSQL, connection: connections[0]) }
        let parts = connections.count
        let bounds = (0...parts).map { points * $0 / parts }
        func read(_ part: Int) throws -> RunColumns {
            // The first and last ranges are open, so no run is left out whatever its point.
            var range: SQLQuery = ""
            if part > 0 { range = range + " AND r.point >= \(bind: bounds[part])" }
            if part < parts - 1 { range = range + " AND r.point < \(bind: bounds[part + 1])" }
            return try load(whereSQL: whereSQL + range, connection: connections[part])
        }
        // A thread for each other session (the dispatch pool runs no more at once than there are
        // cores, and these threads mostly wait on the server); this one reads the first range.
        // Every thread is waited for before an error leaves: the sessions close after.
        let others = (1..<parts).map { part in onOwnThread { try read(part) } }
        let first = Result { try read(0) }
        let loaded = try ([first] + others.map { other in Result { try other() } }).map { try $0.get() }
        return RunColumns(numeric: loaded[0].numeric.indices.map { column in loaded.flatMap { $0.numeric[column] } },
                          events: loaded[0].events.indices.map { column in loaded.flatMap { $0.events[column] } })
    }
}

// MARK: - A result from a thread of its own

/// Runs `body` on a thread of its own (a session's query, which mostly waits on the server) and
/// returns a function that waits for it and gives its result or rethrows its error. The function
/// must be called, once.
func onOwnThread<T>(_ body: @escaping () throws -> T) -> () throws -> T {
    let outcome = ThreadOutcome<T>()
    nonisolated(unsafe) let work = body
    outcome.done.enter()
    Thread {
        outcome.result = Result { try work() }
        outcome.done.leave()
    }.start()
    return {
        outcome.done.wait()
        return try outcome.result!.get()
    }
}

/// What `onOwnThread`'s thread hands back: written by it before `done.leave()`, read after `done.wait()`.
private final class ThreadOutcome<T>: @unchecked Sendable {
    let done = DispatchGroup()
    var result: Result<T, Error>?
}
