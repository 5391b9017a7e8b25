@testable import Experiments
import Foundation
import XCTest

/// Sobol' designs and indices against published points and analytic answers.
final class SensitivityTests: XCTestCase {
    /// Joe and Kuo's generator (and scipy's unscrambled `qmc.Sobol`) start with these points in
    /// three dimensions.
    func testSobolSequenceMatchesThePublishedFirstPoints() {
        let published: [[Double]] = [
            [0, 0, 0], [0.5, 0.5, 0.5], [0.75, 0.25, 0.25], [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625], [0.875, 0.875, 0.125], [0.625, 0.125, 0.875], [0.125, 0.625, 0.375],
        ]
        let sequence = SobolSequence(dimensions: 3)
        for (index, point) in published.enumerated() {
            XCTAssertEqual(sequence.point(UInt64(index)), point, "point \(index)")
        }
        // Later points in high dimensions, as scipy 1.17's unscrambled qmc.Sobol (Joe-Kuo directions,
        // Gray-code order) gives them: dimensions 2, 10, 40, 100 and 256.
        let wide = SobolSequence(dimensions: SobolSequence.maximumDimensions)
        let dimensions = [1, 9, 39, 99, 255]
        XCTAssertEqual(dimensions.map { wide.point(1000)[$0] },
                       [0.0966796875, 0.0693359375, 0.4794921875, 0.1865234375, 0.2490234375])
        XCTAssertEqual(dimensions.map { wide.point(123_457)[$0] },
                       [0.6827468872070312, 0.7490615844726562, 0.8709793090820312, 0.42577362060546875, 0.9870071411132812])
        // Each of the first 2^m points of a dimension falls in a different cell of width 2^-m.
        for dimension in [1, 7, 39, 255] {
            let cells = Set((0..<1024).map { Int(wide.point(UInt64($0))[dimension] * 1024) })
            XCTAssertEqual(cells.count, 1024, "dimension \(dimension + 1)")
        }
    }

    func testScrambledDesignsAreInsideTheOpenCubeReproducibleAndSeedDependent() {
        let design = SobolDesign(seed: 7, dimensions: 5)
        for point in 0..<2000 {
            let c = design.coordinates(point: UInt64(point))
            XCTAssertEqual(c.count, 5)
            XCTAssert(c.allSatisfy { $0 > 0 && $0 < 1 })
        }
        XCTAssertEqual(design.coordinates(point: 123), SobolDesign(seed: 7, dimensions: 5).coordinates(point: 123))
        XCTAssertNotEqual(design.coordinates(point: 123), SobolDesign(seed: 8, dimensions: 5).coordinates(point: 123))
    }

    /// Block j of base row r is A (j = 0), A_B(j) (j = 1...k) or B (j = k + 1).
    func testSaltelliBlocksShareTheirColumnsAsDocumented() {
        let k = 4
        let design = SaltelliDesign(seed: 3, baseRows: 16, dimensions: k)
        for row in 0..<16 {
            let point = { (block: Int) in design.coordinates(point: UInt64(row * (k + 2) + block)) }
            let a = point(0), b = point(k + 1)
            for i in 0..<k { XCTAssertNotEqual(a[i], b[i]) }
            for block in 1...k {
                let ab = point(block)
                for i in 0..<k { XCTAssertEqual(ab[i], i == block - 1 ? b[i] : a[i], "row \(row) block \(block) column \(i)") }
            }
        }
    }

    /// Runs a Saltelli design of `base` rows through `f` (on the unit cube) and analyzes it.
    func indices(dimensions k: Int, base: Int, seed: UInt64 = 11, _ f: ([Double]) -> Double) throws -> [SobolIndices.Estimate] {
        let design = SaltelliDesign(seed: seed, baseRows: UInt64(base), dimensions: k)
        var a = [Double](), b = [Double](), ab = [[Double]](repeating: [], count: k)
        var values: [Double] = []
        for row in 0..<base {
            for block in 0..<(k + 2) {
                design.coordinates(point: UInt64(row * (k + 2) + block), into: &values)
                let y = f(values)
                if block == 0 { a.append(y) } else if block == k + 1 { b.append(y) } else { ab[block - 1].append(y) }
            }
        }
        return try SobolIndices.analyze(a: a, b: b, ab: ab, resamples: 1000, seed: 5)
    }

