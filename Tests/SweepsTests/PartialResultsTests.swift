import Experiments
import Foundation
import PostgresStore
import SweepStore
import Sweeps
import XCTest

/// Partial results never look complete, and nothing from the database reaches a terminal raw.
final class PartialResultsTests: DatabaseTestCase {
    /// A sweep cancelled half way: its runs stored for two tasks of four.
    func cancelledHalfWay() throws -> StoredSweep {
        let sweep = try launch(runs: 400, taskSize: 100, sweepName: "half")
        try runWorkers(1, sweep: sweep)
        _ = try connection.query("DELETE FROM nepsim.runs WHERE sweep_id = \(bind: sweep.id) AND point >= 200")
        _ = try connection.query("UPDATE nepsim.tasks SET state = 'cancelled' WHERE sweep_id = \(bind: sweep.id) AND first_run >= 200")
        _ = try connection.query("UPDATE nepsim.sweeps SET state = 'cancelled' WHERE sweep_id = \(bind: sweep.id)")
        return sweep
    }

    func testEveryReportFormatShowsStateAndCoverage() throws {
        let sweep = try cancelledHalfWay()
        let table = try nepsim(["report", String(sweep.id), "--database", url])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssert(table.stdout.contains("state cancelled, 200 of 400 runs stored"), table.stdout)
        XCTAssert(table.stdout.contains("WARNING: sweep is cancelled: these numbers cover 200 of 400 runs (50.0%)"), table.stdout)
        let json = try nepsim(["report", String(sweep.id), "--format", "json", "--database", url])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        // The report's source: the runs asked for, and the stored sweep's state (nil for `simulate`).
        let source = try XCTUnwrap(object["source"] as? [String: Any])
        let info = try XCTUnwrap(source["sweep"] as? [String: Any])
        XCTAssertEqual(info["state"] as? String, "cancelled")
        XCTAssertEqual(info["storedRuns"] as? Int, 200)
        XCTAssertEqual(source["runs"] as? Int, 400)
        let csv = try nepsim(["report", String(sweep.id), "--format", "csv", "--database", url])
        XCTAssertEqual(csv.stdout.split(separator: "\n")[1].prefix(28), "sweep,,state,cancelled,200,,")
        let html = try nepsim(["report", String(sweep.id), "--format", "html", "--database", url])
        XCTAssert(html.stdout.contains("class=\"warning\">sweep is cancelled: these numbers cover 200 of 400 runs"), "no warning in HTML")
        // A finished sweep carries no warning.
        let done = try launch(runs: 100, taskSize: 100, sweepName: "whole")
        try runWorkers(1, sweep: done)
        let whole = try nepsim(["report", String(done.id), "--database", url])
        XCTAssert(whole.stdout.contains("state done, 100 of 100 runs stored"), whole.stdout)
        XCTAssertFalse(whole.stdout.contains("WARNING"), whole.stdout)
    }

    func testStatusCountsStoredRowsAndChecksumWantsAFinishedSweep() throws {
        let sweep = try cancelledHalfWay()
        XCTAssertEqual(try Coordinator.status(String(sweep.id), on: connection).runsDone, 200)
        let partial = try nepsim(["sweep", "checksum", String(sweep.id), "--database", url])
        XCTAssertNotEqual(partial.status, 0)
        XCTAssert(partial.stdout.hasPrefix("200:"), partial.stdout)
        XCTAssert(partial.stderr.contains("not a finished sweep"), partial.stderr)
        let empty = try launch(runs: 100, taskSize: 100, sweepName: "empty")
        let none = try nepsim(["sweep", "checksum", String(empty.id), "--database", url])
        XCTAssertNotEqual(none.status, 0)
        XCTAssert(none.stderr.contains("has no stored runs"), none.stderr)
        XCTAssertEqual(none.stdout, "")
    }

    /// Terminal escape sequences in the database (put there by hand, or by an older nepsim) are
    /// shown without them; a scenario file with them is refused with its line and key.
    func testControlCharactersNeverReachTheTerminal() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("evil-\(UUID().uuidString).toml")
        let base = DatabaseTestCase.root.appendingPathComponent("scenarios/otl.toml").path
        try """
            [scenario]
            name = "evil"
            title = "Evil \\u001b]0;pwned\\u0007 title \\u001b[2J"
            extends = "\(base)"
            """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let check = try nepsim(["scenario", "check", file.path])
        XCTAssertNotEqual(check.status, 0)
        XCTAssert(check.stderr.contains("scenario.title") && check.stderr.contains("control character U+001B"), check.stderr)

        let sweep = try launch(runs: 100, taskSize: 100, sweepName: "evil")
        try runWorkers(1, sweep: sweep)
        _ = try connection.query("UPDATE nepsim.sweeps SET scenario_title = \(bind: "Evil \u{1B}]0;pwned\u{07} title \u{1B}[2J") WHERE sweep_id = \(bind: sweep.id)")
        _ = try connection.query("UPDATE nepsim.runs SET leader_1930 = \(bind: "Sta\u{1B}[31mlin") WHERE sweep_id = \(bind: sweep.id)")
        for format in ["table", "csv", "json", "html"] {
            let report = try nepsim(["report", "evil", "--format", format, "--database", url])
            XCTAssertEqual(report.status, 0, report.stderr)
            XCTAssertFalse(report.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(format) carries control characters")
        }
        let refused = try nepsim(["sweep", "launch", "scenarios/otl.toml", "--runs", "10", "--name", "bad\u{1B}name", "--database", url])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssert(refused.stderr.contains("control characters"), refused.stderr)
    }
}
