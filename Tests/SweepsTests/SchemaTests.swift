import PostgresStore
import SimulationCore
import Sweeps
import XCTest

/// The public SQL interface: versioned migrations, and tables whose columns follow the core's
/// outcome catalog.
final class SchemaTests: DatabaseTestCase {
    func testRunsAndRunYearsColumnsMatchTheOutcomeCatalog() throws {
        func columns(_ table: String) throws -> [(String, String)] {
            try connection.query("""
                SELECT column_name, data_type FROM information_schema.columns
                WHERE table_schema = 'nepsim' AND table_name = $1 ORDER BY ordinal_position
                """, [table]).rows.map { ($0[0]!, $0[1]!) }
        }
        let runs = try columns("runs")
        XCTAssertEqual(runs.map(\.0), ["sweep_id", "point", "replication"] + ResultsLayout.runColumns.map(\.name))
        XCTAssertEqual(Array(runs.map(\.1).dropFirst(3)), ResultsLayout.runColumns.map(\.type))
        let years = try columns("run_years")
        XCTAssertEqual(years.map(\.0), ["sweep_id", "point", "replication", "year", "leader"] + ResultsLayout.yearColumns.map(\.name))
        XCTAssertEqual(try columns("sweeps").map(\.0).prefix(4), ["sweep_id", "name", "scenario_name", "scenario_title"])
        for table in ["tasks", "workers"] { XCTAssertFalse(try columns(table).isEmpty, table) }
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
}
