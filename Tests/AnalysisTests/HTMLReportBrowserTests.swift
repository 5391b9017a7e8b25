import Foundation
import XCTest
import Experiments
@testable import Analysis

/// The HTML report in a real browser: scripts/check-report-html renders it with headless Chromium
/// and checks the screenshot and the parsed DOM.
final class HTMLReportBrowserTests: XCTestCase {
    /// The repository root, found from this file's path (Tests/AnalysisTests/...).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The first of the names on PATH, or nil.
    static func executableOnPath(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for name in names {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    func testRendersInHeadlessChromium() throws {
        guard Self.executableOnPath(["chromium", "chromium-browser"]) != nil else {
            throw XCTSkip("chromium is not on PATH; install Debian's package with "
                + "`apt-get install -y --no-install-recommends chromium fonts-liberation` to run this test")
        }
        // NEPSIM_REPORT_HTML_DIR keeps the pages and screenshots for a person to look at.
        let keep = ProcessInfo.processInfo.environment["NEPSIM_REPORT_HTML_DIR"]
        let directory = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("nepsim-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if keep == nil { addTeardownBlock { try? FileManager.default.removeItem(at: directory) } }

        let expected = HTMLReportFixtures.histogramOutcomes.map { "histogram:\($0)" }
            + HTMLReportFixtures.fanSeries.map { "fan:\($0)" }
            + ["comparison-histogram:famine_deaths_total", "forest:famine_1932_33"]
        try check(HTMLReportFixtures.report(), named: "report", in: directory, expecting: expected)

        // The awkward cases: an empty histogram, a zero-variance one, no yearly series, no comparison.
        var edge = HTMLReportFixtures.report(given: nil)
        edge.histograms[0] = .init(outcome: "famine_deaths_total", unit: "persons", edges: [], counts: [])
        edge.histograms[1] = .init(outcome: "industrial_output_1940", unit: "1928 = 100", edges: [455, 455], counts: [1873])
        edge.fans = []
        edge.comparison = nil
        try check(edge, named: "edge-cases", in: directory, expecting: ["histogram:industrial_output_1940"])
    }

    /// The pages of `nepsim sensitivity` and `nepsim discover`: the indices' bars with whiskers,
    /// and PRIM's coverage-density trade-off with the chosen box.
    func testSensitivityAndDiscoveryPagesRenderInHeadlessChromium() throws {
        guard Self.executableOnPath(["chromium", "chromium-browser"]) != nil else {
            throw XCTSkip("chromium is not on PATH; install Debian's package with "
                + "`apt-get install -y --no-install-recommends chromium fonts-liberation` to run this test")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nepsim-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        // Sobol' indices of a small additive model on a Saltelli design.
        let k = 4, base = 256
        let design = SaltelliDesign(seed: 1, baseRows: UInt64(base), dimensions: k)
        let outputs = (0..<(base * (k + 2))).map { p -> Double in
            let u = design.coordinates(point: UInt64(p))
            return 4 * u[0] + 2 * u[1] + u[2] * u[3]
        }
        let estimates = try SobolIndices.analyze(saltelliOutputs: outputs, parameters: k, resamples: 100)
        let sensitivity = SensitivityReport(sweep: "fixture", method: "sobol", outcome: "y", runs: outputs.count, baseRows: base,
                                            resamples: 100, names: ["a", "b", "c", "d"], estimates: estimates)
        try checkPage(HTMLReport.render(sensitivity), named: "sensitivity", in: directory, expecting: ["sensitivity:y"])
        // PRIM on a planted box.
        let points = MonteCarloDesign(seed: 3, dimensions: 3)
        let x = (0..<3000).map { points.coordinates(point: UInt64($0)) }
        let result = try Prim.run(inputs: (0..<3).map { i in x.map { $0[i] } }, event: x.map { $0[0] > 0.6 && $0[1] < 0.5 })
        let discovery = DiscoveryReport(source: "fixture", event: "e", given: nil, names: ["a", "b", "c"], prefix: "",
                                        minCoverage: 0.5, result: result)
        try checkPage(HTMLReport.render(discovery), named: "discovery", in: directory, expecting: ["prim-tradeoff:e"])
    }

    /// Renders `data` to NAME.html in `directory` and runs scripts/check-report-html on it.
    private func check(_ data: ReportData, named name: String, in directory: URL, expecting expected: [String]) throws {
        try checkPage(HTMLReport.render(data), named: name, in: directory, expecting: expected)
    }

    /// Writes `html` to NAME.html in `directory` and runs scripts/check-report-html on it.
    private func checkPage(_ html: String, named name: String, in directory: URL, expecting expected: [String]) throws {
        let page = directory.appendingPathComponent("\(name).html")
        let screenshot = directory.appendingPathComponent("\(name).png")
        try html.write(to: page, atomically: true, encoding: .utf8)

        let log = directory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.repositoryRoot.appendingPathComponent("scripts/check-report-html").path, page.path, screenshot.path]
            + expected.flatMap { ["--expect", $0] }
        // A file rather than a pipe: a full pipe would block the script while we wait for it.
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        try output.close()

        let report = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        print(report)
        XCTAssertEqual(process.terminationStatus, 0, "scripts/check-report-html failed on \(name):\n\(report)")
        XCTAssertTrue(report.contains(" 0 failed"), report)
        XCTAssertTrue(FileManager.default.fileExists(atPath: screenshot.path))
    }
}
