import PostgresStore
import PostgresTestSupport
import SimulationCore
import SweepStore
import Sweeps
import XCTest

/// The public SQL interface: versioned migrations, and tables whose columns follow the core's
/// outcome catalog.
final class SchemaTests: DatabaseTestCase {
    func testRunsAndRunYearsColumnsMatchTheOutcomeCatalog() throws {
        func columns(_ table: String) throws -> [(String, String)] {
            try connection.query("""
                SELECT column_name, format_type(atttypid, atttypmod) FROM information_schema.columns
                JOIN pg_attribute ON attrelid = ('nepsim.' || table_name)::regclass AND attname = column_name
                WHERE table_schema = 'nepsim' AND table_name = \(bind: table) ORDER BY ordinal_position
                """).rows.map { ($0[0]!, $0[1]!) }
        }
        let runs = try columns("runs")
        XCTAssertEqual(runs.map(\.0), ["sweep_id", "point", "replication"] + ResultsLayout.runColumns.map(\.name))
        XCTAssertEqual(Array(runs.map(\.1).dropFirst(3)), ResultsLayout.runColumns.map(\.type))
        let years = try columns("run_years")
        XCTAssertEqual(years.map(\.0), ["sweep_id", "point", "replication", "year", "leader"] + ResultsLayout.yearColumns.map(\.name))
        XCTAssertEqual(Array(years.map(\.1).dropFirst(5)), ResultsLayout.yearColumns.map(\.type))
        let series = try columns("run_series")
        XCTAssertEqual(series.map(\.0), ["sweep_id", "point", "replication", "first_year", "leader"] + ResultsLayout.seriesColumns.map(\.name))
        XCTAssertEqual(Array(series.map(\.1).dropFirst(4)), ["text[]"] + ResultsLayout.seriesColumns.map(\.type))
        XCTAssertEqual(try columns("sweeps").map(\.0).prefix(4), ["sweep_id", "name", "scenario_name", "scenario_title"])
        for table in ["tasks", "workers"] { XCTAssertFalse(try columns(table).isEmpty, table) }
    }

