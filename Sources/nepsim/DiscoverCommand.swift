import Analysis
import ArgumentParser
import Experiments
import Foundation
import PostgresStore
import Sweeps

/// `nepsim discover`: scenario discovery with PRIM.
struct DiscoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Find the region of drawn parameters where an event happens (PRIM), as a --given condition.",
        discussion: """
            PRIM (Friedman and Fisher 1999, as EMA Workbench runs it): peel slices of alpha (0.05) \
            off one parameter at a time while the event's share inside the box grows, then paste \
            back. Prints every box of the peeling trajectory (coverage, density, mass, restricted \
            parameters), chooses the densest box whose coverage is at least --min-coverage, gives \
            each limit's quasi-p-value, and states the box as a condition that \
            `nepsim report SWEEP --given` accepts as it is.

            Examples:
              nepsim discover 1 --event famine_over_1m --given "stalin_died_1926"
              nepsim discover --data runs.csv --event failed --format json
            """)

    @Argument(help: "Sweep id or name.")
    var sweep: String?

    @Option(help: "The event to explain, e.g. famine_over_1m (or, with --data, a 0/1 column).")
    var event: String

    @Option(help: "Only the runs satisfying this condition (as nepsim report --given).")
    var given: String?

    @Option(help: "Plain data: a CSV file with a header, the inputs and the 0/1 event column.")
    var data: String?

    @Option(help: "The chosen box is the densest with at least this coverage.")
    var minCoverage: Double = 0.5

    @Option(help: "Share of the box peeled at each step.")
    var peelAlpha: Double = 0.05

    @Option(help: "table, json or html (the coverage-density trade-off with the chosen box marked).")
    var format: ChartFormat = .table

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    @Flag(help: .hidden) var timing = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        try NumberRange.require(minCoverage, in: 0...1, "--min-coverage")
        try NumberRange.require(peelAlpha, in: 0.001...0.5, "--peel-alpha")
        guard (sweep == nil) != (data == nil) else { throw ValidationError("give a sweep or --data FILE.csv, not both.") }
        if data != nil, given != nil { throw ValidationError("--given goes with a sweep; filter plain data before.") }
        guard format != .csv else { throw ValidationError("--format: table, json or html.") }
    }

    func run() throws {
        let report = try SweepCommand.guarded { () throws -> DiscoveryReport in
            if let data { return try plain(data) }
            return try SweepDiscovery.discover(sweep: sweep!, event: event, given: given, minCoverage: minCoverage,
                                               peelAlpha: peelAlpha, connection: try database.connectCurrent())
        }
        let text: String
        switch format {
        case .json: text = try jsonText(report)
        case .html: text = HTMLReport.render(report)
        default: text = report.table
        }
        try emit(text, to: output)
    }

    private func plain(_ path: String) throws -> DiscoveryReport {
        let table = try NumericTable.load(path: path)
        guard let header = table.header else { throw PlainDataError("\(path): the first line must name the columns") }
        guard let eventColumn = header.firstIndex(of: event) else {
            throw PlainDataError("\(path) has no column '\(event)' (it has \(header.joined(separator: ", ")))")
        }
        guard table.rows.allSatisfy({ $0[eventColumn] == 0 || $0[eventColumn] == 1 }) else {
            throw PlainDataError("\(path): column '\(event)' must hold 0 or 1 in every row")
        }
        let inputColumns = header.indices.filter { $0 != eventColumn }
        let started = Date()
        defer { if timing { reportAnalysisTime(since: started) } }
        let result = try Prim.run(inputs: inputColumns.map { c in table.rows.map { $0[c] } },
                                  event: table.rows.map { $0[eventColumn] == 1 }, peelAlpha: peelAlpha, minCoverage: minCoverage)
        return DiscoveryReport(source: path, event: event, given: nil, names: inputColumns.map { header[$0] }, prefix: "",
                               minCoverage: minCoverage, result: result)
    }
}
