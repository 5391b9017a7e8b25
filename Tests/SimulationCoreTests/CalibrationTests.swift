import Experiments
import XCTest
@testable import SimulationCore

/// The calibration targets of MODEL.md: medians over 2,000 `otl` runs against the historical
/// record (docs/data/otl-history.csv), each printed beside its band.
final class OTLCalibrationTests: XCTestCase {
    static let runs = 2000
    nonisolated(unsafe) static var cachedRandom: [(RunOutcomes, [YearRecord])]?
    nonisolated(unsafe) static var cachedReplay: [(RunOutcomes, [YearRecord])]?

    static func randomWeather() throws -> [(RunOutcomes, [YearRecord])] {
        if let cached = cachedRandom { return cached }
        let runs = try TestSupport.simulateWithSeries("otl", runs: runs, weather: .random)
        cachedRandom = runs
        return runs
    }

    static func replayWeather() throws -> [(RunOutcomes, [YearRecord])] {
        if let cached = cachedReplay { return cached }
        let runs = try TestSupport.simulateWithSeries("otl", runs: runs, weather: .historical)
        cachedReplay = runs
        return runs
    }

    func check(_ what: String, _ value: Double, in band: ClosedRange<Double>, file: StaticString = #filePath, line: UInt = #line) {
        let pass = band.contains(value)
        TestSupport.report(what, model: value, target: String(format: "%.4g - %.4g", band.lowerBound, band.upperBound),
                           pass: pass)
        XCTAssert(pass, "\(what): model \(value) outside \(band)", file: file, line: line)
    }

    func testHarvestsInReplayModeWithinRecordedRangeWidenedByTenPercent() throws {
        let runs = try OTLCalibrationTests.replayWeather()
        let record = try TestSupport.history().filter { $0.quantity == "grain_harvest" }
        for year in 1928...1940 {
            guard let row = record.first(where: { $0.year == String(year) }) else { return XCTFail("no record for \(year)") }
            let median = TestSupport.median(runs.map { $0.1[year - 1927].harvestMt })
            check("harvest \(year) (replay), Mt", median, in: (row.low * 0.9)...(row.high * 1.1))
        }
    }

    func testProcurementRoughlyDoubles1928To1931() throws {
        let runs = try OTLCalibrationTests.randomWeather()
        let ratio = TestSupport.median(runs.map { $0.0.procurement1931Mt / $0.0.procurement1928Mt })
        check("procurement 1931 / 1928", ratio, in: 1.7...2.4)
    }

    func testGrainExports1930And1931() throws {
        let runs = try OTLCalibrationTests.randomWeather()
        check("grain exports 1930-31, Mt a year", TestSupport.median(runs.map { $0.0.grainExports1930To1931Mt }), in: 3.5...6)
    }

    func testHerds1933() throws {
        let runs = try OTLCalibrationTests.randomWeather()
        check("horses 1933, million", TestSupport.median(runs.map { $0.0.horses1933M }), in: 13...20)
        check("cattle 1933, million", TestSupport.median(runs.map { $0.0.cattle1933M }), in: 32...46)
    }

    func testFamine1930To1933() throws {
        let runs = try OTLCalibrationTests.randomWeather()
        let deaths = runs.map { $0.0.famineDeaths1930To1933 / 1e6 }
        check("famine deaths 1930-33 median, million", TestSupport.median(deaths), in: 4...10)
        let low = TestSupport.quantile(deaths, 0.05), high = TestSupport.quantile(deaths, 0.95)
        let overlaps = low <= 8.7 && high >= 5.7
        TestSupport.report("famine deaths 1930-33 90% interval, million", model: low,
                           target: String(format: "interval %.2f - %.2f overlaps 5.7 - 8.7", low, high), pass: overlaps)
        XCTAssert(overlaps, "90% interval \(low) - \(high) does not overlap 5.7 - 8.7")
    }

    /// Famine deaths of the given years, million, from a run's series.
    static func famine(_ series: [YearRecord], _ years: ClosedRange<Int>) -> Double {
        series.filter { years.contains($0.year) }.reduce(0) { $0 + $1.famineDeathsM }
    }

    func testFamineTotalWithRandomWeather() throws {
        let runs = try OTLCalibrationTests.randomWeather()
        check("famine deaths 1927-40 median, million", TestSupport.median(runs.map { $0.0.famineDeathsTotal / 1e6 }), in: 4...10)
    }

