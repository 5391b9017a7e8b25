import Foundation
import PostgresStore
import XCTest

// MARK: - LocalClusterTests

/// The cluster lifecycle on a real PostgreSQL installation, each test in its own directory (not the
/// shared test cluster, which other tests use while these stop and start theirs).
final class LocalClusterTests: XCTestCase {
    private var directory = ""

    override func setUp() {
        super.setUp()
        directory = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("nepsim-cluster-test-\(UInt32.random(in: 0 ... .max))")
    }

    override func tearDown() {
        try? LocalCluster(directory: directory).down()
        try? FileManager.default.removeItem(atPath: directory)
        super.tearDown()
    }

    // MARK: Lifecycle

    func testUpStatusDownAndUpAgainKeepTheSameURL() throws {
        let cluster = LocalCluster(directory: directory)
        let before = try cluster.status()
        XCTAssertFalse(before.isInitialized)
        XCTAssertFalse(before.isRunning)
        XCTAssertNil(cluster.url)

        let url = try cluster.up()
        XCTAssertTrue(url.hasPrefix("postgresql://\(geteuid() == 0 ? "postgres" : NSUserName())@127.0.0.1:"), url)
        XCTAssertTrue(url.hasSuffix("/nepsim?passfile=\(cluster.passwordFile)"), url)
        XCTAssertEqual(try cluster.up(), url, "up() on a running cluster returns the same URL")

        let running = try cluster.status()
        XCTAssertTrue(running.isInitialized)
        XCTAssertTrue(running.isRunning)
        XCTAssertEqual(running.url, url)
        XCTAssertEqual(running.port.map { url.contains(":\($0)/") }, true)
        XCTAssertEqual(running.dataDirectory, cluster.dataDirectory)
        XCTAssertNotNil(running.serverVersion)
        XCTAssertTrue(running.description.contains("running"), running.description)
        XCTAssertEqual(cluster.url, url)

        let connection = try PostgresConnection(url: url)
        XCTAssertEqual(try connection.query("SELECT current_database() AS name").string(0, "name"), "nepsim")
        // nepsim's settings are in force (the include line works): solid-state page costs.
        XCTAssertEqual(try connection.query("SHOW random_page_cost").string(0, "random_page_cost"), "1.1")
        XCTAssertEqual(try connection.query("SHOW wal_buffers").string(0, "wal_buffers"), "64MB")
        let sharedBuffers = try XCTUnwrap(connection.query("""
            SELECT setting::bigint * 8 / 1024 AS mb FROM pg_settings WHERE name = 'shared_buffers'
            """).string(0, "mb").flatMap { Int($0) })
        XCTAssertEqual(sharedBuffers, Int(min(2048, max(256, ProcessInfo.processInfo.physicalMemory / 8 / (1 << 20)))))
        connection.close()

        try cluster.down()
        let stopped = try cluster.status()
        XCTAssertTrue(stopped.isInitialized)
        XCTAssertFalse(stopped.isRunning)
        XCTAssertNil(stopped.url)
        XCTAssertNil(cluster.url)
        XCTAssertThrowsError(try PostgresConnection(url: url, connectTimeoutSeconds: 2))
        try cluster.down()  // stopping a stopped cluster is fine

        XCTAssertEqual(try cluster.up(), url, "the port is kept between starts")
    }

