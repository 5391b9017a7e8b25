import Analysis
import ArgumentParser
import Experiments
import Foundation
import PostgresStore
import Sweeps

/// `nepsim sensitivity`: which uncertain parameters drive an outcome, as Sobol' indices.
struct SensitivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract: "Sobol' sensitivity indices of an outcome or event: of a Saltelli sweep, or of plain files.",
        discussion: """
            Of a sweep launched with --design saltelli: first-order (S1, Saltelli 2010) and total \
            (ST, Jansen 1999) indices of --outcome NAME or --event NAME for each uncertain parameter, \
            with 95% intervals from a seeded bootstrap of the base rows. With replications, each \
            design point's output is its mean over replications, so the indices are those of the \
            expected outcome (of the event's probability).

            Of plain data, for a model run anywhere: --samples X.csv (as `nepsim design saltelli` \
            prints it) and --outputs Y.csv (one number per sample row).

            Examples:
              nepsim sweep launch scenarios/otl.toml --design saltelli --base 1024 --local-workers 1 --wait --name why
              nepsim sensitivity why --event famine_over_1m
              nepsim sensitivity --samples x.csv --outputs y.csv --format json
            """)

    @Argument(help: "Sweep id or name (launched with --design saltelli).")
    var sweep: String?

    @Option(help: "A numeric outcome, e.g. famine_deaths_total.")
    var outcome: String?

    @Option(help: "An event, e.g. famine_over_1m (its probability).")
    var event: String?

    @Option(help: "Plain data: the Saltelli sample (CSV, from `nepsim design saltelli`).")
    var samples: String?

    @Option(help: "Plain data: the outputs (CSV, one number per sample row).")
    var outputs: String?

    @Option(help: "Plain data: sobol (a Saltelli sample), morris (a Morris sample; needs --parameters), or binned (first-order indices of any sample; 'delta' is the same: the S1 of SALib's delta method, not its delta measure).")
    var method: Method = .sobol

    @Option(help: "Plain data, morris: the parameters file the sample was made from (its bounds give the grid).")
    var parameters: String?

    enum Method: String, ExpressibleByArgument, CaseIterable { case sobol, morris, binned, delta }

    @Option(help: "Bootstrap resamples for the intervals (default 1,000; 100 for given data).")
    var resamples: Int?

    @Option(help: "Seed of the bootstrap.")
    var seed: UInt64 = 1

    @Option(help: "table, csv, json or html (a chart of the indices with their intervals).")
    var format: ChartFormat = .table

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    @Flag(help: .hidden) var timing = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if method == .morris, samples != nil, parameters == nil {
            throw ValidationError("--method morris on plain data needs --parameters FILE.toml (the bounds the sample was made with).")
        }
        if let resamples { try NumberRange.require(resamples, in: 10...100_000, "--resamples") }
        let plain = samples != nil || outputs != nil
        if plain {
            guard samples != nil, outputs != nil else { throw ValidationError("plain data needs both --samples and --outputs.") }
            guard sweep == nil, outcome == nil, event == nil else {
                throw ValidationError("give a sweep with --outcome or --event, or --samples with --outputs, not both.")
            }
        } else {
            guard sweep != nil else { throw ValidationError("give a sweep (id or name), or --samples and --outputs.") }
            guard (outcome == nil) != (event == nil) else { throw ValidationError("give one of --outcome NAME or --event NAME.") }
        }
    }

    func run() throws {
        let report = try SweepCommand.guarded { () throws -> SensitivityReport in
            if let samples, let outputs { return try plainReport(samples: samples, outputs: outputs) }
            return try SweepSensitivity.indices(sweep: sweep!, output: outcome ?? event!, resamples: resamples, seed: seed,
                                                connection: try database.connectCurrent())
        }
        let text: String
        switch format {
        case .table: text = report.table
        case .csv: text = report.csv
        case .json: text = try jsonText(report)
        case .html: text = HTMLReport.render(report)
        }
        try emit(text, to: output)
    }

    private func plainReport(samples: String, outputs: String) throws -> SensitivityReport {
        let x = try NumericTable.load(path: samples), y = try NumericTable.load(path: outputs)
        guard let k = x.rows.first?.count, k >= 1 else { throw PlainDataError("\(samples): no sample rows") }
        guard y.rows.allSatisfy({ $0.count == 1 }) else { throw PlainDataError("\(outputs): one output column expected") }
        guard x.rows.count == y.rows.count else {
            throw PlainDataError("\(samples) has \(x.rows.count) rows but \(outputs) has \(y.rows.count)")
        }
        let names = x.header ?? (1...k).map { "x\($0)" }
        let started = Date()
        defer { if timing { reportAnalysisTime(since: started) } }
        if method == .morris, let parameters {
            let bounds = try ParameterBounds.load(path: parameters)
            guard bounds.count == k else { throw PlainDataError("\(parameters) has \(bounds.count) parameters but \(samples) has \(k) columns") }
            let grid = x.rows.map { row in zip(row, bounds).map { ($0 - $1.low) / ($1.high - $1.low) } }
            let effects = try MorrisEffects.analyze(inputs: grid, outputs: y.rows.map { $0[0] }, resamples: resamples ?? 1000, seed: seed)
            return SensitivityReport(sweep: samples, outcome: y.header?.first ?? outputs, runs: y.rows.count,
                                     trajectories: y.rows.count / (k + 1), resamples: resamples ?? 1000, names: names, effects: effects)
        }
        if method == .binned || method == .delta {
            let columns = (0..<k).map { i in x.rows.map { $0[i] } }
            let binned = try BinnedFirstOrder.analyze(inputs: columns, outputs: y.rows.map { $0[0] }, resamples: resamples ?? 100, seed: seed)
            return SensitivityReport(sweep: samples, outcome: y.header?.first ?? outputs, runs: y.rows.count, resamples: resamples ?? 100,
                                     names: names, binned: binned)
        }
        let estimates = try SobolIndices.analyze(saltelliOutputs: y.rows.map { $0[0] }, parameters: k, resamples: resamples ?? 1000, seed: seed)
        return SensitivityReport(sweep: samples, method: "sobol", outcome: y.header?.first ?? outputs, runs: y.rows.count,
                                 baseRows: y.rows.count / (k + 2), resamples: resamples ?? 1000, names: names, estimates: estimates)
    }
}

