import XCTest
@testable import SimulationCore

/// Philox4x32-10 against the known-answer vectors published with Random123 (kat_vectors):
/// counter (4 words), key (2 words) -> output (4 words).
final class PhiloxTests: XCTestCase {
    func testRandom123KnownAnswers() {
        let vectors: [((UInt32, UInt32, UInt32, UInt32), (UInt32, UInt32), (UInt32, UInt32, UInt32, UInt32))] = [
            ((0, 0, 0, 0), (0, 0), (0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8)),
            ((0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), (0xffff_ffff, 0xffff_ffff),
             (0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd)),
            ((0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), (0xa409_3822, 0x299f_31d0),
             (0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1)),
        ]
        for (counter, key, expected) in vectors {
            let output = Philox4x32.block(counter: counter, key: key)
            XCTAssertEqual([output.0, output.1, output.2, output.3], [expected.0, expected.1, expected.2, expected.3])
        }
    }

    func testSameIdentitySameStreamDifferentIdentityDifferentStream() {
        var a = RandomStream(seed: 42, point: 7, replication: 3)
        var b = RandomStream(seed: 42, point: 7, replication: 3)
        let first = (0..<100).map { _ in a.nextUInt64() }
        XCTAssertEqual(first, (0..<100).map { _ in b.nextUInt64() })
        for (seed, point, replication) in [(43, 7, 3), (42, 8, 3), (42, 7, 4)] as [(UInt64, UInt64, UInt32)] {
            var other = RandomStream(seed: seed, point: point, replication: replication)
            XCTAssertNotEqual(first, (0..<100).map { _ in other.nextUInt64() })
        }
        var design = RandomStream(seed: 42, point: 7, replication: 3, purpose: .designSampling)
        XCTAssertNotEqual(first, (0..<100).map { _ in design.nextUInt64() })
    }

    func testUniformsAreInTheOpenIntervalAndLookUniform() {
        var stream = RandomStream(seed: 1, point: 0, replication: 0)
        var sum = 0.0, sumSquares = 0.0
        var buckets = [Int](repeating: 0, count: 10)
        let n = 200_000
        for _ in 0..<n {
            let u = stream.uniform()
            XCTAssert(u > 0 && u < 1)
            sum += u
            sumSquares += u * u
            buckets[Int(u * 10)] += 1
        }
        XCTAssertEqual(sum / Double(n), 0.5, accuracy: 0.005)
        XCTAssertEqual(sumSquares / Double(n) - pow(sum / Double(n), 2), 1.0 / 12.0, accuracy: 0.002)
        // Chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile.
        let expected = Double(n) / 10
        let chiSquare = buckets.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        XCTAssertLessThan(chiSquare, 27.9)
    }

    func testStandardNormalMoments() {
        var stream = RandomStream(seed: 9, point: 1, replication: 2)
        let n = 100_000
        let values = (0..<n).map { _ in stream.standardNormal() }
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(variance, 1, accuracy: 0.02)
    }
}
