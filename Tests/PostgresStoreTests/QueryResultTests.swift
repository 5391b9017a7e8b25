import PostgresStore
import PostgresTestSupport
import XCTest

/// The required accessors refuse what the optional ones would have turned into 0 or "".
final class QueryResultTests: XCTestCase {
    func testRequiredValuesThrowOnNullMissingOrUnreadableColumns() throws {
        let url = try TestDatabase.freshDatabase(named: "queryresult")
        defer { TestDatabase.dropDatabase(url) }
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        let result = try connection.query("SELECT 7 AS whole, 2.5::float8 AS number, 'x' AS word, NULL::int AS nothing")
        XCTAssertEqual(try result.value(0, "whole", as: Int.self), 7)
        XCTAssertEqual(try result.value(0, "number", as: Double.self), 2.5)
        XCTAssertEqual(try result.value(0, "word", as: String.self), "x")
        let refusals: [(String, () throws -> Any)] = [
            ("column nothing of row 1: it is NULL", { try result.value(0, "nothing", as: Int.self) }),
            ("column word of row 1: 'x' is not a whole number", { try result.value(0, "word", as: Int.self) }),
            ("column number of row 1: '2.5' is not a whole number", { try result.value(0, "number", as: Int.self) }),
            ("column word of row 1: 'x' is not a number", { try result.value(0, "word", as: Double.self) }),
            ("column absent of row 1: the result has no such column", { try result.value(0, "absent", as: String.self) }),
            ("column whole of row 2: the result has 1 rows", { try result.value(1, "whole", as: String.self) }),
        ]
        for (message, read) in refusals {
            XCTAssertThrowsError(try read(), message) { XCTAssert("\($0)".contains(message), "\($0)") }
        }
        XCTAssertNil(result.int(0, "nothing"))  // the optional accessor still says nil
    }
}
