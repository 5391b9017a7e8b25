import Experiments
import Foundation
import PostgresStore
import SimulationCore
import SweepStore

// MARK: - SensitivityReport

/// Sobol' indices of one outcome or event of a Saltelli sweep, per uncertain parameter, as
/// `nepsim sensitivity` prints them. With replications, each design point's output is the mean
/// over its replications: the indices are those of the expected outcome (of the event's
/// probability), the model's own chance averaged out.
public struct SensitivityReport: Encodable, Sendable {
    /// Sobol' (S1, ST and their intervals) or Morris (mu, mu_star and its interval, sigma).
    public struct Indices: Encodable, Sendable {
        public var S1: Double?
        public var S1_ci: [Double]?
        public var ST: Double?
        public var ST_ci: [Double]?
        public var mu: Double?
        public var mu_star: Double?
        public var mu_star_ci: [Double]?
        public var sigma: Double?

        /// What ranks parameters: ST, or mu*.
        var importance: Double { ST ?? mu_star ?? S1 ?? 0 }
    }

    public let sweep: String
    public let method: String
    public let outcome: String
    public let runs: Int
    public let baseRows: Int
    public let resamples: Int
    /// Parameters in the order of the scenario's uncertain parameters.
    public let parameterOrder: [String]
    public let parameters: [String: Indices]

    public init(sweep: String, method: String, outcome: String, runs: Int, baseRows: Int, resamples: Int,
                names: [String], estimates: [SobolIndices.Estimate]) {
        self.sweep = sweep
        self.method = method
        self.outcome = outcome
        self.runs = runs
        self.baseRows = baseRows
        self.resamples = resamples
        parameterOrder = names
        parameters = Dictionary(uniqueKeysWithValues: zip(names, estimates).map { name, e in
            (name, Indices(S1: e.firstOrder, S1_ci: [e.firstOrderInterval.lowerBound, e.firstOrderInterval.upperBound],
                           ST: e.total, ST_ci: [e.totalInterval.lowerBound, e.totalInterval.upperBound]))
        })
    }

    public init(sweep: String, outcome: String, runs: Int, resamples: Int, names: [String], binned: [BinnedFirstOrder.Estimate]) {
        self.sweep = sweep
        method = "binned-first-order"
        self.outcome = outcome
        self.runs = runs
        baseRows = runs
        self.resamples = resamples
        parameterOrder = names
        parameters = Dictionary(uniqueKeysWithValues: zip(names, binned).map { name, e in
            (name, Indices(S1: e.firstOrder, S1_ci: [e.firstOrderInterval.lowerBound, e.firstOrderInterval.upperBound]))
        })
    }

    public init(sweep: String, outcome: String, runs: Int, trajectories: Int, resamples: Int, names: [String],
                effects: [MorrisEffects.Estimate]) {
        self.sweep = sweep
        method = "morris"
        self.outcome = outcome
        self.runs = runs
        baseRows = trajectories
        self.resamples = resamples
        parameterOrder = names
        parameters = Dictionary(uniqueKeysWithValues: zip(names, effects).map { name, e in
            (name, Indices(mu: e.mu, mu_star: e.muStar, mu_star_ci: [e.muStarInterval.lowerBound, e.muStarInterval.upperBound],
                           sigma: e.sigma))
        })
    }

    enum CodingKeys: String, CodingKey { case sweep, method, outcome, runs, parameters }

    /// Parameters by total index, largest first.
    public var ranked: [(name: String, indices: Indices)] {
        parameterOrder.map { ($0, parameters[$0]!) }.sorted { $0.indices.importance > $1.indices.importance }
    }

    public var table: String {
        method == "morris" ? morrisTable : sobolTable
    }

    private var morrisTable: String {
        var lines = ["Morris elementary effects of \(outcome) (\(sweep), \(runs.formatted()) runs, \(baseRows.formatted()) trajectories; "
                     + "95% bootstrap interval of mu* from \(resamples) resamples)",
                     pad("parameter") + "       mu      mu*    mu* 95% interval      sigma"]
        for (name, i) in ranked {
            lines.append(pad(name) + String(format: " %8.4g %8.4g [%9.4g, %9.4g] %9.4g", i.mu ?? .nan, i.mu_star ?? .nan,
                                            i.mu_star_ci?[0] ?? .nan, i.mu_star_ci?[1] ?? .nan, i.sigma ?? .nan))
        }
        lines.append("mu*: how much the parameter moves the output (per unit of its range, in grid units); mu: in which direction;")
        lines.append("sigma: how much its effect depends on the others (interactions, non-linearity).")
        return lines.joined(separator: "\n")
    }

