import Experiments
import XCTest
@testable import SimulationCore

/// Accounting identities that must hold in every year of every run, whatever was drawn.
final class AccountingTests: XCTestCase {
    func runsToCheck() throws -> [(RunOutcomes, [YearRecord])] {
        try TestSupport.simulateWithSeries("shot-in-the-kremlin", runs: 400, seed: 3)
            + TestSupport.simulateWithSeries("otl", runs: 200, seed: 4)
    }

    func testGrainBalance() throws {
        for (_, series) in try runsToCheck() {
            for r in series {
                let uses = r.seedMt + r.feedMt + r.ruralFoodMt + r.marketedMt
                XCTAssertEqual(r.harvestMt, uses, accuracy: 1e-9 * max(1, r.harvestMt), "grain balance in \(r.year)")
                XCTAssertGreaterThanOrEqual(r.seedMt, 0)
                XCTAssertGreaterThanOrEqual(r.feedMt, -1e-9, "feed in \(r.year)")
                XCTAssertGreaterThanOrEqual(r.ruralFoodMt, 0)
                XCTAssertGreaterThanOrEqual(r.procurementMt, 0)
                XCTAssertLessThanOrEqual(r.procurementMt, r.marketedMt + 1e-9)
                XCTAssertGreaterThanOrEqual(r.grainExportsMt, 0)
            }
        }
    }

    func testPopulationAccountMigrationMovesButNeverCreatesPeople() throws {
        let scenario = try TestSupport.scenario("otl")
        let p = scenario.medianParameters
        let initialTotal = p.initialRuralPopulationM + p.initialUrbanPopulationM + p.initialCampPopulationM
        for (_, series) in try runsToCheck() {
            var previousTotal = initialTotal
            for r in series {
                let expected = previousTotal + r.birthsM - r.normalDeathsM - r.famineDeathsM - r.executionsM - r.campDeathsM
                XCTAssertEqual(r.totalPopulationM, expected, accuracy: 1e-9, "population account in \(r.year)")
                XCTAssertGreaterThan(r.ruralPopulationM, 0)
                XCTAssertGreaterThan(r.urbanPopulationM, 0)
                XCTAssertGreaterThanOrEqual(r.campPopulationM, 0)
                XCTAssertGreaterThanOrEqual(r.migrationM, 0)
                XCTAssertGreaterThanOrEqual(r.famineDeathsRuralM, 0)
                XCTAssertGreaterThanOrEqual(r.famineDeathsUrbanM, 0)
                previousTotal = r.totalPopulationM
            }
        }
    }

    func testSharesAndStocksStayInRange() throws {
        for (outcomes, series) in try runsToCheck() {
            for r in series {
                XCTAssert((0...1).contains(r.collectivizedShare), "collectivized share \(r.collectivizedShare)")
                XCTAssert((0...1).contains(r.coercion), "coercion \(r.coercion)")
                XCTAssertGreaterThan(r.horsesM, 0)
                XCTAssertGreaterThan(r.cattleM, 0)
                XCTAssertGreaterThan(r.producerOutput, 0)
                XCTAssert(r.harvestMt.isFinite && r.harvestMt > 0)
            }
            XCTAssert((0...100).contains(outcomes.readiness1941))
            XCTAssertEqual(outcomes.famineDeathsTotal, outcomes.famineDeathsRural + outcomes.famineDeathsUrban, accuracy: 1e-3)
        }
    }
}
