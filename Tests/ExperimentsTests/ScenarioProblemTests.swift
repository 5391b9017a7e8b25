import XCTest
import SimulationCore
@testable import Experiments

/// One test per kind of bad input: each must be refused with a message naming the file, the key
/// and what was expected, never a crash.
final class ScenarioProblemTests: XCTestCase {
    private let file = "scenarios/bad.toml"

    /// A complete scenario with one parameter's entry replaced by `rhs`; returns the text and the
    /// line it was written on.
    private func scenario(setting name: String, to rhs: String) -> (text: String, line: Int?) {
        let text = ScenarioFixtures.completeText(overrides: [name: rhs])
        return (text, ScenarioFixtures.line(of: "\(name) = ", in: text))
    }

    // MARK: Files

    func testMissingFileIsReported() {
        let path = ScenarioFixtures.temporaryDirectory().appendingPathComponent("nope.toml").path
        do {
            _ = try Scenario.load(path: path)
            XCTFail("a missing file must not load")
        } catch {
            XCTAssertEqual(error.problems.map(\.kind), [.unreadableFile])
            XCTAssertTrue(error.description.hasPrefix(path + ": "), error.description)
            XCTAssertTrue(error.description.contains("no such file"), error.description)
        }
    }

    func testUnreadableFileIsReported() throws {
        let directory = ScenarioFixtures.temporaryDirectory()
        let binary = directory.appendingPathComponent("binary.toml")
        try Data([0xFF, 0xFE, 0x00, 0xC3]).write(to: binary)
        for path in [binary.path, directory.path] {
            do {
                _ = try Scenario.load(path: path)
                XCTFail("\(path) must not load")
            } catch {
                XCTAssertEqual(error.problems.map(\.kind), [.unreadableFile])
                XCTAssertTrue(error.description.hasPrefix(path + ": cannot read the scenario file"), error.description)
                XCTAssertTrue(error.description.contains("UTF-8") || error.description.contains("directory"), error.description)
            }
        }
    }

    // MARK: Syntax and structure

    func testSyntaxErrorGivesLineAndColumn() {
        let text = "[scenario]\nname = \"x\"\ntitle = = \"y\"\n"
        let problem = onlyProblem(.syntax, parsing: text, file: file)
        XCTAssertEqual(problem?.line, 3)
        XCTAssertNotNil(problem?.column)
        XCTAssertTrue(problem?.description.hasPrefix("\(file):3:") ?? false, problem?.description ?? "")
        XCTAssertTrue(problem?.message.contains("TOML syntax error at line 3") ?? false, problem?.description ?? "")
    }

    func testUnknownTopLevelTableIsReported() {
        let text = ScenarioFixtures.completeText(extra: "[parameter]\nx = 1")
        let problem = onlyProblem(.unknownKey, parsing: text, file: file)
        assertDescribes(problem, key: "parameter", line: ScenarioFixtures.line(of: "[parameter]", in: text),
                        ["unknown top-level table [parameter]", "only [scenario] and [parameters]", "did you mean 'parameters'?"])
    }

    func testUnknownScenarioKeyIsReported() {
        let text = ScenarioFixtures.completeText().replacingOccurrences(of: "title = ", with: "titel = ")
        let found = problems(parsing: text, file: file)
        XCTAssertEqual(Set(found.map(\.kind)), [.unknownKey, .missingField])
        let unknown = found.first { $0.kind == .unknownKey }
        assertDescribes(unknown, key: "scenario.titel", line: ScenarioFixtures.line(of: "titel", in: text),
                        ["unknown key 'titel' in [scenario]", "name, title, description and extends", "did you mean 'title'?"])
    }

    func testUnknownParameterSuggestsTheNearestName() {
        let text = ScenarioFixtures.completeText().replacingOccurrences(
            of: "[parameters]\n", with: "[parameters]\ndrought_probabilty = { value = 0.1, source = \"j\" }\n")
        let problem = onlyProblem(.unknownParameter, parsing: text, file: file)
        assertDescribes(problem, key: "parameters.drought_probabilty",
                        line: ScenarioFixtures.line(of: "drought_probabilty", in: text),
                        ["unknown parameter 'drought_probabilty'", "parameter catalog", "did you mean 'drought_probability'?"])
    }

