import Foundation
import XCTest

/// Runs the built `nepsim` binary as a user would and checks what it prints and how it exits.
final class CommandLineTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `nepsim` executable beside the test bundle.
    func binary() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        directory.deleteLastPathComponent()
        let candidate = directory.appendingPathComponent("nepsim")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            // A failure, not a skip: CI must not pass with the command-line tests silently absent.
            XCTFail("nepsim binary not found at \(candidate.path); run `swift build` first")
            throw CocoaError(.fileNoSuchFile)
        }
        return candidate
    }

    func nepsim(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = CommandLineTests.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: run

    func testRunPrintsYearlyTableAndOutcomes() throws {
        let result = try nepsim(["run", "scenarios/peasants-enrich-yourselves.toml", "--seed", "7", "--point", "0", "--replication", "3"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for year in 1927...1940 { XCTAssert(result.stdout.contains("\n\(year) "), "no row for \(year)") }
        XCTAssert(result.stdout.contains("famine_deaths_total"))
        let line = result.stdout.split(separator: "\n").first { $0.contains("stalin_died_1926") }
        XCTAssertEqual(line?.split(separator: " ").last, "yes")
    }

    func testRunJSONIsReproducibleAndComplete() throws {
        let arguments = ["run", "scenarios/shot-in-the-kremlin.toml", "--seed", "11", "--point", "4", "--replication", "2", "--format", "json"]
        let first = try nepsim(arguments), second = try nepsim(arguments)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, second.stdout)
        let object = try json(first.stdout)
        XCTAssertEqual((object["years"] as? [Any])?.count, 14)
        let outcomes = try XCTUnwrap(object["outcomes"] as? [String: Any])
        for name in ["famine_deaths_total", "famine_deaths_rural", "famine_deaths_urban", "collectivization_year",
                     "collectivized_share_1935", "terror_executions", "camp_population_peak", "deported_total",
                     "grain_exports_total_mt", "machinery_imports_total", "industrial_output_1937", "industrial_output_1940",
                     "steel_1940_mt", "urban_population_1939_m", "population_1939_m", "real_wage_1937",
                     "rural_consumption_1937", "horses_min_m", "cattle_min_m", "readiness_1941"] {
            XCTAssertNotNil(outcomes.index(forKey: name), "missing outcome \(name)")
        }
        let events = try XCTUnwrap(object["events"] as? [String: Bool])
        for name in ["stalin_died_1926", "forced_collectivization", "famine_over_1m", "terror", "nep_survived_1935", "regime_crisis"] {
            XCTAssertNotNil(events[name], "missing event \(name)")
        }
        let labels = try XCTUnwrap(object["labels"] as? [String: String])
        XCTAssertNotNil(labels["leader_1930"])
        XCTAssertNotNil(labels["leader_1940"])
        XCTAssertEqual((object["parameters"] as? [String: Double])?.keys.contains("stalin_1926_attempt_probability"), true)
    }

    func testRunCSVHasHeaderAndFourteenYears() throws {
        let result = try nepsim(["run", "scenarios/otl.toml", "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let blocks = result.stdout.components(separatedBy: "\n\n")
        let yearly = blocks[0].split(separator: "\n")
        XCTAssert(yearly[0].hasPrefix("year,leader,harvest_mt,"))
        XCTAssertEqual(yearly.count, 15)
        XCTAssert(blocks[1].hasPrefix("outcome,value,unit"))
    }

    // MARK: simulate

    /// `simulate --format json` is the report's JSON (`ReportData`, as `nepsim report` prints it).
    func testSimulateJSONShapeAndThreadIndependence() throws {
        let base = ["simulate", "scenarios/otl.toml", "--runs", "400", "--seed", "3", "--format", "json"]
        let one = try nepsim(base + ["--threads", "1"]), two = try nepsim(base + ["--threads", "2"])
        XCTAssertEqual(one.status, 0, one.stderr)
        var object = try json(one.stdout), other = try json(two.stdout)
        // Only the time the report was made may differ.
        XCTAssertNotNil(object.removeValue(forKey: "generatedAt"))
        other.removeValue(forKey: "generatedAt")
        XCTAssertEqual(object as NSDictionary, other as NSDictionary, "results must not depend on the thread count")
        let source = try XCTUnwrap(object["source"] as? [String: Any])
        XCTAssertEqual(source["scenario"] as? String, "otl")
        XCTAssertEqual(object["runs"] as? Int, 400)
        XCTAssertEqual(source["seed"] as? String, "3")
        let numeric = try XCTUnwrap(object["numeric"] as? [[String: Any]])
        let famine = try XCTUnwrap(numeric.first { $0["name"] as? String == "famine_deaths_total" })
        for key in ["mean", "p05", "p25", "p50", "p75", "p95"] { XCTAssertNotNil(famine[key] as? Double, key) }
        let p05 = try XCTUnwrap(famine["p05"] as? Double), p95 = try XCTUnwrap(famine["p95"] as? Double)
        XCTAssertLessThanOrEqual(p05, p95)
        let events = try XCTUnwrap(object["events"] as? [[String: Any]])
        let terror = try XCTUnwrap(events.first { $0["name"] as? String == "terror" })
        let probability = try XCTUnwrap(terror["probability"] as? Double)
        let lower = try XCTUnwrap(terror["lower"] as? Double), upper = try XCTUnwrap(terror["upper"] as? Double)
        XCTAssert(lower <= probability && probability <= upper)
    }

    /// `simulate --format html` is the report's page: histograms, and with --yearly a fan per series.
    func testSimulateHTMLIsTheReportsPage() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try nepsim(["simulate", "scenarios/otl.toml", "--runs", "200", "--yearly", "--format", "html", "--output", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let page = try String(contentsOf: file, encoding: .utf8)
        for chart in ["forest:terror", "histogram:famine_deaths_total", "histogram:industrial_output_1940",
                      "fan:harvest_mt", "fan:procurement_mt", "fan:famine_deaths"] {
            XCTAssert(page.contains("data-chart=\"\(chart)\""), chart)
        }
        XCTAssert(page.contains("id=\"events\"") && page.contains("id=\"outcomes\""))
        XCTAssertFalse(page.contains("http://") || page.contains("https://"))
        let withoutYears = try nepsim(["simulate", "scenarios/otl.toml", "--runs", "50", "--format", "html"])
        XCTAssertEqual(withoutYears.status, 0, withoutYears.stderr)
        XCTAssert(withoutYears.stdout.contains("--yearly"), "the page says how to get fan charts")
        let csv = try nepsim(["simulate", "scenarios/otl.toml", "--runs", "50", "--format", "csv"])
        XCTAssert(csv.stdout.hasPrefix("section,branch,name,unit,n,mean,sd,p05"), "the report's CSV")
    }

    func testSimulateTableShowsDistributionsAndProbabilities() throws {
        let result = try nepsim(["simulate", "scenarios/shot-in-the-kremlin.toml", "--runs", "300", "--weather", "historical"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("p05"))
        XCTAssert(result.stdout.contains("95% interval"))
        XCTAssert(result.stdout.contains("stalin_died_1926"))
        XCTAssert(result.stderr.contains("runs/s"))
    }

    // MARK: bad input

    func testBadCommandLinesGetUsageErrorsNotTraces() throws {
        for arguments in [["simulate", "scenarios/otl.toml", "--runs", "0"],
                          ["simulate", "scenarios/otl.toml", "--runs", "10", "--replications", "3"],
                          ["run", "scenarios/otl.toml", "--weather", "sunny"],
                          ["run", "scenarios/otl.toml", "--design", "lhs", "--points", "5", "--point", "9"],
                          ["frobnicate"]] {
            let result = try nepsim(arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments) should fail")
            XCTAssert(result.stderr.contains("Error") || result.stderr.contains("error"), "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
        }
    }

    /// Every number is checked against its range before anything runs or is stored: no abort on
    /// allocation, no billion task rows, no raw SQLSTATE, and negative numbers are numbers.
    func testOutOfRangeNumbersAreRefusedWithTheirRange() throws {
        let cases: [([String], String)] = [
            (["simulate", "scenarios/otl.toml", "--runs", "9223372036854775807"], "--runs must be between 1 and 10,000,000"),
            (["simulate", "scenarios/otl.toml", "--runs", "-5"], "not -5"),
            (["simulate", "scenarios/otl.toml", "--runs", "10", "--threads", "0"], "--threads must be between 1 and 1,024"),
            (["sweep", "launch", "scenarios/otl.toml", "--runs", "1000000000000"], "--runs must be between 1 and 1,000,000,000"),
            (["sweep", "launch", "scenarios/otl.toml", "--runs", "100000000", "--task-size", "10"], "at most 1,000,000 are allowed"),
            (["sweep", "launch", "scenarios/otl.toml", "--runs", "100", "--task-size", "3000000000"], "--task-size must be between 1 and 1,000,000"),
            (["sweep", "launch", "scenarios/otl.toml", "--runs", "100", "--max-attempts", "-1"], "--max-attempts must be between 1 and 100"),
            (["sweep", "launch", "scenarios/otl.toml", "--runs", "100", "--local-workers", "-2"], "--local-workers must be between 0 and 256"),
            (["sweep", "launch", "scenarios/otl.toml", "--runs", "100", "--claim-batch", "0"], "--claim-batch must be between 1 and 1,000"),
            (["worker", "--claim-batch", "1001"], "--claim-batch must be between 1 and 1,000"),
            (["sweep", "launch", "scenarios/otl.toml", "--runs", "100", "--claim-batch", "5"], "--claim-batch applies to the workers --local-workers starts"),
            (["sweep", "launch", "scenarios/otl.toml", "--runs", "100", "--until-ci", "nan"], "--until-ci must be a finite number"),
            (["sweep", "launch", "scenarios/otl.toml", "--runs", "100", "--name", "4"], "all digits and would be read as a sweep id"),
            (["sweep", "list", "--limit", "-1"], "--limit must be between 1 and 100,000"),
            (["worker", "--lease-seconds", "-1"], "--lease-seconds must be between 1 and 86,400"),
            (["worker", "--lease-seconds", "10", "--heartbeat-seconds", "9"], "at most half of --lease-seconds"),
            (["report", "1", "--statement-timeout", "-3"], "--statement-timeout must be between 0 and 86400"),
        ]
        for (arguments, expected) in cases {
            let result = try nepsim(arguments)
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            XCTAssert(result.stderr.contains(expected), "\(arguments.joined(separator: " ")): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("SQLSTATE"), result.stderr)
        }
    }

    func testBadScenarioFileIsReportedWithFileLineAndKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nepsim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = CommandLineTests.root.appendingPathComponent("scenarios/base/ussr-1926.toml").path
        let file = directory.appendingPathComponent("bad.toml")
        try """
            [scenario]
            name = "bad"
            title = "A scenario with a probability out of range"
            extends = "\(base)"

            [parameters]
            drought_probability = { distribution = "uniform", low = 0.1, high = 1.4, source = "judgement" }
            """.write(to: file, atomically: true, encoding: .utf8)
        for command in [["scenario", "check"], ["run"], ["simulate"]] {
            let result = try nepsim(command + [file.path])
            XCTAssertNotEqual(result.status, 0)
            XCTAssert(result.stderr.contains("bad.toml:7"), result.stderr)
            XCTAssert(result.stderr.contains("drought_probability"), result.stderr)
            XCTAssert(result.stderr.contains("between 0 and 1"), result.stderr)
            XCTAssertFalse(result.stderr.contains("Fatal error"))
        }
        let missing = try nepsim(["scenario", "check", directory.appendingPathComponent("nope.toml").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssert(missing.stderr.contains("nope.toml"), missing.stderr)
    }

    // MARK: scenario

    func testScenarioCheckAndShow() throws {
        for name in ["otl", "peasants-enrich-yourselves", "shot-in-the-kremlin"] {
            let check = try nepsim(["scenario", "check", "scenarios/\(name).toml"])
            XCTAssertEqual(check.status, 0, check.stderr)
            XCTAssert(check.stdout.contains("valid scenario '\(name)'"), check.stdout)
        }
        let show = try nepsim(["scenario", "show", "scenarios/shot-in-the-kremlin.toml"])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssert(show.stdout.contains("stalin_1926_attempt_probability = beta(alpha 4"), show.stdout)
        XCTAssert(show.stdout.contains("Source: "))
        XCTAssert(show.stdout.contains("== Famine"))
    }
}
