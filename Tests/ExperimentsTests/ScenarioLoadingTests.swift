import XCTest
import SimulationCore
@testable import Experiments

/// Valid scenarios: parsing, extends, and mapping design coordinates onto the model's parameters.
final class ScenarioLoadingTests: XCTestCase {
    func testCompleteScenarioParses() throws {
        let text = ScenarioFixtures.completeText(name: "otl-test", title: "Everything fixed")
        let scenario = try Scenario.parse(text: text, file: "scenarios/complete.toml")
        XCTAssertEqual(scenario.name, "otl-test")
        XCTAssertEqual(scenario.title, "Everything fixed")
        XCTAssertEqual(scenario.description, "")
        XCTAssertEqual(scenario.declarations.map(\.name), ModelParameters.catalog.map(\.name))
        XCTAssertTrue(scenario.uncertain.isEmpty)
        XCTAssertEqual(scenario.files, ["scenarios/complete.toml"])
        XCTAssertEqual(scenario.text, "# ---- file: complete.toml ----\n" + text)
        for spec in ModelParameters.catalog {
            XCTAssertEqual(spec.value(in: scenario.medianParameters), ScenarioFixtures.validValue(for: spec), spec.name)
        }
        // Declarations remember where they came from.
        let drought = try XCTUnwrap(scenario.declarations.first { $0.name == "drought_probability" })
        XCTAssertEqual(drought.file, "scenarios/complete.toml")
        XCTAssertEqual(drought.line, ScenarioFixtures.line(of: "drought_probability =", in: text))
        XCTAssertEqual(drought.source, "test fixture")
    }

