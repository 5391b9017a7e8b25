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

    /// Quoted and escaped conninfo passwords are masked whole; what libpq cannot parse is not shown.
    func testQuotedPasswordsAndUnparseableStrings() {
        XCTAssertEqual(DatabaseURL.masked("host=db password='two words' user=alice"), "host=db password=*** user=alice")
        XCTAssertEqual(DatabaseURL.masked(#"host=db password='it\'s secret' user=alice"#), "host=db password=*** user=alice")
        XCTAssertEqual(DatabaseURL.masked("host=db password='unterminated secret"), "(a connection string libpq cannot parse)")
        XCTAssertEqual(DatabaseURL.masked("postgresql://alice:p%40ss%20word@db/nepsim"), "postgresql://alice:***@db/nepsim")
    }

    /// A URL whose password holds an unescaped '@' is refused before libpq can take the rest of the
    /// password for a host name and echo it; a failing connection's message never holds the password.
    func testPasswordsNeverReachAnError() {
        XCTAssertThrowsError(try PostgresConnection(url: "postgresql://alice:top@secret@127.0.0.1:1/nepsim")) { error in
            let text = "\(error)"
            XCTAssert(text.contains("%40"), text)
            XCTAssertFalse(text.contains("secret"), text)
        }
        XCTAssertThrowsError(try PostgresConnection(url: "host=127.0.0.1 port=1 password='two words'", connectTimeoutSeconds: 2)) { error in
            XCTAssertFalse("\(error)".contains("two words"), "\(error)")
            XCTAssertFalse("\(error)".contains("words'"), "\(error)")
        }
        XCTAssertEqual(DatabaseURL.scrub("could not translate host name \"s3cr3t@db\"", password: "s3cr3t"),
                       "could not translate host name \"***@db\"")
    }

    func testConninfoPasswordIsMasked() {
        XCTAssertEqual(DatabaseURL.masked("host=db user=alice password=secret dbname=nepsim"),
                       "host=db user=alice password=*** dbname=nepsim")
        XCTAssertEqual(DatabaseURL.masked("host=db password = secret"), "host=db password=***")
    }
}
