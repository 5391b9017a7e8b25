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
        XCTAssertEqual(try result.requiredInt(0, "whole"), 7)
        XCTAssertEqual(try result.requiredDouble(0, "number"), 2.5)
        XCTAssertEqual(try result.required(0, "word"), "x")
        let refusals: [(String, () throws -> Any)] = [
            ("column nothing of row 1: it is NULL", { try result.requiredInt(0, "nothing") }),
            ("column word of row 1: 'x' is not a whole number", { try result.requiredInt(0, "word") }),
            ("column number of row 1: '2.5' is not a whole number", { try result.requiredInt(0, "number") }),
            ("column word of row 1: 'x' is not a number", { try result.requiredDouble(0, "word") }),
            ("column absent of row 1: the result has no such column", { try result.required(0, "absent") }),
            ("column whole of row 2: the result has 1 rows", { try result.required(1, "whole") }),
        ]
        for (message, read) in refusals {
            XCTAssertThrowsError(try read(), message) { XCTAssert("\($0)".contains(message), "\($0)") }
        }
        XCTAssertNil(result.int(0, "nothing"))  // the optional accessor still says nil
    }
}