    /// Every parameter of the shipped scenarios is located at the line that declares it (the
    /// locator's index must agree with the text, in a chain of files).
    func testShippedScenarioDeclarationsPointAtTheirLines() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let scenario = try Scenario.load(path: root.appendingPathComponent("scenarios/otl.toml").path)
        XCTAssertEqual(scenario.declarations.count, ModelParameters.catalog.count)
        for declaration in scenario.declarations {
            let lines = try String(contentsOfFile: declaration.file, encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false)
            let line = try XCTUnwrap(declaration.line, declaration.name)
            let text = lines[line - 1].trimmingCharacters(in: .whitespaces)
            XCTAssertTrue(text.hasPrefix(declaration.name + " =") || text == "[parameters.\(declaration.name)]",
                          "\(declaration.name) located at line \(line): \(text)")
        }
    }

    func testSourceLocatorFindsQuotedDottedAndFirstKeys() {
        let locator = SourceLocator(text: """
            [parameters]
            "quoted" = 1
            'single'= 2
            a.b = 3
            quotedtoo = 4
            quoted = 5
            [parameters.table]
            low = 1
            [other]
            low = 2
            """)
        XCTAssertEqual(locator.line(of: ["parameters", "quoted"]), 2)
        XCTAssertEqual(locator.line(of: ["parameters", "single"]), 3)
        XCTAssertEqual(locator.line(of: ["parameters", "a.b"]), 4)
        XCTAssertEqual(locator.line(of: ["parameters", "a"]), 1, "a dotted key is not its first part")
        XCTAssertEqual(locator.line(of: ["parameters", "table"]), 7)
        XCTAssertEqual(locator.line(of: ["parameters", "table", "low"]), 8)
        XCTAssertEqual(locator.line(of: ["other", "low"]), 10)
        XCTAssertEqual(locator.line(of: ["other", "high"]), 9, "a missing key is located at its table")
        XCTAssertNil(locator.line(of: ["missing", "key"]))
    }

    func testEveryDistributionSyntaxIsAccepted() throws {
        let text = ScenarioFixtures.completeText(overrides: [
            "harvest_trend_1927_mt": "{ value = 75, source = \"Wheatcroft & Davies 1994\" }",
            "weather_log_sd": "{ distribution = \"uniform\", low = 0.05, high = 0.09, source = \"judgement\" }",
            "harvest_trend_growth": "{ distribution = \"normal\", mean = 0.0, sd = 1, source = \"judgement\" }",
            "drought_probability": "{ distribution = \"truncated_normal\", mean = 0.5, sd = 0.1, low = 0.0, high = 1.0, source = \"j\" }",
            "draft_power_elasticity": "{ distribution = \"lognormal\", median = 2.0, sigma = 0.3, source = \"j\" }",
            "kolkhoz_yield_penalty": "{ distribution = \"beta\", alpha = 2, beta = 8, source = \"j\" }",
            "depression_onset_mean_year": "{ distribution = \"choice\", values = [1929.0, 1930], weights = [0.7, 0.3], source = \"j\" }",
            "seed_share_of_trend_harvest": "{ distribution = \"fixed\", value = 0.1, source = \"j\" }",
        ])
        let scenario = try Scenario.parse(text: text, file: "all.toml")
        let byName = Dictionary(uniqueKeysWithValues: scenario.declarations.map { ($0.name, $0.distribution) })
        XCTAssertEqual(byName["harvest_trend_1927_mt"], .fixed(value: 75))
        XCTAssertEqual(byName["weather_log_sd"], .uniform(low: 0.05, high: 0.09))
        XCTAssertEqual(byName["harvest_trend_growth"], .normal(mean: 0, sd: 1))
        XCTAssertEqual(byName["drought_probability"], .truncatedNormal(mean: 0.5, sd: 0.1, low: 0, high: 1))
        XCTAssertEqual(byName["draft_power_elasticity"], .lognormal(median: 2, sigma: 0.3))
        XCTAssertEqual(byName["kolkhoz_yield_penalty"], .beta(alpha: 2, beta: 8, low: 0, high: 1))
        XCTAssertEqual(byName["depression_onset_mean_year"], .choice(values: [1929, 1930], weights: [0.7, 0.3]))
        XCTAssertEqual(byName["seed_share_of_trend_harvest"], .fixed(value: 0.1))
        // Uncertain parameters come in catalog order.
        let catalogOrder = ModelParameters.catalog.map(\.name)
        let uncertainNames = scenario.uncertain.map(\.name)
        XCTAssertEqual(Set(uncertainNames), ["weather_log_sd", "harvest_trend_growth", "drought_probability",
                                             "draft_power_elasticity", "kolkhoz_yield_penalty", "depression_onset_mean_year"])
        XCTAssertEqual(uncertainNames, catalogOrder.filter(uncertainNames.contains))
    }

    func testTableHeaderFormIsAcceptedAndLocated() throws {
        let text = ScenarioFixtures.completeText(omit: ["drought_probability"], extra: """
            [parameters.drought_probability]
            distribution = "uniform"
            low = 0.1
            high = 0.3
            source = "judgement"
            """)
        let scenario = try Scenario.parse(text: text, file: "header.toml")
        let drought = try XCTUnwrap(scenario.uncertain.first)
        XCTAssertEqual(drought.distribution, .uniform(low: 0.1, high: 0.3))
        XCTAssertEqual(drought.line, ScenarioFixtures.line(of: "[parameters.drought_probability]", in: text))
    }

    // MARK: Coordinates

    func testCoordinatesLandWhereTheCatalogKeyPathSays() throws {
        // Every parameter uncertain, uniform on a range inside its domain; each gets its own
        // coordinate, so a parameter wired to the wrong field would show the wrong value.
        var overrides: [String: String] = [:]
        var ranges: [String: (Double, Double)] = [:]
        for spec in ModelParameters.catalog {
            let range: (Double, Double)
            switch spec.domain {
            case .unitInterval: range = (0.1, 0.9)
            case .range(let low, let high): range = (low, high)
            default: range = (1, 2)
            }
            ranges[spec.name] = range
            overrides[spec.name] = "{ distribution = \"uniform\", low = \(range.0), high = \(range.1), source = \"t\" }"
        }
        let scenario = try Scenario.parse(text: ScenarioFixtures.completeText(overrides: overrides), file: "u.toml")
        let n = scenario.uncertain.count
        XCTAssertEqual(n, ModelParameters.catalog.count)
        let coordinates = (0..<n).map { (Double($0) + 0.5) / Double(n) }
        let parameters = scenario.parameters(coordinates: coordinates)
        for (index, declaration) in scenario.uncertain.enumerated() {
            let (low, high) = ranges[declaration.name]!
            let expected = low + coordinates[index] * (high - low)
            XCTAssertEqual(declaration.spec.value(in: parameters), expected, accuracy: 1e-12, declaration.name)
        }
        // The medians sit in the middle of each range.
        for declaration in scenario.uncertain {
            let (low, high) = ranges[declaration.name]!
            XCTAssertEqual(declaration.spec.value(in: scenario.medianParameters), (low + high) / 2, accuracy: 1e-12)
        }
    }

    func testDesignPointsFeedTheScenario() throws {
        let text = ScenarioFixtures.completeText(overrides: [
            "drought_probability": "{ distribution = \"beta\", alpha = 2, beta = 8, source = \"j\" }",
            "weather_log_sd": "{ distribution = \"uniform\", low = 0.05, high = 0.09, source = \"j\" }",
        ])
        let scenario = try Scenario.parse(text: text, file: "d.toml")
        let design = LatinHypercubeDesign(seed: 3, points: 20, dimensions: scenario.uncertain.count)
        for point: UInt64 in 0..<20 {
            let parameters = scenario.parameters(coordinates: design.coordinates(point: point))
            XCTAssertTrue((0.05...0.09).contains(parameters.weatherLogSD))
            XCTAssertTrue((0...1).contains(parameters.droughtProbability))
        }
    }

    // MARK: Extends

    func testExtendsInheritsAndOverridesByName() throws {
        let directory = ScenarioFixtures.temporaryDirectory()
        let baseText = ScenarioFixtures.completeText(name: "base", title: "Base")
        ScenarioFixtures.write(baseText, to: directory.appendingPathComponent("base/ussr.toml"))
        let middleText = """
            [scenario]
            name = "middle"
            title = "Middle"
            extends = "../base/ussr.toml"

            [parameters]
            drought_probability = { distribution = "uniform", low = 0.1, high = 0.2, source = "middle" }
            harvest_trend_1927_mt = { value = 70, source = "middle" }
            """
        ScenarioFixtures.write(middleText, to: directory.appendingPathComponent("variants/middle.toml"))
        let topText = """
            # The top of a three-file chain.
            [scenario]
            name = "top"
            title = "Top"
            description = "Overrides one parameter of its base."
            extends = "variants/middle.toml"

            [parameters]
            harvest_trend_1927_mt = { value = 80, source = "top" }
            """
        let topPath = directory.appendingPathComponent("top.toml").path
        ScenarioFixtures.write(topText, to: URL(fileURLWithPath: topPath))

        let scenario = try Scenario.load(path: topPath)
        XCTAssertEqual(scenario.name, "top")
        XCTAssertEqual(scenario.description, "Overrides one parameter of its base.")
        XCTAssertEqual(scenario.files.map { URL(fileURLWithPath: $0).lastPathComponent }, ["ussr.toml", "middle.toml", "top.toml"])
        XCTAssertEqual(scenario.medianParameters.harvestTrend1927Mt, 80)
        let harvest = try XCTUnwrap(scenario.declarations.first { $0.name == "harvest_trend_1927_mt" })
        XCTAssertEqual(harvest.source, "top")
        XCTAssertEqual(harvest.file, topPath)
        XCTAssertEqual(scenario.uncertain.map(\.name), ["drought_probability"])
        XCTAssertEqual(scenario.uncertain.first?.source, "middle")
        let seed = try XCTUnwrap(scenario.declarations.first { $0.name == "seed_share_of_trend_harvest" })
        XCTAssertEqual(seed.source, "test fixture")
        XCTAssertTrue(seed.file.hasSuffix("base/ussr.toml"))
        // The stored text holds every file, base first, labelled relative to the top file.
        XCTAssertEqual(scenario.text,
                       "# ---- file: base/ussr.toml ----\n" + baseText
                       + "# ---- file: variants/middle.toml ----\n" + middleText + "\n"
                       + "# ---- file: top.toml ----\n" + topText + "\n")
    }
}