    func assertIndices(_ estimates: [SobolIndices.Estimate], firstOrder: [Double], total: [Double],
                       file: StaticString = #filePath, line: UInt = #line) {
        for (i, estimate) in estimates.enumerated() {
            XCTAssertEqual(estimate.firstOrder, firstOrder[i], accuracy: 0.02, "S1 of x\(i + 1)", file: file, line: line)
            XCTAssertEqual(estimate.total, total[i], accuracy: 0.02, "ST of x\(i + 1)", file: file, line: line)
            XCTAssert(estimate.firstOrderInterval.contains(firstOrder[i]), "S1 of x\(i + 1): \(estimate.firstOrderInterval)",
                      file: file, line: line)
            XCTAssert(estimate.totalInterval.contains(total[i]), "ST of x\(i + 1): \(estimate.totalInterval)", file: file, line: line)
        }
    }

    /// Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
    func testIshigamiIndicesMatchTheAnalyticValues() throws {
        let estimates = try indices(dimensions: 3, base: 8192) { u in
            let x = u.map { -Double.pi + 2 * Double.pi * $0 }
            return sin(x[0]) + 7 * pow(sin(x[1]), 2) + 0.1 * pow(x[2], 4) * sin(x[0])
        }
        assertIndices(estimates, firstOrder: [0.3139, 0.4424, 0], total: [0.5576, 0.4424, 0.2437])
        // The intervals are real bootstrap spreads (about +-0.03 for S1 here, as SALib's), not a
        // collapse: resamples drawn from overlapping random streams would share almost every row.
        for estimate in estimates {
            let width = estimate.firstOrderInterval.upperBound - estimate.firstOrderInterval.lowerBound
            XCTAssert(width > 0.03 && width < 0.1, "S1 interval width \(width)")
        }
    }

    /// Sobol's G function, a = (0, 1, 4.5, 9, 99, 99): V_i = 1 / (3 (1 + a_i)^2), S1_i = V_i / V,
    /// ST_i = V_i prod_{j != i} (1 + V_j) / V, V = prod (1 + V_i) - 1.
    func testSobolGFunctionIndicesMatchTheAnalyticValues() throws {
        let a = [0, 1, 4.5, 9, 99, 99]
        let partial = a.map { 1 / (3 * (1 + $0) * (1 + $0)) }
        let v = partial.reduce(1) { $0 * (1 + $1) } - 1
        let firstOrder = partial.map { $0 / v }
        let total = partial.indices.map { i in
            partial[i] * partial.indices.filter { $0 != i }.reduce(1) { $0 * (1 + partial[$1]) } / v
        }
        let estimates = try indices(dimensions: a.count, base: 8192) { u in
            zip(u, a).reduce(1) { $0 * (abs(4 * $1.0 - 2) + $1.1) / (1 + $1.1) }
        }
        assertIndices(estimates, firstOrder: firstOrder, total: total)
    }

