import Foundation

// MARK: - LocalClusterBinaries

/// Where the PostgreSQL server programs (initdb, pg_ctl) are, and how to run them: directly, or as
/// the `postgres` user when we are root, since PostgreSQL refuses to run as root.
struct LocalClusterBinaries: Sendable {
    /// The directory holding initdb and pg_ctl.
    let directory: String
    /// When set, programs run as this user (we are root).
    let runAs: ServerAccount?

    // MARK: Finding

    /// Finds the server binaries: `NEPSIM_PG_BINDIR`, else the highest /usr/lib/postgresql/<version>/bin,
    /// else `pg_config --bindir`, else PATH. Debian's `pg_config --bindir` names the client binaries
    /// (/usr/bin) which lack initdb, hence the versioned directories first.
    static func locate(environment: [String: String]) throws(LocalClusterError) -> LocalClusterBinaries {
        let account = try ServerAccount.forCurrentProcess()
        if let override = environment["NEPSIM_PG_BINDIR"], !override.isEmpty {
            guard holdsServerPrograms(override) else { throw .serverBinariesOverrideInvalid(directory: override) }
            return LocalClusterBinaries(directory: override, runAs: account)
        }
        var candidates = versionedDirectories(under: "/usr/lib/postgresql")
        // Homebrew and other layouts put the server programs next to pg_config.
        if let configured = pgConfigBindir(environment: environment) { candidates.append(configured) }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for candidate in candidates where holdsServerPrograms(candidate) {
            return LocalClusterBinaries(directory: candidate, runAs: account)
        }
        throw .serverBinariesNotFound(searched: ["NEPSIM_PG_BINDIR (unset)", "/usr/lib/postgresql/*/bin", "pg_config --bindir", "PATH"])
    }

    private static func holdsServerPrograms(_ directory: String) -> Bool {
        ["initdb", "pg_ctl"].allSatisfy { FileManager.default.isExecutableFile(atPath: directory + "/" + $0) }
    }

    /// /usr/lib/postgresql/<version>/bin, highest version first.
    private static func versionedDirectories(under root: String) -> [String] {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions
            .compactMap { name in Double(name).map { (version: $0, path: "\(root)/\(name)/bin") } }
            .sorted { $0.version > $1.version }
            .map(\.path)
    }

    private static func pgConfigBindir(environment: [String: String]) -> String? {
        let searchPath = (environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init)
        guard let pgConfig = searchPath.map({ $0 + "/pg_config" }).first(where: FileManager.default.isExecutableFile)
        else { return nil }
        guard let result = try? ProgramRun.run(pgConfig, ["--bindir"]), result.status == 0 else { return nil }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: Running

    /// Runs a server program (`initdb`, `pg_ctl`, `postgres`) from the binaries directory, as the
    /// server account when we are root; returns its exit status and combined output.
    func run(_ program: String, _ arguments: [String], in workingDirectory: String? = nil) throws(LocalClusterError) -> ProgramRun {
        let path = directory + "/" + program
        do {
            if let runAs {
                return try ProgramRun.run(runAs.switchTool, runAs.switchArguments + [path] + arguments, in: workingDirectory)
            }
            return try ProgramRun.run(path, arguments, in: workingDirectory)
        } catch {
            throw .commandFailed(command: path, status: -1, output: "could not start it: \(error)")
        }
    }

    /// Runs a server program and throws `.commandFailed` unless it exits 0.
    @discardableResult
    func runChecked(_ program: String, _ arguments: [String], in workingDirectory: String? = nil) throws(LocalClusterError) -> String {
        let result = try run(program, arguments, in: workingDirectory)
        guard result.status == 0 else {
            throw .commandFailed(command: ([program] + arguments).joined(separator: " "), status: result.status, output: result.output)
        }
        return result.output
    }
}

// MARK: - ServerAccount

/// The `postgres` system user the server runs as when we are root.
struct ServerAccount: Sendable {
    static let name = "postgres"
    let uid: uid_t
    let gid: gid_t
    /// runuser or setpriv.
    let switchTool: String
    let switchArguments: [String]

    /// nil when we are not root (programs run as ourselves).
    static func forCurrentProcess() throws(LocalClusterError) -> ServerAccount? {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam(name) else { throw .postgresUserMissing }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        let tools: [(path: String, arguments: [String])] = [
            ("/usr/sbin/runuser", ["-u", name, "--"]), ("/sbin/runuser", ["-u", name, "--"]),
            ("/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--"]),
            ("/bin/setpriv", ["--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--"]),
        ]
        guard let tool = tools.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw .switchUserToolMissing
        }
        return ServerAccount(uid: uid, gid: gid, switchTool: tool.path, switchArguments: tool.arguments)
    }
}
