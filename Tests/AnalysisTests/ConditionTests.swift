import Analysis
import PostgresStore
import XCTest

/// `--given`: what it accepts, what it refuses, and that no condition can change data.
final class ConditionTests: XCTestCase {
    let names = ["stalin_1926_attempt_probability", "drought_probability"]

    func compile(_ text: String) throws -> Condition {
        try Condition.compile(text, parameterNames: names)
    }

    func testCompilesToParameterizedSQLOverKnownColumns() throws {
        let c = try compile("depression_onset_year <= 1929 and leader_1930 = 'Molotov-Rykov'")
        XCTAssertEqual(c.sql.rendered.sql, "((r.depression_onset_year <= $1::float8) AND (r.leader_1930 = $2::text))")
        XCTAssertEqual(c.sql.rendered.parameters, ["1929.0", "Molotov-Rykov"])
        let d = try compile("not (stalin_died_1926 or terror) and params.drought_probability > 0.2 and collectivization_year is not null")
        XCTAssertEqual(d.sql.rendered.sql, "((NOT ((r.stalin_died_1926) OR (r.terror))) AND (r.param_values[2] > $1::float8) AND (r.collectivization_year IS NOT NULL))")
        XCTAssertEqual(d.sql.rendered.parameters, ["0.2"])
        let e = try compile("famine_over_1m = false and leader_1940 != 'O''Brien' and famine_deaths_total >= -1.5e3")
        XCTAssertEqual(e.sql.rendered.parameters, ["false", "O'Brien", "-1500.0"])
    }

    func testRefusesWhatItShould() {
        let cases: [(String, String)] = [
            ("famine_deaths > 1", "unknown column 'famine_deaths'"),
            ("famin_deaths_total > 1", "did you mean 'famine_deaths_total'"),
            ("famine_deaths_total => 1", "but found '>'"),
            ("famine_deaths_total ~ 1", "unexpected character '~'"),
            ("famine_deaths_total > ", "expected a column, a number"),
            ("(terror and stalin_died_1926", "expected ')'"),
            ("leader_1930 = 5", "cannot compare leader_1930 (text) with 5.0 (a number)"),
            ("terror > true", "events can only be compared with = or !="),
            ("params.nonexistent > 1", "no drawn parameter 'nonexistent'"),
            ("leader_1930 = 'unterminated", "unterminated string"),
            ("", "the condition is empty"),
            ("famine_deaths_total > 1; DROP TABLE nepsim.runs", "unexpected character ';'"),
            ("famine_deaths_total", "expected a comparison"),
            ("params > 1", "unknown column 'params'"),
            ("worker_id = 'x'", "unknown column 'worker_id'"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try compile(text), text) { error in
                XCTAssert("\(error)".contains(expected), "\(text): \(error)")
                XCTAssert("\(error)".contains("--given"), "\(error)")
            }
        }
    }

    /// Hostile shapes get a short, clear error: no stack overflow, nothing sent to the server.
    func testDeepOrHugeConditionsAreRefusedBriefly() {
        let deepParentheses = String(repeating: "(", count: 10_000) + "terror" + String(repeating: ")", count: 10_000)
        let manyNots = String(repeating: "not ", count: 900) + "terror"
        let long = (0..<300).map { "famine_deaths_total > \($0)" }.joined(separator: " and ")
        let cases = [(deepParentheses, "characters long"), (manyNots, "more than 50 deep"),
                     (String(repeating: "(", count: 60) + "terror" + String(repeating: ")", count: 60), "more than 50 deep"),
                     (long, "at most 4000 are accepted")]
        for (text, expected) in cases {
            XCTAssertThrowsError(try compile(text)) { error in
                XCTAssert("\(error)".contains(expected), "\(error)".prefix(300).description)
                XCTAssertLessThan("\(error)".count, 400, "the error echoes too much")
            }
        }
        XCTAssertNoThrow(try compile(String(repeating: "(", count: 50) + "terror" + String(repeating: ")", count: 50)))
        XCTAssertNoThrow(try compile(String(repeating: "not ", count: 50) + "terror"))
    }

    func testNoConditionCanChangeData() throws {
        let (_, sweep) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        let before = try db.query("SELECT count(*) AS n FROM nepsim.runs").int(0, "n")
        // Strings are parameters: SQL in them is just text to compare with.
        let report = try ReportBuilder.build(ReportRequest(
            sweep: String(sweep), given: "leader_1930 = 'x''); DELETE FROM nepsim.runs; --' or terror"), on: db)
        XCTAssertGreaterThan(report.runs, 0)
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM nepsim.runs").int(0, "n"), before)
        // And the report runs in a read-only transaction.
        XCTAssertEqual(try db.query("SHOW transaction_read_only").string(0, "transaction_read_only"), "off",
                       "the read-only transaction must end with the report")
    }

    func testGivenNarrowsTheRunsConsistently() throws {
        let (_, sweep) = try AnalysisFixture.sweep()
        let db = try AnalysisFixture.connection()
        let all = try ReportBuilder.build(ReportRequest(sweep: String(sweep)), on: db)
        let dead = try ReportBuilder.build(ReportRequest(sweep: String(sweep), given: "stalin_died_1926"), on: db)
        let alive = try ReportBuilder.build(ReportRequest(sweep: String(sweep), given: "not stalin_died_1926"), on: db)
        XCTAssertEqual(dead.runs + alive.runs, all.runs)
        XCTAssertEqual(dead.events.first { $0.name == "stalin_died_1926" }?.probability, 1)
        XCTAssertEqual(alive.events.first { $0.name == "stalin_died_1926" }?.probability, 0)
        XCTAssertThrowsError(try ReportBuilder.build(ReportRequest(sweep: String(sweep), given: "point < 0"), on: db)) {
            XCTAssert("\($0)".contains("no run of sweep"), "\($0)")
        }
    }
}
