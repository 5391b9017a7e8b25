import PostgresStore
import XCTest

// MARK: - BinaryCopyTests

/// Rows written with `BinaryCopyWriter` and loaded with `copyIn` come back exactly.
final class BinaryCopyTests: DatabaseTestCase {
    struct Row: Equatable {
        var id: Int64
        var point: Int32
        var replication: Int16
        var value: Double?
        var famine: Bool
        var label: String?
        var outcomes: String
    }

    static let rows: [Row] = [
        Row(id: 1, point: 0, replication: 0, value: 0.1, famine: true, label: "otl", outcomes: #"{"deaths": 5.5e6, "years": [1932, 1933]}"#),
        Row(id: .max, point: .max, replication: .max, value: -.greatestFiniteMagnitude, famine: false,
            label: "Голодомор — 饥荒 🌾", outcomes: #"{"note": "quote \" and \\ backslash"}"#),
        Row(id: .min, point: .min, replication: .min, value: .nan, famine: true, label: "", outcomes: "[]"),
        Row(id: 0, point: -1, replication: -1, value: .infinity, famine: false, label: nil, outcomes: "null"),
        Row(id: 42, point: 7, replication: 3, value: nil, famine: false, label: nil, outcomes: "{}"),
        Row(id: 43, point: 7, replication: 4, value: .leastNonzeroMagnitude, famine: true, label: "tiny", outcomes: "1"),
    ]

    private func createTable(_ connection: PostgresConnection) throws {
        try connection.query("""
            CREATE TABLE outcome (id int8 PRIMARY KEY, point int4 NOT NULL, replication int2 NOT NULL,
                                  value float8, famine bool NOT NULL, label text, outcomes jsonb NOT NULL)
            """)
    }

    private func payload(_ rows: [Row]) -> [UInt8] {
        var writer = BinaryCopyWriter()
        for row in rows {
            writer.startRow(fields: 7)
            writer.int64(row.id)
            writer.int32(row.point)
            writer.int16(row.replication)
            writer.double(row.value)
            writer.bool(row.famine)
            writer.text(row.label)
            writer.jsonb(row.outcomes)
        }
        XCTAssertEqual(writer.rowCount, rows.count)
        return writer.finished()
    }

    private static let copySQL = "COPY outcome (id, point, replication, value, famine, label, outcomes) FROM STDIN (FORMAT binary)"

    func testEveryColumnTypeComesBackEqual() throws {
        let connection = try connect()
        try createTable(connection)
        let stored = try connection.copyIn(Self.copySQL, data: payload(Self.rows))
        XCTAssertEqual(stored, Self.rows.count)

        for row in Self.rows {
            // jsonb normalizes its text, so compare as jsonb on the server.
            let back = try connection.query("""
                SELECT id::text, point::text, replication::text, value::text, famine, label,
                       outcomes = \(bind: row.outcomes)::jsonb AS same_outcomes
                FROM outcome WHERE id = \(bind: row.id)
                """)
            XCTAssertEqual(back.rows.count, 1, "row \(row.id)")
            XCTAssertEqual(back.string(0, "id"), String(row.id))
            XCTAssertEqual(back.string(0, "point"), String(row.point))
            XCTAssertEqual(back.string(0, "replication"), String(row.replication))
            XCTAssertEqual(back.bool(0, "famine"), row.famine)
            XCTAssertEqual(back.string(0, "label"), row.label)
            XCTAssertEqual(back.bool(0, "same_outcomes"), true, "row \(row.id)")
            switch row.value {
            case nil: XCTAssertNil(back.string(0, "value"))
            case let value? where value.isNaN: XCTAssertEqual(back.string(0, "value"), "NaN")
            case let value?:
                // PostgreSQL 12+ prints the shortest text that reads back to the same double.
                XCTAssertEqual(back.string(0, "value").flatMap(Double.init)?.bitPattern, value.bitPattern, "row \(row.id)")
            }
        }
    }

    func testDuplicateKeyFailsTheWholeCopyWith23505() throws {
        let connection = try connect()
        try createTable(connection)
        let first = Self.rows[0]
        let error = try XCTUnwrap(postgresError { try connection.copyIn(Self.copySQL, data: payload([first, Self.rows[1], first])) })
        XCTAssertEqual(error.kind, .copy)
        XCTAssertEqual(error.sqlState, "23505")
        XCTAssertEqual(error.query, Self.copySQL)
        // All or nothing, and the connection is usable afterwards.
        XCTAssertEqual(try connection.query("SELECT count(*) AS n FROM outcome").int(0, "n"), 0)
        XCTAssertEqual(try connection.copyIn(Self.copySQL, data: payload([first])), 1)
    }

    func testEmptyCopyStoresNothing() throws {
        let connection = try connect()
        try createTable(connection)
        var empty = BinaryCopyWriter()
        XCTAssertEqual(try connection.copyIn(Self.copySQL, data: empty.finished()), 0)
    }
}
