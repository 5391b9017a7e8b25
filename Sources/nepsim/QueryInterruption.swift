import ArgumentParser
import Foundation
import PostgresStore
import Synchronization

/// A command a person waits on (`report`, `sweep status`, `sweep launch --wait`) must not leave
/// its query running on the server when it is stopped: PostgreSQL notices a vanished client only
/// when it next writes to it, so an aggregate would run to its end. On SIGINT or SIGTERM the
/// statement in progress is cancelled with libpq's cancel request, one line says so, and the
/// process exits with the signal's usual status (130 or 143).
final class QueryInterruption: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    /// Runs after the cancel request and before the exit (e.g. asking local workers to stop).
    private final class Cleanup: Sendable {
        let body = Mutex<(@Sendable () -> Void)?>(nil)
    }
    private let cleanup = Cleanup()
    /// The cancel handle of the connection in use (replaced when a session reconnects), and of
    /// other sessions working for the command at the same time (a report's parallel reads).
    private final class CancelTarget: Sendable {
        let canceller = Mutex<StatementCanceller?>(nil)
        let others = Mutex<[StatementCanceller]>([])
    }
    private let target = CancelTarget()

    /// Installs the handlers; they stay installed as long as the value lives. `message` is the
    /// line printed before exiting; `{signal}` stands for the signal's name.
    init(cancelling connection: PostgresConnection,
         message: String = "nepsim: stopped by {signal}; the query on the server was cancelled") {
        target.canceller.withLock { $0 = connection.makeCanceller() }
        let cleanup = self.cleanup
        let target = self.target
        sources = SignalHandling.install { number, _ in
            QueryInterruption.interrupting.store(true, ordering: .sequentiallyConsistent)
            for other in target.others.withLock({ $0 }) { _ = other.cancelRunningStatement() }
            let failure = target.canceller.withLock { $0 }?.cancelRunningStatement()
            cleanup.body.withLock { $0 }?()
            let name = number == SIGINT ? "SIGINT" : "SIGTERM"
            var line = message.replacingOccurrences(of: "{signal}", with: name)
            if let failure { line += " (the cancel request failed: \(failure.trimmingCharacters(in: .whitespacesAndNewlines)))" }
            FileHandle.standardError.write(Data((line + "\n").utf8))
            // _exit: the main thread is inside libpq, waiting for the cancelled statement.
            _exit(128 + number)
        }
    }

    /// Set by a handler before it cancels the query: the command's own error path must then leave
    /// the exit to the handler.
    private static let interrupting = Atomic<Bool>(false)

    /// Parks the calling thread while a signal handler is cancelling and exiting.
    static func waitIfInterrupting() {
        guard interrupting.load(ordering: .sequentiallyConsistent) else { return }
        while true { sleep(60) }
    }

    /// Cancels on this connection from now on (after a reconnection).
    func track(_ connection: PostgresConnection) {
        let canceller = connection.makeCanceller()
        target.canceller.withLock { $0 = canceller }
    }

    /// Cancels this session's statement too (a session working beside the tracked one).
    func alsoCancel(_ connection: PostgresConnection) {
        guard let canceller = connection.makeCanceller() else { return }
        target.others.withLock { $0.append(canceller) }
    }

    /// What to do before exiting, replacing any earlier cleanup.
    func onInterrupt(_ body: (@Sendable () -> Void)?) {
        cleanup.body.withLock { $0 = body }
    }

    deinit {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// `--statement-timeout`, for the commands whose queries a person waits on.
struct StatementTimeoutOption: ParsableArguments {
    @Option(name: .customLong("statement-timeout"), parsing: .unconditional, help: ArgumentHelp(
        "Stop any query that runs longer than this many seconds (default: NEPSIM_STATEMENT_TIMEOUT, else no limit).",
        valueName: "seconds"))
    var seconds: Double?

    /// The timeout in force: the option, else NEPSIM_STATEMENT_TIMEOUT, else none.
    func resolved() throws -> Double? {
        if let seconds { return try Self.check(seconds, from: "--statement-timeout") }
        guard let text = ProcessInfo.processInfo.environment["NEPSIM_STATEMENT_TIMEOUT"], !text.isEmpty else { return nil }
        guard let value = Double(text) else {
            throw ValidationError("NEPSIM_STATEMENT_TIMEOUT must be a number of seconds, not '\(text)'.")
        }
        return try Self.check(value, from: "NEPSIM_STATEMENT_TIMEOUT")
    }

    private static func check(_ value: Double, from name: String) throws -> Double {
        guard value.isFinite, value > 0, value <= 86_400 else {
            throw ValidationError("\(name) must be between 0 and 86400 seconds (a day), not \(value.formatted()).")
        }
        return value
    }

    func validate() throws { _ = try resolved() }

    /// Sets the session's statement_timeout when a timeout is in force.
    func apply(to connection: PostgresConnection) throws {
        guard let seconds = try resolved() else { return }
        do {
            try connection.setStatementTimeout(seconds: seconds)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    /// The message for a query stopped by the timeout, or nil for any other error.
    func explain(_ error: PostgresError) -> String? {
        guard error.isStatementTimeout else { return nil }
        let limit = (try? resolved()).flatMap { $0 }.map { "\($0.formatted()) s" } ?? "the statement timeout"
        return "the query ran longer than \(limit) (--statement-timeout or NEPSIM_STATEMENT_TIMEOUT) and the server stopped it; "
            + "narrow it (e.g. --given) or raise the timeout"
    }
}

/// The coordinator's connection while `sweep launch --wait` follows a sweep. A server that
/// restarts or a network that blinks is waited for and reconnected to, as workers do, instead of
/// abandoning the local workers; after `patienceSeconds` without a connection the command stops
/// its local workers and fails.
final class FollowSession {
    private(set) var connection: PostgresConnection
    private let url: String
    private let timeout: StatementTimeoutOption
    private let interruption: QueryInterruption
    private let patienceSeconds: Double
    /// Runs when the session gives up (asks the local workers to stop).
    var onGiveUp: () -> Void = {}

    init(connection: PostgresConnection, url: String, timeout: StatementTimeoutOption, interruption: QueryInterruption,
         patienceSeconds: Double = Double(ProcessInfo.processInfo.environment["NEPSIM_RECONNECT_PATIENCE"] ?? "") ?? 300) {
        self.connection = connection
        self.url = url
        self.timeout = timeout
        self.interruption = interruption
        self.patienceSeconds = patienceSeconds
    }

    /// Runs `body` on the connection, reconnecting and running it again after a lost connection.
    func run<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        var lostAt: Date?
        var delay = 0.5
        while true {
            do {
                return try body(connection)
            } catch let error as PostgresError where error.isConnectionProblem && !error.isPermanentConnectionFailure {
                let since = lostAt ?? Date()
                lostAt = since
                FileHandle.standardError.write(Data("\nlost the database (\(error.message.split(separator: "\n").first ?? "")); reconnecting\n".utf8))
                while true {
                    if Date().timeIntervalSince(since) > patienceSeconds {
                        onGiveUp()
                        throw CommandFailure("could not reach the database for \(Int(patienceSeconds)) s; the local workers were asked "
                            + "to stop (they exit after their task in hand). The sweep is safe in the database: "
                            + "follow it later with `nepsim sweep status`")
                    }
                    Thread.sleep(forTimeInterval: delay)
                    delay = min(5, delay * 2)
                    do {
                        let fresh = try PostgresConnection(url: url)
                        try timeout.apply(to: fresh)
                        connection = fresh
                        interruption.track(fresh)
                        FileHandle.standardError.write(Data("reconnected\n".utf8))
                        break
                    } catch let failure as PostgresError where failure.isConnectionProblem && !failure.isPermanentConnectionFailure {
                        continue
                    }
                }
            }
        }
    }
}