    /// Migration 13 moves each run's yearly rows into one row of arrays, and `run_years` (now a
    /// view) gives back the rows it held, value for value; the views built on it still answer.
    func testUpgradeMovesYearlyRowsIntoSeriesArrays() throws {
        let database = try TestDatabase.freshDatabase(named: "upgrade13")
        defer { TestDatabase.dropDatabase(database) }
        let old = try PostgresConnection(url: database)
        defer { old.close() }
        XCTAssertEqual(try SchemaMigrator.migrate(old, upTo: 12), Array(1...12))
        try old.query("""
            INSERT INTO nepsim.sweeps (name, scenario_name, scenario_title, scenario_text, scenario_sha256, design, seed, points,
                replications, runs_total, weather, series, task_size, max_attempts, uncertain_parameters, code_version, generator)
            VALUES ('old', 'otl', 'OTL', '', '', 'mc', 1, 2, 1, 2, 'random', 'all', 1, 3, '{}', 'old', 'philox')
            """)
        let seriesNames = ResultsLayout.yearColumns.map(\.name)
        // Two runs of three years, inserted out of order; every value distinct.
        for (point, year) in [(1, 1929), (0, 1928), (1, 1927), (0, 1927), (1, 1928), (0, 1929)] {
            let values = seriesNames.indices.map { "\(Double(point * 1_000_000 + year * 100 + $0) + 0.125)" }.joined(separator: ", ")
            try old.query(SQLQuery(raw: """
                INSERT INTO nepsim.run_years (sweep_id, point, replication, year, leader, \(seriesNames.joined(separator: ", ")))
                SELECT sweep_id, \(point), 0, \(year), 'leader \(year)', \(values) FROM nepsim.sweeps
                """))
        }
        let rowsQuery: SQLQuery = "SELECT y::text AS row FROM nepsim.run_years y ORDER BY point, replication, year"
        let before = try old.query(rowsQuery).rows.map { $0[0] }
        XCTAssertEqual(before.count, 6)
        XCTAssertEqual(try SchemaMigrator.migrate(old), Array(13...Migrations.all.count))
        XCTAssertEqual(try old.query(rowsQuery).rows.map { $0[0] }, before)
        let stored = try old.query("SELECT first_year, leader::text AS leader, harvest_mt::text AS harvest FROM nepsim.run_series WHERE point = 1")
        XCTAssertEqual(stored.string(0, "first_year"), "1927")
        XCTAssertEqual(stored.string(0, "leader"), #"{"leader 1927","leader 1928","leader 1929"}"#)
        XCTAssertEqual(stored.string(0, "harvest"), "{1192700.125,1192800.125,1192900.125}")
        XCTAssertEqual(try old.query("""
            SELECT count(*) AS n FROM nepsim.run_year_values WHERE series = 'steel_mt'
            """).string(0, "n"), "6")
        XCTAssertEqual(try old.query("""
            SELECT p50::text AS p50 FROM nepsim.yearly_fans WHERE series = 'harvest_mt' AND year = 1928
            """).string(0, "p50"), "692800.125")
    }

    /// Migration 7 turns each stored run's jsonb params into param_values in the order of the
    /// sweep's uncertain_parameters, and the views give them back by name.
    func testUpgradeMovesStoredParamsIntoParamValuesInTheSweepsOrder() throws {
        let database = try TestDatabase.freshDatabase(named: "upgrade7")
        defer { TestDatabase.dropDatabase(database) }
        let old = try PostgresConnection(url: database)
        defer { old.close() }
        XCTAssertEqual(try SchemaMigrator.migrate(old, upTo: 6), [1, 2, 3, 4, 5, 6])
        try old.query("""
            INSERT INTO nepsim.sweeps (name, scenario_name, scenario_title, scenario_text, scenario_sha256, design, seed, points,
                replications, runs_total, weather, series, task_size, max_attempts, uncertain_parameters, code_version, generator)
            VALUES ('old', 'otl', 'OTL', '', '', 'mc', 1, 2, 1, 2, 'random', 'none', 1, 3, '{b_param,a_param}', 'old', 'philox')
            """)
        let sweepID: String = try XCTUnwrap(try old.query("SELECT sweep_id FROM nepsim.sweeps").string(0, "sweep_id"))
        for (point, params) in [(0, #"{"a_param": 0.25, "b_param": -1.5}"#), (1, #"{"b_param": 1e300, "a_param": 3}"#)] {
            try old.query("""
                INSERT INTO nepsim.runs (sweep_id, point, replication, leader_1930, leader_1940, stalin_attempted_1926,
                    stalin_died_1926, kirov_attempted_1934, kirov_killed_1934, leader_assassinated, forced_collectivization,
                    famine_over_100k, famine_over_1m, famine_over_5m, terror, nep_survived_1935, regime_crisis, nazi_takeover,
                    border_war_defeat, foreign_loan, params)
                VALUES (\(bind: sweepID), \(bind: point), 0, 'x', 'x', false, false, false, false, false, false, false, false, false, false, false, false,
                        false, false, false, \(bind: params)::jsonb)
                """)
        }
        XCTAssertEqual(try SchemaMigrator.migrate(old), Array(7...Migrations.all.count))
        let values = try old.query("SELECT param_values::text AS v FROM nepsim.runs ORDER BY point").rows.map { $0[0] }
        XCTAssertEqual(values, ["{-1.5,0.25}", "{1e+300,3}"])
        let byName = try old.query("""
            SELECT parameter, value FROM nepsim.run_parameters WHERE point = 1 ORDER BY parameter
            """).rows.map { "\($0[0]!)=\($0[1]!)" }
        XCTAssertEqual(byName, ["a_param=3", "b_param=1e+300"])
        XCTAssertEqual(try old.query("SELECT params->>'a_param' AS a FROM nepsim.runs_with_params WHERE point = 0").string(0, "a"), "0.25")
    }

    func testMigrationIsIdempotentAndVersionsAreChecked() throws {
        XCTAssertEqual(try SchemaMigrator.migrate(connection), [])
        XCTAssertEqual(try SchemaMigrator.status(connection), .current(SchemaMigrator.expectedVersion))
        try connection.query("INSERT INTO nepsim.schema_migrations (version, name) VALUES (999, 'from the future')")
        let status = try SchemaMigrator.status(connection)
        XCTAssertEqual(status, .newer(database: 999, expected: SchemaMigrator.expectedVersion))
        XCTAssertThrowsError(try SchemaMigrator.requireCurrent(connection)) { error in
            XCTAssert("\(error)".contains("newer than this nepsim knows"), "\(error)")
        }
        XCTAssertThrowsError(try SchemaMigrator.migrate(connection))
        try connection.query("DELETE FROM nepsim.schema_migrations")
        XCTAssertEqual(try SchemaMigrator.status(connection), .older(database: 0, expected: SchemaMigrator.expectedVersion))
        XCTAssertThrowsError(try SchemaMigrator.requireCurrent(connection)) { error in
            XCTAssert("\(error)".contains("run `nepsim db migrate`"), "\(error)")
        }
        try connection.query("DROP SCHEMA nepsim CASCADE")
        XCTAssertEqual(try SchemaMigrator.status(connection), .absent)
        XCTAssertEqual(try SchemaMigrator.migrate(connection), Migrations.all.map(\.version))
    }

    /// The views that list the outcomes are generated from the catalog: each lists exactly the
    /// catalog's outcomes, events and series, with their units, over real stored runs.
    func testGeneratedViewsListExactlyTheCatalog() throws {
        let sweep = try launch(runs: 4, taskSize: 2, series: true)
        _ = try runWorkers(1, sweep: sweep)
        func pairs(_ query: SQLQuery) throws -> Set<[String]> {
            Set(try connection.query(query).rows.map { $0.map { $0 ?? "NULL" } })
        }
        XCTAssertEqual(try pairs("SELECT DISTINCT outcome, unit FROM nepsim.run_outcome_values WHERE sweep_id = \(bind: sweep.id)"),
                       Set(OutcomeCatalog.numeric.map { [$0.name, $0.unit] }))
        XCTAssertEqual(try pairs("SELECT DISTINCT event FROM nepsim.run_event_values WHERE sweep_id = \(bind: sweep.id)"),
                       Set(OutcomeCatalog.events.map { [$0.name] }))
        XCTAssertEqual(try pairs("SELECT event FROM nepsim.event_probabilities WHERE sweep_id = \(bind: sweep.id)"),
                       Set(OutcomeCatalog.events.map { [$0.name] }))
        XCTAssertEqual(try pairs("SELECT DISTINCT series, unit FROM nepsim.run_year_values WHERE sweep_id = \(bind: sweep.id)"),
                       Set(OutcomeCatalog.series.map { [$0.name, $0.unit] }))
        // Each value is the run's own column, not a neighbour's.
        let mismatched = try connection.query("""
            SELECT count(*) AS n FROM nepsim.run_outcome_values v JOIN nepsim.runs r USING (sweep_id, point, replication)
            WHERE v.sweep_id = \(bind: sweep.id) AND v.outcome = 'famine_deaths_total'
              AND v.value IS DISTINCT FROM r.famine_deaths_total::float8
            """)
        XCTAssertEqual(try mismatched.value(0, "n", as: Int.self), 0)
    }

    /// A database whose views fell behind the catalog (here: one left listing a single event) gets
    /// them regenerated by the next migrate, and a migrate with nothing to change leaves them be.
    func testMigrateRegeneratesViewsThatDriftedAndOnlyThen() throws {
        try connection.execute(script: """
            CREATE OR REPLACE VIEW nepsim.run_event_values AS
            SELECT r.sweep_id, r.point, r.replication, e.event, e.happened
            FROM nepsim.runs r CROSS JOIN LATERAL (VALUES ('terror', r.terror)) AS e(event, happened);
            UPDATE nepsim.derived_objects SET definition = 'the text of an older nepsim', applied_at = now() - interval '1 day';
            """)
        func listedEvents() throws -> Int {
            let definition = try connection.query("SELECT pg_get_viewdef('nepsim.run_event_values'::regclass) AS d")
                .value(0, "d", as: String.self)
            return OutcomeCatalog.events.filter { definition.contains("'\($0.name)'") }.count
        }
        XCTAssertEqual(try listedEvents(), 1)
        XCTAssertEqual(try SchemaMigrator.upgrade(connection), SchemaMigrator.Report(applied: [], regeneratedViews: true))
        XCTAssertEqual(try listedEvents(), OutcomeCatalog.events.count)
        let recorded = try connection.query("""
            SELECT definition, applied_at::text AS at FROM nepsim.derived_objects WHERE name = 'catalog views'
            """)
        XCTAssertEqual(try recorded.value(0, "definition", as: String.self), CatalogViews.sql)
        XCTAssertEqual(try SchemaMigrator.upgrade(connection), SchemaMigrator.Report(applied: [], regeneratedViews: false))
        let again = try connection.query("SELECT applied_at::text AS at FROM nepsim.derived_objects WHERE name = 'catalog views'")
        XCTAssertEqual(try again.value(0, "at", as: String.self), try recorded.value(0, "at", as: String.self),
                       "an unchanged text must not replace the views again")
    }
}
