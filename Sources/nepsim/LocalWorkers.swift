import Foundation

/// Worker processes started on this machine by `sweep launch --local-workers`.
struct LocalWorkers {
    let processes: [ChildProcess]

    /// Starts `count` workers for one sweep, splitting the cores between them; they exit when the
    /// sweep has no work left. Their logs go to results/local-workers/.
    static func start(count: Int, databaseURL: String, sweepID: Int64, claimBatch: Int = 1) throws -> LocalWorkers {
        guard count > 0 else { return LocalWorkers(processes: []) }
        let executable = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath().path
        let concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount / count)
        let logDirectory = "results/local-workers"
        try? FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        // The URL travels in the environment, not the command line, so it never shows in `ps`.
        var environment = ProcessInfo.processInfo.environment
        environment["NEPSIM_DATABASE_URL"] = databaseURL
        var processes: [ChildProcess] = []
        for index in 0..<count {
            processes.append(try ChildProcess(
                executable, ["worker", "--sweep", String(sweepID), "--exit-when-idle",
                             "--concurrency", String(concurrency), "--claim-batch", String(claimBatch), "--log-level", "notice",
                             // Simulating below the database's processes: one server process
                             // stores each task, and the sweep waits when it waits for a core.
                             "--nice", "10"],
                environment: environment, log: "\(logDirectory)/sweep-\(sweepID)-worker-\(index).log"))
        }
        FileHandle.standardError.write(Data("started \(count) local workers (\(concurrency) threads each); logs in results/local-workers/\n".utf8))
        return LocalWorkers(processes: processes)
    }

    /// `stop` as a closure for a signal handler: SIGTERM to each worker by its pid (a worker
    /// stops after its task in hand).
    var stopper: @Sendable () -> Void {
        let pids = processes.map(\.pid)
        return { for pid in pids where pid > 0 { kill(pid, SIGTERM) } }
    }

    func waitForExit() {
        for process in processes { process.waitForExit() }
    }

    var anyRunning: Bool { processes.contains { $0.isRunning } }
}

// MARK: - ChildProcess

/// A program started with posix_spawn, its output appended to a log file, reaped with waitpid.
/// Not Foundation's `Process`: on Linux its `waitUntilExit()` was seen to hang after the child
/// had exited (the reason PostgresStore's `ProgramRun` spawns its programs this way too).
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    struct SpawnFailure: Error, CustomStringConvertible {
        let description: String
    }

    init(_ executable: String, _ arguments: [String], environment: [String: String], log: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw SpawnFailure(description: "\(executable): \(String(cString: strerror(spawned)))") }
        self.pid = pid
    }

    /// Whether the process has not exited yet (reaps it if it has).
    var isRunning: Bool { reap(blocking: false) == nil }

    /// Waits until the process exits; its exit status (128 + signal if a signal ended it).
    @discardableResult
    func waitForExit() -> Int32 { reap(blocking: true)! }

    private func reap(blocking: Bool) -> Int32? {
        lock.withLock {
            if let exitStatus { return exitStatus }
            var status: Int32 = 0
            while true {
                let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
                if result == 0 { return nil }  // still running
                if result < 0 && errno == EINTR { continue }
                if result < 0 { exitStatus = -1; return exitStatus }  // not our child any more
                // WIFEXITED / WEXITSTATUS are macros Swift does not import.
                exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                return exitStatus
            }
        }
    }
}
