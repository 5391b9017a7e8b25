import Foundation
import Experiments
import PostgresStore
import SimulationCore

// MARK: - RunColumns

/// The runs a report covers, read once from PostgreSQL as columns: every numeric outcome as float8
/// and every event, by binary COPY. The report's statistics are computed from these in Swift (exact
/// quantiles by selection), so a report of a million runs scans the table once instead of sorting
/// each outcome in SQL.
struct RunColumns {
    /// One array per numeric outcome of the catalog, in catalog order; NaN where the outcome is
    /// undefined (NULL).
    var numeric: [[Double]]
    /// One array per event of the catalog, in catalog order.
    var events: [[Bool]]
    var count: Int { events.first?.count ?? numeric.first?.count ?? 0 }

    /// Reads the runs `whereSQL` selects (over alias `r`) by binary COPY.
    static func load(whereSQL: SQLQuery, connection: PostgresConnection) throws -> RunColumns {
        var reader = BinaryCopyReader(doubleColumns: OutcomeCatalog.numeric.count, boolColumns: OutcomeCatalog.events.count)
        try connection.copyOut("COPY (\(selectSQL(whereSQL: whereSQL))) TO STDOUT (FORMAT binary)") { try reader.consume($0) }
        try reader.finish()
        return RunColumns(numeric: reader.doubles, events: reader.bools)
    }

    /// One pass over the selected runs: every numeric outcome as float8, then every event.
    static func selectSQL(whereSQL: SQLQuery) -> SQLQuery {
        let columns = OutcomeCatalog.numeric.map { "r.\($0.name)::float8" } + OutcomeCatalog.events.map { "r.\($0.name)" }
        return "SELECT \(raw: columns.joined(separator: ", ")) FROM nepsim.runs r WHERE \(whereSQL)"
    }

    /// The runs where `event` did (or did not) happen.
    func narrowed(event: String, happened: Bool) -> RunColumns {
        guard let index = OutcomeCatalog.events.firstIndex(where: { $0.name == event }) else { return self }
        let keep = events[index].indices.filter { events[index][$0] == happened }
        return RunColumns(numeric: numeric.map { column in keep.map { column[$0] } },
                          events: events.map { column in keep.map { column[$0] } })
    }

    // MARK: Statistics

    func quantiles() -> [ReportData.Quantiles] { ReportData.distributions { numeric[$0] } }

    func eventProbabilities() -> [ReportData.Event] { ReportData.probabilities { events[$0] } }

    func histograms() -> [ReportData.Histogram] { ReportData.histograms { numeric[$0] } }
}
