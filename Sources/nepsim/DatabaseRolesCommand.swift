import ArgumentParser
import Foundation
import PostgresStore
import SweepStore

/// `nepsim db roles`: the worker and analyst roles, and login roles in them.
struct DatabaseRolesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "Create the worker and analyst roles and grant them their rights (run as the schema owner).",
        discussion: """
            nepsim_worker may only read sweeps, claim and update tasks, heartbeat and insert results: \
            it cannot delete or alter sweeps, nor change stored runs. nepsim_analyst may only read. \
            --worker-login and --analyst-login create login roles in those groups; their password comes \
            from NEPSIM_ROLE_PASSWORD (never the command line) and is hashed (SCRAM-SHA-256) before it \
            is sent. Safe to repeat.

            Example: NEPSIM_ROLE_PASSWORD=... nepsim db roles --worker-login worker1 --analyst-login analyst
            """)

    @Option(help: "Create (or update) a login role in nepsim_worker.")
    var workerLogin: String?

    @Option(help: "Create (or update) a login role in nepsim_analyst.")
    var analystLogin: String?

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let connection = try database.connect()
        try SweepCommand.requireSchema(connection, createIfAbsent: true)
        do {
            try DatabaseRoles.install(on: connection, workerLogin: workerLogin, analystLogin: analystLogin,
                                      password: ProcessInfo.processInfo.environment["NEPSIM_ROLE_PASSWORD"])
        } catch {
            throw CommandFailure("setting up roles in \(connection.maskedURL) failed: \(error)")
        }
        print("roles \(DatabaseRoles.worker) and \(DatabaseRoles.analyst) granted in \(connection.maskedURL)"
              + (workerLogin.map { "; login \($0) in \(DatabaseRoles.worker)" } ?? "")
              + (analystLogin.map { "; login \($0) in \(DatabaseRoles.analyst)" } ?? ""))
    }
}