    // MARK: One bad parameter entry

    /// A parameter entry written wrong, and what the one problem it causes must say.
    private struct BadEntry {
        let parameter: String
        let entry: String
        let kind: ScenarioProblem.Kind
        let key: String  // after "parameters."
        let fragments: [String]
        let row: UInt

        init(_ parameter: String, _ entry: String, _ kind: ScenarioProblem.Kind, key: String, _ fragments: [String],
             row: UInt = #line) {
            (self.parameter, self.entry, self.kind, self.key, self.fragments, self.row) = (parameter, entry, kind, key, fragments, row)
        }
    }

    /// Each entry is refused with one problem at its line, naming its key and saying what was
    /// expected (a failure points at the row of the table).
    func testEachBadEntryIsRefusedWithWhatWasExpected() {
        let cases: [BadEntry] = [
            BadEntry("drought_probability", "{ distribution = \"gaussian\", mean = 0.2, sd = 0.1, source = \"j\" }",
                     .unknownDistribution, key: "drought_probability.distribution",
                     ["unknown distribution 'gaussian'", "fixed, uniform, normal, truncated_normal, lognormal, beta or choice"]),
            BadEntry("weather_log_sd", "{ distribution = \"uniform\", low = 0.05, high = 0.09, hihg = 1, source = \"j\" }",
                     .unknownField, key: "weather_log_sd.hihg",
                     ["unknown field 'hihg' for a uniform distribution", "low, high and source", "did you mean 'high'?"]),
            BadEntry("harvest_trend_growth", "{ distribution = \"normal\", mean = 0.01, source = \"j\" }",
                     .missingField, key: "harvest_trend_growth.sd", ["missing field 'sd'", "a normal distribution needs mean and sd"]),
            BadEntry("harvest_trend_growth", "{ low = 0, high = 1, source = \"j\" }",
                     .missingField, key: "harvest_trend_growth", ["missing `distribution`", "or `value` for a fixed parameter"]),
            BadEntry("drought_probability", "{ value = \"0.2\", source = \"j\" }", .wrongType, key: "drought_probability.value",
                     ["expected a number, but found the string \"0.2\"", "remove the quotes"]),
            BadEntry("harvest_trend_1927_mt", "3", .wrongType, key: "harvest_trend_1927_mt",
                     ["found the integer 3", "`harvest_trend_1927_mt = { value = 3, source = \"...\" }`"]),
            BadEntry("drought_probability", "{ value = 0.2 }", .missingSource, key: "drought_probability",
                     ["missing `source`", "a citation, or the word \"judgement\""]),
            BadEntry("drought_probability", "{ value = 0.2, source = \"  \" }", .missingSource, key: "drought_probability.source",
                     ["the source is empty", "\"judgement\""]),
            BadEntry("drought_probability", "{ distribution = \"normal\", mean = 0.2, sd = 0.05, source = \"j\" }",
                     .outsideDomain, key: "drought_probability",
                     ["expected a probability or share between 0 and 1", "normal(mean 0.2, sd 0.05) is unbounded",
                      "use truncated_normal", "or beta"]),
            BadEntry("initial_rural_population_m", "{ value = -1, source = \"j\" }", .outsideDomain, key: "initial_rural_population_m",
                     ["expected a non-negative number, but the value is -1"]),
            BadEntry("depression_onset_mean_year",
                     "{ distribution = \"choice\", values = [1929, 1950], weights = [1, 1], source = \"j\" }",
                     .outsideDomain, key: "depression_onset_mean_year", ["expected a number between 1927 and 1941", "includes 1950"]),
            BadEntry("weather_log_sd", "{ distribution = \"uniform\", low = 0.09, high = 0.05, source = \"j\" }",
                     .invertedBounds, key: "weather_log_sd", ["low (0.09) is greater than high (0.05)", "needs low < high"]),
            BadEntry("weather_log_sd", "{ distribution = \"uniform\", low = 0.05, high = 0.05, source = \"j\" }",
                     .invertedBounds, key: "weather_log_sd", ["low and high are both 0.05", "`{ value = 0.05, source = \"...\" }`"]),
        ]
        for c in cases {
            let (text, line) = scenario(setting: c.parameter, to: c.entry)
            let problem = onlyProblem(c.kind, parsing: text, file: file, line: c.row)
            assertDescribes(problem, key: "parameters." + c.key, line: line, c.fragments, line: c.row)
        }
    }

