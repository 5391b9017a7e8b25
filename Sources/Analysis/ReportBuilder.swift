import Experiments
import Foundation
import PostgresStore
import SimulationCore
import SweepStore

// MARK: - ReportRequest

/// What `nepsim report` was asked for.
public struct ReportRequest: Sendable {
    public var sweep: String
    public var given: String?
    public var splitBy: String?
    public var compare: String?

    public init(sweep: String, given: String? = nil, splitBy: String? = nil, compare: String? = nil) {
        self.sweep = sweep
        self.given = given
        self.splitBy = splitBy
        self.compare = compare
    }
}

/// A report that cannot be made, and why.
public enum ReportError: Error, Sendable, CustomStringConvertible, Equatable {
    case unknownEvent(String, known: [String])
    case noRuns(String)
    case conflictingOptions(String)
    /// Outcomes that came out NaN or infinite in some runs (only runs simulated in this process:
    /// the database stores no such value).
    case nonFiniteOutcomes([NonFiniteOutcome])

    /// An outcome and how many runs gave it a NaN or infinite value.
    public struct NonFiniteOutcome: Sendable, Equatable {
        public var name: String
        public var runs: Int
    }

    public var description: String {
        switch self {
        case .unknownEvent(let name, let known):
            return "--split-by: '\(name)' is not an event; events are: \(known.joined(separator: ", "))"
        case .noRuns(let what):
            return "no runs to report: \(what)"
        case .conflictingOptions(let message):
            return message
        case .nonFiniteOutcomes(let outcomes):
            return outcomes.map { "\($0.name) (\($0.runs) runs)" }.joined(separator: ", ") + " came out NaN or infinite: "
                + "the scenario's parameters push the model outside its range; check them with `nepsim scenario check`"
        }
    }
}

// MARK: - ReportBuilder

/// Computes a report's numbers inside a read-only transaction (whatever the condition says, nothing
/// can change): the runs' outcomes and events are read once (`RunColumns`) and summarised in Swift,
/// the leaders' shares and the yearly fans in SQL.
public enum ReportBuilder {
    /// Outcomes drawn as histograms and yearly series drawn as fans.
    public static let histogramOutcomes = ["famine_deaths_total", "industrial_output_1940", "urban_population_1939_m"]
    public static let fanSeries = ["harvest_mt", "procurement_mt", "famine_deaths", "industrial_output"]
    public static let histogramBins = 20

    /// `parallelReads`: other sessions to read a large sweep's runs with (see `ParallelReads`).
    public static func build(_ request: ReportRequest, on connection: PostgresConnection, now: Date = Date(),
                             fanRunLimit: Int = fanRunLimit, parallelReads: ParallelReads? = nil) throws -> ReportData {
        if request.splitBy != nil && request.compare != nil {
            throw ReportError.conflictingOptions("use --split-by or --compare, not both")
        }
        if let event = request.splitBy, !OutcomeCatalog.events.contains(where: { $0.name == event }) {
            throw ReportError.unknownEvent(event, known: OutcomeCatalog.events.map(\.name))
        }
        // One snapshot for every number of the report, shared by the sessions reading in parallel.
        try connection.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { _ = try? connection.query("ROLLBACK") }
        let sweep = try StoredSweep.load(request.sweep, from: connection)
        var helpers: [PostgresConnection] = []
        if let parallelReads { helpers = try parallelReads.helpers(forRuns: sweep.runsTotal, beside: connection) }
        defer { for helper in helpers { helper.close() } }
        let readers = [connection] + helpers
        let selection = try Selection(sweepID: sweep.id, given: request.given, connection: connection)
        let columns = try selection.columns(readers, points: sweep.points)
        let source = try source(sweep.id, connection: connection)
        guard columns.count > 0 else {
            throw ReportError.noRuns(request.given.map { "no run of sweep \(sweep.id) satisfies --given \($0)" }
                                     ?? "sweep \(sweep.id) has no stored runs yet")
        }
        // With a reading session to spare, the fans are read on it while this session reads the
        // leaders and this process computes the statistics.
        let selectedRuns = columns.count
        let readFans = { (reader: PostgresConnection) in
            try fans(selection, selectedRuns: selectedRuns, designPoints: sweep.points, runLimit: fanRunLimit, connection: reader)
        }
        // The thread is waited for before anything here can throw: its session closes with the report.
        let fanResult = helpers.first.map { helper in onOwnThread { try readFans(helper) } }
        let leaderShares = Result { try leaders(selection, connection: connection) }
        let numeric = columns.quantiles(), events = columns.eventProbabilities(), histograms = columns.histograms()
        let fanCharts = try fanResult?() ?? readFans(connection)
        var data = ReportData(
            source: source, given: request.given.map(printable), runs: columns.count,
            numeric: numeric, events: events, leaders: try leaderShares.get(), histograms: histograms, fans: fanCharts,
            comparison: nil, generatedAt: ISO8601DateFormatter().string(from: now))
        if let event = request.splitBy {
            data.comparison = comparison(
                splitBy: event,
                left: columns.narrowed(event: event, happened: true), leftLabel: "\(event) = true",
                right: columns.narrowed(event: event, happened: false), rightLabel: "\(event) = false")
        } else if let other = request.compare {
            let otherSweep = try StoredSweep.load(other, from: connection)
            let otherSelection = try Selection(sweepID: otherSweep.id, given: request.given, connection: connection)
            data.comparison = comparison(
                splitBy: "sweep", left: columns, leftLabel: "sweep \(sweep.id) \(sweep.name)",
                right: try otherSelection.columns(readers, points: otherSweep.points),
                rightLabel: "sweep \(otherSweep.id) \(otherSweep.name)")
        }
        return data
    }

