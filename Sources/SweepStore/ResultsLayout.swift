import Foundation
import PostgresStore
import SimulationCore

// MARK: - ResultsLayout

/// How a run's outcomes become rows of `nepsim.runs` and `nepsim.run_series`: one typed column per
/// outcome of the simulation core's catalog (for a yearly series, an array with a value a year),
/// written with binary COPY.
public enum ResultsLayout {
    /// Columns of `nepsim.runs` after (sweep_id, point, replication), with their SQL types.
    public static let runColumns: [(name: String, type: String)] =
        OutcomeCatalog.numeric.map { ($0.name, $0.isWholeNumber ? "integer" : "double precision") }
        + OutcomeCatalog.labels.map { ($0.name, "text") }
        + OutcomeCatalog.events.map { ($0.name, "boolean") }
        + [("worker_id", "text"), ("param_values", "double precision[]")]

    /// Columns of `nepsim.run_years` (a view of `nepsim.run_series` with a row a year) after
    /// (sweep_id, point, replication, year, leader).
    public static let yearColumns: [(name: String, type: String)] =
        OutcomeCatalog.series.map { ($0.name, "double precision") }

    /// Columns of `nepsim.run_series` after (sweep_id, point, replication, first_year, leader).
    public static let seriesColumns: [(name: String, type: String)] =
        OutcomeCatalog.series.map { ($0.name, "double precision[]") }

    public static let copyRuns = "COPY nepsim.runs (sweep_id, point, replication, "
        + runColumns.map(\.name).joined(separator: ", ") + ") FROM STDIN (FORMAT binary)"

    public static let copyRunSeries = "COPY nepsim.run_series (sweep_id, point, replication, first_year, leader, "
        + seriesColumns.map(\.name).joined(separator: ", ") + ") FROM STDIN (FORMAT binary)"

    /// Whether each numeric outcome's column is an integer, worked out once rather than per row.
    /// (The accessors are called from the catalog itself: taken out into an array of tuples, a
    /// closure is stored at the generic abstraction, and each call went through a thunk that
    /// copied the whole `RunOutcomes` value.)
    private static let numericIsWhole = OutcomeCatalog.numeric.map(\.isWholeNumber)

    /// Appends one run to a COPY payload for `nepsim.runs`. Returns the name of the first numeric
    /// outcome that is not finite (NaN or infinite), if any: such a run must not be stored (the
    /// row written for it is then to be discarded with its payload). One pass over the outcomes
    /// both checks and encodes them: encoding is a third of a worker's time per run.
    @discardableResult
    public static func appendRun(
        _ writer: inout BinaryCopyWriter, sweepID: Int64, point: UInt64, replication: UInt32,
        outcomes: RunOutcomes, parameterValues: [Double], workerID: String
    ) -> String? {
        var nonFinite: String?
        writer.startRow(fields: 3 + runColumns.count)
        writer.int64(sweepID)
        writer.int64(Int64(point))
        writer.int32(Int32(replication))
        let numeric = OutcomeCatalog.numeric
        for index in numeric.indices {
            let number = numeric[index].value(outcomes)
            if let number, !number.isFinite {
                if nonFinite == nil { nonFinite = numeric[index].name }
                writer.null()
            } else if numericIsWhole[index] {
                if let number { writer.int32(Int32(number)) } else { writer.null() }
            } else {
                writer.double(number)
            }
        }
        for label in OutcomeCatalog.labels { writer.text(label.label(outcomes)) }
        for event in OutcomeCatalog.events { writer.bool(event.happened(outcomes)) }
        writer.text(workerID)
        writer.doubleArray(parameterValues)
        return nonFinite
    }

    /// Appends a run's yearly records to a COPY payload for `nepsim.run_series`: one row, each
    /// series an array of its values year by year from the first record's year (the records are
    /// consecutive years, as the simulation writes them).
    public static func appendSeries(
        _ writer: inout BinaryCopyWriter, sweepID: Int64, point: UInt64, replication: UInt32, series: [YearRecord]
    ) {
        writer.startRow(fields: 5 + seriesColumns.count)
        writer.int64(sweepID)
        writer.int64(Int64(point))
        writer.int32(Int32(replication))
        writer.int16(Int16(series.first?.year ?? 0))
        writer.textArray(series.map(\.leader.label))
        for definition in OutcomeCatalog.series {
            writer.doubleArray(count: series.count) { definition.value(series[$0]) }
        }
    }
}
