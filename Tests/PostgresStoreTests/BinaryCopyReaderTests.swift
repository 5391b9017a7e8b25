import PostgresStore
import XCTest

// MARK: - BinaryCopyReaderTests

/// `copyOut` and `BinaryCopyReader` bring float8 and boolean columns back exactly, NULLs included,
/// however the stream is cut into chunks; bad streams are refused with a reason.
final class BinaryCopyReaderTests: DatabaseTestCase {
    static let doubles: [[Double]] = [
        [0.1, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -0.0, 5.5e6],
        [1927, 1940, .nan, 3, 4, .nan],  // NaN stands for NULL
    ]
    static let bools: [Bool] = [true, false, true, false, false, true]

    private func copyStream(_ connection: PostgresConnection) throws -> [[UInt8]] {
        try connection.query("CREATE TEMP TABLE t (i int, a float8, b float8, c boolean)")
        for row in 0..<Self.bools.count {
            let b = Self.doubles[1][row]
            try connection.query("INSERT INTO t VALUES (\(bind: row), \(bind: Self.doubles[0][row])::float8, \(bind: b.isNaN ? nil : String(b))::float8, \(bind: Self.bools[row] ? "t" : "f")::boolean)")
        }
        var chunks: [[UInt8]] = []
        try connection.copyOut("COPY (SELECT a, b, c FROM t ORDER BY i) TO STDOUT (FORMAT binary)") { chunks.append(Array($0)) }
        return chunks
    }

    private func check(_ reader: BinaryCopyReader, _ what: String) {
        XCTAssertEqual(reader.doubles.count, 2)
        for column in 0..<2 {
            XCTAssertEqual(reader.doubles[column].map(\.bitPattern), Self.doubles[column].map {
                $0.isNaN ? Double.nan.bitPattern : $0.bitPattern
            }, "\(what): column \(column)")
        }
        XCTAssertEqual(reader.bools, [Self.bools], what)
    }

    func testRowsComeBackExactlyInAnyChunking() throws {
        let connection = try connect()
        let chunks = try copyStream(connection)
        var reader = BinaryCopyReader(doubleColumns: 2, boolColumns: 1)
        for chunk in chunks { try chunk.withUnsafeBytes { try reader.consume($0) } }
        try reader.finish()
        check(reader, "as libpq chunked it")

        let whole = chunks.flatMap { $0 }
        for size in [1, 2, 3, 7, 19, 20, 64, whole.count] {
            var reader = BinaryCopyReader(doubleColumns: 2, boolColumns: 1)
            var offset = 0
            while offset < whole.count {
                let end = min(whole.count, offset + size)
                try whole[offset..<end].withUnsafeBytes { try reader.consume($0) }
                offset = end
            }
            try reader.finish()
            check(reader, "in chunks of \(size) bytes")
        }
    }

    func testBadStreamsAreRefused() throws {
        let connection = try connect()
        let whole = try copyStream(connection).flatMap { $0 }
        var wrongShape = BinaryCopyReader(doubleColumns: 3, boolColumns: 1)
        XCTAssertThrowsError(try whole.withUnsafeBytes { try wrongShape.consume($0) }) {
            XCTAssertTrue("\($0)".contains("has 3 fields"), "\($0)")
        }
        var notCopy = BinaryCopyReader(doubleColumns: 2, boolColumns: 1)
        XCTAssertThrowsError(try Array("id,value\n1,2\n1,2\n1,2\n".utf8).withUnsafeBytes { try notCopy.consume($0) }) {
            XCTAssertTrue("\($0)".contains("signature"), "\($0)")
        }
        var cut = BinaryCopyReader(doubleColumns: 2, boolColumns: 1)
        try whole.dropLast(5).withUnsafeBytes { try cut.consume($0) }
        XCTAssertThrowsError(try cut.finish()) { XCTAssertTrue("\($0)".contains("middle of a row"), "\($0)") }
    }

    func testACopyThatFailsOnTheServerThrowsAndLeavesTheConnectionUsable() throws {
        let connection = try connect()
        XCTAssertThrowsError(try connection.copyOut("COPY (SELECT 1 / 0) TO STDOUT (FORMAT binary)") { _ in })
        XCTAssertEqual(try connection.query("SELECT 2 AS n").int(0, "n"), 2)
        XCTAssertEqual(try connection.literal("it's"), "'it''s'")
        XCTAssertEqual(try connection.literal(nil), "NULL")
    }
}
