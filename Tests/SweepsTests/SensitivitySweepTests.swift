import Analysis
import Experiments
import Foundation
import PostgresStore
import SweepStore
import Sweeps
import XCTest

/// `nepsim sensitivity` on a stored Saltelli sweep and on plain files.
final class SensitivitySweepTests: DatabaseTestCase {
    /// Whether Stalin dies in 1926 is decided by two drawn parameters (the attempt's probability
    /// and its success): they must carry the largest indices of that event, and the blocks of a
    /// base row must share their chance (A and A_B(i) differ in one parameter only).
    func testSaltelliSweepIndicesPointAtTheParametersThatDecideTheEvent() throws {
        let scenario = try scenario("shot-in-the-kremlin")
        let k = scenario.uncertain.count
        let request = SweepRequest(scenario: scenario, name: "why", points: 128 * (k + 2), design: .saltelli, seed: 3, taskSize: 500)
        let sweep = try Coordinator.launch(request, on: connection, codeVersion: "test")
        try runWorkers(2, sweep: sweep)
        let report = try SweepSensitivity.indices(sweep: "why", output: "stalin_died_1926", resamples: 200, connection: connection)
        XCTAssertEqual(report.runs, 128 * (k + 2))
        XCTAssertEqual(Set(report.parameters.keys), Set(scenario.uncertain.map(\.name)))
        let top = report.ranked.prefix(2).map(\.name)
        XCTAssertEqual(Set(top), ["stalin_1926_attempt_probability", "stalin_1926_attempt_success"], "\(report.table)")
        // Parameters that cannot touch the 1926 attempt have (nearly) no total effect on it.
        let kirov = try XCTUnwrap(report.parameters["kirov_1934_attempt_probability"])
        XCTAssertLessThan(try XCTUnwrap(kirov.ST), 0.02, report.table)
        // The SQL of docs/queries.md (question 14) gives the same indices as the Swift estimators.
        let queries = try String(contentsOf: DatabaseTestCase.root.appendingPathComponent("docs/queries.md"), encoding: .utf8)
        let section = try XCTUnwrap(queries.components(separatedBy: "## 14.").last)
        let sql = try XCTUnwrap(section.components(separatedBy: "```sql\n").dropFirst().first?.components(separatedBy: "```").first)
            .replacingOccurrences(of: "sweep_id = 1", with: "sweep_id = \(sweep.id)")
            .replacingOccurrences(of: "famine_over_1m", with: "stalin_died_1926")
        let rows = try connection.query(SQLQuery(raw: sql)).rows
        XCTAssertEqual(rows.count, k)
        for row in rows {
            let name = try XCTUnwrap(row[0]), swift = try XCTUnwrap(report.parameters[name])
            XCTAssertEqual(Double(row[1] ?? "") ?? .nan, try XCTUnwrap(swift.S1), accuracy: 1e-9, name)
            XCTAssertEqual(Double(row[2] ?? "") ?? .nan, try XCTUnwrap(swift.ST), accuracy: 1e-9, name)
        }
        // A Monte Carlo sweep gets first-order indices from given data, pointing the same way.
        let mc = try launch("shot-in-the-kremlin", runs: 3000, taskSize: 1000, sweepName: "plain-mc")
        try runWorkers(2, sweep: mc)
        let given = try SweepSensitivity.indices(sweep: String(mc.id), output: "stalin_died_1926", connection: connection)
        XCTAssertEqual(given.method, "binned-first-order")
        XCTAssertEqual(given.resamples, 100)
        XCTAssert(["stalin_1926_attempt_probability", "stalin_1926_attempt_success"].contains(given.ranked[0].name), given.table)
        XCTAssertNil(given.parameters["kirov_1934_attempt_probability"]?.ST)
        // An unknown outcome is explained.
        XCTAssertThrowsError(try SweepSensitivity.indices(sweep: "why", output: "famine_size", connection: connection)) {
            XCTAssert(String(describing: $0).contains("no outcome or event 'famine_size'"), "\($0)")
        }
    }

