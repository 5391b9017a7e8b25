import ArgumentParser

@main
struct Nepsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nepsim",
        abstract: "Monte Carlo runs of the Soviet Union 1927-1941: harvests, famine, industry, who lives and who dies.",
        discussion: """
            A scenario file (TOML) declares every model constant as a value or a distribution, with its \
            source. `run` prints one run; `simulate` runs many in this process and prints the distribution \
            of every outcome; `scenario` checks and lists scenario files. `sweep launch` stores a sweep in \
            PostgreSQL, `worker` (on any host) computes it, and the results are SQL tables in schema nepsim. \
            `db` manages a local PostgreSQL for trying it out.

            Examples:
              nepsim run scenarios/peasants-enrich-yourselves.toml --seed 7 --point 0 --replication 3
              nepsim simulate scenarios/otl.toml --runs 20000 --seed 1
              nepsim scenario show scenarios/shot-in-the-kremlin.toml
              nepsim sweep launch scenarios/shot-in-the-kremlin.toml --runs 10000 --local-workers 2 --wait
            """,
        version: NepsimVersion.current,
        subcommands: [RunCommand.self, SimulateCommand.self, ScenarioCommand.self, SweepCommand.self,
                      WorkerCommand.self, DatabaseCommand.self, ReportCommand.self, SensitivityCommand.self, DiscoverCommand.self, DesignCommand.self, BenchCopyCommand.self, BenchQueueCommand.self]
    )

    /// ArgumentParser's main, except that an error raised because a signal cancelled the query
    /// in progress is not reported: the signal's handler prints its line and exits with the
    /// signal's status.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            QueryInterruption.waitIfInterrupting()
            exit(withError: error)
        }
    }
}

enum NepsimVersion {
    static let current = "0.1.0"
}
