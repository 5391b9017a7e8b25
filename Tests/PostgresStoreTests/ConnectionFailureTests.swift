import PostgresStore
import PostgresTestSupport
import XCTest

// MARK: - ConnectionFailureTests

/// Failing to connect: typed errors, masked URLs, passwords never shown.
final class ConnectionFailureTests: XCTestCase {
    func testUnreachableServerIsAConnectionErrorNamingTheMaskedURL() throws {
        let port = try LocalCluster.freeTCPPort()  // nothing listens there
        let url = "postgresql://alice:s3cret-pw@127.0.0.1:\(port)/nepsim"
        XCTAssertThrowsError(try PostgresConnection(url: url, connectTimeoutSeconds: 3)) { error in
            guard let error = error as? PostgresError else { return XCTFail("expected a PostgresError, got \(error)") }
            XCTAssertEqual(error.kind, .connection)
            XCTAssertTrue(error.isConnectionProblem)
            XCTAssertFalse(error.isAuthenticationFailure)
            XCTAssertEqual(error.database, "postgresql://alice:***@127.0.0.1:\(port)/nepsim")
            XCTAssertTrue(error.description.contains("alice:***@127.0.0.1:\(port)"), error.description)
            XCTAssertTrue(error.description.contains("nepsim db up"), error.description)
            XCTAssertFalse(error.description.contains("s3cret-pw"), error.description)
            XCTAssertFalse(String(reflecting: error).contains("s3cret-pw"))
        }
    }

    /// The local cluster asks every role for a password (SCRAM), so a wrong one fails as it would
    /// on a real server.
    func testWrongPasswordIsAnAuthenticationFailure() throws {
        guard TestDatabase.usesLocalCluster else {
            throw XCTSkip("needs the local test cluster's pg_hba.conf rule for \(TestDatabase.passwordCheckRole)")
        }
        let admin = try PostgresConnection(url: try TestDatabase.serverURL)
        defer { admin.close() }
        let role = TestDatabase.passwordCheckRole
        // Roles belong to the cluster, not a database: it may exist from an earlier run.
        try admin.execute(script: """
            DO $$ BEGIN CREATE ROLE \(role) LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            ALTER ROLE \(role) PASSWORD 'right-pw';
            """)
        let port = try XCTUnwrap(URLComponents(string: try TestDatabase.serverURL)?.port)
        let wrong = "postgresql://\(role):wrong-pw@127.0.0.1:\(port)/postgres?sslmode=disable"
        XCTAssertThrowsError(try PostgresConnection(url: wrong)) { error in
            guard let error = error as? PostgresError else { return XCTFail("expected a PostgresError, got \(error)") }
            XCTAssertEqual(error.kind, .connection)
            XCTAssertEqual(error.sqlState, "28P01")
            XCTAssertTrue(error.isAuthenticationFailure)
            XCTAssertTrue(error.description.contains("check the user and password"), error.description)
            XCTAssertTrue(error.description.contains("\(role):***@"), error.description)
            XCTAssertFalse(error.description.contains("wrong-pw"), error.description)
        }
        let right = try PostgresConnection(url: "postgresql://\(role):right-pw@127.0.0.1:\(port)/postgres?sslmode=disable")
        XCTAssertEqual(try right.query("SELECT current_user AS who").string(0, "who"), role)
        right.close()
    }
}