    private var sobolTable: String {
        let what = method == "binned-first-order"
            ? "First-order indices of \(outcome) from given data (\(sweep), \(runs.formatted()) runs, inputs binned by rank; no total "
                + "indices without a Saltelli design; 95% bootstrap intervals from \(resamples) resamples)"
            : "Sobol' indices of \(outcome) (\(sweep), \(runs.formatted()) runs, \(baseRows.formatted()) base rows; "
                + "95% bootstrap intervals from \(resamples) resamples)"
        let withTotal = method == "sobol"
        var lines = [what,
                     pad("parameter") + "       S1    S1 95% interval" + (withTotal ? "       ST    ST 95% interval" : "")]
        for (name, i) in ranked {
            var line = pad(name) + String(format: " %8.4f [%7.4f, %7.4f]", i.S1 ?? .nan, i.S1_ci?[0] ?? .nan, i.S1_ci?[1] ?? .nan)
            if withTotal {
                line += String(format: " %8.4f [%7.4f, %7.4f]", i.ST ?? .nan, i.ST_ci?[0] ?? .nan, i.ST_ci?[1] ?? .nan)
            }
            lines.append(line)
        }
        let unexplained = 1 - parameters.values.reduce(0) { $0 + ($1.S1 ?? 0) }
        lines.append(pad("(interactions and chance: 1 - sum of S1)") + String(format: " %8.4f", unexplained))
        lines.append("S1: the share of the output's variance due to the parameter alone" + (withTotal ? "; ST: with all its interactions." : "."))
        lines.append("Indices near 0 whose interval straddles 0 are indistinguishable from no effect at this many base rows.")
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String) -> String {
        text.count >= 40 ? String(text.prefix(40)) : text + String(repeating: " ", count: 40 - text.count)
    }

    public var csv: String {
        func field(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        if method == "morris" {
            return (["parameter,mu,mu_star,mu_star_low,mu_star_high,sigma"] + ranked.map { name, i in
                [name, field(i.mu), field(i.mu_star), field(i.mu_star_ci?[0]), field(i.mu_star_ci?[1]), field(i.sigma)]
                    .joined(separator: ",")
            }).joined(separator: "\n")
        }
        return (["parameter,S1,S1_low,S1_high,ST,ST_low,ST_high"] + ranked.map { name, i in
            [name, field(i.S1), field(i.S1_ci?[0]), field(i.S1_ci?[1]), field(i.ST), field(i.ST_ci?[0]), field(i.ST_ci?[1])]
                .joined(separator: ",")
        }).joined(separator: "\n")
    }
}

/// Why a sensitivity analysis cannot be made, with what to do instead.
public struct SensitivityError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

// MARK: - Sobol' indices of a stored sweep

public enum SweepSensitivity {
    /// Reads the sweep's per-point means of `output` (an outcome, or an event as 0/1) by binary
    /// COPY and computes Sobol' indices (a Saltelli sweep) or Morris's elementary effects (a
    /// Morris sweep). The sweep must be complete.
    /// First-order indices of any sample, one row per run: the drawn values and the output.
    static func givenData(sweep: StoredSweep, column: String, output: String, names: [String], resamples: Int, seed: UInt64,
                          connection: PostgresConnection) throws -> SensitivityReport {
        let k = names.count
        var reader = BinaryCopyReader(doubleColumns: k + 1, boolColumns: 0)
        let inputs = (1...k).map { "r.param_values[\($0)]" }.joined(separator: ", ")
        try connection.copyOut("""
            COPY (SELECT \(raw: inputs), \(raw: column) FROM nepsim.runs r WHERE r.sweep_id = \(bind: sweep.id) AND \(raw: column) IS NOT NULL)
            TO STDOUT (FORMAT binary)
            """) { try reader.consume($0) }
        try reader.finish()
        let estimates: [BinnedFirstOrder.Estimate]
        do {
            estimates = try BinnedFirstOrder.analyze(inputs: Array(reader.doubles.prefix(k)), outputs: reader.doubles[k],
                                                     resamples: resamples, seed: seed)
        } catch {
            throw SensitivityError("\(output): \(error)")
        }
        return SensitivityReport(sweep: "sweep \(sweep.id)", outcome: output, runs: reader.doubles[k].count, resamples: resamples,
                                 names: names, binned: estimates)
    }