    // MARK: Selection

    /// The runs a report covers: one sweep, optionally filtered by a condition and a branch.
    struct Selection {
        let sweepID: Int64
        /// A condition over alias `r` (nepsim.runs), its values bound.
        var whereSQL: SQLQuery

        init(sweepID: Int64, given: String?, connection: PostgresConnection) throws {
            self.sweepID = sweepID
            whereSQL = "r.sweep_id = \(bind: sweepID)"
            if let given {
                let names = try ReportBuilder.parameterNames(sweepID: sweepID, connection: connection)
                whereSQL = whereSQL + " AND \(try Condition.compile(given, parameterNames: names).sql)"
            }
        }

        /// The selected runs' outcomes and events, read in one pass (split between the sessions
        /// by ranges of the sweep's `points`).
        func columns(_ connections: [PostgresConnection], points: Int) throws -> RunColumns {
            try RunColumns.load(whereSQL: whereSQL, points: points, connections: connections)
        }
    }

    /// The sweep's drawn parameters, in the order of `runs.param_values`.
    static func parameterNames(sweepID: Int64, connection: PostgresConnection) throws -> [String] {
        try connection.query("""
            SELECT u.name FROM nepsim.sweeps s, unnest(s.uncertain_parameters) WITH ORDINALITY AS u(name, position)
            WHERE s.sweep_id = \(bind: sweepID) ORDER BY u.position
            """).column("name")
    }

    // MARK: Statistics

    /// The stored sweep's scenario, seed, design and state.
    static func source(_ id: Int64, connection: PostgresConnection) throws -> ReportData.Source {
        let r = try connection.query("""
            SELECT s.sweep_id, s.name, s.scenario_name, s.scenario_title, s.runs_total, s.seed, s.design,
                   s.created_at::text AS created, s.state,
                   (SELECT count(*) FROM nepsim.runs r WHERE r.sweep_id = s.sweep_id) AS stored
            FROM nepsim.sweeps s WHERE s.sweep_id = \(bind: id)
            """)
        let sweep = ReportData.SweepInfo(id: id, name: printable(try r.value(0, "name")), createdAt: try r.value(0, "created"),
                                         state: try r.value(0, "state"), storedRuns: try r.value(0, "stored"))
        return ReportData.Source(scenario: printable(try r.value(0, "scenario_name")),
                                 scenarioTitle: printable(try r.value(0, "scenario_title")), seed: try r.value(0, "seed"),
                                 design: try r.value(0, "design"), runs: try r.value(0, "runs_total"), sweep: sweep)
    }

