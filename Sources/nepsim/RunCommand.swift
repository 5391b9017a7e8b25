import Analysis
import ArgumentParser
import Experiments
import Foundation
import SimulationCore

/// `nepsim run`: one run, year by year.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Simulate one run and print its yearly table and outcomes.",
        discussion: """
            A run is identified by (seed, design point, replication): the design point fixes the \
            uncertain parameters, the replication the chance inside the run. The same identity \
            prints the same numbers on any machine.

            --format csv prints the yearly series as CSV, then a blank line and the outcomes as \
            CSV (outcome,value,unit). --format json prints one object with the drawn parameters, \
            outcomes, events and years.
            """)

    @OptionGroup var options: SimulationOptions

    @Option(help: "Design point (0-based): which draw of the uncertain parameters.")
    var point: UInt64 = 0

    @Option(help: "Replication (0-based): which draw of the chance inside the run.")
    var replication: UInt32 = 0

    @Option(help: "Number of design points of the design (matters for 'lhs' only).")
    var points: UInt64 = 1

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func validate() throws {
        guard points >= 1 else { throw ValidationError("--points must be at least 1.") }
        guard point < points || options.design == .monteCarlo else {
            throw ValidationError("--point \(point) is outside the design's \(points) points (0 ... \(points - 1)).")
        }
        guard point < (1 << 56) else { throw ValidationError("--point must be below 2^56.") }
    }

    func run() throws {
        let scenario = try options.loadScenario()
        let plan = RunPlan(scenario: scenario, design: options.design, seed: options.seed,
                           points: max(points, point + 1), weather: options.weather)
        let parameters = plan.parameters(point: point)
        var series: [YearRecord] = []
        let outcomes = plan.run(point: point, replication: replication, parameters: parameters, series: &series)
        let report = RunReport(scenario: scenario, plan: plan, point: point, replication: replication,
                               parameters: parameters, outcomes: outcomes, series: series)
        switch format {
        case .table: print(report.table())
        case .csv: print(report.csv())
        case .json: try printJSON(report.json())
        }
    }
}

/// One run, rendered for people or machines.
struct RunReport {
    let scenario: Scenario
    let plan: RunPlan
    let point: UInt64
    let replication: UInt32
    let parameters: ModelParameters
    let outcomes: RunOutcomes
    let series: [YearRecord]

    /// The columns of the yearly table: header, width, value.
    static let columns: [(String, Int, @Sendable (YearRecord) -> String)] = [
        ("year", 4, { String($0.year) }),
        ("leader", 16, { $0.leader.label }),
        ("harvest", 7, { String(format: "%.1f", $0.harvestMt) }),
        ("procure", 7, { String(format: "%.1f", $0.procurementMt) }),
        ("export", 6, { String(format: "%.1f", $0.grainExportsMt) }),
        ("urban", 5, { String(format: "%.1f", $0.urbanPopulationM) }),
        ("rural", 5, { String(format: "%.1f", $0.ruralPopulationM) }),
        ("famine k", 8, { String(format: "%.0f", $0.famineDeathsM * 1000) }),
        ("prod", 5, { String(format: "%.0f", $0.producerOutput) }),
        ("cons", 5, { String(format: "%.0f", $0.consumerOutput) }),
        ("horses", 6, { String(format: "%.1f", $0.horsesM) }),
        ("cattle", 6, { String(format: "%.1f", $0.cattleM) }),
        ("kolkhoz", 7, { String(format: "%.0f%%", 100 * $0.collectivizedShare) }),
        ("coerce", 6, { String(format: "%.2f", $0.coercion) }),
        ("camps", 5, { String(format: "%.2f", $0.campPopulationM) }),
        ("wage", 5, { String(format: "%.0f", $0.realWage) }),
    ]

