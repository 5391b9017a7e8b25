import Foundation
import PostgresStore

// MARK: - TestDatabase

/// Fresh, empty databases for tests that need a real PostgreSQL server. The server is the one
/// `NEPSIM_TEST_DATABASE_URL` names (its user must be allowed to CREATE DATABASE), else a local
/// cluster in the temporary directory, started the first time a test asks and left running for the
/// next test run.
public enum TestDatabase {
    /// The role the tests give a known password, to check password failures (every role of a
    /// local cluster logs in with a password).
    public static let passwordCheckRole = "nepsim_password_check"

    /// Where the test cluster lives when `NEPSIM_TEST_DATABASE_URL` is unset: apart from
    /// `results/local-db`, so tests never touch a developer's data. `NEPSIM_TEST_CLUSTER_DIR` overrides.
    public static var clusterDirectory: String {
        if let chosen = ProcessInfo.processInfo.environment["NEPSIM_TEST_CLUSTER_DIR"], !chosen.isEmpty { return chosen }
        return (NSTemporaryDirectory() as NSString).appendingPathComponent("nepsim-test-cluster-\(geteuid())")
    }

    /// True when the tests run on the local test cluster (which has nepsim's access rules, e.g. the
    /// password-check role), false on a server named by `NEPSIM_TEST_DATABASE_URL`.
    public static var usesLocalCluster: Bool { configuredServerURL == nil }

    /// The URL tests use to create and drop databases; starts the test cluster if needed.
    public static var serverURL: String {
        get throws { try server.url() }
    }

    /// Creates an empty database named `nepsim_test_<prefix>_<random>` and returns its URL.
    public static func freshDatabase(named prefix: String) throws -> String {
        let admin = try serverURL
        let name = databaseName(prefix: prefix)
        let connection = try PostgresConnection(url: admin, applicationName: "nepsim-tests")
        defer { connection.close() }
        try connection.query("CREATE DATABASE \(identifier: name)")
        return TestDatabaseURL.replacingDatabase(in: admin, with: name)
    }

    /// Drops a database `freshDatabase` made, ending its sessions; errors are ignored. Refuses
    /// (silently) anything not named `nepsim_test_...`, so a wrong URL cannot drop real data.
    public static func dropDatabase(_ url: String) {
        guard let name = TestDatabaseURL.databaseName(of: url), name.hasPrefix("nepsim_test_"),
              let admin = try? serverURL,
              let connection = try? PostgresConnection(url: admin, applicationName: "nepsim-tests")
        else { return }
        defer { connection.close() }
        _ = try? connection.query("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
    }

    // MARK: Names

    /// `nepsim_test_<prefix>_<8 hex digits>`, lower case, at most 63 bytes (PostgreSQL's limit).
    static func databaseName(prefix: String) -> String {
        let cleaned = String(prefix.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        let suffix = "_" + String(repeating: "0", count: 8 - random.count) + random
        let room = 63 - "nepsim_test_".count - suffix.count
        return "nepsim_test_" + cleaned.prefix(room) + suffix
    }

    // MARK: Server

    private static var configuredServerURL: String? {
        ProcessInfo.processInfo.environment["NEPSIM_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static let server = TestServer()

    /// The admin URL, found once per process under a lock (tests may run on several threads).
    private final class TestServer: @unchecked Sendable {
        private let lock = NSLock()
        private var cached: String?

        func url() throws -> String {
            lock.lock()
            defer { lock.unlock() }
            if let cached { return cached }
            let url: String
            if let configured = TestDatabase.configuredServerURL {
                url = configured
            } else {
                let clusterURL = try LocalCluster(directory: TestDatabase.clusterDirectory).up()
                url = TestDatabaseURL.replacingDatabase(in: clusterURL, with: "postgres")
            }
            cached = url
            return url
        }
    }
}