    /// The cluster is no open door: every connection needs the superuser's password, which only
    /// the account that made the cluster can read; without it (another account on the machine,
    /// or the URL without its password file) the server refuses.
    func testOnlyThePasswordFileOpensTheCluster() throws {
        let cluster = LocalCluster(directory: directory)
        let url = try cluster.up()
        var info = stat()
        XCTAssertEqual(stat(cluster.passwordFile, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600, "the password file is private")
        XCTAssertEqual(info.st_uid, geteuid(), "the password file belongs to the account that made the cluster")
        let rules = try String(contentsOfFile: cluster.dataDirectory + "/pg_hba.conf", encoding: .utf8)
        XCTAssertFalse(rules.split(separator: "\n").contains { !$0.hasPrefix("#") && $0.contains("trust") }, rules)
        let bare = String(url[..<url.range(of: "?passfile=")!.lowerBound])
        XCTAssertThrowsError(try PostgresConnection(url: bare + "?sslmode=disable", connectTimeoutSeconds: 5)) { error in
            XCTAssert("\(error)".contains("password"), "\(error)")
        }
        XCTAssertNoThrow(try PostgresConnection(url: url).close())
        // As another account (nobody), even psql with the whole URL cannot log in: the file is unreadable.
        if geteuid() == 0, let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first(where: FileManager.default.isExecutableFile),
           let psql = ["/usr/bin/psql"].first(where: FileManager.default.isExecutableFile) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: runuser)
            process.arguments = ["-u", "nobody", "--", psql, url, "-X", "-A", "-t", "-c", "SELECT 1"]
            process.currentDirectoryURL = URL(fileURLWithPath: "/")
            let err = Pipe()
            process.standardError = err
            process.standardOutput = Pipe()
            try process.run()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertNotEqual(process.terminationStatus, 0, "nobody logged in to the local cluster")
            XCTAssert(stderr.contains("password"), stderr)
        }
    }

    /// A cluster made by an earlier nepsim trusted 127.0.0.1; starting it now closes that door.
    func testATrustingClusterIsGivenAPasswordOnStart() throws {
        let cluster = LocalCluster(directory: directory)
        try cluster.up()
        let rulesPath = cluster.dataDirectory + "/pg_hba.conf"
        // Back to the old rules, with no password file, as an earlier nepsim left it.
        try "local all all trust\nhost all all 127.0.0.1/32 trust\n".write(toFile: rulesPath, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: cluster.passwordFile)
        try cluster.down()
        let url = try cluster.up()
        XCTAssertTrue(FileManager.default.fileExists(atPath: cluster.passwordFile))
        XCTAssertFalse(try String(contentsOfFile: rulesPath, encoding: .utf8).contains("trust"))
        XCTAssertNoThrow(try PostgresConnection(url: url).close())
        let bare = String(url[..<url.range(of: "?passfile=")!.lowerBound])
        XCTAssertThrowsError(try PostgresConnection(url: bare + "?sslmode=disable", connectTimeoutSeconds: 5))
    }

    func testDirectoryLayoutAndOwnership() throws {
        let cluster = LocalCluster(directory: directory)
        try cluster.up()
        let files = FileManager.default
        XCTAssertTrue(files.fileExists(atPath: cluster.dataDirectory + "/PG_VERSION"))
        XCTAssertTrue(files.fileExists(atPath: cluster.logFile))
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cluster.stateFile))) as? [String: Any]
        XCTAssertNotNil(state?["port"] as? Int)

        var info = stat()
        XCTAssertEqual(stat(cluster.dataDirectory, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o700, "PostgreSQL requires a private data directory")
        if geteuid() == 0 {
            let postgres = try XCTUnwrap(getpwnam("postgres")).pointee.pw_uid
            for path in [cluster.directory, cluster.dataDirectory, cluster.logFile, cluster.stateFile] {
                XCTAssertEqual(stat(path, &info), 0, path)
                XCTAssertEqual(info.st_uid, postgres, "\(path) belongs to postgres")
            }
        }
    }

    func testEnvironmentChoosesTheDirectory() {
        let cluster = LocalCluster(environment: ["NEPSIM_LOCAL_DB_DIR": directory])
        XCTAssertEqual(cluster.directory, directory)
        XCTAssertEqual(LocalCluster(directory: "/tmp/other", environment: ["NEPSIM_LOCAL_DB_DIR": directory]).directory, "/tmp/other")
        let relative = LocalCluster(environment: [:])
        XCTAssertEqual(relative.displayDirectory, "results/local-db")
        XCTAssertEqual(relative.directory, FileManager.default.currentDirectoryPath + "/results/local-db")
    }

    // MARK: Failures

    func testStartFailureNamesTheLogAndQuotesIt() throws {
        let cluster = LocalCluster(directory: directory)
        try cluster.up()
        try cluster.down()
        let config = cluster.dataDirectory + "/postgresql.conf"
        let original = try String(contentsOfFile: config, encoding: .utf8)
        try (original + "\nshared_buffers = 'plenty'\n").write(toFile: config, atomically: false, encoding: .utf8)

        XCTAssertThrowsError(try cluster.up(startTimeoutSeconds: 20)) { error in
            guard case LocalClusterError.startFailed(let logFile, _, let logTail)? = error as? LocalClusterError else {
                return XCTFail("expected startFailed, got \(error)")
            }
            XCTAssertEqual(logFile, cluster.logFile)
            XCTAssertTrue(logTail.contains("shared_buffers"), logTail)
            XCTAssertTrue("\(error)".contains(cluster.logFile), "\(error)")
        }
        XCTAssertFalse(try cluster.status().isRunning)

        try original.write(toFile: config, atomically: false, encoding: .utf8)
        XCTAssertNoThrow(try cluster.up())
    }

    func testMissingServerBinariesSayHowToInstallThem() {
        let cluster = LocalCluster(directory: directory, environment: ["NEPSIM_PG_BINDIR": "/nonexistent/bin"])
        XCTAssertThrowsError(try cluster.up()) { error in
            guard case LocalClusterError.serverBinariesOverrideInvalid("/nonexistent/bin")? = error as? LocalClusterError else {
                return XCTFail("expected serverBinariesOverrideInvalid, got \(error)")
            }
        }
        let notFound = LocalClusterError.serverBinariesNotFound(searched: ["/usr/lib/postgresql/*/bin"])
        XCTAssertTrue(notFound.description.hasPrefix(
            "PostgreSQL server binaries not found; install them (Debian: apt-get install postgresql) or set NEPSIM_PG_BINDIR"))
    }

    func testUnreachableDirectoryIsRefusedWithTheFix() throws {
        try XCTSkipUnless(geteuid() == 0, "only root hands the cluster to the postgres user")
        let locked = directory + "/private"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        XCTAssertThrowsError(try LocalCluster(directory: locked + "/db").up()) { error in
            guard case LocalClusterError.directoryNotReachable(_, let parent)? = error as? LocalClusterError else {
                return XCTFail("expected directoryNotReachable, got \(error)")
            }
            XCTAssertEqual(parent, locked)
            XCTAssertTrue("\(error)".contains("chmod o+x \(locked)"), "\(error)")
        }
    }

    func testFreePortsCanBeBound() throws {
        let port = try LocalCluster.freeTCPPort()
        XCTAssertGreaterThan(port, 0)
        XCTAssertLessThan(port, 65536)
    }
}
