import Analysis
import Foundation
import XCTest

/// `nepsim report` as a user runs it: the formats carry the same numbers, the table fits 100
/// columns, files are written, bad conditions are refused.
final class ReportCommandTests: XCTestCase {
    func nepsim(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        var directory = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        directory.deleteLastPathComponent()
        let process = Process()
        process.executableURL = directory.appendingPathComponent("nepsim")
        process.arguments = arguments + ["--database", try AnalysisFixture.sweep().url]
        process.currentDirectoryURL = AnalysisFixture.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    func testTableCSVAndJSONCarryTheSameNumbers() throws {
        let sweep = String(try AnalysisFixture.sweep().sweepID)
        let table = try nepsim(["report", sweep, "--split-by", "stalin_died_1926"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssert(table.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 }, "the table must fit 100 columns")
        XCTAssert(table.stdout.contains("Histogram: famine_deaths_total"))
        XCTAssert(table.stdout.contains("Comparison: stalin_died_1926 = true"))
        let json = try nepsim(["report", sweep, "--split-by", "stalin_died_1926", "--format", "json"])
        let data = try JSONDecoder().decode(ReportData.self, from: Data(json.stdout.utf8))
        let csv = try nepsim(["report", sweep, "--split-by", "stalin_died_1926", "--format", "csv"])
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows[0].joined(separator: ","), ReportText.csvHeader)
        for event in data.events {
            let row = try XCTUnwrap(rows.first { $0[0] == "event" && $0[1] == "all" && $0[2] == event.name })
            XCTAssertEqual(Double(row[14]), event.probability)
            XCTAssertEqual(Double(row[15]), event.lower)
            XCTAssertEqual(Double(row[16]), event.upper)
            XCTAssert(table.stdout.contains(String(format: "%.4f-%.4f", event.lower, event.upper)), event.name)
        }
        for q in data.numeric {
            let row = try XCTUnwrap(rows.first { $0[0] == "numeric" && $0[1] == "all" && $0[2] == q.name })
            XCTAssertEqual(Double(row[9]), q.p50, q.name)
            XCTAssertEqual(Int(row[4]), q.n)
        }
        let comparison = try XCTUnwrap(data.comparison)
        for diff in comparison.rows {
            let row = try XCTUnwrap(rows.first { $0[0] == "difference" && $0[2] == diff.name })
            XCTAssertEqual(Double(row[17]), diff.difference, diff.name)
        }
        XCTAssertEqual(data.histograms.map(\.outcome), ReportBuilder.histogramOutcomes)
        XCTAssertEqual(data.fans.map(\.series), ReportBuilder.fanSeries)
        XCTAssertEqual(data.histograms[0].counts.reduce(0, +), data.runs)
    }

    func testOutputFileAndHTMLAndCompare() throws {
        let sweep = String(try AnalysisFixture.sweep().sweepID)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        let html = try nepsim(["report", sweep, "--split-by", "stalin_died_1926", "--format", "html", "--output", file.path])
        XCTAssertEqual(html.status, 0, html.stderr)
        let page = try String(contentsOf: file, encoding: .utf8)
        for chart in ["histogram:famine_deaths_total", "histogram:industrial_output_1940", "histogram:urban_population_1939_m",
                      "fan:harvest_mt", "fan:procurement_mt", "fan:famine_deaths", "fan:industrial_output",
                      "comparison-histogram:famine_deaths_total"] {
            XCTAssert(page.contains("data-chart=\"\(chart)\""), chart)
        }
        XCTAssertFalse(page.contains("http://") || page.contains("https://"))
        let compare = try nepsim(["report", sweep, "--compare", sweep, "--given", "terror"])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        XCTAssert(compare.stdout.contains("where terror"))
    }

    /// `--why EVENT` adds the sensitivity chart and PRIM's trade-off chart to the HTML report
    /// (first-order indices from the runs here: the fixture is a Monte Carlo sweep), and only there.
    func testWhySectionsInTheHTMLReport() throws {
        let sweep = String(try AnalysisFixture.sweep().sweepID)
        let html = try nepsim(["report", sweep, "--format", "html", "--why", "famine_over_1m", "--given", "stalin_died_1926"])
        XCTAssertEqual(html.status, 0, html.stderr)
        for chart in ["sensitivity:famine_over_1m", "prim-tradeoff:famine_over_1m"] {
            XCTAssert(html.stdout.contains("data-chart=\"\(chart)\""), chart)
        }
        XCTAssert(html.stdout.contains("id=\"why-discovery\"") && html.stdout.contains("First-order indices from the runs"))
        let table = try nepsim(["report", sweep, "--why", "famine_over_1m"])
        XCTAssertNotEqual(table.status, 0)
        XCTAssert(table.stderr.contains("--format html"), table.stderr)
        let numeric = try nepsim(["report", sweep, "--format", "html", "--why", "famine_deaths_total"])
        XCTAssertNotEqual(numeric.status, 0)
        XCTAssert(numeric.stderr.contains("no event 'famine_deaths_total'"), numeric.stderr)
    }

    func testBadConditionsAndEventsAreRefused() throws {
        let sweep = String(try AnalysisFixture.sweep().sweepID)
        let bad = try nepsim(["report", sweep, "--given", "famine_deaths > 1"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssert(bad.stderr.contains("unknown column 'famine_deaths'"), bad.stderr)
        let event = try nepsim(["report", sweep, "--split-by", "famine_deaths_total"])
        XCTAssertNotEqual(event.status, 0)
        XCTAssert(event.stderr.contains("is not an event"), event.stderr)
        let unknown = try nepsim(["report", "no-such-sweep"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssert(unknown.stderr.contains("no sweep 'no-such-sweep'"), unknown.stderr)
    }
}
