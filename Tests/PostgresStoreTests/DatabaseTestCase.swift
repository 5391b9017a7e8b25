import PostgresStore
import PostgresTestSupport
import XCTest

// MARK: - DatabaseTestCase

/// A test case with its own empty database per test, dropped afterwards.
class DatabaseTestCase: XCTestCase {
    /// The URL of this test's database.
    private(set) var databaseURL = ""
    private var connections: [PostgresConnection] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
        databaseURL = try TestDatabase.freshDatabase(named: String(describing: type(of: self)))
    }

    override func tearDown() {
        for connection in connections { connection.close() }
        connections = []
        if !databaseURL.isEmpty { TestDatabase.dropDatabase(databaseURL) }
        super.tearDown()
    }

    /// A new connection to this test's database, closed at tear-down.
    func connect() throws -> PostgresConnection {
        let connection = try PostgresConnection(url: databaseURL, applicationName: "nepsim-tests")
        connections.append(connection)
        return connection
    }

    /// Runs `body` and returns the `PostgresError` it throws; fails the test if it throws nothing
    /// or something else.
    func postgresError(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> PostgresError? {
        do {
            try body()
            XCTFail("expected a PostgresError, nothing was thrown", file: file, line: line)
        } catch let error as PostgresError {
            return error
        } catch {
            XCTFail("expected a PostgresError, got \(error)", file: file, line: line)
        }
        return nil
    }
}
