import ArgumentParser
import Experiments
import SimulationCore

/// `nepsim scenario check|show`.
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Validate a scenario file or list its parameters.",
        subcommands: [Check.self, Show.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a scenario file: syntax, every parameter present, values in range, sources given.",
            discussion: "Exits 0 and prints a one-line summary when valid; lists every problem with file, line and key and exits 1 otherwise.")

        @Argument(help: "The scenario file (TOML).")
        var scenario: String

        func run() throws {
            let loaded = try SimulationOptions.parse([scenario]).loadScenario()
            let chain = loaded.files.count > 1 ? " (extends \(loaded.files.dropLast().joined(separator: ", ")))" : ""
            print("\(scenario): valid scenario '\(loaded.name)': \(loaded.declarations.count) parameters, \(loaded.uncertain.count) uncertain\(chain)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a scenario's parameters with their distributions, units and sources, by mechanism.")

        @Argument(help: "The scenario file (TOML).")
        var scenario: String

        @Flag(help: "Only the uncertain parameters (those with a distribution).")
        var uncertainOnly = false

        func run() throws {
            let loaded = try SimulationOptions.parse([scenario]).loadScenario()
            print("\(loaded.title) [\(loaded.name)]")
            if !loaded.description.isEmpty { print(loaded.description) }
            print("files: \(loaded.files.joined(separator: " <- "))")
            print("\(loaded.declarations.count) parameters, \(loaded.uncertain.count) uncertain")
            var mechanism = ""
            for declaration in loaded.declarations {
                let uncertain = loaded.uncertain.contains { $0.name == declaration.name }
                if uncertainOnly && !uncertain { continue }
                if declaration.spec.mechanism != mechanism {
                    mechanism = declaration.spec.mechanism
                    print("\n== \(mechanism)")
                }
                print("  \(declaration.name) = \(declaration.distribution)  [\(declaration.spec.unit)]")
                print("      \(declaration.spec.summary). Source: \(declaration.source)")
            }
        }
    }
}