    /// Text from the database as it may reach a terminal: control characters (escape sequences
    /// that could move the cursor or retitle the window) become U+FFFD.
    public static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "\u{FFFD}" : $0
        }))
    }

    /// Each label's shares (who led in 1930 and 1940), by a GROUP BY per label.
    static func leaders(_ selection: Selection, connection: PostgresConnection) throws -> [String: [String: Double]] {
        var shares: [String: [String: Double]] = [:]
        for label in OutcomeCatalog.labels {
            let result = try connection.query("""
                SELECT r.\(raw: label.name) AS label, count(*)::float8 / sum(count(*)) OVER () AS share
                FROM nepsim.runs r WHERE \(selection.whereSQL) GROUP BY r.\(raw: label.name)
                """)
            shares[label.name] = Dictionary(uniqueKeysWithValues: try result.rows.indices.map {
                // A run without a leader label (NULL) counts under "".
                (printable(try result.optional($0, "label", as: String.self) ?? ""), try result.value($0, "share", as: Double.self))
            })
        }
        return shares
    }

    /// Equal-width bins from the smallest to the largest value (one bin if they are equal). Where a
    /// tail is long (the extreme lies beyond the 0.5th or 99.5th percentile by more than half the
    /// range of the middle 99% of runs), the axis stops at that percentile instead, and the runs
    /// beyond are counted in `belowRange` or `aboveRange` for the chart to say so.
    public static func histogram(name: String, unit: String, values: [Double], bins: Int) -> ReportData.Histogram {
        guard var low = values.min(), var high = values.max() else {
            return ReportData.Histogram(outcome: name, unit: unit, edges: [], counts: [])
        }
        guard high > low else {
            return ReportData.Histogram(outcome: name, unit: unit, edges: [low, high], counts: [values.count])
        }
        if values.count >= 200 {
            var scratch = values
            let middle = OrderStatistics.quantiles(&scratch, [0.005, 0.995])
            let span = middle[1] - middle[0]
            if span > 0 {
                if middle[0] - low > span / 2 { low = middle[0] }
                if high - middle[1] > span / 2 { high = middle[1] }
            }
        }
        let width = (high - low) / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        var below = 0, above = 0
        for value in values {
            if value < low { below += 1 } else if value > high { above += 1 } else { counts[min(bins - 1, Int((value - low) / width))] += 1 }
        }
        return ReportData.Histogram(outcome: name, unit: unit, edges: (0...bins).map { low + Double($0) * width }, counts: counts,
                                    belowRange: below > 0 ? below : nil, aboveRange: above > 0 ? above : nil)
    }

    /// Fan charts read the yearly series of at most about this many runs: those of the design's
    /// first 1/k of points when a selection holds more (a sample the report names); all other
    /// numbers use every run. The first points rather than every k-th: their series lie together
    /// in the table, so a report read from disk reads a tenth of a 1M-run sweep's series in order
    /// instead of one row in every page (the first points of a Sobol' sequence are also evenly
    /// spread, where every k-th can alias).
    public static let fanRunLimit = 100_000

    /// Quantiles of the fan series year by year, from the selected runs' yearly rows read by
    /// binary COPY (empty when the sweep stored no series).
    static func fans(_ selection: Selection, selectedRuns: Int, designPoints: Int, runLimit: Int,
                     connection: PostgresConnection) throws -> [ReportData.Fan] {
        let step = max(1, (selectedRuns + runLimit - 1) / runLimit)
        let sample: SQLQuery = step > 1 ? " AND r.point < \(bind: (designPoints + step - 1) / step)" : ""
        // Straight from the arrays (five of them), not through the run_years view.
        let sql: SQLQuery = """
            COPY (SELECT (s.first_year + u.i - 1)::float8, u.harvest, u.procurement, u.famine, u.producer + u.consumer
                  FROM nepsim.run_series s JOIN nepsim.runs r USING (sweep_id, point, replication)
                  CROSS JOIN LATERAL unnest(s.harvest_mt, s.procurement_mt, s.famine_deaths, s.producer_output, s.consumer_output)
                      WITH ORDINALITY AS u(harvest, procurement, famine, producer, consumer, i)
                  WHERE \(selection.whereSQL)\(sample)) TO STDOUT (FORMAT binary)
            """
        var reader = BinaryCopyReader(doubleColumns: 1 + fanSeries.count, boolColumns: 0)
        try connection.copyOut(sql) { try reader.consume($0) }
        try reader.finish()
        let years = reader.doubles[0]
        guard let first = years.min() else { return [] }
        let runs = years.reduce(0) { $0 + ($1 == first ? 1 : 0) }
        let rowsByYear = Dictionary(grouping: years.indices, by: { Int(years[$0]) })
        let sortedYears = rowsByYear.keys.sorted()
        let units = ["harvest_mt": "Mt", "procurement_mt": "Mt", "famine_deaths": "persons", "industrial_output": "output units (1928 about 100)"]
        return fanSeries.enumerated().map { column, series in
            ReportData.Fan(series: series, unit: units[series] ?? "", years: sortedYears,
                           values: sortedYears.map { year in rowsByYear[year]!.map { reader.doubles[1 + column][$0] } },
                           runs: runs, sampledEvery: step)
        }
    }

    // MARK: Comparison

    static func comparison(splitBy: String, left: RunColumns, leftLabel: String, right: RunColumns,
                           rightLabel: String) -> ReportData.Comparison {
        func branch(_ columns: RunColumns, _ label: String) -> ReportData.Branch {
            ReportData.Branch(label: label, runs: columns.count, numeric: columns.quantiles(),
                              events: columns.eventProbabilities(), histograms: columns.histograms())
        }
        let a = branch(left, leftLabel), b = branch(right, rightLabel)
        var rows: [ReportData.ComparisonRow] = []
        for q in a.numeric {
            guard let r = b.numeric.first(where: { $0.name == q.name }) else { continue }
            rows.append(BranchStatistics.medianRow(name: q.name, left: q, right: r))
        }
        for e in a.events {
            guard let f = b.events.first(where: { $0.name == e.name }) else { continue }
            rows.append(BranchStatistics.probabilityRow(name: e.name, left: e, right: f))
        }
        return ReportData.Comparison(splitBy: splitBy, left: a, right: b, rows: rows)
    }
}