    /// A Morris trajectory moves one input at a time by Delta = p / (2 (p - 1)), every input once,
    /// on the grid; a linear function's elementary effects are its coefficients exactly, and an
    /// interaction shows as sigma.
    func testMorrisTrajectoriesAndEffectsOfKnownFunctions() throws {
        let k = 4, trajectories = 50
        let design = MorrisDesign(seed: 9, dimensions: k, levels: 4)
        let inputs = (0..<(trajectories * (k + 1))).map { design.gridPoint(UInt64($0)) }
        for t in 0..<trajectories {
            var moved = Set<Int>()
            for step in 1...k {
                let before = inputs[t * (k + 1) + step - 1], after = inputs[t * (k + 1) + step]
                let changed = (0..<k).filter { before[$0] != after[$0] }
                XCTAssertEqual(changed.count, 1)
                XCTAssertEqual(abs(after[changed[0]] - before[changed[0]]), design.delta, accuracy: 1e-12)
                moved.insert(changed[0])
            }
            XCTAssertEqual(moved.count, k, "trajectory \(t) moves every input once")
            XCTAssert(inputs[(t * (k + 1))...(t * (k + 1) + k)].allSatisfy { $0.allSatisfy { [0, 1.0 / 3, 2.0 / 3, 1].contains($0) } })
        }
        XCTAssert(design.coordinates(point: 7).allSatisfy { $0 > 0 && $0 < 1 })
        let linear = try MorrisEffects.analyze(inputs: inputs, outputs: inputs.map { 3 * $0[0] - 2 * $0[1] + 0.5 * $0[2] })
        for (estimate, c) in zip(linear, [3, -2, 0.5, 0]) {
            XCTAssertEqual(estimate.mu, c, accuracy: 1e-9)
            XCTAssertEqual(estimate.muStar, abs(c), accuracy: 1e-9)
            XCTAssertEqual(estimate.sigma, 0, accuracy: 1e-9)
        }
        let interacting = try MorrisEffects.analyze(inputs: inputs, outputs: inputs.map { 4 * $0[0] * $0[1] + $0[2] })
        XCTAssertGreaterThan(interacting[0].sigma, 0.5)
        XCTAssertGreaterThan(interacting[1].sigma, 0.5)
        XCTAssertEqual(interacting[2].sigma, 0, accuracy: 1e-9)
        XCTAssertEqual(interacting[3].muStar, 0, accuracy: 1e-9)
        XCTAssert(interacting[0].muStarInterval.contains(interacting[0].muStar))
        let muStarWidth = interacting[0].muStarInterval.upperBound - interacting[0].muStarInterval.lowerBound
        XCTAssertGreaterThan(muStarWidth, 0.1 * interacting[0].sigma / Double(trajectories).squareRoot(), "a real bootstrap spread")
        XCTAssertGreaterThan(interacting[0].muStarInterval.upperBound - interacting[0].muStarInterval.lowerBound, 0)
        // A sample that is not a set of trajectories is refused.
        XCTAssertThrowsError(try MorrisEffects.analyze(inputs: Array(inputs.reversed()).shuffled(), outputs: inputs.map { $0[0] }))
    }

    /// Given data (a plain Monte Carlo sample of Ishigami): first-order indices by binning.
    func testBinnedFirstOrderIndicesOfIshigamiFromGivenData() throws {
        let design = MonteCarloDesign(seed: 12, dimensions: 3)
        let points = (0..<20_000).map { design.coordinates(point: UInt64($0)).map { -Double.pi + 2 * Double.pi * $0 } }
        let y = points.map { x in sin(x[0]) + 7 * pow(sin(x[1]), 2) + 0.1 * pow(x[2], 4) * sin(x[0]) }
        XCTAssertEqual([1000, 20_000, 100_000].map(BinnedFirstOrder.classCount(rows:)), [6, 28, 47])  // as SALib computes M
        let estimates = try BinnedFirstOrder.analyze(inputs: (0..<3).map { i in points.map { $0[i] } }, outputs: y, resamples: 50)
        for (estimate, expected) in zip(estimates, [0.3139, 0.4424, 0]) {
            XCTAssertEqual(estimate.firstOrder, expected, accuracy: 0.03)
            XCTAssertLessThan(estimate.firstOrderInterval.upperBound - estimate.firstOrderInterval.lowerBound, 0.06)
            XCTAssertGreaterThan(estimate.firstOrderInterval.upperBound - estimate.firstOrderInterval.lowerBound, expected > 0 ? 0.005 : 0)
        }
    }

    /// The radix ranking that bins given data orders rows exactly as a comparison sort by (value,
    /// row) does: negatives, -0 beside +0, ties (replicated design points), values that differ
    /// only in their last bits, and more rows than one 16-bit digit holds.
    func testRankClassesOrderRowsAsASortByValueThenRow() {
        var generator = SplitMix64(seed: 7)
        var values = (0..<70_000).map { _ in Double(generator.index(below: 2_000)) / 7 - 100 }
        values += [0.0, -0.0, 0.0, 1.0, 1.0.nextUp, 1.0.nextDown, -1e300, 1e300, -Double.leastNonzeroMagnitude]
        values += values.prefix(500)  // exact replicas
        let expected = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        XCTAssertEqual(RankClasses.stableOrder(values).map(Int.init), expected)
        let m = 7, n = values.count
        let classes = RankClasses(inputs: [values, values.map { -$0 }], classes: m)
        for (rank, row) in expected.enumerated() { XCTAssertEqual(Int(classes.table[row * 2]), min(m - 1, rank * m / n)) }
        XCTAssertEqual(Set((0..<n).map { classes.table[$0 * 2 + 1] }).count, m)
    }

