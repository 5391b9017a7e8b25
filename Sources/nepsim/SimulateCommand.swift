import Analysis
import ArgumentParser
import Dispatch
import Experiments
import Foundation

/// `nepsim simulate`: many runs in this process, no database.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run many runs in this process on all cores and print every outcome's distribution.",
        discussion: """
            Each run is its own design point (one draw of the uncertain parameters) unless \
            --replications is given, in which case runs = points x replications. Numeric outcomes \
            get n, mean, sd, p05, p25, p50, p75 and p95 over the runs where they are defined; events get \
            their probability with a 95% Wilson interval. The numbers are identical whatever --threads.

            The output is the report `nepsim report` prints for a stored sweep, in the same formats: \
            table, csv, json or html (one self-contained page with histograms, and with --yearly a fan \
            chart of every yearly series).
            """)

    @OptionGroup var options: SimulationOptions

    @Option(parsing: .unconditional, help: "Number of runs.")
    var runs: Int = 10_000

    @Option(parsing: .unconditional, help: "Replications per design point (runs must be a multiple of it).")
    var replications: Int = 1

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "table, csv, json or html.")
    var format: ChartFormat = .table

    @Flag(help: "Also keep every yearly series and report its quantiles year by year (fan charts in html, `fans` in json).")
    var yearly = false

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    /// In-process runs keep every outcome for the quantiles (about half a kilobyte a run).
    static let maxRuns = 10_000_000

    func validate() throws {
        try NumberRange.require(runs, in: 1...SimulateCommand.maxRuns, "--runs",
                                "every run's outcomes are held in memory; launch a sweep for more")
        try NumberRange.require(replications, in: 1...runs, "--replications")
        guard runs % replications == 0 else {
            throw ValidationError("--runs (\(runs)) must be a multiple of --replications (\(replications)).")
        }
        try NumberRange.require(threads, in: 1...1024, "--threads")
    }

    func run() throws {
        let scenario = try options.loadScenario()
        let points = runs / replications
        let plan = RunPlan(scenario: scenario, design: options.design, seed: options.seed,
                           points: UInt64(points), weather: options.weather)
        let started = DispatchTime.now()
        let (outcomes, series) = yearly
            ? InProcessBatch.simulateWithYearlySeries(plan: plan, points: points, replications: replications, threads: threads)
            : (InProcessBatch.simulate(plan: plan, points: points, replications: replications, threads: threads), [])
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        FileHandle.standardError.write(Data(String(
            format: "%d runs in %.2f s on %d threads (%.0f runs/s)\n", runs, seconds, threads, Double(runs) / seconds).utf8))
        let source = ReportData.Source(scenario: scenario.name, scenarioTitle: scenario.title, seed: String(options.seed),
                                       design: options.design.rawValue, runs: runs, weather: options.weather.rawValue)
        let data = try ReportData.simulated(outcomes: outcomes, yearly: series, source: source)
        try emit(try render(data, as: format), to: output)
    }
}
