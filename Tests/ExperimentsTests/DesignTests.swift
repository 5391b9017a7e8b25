import XCTest
@testable import Experiments

final class DesignTests: XCTestCase {
    // MARK: Latin hypercube

    func testLatinHypercubePutsOnePointInEachStratum() {
        let n: UInt64 = 50
        let design = LatinHypercubeDesign(seed: 0xC0FFEE, points: n, dimensions: 7)
        var strata = Array(repeating: Set<Int>(), count: 7)
        for point in 0..<n {
            let coordinates = design.coordinates(point: point)
            XCTAssertEqual(coordinates.count, 7)
            for (dimension, c) in coordinates.enumerated() {
                XCTAssertTrue(c > 0 && c < 1, "coordinate \(c) outside (0, 1)")
                var k = Int(c * Double(n))
                // Strata are [k/N, (k+1)/N) as doubles; correct the product's rounding at an edge.
                if c < Double(k) / Double(n) { k -= 1 }
                if c >= Double(k + 1) / Double(n) { k += 1 }
                XCTAssertFalse(strata[dimension].contains(k), "two points in stratum \(k) of dimension \(dimension)")
                strata[dimension].insert(k)
            }
        }
        for dimension in 0..<7 {
            XCTAssertEqual(strata[dimension], Set(0..<Int(n)), "dimension \(dimension)")
        }
    }

    func testLatinHypercubeIsReproducibleAndSeedDependent() {
        let a = LatinHypercubeDesign(seed: 42, points: 50, dimensions: 5)
        let b = LatinHypercubeDesign(seed: 42, points: 50, dimensions: 5)
        let c = LatinHypercubeDesign(seed: 43, points: 50, dimensions: 5)
        let pointsA = (0..<50).map { a.coordinates(point: $0) }
        XCTAssertEqual(pointsA, (0..<50).map { b.coordinates(point: $0) })
        // Any point computed alone, in any order, equals the same point in sequence.
        XCTAssertEqual(b.coordinates(point: 37), pointsA[37])
        let pointsC = (0..<50).map { c.coordinates(point: $0) }
        XCTAssertNotEqual(pointsA, pointsC)
        let samePlace = zip(pointsA.joined(), pointsC.joined()).filter { $0 == $1 }.count
        XCTAssertEqual(samePlace, 0, "different seeds should not share coordinates")
    }

    func testLatinHypercubeDimensionsArePermutedIndependently() {
        let design = LatinHypercubeDesign(seed: 7, points: 50, dimensions: 2)
        let strata = (0..<50).map { design.coordinates(point: $0).map { Int($0 * 50) } }
        XCTAssertNotEqual(strata.map { $0[0] }, strata.map { $0[1] })
        XCTAssertNotEqual(strata.map { $0[0] }, Array(0..<50), "the permutation should not be the identity")
    }

    func testKeyedPermutationIsABijection() {
        for count: UInt64 in [1, 2, 3, 5, 50, 64, 65, 1000] {
            let permutation = KeyedPermutation(count: count, key: 99, tweak: 3)
            let images = Set((0..<count).map { permutation($0) })
            XCTAssertEqual(images.count, Int(count), "count \(count)")
            XCTAssertTrue(images.allSatisfy { $0 < count })
        }
    }

    // MARK: Monte Carlo

    func testMonteCarloIsReproducibleAndInsideTheUnitCube() {
        let a = MonteCarloDesign(seed: 2024, dimensions: 6)
        let b = MonteCarloDesign(seed: 2024, dimensions: 6)
        var buffer = [Double](repeating: -1, count: 2)
        for point: UInt64 in [0, 1, 17, 1 << 40] {
            a.coordinates(point: point, into: &buffer)
            XCTAssertEqual(buffer.count, 6)
            XCTAssertEqual(buffer, b.coordinates(point: point))
            XCTAssertTrue(buffer.allSatisfy { $0 > 0 && $0 < 1 })
        }
        XCTAssertNotEqual(a.coordinates(point: 0), a.coordinates(point: 1))
        XCTAssertNotEqual(a.coordinates(point: 0), MonteCarloDesign(seed: 2025, dimensions: 6).coordinates(point: 0))
    }

    func testMonteCarloMarginalsAreUniform() {
        let design = MonteCarloDesign(seed: 1, dimensions: 3)
        let values = (0..<20_000).flatMap { design.coordinates(point: UInt64($0)) }
        let mean = values.reduce(0, +) / Double(values.count)
        XCTAssertEqual(mean, 0.5, accuracy: 0.01)
        let belowTenth = Double(values.filter { $0 < 0.1 }.count) / Double(values.count)
        XCTAssertEqual(belowTenth, 0.1, accuracy: 0.01)
    }

    // MARK: Degenerate and factory

    func testZeroDimensionalDesignsWork() {
        for kind in DesignKind.allCases {
            let design = kind.makeDesign(seed: 5, points: 10, dimensions: 0)
            var buffer = [0.3]
            design.coordinates(point: 9, into: &buffer)
            XCTAssertEqual(buffer, [], "\(kind)")
        }
    }

    func testDesignKindFactoryMakesTheNamedDesign() {
        XCTAssertEqual(DesignKind(rawValue: "mc"), .monteCarlo)
        XCTAssertEqual(DesignKind(rawValue: "lhs"), .latinHypercube)
        for kind in DesignKind.allCases {
            let design = kind.makeDesign(seed: 1, points: 20, dimensions: 4)
            XCTAssertEqual(design.name, kind.rawValue)
            XCTAssertEqual(design.dimensions, 4)
        }
    }
}
