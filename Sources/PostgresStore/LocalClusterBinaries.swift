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

// MARK: - ProgramRun

/// One finished run of a program: exit status and stdout and stderr interleaved.
///
/// posix_spawn and waitpid rather than Foundation's `Process`: on Linux, `Process.waitUntilExit()`
/// was seen to hang forever after `runuser pg_ctl start` exited (the child left a zombie, never
/// reaped), which froze `up()`.
struct ProgramRun: Sendable {
    let status: Int32
    let output: String

    struct SpawnFailure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ executable: String, _ arguments: [String], in workingDirectory: String? = nil) throws -> ProgramRun {
        // One pipe for both streams: reading two pipes one after the other can deadlock when the
        // second fills. pg_ctl sends the server's own output to the log file (-l), so the server
        // does not hold this pipe open after pg_ctl exits.
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw SpawnFailure(description: "pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        // posix_spawn_file_actions_addchdir_np is not visible from Swift on Linux: a shell changes directory.
        let command = workingDirectory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, executable] } ?? [executable]

        var pid = pid_t()
        let argv = (command + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        close(writeEnd)
        guard spawned == 0 else { throw SpawnFailure(description: "\(executable): \(String(cString: strerror(spawned)))") }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count > 0 { output += buffer[0..<count]; continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SpawnFailure(description: "\(executable): waitpid: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ProgramRun(status: exitStatus, output: String(decoding: output, as: UTF8.self))
    }
}