    /// Poisson(1) weights have the right frequencies (a resample's row counts).
    func testPoissonWeightsHaveMeanAndVarianceOne() {
        var generator = SplitMix64(seed: 3)
        let weights = (0..<200_000).map { _ in Bootstrap.poissonOne(generator.next()) }
        let mean = weights.reduce(0, +) / Double(weights.count)
        XCTAssertEqual(mean, 1, accuracy: 0.01)
        XCTAssertEqual(sampleStandardDeviation(weights), 1, accuracy: 0.01)
        XCTAssertEqual(Double(weights.filter { $0 == 0 }.count) / Double(weights.count), exp(-1), accuracy: 0.005)
    }

    /// PRIM finds a planted box (x1 in [0.2, 0.6] and x3 above 0.7; three other inputs are
    /// noise): its limits within one peeling step, only those inputs restricted, and coverage and
    /// density that recount from the data.
    func testPrimFindsAPlantedBox() throws {
        let design = MonteCarloDesign(seed: 21, dimensions: 5)
        let x = (0..<6000).map { design.coordinates(point: UInt64($0)) }
        let event = x.map { $0[0] >= 0.2 && $0[0] <= 0.6 && $0[2] > 0.7 }
        let result = try Prim.run(inputs: (0..<5).map { i in x.map { $0[i] } }, event: event, minCoverage: 0.8)
        let box = result.trajectory[result.chosen]
        XCTAssertEqual(box.restricted, [0, 2])
        XCTAssertEqual(box.lows[0], 0.2, accuracy: 0.05)
        XCTAssertEqual(box.highs[0], 0.6, accuracy: 0.05)
        XCTAssertEqual(box.lows[2], 0.7, accuracy: 0.05)
        XCTAssertGreaterThan(box.coverage, 0.8)
        XCTAssertGreaterThan(box.density, 0.9)
        let inBox = x.indices.filter { r in (0..<5).allSatisfy { x[r][$0] >= box.lows[$0] && x[r][$0] <= box.highs[$0] } }
        XCTAssertEqual(box.runs, inBox.count)
        XCTAssertEqual(box.hits, inBox.filter { event[$0] }.count)
        XCTAssertEqual(box.coverage, Double(box.hits) / Double(event.filter { $0 }.count), accuracy: 1e-12)
        XCTAssertEqual(box.mass, Double(box.runs) / 6000, accuracy: 1e-12)
        // The trajectory starts with every run and its density never falls while peeling.
        XCTAssertEqual(result.trajectory[0].mass, 1)
        XCTAssertEqual(result.trajectory[0].coverage, 1)
        // Both restricted inputs matter: dropping either limit is very unlikely to keep the density.
        XCTAssertEqual(result.quasiP.map(\.input), [0, 2])
        for p in result.quasiP { XCTAssert([p.lower, p.upper].compactMap { $0 }.allSatisfy { $0 < 1e-6 }, "\(p)") }
        // Selection gives the sorted walk's quantile, ties and all.
        let design2 = MonteCarloDesign(seed: 2, dimensions: 1)
        for count in [1, 2, 7, 100, 1001] {
            for ties in [false, true] {
                let values = (0..<count).map { p -> Double in
                    let u = design2.coordinates(point: UInt64(p))[0]
                    return ties ? (u * 5).rounded(.down) : u
                }
                for q in [0.05, 0.5, 0.95] {
                    var scratch = values
                    XCTAssertEqual(Prim.quantile(selecting: &scratch, q), Prim.quantile(sorted: values.sorted(), q), "n \(count) q \(q) ties \(ties)")
                }
            }
        }
        // The binomial tail the quasi-p-values use, against scipy's binom.sf(4, 10, 0.3) = 0.1502683.
        XCTAssertEqual(Prim.binomialUpperTail(successes: 5, trials: 10, p: 0.3), 0.15026833, accuracy: 1e-7)
    }

    func testConstantOutputAndTooFewRowsAreRefused() {
        XCTAssertThrowsError(try SobolIndices.analyze(a: [1, 1], b: [1, 1], ab: [[1, 1]])) {
            XCTAssertEqual($0 as? SobolIndices.Problem, .constantOutput)
        }
        XCTAssertThrowsError(try SobolIndices.analyze(a: [1], b: [2], ab: [[1]])) {
            XCTAssertEqual($0 as? SobolIndices.Problem, .tooFewRows(1))
        }
    }
}
