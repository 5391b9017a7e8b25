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
        var writer = writer(rows)
        return writer.finished()
    }

    private func writer(_ rows: [Row]) -> BinaryCopyWriter {
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
        return writer
    }

    /// A payload of several writers' rows is byte for byte the payload one writer of all the rows
    /// makes, and a COPY of it piece by piece stores every row in order.
    func testAPayloadOfSeveralWritersIsOneWritersPayload() throws {
        let chunks = [writer(Array(Self.rows[0..<2])), writer([]), writer(Array(Self.rows[2...]))]
        let payload = BinaryCopyPayload(chunks)
        XCTAssertEqual(payload.bytes, self.payload(Self.rows))
        XCTAssertEqual(payload.byteCount, self.payload(Self.rows).count)
        XCTAssertEqual(payload.rowCount, Self.rows.count)
        let connection = try connect()
        try createTable(connection)
        XCTAssertEqual(try connection.copyIn(Self.copySQL, payload: payload), Self.rows.count)
        XCTAssertEqual(try connection.query("SELECT array_agg(id ORDER BY id)::text AS ids FROM outcome").string(0, "ids"),
                       "{" + Self.rows.map(\.id).sorted().map(String.init).joined(separator: ",") + "}")
        XCTAssertEqual(try connection.copyIn(Self.copySQL, payload: BinaryCopyPayload([])), 0, "header and trailer alone")
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

    /// Arrays (a run's yearly series and its leaders) come back element for element, multi-byte
    /// text and special doubles included; a writer whose payload was taken starts a new one.
    func testArraysComeBackEqualAndAWriterIsReusableAfterFinishing() throws {
        let connection = try connect()
        try connection.query("CREATE TABLE series (id int8 PRIMARY KEY, names text[] NOT NULL, values float8[] NOT NULL)")
        let copy = "COPY series (id, names, values) FROM STDIN (FORMAT binary)"
        let names = ["Сталин", "🌾 harvest", "", "a,b {c} \"d\" \\ NULL"]
        let values = [0.1, -.greatestFiniteMagnitude, .nan, .infinity, -0.0, .leastNonzeroMagnitude]
        var writer = BinaryCopyWriter(reservingCapacity: 8)
        writer.startRow(fields: 3)
        writer.int64(1)
        writer.textArray(names)
        writer.doubleArray(values)
        XCTAssertEqual(try connection.copyIn(copy, data: writer.finished()), 1)
        writer.startRow(fields: 3)
        writer.int64(2)
        writer.textArray([])
        writer.doubleArray(count: 3) { Double($0) * 1.5 }
        XCTAssertEqual(writer.rowCount, 1)
        XCTAssertEqual(try connection.copyIn(copy, data: writer.finished()), 1)
        let first = try connection.query("SELECT names, values::text AS v, array_lower(values, 1) AS low FROM series WHERE id = 1")
        let storedNames = try connection.query("SELECT n FROM series, unnest(names) WITH ORDINALITY AS u(n, i) WHERE id = 1 ORDER BY i")
            .rows.map { $0[0] }
        XCTAssertEqual(storedNames, names)
        XCTAssertEqual(first.string(0, "v"), "{0.1,-1.7976931348623157e+308,NaN,Infinity,-0,5e-324}")
        XCTAssertEqual(first.string(0, "low"), "1")
        let second = try connection.query("SELECT cardinality(names) AS n, values::text AS v FROM series WHERE id = 2")
        XCTAssertEqual(second.string(0, "n"), "0")
        XCTAssertEqual(second.string(0, "v"), "{0,1.5,3}")
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
