import Experiments
import Foundation
import SimulationCore
import XCTest

/// Mutated scenario files thrown at the parser: every input must give a valid scenario or a
/// ScenarioError with a message, never a crash or a hang. Deterministic (Philox-seeded), so a
/// failure names the case that reproduces it.
final class ScenarioFuzzTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func seedText() throws -> String {
        try Scenario.load(path: ScenarioFuzzTests.root.appendingPathComponent("scenarios/otl.toml").path).flattenedText
    }

    /// Parses and checks the outcome is one of the two allowed ones.
    func check(_ text: String, _ label: String) {
        if ProcessInfo.processInfo.environment["NEPSIM_FUZZ_VERBOSE"] != nil {
            FileHandle.standardError.write(Data("fuzz: \(label)\n".utf8))
            try? text.write(toFile: "/tmp/nepsim-fuzz-last.toml", atomically: true, encoding: .utf8)
        }
        do {
            let scenario = try Scenario.parse(text: text, file: "fuzz.toml")
            XCTAssertEqual(scenario.declarations.count, ModelParameters.catalog.count, label)
        } catch {
            let message = error.description
            XCTAssertFalse(message.isEmpty, label)
            XCTAssert(message.contains("fuzz.toml"), "\(label): the message must name the file: \(message)")
        }
    }

    func testRandomByteEdits() throws {
        let seed = Array(try seedText().utf8)
        var stream = RandomStream(seed: 2026, point: 0, replication: 0)
        for round in 0..<600 {
            var bytes = seed
            let edits = 1 + Int(stream.uniform() * 8)
            for _ in 0..<edits {
                let position = Int(stream.uniform() * Double(bytes.count))
                switch Int(stream.uniform() * 4) {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: stream.nextUInt64())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: stream.nextUInt64()), at: position)
                case 2: bytes.remove(at: position)
                default: bytes.insert(contentsOf: Array(["=", "[", "]", "{", "}", "\"", "'", "#", "\n", ",", "."].randomElement(using: &stream)!.utf8), at: position)
                }
            }
            check(String(decoding: bytes, as: UTF8.self), "byte edit round \(round)")
        }
    }

    func testLineLevelMutations() throws {
        let lines = try seedText().components(separatedBy: "\n")
        var stream = RandomStream(seed: 7, point: 1, replication: 0)
        for round in 0..<300 {
            var mutated = lines
            let i = Int(stream.uniform() * Double(mutated.count))
            switch Int(stream.uniform() * 5) {
            case 0: mutated.remove(at: i)
            case 1: mutated.insert(mutated[i], at: i)
            case 2: mutated.swapAt(i, Int(stream.uniform() * Double(mutated.count)))
            case 3: mutated[i] = String(mutated[i].prefix(Int(stream.uniform() * Double(mutated[i].count))))
            default: mutated[i] = mutated[i].replacingOccurrences(of: "value = ", with: ["value = -", "value = 1e999 + ", "value = \"", "value = [", "value = nan #", "value = inf #"].randomElement(using: &stream)!)
            }
            check(mutated.joined(separator: "\n"), "line mutation round \(round)")
        }
    }

    func testHostileInputs() throws {
        let seed = try seedText()
        let cases: [(String, String)] = [
            ("empty", ""),
            ("whitespace", "   \n\t\n"),
            ("nul bytes", String(repeating: "\u{0}", count: 100)),
            ("deep arrays", "a = " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)),
            ("deep tables", "a = " + String(repeating: "{ b = ", count: 20_000) + "1" + String(repeating: " }", count: 20_000)),
            ("deep dotted keys", String(repeating: "a.", count: 50_000) + "b = 1"),
            ("deep dotted keys in an inline table", "x = {" + String(repeating: "a.", count: 50_000) + "a = 1}"),
            ("escaped quote in a quoted key", "\"a\\\"b\"." + String(repeating: "a.", count: 50_000) + "b = 1"),
            ("escaped quote then deep inline table", "x = \"q\\\"\" \n y = {" + String(repeating: "a.", count: 50_000) + "a = 1}"),
            ("header key with a character no key may start with", "[$x]\n"),
            ("header dotted part with a bad character", "[scenario.%]\n"),
            ("header with a replacement character", "[\u{FFFD}cenario]\nname = \"x\"\n"),
            ("nul escape", "[scenario]\nname = \"x\\u0000y\"\ntitle = \"t\"\n"),
            ("huge integer", seed.replacingOccurrences(of: "value = 120.7", with: "value = 99999999999999999999999999999999999")),
            ("huge float", seed.replacingOccurrences(of: "value = 120.7", with: "value = 1e999")),
            ("negative zero and tiny", seed.replacingOccurrences(of: "value = 120.7", with: "value = -0.0").replacingOccurrences(of: "value = 26.3", with: "value = 5e-324")),
            ("nan", seed.replacingOccurrences(of: "value = 120.7", with: "value = nan")),
            ("long line", "x = \"" + String(repeating: "a", count: 1_000_000) + "\""),
            ("many keys", (0..<20_000).map { "k\($0) = \($0)" }.joined(separator: "\n")),
            ("binary junk", String(decoding: (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }, as: UTF8.self)),
            ("scenario only", "[scenario]\nname = \"x\"\ntitle = \"y\"\n"),
            ("unicode keys", "[scenario]\nname = \"x\"\ntitle = \"Мир\"\n[parameters]\nурожай = { value = 1, source = \"?\" }\n"),
            ("extends loop to itself", "[scenario]\nname = \"x\"\ntitle = \"y\"\nextends = \"fuzz.toml\"\n"),
            ("extends to a directory", "[scenario]\nname = \"x\"\ntitle = \"y\"\nextends = \"/\"\n"),
        ]
        for (label, text) in cases { check(text, label) }
    }

    func testNonUTF8FileOnDisk() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID().uuidString).toml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data([0xFF, 0xFE, 0x00, 0x41, 0xC3, 0x28, 0x80]).write(to: file)
        XCTAssertThrowsError(try Scenario.load(path: file.path)) { error in
            XCTAssert("\(error)".contains("UTF-8"), "\(error)")
        }
    }
}

extension RandomStream: RandomNumberGenerator {
    public mutating func next() -> UInt64 { nextUInt64() }
}
