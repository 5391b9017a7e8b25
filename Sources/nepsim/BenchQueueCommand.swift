import ArgumentParser
import Foundation
import Sweeps

/// `nepsim bench-queue`: claim-and-complete throughput of the task queue with no simulation, for
/// scripts/bench-queue. A benchmark aid, hidden from help.
struct BenchQueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-queue",
        abstract: "Benchmark aid: tasks per second of claim and complete with precomputed rows.",
        shouldDisplay: false)

    @Option(help: "Tasks to claim and complete.")
    var tasks: Int = 10_000

    @Option(help: "Runs per task (each stored as a row, as a worker stores them).")
    var taskSize: Int = 1

    @Option(help: "Connections claiming and completing at once.")
    var consumers: Int = 2

    @Option(help: "Consecutive tasks claimed and stored together (as `nepsim worker --claim-batch`).")
    var claimBatch: Int = 1

    @Flag(help: "Delete the benchmark's sweep and rows afterwards.")
    var cleanUp = false

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let connection = try database.connect()
        try SweepCommand.requireSchema(connection, createIfAbsent: true)
        let scenario = try SimulationOptions.parse(["scenarios/otl.toml"]).loadScenario()
        let result = try SweepCommand.guarded {
            try QueueBenchmark.run(databaseURL: try database.resolveURL(), scenario: scenario, tasks: tasks,
                                   taskSize: taskSize, consumers: consumers, claimBatch: claimBatch)
        }
        if cleanUp {
            try connection.query("DELETE FROM nepsim.runs WHERE sweep_id = \(bind: result.sweepID)")
            try connection.query("DELETE FROM nepsim.sweeps WHERE sweep_id = \(bind: result.sweepID)")
        }
        print("tasks=\(result.tasks)")
        print("seconds=\(result.seconds)")
        print(String(format: "tasks_per_second=%.0f", result.tasksPerSecond))
    }
}