    /// A Morris sweep's trajectories share their chance; the 1926 parameters move the event most.
    func testMorrisSweepEffectsAndPlainMorrisThroughTheCommandLine() throws {
        let scenario = try scenario("shot-in-the-kremlin")
        let k = scenario.uncertain.count
        let request = SweepRequest(scenario: scenario, name: "morris", points: 60 * (k + 1), design: .morris, seed: 4, taskSize: 500,
                                   levels: 6)
        let launched = try Coordinator.launch(request, on: connection, codeVersion: "test")
        XCTAssertEqual(try StoredSweep.load("morris", from: connection).levels, 6)
        // The stored plan's points lie on the 6-level grid it was launched with.
        let grid = (0..<6).map { (Double($0) / 5 * 5 + 0.5) / 6 }
        let coordinates = try launched.runPlan().design.coordinates(point: 7)
        XCTAssert(coordinates.allSatisfy { c in grid.contains { abs($0 - c) < 1e-12 } }, "\(coordinates)")
        var badLevels = request
        badLevels.levels = 5
        badLevels.name = "bad-levels"
        XCTAssertThrowsError(try Coordinator.launch(badLevels, on: connection, codeVersion: "test"))
        try runWorkers(2, sweep: launched)
        let report = try SweepSensitivity.indices(sweep: "morris", output: "stalin_died_1926", resamples: 100, connection: connection)
        XCTAssertEqual(report.method, "morris")
        XCTAssert(report.ranked.prefix(2).map(\.name).contains("stalin_1926_attempt_probability"), report.table)
        XCTAssertEqual(try XCTUnwrap(report.parameters["kirov_1934_attempt_probability"]?.mu_star), 0, accuracy: 0.05, report.table)

        // Plain data: a linear model's elementary effects are its coefficients times each range.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nepsim-morris-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let parameters = directory.appendingPathComponent("bounds.toml")
        try "[[parameter]]\nname = \"a\"\nlow = 0\nhigh = 2\n\n[[parameter]]\nname = \"b\"\nlow = -1\nhigh = 1\n"
            .write(to: parameters, atomically: true, encoding: .utf8)
        let (design, designOut, _) = try startNepsim(["design", "morris", "--parameters", parameters.path, "--trajectories", "20"])
        let sample = String(decoding: designOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        design.waitUntilExit()
        XCTAssertEqual(design.terminationStatus, 0)
        let rows = sample.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(rows.count, 20 * 3)
        let samplesFile = directory.appendingPathComponent("x.csv"), outputsFile = directory.appendingPathComponent("y.csv")
        try sample.write(to: samplesFile, atomically: true, encoding: .utf8)
        try rows.map { String(5 * $0[0] - 3 * $0[1]) }.joined(separator: "\n").write(to: outputsFile, atomically: true, encoding: .utf8)
        let (analysis, out, err) = try startNepsim(["sensitivity", "--samples", samplesFile.path, "--outputs", outputsFile.path,
                                                    "--method", "morris", "--parameters", parameters.path, "--format", "json"])
        let json = out.fileHandleForReading.readDataToEndOfFile()
        analysis.waitUntilExit()
        XCTAssertEqual(analysis.terminationStatus, 0, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        let indices = try XCTUnwrap((try JSONSerialization.jsonObject(with: json) as? [String: Any])?["parameters"] as? [String: [String: Any]])
        XCTAssertEqual(indices["a"]?["mu"] as? Double ?? 0, 10, accuracy: 1e-9)  // 5 per unit x a range of 2
        XCTAssertEqual(indices["b"]?["mu"] as? Double ?? 0, -6, accuracy: 1e-9)
        XCTAssertEqual(indices["b"]?["mu_star"] as? Double ?? 0, 6, accuracy: 1e-9)
        XCTAssertEqual(indices["a"]?["sigma"] as? Double ?? -1, 0, accuracy: 1e-9)
    }

    /// The box PRIM chooses, fed back to `report --given` as printed, selects exactly the runs
    /// the box holds, and the event's probability there is the box's density.
    func testDiscoveredBoxIsAConditionTheReportAccepts() throws {
        let sweep = try launch("shot-in-the-kremlin", runs: 4000, seed: 5, taskSize: 1000, sweepName: "where")
        try runWorkers(2, sweep: sweep)
        let report = try SweepDiscovery.discover(sweep: "where", event: "famine_over_1m", given: "stalin_died_1926",
                                                 minCoverage: 0.5, connection: connection)
        XCTAssertGreaterThan(report.trajectory.count, 2)
        XCTAssertEqual(report.trajectory[0].mass, 1)
        XCTAssertGreaterThanOrEqual(report.coverage, 0.5)
        XCTAssertGreaterThan(report.density, report.trajectory[0].density)
        XCTAssertFalse(report.box.isEmpty)
        XCTAssert(report.condition.hasPrefix("params."), report.condition)
        let given = try ReportBuilder.build(ReportRequest(sweep: "where", given: "stalin_died_1926 and " + report.condition),
                                            on: connection)
        XCTAssertEqual(given.runs, Int((report.mass * Double(report.runs)).rounded()))
        let probability = try XCTUnwrap(given.events.first { $0.name == "famine_over_1m" }?.probability)
        XCTAssertEqual(probability, report.density, accuracy: 1e-12)
        XCTAssertThrowsError(try SweepDiscovery.discover(sweep: "where", event: "famine", given: nil, minCoverage: 0.5,
                                                         connection: connection))
    }

    /// `nepsim design saltelli` prints a sample, a model runs on it outside nepsim, and
    /// `nepsim sensitivity --samples --outputs` gives Ishigami's indices back.
    func testPlainDataRoundTripThroughTheCommandLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nepsim-plain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let parameters = directory.appendingPathComponent("ishigami.toml")
        try (1...3).map { "[[parameter]]\nname = \"x\($0)\"\nlow = -3.141592653589793\nhigh = 3.141592653589793\n" }
            .joined(separator: "\n").write(to: parameters, atomically: true, encoding: .utf8)
        let (design, designOut, designErr) = try startNepsim(["design", "saltelli", "--parameters", parameters.path,
                                                              "--base", "4096", "--seed", "2"])
        let sample = String(decoding: designOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        design.waitUntilExit()
        XCTAssertEqual(design.terminationStatus, 0, String(decoding: designErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        let lines = sample.split(separator: "\n")
        XCTAssertEqual(lines.first, "x1,x2,x3")
        XCTAssertEqual(lines.count, 1 + 4096 * 5)
        let outputs = ["y"] + lines.dropFirst().map { line -> String in
            let x = line.split(separator: ",").map { Double($0)! }
            return String(sin(x[0]) + 7 * pow(sin(x[1]), 2) + 0.1 * pow(x[2], 4) * sin(x[0]))
        }
        let samplesFile = directory.appendingPathComponent("x.csv"), outputsFile = directory.appendingPathComponent("y.csv")
        try sample.write(to: samplesFile, atomically: true, encoding: .utf8)
        try outputs.joined(separator: "\n").write(to: outputsFile, atomically: true, encoding: .utf8)
        let (analysis, out, err) = try startNepsim(["sensitivity", "--samples", samplesFile.path, "--outputs", outputsFile.path,
                                                    "--format", "json", "--resamples", "200"])
        let json = out.fileHandleForReading.readDataToEndOfFile()
        analysis.waitUntilExit()
        XCTAssertEqual(analysis.terminationStatus, 0, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        XCTAssertEqual(object["method"] as? String, "sobol")
        XCTAssertEqual(object["outcome"] as? String, "y")
        let indices = try XCTUnwrap(object["parameters"] as? [String: [String: Any]])
        for (name, s1, st) in [("x1", 0.3139, 0.5576), ("x2", 0.4424, 0.4424), ("x3", 0.0, 0.2437)] {
            XCTAssertEqual(indices[name]?["S1"] as? Double ?? -9, s1, accuracy: 0.03, name)
            XCTAssertEqual(indices[name]?["ST"] as? Double ?? -9, st, accuracy: 0.03, name)
            XCTAssertEqual((indices[name]?["S1_ci"] as? [Double])?.count, 2)
        }
        // Outputs that do not match the sample are refused with both files named.
        try outputs.dropLast().joined(separator: "\n").write(to: outputsFile, atomically: true, encoding: .utf8)
        let (short, _, shortErr) = try startNepsim(["sensitivity", "--samples", samplesFile.path, "--outputs", outputsFile.path])
        let message = String(decoding: shortErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        short.waitUntilExit()
        XCTAssertNotEqual(short.terminationStatus, 0)
        XCTAssert(message.contains("x.csv has 20480 rows but") && message.contains("y.csv has 20479"), message)
    }
}