// MARK: - BranchStatistics

/// Differences between two branches with 95% intervals, as `nepsim.compare_branches` computes
/// them: Newcombe's hybrid Wilson interval for probabilities; for medians the normal
/// approximation with each median's standard error 1.2533 x (IQR / 1.349) / sqrt(n).
public enum BranchStatistics {
    public static func medianRow(name: String, left: ReportData.Quantiles, right: ReportData.Quantiles) -> ReportData.ComparisonRow {
        guard let a = left.p50, let b = right.p50 else {
            return ReportData.ComparisonRow(name: name, kind: "median", left: left.p50, right: right.p50,
                                            difference: nil, lower: nil, upper: nil)
        }
        func variance(_ q: ReportData.Quantiles) -> Double? {
            guard let p25 = q.p25, let p75 = q.p75, q.n > 0 else { return nil }
            let se = 1.2533 * (p75 - p25) / 1.349 / Double(q.n).squareRoot()
            return se * se
        }
        let difference = a - b
        guard let va = variance(left), let vb = variance(right) else {
            return ReportData.ComparisonRow(name: name, kind: "median", left: a, right: b, difference: difference, lower: nil, upper: nil)
        }
        let half = 1.959964 * (va + vb).squareRoot()
        return ReportData.ComparisonRow(name: name, kind: "median", left: a, right: b, difference: difference,
                                        lower: difference - half, upper: difference + half)
    }

    public static func probabilityRow(name: String, left: ReportData.Event, right: ReportData.Event) -> ReportData.ComparisonRow {
        let d = left.probability - right.probability
        let lower = d - ((left.probability - left.lower) * (left.probability - left.lower)
                         + (right.upper - right.probability) * (right.upper - right.probability)).squareRoot()
        let upper = d + ((left.upper - left.probability) * (left.upper - left.probability)
                         + (right.probability - right.lower) * (right.probability - right.lower)).squareRoot()
        return ReportData.ComparisonRow(name: name, kind: "probability", left: left.probability, right: right.probability,
                                        difference: d, lower: lower, upper: upper)
    }
}
