import PostgresStore
import PostgresTestSupport
import XCTest

/// Statements built by interpolation: every value a bound parameter, placeholders numbered where
/// the statement is sent, arrays and special numbers arriving as they left.
final class SQLQueryTests: XCTestCase {
    func testPlaceholdersAreNumberedInOrderAcrossFragments() {
        let condition: SQLQuery = "r.famine_deaths_total > \(bind: 1e6) AND r.leader_1930 = \(bind: "Bukharin")"
        let statement: SQLQuery = "SELECT count(*) FROM nepsim.runs r WHERE r.sweep_id = \(bind: Int64(7)) AND \(condition)"
            + " LIMIT \(bind: 3)"
        let (sql, parameters) = statement.rendered
        XCTAssertEqual(sql, "SELECT count(*) FROM nepsim.runs r WHERE r.sweep_id = $1 AND r.famine_deaths_total > $2 "
                       + "AND r.leader_1930 = $3 LIMIT $4")
        XCTAssertEqual(parameters, ["7", "1000000.0", "Bukharin", "3"])
        let joined = SQLQuery.joined(["a = \(bind: 1)", "b", "c = \(bind: 2)"], separator: " OR ").rendered
        XCTAssertEqual(joined.sql, "a = $1 OR b OR c = $2")
        XCTAssertEqual(joined.parameters, ["1", "2"])
    }

    func testValuesRoundTripThroughTheServer() throws {
        let url = try TestDatabase.freshDatabase(named: "sqlquery")
        defer { TestDatabase.dropDatabase(url) }
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        // Text elements that an array literal built by hand gets wrong: commas, braces, quotes,
        // backslashes, the word NULL, an empty string, spaces.
        let words = ["a,b", "{c}", "say \"hi\"", #"back\slash"#, "NULL", "", " padded "]
        let doubles: [Double] = [0.1, -0.0, 1e300, .infinity, -.infinity, .leastNonzeroMagnitude]
        let absent: Int? = nil
        let result = try connection.query("""
            SELECT \(bind: words)::text[] = ARRAY[\(bind: words[0]), \(bind: words[1]), \(bind: words[2]), \(bind: words[3]),
                                                  \(bind: words[4]), \(bind: words[5]), \(bind: words[6])] AS same_words,
                   array_length(\(bind: words)::text[], 1) AS count,
                   (\(bind: words)::text[])[5] IS NULL AS fifth_is_null,
                   \(bind: doubles)::float8[] AS doubles, \(bind: absent)::int AS absent,
                   \(bind: true) AS yes, \(bind: Int.min)::int8 AS smallest, \(bind: UInt64(1) << 63)::numeric AS large,
                   'NaN'::float8 AS nan, 'Infinity'::float8 AS inf
            """)
        XCTAssertTrue(try result.value(0, "same_words", as: Bool.self))
        XCTAssertEqual(try result.value(0, "count", as: Int.self), words.count)
        XCTAssertFalse(try result.value(0, "fifth_is_null", as: Bool.self), "the text NULL must stay text")
        XCTAssertEqual(try result.value(0, "doubles", as: String.self), "{0.1,-0,1e+300,Infinity,-Infinity,5e-324}")
        XCTAssertNil(try result.optional(0, "absent", as: Int.self))
        XCTAssertTrue(try result.value(0, "yes", as: Bool.self))
        XCTAssertEqual(try result.value(0, "smallest", as: Int.self), Int.min)
        XCTAssertEqual(try result.value(0, "large", as: UInt64.self), UInt64(1) << 63)
        XCTAssertTrue(try result.value(0, "nan", as: Double.self).isNaN)
        XCTAssertEqual(try result.value(0, "inf", as: Double.self), .infinity)
    }

    /// COPY takes no parameters: binds are written in as literals quoted by libpq, so a value
    /// that reads like SQL stays a value.
    func testInlinedBindsStayValues() throws {
        let url = try TestDatabase.freshDatabase(named: "sqlquery")
        defer { TestDatabase.dropDatabase(url) }
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        try connection.execute(script: "CREATE TABLE leaders (name text); INSERT INTO leaders VALUES ('Kirov'), ('Rykov');")
        let hostile = "x'); DROP TABLE leaders; --"
        let query: SQLQuery = "SELECT count(*) AS n FROM leaders WHERE name = \(bind: hostile) OR name = \(bind: "Kirov")"
        XCTAssertEqual(try connection.inlined(query), #"SELECT count(*) AS n FROM leaders WHERE name = 'x''); DROP TABLE leaders; --' OR name = 'Kirov'"#)
        var rows = 0
        try connection.copyOut("COPY (\(query)) TO STDOUT") { rows += $0.count > 0 ? 1 : 0 }
        XCTAssertEqual(rows, 1)
        XCTAssertEqual(try connection.query("SELECT count(*) AS n FROM leaders").value(0, "n", as: Int.self), 2)
    }
}
