import Analysis
import ArgumentParser
import Foundation
import PostgresStore
import SweepStore
import Sweeps

/// `nepsim report`: probabilities and distributions of a sweep, on screen or in a file.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report a sweep's event probabilities and outcome distributions.",
        discussion: """
            Table (default): event probabilities with 95% Wilson intervals, outcome quantiles and text \
            histograms, for a 100-column terminal. csv and json carry the same numbers; html is one \
            self-contained file with charts (histograms, yearly fans, the branch comparison).

            --given filters the runs: comparisons of outcomes or drawn parameters (params.NAME) with \
            numbers or 'strings', joined by and/or/not, e.g.
              --given "depression_onset_year <= 1929 and leader_1930 = 'Molotov-Rykov'"
              --given "stalin_died_1926 and params.drought_probability > 0.2"
            --split-by EVENT compares the runs where the event happened with those where it did not; \
            --compare SWEEP compares two sweeps.
            """)

    @Argument(help: "Sweep id or name.")
    var sweep: String

    @Option(help: "Compare with another sweep (id or name).")
    var compare: String?

    @Option(help: "Split the runs by an event, e.g. stalin_died_1926.")
    var splitBy: String?

    @Option(help: "Only the runs satisfying this condition.")
    var given: String?

    @Option(help: "table, csv, json or html.")
    var format: ChartFormat = .table

    @Option(help: "With --format html: add why EVENT happens: its sensitivity indices (Sobol' on a saltelli sweep, Morris on a morris sweep, first-order from the runs otherwise) and PRIM's box over the selected runs.")
    var why: String?

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    @OptionGroup var database: DatabaseOptions

    /// Sessions reading a large sweep's runs at once (see `ParallelReads`); hidden, for tests and
    /// for measuring: with `--read-sessions`, every sweep gets that many, however small.
    @Option(help: .hidden) var readSessions: Int?

    @OptionGroup var timeout: StatementTimeoutOption

    func validate() throws {
        if compare != nil && splitBy != nil { throw ValidationError("use --split-by or --compare, not both.") }
        if why != nil && format != .html { throw ValidationError("--why draws charts: use it with --format html.") }
    }

    func run() throws {
        let connection = try database.connectCurrent()
        try timeout.apply(to: connection)
        let interruption = QueryInterruption(cancelling: connection)
        defer { withExtendedLifetime(interruption) {} }
        let data: ReportData
        do {
            // Up to four sessions (at most one a core here) for sweeps of 400,000 runs and more.
            let reads = ParallelReads(maxConnections: readSessions ?? min(4, ProcessInfo.processInfo.activeProcessorCount),
                                      runsPerConnection: readSessions == nil ? ParallelReads.runsPerSession : 1) {
                let helper = try database.connect()
                try timeout.apply(to: helper)
                interruption.alsoCancel(helper)
                return helper
            }
            data = try ReportBuilder.build(ReportRequest(sweep: sweep, given: given, splitBy: splitBy, compare: compare), on: connection,
                                           parallelReads: reads)
        } catch let error as ConditionError {
            throw CommandFailure(error.description)
        } catch let error as ReportError {
            throw CommandFailure(error.description)
        } catch let error as SweepError {
            throw CommandFailure(error.description)
        } catch let error as PostgresError {
            throw CommandFailure(timeout.explain(error) ?? error.description)
        }
        var sections = ""
        if let why {
            sections = try SweepCommand.guarded { () throws -> String in
                // Indices describe the whole design (a Saltelli or Morris sweep cannot be filtered);
                // PRIM looks at the runs --given selects.
                let sensitivity = try SweepSensitivity.indices(sweep: sweep, output: why, connection: connection)
                let discovery = try SweepDiscovery.discover(sweep: sweep, event: why, given: given, minCoverage: 0.5,
                                                            connection: connection)
                return HTMLReport.whySections(sensitivity: sensitivity, discovery: discovery)
            }
        }
        try emit(try render(data, as: format, why: sections), to: output)
    }
}
