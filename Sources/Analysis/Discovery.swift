import Experiments
import Foundation
import PostgresStore
import SimulationCore
import SweepStore

// MARK: - DiscoveryReport

/// Where in the space of drawn parameters an event happens: PRIM's peeling trajectory and the
/// chosen box, stated as a condition `nepsim report SWEEP --given` accepts as it is.
public struct DiscoveryReport: Encodable, Sendable {
    public struct Step: Encodable, Sendable {
        public let coverage: Double
        public let density: Double
        public let mass: Double
        public let restricted: [String]
    }

    public struct Limit: Encodable, Sendable {
        public let parameter: String
        public let low: Double?
        public let high: Double?
        public let quasi_p_low: Double?
        public let quasi_p_high: Double?
    }

    public let source: String
    public let event: String
    public let given: String?
    public let runs: Int
    public let event_runs: Int
    public let min_coverage: Double
    public let trajectory: [Step]
    public let chosen_step: Int
    public let coverage: Double
    public let density: Double
    public let mass: Double
    public let box: [Limit]
    /// The box as a --given condition (params.NAME for sweeps; column names for plain data).
    public let condition: String

    public init(source: String, event: String, given: String?, names: [String], prefix: String, minCoverage: Double,
                result: Prim.Result) {
        self.source = source
        self.event = event
        self.given = given
        runs = result.runs
        event_runs = result.totalHits
        min_coverage = minCoverage
        trajectory = result.trajectory.map { Step(coverage: $0.coverage, density: $0.density, mass: $0.mass,
                                                  restricted: $0.restricted.map { names[$0] }) }
        chosen_step = result.chosen
        let picked = result.trajectory[result.chosen]
        coverage = picked.coverage
        density = picked.density
        mass = picked.mass
        let initial = result.trajectory[0]
        box = result.quasiP.map { q in
            Limit(parameter: names[q.input],
                  low: picked.lows[q.input] != initial.lows[q.input] ? picked.lows[q.input] : nil,
                  high: picked.highs[q.input] != initial.highs[q.input] ? picked.highs[q.input] : nil,
                  quasi_p_low: q.lower, quasi_p_high: q.upper)
        }
        condition = box.flatMap { limit -> [String] in
            [limit.low.map { "\(prefix)\(limit.parameter) >= \($0)" }, limit.high.map { "\(prefix)\(limit.parameter) <= \($0)" }]
                .compactMap { $0 }
        }.joined(separator: " and ")
    }

    public var table: String {
        var lines = ["PRIM boxes where \(event) happens (\(source)\(given.map { ", given \($0)" } ?? ""): \(runs.formatted()) runs, "
                     + "\(event_runs.formatted()) with the event)",
                     "step  coverage  density    mass  restricted"]
        for (i, step) in trajectory.enumerated() {
            lines.append(String(format: "%4d%@ %8.3f %8.3f %7.3f  ", i, (i == chosen_step ? "*" : " ") as NSString,
                                step.coverage, step.density, step.mass) + step.restricted.joined(separator: ", "))
        }
        lines.append("")
        lines.append(String(format: "chosen (*): the densest box with coverage >= %.2f: coverage %.3f, density %.3f, mass %.3f",
                            min_coverage, coverage, density, mass))
        for limit in box {
            let range = "\(limit.low.map { String(format: "%.6g", $0) } ?? "-") .. \(limit.high.map { String(format: "%.6g", $0) } ?? "-")"
            let p = [limit.quasi_p_low, limit.quasi_p_high].compactMap { $0 }.map { String(format: "%.2g", $0) }.joined(separator: ", ")
            lines.append("  \(limit.parameter): \(range)  (quasi-p \(p))")
        }
        lines.append("as a condition: --given \"\(condition)\"")
        lines.append("coverage: share of the event's runs inside the box; density: share of the box's runs with the event; "
                     + "mass: share of all runs inside.")
        return lines.joined(separator: "\n")
    }
}

// MARK: - Discovery on a stored sweep

public enum SweepDiscovery {
    /// Reads the drawn parameters and the event of the selected runs by binary COPY and runs PRIM.
    public static func discover(sweep reference: String, event: String, given: String?, minCoverage: Double,
                                peelAlpha: Double = 0.05, connection: PostgresConnection) throws -> DiscoveryReport {
        guard OutcomeCatalog.events.contains(where: { $0.name == event }) else {
            throw SensitivityError("no event '\(event)'; known: \(OutcomeCatalog.events.map(\.name).joined(separator: ", "))")
        }
        let sweep = try StoredSweep.load(reference, from: connection)
        let selection = try ReportBuilder.Selection(sweepID: sweep.id, given: given, connection: connection)
        let names = try ReportBuilder.parameterNames(sweepID: sweep.id, connection: connection)
        guard !names.isEmpty else { throw SensitivityError("sweep \(sweep.id)'s scenario draws no uncertain parameters") }
        var reader = BinaryCopyReader(doubleColumns: names.count, boolColumns: 1)
        let inputs = (1...names.count).map { "r.param_values[\($0)]" }.joined(separator: ", ")
        try connection.copyOut("""
            COPY (SELECT \(raw: inputs), r.\(raw: event) FROM nepsim.runs r WHERE \(selection.whereSQL))
            TO STDOUT (FORMAT binary)
            """) { try reader.consume($0) }
        try reader.finish()
        let result: Prim.Result
        do {
            result = try Prim.run(inputs: reader.doubles, event: reader.bools[0], peelAlpha: peelAlpha, minCoverage: minCoverage)
        } catch {
            throw SensitivityError("\(event): \(error)")
        }
        return DiscoveryReport(source: "sweep \(sweep.id)", event: event, given: given, names: names, prefix: "params.",
                               minCoverage: minCoverage, result: result)
    }
}
