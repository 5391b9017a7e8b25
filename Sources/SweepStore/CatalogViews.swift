import Foundation
import PostgresStore
import SimulationCore

// MARK: - CatalogViews

/// The views whose lists of outcomes follow the simulation core's outcome catalog, generated from
/// it rather than written out by hand. Migrations are frozen history (migrations 2 and 6 still
/// spell the lists of their day); these views are derived objects on top: after the migrations,
/// `SchemaMigrator.migrate` replaces them whenever their generated text differs from the text it
/// last applied (kept in `nepsim.derived_objects`). So an outcome added to the catalog needs only
/// the migration that adds its column; the views follow by themselves. Each view keeps its
/// columns, so `CREATE OR REPLACE` keeps grants and the views built on it (the distributions and
/// fan charts).
public enum CatalogViews {
    /// The name under which the generated text is recorded in `nepsim.derived_objects`.
    static let recordName = "catalog views"

    /// Every numeric outcome of every run, one row each (long format).
    static var runOutcomeValues: String {
        unpivot(into: "run_outcome_values", from: "nepsim.runs r", keys: "r.sweep_id, r.point, r.replication",
                rows: OutcomeCatalog.numeric.map { "(\(literal($0.name)), \(literal($0.unit)), r.\($0.name)::float8)" },
                as: "v", columns: ["outcome", "unit", "value"])
    }

    /// Every event of every run, one row each.
    static var runEventValues: String {
        unpivot(into: "run_event_values", from: "nepsim.runs r", keys: "r.sweep_id, r.point, r.replication",
                rows: OutcomeCatalog.events.map { "(\(literal($0.name)), r.\($0.name))" }, as: "e", columns: ["event", "happened"])
    }

    /// Every yearly series of every run, one row each (sweeps launched with --series all).
    static var runYearValues: String {
        unpivot(into: "run_year_values", from: "nepsim.run_years y", keys: "y.sweep_id, y.point, y.replication, y.year",
                rows: OutcomeCatalog.series.map { "(\(literal($0.name)), \(literal($0.unit)), y.\($0.name))" },
                as: "s", columns: ["series", "unit", "value"])
    }

    /// A long-format view: each row of `table` becomes one row per entry of `rows` (a VALUES list).
    private static func unpivot(into view: String, from table: String, keys: String, rows: [String], as alias: String,
                                columns: [String]) -> String {
        """
        CREATE OR REPLACE VIEW nepsim.\(view) AS
        SELECT \(keys), \(columns.map { "\(alias).\($0)" }.joined(separator: ", "))
        FROM \(table)
        CROSS JOIN LATERAL (VALUES
                \(rows.joined(separator: ",\n        "))
            ) AS \(alias)(\(columns.joined(separator: ", ")));
        """
    }

    /// Each event's probability per sweep with its 95% Wilson interval, in one pass over a
    /// sweep's runs: a count per event column, then the counts unpivoted (not every run's events
    /// unpivoted and grouped: 15 million rows for a sweep of a million runs).
    static var eventProbabilities: String {
        let counts = OutcomeCatalog.events.map { "count(*) FILTER (WHERE \($0.name)) AS \($0.name)" }
        let rows = OutcomeCatalog.events.map { "(\(literal($0.name)), c.\($0.name))" }
        return """
            CREATE OR REPLACE VIEW nepsim.event_probabilities AS
            SELECT c.sweep_id, e.event, c.trials, e.successes, e.successes::float8 / c.trials AS probability,
                   w.lower AS ci95_lower, w.upper AS ci95_upper
            FROM (SELECT sweep_id, count(*) AS trials,
                       \(counts.joined(separator: ",\n           "))
                  FROM nepsim.runs GROUP BY sweep_id) c
            CROSS JOIN LATERAL (VALUES
                    \(rows.joined(separator: ",\n        "))
                ) AS e(event, successes)
            CROSS JOIN LATERAL nepsim.wilson_interval(e.successes, c.trials) w;
            """
    }

    /// All of them, in one script.
    public static var sql: String {
        [runOutcomeValues, runEventValues, runYearValues, eventProbabilities].joined(separator: "\n\n")
    }

    /// Replaces the views if the text last applied differs from this build's; returns whether it
    /// did. Runs inside the migrator's transaction and advisory lock.
    static func applyIfChanged(_ connection: PostgresConnection) throws -> Bool {
        let script = sql
        let recorded = try connection.query("""
            SELECT definition FROM nepsim.derived_objects WHERE name = \(bind: recordName)
            """)
        if !recorded.isEmpty, try recorded.value(0, "definition", as: String.self) == script { return false }
        try connection.execute(script: script)
        try connection.query("""
            INSERT INTO nepsim.derived_objects (name, definition) VALUES (\(bind: recordName), \(bind: script))
            ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, applied_at = now()
            """)
        return true
    }

    /// Catalog names and units are the program's own text; quoted all the same.
    private static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
