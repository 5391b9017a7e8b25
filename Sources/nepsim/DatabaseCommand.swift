import ArgumentParser
import Foundation
import PostgresStore
import SweepStore

// MARK: - nepsim db

/// `nepsim db up|down|status|url|migrate`: the local PostgreSQL cluster and the schema.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Start, stop and inspect the local PostgreSQL database; migrate a database's schema.",
        discussion: """
            The local database is a PostgreSQL cluster nepsim manages in results/local-db (or \
            NEPSIM_LOCAL_DB_DIR): it listens on 127.0.0.1 only and needs no password. Commands that \
            store runs use --database, else NEPSIM_DATABASE_URL, else this local database (started \
            when needed).

            Examples:
              nepsim db up
              export NEPSIM_DATABASE_URL=$(nepsim db url)
              nepsim db migrate --database postgresql://nepsim@db.example.org/nepsim
            """,
        subcommands: [Up.self, Down.self, Status.self, URLCommand.self, Migrate.self, DatabaseRolesCommand.self])

    // MARK: up

    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (first time) and start the local database; print its URL.")

        @OptionGroup var cluster: LocalClusterOptions

        func run() throws {
            let url = try cluster.perform { try $0.up() }
            print("""
                local database running: \(url)
                use it from this shell with:
                  export NEPSIM_DATABASE_URL=\(url)
                or pass --database \(url); commands use it anyway when neither is set.
                stop it with `nepsim db down`.
                """)
        }
    }

    // MARK: down

    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the local database (its data stays; `nepsim db up` starts it again).")

        @OptionGroup var cluster: LocalClusterOptions

        func run() throws {
            let local = cluster.cluster
            let wasRunning = try cluster.perform { try $0.status() }.isRunning
            try cluster.perform { try $0.down() }
            print(wasRunning ? "local database in \(local.displayDirectory) stopped"
                             : "local database in \(local.displayDirectory) was not running")
        }
    }

    // MARK: status

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Whether the local database runs, with its URL, port, version, data directory and log.")

        @OptionGroup var cluster: LocalClusterOptions

        func run() throws {
            print(try cluster.perform { try $0.status() })
        }
    }

    // MARK: url

    struct URLCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url",
            abstract: "Print the local database's URL; exit 1 if it is not running.",
            discussion: "For scripts: export NEPSIM_DATABASE_URL=$(nepsim db url)")

        @OptionGroup var cluster: LocalClusterOptions

        func run() throws {
            let status = try cluster.perform { try $0.status() }
            guard let url = status.url else {
                throw CommandFailure("the local database in \(status.directory) is not running; start it with `nepsim db up`")
            }
            print(url)
        }
    }

    // MARK: migrate

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring a database's schema up to date (safe to repeat).")

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let connection = try database.connect()
            defer { connection.close() }
            let report: SchemaMigrator.Report
            do {
                report = try SchemaMigrator.upgrade(connection)
            } catch {
                throw CommandFailure("migrating \(connection.maskedURL) failed: \(error)")
            }
            let applied = report.applied
            print(applied.isEmpty
                ? "schema of \(connection.maskedURL) is up to date"
                : "applied migration\(applied.count == 1 ? "" : "s") \(applied.map(String.init).joined(separator: ", ")) to \(connection.maskedURL)")
            if report.regeneratedViews && applied.isEmpty {
                print("regenerated the views that list the outcomes (run_outcome_values, run_event_values, run_year_values, "
                      + "event_probabilities): this nepsim's outcome catalog differs from the one that made them")
            }
        }
    }
}

// MARK: - LocalClusterOptions

/// Which local cluster the `db` subcommands manage.
struct LocalClusterOptions: ParsableArguments {
    @Option(name: .customLong("dir"), help: ArgumentHelp(
        "The local database's directory (default: NEPSIM_LOCAL_DB_DIR, else results/local-db).", valueName: "path"))
    var directory: String?

    var cluster: LocalCluster { LocalCluster(directory: directory) }

    /// Runs an operation on the cluster, turning its errors into `CommandFailure`s.
    func perform<T>(_ operation: (LocalCluster) throws -> T) throws -> T {
        do {
            return try operation(cluster)
        } catch let error as LocalClusterError {
            throw CommandFailure(error.description)
        }
    }
}

// MARK: - DatabaseOptions

/// `--database`, shared by every command that reads or writes runs.
struct DatabaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "PostgreSQL URL, e.g. postgresql://user@host:5432/nepsim (default: NEPSIM_DATABASE_URL, else the local database, started when needed). Passwords: PGPASSWORD or ~/.pgpass.",
        valueName: "url"))
    var database: String?

    /// `--database`, else `NEPSIM_DATABASE_URL`, else the local cluster's URL, starting it first
    /// if it is not running.
    func resolveURL() throws -> String {
        if let database, !database.isEmpty { return database }
        if let url = ProcessInfo.processInfo.environment["NEPSIM_DATABASE_URL"], !url.isEmpty { return url }
        let cluster = LocalCluster()
        do {
            if let url = try cluster.status().url { return url }
            // stderr: stdout may be piped into another program.
            FileHandle.standardError.write(Data("starting the local database in \(cluster.displayDirectory) ...\n".utf8))
            return try cluster.up()
        } catch {
            throw CommandFailure("\(error)\n  or name a database with --database URL or NEPSIM_DATABASE_URL")
        }
    }

    /// Connects to the resolved database; connection failures become `CommandFailure`s naming the
    /// URL with its password masked.
    func connect(applicationName: String = "nepsim") throws -> PostgresConnection {
        let url = try resolveURL()
        do {
            return try PostgresConnection(url: url, applicationName: applicationName)
        } catch {
            // PostgresError's description already names the masked URL for connection failures.
            throw CommandFailure(error.kind == .connection ? error.description
                                                           : "\(DatabaseURL.masked(url)): \(error.description)")
        }
    }
}
