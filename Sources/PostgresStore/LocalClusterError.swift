// MARK: - LocalClusterError

/// Everything that can go wrong managing the local cluster, each with what to do about it.
public enum LocalClusterError: Error, Sendable, CustomStringConvertible {
    /// No directory held both `initdb` and `pg_ctl`; `searched` lists where we looked.
    case serverBinariesNotFound(searched: [String])
    /// `NEPSIM_PG_BINDIR` names a directory without `initdb` or `pg_ctl`.
    case serverBinariesOverrideInvalid(directory: String)
    /// We run as root but there is no `postgres` user to run the server as.
    case postgresUserMissing
    /// We run as root but neither `runuser` nor `setpriv` is there to switch to `postgres`.
    case switchUserToolMissing
    /// The `postgres` user cannot reach the cluster directory (a parent is not searchable).
    case directoryNotReachable(path: String, blockingParent: String)
    /// `data/` exists but is not a PostgreSQL data directory.
    case notAClusterDirectory(path: String)
    /// A file or directory could not be created or given to the `postgres` user.
    case fileSystem(path: String, reason: String)
    /// No free TCP port on 127.0.0.1.
    case noFreePort(reason: String)
    /// A server program (initdb, pg_ctl) failed.
    case commandFailed(command: String, status: Int32, output: String)
    /// The server did not start; `logTail` is the end of its log.
    case startFailed(logFile: String, output: String, logTail: String)
    /// The server runs but creating or querying the `nepsim` database failed.
    case database(PostgresError)

    public var description: String {
        switch self {
        case .serverBinariesNotFound(let searched):
            return "PostgreSQL server binaries not found; install them (Debian: apt-get install postgresql) "
                + "or set NEPSIM_PG_BINDIR\n  searched: \(searched.joined(separator: ", "))"
        case .serverBinariesOverrideInvalid(let directory):
            return "NEPSIM_PG_BINDIR=\(directory) does not contain initdb and pg_ctl; point it at the "
                + "directory holding the server binaries (e.g. /usr/lib/postgresql/15/bin)"
        case .postgresUserMissing:
            return "PostgreSQL refuses to run as root and there is no 'postgres' user to run it as; "
                + "create one (useradd --system postgres) or run nepsim as an ordinary user"
        case .switchUserToolMissing:
            return "running as root, but neither runuser nor setpriv is installed to start PostgreSQL as "
                + "'postgres'; install util-linux or run nepsim as an ordinary user"
        case .directoryNotReachable(let path, let parent):
            return "the 'postgres' user cannot reach \(path): \(parent) is not searchable by others; "
                + "run `chmod o+x \(parent)` or set NEPSIM_LOCAL_DB_DIR to a directory under /tmp"
        case .notAClusterDirectory(let path):
            return "\(path) exists but is not a PostgreSQL data directory (no PG_VERSION); move it away "
                + "or set NEPSIM_LOCAL_DB_DIR to another directory"
        case .fileSystem(let path, let reason):
            return "cannot prepare \(path): \(reason)"
        case .noFreePort(let reason):
            return "no free TCP port on 127.0.0.1: \(reason)"
        case .commandFailed(let command, let status, let output):
            return "\(command) failed (exit status \(status))" + LocalClusterError.indented(output)
        case .startFailed(let logFile, let output, let logTail):
            var text = "the local PostgreSQL server did not start; its log is \(logFile)"
                + LocalClusterError.indented(output)
            if !logTail.isEmpty { text += "\n  last lines of the log:" + LocalClusterError.indented(logTail, by: "    ") }
            return text
        case .database(let error):
            return "the local PostgreSQL server runs, but: \(error)"
        }
    }

    private static func indented(_ text: String, by prefix: String = "  ") -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        return lines.map { "\n" + prefix + $0 }.joined()
    }
}
