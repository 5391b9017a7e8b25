import Foundation

// MARK: - LocalClusterConfig

/// The server settings and access rules nepsim writes into the local cluster's data directory.
enum LocalClusterConfig {
    /// Written on every start (the port may change); included from postgresql.conf so a person's
    /// own edits there are kept.
    static let settingsFile = "nepsim.conf"

    /// Appended to postgresql.conf after initdb; last, so nepsim's settings win.
    static let includeLine = "\n# nepsim: listen address, port and socket directory (rewritten on every start)\ninclude_if_exists = '\(settingsFile)'\n"

    /// Listen on 127.0.0.1 only; the Unix socket goes in the data directory, where the server
    /// account may write (not /var/run/postgresql, which may not exist or belong to another user).
    static func settings(port: Int, socketDirectory: String) -> String {
        // sun_path holds 107 bytes; with a longer path use TCP only.
        let socketPath = socketDirectory + "/.s.PGSQL.\(port)"
        let socket = socketPath.utf8.count < 100 ? socketDirectory.replacingOccurrences(of: "'", with: "''") : ""
        return """
            # Written by nepsim on every start of the local cluster; put your own settings in postgresql.conf.
            listen_addresses = '127.0.0.1'
            port = \(port)
            unix_socket_directories = '\(socket)'
            # Bulk loading: fewer checkpoints during large sweeps, a bigger cache (an eighth of
            # this machine's memory, between 256 MB and 2 GB), and room for the WAL of a task's
            # rows (a task of 2,000 runs with series writes about 9 MB of it) so that the
            # process storing it does not stop to write WAL itself.
            max_wal_size = '4GB'
            shared_buffers = '\(sharedBuffersMB)MB'
            wal_buffers = '64MB'
            # Solid-state storage: a page read out of order costs about what one read in order
            # does. With the default (4) the planner scans the whole of nepsim.runs for a sweep
            # holding a sixth of it; with this it reads just that sweep's rows through the
            # primary key. event_probabilities of a 1M-run sweep in a 5.8M-run table: 26 s cold
            # and 1.1 s warm before, 1.2 s cold and 0.7 s warm after.
            random_page_cost = 1.1

            """
    }

    /// An eighth of the machine's memory, from 256 MB to 2 GB: a 1M-run sweep with series is
    /// about 4.5 GB of table, and the machine also runs the workers.
    static var sharedBuffersMB: UInt64 {
        min(2048, max(256, ProcessInfo.processInfo.physicalMemory / 8 / (1 << 20)))
    }

    /// The port a settings file names.
    static func port(in settings: String) -> Int? {
        settings.split(separator: "\n")
            .first { $0.hasPrefix("port = ") }
            .flatMap { Int($0.dropFirst("port = ".count).trimmingCharacters(in: .whitespaces)) }
    }

    /// Every connection sends a password (SCRAM): trusting 127.0.0.1 would let any account on the
    /// machine in as the superuser. The Unix socket sits in the private data directory.
    static let accessRules = """
        # Written by nepsim when the local cluster was created.
        # TYPE  DATABASE  USER  ADDRESS        METHOD
        local   all       all                  scram-sha-256
        host    all       all   127.0.0.1/32   scram-sha-256

        """
}