    // MARK: Distributions

    func testPlausibleRangeIsCheckedAndKept() throws {
        let cases: [(String, ScenarioProblem.Kind, String)] = [
            ("{ value = 0.3, plausible = [0.1, 0.2], source = \"j\" }", .outsideDomain, "outside its own plausible range"),
            ("{ value = 0.3, plausible = [0.4, 0.2], source = \"j\" }", .invertedBounds, "needs low < high"),
            ("{ value = 0.3, plausible = [0.1], source = \"j\" }", .wrongType, "two numbers, but found 1"),
            ("{ value = 0.3, plausible = [0.1, 1.5], source = \"j\" }", .outsideDomain, "leaves drought_probability's domain"),
            ("{ distribution = \"uniform\", low = 0.1, high = 0.2, plausible = [0.1, 0.2], source = \"j\" }",
             .unknownField, "unknown field 'plausible' for a uniform distribution"),
        ]
        for (rhs, kind, words) in cases {
            let (text, line) = scenario(setting: "drought_probability", to: rhs)
            let problem = onlyProblem(kind, parsing: text, file: file)
            XCTAssertEqual(problem?.line, line, rhs)
            XCTAssertTrue(problem?.message.contains(words) ?? false, "\(rhs): \(problem?.message ?? "no problem")")
        }
        let (text, _) = scenario(setting: "drought_probability", to: "{ value = 0.3, plausible = [0.2, 0.4], source = \"j\" }")
        let loaded = try Scenario.parse(text: text, file: file)
        let declaration = loaded.declarations.first { $0.name == "drought_probability" }
        XCTAssertEqual(declaration?.plausible, 0.2...0.4)
        XCTAssertEqual(declaration?.valueDescription, "fixed(0.3) (plausible 0.2 to 0.4)")
    }

    // MARK: Types and values

    func testNaNAndInfinityAreRefused() {
        for (written, shown) in [("nan", "nan"), ("inf", "inf"), ("-inf", "-inf")] {
            let (text, line) = scenario(setting: "harvest_trend_growth", to: "{ value = \(written), source = \"j\" }")
            let problem = onlyProblem(.notFinite, parsing: text, file: file)
            assertDescribes(problem, key: "parameters.harvest_trend_growth.value", line: line,
                            ["expected a finite number, but found \(shown)"])
        }
    }

    // MARK: Domains

    func testSupportOutsideTheDomainIsReportedAsSpecified() {
        let (text, line) = scenario(setting: "drought_probability",
                                    to: "{ distribution = \"uniform\", low = 0.1, high = 1.4, source = \"judgement\" }")
        let problem = onlyProblem(.outsideDomain, parsing: text, file: file)
        XCTAssertEqual(problem?.description,
                       "\(file):\(line!): parameters.drought_probability: expected a probability or share between 0 and 1,"
                       + " but the distribution uniform(low 0.1, high 1.4) reaches 1.4")
    }

    // MARK: Shapes

    func testNonPositiveShapeParametersAreReported() {
        let cases: [(name: String, rhs: String, key: String, fragment: String)] = [
            ("harvest_trend_growth", "{ distribution = \"normal\", mean = 0, sd = 0, source = \"j\" }", "sd",
             "sd must be positive for a normal distribution, but it is 0"),
            ("weather_log_sd", "{ distribution = \"lognormal\", median = 0.07, sigma = -0.2, source = \"j\" }", "sigma",
             "sigma must be positive for a lognormal distribution, but it is -0.2"),
            ("drought_probability", "{ distribution = \"beta\", alpha = 0, beta = 8, source = \"j\" }", "alpha",
             "alpha must be positive for a beta distribution, but it is 0"),
            ("drought_probability", "{ distribution = \"beta\", alpha = 2, beta = -1, source = \"j\" }", "beta",
             "beta must be positive for a beta distribution, but it is -1"),
        ]
        for c in cases {
            let (text, line) = scenario(setting: c.name, to: c.rhs)
            let problem = onlyProblem(.invalidShape, parsing: text, file: file)
            assertDescribes(problem, key: "parameters.\(c.name).\(c.key)", line: line, [c.fragment])
        }
    }

