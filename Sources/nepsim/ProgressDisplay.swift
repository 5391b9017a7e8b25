import Analysis
import Foundation
import PostgresStore
import Sweeps

/// The live progress bar of `sweep launch --wait`, and sweep summaries.
enum ProgressDisplay {
    /// Polls the sweep until it is finished, drawing a progress line on standard error. (Ctrl-C
    /// is the caller's `QueryInterruption`: it cancels the query in progress and stops waiting.)
    static func follow(sweepID: Int64, session: FollowSession, children: LocalWorkers) throws -> SweepStatus {
        let interactive = isatty(STDERR_FILENO) == 1
        var samples: [(time: Date, runs: Int)] = []
        var lastPrinted = Date.distantPast
        while true {
            let status = try SweepCommand.guarded {
                try session.run { try Coordinator.status(String(sweepID), on: $0, countingRows: false) }
            }
            let now = Date()
            samples.append((now, status.runsDone))
            samples.removeAll { now.timeIntervalSince($0.time) > 10 }
            let rate = samples.count > 1
                ? Double(samples.last!.runs - samples.first!.runs) / max(0.001, samples.last!.time.timeIntervalSince(samples.first!.time))
                : 0
            let line = progressLine(status, rate: rate)
            if interactive {
                FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            } else if now.timeIntervalSince(lastPrinted) >= 5 || status.isFinished {
                FileHandle.standardError.write(Data("\(line)\n".utf8))
                lastPrinted = now
            }
            // Every task settled: the sweep is over whatever its row says.
            if status.isFinished || (status.tasksTotal > 0 && status.tasksPending == 0 && status.tasksRunning == 0) {
                if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
                return status
            }
            if !children.processes.isEmpty && !children.anyRunning && status.tasksRunning == 0 && status.tasksPending > 0 {
                FileHandle.standardError.write(Data("\nthe local workers have exited with work left; see results/local-workers/\n".utf8))
                return status
            }
            pause(children)
        }
    }

    /// Half a second between polls, cut short when the last local worker exits: local workers exit
    /// when the sweep has no work left, and the command's caller waits for that moment, not for the
    /// next poll (a 100,000-run sweep on two cores takes under two seconds).
    private static func pause(_ children: LocalWorkers) {
        let someWereRunning = children.anyRunning
        for _ in 0..<10 {
            Thread.sleep(forTimeInterval: 0.05)
            if someWereRunning && !children.anyRunning { return }
        }
    }

    static func progressLine(_ status: SweepStatus, rate: Double) -> String {
        let width = 30
        let filled = Int((status.fractionDone * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let remaining = status.runsTotal - status.runsDone
        let eta = rate > 0 ? formatDuration(Double(remaining) / rate) : "-"
        return "[\(bar)] \(Numbers.grouped(Double(status.runsDone), decimals: 0))/\(Numbers.grouped(Double(status.runsTotal), decimals: 0)) runs"
            + String(format: "  %@ runs/s", Numbers.grouped(rate.rounded(), decimals: 0))
            + "  ETA \(eta)  workers \(status.liveWorkers)  failed tasks \(status.tasksFailed)"
    }

    static func formatDuration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.0fs", seconds) }
        if seconds < 3600 { return String(format: "%.0fm%02.0fs", (seconds / 60).rounded(.down), seconds.truncatingRemainder(dividingBy: 60)) }
        return String(format: "%.1fh", seconds / 3600)
    }

    static func summary(_ s: SweepStatus) -> String {
        var lines = [
            "sweep \(s.id) '\(s.name)' (\(s.scenario)): \(s.state)",
            "  runs      \(Numbers.grouped(Double(s.runsDone), decimals: 0)) of \(Numbers.grouped(Double(s.runsTotal), decimals: 0)) (\(String(format: "%.1f", 100 * s.fractionDone))%)",
            "  tasks     \(s.tasksDone) done, \(s.tasksRunning) running, \(s.tasksPending) pending, \(s.tasksFailed) failed (of \(s.tasksTotal))",
            "  design    \(s.design), seed \(s.seed), series \(s.series)",
            "  elapsed   \(formatDuration(s.elapsedSeconds))" + (s.runsDone > 0 && s.elapsedSeconds > 0
                ? String(format: " (%@ runs/s overall)", Numbers.grouped((Double(s.runsDone) / s.elapsedSeconds).rounded(), decimals: 0)) : ""),
            "  workers   \(s.liveWorkers) live",
        ]
        if let errors = s.errors { lines.append("  errors    \(errors.prefix(500))") }
        return lines.joined(separator: "\n")
    }
}

/// A few headline answers, in SQL, once a sweep is done.
enum SweepSummary {
    static func headline(sweepID: Int64, connection: PostgresConnection) throws -> String {
        let result = try SweepCommand.guarded { try connection.query("""
            SELECT count(*) AS runs,
                   avg(stalin_died_1926::int)::float8 AS p_stalin_died,
                   avg(forced_collectivization::int)::float8 AS p_collectivization,
                   avg(famine_over_1m::int)::float8 AS p_famine_1m,
                   avg(terror::int)::float8 AS p_terror,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY famine_deaths_total) AS famine_median,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY industrial_output_1940) AS industry_median,
                   avg(famine_over_1m::int) FILTER (WHERE stalin_died_1926)::float8 AS p_famine_1m_if_dead,
                   avg(famine_over_1m::int) FILTER (WHERE NOT stalin_died_1926)::float8 AS p_famine_1m_if_alive
            FROM nepsim.runs WHERE sweep_id = \(bind: sweepID)
            """) }
        // An average over no runs (none stored, none where Stalin died) is NULL: shown as "-".
        func number(_ name: String) throws -> Double? { try result.optional(0, name, as: Double.self) }
        func pct(_ name: String) throws -> String { try number(name).map { String(format: "%.1f%%", 100 * $0) } ?? "-" }
        return """
            Headlines (SQL over nepsim.runs, \(Numbers.number(Double(try result.value(0, "runs", as: Int.self)), unit: "count")) runs):
              P(Stalin dies in 1926)               \(try pct("p_stalin_died"))
              P(forced collectivization)           \(try pct("p_collectivization"))
              P(famine kills over a million)       \(try pct("p_famine_1m"))  (\(try pct("p_famine_1m_if_dead")) if Stalin died, \(try pct("p_famine_1m_if_alive")) if he lived)
              P(mass terror)                       \(try pct("p_terror"))
              median famine deaths 1927-40         \(Numbers.number(try number("famine_median")))
              median industrial output 1940        \(Numbers.number(try number("industry_median"))) (1928 = 100)
            """
    }
}
