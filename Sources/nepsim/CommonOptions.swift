import ArgumentParser
import Analysis
import Experiments
import Foundation
import SimulationCore

extension WeatherMode: ExpressibleByArgument {}
extension DesignKind: ExpressibleByArgument {}

/// Output formats for people and for machines.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Options every command that simulates shares.
struct SimulationOptions: ParsableArguments {
    @Argument(help: "The scenario file (TOML), e.g. scenarios/otl.toml.")
    var scenario: String

    @Option(help: "The sweep seed: the same seed gives bit-identical runs on any machine.")
    var seed: UInt64 = 1

    @Option(help: "Weather: 'random' draws it; 'historical' replays the weather implied by the recorded harvests.")
    var weather: WeatherMode = .random

    @Option(help: "Experiment design for the uncertain parameters: 'mc' (Monte Carlo), 'lhs' (Latin hypercube), 'sobol' (scrambled Sobol' sequence) or 'saltelli' (blocks for Sobol' indices: see nepsim sensitivity).")
    var design: DesignKind = .monteCarlo

    /// Loads the scenario or exits with its problems listed.
    func loadScenario() throws -> Scenario {
        do {
            return try Scenario.load(path: scenario)
        } catch {
            throw CommandFailure(String(describing: error))
        }
    }
}

/// A failure the user can act on: printed as `error: ...` with no stack trace, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension CommandFailure: LocalizedError {
    var errorDescription: String? { description }
}

/// Writes JSON with sorted keys, for stable diffs.
func printJSON<T: Encodable>(_ value: T) throws {
    print(try jsonText(value))
}

/// JSON with sorted keys; non-finite numbers as strings.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// For scripts/bench-sensitivity: the analysis alone (files already read), on standard error.
func reportAnalysisTime(since started: Date) {
    FileHandle.standardError.write(Data(String(format: "analysis_seconds=%.6f\n", Date().timeIntervalSince(started)).utf8))
}

/// Formats of the commands that can also draw a chart.
enum ChartFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, html
}

/// Prints `text`, or writes it to `path` and says so on standard error.
func emit(_ text: String, to path: String?) throws {
    guard let path else { return print(text) }
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw CommandFailure("cannot write \(path): \(error.localizedDescription)")
    }
    FileHandle.standardError.write(Data("wrote \(path)\n".utf8))
}


// MARK: - Numbers from the command line

/// Every number a command takes has an allowed range, and a value outside it is refused with a
/// message that names the range (numeric options parse `-5` as a value, so a negative number
/// reaches this check instead of a puzzling "Missing value").
enum NumberRange {
    static func require<T: Comparable>(_ value: T, in range: ClosedRange<T>, _ option: String, _ why: String = "") throws {
        if let number = value as? Double, !number.isFinite {
            throw ValidationError("\(option) must be a finite number, not \(number).")
        }
        guard range.contains(value) else {
            throw ValidationError("\(option) must be between \(show(range.lowerBound)) and \(show(range.upperBound))"
                + (why.isEmpty ? "" : " (\(why))") + ", not \(show(value)).")
        }
    }

    private static func show<T>(_ value: T) -> String {
        switch value {
        case let number as Int: return number.formatted()
        case let number as UInt64: return number.formatted()
        case let number as UInt32: return number.formatted()
        case let number as Double: return number.formatted()
        default: return "\(value)"
        }
    }
}