    func testMalformedChoicesAreReported() {
        let cases: [(rhs: String, key: String, fragment: String)] = [
            ("values = [1929, 1930], weights = [1]", "weights",
             "one weight per value, but there are 2 values and 1 weights"),
            ("values = []", "values", "at least one value, but `values` is empty"),
            ("values = [1929, 1930], weights = [1, -0.5]", "weights", "must not be negative, but weight 2 is -0.5"),
            ("values = [1929, 1930], weights = [0, 0]", "weights", "the weights add up to 0"),
            ("values = [1929, 1930], weights = [1e308, 1e308]", "weights", "more than a number can hold"),
        ]
        for c in cases {
            let (text, line) = scenario(setting: "depression_onset_mean_year",
                                        to: "{ distribution = \"choice\", \(c.rhs), source = \"j\" }")
            let problem = onlyProblem(.invalidChoice, parsing: text, file: file)
            assertDescribes(problem, key: "parameters.depression_onset_mean_year.\(c.key)", line: line, [c.fragment])
        }
    }

    /// Finite but absurd values are caught by the domains, and control characters (a NUL that
    /// would truncate the text) are refused.
    func testAbsurdValuesAndControlCharactersAreRefused() {
        let (spread, spreadLine) = scenario(setting: "weather_log_sd", to: "{ value = 1e308, source = \"j\" }")
        let problem = onlyProblem(.outsideDomain, parsing: spread, file: file)
        assertDescribes(problem, key: "parameters.weather_log_sd", line: spreadLine, ["between 0 and 1"])
        let (nul, nulLine) = scenario(setting: "drought_probability", to: "{ value = 0.2, source = \"Davies\\u0000 and Wheatcroft\" }")
        // Refused before the TOML reader sees it (it would cut the string at the NUL).
        let refused = onlyProblem(.syntax, parsing: nul, file: file)
        XCTAssertEqual(refused?.line, nulLine)
        XCTAssert(refused?.message.contains("NUL character") == true, "\(String(describing: refused))")
        let (escape, escapeLine) = scenario(setting: "drought_probability", to: "{ value = 0.2, source = \"Davies\\u001b[2J\" }")
        let control = onlyProblem(.wrongType, parsing: escape, file: file)
        assertDescribes(control, key: "parameters.drought_probability.source", line: escapeLine, ["control character"])
    }

    // MARK: Completeness and the header

    func testMissingParametersAreListedByMechanismWithAHint() {
        let omitted: Set = ["drought_probability", "weather_log_sd", "camp_release_rate"]
        let text = ScenarioFixtures.completeText(omit: omitted)
        let found = problems(parsing: text, file: file)
        XCTAssertTrue(found.allSatisfy { $0.kind == .missingParameters && $0.keyPath == "parameters" })
        let all = found.map(\.description).joined(separator: "\n")
        XCTAssertTrue(found.first?.message.contains("3 required parameters are missing") ?? false, all)
        XCTAssertTrue(all.contains("value = ..., source = \"...\""), all)
        XCTAssertTrue(all.contains("missing Harvest parameters: weather_log_sd, drought_probability"), all)
        XCTAssertTrue(all.contains("missing Camps parameter: camp_release_rate"), all)
        XCTAssertTrue(found.allSatisfy { $0.description.hasPrefix(file) }, all)
    }

    func testMissingNameAndTitleAreReported() {
        let text = ScenarioFixtures.completeText()
            .replacingOccurrences(of: "name = \"fixture\"\n", with: "")
            .replacingOccurrences(of: "title = \"A fixture\"\n", with: "")
        let found = problems(parsing: text, file: file)
        XCTAssertEqual(found.map(\.kind), [.missingField, .missingField])
        assertDescribes(found.first { $0.keyPath == "scenario.name" }, key: "scenario.name",
                        line: ScenarioFixtures.line(of: "[scenario]", in: text), ["missing `name`", "lowercase letters"])
        assertDescribes(found.first { $0.keyPath == "scenario.title" }, key: "scenario.title",
                        line: ScenarioFixtures.line(of: "[scenario]", in: text), ["missing `title`"])
    }

