import PostgresStore
import XCTest

// MARK: - DatabaseURLTests

/// Passwords never appear in printed URLs.
final class DatabaseURLTests: XCTestCase {
    func testPasswordInUserInfoIsMasked() {
        XCTAssertEqual(DatabaseURL.masked("postgresql://alice:secret@db.example.org:5432/nepsim"),
                       "postgresql://alice:***@db.example.org:5432/nepsim")
        XCTAssertEqual(DatabaseURL.masked("postgres://alice:secret@db/nepsim?sslmode=require"),
                       "postgres://alice:***@db/nepsim?sslmode=require")
    }

    func testPasswordContainingAtSignIsMaskedWhole() {
        XCTAssertEqual(DatabaseURL.masked("postgresql://alice:p@ss@db/nepsim"), "postgresql://alice:***@db/nepsim")
    }

    func testURLsWithoutPasswordAreUnchanged() {
        for url in ["postgresql://alice@db.example.org:5432/nepsim", "postgresql://db/nepsim",
                    "postgresql://postgres@127.0.0.1:54321/nepsim", "postgresql:///nepsim?host=/tmp",
                    "host=db user=alice dbname=nepsim"] {
            XCTAssertEqual(DatabaseURL.masked(url), url)
        }
    }

    func testPasswordQueryParameterIsMasked() {
        XCTAssertEqual(DatabaseURL.masked("postgresql://alice@db/nepsim?password=secret&sslmode=require"),
                       "postgresql://alice@db/nepsim?password=***&sslmode=require")
    }

    func testConninfoPasswordIsMasked() {
        XCTAssertEqual(DatabaseURL.masked("host=db user=alice password=secret dbname=nepsim"),
                       "host=db user=alice password=*** dbname=nepsim")
        XCTAssertEqual(DatabaseURL.masked("host=db password = secret"), "host=db password=***")
    }
}