    /// After 1933 the regime kept reserves and relieved the 1936 drought: a second famine under
    /// Stalin is possible (1946-47 happened) but rare.
    func testNoSecondGreatFamineAfter1933() throws {
        let runs = try OTLCalibrationTests.randomWeather()
        let later = runs.map { OTLCalibrationTests.famine($0.1, 1934...1940) }
        check("famine deaths 1934-40 median, million", TestSupport.median(later), in: 0...0.5)
        let overMillion = Double(later.filter { $0 > 1 }.count) / Double(later.count)
        check("P(famine deaths 1934-40 over 1 million)", overMillion, in: 0...0.25)
    }

    func testDrought1936RelievedInReplay() throws {
        let runs = try OTLCalibrationTests.replayWeather()
        check("famine deaths 1936-37 (replay) median, million",
              TestSupport.median(runs.map { OTLCalibrationTests.famine($0.1, 1936...1937) }), in: 0...0.5)
    }

    func testFamine1930To1933InReplay() throws {
        let runs = try OTLCalibrationTests.replayWeather()
        check("famine deaths 1930-33 (replay) median, million",
              TestSupport.median(runs.map { $0.0.famineDeaths1930To1933 / 1e6 }), in: 4...10)
    }

    /// Dekulakization deported about 1.8 million in 1930-31, a few hundred thousand more in
    /// 1932-33, and then stopped.
    func testDeportationsInTheStormYearsOnly() throws {
        let runs = try OTLCalibrationTests.replayWeather()
        check("deported 1930-1940 (replay), million", TestSupport.median(runs.map { $0.0.deportedTotal / 1e6 }), in: 1.7...2.6)
        // Whenever the campaign starts, deportations fall in its first two years and then end.
        let deportationYears = runs.map { $0.1.filter { $0.deportedM > 0 }.count }
        check("years with deportations, most in any run", Double(deportationYears.max() ?? 0), in: 1...2)
    }

    /// The census of January 1937 counted 162 million: the model's population at the end of 1936.
    func testPopulationAtThe1937Census() throws {
        let runs = try OTLCalibrationTests.replayWeather()
        check("population at the January 1937 census (replay), million",
              TestSupport.median(runs.map { $0.1[1936 - 1927].totalPopulationM }), in: 158...166)
    }

    func testPopulation1939() throws {
        let runs = try OTLCalibrationTests.randomWeather()
        check("urban population 1939, million", TestSupport.median(runs.map { $0.0.urbanPopulation1939M }), in: 48...62)
        check("total population 1939, million", TestSupport.median(runs.map { $0.0.population1939M }), in: 160...175)
    }

    func testIndustry() throws {
        let runs = try OTLCalibrationTests.randomWeather()
        check("industrial output 1937 / 1928", TestSupport.median(runs.map { $0.0.industrialOutput1937 / 100 }), in: 2.2...3.4)
        let growth = TestSupport.median(runs.map { $0.0.industrialGrowth1937To1940 })
        check("industrial growth 1937-40, per year", growth, in: -1...0.05)
        check("steel 1940, Mt", TestSupport.median(runs.map { $0.0.steel1940Mt }), in: 13...23)
    }

    func testRealWage1932() throws {
        let runs = try OTLCalibrationTests.randomWeather()
        check("real urban wage 1932 (1928 = 100)", TestSupport.median(runs.map { $0.0.realWage1932 }), in: 40...70)
    }

    func testTerrorAndCamps() throws {
        let runs = try OTLCalibrationTests.randomWeather()
        let terrorRuns = runs.filter { $0.0.terror }
        let share = Double(terrorRuns.count) / Double(runs.count)
        check("share of runs with the Terror", share, in: 0.5...1)
        check("terror executions where it happens, million",
              TestSupport.median(terrorRuns.map { $0.0.terrorExecutions / 1e6 }), in: 0.4...1.0)
        check("camp population 1940, million", TestSupport.median(runs.map { $0.0.campPopulation1940 / 1e6 }), in: 1.0...2.5)
    }
}

/// `peasants-enrich-yourselves` against data/tl-expectations.csv and against `otl`.
final class AlternateTimelineTests: XCTestCase {
    nonisolated(unsafe) static var cached: (tl: [RunOutcomes], otl: [RunOutcomes])?

    static func runs() throws -> (tl: [RunOutcomes], otl: [RunOutcomes]) {
        if let cached { return cached }
        let result = (try TestSupport.simulate("peasants-enrich-yourselves", runs: 2000),
                      try TestSupport.simulate("otl", runs: 2000))
        cached = result
        return result
    }

    func share(_ runs: [RunOutcomes], _ predicate: (RunOutcomes) -> Bool) -> Double {
        Double(runs.filter(predicate).count) / Double(runs.count)
    }