    /// `resamples` defaults to 1,000 for Saltelli and Morris sweeps and 100 for given data
    /// (which resamples every run).
    public static func indices(sweep reference: String, output: String, resamples chosen: Int? = nil, seed: UInt64 = 1,
                               connection: PostgresConnection) throws -> SensitivityReport {
        let sweep = try StoredSweep.load(reference, from: connection)
        let resamples = chosen ?? (sweep.design == .saltelli || sweep.design == .morris ? 1000 : 100)
        let column: String
        if OutcomeCatalog.numeric.contains(where: { $0.name == output }) {
            column = "r.\(output)::float8"
        } else if OutcomeCatalog.events.contains(where: { $0.name == output }) {
            column = "r.\(output)::int::float8"
        } else {
            let known = (OutcomeCatalog.numeric.map(\.name) + OutcomeCatalog.events.map(\.name)).joined(separator: ", ")
            throw SensitivityError("no outcome or event '\(output)'; known: \(known)")
        }
        let names = try ReportBuilder.parameterNames(sweepID: sweep.id, connection: connection)
        let k = names.count, blocks = sweep.design == .morris ? k + 1 : k + 2
        guard k > 0 else { throw SensitivityError("sweep \(sweep.id)'s scenario draws no uncertain parameters: nothing to rank") }
        if sweep.design != .saltelli && sweep.design != .morris {
            return try givenData(sweep: sweep, column: column, output: output, names: names, resamples: resamples, seed: seed,
                                 connection: connection)
        }
        var reader = BinaryCopyReader(doubleColumns: 3, boolColumns: 0)
        try connection.copyOut("""
            COPY (SELECT r.point::float8, avg(\(raw: column)), count(\(raw: column))::float8 FROM nepsim.runs r
                  WHERE r.sweep_id = \(bind: sweep.id) GROUP BY r.point ORDER BY r.point) TO STDOUT (FORMAT binary)
            """) { try reader.consume($0) }
        try reader.finish()
        let points = reader.doubles[0], means = reader.doubles[1], counts = reader.doubles[2]
        guard points.count == sweep.points, points.enumerated().allSatisfy({ Double($0.offset) == $0.element }) else {
            throw SensitivityError("sweep \(sweep.id) has runs stored for \(points.count) of its \(sweep.points) design points; "
                + "Sobol' indices need every point (`nepsim sweep status \(sweep.id)`)")
        }
        if let missing = counts.firstIndex(where: { $0 == 0 }) {
            throw SensitivityError("\(output) has no value at design point \(missing) (it is NULL in every replication there); "
                + "choose an outcome defined in every run")
        }
        if sweep.design == .morris {
            let design = MorrisDesign(seed: sweep.seed, dimensions: k, levels: sweep.levels ?? MorrisDesign.defaultLevels)
            let effects: [MorrisEffects.Estimate]
            do {
                effects = try MorrisEffects.analyze(inputs: (0..<sweep.points).map { design.gridPoint(UInt64($0)) }, outputs: means,
                                                    resamples: resamples, seed: seed)
            } catch {
                throw SensitivityError("\(output): \(error)")
            }
            return SensitivityReport(sweep: "sweep \(sweep.id)", outcome: output, runs: sweep.runsTotal, trajectories: sweep.points / (k + 1),
                                     resamples: resamples, names: names, effects: effects)
        }
        let estimates: [SobolIndices.Estimate]
        do {
            estimates = try SobolIndices.analyze(saltelliOutputs: means, parameters: k, resamples: resamples, seed: seed)
        } catch {
            throw SensitivityError("\(output): \(error)")
        }
        let rows = sweep.points / blocks  // Saltelli base rows
        return SensitivityReport(sweep: "sweep \(sweep.id)", method: "sobol", outcome: output, runs: sweep.runsTotal,
                                 baseRows: rows, resamples: resamples, names: names, estimates: estimates)
    }
}
