import Analysis
import ArgumentParser
import Dispatch
import Experiments
import Foundation
import SimulationCore

/// `nepsim simulate`: many runs in this process, no database.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run many runs in this process on all cores and print every outcome's distribution.",
        discussion: """
            Each run is its own design point (one draw of the uncertain parameters) unless \
            --replications is given, in which case runs = points x replications. Numeric outcomes \
            get mean, p05, p25, p50, p75 and p95 over the runs where they are defined; events get \
            their probability with a 95% Wilson interval. The numbers are identical whatever --threads.
            """)

    @OptionGroup var options: SimulationOptions

    @Option(parsing: .unconditional, help: "Number of runs.")
    var runs: Int = 10_000

    @Option(parsing: .unconditional, help: "Replications per design point (runs must be a multiple of it).")
    var replications: Int = 1

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Flag(help: "Also print the median of every yearly series, year by year (a table, or `yearlyMedians` in JSON).")
    var yearly = false

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
        let statistics = OutcomeStatistics(outcomes: outcomes)
        // A NaN or infinite outcome means the parameters pushed the model out of its range:
        // dropping those runs would bias every figure without a word.
        let broken = statistics.numeric.filter { $0.2.nonFinite > 0 }
        guard broken.isEmpty else {
            throw CommandFailure("\(broken.map { "\($0.0) (\($0.2.nonFinite) runs)" }.joined(separator: ", ")) came out NaN or "
                + "infinite: the scenario's parameters push the model outside its range; check them with `nepsim scenario check`")
        }
        switch format {
        case .table:
            print(table(statistics, scenario: scenario))
            if yearly { print("\n" + yearlyMedians(series)) }
        case .csv: print(csv(statistics))
        case .json:
            var summary = SimulationSummaryJSON(scenario: scenario.name, runs: runs, seed: options.seed,
                                                weather: options.weather.rawValue, design: options.design.rawValue,
                                                statistics: statistics)
            if yearly {
                summary.yearlyMedians = Dictionary(uniqueKeysWithValues: zip(OutcomeCatalog.series, series).map { definition, years in
                    (definition.name, years.map { QuantileSummary(values: $0).p50 ?? .nan })
                })
            }
            try printJSON(summary)
        }
    }

    func table(_ statistics: OutcomeStatistics, scenario: Scenario) -> String {
        var lines = ["\(scenario.title)",
                     "\(statistics.runs) runs, seed \(options.seed), weather \(options.weather.rawValue), design \(options.design.rawValue)",
                     ""]
        lines.append(pad("outcome", 28, right: false) + ["mean", "p05", "p25", "p50", "p75", "p95"].map { pad($0, 11) }.joined()
                     + "  unit")
        for (name, unit, s) in statistics.numeric {
            let cells = [s.mean, s.p05, s.p25, s.p50, s.p75, s.p95].map { pad(formatNumber($0), 11) }.joined()
            let coverage = s.n < statistics.runs ? " (\(s.n) runs)" : ""
            lines.append(pad(name, 28, right: false) + cells + "  " + unit + coverage)
        }
        lines.append("")
        lines.append(pad("event", 28, right: false) + pad("P", 9) + "   95% interval")
        for (name, p) in statistics.events {
            lines.append(pad(name, 28, right: false) + pad(String(format: "%.4f", p.probability), 9)
                         + String(format: "   %.4f - %.4f", p.ci95[0], p.ci95[1]))
        }
        for (name, shares) in statistics.labels {
            lines.append("")
            lines.append(name)
            for (label, count) in shares {
                lines.append("  " + pad(label, 26, right: false)
                             + pad(String(format: "%.4f", Double(count) / Double(statistics.runs)), 9))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Per-year medians of every series, one column per series.
    func yearlyMedians(_ series: [[[Double]]]) -> String {
        let names = OutcomeCatalog.series.map(\.name)
        var lines = ["Yearly medians", pad("year", 4) + names.map { pad(String($0.prefix(10)), 11) }.joined()]
        for (y, year) in YearTable.years.enumerated() {
            let cells = series.map { pad(formatNumber(QuantileSummary(values: $0[y]).p50), 11) }
            lines.append(pad(String(year), 4) + cells.joined())
        }
        return lines.joined(separator: "\n")
    }

    func csv(_ statistics: OutcomeStatistics) -> String {
        var lines = ["kind,name,n,mean,p05,p25,p50,p75,p95,probability,ci95_low,ci95_high"]
        func f(_ v: Double?) -> String { v.map { String($0) } ?? "" }
        for (name, _, s) in statistics.numeric {
            lines.append("numeric,\(name),\(s.n),\(f(s.mean)),\(f(s.p05)),\(f(s.p25)),\(f(s.p50)),\(f(s.p75)),\(f(s.p95)),,,")
        }
        for (name, p) in statistics.events {
            lines.append("event,\(name),\(p.trials),,,,,,,\(p.probability),\(p.ci95[0]),\(p.ci95[1])")
        }
        for (name, shares) in statistics.labels {
            for (label, count) in shares {
                lines.append("label,\(csvField(name + "=" + label)),\(statistics.runs),,,,,,,\(Double(count) / Double(statistics.runs)),,")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// The JSON shape of `simulate --format json`.
struct SimulationSummaryJSON: Encodable {
    struct Numeric: Encodable {
        let n: Int
        let mean, p05, p25, p50, p75, p95: Double?
    }
    struct Event: Encodable {
        let probability: Double
        let ci95: [Double]
    }
    let scenario: String
    let runs: Int
    let seed: UInt64
    let weather: String
    let design: String
    let numeric: [String: Numeric]
    let events: [String: Event]
    let labels: [String: [String: Double]]
    /// With --yearly: each series' median, 1927 ... 1940.
    var yearlyMedians: [String: [Double]]?

    init(scenario: String, runs: Int, seed: UInt64, weather: String, design: String, statistics: OutcomeStatistics) {
        self.scenario = scenario
        self.runs = runs
        self.seed = seed
        self.weather = weather
        self.design = design
        numeric = Dictionary(uniqueKeysWithValues: statistics.numeric.map { name, _, s in
            (name, Numeric(n: s.n, mean: s.mean, p05: s.p05, p25: s.p25, p50: s.p50, p75: s.p75, p95: s.p95))
        })
        events = Dictionary(uniqueKeysWithValues: statistics.events.map { name, p in
            (name, Event(probability: p.probability, ci95: p.ci95))
        })
        labels = Dictionary(uniqueKeysWithValues: statistics.labels.map { name, shares in
            (name, Dictionary(uniqueKeysWithValues: shares.map { ($0.label, Double($0.count) / Double(runs)) }))
        })
    }
}
