import Foundation

// MARK: - LocalCluster

/// A PostgreSQL cluster nepsim manages on this machine, for development and the quick start. It
/// lives in one directory (default `results/local-db`): `data/` (the data directory), `server.log`
/// `cluster.json` (the port chosen the first time) and `superuser.pgpass`. The server listens on
/// 127.0.0.1 only and asks every connection for a password (SCRAM): the superuser's is generated
/// at initdb and kept in `superuser.pgpass`, readable by the account that made the cluster alone,
/// and the cluster's URLs name that file (`?passfile=`), so they carry no password themselves.
/// Another account on the machine can reach the port but not log in (it cannot, for instance,
/// run `COPY ... TO PROGRAM` as the server's account).
public struct LocalCluster: Sendable {
    /// The directory used when neither the initializer nor `NEPSIM_LOCAL_DB_DIR` names one.
    public static let defaultDirectory = "results/local-db"
    /// The database `up()` creates and returns the URL of.
    public static let databaseName = "nepsim"

    /// The cluster directory as given (for messages), e.g. `results/local-db`.
    public let displayDirectory: String
    /// The cluster directory, absolute.
    public let directory: String
    private let environment: [String: String]

    /// The cluster in `directory`, else `NEPSIM_LOCAL_DB_DIR`, else `results/local-db`; relative
    /// paths are taken from the current directory. Nothing happens on disk until `up()`.
    public init(directory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let chosen = directory ?? environment["NEPSIM_LOCAL_DB_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? LocalCluster.defaultDirectory
        displayDirectory = chosen
        let absolute = chosen.hasPrefix("/") ? chosen : FileManager.default.currentDirectoryPath + "/" + chosen
        self.directory = URL(fileURLWithPath: absolute).standardizedFileURL.path
        self.environment = environment
    }

    /// PGDATA.
    public var dataDirectory: String { directory + "/data" }
    /// The server's log (pg_ctl -l).
    public var logFile: String { directory + "/server.log" }
    /// The port and user, as JSON.
    public var stateFile: String { directory + "/cluster.json" }
    /// The superuser's password in libpq's password-file format, mode 600, owned by the account
    /// that made the cluster (root when root, so the server's own account cannot read it either).
    public var passwordFile: String { directory + "/superuser.pgpass" }

    /// True once initdb has run.
    public var isInitialized: Bool { FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") }

    // MARK: Up

    /// Starts the cluster, first creating it (initdb) and choosing a port if needed, makes sure the
    /// `nepsim` database exists, and returns its URL. On a running cluster it only returns the URL.
    @discardableResult
    public func up(startTimeoutSeconds: Int = 60) throws(LocalClusterError) -> String {
        let binaries = try LocalClusterBinaries.locate(environment: environment)
        let files = LocalClusterFiles(cluster: self, owner: binaries.runAs)
        try files.prepareDirectory()
        return try files.withLock { () throws(LocalClusterError) -> String in
            if !isInitialized { try initialize(binaries, files) }
            var state = try recordedState(files)
            if try !isRunning(binaries) {
                // The port kept from last time may have been taken meanwhile: pick another rather than fail.
                if !LocalCluster.isPortFree(state.port) { state.port = try LocalCluster.freeTCPPort() }
                try start(binaries, files, port: state.port, timeoutSeconds: startTimeoutSeconds)
            }
            if files.readState() != state { try files.writeState(state) }
            try requirePasswords(state, files)
            try createDatabaseIfMissing(state)
            return url(state, database: LocalCluster.databaseName)
        }
    }

    /// The state file, written by initialize(); if someone deleted it, the port from the last
    /// start's settings (the server may still run there), else a fresh one.
    private func recordedState(_ files: LocalClusterFiles) throws(LocalClusterError) -> LocalClusterState {
        if let recorded = files.readState() { return recorded }
        let settings = try? String(contentsOfFile: dataDirectory + "/" + LocalClusterConfig.settingsFile, encoding: .utf8)
        if let port = settings.flatMap(LocalClusterConfig.port(in:)) {
            return LocalClusterState(port: port, user: LocalCluster.superuser())
        }
        return LocalClusterState(port: try LocalCluster.freeTCPPort(), user: LocalCluster.superuser())
    }

    /// initdb, then the access rules and the include of nepsim's settings.
    private func initialize(_ binaries: LocalClusterBinaries, _ files: LocalClusterFiles) throws(LocalClusterError) {
        if FileManager.default.fileExists(atPath: dataDirectory),
           let contents = try? FileManager.default.contentsOfDirectory(atPath: dataDirectory), !contents.isEmpty {
            throw .notAClusterDirectory(path: dataDirectory)
        }
        let user = LocalCluster.superuser()
        // The superuser's password, generated here; initdb reads it from a file only the server's
        // account can read, removed right after.
        let password = try LocalCluster.generatePassword()
        let passwordForInitdb = directory + "/initdb.pw"
        try files.write(password + "\n", to: passwordForInitdb)
        chmod(passwordForInitdb, 0o600)
        defer { unlink(passwordForInitdb) }
        // C locale: the same sorting on every machine, and no dependence on installed locales.
        try binaries.runChecked("initdb", ["-D", dataDirectory, "-U", user, "--auth=scram-sha-256", "--pwfile=" + passwordForInitdb,
                                           "--encoding=UTF8", "--no-locale"],
                                in: directory)
        try writePasswordFile(user: user, password: password)
        try files.write(LocalClusterConfig.accessRules, to: dataDirectory + "/pg_hba.conf")
        let mainConfig = dataDirectory + "/postgresql.conf"
        let existing = (try? String(contentsOfFile: mainConfig, encoding: .utf8)) ?? ""
        try files.write(existing + LocalClusterConfig.includeLine, to: mainConfig)
        try files.writeState(LocalClusterState(port: LocalCluster.freeTCPPort(), user: user))
    }

    /// pg_ctl start, waiting until the server accepts connections.
    private func start(_ binaries: LocalClusterBinaries, _ files: LocalClusterFiles, port: Int,
                       timeoutSeconds: Int) throws(LocalClusterError) {
        try files.write(LocalClusterConfig.settings(port: port, socketDirectory: dataDirectory),
                        to: dataDirectory + "/" + LocalClusterConfig.settingsFile)
        try files.prepareLogFile()
        let result = try binaries.run("pg_ctl", ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", String(timeoutSeconds), "-s"],
                                      in: directory)
        guard result.status == 0 else {
            throw .startFailed(logFile: logFile, output: result.output, logTail: files.logTail())
        }
    }

    private func createDatabaseIfMissing(_ state: LocalClusterState) throws(LocalClusterError) {
        do throws(PostgresError) {
            let admin = try PostgresConnection(url: url(state, database: "postgres"))
            defer { admin.close() }
            let found = try admin.query("SELECT 1 FROM pg_database WHERE datname = \(bind: LocalCluster.databaseName)")
            guard found.isEmpty else { return }
            do {
                try admin.query("CREATE DATABASE \(identifier: LocalCluster.databaseName)")
            } catch where error.sqlState == "42P04" {
                // Created by another process meanwhile.
            }
        } catch {
            throw .database(error)
        }
    }

    // MARK: Down

    /// Stops the server (fast shutdown: open sessions are ended). Does nothing if it is not running.
    public func down() throws(LocalClusterError) {
        guard isInitialized else { return }
        let binaries = try LocalClusterBinaries.locate(environment: environment)
        let files = LocalClusterFiles(cluster: self, owner: binaries.runAs)
        try files.withLock { () throws(LocalClusterError) in
            guard try isRunning(binaries) else { return }
            try binaries.runChecked("pg_ctl", ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-s"], in: directory)
        }
    }

    // MARK: Status

    /// Whether the cluster exists and runs, where, and its URL and server version.
    public func status() throws(LocalClusterError) -> LocalClusterStatus {
        let files = LocalClusterFiles(cluster: self, owner: nil)
        let state = files.readState()
        guard isInitialized else {
            return LocalClusterStatus(cluster: self, isInitialized: false, isRunning: false, port: state?.port, url: nil, serverVersion: nil)
        }
        let binaries = try LocalClusterBinaries.locate(environment: environment)
        guard try isRunning(binaries), let state else {
            let major = (try? String(contentsOfFile: dataDirectory + "/PG_VERSION", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return LocalClusterStatus(cluster: self, isInitialized: true, isRunning: false, port: state?.port, url: nil, serverVersion: major)
        }
        let url = url(state, database: LocalCluster.databaseName)
        let connection = try? PostgresConnection(url: self.url(state, database: "postgres"))
        let version = try? connection?.query("SHOW server_version").value(0, "server_version", as: String.self)
        return LocalClusterStatus(cluster: self, isInitialized: true, isRunning: true, port: state.port, url: url, serverVersion: version)
    }

    /// The URL of the `nepsim` database when the cluster runs, else nil (also when its state cannot
    /// be read; `status()` says why).
    public var url: String? { (try? status())?.url }

    // MARK: Helpers

    /// pg_ctl status: 0 running, 3 not running.
    private func isRunning(_ binaries: LocalClusterBinaries) throws(LocalClusterError) -> Bool {
        try binaries.run("pg_ctl", ["status", "-D", dataDirectory], in: directory).status == 0
    }

    /// The URL of a database of the cluster: the superuser on 127.0.0.1, its password read by
    /// libpq from the password file (so the URL itself holds no secret).
    private func url(_ state: LocalClusterState, database: String) -> String {
        let file = passwordFile.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? passwordFile
        return "postgresql://\(state.user)@127.0.0.1:\(state.port)/\(database)?passfile=\(file)"
    }

    /// The URL without the password file: only a cluster made before passwords trusts it.
    private static func trustingURL(_ state: LocalClusterState, database: String) -> String {
        "postgresql://\(state.user)@127.0.0.1:\(state.port)/\(database)"
    }

    // MARK: Passwords

    /// 32 hex digits from the system's random source.
    static func generatePassword() throws(LocalClusterError) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard let random = fopen("/dev/urandom", "r"), fread(&bytes, 1, bytes.count, random) == bytes.count else {
            throw .fileSystem(path: "/dev/urandom", reason: "cannot read random bytes for the superuser's password")
        }
        fclose(random)
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Writes the password file (mode 600, owned by us, not by the server's account).
    private func writePasswordFile(user: String, password: String) throws(LocalClusterError) {
        let line = "*:*:*:\(user):\(password)\n"
        let created = FileManager.default.createFile(atPath: passwordFile, contents: Data(line.utf8),
                                                     attributes: [.posixPermissions: 0o600])
        guard created, chmod(passwordFile, 0o600) == 0 else {
            throw .fileSystem(path: passwordFile, reason: "cannot write the superuser's password file")
        }
    }

    /// A cluster made before passwords trusted every connection on 127.0.0.1: give its superuser a
    /// generated password, write the password file and switch its access rules to SCRAM.
    private func requirePasswords(_ state: LocalClusterState, _ files: LocalClusterFiles) throws(LocalClusterError) {
        let rulesPath = dataDirectory + "/pg_hba.conf"
        let rules = (try? String(contentsOfFile: rulesPath, encoding: .utf8)) ?? ""
        guard rules.contains(" trust") || !FileManager.default.fileExists(atPath: passwordFile) else { return }
        let hasPasswordFile = FileManager.default.fileExists(atPath: passwordFile)
        let password = hasPasswordFile ? nil : try LocalCluster.generatePassword()
        do throws(PostgresError) {
            // Over the old trusting rules, or the password file if only the rules are behind.
            let admin = hasPasswordFile
                ? try PostgresConnection(url: url(state, database: "postgres"))
                : try PostgresConnection(url: LocalCluster.trustingURL(state, database: "postgres"))
            defer { admin.close() }
            if let password {
                let verifier = try admin.encryptPassword(password, user: state.user)
                try admin.execute(script: "ALTER ROLE \(PostgresConnection.quoteIdentifier(state.user)) PASSWORD '\(verifier)'")
            }
        } catch {
            throw .database(error)
        }
        if let password { try writePasswordFile(user: state.user, password: password) }
        try files.write(LocalClusterConfig.accessRules, to: rulesPath)
        do throws(PostgresError) {
            let admin = try PostgresConnection(url: url(state, database: "postgres"))
            defer { admin.close() }
            _ = try admin.query("SELECT pg_reload_conf()")
        } catch {
            throw .database(error)
        }
    }

    /// The superuser initdb creates: `postgres` when we are root (the server runs as that account),
    /// else our own login name, so `psql` works without `-U`.
    static func superuser() -> String {
        if geteuid() == 0 { return ServerAccount.name }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "postgres"
    }
}

// MARK: - LocalClusterStatus

/// What `LocalCluster.status()` found.
public struct LocalClusterStatus: Sendable, CustomStringConvertible {
    /// The cluster directory as given, e.g. `results/local-db`.
    public let directory: String
    public let dataDirectory: String
    public let logFile: String
    /// initdb has run.
    public let isInitialized: Bool
    public let isRunning: Bool
    /// The port it listens on (or will, when started).
    public let port: Int?
    /// The `nepsim` database's URL, when running.
    public let url: String?
    /// The running server's version (e.g. "15.8"), else the data directory's major version.
    public let serverVersion: String?

    init(cluster: LocalCluster, isInitialized: Bool, isRunning: Bool, port: Int?, url: String?, serverVersion: String?) {
        directory = cluster.displayDirectory
        dataDirectory = cluster.dataDirectory
        logFile = cluster.logFile
        self.isInitialized = isInitialized
        self.isRunning = isRunning
        self.port = port
        self.url = url
        self.serverVersion = serverVersion
    }

    /// Several lines for people.
    public var description: String {
        let state = isRunning ? "running" : isInitialized ? "stopped" : "not created (run `nepsim db up`)"
        var lines = ["local database in \(directory): \(state)"]
        if let url { lines.append("  url:     \(url)") }
        if let port { lines.append("  port:    \(port) on 127.0.0.1") }
        if let serverVersion { lines.append("  version: PostgreSQL \(serverVersion)") }
        lines.append("  data:    \(dataDirectory)")
        lines.append("  log:     \(logFile)")
        return lines.joined(separator: "\n")
    }
}