    func testInvalidNameIsReported() {
        let text = ScenarioFixtures.completeText(name: "Our Timeline")
        let problem = onlyProblem(.invalidName, parsing: text, file: file)
        assertDescribes(problem, key: "scenario.name", line: ScenarioFixtures.line(of: "name =", in: text),
                        ["\"Our Timeline\"", "lowercase letters, digits, '-' and '_'"])
    }

    func testEveryProblemInAFileIsReportedAtOnce() {
        let text = ScenarioFixtures.completeText(overrides: [
            "drought_probability": "{ value = 1.5, source = \"j\" }",
            "weather_log_sd": "{ distribution = \"uniform\", low = 0.05, source = \"j\" }",
            "harvest_trend_growth": "{ value = 0.01 }",
            // Two problems in one entry: no source, and an unbounded distribution on a probability.
            "kolkhoz_yield_penalty": "{ distribution = \"normal\", mean = 0.2, sd = 0.05 }",
        ])
        let found = problems(parsing: text, file: file)
        XCTAssertEqual(found.map(\.keyPath).sorted(), ["parameters.drought_probability", "parameters.harvest_trend_growth",
                                                       "parameters.kolkhoz_yield_penalty", "parameters.kolkhoz_yield_penalty",
                                                       "parameters.weather_log_sd.high"])
        XCTAssertEqual(Set(found.filter { $0.keyPath == "parameters.kolkhoz_yield_penalty" }.map(\.kind)),
                       [.missingSource, .outsideDomain])
        XCTAssertEqual(found.compactMap(\.line), found.compactMap(\.line).sorted(), "problems come in line order")
    }

    // MARK: Extends

    func testExtendsCycleIsReported() {
        let directory = ScenarioFixtures.temporaryDirectory()
        let a = directory.appendingPathComponent("a.toml"), b = directory.appendingPathComponent("b.toml")
        ScenarioFixtures.write(ScenarioFixtures.completeText(name: "a", extends: "b.toml"), to: a)
        let bText = "[scenario]\nname = \"b\"\ntitle = \"B\"\nextends = \"./a.toml\"\n"
        ScenarioFixtures.write(bText, to: b)
        do {
            _ = try Scenario.load(path: a.path)
            XCTFail("a cycle must not load")
        } catch {
            XCTAssertEqual(error.problems.map(\.kind), [.extendsCycle])
            let problem = error.problems.first
            XCTAssertEqual(problem?.file, b.path)
            XCTAssertEqual(problem?.line, 4)
            XCTAssertEqual(problem?.keyPath, "scenario.extends")
            XCTAssertTrue(problem?.message.contains("\(a.path) -> \(b.path) -> \(a.path)") ?? false, error.description)
            XCTAssertTrue(problem?.message.contains("cannot extend itself") ?? false, error.description)
        }
    }

    func testMissingBaseIsReported() {
        let text = ScenarioFixtures.completeText(extends: "base/none.toml")
        let problem = onlyProblem(.unreadableFile, parsing: text, file: file)
        assertDescribes(problem, key: "scenario.extends", line: ScenarioFixtures.line(of: "extends =", in: text),
                        ["cannot read the base scenario \"base/none.toml\"", "no such file", "scenarios/base/none.toml",
                         "relative to this file's directory"])
    }

    func testProblemsInABaseNameTheBase() {
        let directory = ScenarioFixtures.temporaryDirectory()
        let baseText = ScenarioFixtures.completeText(name: "base", overrides: ["drought_probability": "{ value = 2, source = \"j\" }"])
        ScenarioFixtures.write(baseText, to: directory.appendingPathComponent("base.toml"))
        let top = directory.appendingPathComponent("top.toml").path
        let problem = onlyProblem(.outsideDomain, parsing: "[scenario]\nname = \"top\"\ntitle = \"T\"\nextends = \"base.toml\"\n", file: top)
        XCTAssertEqual(problem?.file, directory.appendingPathComponent("base.toml").path)
        XCTAssertEqual(problem?.line, ScenarioFixtures.line(of: "drought_probability =", in: baseText))
    }
}
