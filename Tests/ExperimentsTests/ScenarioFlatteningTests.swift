import Experiments
import Foundation
import SimulationCore
import XCTest

/// The flattened text a sweep stores must rebuild exactly the scenario that was launched.
final class ScenarioFlatteningTests: XCTestCase {
    func testShippedScenariosRoundTripThroughTheirFlattenedText() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["otl", "peasants-enrich-yourselves", "shot-in-the-kremlin"] {
            let original = try Scenario.load(path: root.appendingPathComponent("scenarios/\(name).toml").path)
            let rebuilt = try Scenario.parse(text: original.flattenedText, file: "stored-\(name).toml")
            XCTAssertEqual(rebuilt.name, original.name)
            XCTAssertEqual(rebuilt.title, original.title)
            XCTAssertEqual(rebuilt.declarations.map(\.name), original.declarations.map(\.name))
            XCTAssertEqual(rebuilt.declarations.map(\.distribution), original.declarations.map(\.distribution))
            XCTAssertEqual(rebuilt.declarations.map(\.source), original.declarations.map(\.source))
            XCTAssertEqual(rebuilt.medianParameters, original.medianParameters)
            XCTAssertEqual(rebuilt.flattenedText, original.flattenedText.replacingOccurrences(
                of: "from: \(original.files.joined(separator: " <- "))", with: "from: stored-\(name).toml"))
        }
    }

    func testAwkwardStringsAndNumbersSurvive() throws {
        let catalog = ModelParameters.catalog
        var lines = ["[scenario]", "name = \"odd\"", "title = \"Quotes \\\" and \\\\ backslashes\"", "[parameters]"]
        for (i, spec) in catalog.enumerated() {
            let value: String
            switch spec.domain {
            case .range(let low, let high): value = "\((low + high) / 2)"
            case .unitInterval: value = "0.000012345678901234"
            default: value = "1234567.890123"
            }
            lines.append("\(spec.name) = { value = \(value), source = \"src \(i) with \\\"quotes\\\" and \\ttab\" }")
        }
        let original = try Scenario.parse(text: lines.joined(separator: "\n"), file: "odd.toml")
        let rebuilt = try Scenario.parse(text: original.flattenedText, file: "odd-stored.toml")
        XCTAssertEqual(rebuilt.title, original.title)
        XCTAssertEqual(rebuilt.declarations.map(\.source), original.declarations.map(\.source))
        XCTAssertEqual(rebuilt.medianParameters, original.medianParameters)
    }
}
