import Experiments
import XCTest
@testable import SimulationCore

/// The same run identity gives bit-identical results, whatever the thread count or order.
final class DeterminismTests: XCTestCase {
    func testSameIdentityGivesIdenticalRunAndSeries() throws {
        let plan = RunPlan(scenario: try TestSupport.scenario("shot-in-the-kremlin"), design: .monteCarlo,
                           seed: 7, points: 10)
        var first: [YearRecord] = [], second: [YearRecord] = []
        let a = plan.run(point: 3, replication: 5, series: &first)
        let b = plan.run(point: 3, replication: 5, series: &second)
        XCTAssertEqual(a, b)
        XCTAssertEqual(first, second)
        XCTAssertEqual(first.count, 14)
    }

    func testDifferentReplicationOrPointGivesDifferentRun() throws {
        let plan = RunPlan(scenario: try TestSupport.scenario("otl"), design: .monteCarlo, seed: 7, points: 10)
        var series: [YearRecord] = []
        let base = plan.run(point: 3, replication: 5, series: &series)
        let baseHarvests = series.map(\.harvestMt)
        _ = plan.run(point: 3, replication: 6, series: &series)
        XCTAssertNotEqual(baseHarvests, series.map(\.harvestMt))
        _ = plan.run(point: 4, replication: 5, series: &series)
        XCTAssertNotEqual(baseHarvests, series.map(\.harvestMt))
        _ = base
    }

    func testBatchIsIdenticalOnOneAndFourThreadsAndMatchesSingleRuns() throws {
        let plan = RunPlan(scenario: try TestSupport.scenario("shot-in-the-kremlin"), design: .latinHypercube,
                           seed: 99, points: 50)
        let one = InProcessBatch.simulate(plan: plan, points: 50, replications: 3, threads: 1)
        let four = InProcessBatch.simulate(plan: plan, points: 50, replications: 3, threads: 4)
        XCTAssertEqual(one, four)
        var series: [YearRecord] = []
        XCTAssertEqual(one[7 * 3 + 2], plan.run(point: 7, replication: 2, series: &series))
    }

    func testWeatherIsTheSameAcrossScenariosForTheSameIdentity() throws {
        // Common random numbers: the weather has its own stream, so otl and the Stalin-shot world
        // see the same weather in the same run identity, whatever else differs.
        let otl = RunPlan(scenario: try TestSupport.scenario("otl"), design: .monteCarlo, seed: 5, points: 50)
        let tl = RunPlan(scenario: try TestSupport.scenario("peasants-enrich-yourselves"), design: .monteCarlo,
                         seed: 5, points: 50)
        var a: [YearRecord] = [], b: [YearRecord] = []
        var differentHarvests = 0
        for point in 0..<50 as Range<UInt64> {
            _ = otl.run(point: point, replication: 1, series: &a)
            _ = tl.run(point: point, replication: 1, series: &b)
            XCTAssertEqual(a.map(\.drought), b.map(\.drought))
            if a.map(\.harvestMt) != b.map(\.harvestMt) { differentHarvests += 1 }
        }
        XCTAssertGreaterThan(differentHarvests, 40, "the policies should still change the harvests")
    }

    func testReplayChangesOnlyTheWeather() throws {
        // Replay fixes the weather; the other chance events come from their own stream.
        let scenario = try TestSupport.scenario("shot-in-the-kremlin")
        let random = RunPlan(scenario: scenario, design: .monteCarlo, seed: 5, points: 200, weather: .random)
        let replay = RunPlan(scenario: scenario, design: .monteCarlo, seed: 5, points: 200, weather: .historical)
        let weather = scenario.medianParameters.historicalWeather
        var series: [YearRecord] = []
        for point in 0..<200 as Range<UInt64> {
            let a = random.run(point: point, replication: 0, series: &series)
            let b = replay.run(point: point, replication: 0, series: &series)
            XCTAssertEqual(series.map(\.weatherFactor), YearTable.years.map { weather[$0] })
            XCTAssertEqual(a.stalinDied1926, b.stalinDied1926)
            XCTAssertEqual(a.depressionOnsetYear, b.depressionOnsetYear)
        }
    }
}