    func testCollectivizationCampaignsRare() throws {
        let (tl, _) = try AlternateTimelineTests.runs()
        let p = share(tl) { $0.forcedCollectivization }
        TestSupport.report("P(a collectivization campaign, share past one half)", model: p, target: "< 0.05", pass: p < 0.05)
        XCTAssertLessThan(p, 0.05)
    }

    func testFamineMedianUnderHalfAMillion() throws {
        let (tl, _) = try AlternateTimelineTests.runs()
        let median = TestSupport.median(tl.map(\.famineDeathsTotal))
        TestSupport.report("famine deaths 1927-40 median (alternate)", model: median, target: "< 500,000", pass: median < 5e5)
        XCTAssertLessThan(median, 5e5)
    }

    func testForcedCollectivizationBy1935IsRare() throws {
        let (tl, _) = try AlternateTimelineTests.runs()
        let p = share(tl) { ($0.collectivizationYear ?? 9999) <= 1935 }
        TestSupport.report("P(forced collectivization by 1935)", model: p, target: "< 0.10", pass: p < 0.1)
        XCTAssertLessThan(p, 0.1)
    }

    func testFamineMedianBelowAMillionButCrisesPossible() throws {
        let (tl, _) = try AlternateTimelineTests.runs()
        let median = TestSupport.median(tl.map(\.famineDeathsTotal))
        TestSupport.report("famine deaths 1927-40 median", model: median, target: "< 1,000,000", pass: median < 1e6)
        XCTAssertLessThan(median, 1e6)
        let crises = share(tl) { $0.famineDeathsTotal > 100_000 }
        TestSupport.report("P(famine over 100,000)", model: crises, target: "> 0.01 (crises still possible)", pass: crises > 0.01)
        XCTAssertGreaterThan(crises, 0.01)
    }

    func testLessHeavyIndustryMoreConsumption() throws {
        let (tl, otl) = try AlternateTimelineTests.runs()
        let producerTL = TestSupport.median(tl.map(\.producerOutput1940))
        let producerOTL = TestSupport.median(otl.map(\.producerOutput1940))
        TestSupport.report("producer output 1940, TL (OTL beside)", model: producerTL,
                           target: String(format: "< OTL %.0f", producerOTL), pass: producerTL < producerOTL)
        XCTAssertLessThan(producerTL, producerOTL)
        let consumptionTL = TestSupport.median(tl.map(\.ruralConsumption1937))
        let consumptionOTL = TestSupport.median(otl.map(\.ruralConsumption1937))
        TestSupport.report("rural consumption 1937, TL (OTL beside)", model: consumptionTL,
                           target: String(format: "> OTL %.0f", consumptionOTL), pass: consumptionTL > consumptionOTL)
        XCTAssertGreaterThan(consumptionTL, consumptionOTL)
        let consumerTL = TestSupport.median(tl.map(\.consumerOutput1940))
        let consumerOTL = TestSupport.median(otl.map(\.consumerOutput1940))
        TestSupport.report("consumer output 1940, TL (OTL beside)", model: consumerTL,
                           target: String(format: "> OTL %.0f", consumerOTL), pass: consumerTL > consumerOTL)
        XCTAssertGreaterThan(consumerTL, consumerOTL)
    }

    func testFewerTownspeople1939() throws {
        let (tl, otl) = try AlternateTimelineTests.runs()
        let urbanTL = TestSupport.median(tl.map(\.urbanPopulation1939M))
        let urbanOTL = TestSupport.median(otl.map(\.urbanPopulation1939M))
        TestSupport.report("urban population 1939, TL (OTL beside)", model: urbanTL,
                           target: String(format: "< OTL %.1f and < 56", urbanOTL), pass: urbanTL < urbanOTL && urbanTL < 56)
        XCTAssertLessThan(urbanTL, urbanOTL)
        XCTAssertLessThan(urbanTL, 56)
    }

    func testTerrorRareAndLoansLikely() throws {
        let (tl, _) = try AlternateTimelineTests.runs()
        let terror = share(tl) { $0.terror }
        TestSupport.report("P(terror)", model: terror, target: "< 0.15 (rare)", pass: terror < 0.15)
        XCTAssertLessThan(terror, 0.15)
        let loans = share(tl) { $0.foreignLoans > 0 }
        TestSupport.report("P(at least one foreign loan)", model: loans, target: "> 0.5 (likely)", pass: loans > 0.5)
        XCTAssertGreaterThan(loans, 0.5)
        XCTAssertEqual(share(tl) { $0.stalinDied1926 }, 1)
    }
}
