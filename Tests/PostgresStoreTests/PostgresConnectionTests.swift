import PostgresStore
import XCTest

// MARK: - PostgresConnectionTests

/// Parameterized statements, server errors and transactions against a real server.
final class PostgresConnectionTests: DatabaseTestCase {
    // MARK: Round trips

    func testParametersRoundTripIncludingNullAndUnicode() throws {
        let connection = try connect()
        let text = "Коллективизация ☭ — 集体化 🌾 'quoted' \"double\" \\ back"
        let nothing: String? = nil
        let result = try connection.query("""
            SELECT \(bind: text)::text AS words, \(bind: Int.min)::int8 AS number, \(bind: nothing)::text AS nothing,
                   \(bind: 0.125)::float8 AS share
            """)
        XCTAssertEqual(result.columns, ["words", "number", "nothing", "share"])
        XCTAssertEqual(result.rows.count, 1)
        XCTAssertEqual(result.string(0, "words"), text)
        XCTAssertEqual(result.int(0, "number"), Int.min)
        XCTAssertNil(result.string(0, "nothing"))
        XCTAssertEqual(result.double(0, "share"), 0.125)
    }

    func testRowsStoredWithParametersComeBackUnchanged() throws {
        let connection = try connect()
        try connection.execute(script: """
            CREATE TABLE harvest (year int PRIMARY KEY, region text, million_tonnes float8, note text);
            """)
        let rows: [[String?]] = [["1932", "Україна", "14.6", nil], ["1933", "Kazakh ASSR", "2.5", "nomads; \"sedentarized\""]]
        for row in rows {
            let inserted = try connection.query("INSERT INTO harvest VALUES (\(bind: row[0]), \(bind: row[1]), \(bind: row[2]), \(bind: row[3]))")
            XCTAssertEqual(inserted.affectedRows, 1)
        }
        let back = try connection.query("SELECT year::text, region, million_tonnes::text, note FROM harvest ORDER BY year")
        XCTAssertEqual(back.rows, rows)
    }

    func testServerVersionIsKnownWhenConnected() throws {
        let connection = try connect()
        XCTAssertTrue(connection.isOpen)
        XCTAssertGreaterThanOrEqual(connection.serverVersion, 100_000)
    }

    // MARK: Server errors

    func testSyntaxErrorCarriesSQLStateAndStatement() throws {
        let connection = try connect()
        let error = try XCTUnwrap(postgresError { try connection.query("SELEC 1 FROM nowhere") })
        XCTAssertEqual(error.kind, .query)
        XCTAssertEqual(error.sqlState, "42601")
        XCTAssertEqual(error.query, "SELEC 1 FROM nowhere")
        XCTAssertTrue(error.description.contains("SQLSTATE 42601"), error.description)
        XCTAssertTrue(error.description.contains("in: SELEC 1 FROM nowhere"), error.description)
        XCTAssertFalse(error.isConnectionProblem)
        // The connection survives a refused statement.
        XCTAssertEqual(try connection.query("SELECT 1 AS one").int(0, "one"), 1)
    }

    func testUniqueViolationIs23505WithDetail() throws {
        let connection = try connect()
        try connection.query("CREATE TABLE run (id int8 PRIMARY KEY)")
        try connection.query("INSERT INTO run VALUES (\(bind: "7"))")
        let error = try XCTUnwrap(postgresError { try connection.query("INSERT INTO run VALUES (\(bind: "7"))") })
        XCTAssertEqual(error.kind, .query)
        XCTAssertEqual(error.sqlState, "23505")
        XCTAssertEqual(error.detail, "Key (id)=(7) already exists.")
    }

    func testClosedConnectionIsAClientError() throws {
        let connection = try connect()
        connection.close()
        XCTAssertFalse(connection.isOpen)
        let error = try XCTUnwrap(postgresError { try connection.query("SELECT 1") })
        XCTAssertEqual(error.kind, .client)
    }

    // MARK: Transactions

    struct Abandon: Error {}

    func testTransactionRollsBackWhenBodyThrows() throws {
        let connection = try connect()
        try connection.query("CREATE TABLE task (id int PRIMARY KEY)")
        XCTAssertThrowsError(try connection.transaction {
            try connection.query("INSERT INTO task VALUES (1)")
            throw Abandon()
        }) { XCTAssertTrue($0 is Abandon) }
        XCTAssertEqual(try connection.query("SELECT count(*) AS n FROM task").int(0, "n"), 0)
        // Not left inside the transaction: another session sees this one idle.
        let pid = try XCTUnwrap(connection.query("SELECT pg_backend_pid() AS pid").string(0, "pid"))
        let state = try connect().query("SELECT state FROM pg_stat_activity WHERE pid = \(bind: pid)")
        XCTAssertEqual(state.string(0, "state"), "idle")
    }

    func testTransactionRollsBackWhenAStatementFails() throws {
        let connection = try connect()
        try connection.query("CREATE TABLE task (id int PRIMARY KEY)")
        XCTAssertThrowsError(try connection.transaction {
            try connection.query("INSERT INTO task VALUES (1)")
            try connection.query("INSERT INTO task VALUES (1)")
        }) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "23505") }
        XCTAssertEqual(try connection.query("SELECT count(*) AS n FROM task").int(0, "n"), 0)
    }

    func testTransactionCommitsAndReturnsTheBodysValue() throws {
        let connection = try connect()
        try connection.query("CREATE TABLE task (id int PRIMARY KEY)")
        let inserted = try connection.transaction {
            try connection.query("INSERT INTO task VALUES (1), (2)").affectedRows
        }
        XCTAssertEqual(inserted, 2)
        let other = try connect()
        XCTAssertEqual(try other.query("SELECT count(*) AS n FROM task").int(0, "n"), 2)
    }
}
