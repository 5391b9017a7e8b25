import PostgresStore
@testable import PostgresTestSupport
import XCTest

// MARK: - TestDatabaseTests

/// The test-support library itself: database names, URL rewriting, fresh and dropped databases.
final class TestDatabaseTests: XCTestCase {
    func testDatabaseNamesAreSafeIdentifiersWithinPostgresLimit() {
        let name = TestDatabase.databaseName(prefix: "Sweeps/Coordinator Tests — very long " + String(repeating: "x", count: 80))
        XCTAssertTrue(name.hasPrefix("nepsim_test_sweeps_coordinator_tests_"), name)
        XCTAssertLessThanOrEqual(name.utf8.count, 63)
        XCTAssertTrue(name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }, name)
        XCTAssertNotEqual(TestDatabase.databaseName(prefix: "a"), TestDatabase.databaseName(prefix: "a"))
    }

    func testReplacingTheDatabaseKeepsServerUserAndOptions() {
        XCTAssertEqual(TestDatabaseURL.replacingDatabase(in: "postgresql://u:p@h:5432/postgres?sslmode=disable", with: "x"),
                       "postgresql://u:p@h:5432/x?sslmode=disable")
        XCTAssertEqual(TestDatabaseURL.replacingDatabase(in: "postgresql://u@h:5432", with: "x"), "postgresql://u@h:5432/x")
        XCTAssertEqual(TestDatabaseURL.replacingDatabase(in: "postgresql://u@h?connect_timeout=3", with: "x"),
                       "postgresql://u@h/x?connect_timeout=3")
        XCTAssertEqual(TestDatabaseURL.replacingDatabase(in: "host=h user=u dbname=postgres", with: "x"),
                       "host=h user=u dbname=postgres dbname=x")
    }

    func testDatabaseNameIsReadFromURLsAndConninfo() {
        XCTAssertEqual(TestDatabaseURL.databaseName(of: "postgresql://u@h:1/nepsim_test_a_1?sslmode=disable"), "nepsim_test_a_1")
        XCTAssertNil(TestDatabaseURL.databaseName(of: "postgresql://u@h:1"))
        XCTAssertNil(TestDatabaseURL.databaseName(of: "postgresql://u@h:1?x=/y"))
        XCTAssertEqual(TestDatabaseURL.databaseName(of: "host=h dbname=postgres dbname=nepsim_test_b_2"), "nepsim_test_b_2")
    }

    func testFreshDatabasesAreEmptyDistinctAndDroppable() throws {
        let first = try TestDatabase.freshDatabase(named: "support")
        let second = try TestDatabase.freshDatabase(named: "support")
        XCTAssertNotEqual(first, second)
        let connection = try PostgresConnection(url: first)
        let tables = try connection.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'")
        XCTAssertEqual(tables.int(0, "n"), 0)
        connection.close()

        TestDatabase.dropDatabase(first)
        TestDatabase.dropDatabase(second)
        let admin = try PostgresConnection(url: try TestDatabase.serverURL)
        defer { admin.close() }
        let names = [first, second].compactMap(TestDatabaseURL.databaseName(of:))
        XCTAssertEqual(names.count, 2)
        let left = try admin.query("SELECT count(*) AS n FROM pg_database WHERE datname = ANY(\(bind: names)::text[])")
        XCTAssertEqual(left.int(0, "n"), 0)
    }

    func testDropRefusesDatabasesItDidNotMake() throws {
        let admin = try PostgresConnection(url: try TestDatabase.serverURL)
        defer { admin.close() }
        let name = "nepsim_keep_\(UInt32.random(in: 0 ... .max))"
        try admin.query("CREATE DATABASE \(identifier: name)")
        defer { _ = try? admin.query("DROP DATABASE \(identifier: name)") }
        TestDatabase.dropDatabase(TestDatabaseURL.replacingDatabase(in: try TestDatabase.serverURL, with: name))
        XCTAssertEqual(try admin.query("SELECT count(*) AS n FROM pg_database WHERE datname = \(bind: name)").int(0, "n"), 1)
    }
}
