import Foundation

/// Worker processes started on this machine by `sweep launch --local-workers`.
struct LocalWorkers {
    let processes: [Process]

    /// Starts `count` workers for one sweep, splitting the cores between them; they exit when the
    /// sweep has no work left. Their logs go to results/local-workers/.
    static func start(count: Int, databaseURL: String, sweepID: Int64) throws -> LocalWorkers {
        guard count > 0 else { return LocalWorkers(processes: []) }
        let executable = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        let concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount / count)
        let logDirectory = URL(fileURLWithPath: "results/local-workers")
        try? FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        var processes: [Process] = []
        for index in 0..<count {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["worker", "--sweep", String(sweepID), "--exit-when-idle",
                                 "--concurrency", String(concurrency), "--log-level", "notice"]
            // The URL travels in the environment, not the command line, so it never shows in `ps`.
            var environment = ProcessInfo.processInfo.environment
            environment["NEPSIM_DATABASE_URL"] = databaseURL
            process.environment = environment
            let log = logDirectory.appendingPathComponent("sweep-\(sweepID)-worker-\(index).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            if let handle = try? FileHandle(forWritingTo: log) {
                process.standardOutput = handle
                process.standardError = handle
            }
            try process.run()
            processes.append(process)
        }
        FileHandle.standardError.write(Data("started \(count) local workers (\(concurrency) threads each); logs in results/local-workers/\n".utf8))
        return LocalWorkers(processes: processes)
    }

    /// Asks every worker to stop after its task in hand.
    func stop() {
        for process in processes where process.isRunning { process.terminate() }
    }

    /// `stop` as a closure for a signal handler: SIGTERM to each worker by its pid.
    var stopper: @Sendable () -> Void {
        let pids = processes.map(\.processIdentifier)
        return { for pid in pids where pid > 0 { kill(pid, SIGTERM) } }
    }

    func waitForExit() {
        for process in processes { process.waitUntilExit() }
    }

    var anyRunning: Bool { processes.contains { $0.isRunning } }
}