    func table() -> String {
        var lines: [String] = []
        lines.append("\(scenario.title)")
        lines.append("scenario \(scenario.name)  seed \(plan.seed)  point \(point)  replication \(replication)  weather \(plan.weather.rawValue)  design \(plan.design.name)")
        lines.append("")
        lines.append("Harvest, procurement and exports in Mt; population in millions; famine deaths in thousands;")
        lines.append("output in units (1928 industry about 100); herds in million head; camps in millions; wage 1928 = 100.")
        lines.append(RunReport.columns.map { pad($0.0, $0.1) }.joined(separator: " "))
        for record in series {
            lines.append(RunReport.columns.map { pad($0.2(record), $0.1) }.joined(separator: " "))
        }
        lines.append("")
        lines.append("Outcomes")
        for outcome in OutcomeCatalog.numeric {
            lines.append("  " + pad(outcome.name, 30, right: false) + pad(Numbers.number(outcome.value(outcomes), unit: outcome.unit), 14) + "  " + outcome.unit)
        }
        for label in OutcomeCatalog.labels {
            lines.append("  " + pad(label.name, 30, right: false) + pad(label.label(outcomes), 14))
        }
        lines.append("")
        lines.append("Events")
        for event in OutcomeCatalog.events {
            lines.append("  " + pad(event.name, 30, right: false) + pad(event.happened(outcomes) ? "yes" : "no", 14))
        }
        if !scenario.uncertain.isEmpty {
            lines.append("")
            lines.append("Drawn parameters (design point \(point))")
            for declaration in scenario.uncertain {
                lines.append("  " + pad(declaration.name, 40, right: false) + pad(Numbers.number(declaration.spec.value(in: parameters)), 12))
            }
        }
        return lines.joined(separator: "\n")
    }

    func csv() -> String {
        var lines = [(["year", "leader"] + OutcomeCatalog.series.map(\.name)).joined(separator: ",")]
        for record in series {
            let values = OutcomeCatalog.series.map { String($0.value(record)) }
            lines.append(([String(record.year), csvField(record.leader.label)] + values).joined(separator: ","))
        }
        lines.append("")
        lines.append("outcome,value,unit")
        for outcome in OutcomeCatalog.numeric {
            lines.append("\(outcome.name),\(outcome.value(outcomes).map { String($0) } ?? ""),\(csvField(outcome.unit))")
        }
        for label in OutcomeCatalog.labels { lines.append("\(label.name),\(csvField(label.label(outcomes))),") }
        for event in OutcomeCatalog.events { lines.append("\(event.name),\(event.happened(outcomes)),") }
        return lines.joined(separator: "\n")
    }

    struct JSONRun: Encodable {
        let scenario: String
        let seed: UInt64
        let point: UInt64
        let replication: UInt32
        let weather: String
        let design: String
        let generator: String
        let parameters: [String: Double]
        let outcomes: [String: Double?]
        let labels: [String: String]
        let events: [String: Bool]
        let years: [[String: Double]]
        let leaders: [String]
    }

    func json() -> JSONRun {
        JSONRun(
            scenario: scenario.name, seed: plan.seed, point: point, replication: replication,
            weather: plan.weather.rawValue, design: plan.design.name, generator: Philox4x32.generatorName,
            parameters: Dictionary(uniqueKeysWithValues: scenario.uncertain.map { ($0.name, $0.spec.value(in: parameters)) }),
            outcomes: Dictionary(uniqueKeysWithValues: OutcomeCatalog.numeric.map { ($0.name, $0.value(outcomes)) }),
            labels: Dictionary(uniqueKeysWithValues: OutcomeCatalog.labels.map { ($0.name, $0.label(outcomes)) }),
            events: Dictionary(uniqueKeysWithValues: OutcomeCatalog.events.map { ($0.name, $0.happened(outcomes)) }),
            years: series.map { record in
                var row = Dictionary(uniqueKeysWithValues: OutcomeCatalog.series.map { ($0.name, $0.value(record)) })
                row["year"] = Double(record.year)
                return row
            },
            leaders: series.map(\.leader.label))
    }
}
