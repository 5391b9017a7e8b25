import ArgumentParser
import Dispatch
import Experiments
import Foundation
import PostgresStore
import SimulationCore
import SweepStore
import Sweeps

/// `nepsim bench-copy`: times the worker's binary COPY path and writes the same rows as CSV, so
/// scripts/bench-sweep can time `psql \copy` on them. A benchmark aid, hidden from help.
struct BenchCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-copy",
        abstract: "Benchmark aid: time the binary COPY of run rows and write the same rows as CSV.",
        shouldDisplay: false)

    @Option(help: "Rows (runs) to load.")
    var rows: Int = 100_000

    @Option(help: "Where to write the CSV copy of the rows (for psql \\copy).")
    var csv: String = "results/bench-copy.csv"

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let connection = try database.connect()
        try SweepCommand.requireSchema(connection, createIfAbsent: true)
        let scenario = try SimulationOptions.parse(["scenarios/shot-in-the-kremlin.toml"]).loadScenario()
        let binarySweep = try SweepCommand.guarded {
            try Coordinator.launch(SweepRequest(scenario: scenario, name: "bench-copy-binary-\(getpid())", points: rows),
                                   on: connection, codeVersion: "bench")
        }
        let csvSweep = try SweepCommand.guarded {
            try Coordinator.launch(SweepRequest(scenario: scenario, name: "bench-copy-csv-\(getpid())", points: rows),
                                   on: connection, codeVersion: "bench")
        }
        for sweep in [binarySweep, csvSweep] { _ = try SweepCommand.guarded { try Coordinator.cancel(String(sweep.id), on: connection) } }

        // The rows: real runs, computed once.
        let plan = try binarySweep.runPlan()
        let outcomes = InProcessBatch.simulate(plan: plan, points: rows, threads: ProcessInfo.processInfo.activeProcessorCount)
        let specs = plan.scenario.uncertain.map(\.spec)
        let params = (0..<rows).map { point in
            let parameters = plan.parameters(point: UInt64(point))
            return specs.map { $0.value(in: parameters) }
        }

        // Binary COPY, as a worker does it: encode and send, timed together.
        let started = DispatchTime.now()
        var writer = BinaryCopyWriter(reservingCapacity: rows * 600)
        for i in 0..<rows {
            ResultsLayout.appendRun(&writer, sweepID: binarySweep.id, point: UInt64(i), replication: 0,
                                    outcomes: outcomes[i], parameterValues: params[i], workerID: "bench")
        }
        let encodeSeconds = DispatchTime.now().seconds(since: started)
        let stored = try connection.transaction { try connection.copyIn(ResultsLayout.copyRuns, data: writer.finished()) }
        let seconds = DispatchTime.now().seconds(since: started)

        // The same rows as CSV for psql \copy.
        var text = ""
        text.reserveCapacity(rows * 900)
        for i in 0..<rows { text += csvLine(sweepID: csvSweep.id, point: i, outcomes: outcomes[i], params: params[i]) }
        try FileManager.default.createDirectory(atPath: (csv as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: csv, atomically: true, encoding: .utf8)

        print("binary_copy_rows=\(stored)")
        print("binary_copy_seconds=\(seconds)")
        print(String(format: "binary_copy_rows_per_second=%.0f", Double(stored) / seconds))
        print(String(format: "binary_encode_microseconds_per_row=%.2f", encodeSeconds * 1e6 / Double(rows)))
        print("csv_file=\(csv)")
        print("csv_columns=sweep_id,point,replication,\(ResultsLayout.runColumns.map(\.name).joined(separator: ","))")
        print("binary_sweep=\(binarySweep.id)")
        print("csv_sweep=\(csvSweep.id)")
    }

    func csvLine(sweepID: Int64, point: Int, outcomes: RunOutcomes, params: [Double]) -> String {
        var fields = [String(sweepID), String(point), "0"]
        for outcome in OutcomeCatalog.numeric {
            let value = outcome.value(outcomes)
            fields.append(value.map { outcome.isWholeNumber ? String(Int($0)) : $0.description } ?? "")
        }
        for label in OutcomeCatalog.labels { fields.append(label.label(outcomes)) }
        for event in OutcomeCatalog.events { fields.append(event.happened(outcomes) ? "t" : "f") }
        fields.append("bench")
        fields.append("\"{" + params.map(\.description).joined(separator: ",") + "}\"")
        return fields.joined(separator: ",") + "\n"
    }
}