/// `nepsim design`: a design's sample for a model run outside nepsim.
struct DesignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "design",
        abstract: "Print a Saltelli, Sobol' or Morris sample of parameters given by bounds, as CSV.",
        discussion: """
            --parameters FILE.toml lists the inputs, each uniform on [low, high]:
              [[parameter]]
              name = "x1"
              low = -3.141592653589793
              high = 3.141592653589793
            saltelli: --base N rows of N x (k + 2) points (row r, block j at line r x (k + 2) + j: \
            A, then A with parameter j from B, then B); sobol: --base N points; morris: \
            --trajectories R of k + 1 points on a grid of --levels (default 4). Run your model on \
            each line and give the outputs to `nepsim sensitivity --samples --outputs [--method morris --parameters FILE]`.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable { case saltelli, sobol, morris }

    @Argument(help: "saltelli, sobol or morris.")
    var kind: Kind

    @Option(help: "The parameters file (TOML).")
    var parameters: String

    @Option(help: "Base rows (saltelli) or points (sobol).")
    var base: Int?

    @Option(help: "Trajectories (morris).")
    var trajectories: Int?

    @Option(help: "Grid levels (morris; even).")
    var levels: Int = 4

    @Option(help: "Seed of the scrambling.")
    var seed: UInt64 = 1

    @Option(help: "Output format: csv.")
    var format: String = "csv"

    func validate() throws {
        if kind == .morris {
            guard base == nil, let trajectories else { throw ValidationError("morris takes --trajectories R (not --base).") }
            try NumberRange.require(trajectories, in: 2...1_000_000, "--trajectories")
            try NumberRange.require(levels, in: 2...1000, "--levels")
            guard levels % 2 == 0 else { throw ValidationError("--levels must be even (the step is levels / 2 grid cells).") }
        } else {
            guard trajectories == nil, let base else { throw ValidationError("\(kind.rawValue) takes --base N (not --trajectories).") }
            try NumberRange.require(base, in: 1...10_000_000, "--base")
        }
        guard format == "csv" else { throw ValidationError("--format: only csv.") }
    }

    func run() throws {
        let bounds = try SweepCommand.guarded { try ParameterBounds.load(path: parameters) }
        let k = bounds.count
        let design: any ExperimentDesign, points: Int
        switch kind {
        case .saltelli: (design, points) = (SaltelliDesign(seed: seed, baseRows: UInt64(base!), dimensions: k), base! * (k + 2))
        case .sobol: (design, points) = (SobolDesign(seed: seed, dimensions: k), base!)
        case .morris: (design, points) = (MorrisDesign(seed: seed, dimensions: k, levels: levels), trajectories! * (k + 1))
        }
        var out = bounds.map(\.name).joined(separator: ",") + "\n"
        var coordinates: [Double] = []
        for point in 0..<points {
            // Morris samples its grid including both bounds (as SALib does); the others the open cube.
            if let morris = design as? MorrisDesign {
                coordinates = morris.gridPoint(UInt64(point))
            } else {
                design.coordinates(point: UInt64(point), into: &coordinates)
            }
            out += zip(bounds, coordinates).map { $0.value(at: $1).description }.joined(separator: ",") + "\n"
            if out.utf8.count > 1 << 20 { print(out, terminator: ""); out = "" }
        }
        print(out, terminator: "")
    }
}
