import XCTest
@testable import SimulationCore

/// Every row of the historical record (docs/data/otl-history.csv) that the model outputs, in replay
/// mode (`--weather historical`): the model's median beside the recorded band. Harvests do not
/// count (replay fits them); initial conditions (1926) and the 1928 index bases are the model's
/// inputs. A band whose low equals its high (a single recorded figure) is widened by 5% each side.
final class WholeRecordTests: XCTestCase {
    struct Row {
        let quantity: String
        let years: String
        let low: Double
        let high: Double
        let model: Double?
        /// Why the model does not output it, or why the row is an input.
        let note: String?

        var band: ClosedRange<Double> {
            low == high ? (low * 0.95)...(high * 1.05) : low...high
        }
        var hit: Bool { model.map { band.contains($0) } ?? false }
    }

    /// The model's median for one record row, or nil with a reason.
    static func model(_ quantity: String, _ years: String,
                      _ runs: [(RunOutcomes, [YearRecord])]) -> (Double?, String?) {
        let span = years.split(separator: "-").compactMap { Int($0) }
        guard let first = span.first else { return (nil, "no year") }
        let last = span.last ?? first
        func at(_ year: Int, _ value: (YearRecord) -> Double) -> Double? {
            guard (1927...1940).contains(year) else { return nil }
            return TestSupport.median(runs.map { value($0.1[year - 1927]) })
        }
        func total(_ value: (YearRecord) -> Double) -> Double {
            TestSupport.median(runs.map { run in run.1.filter { (first...last).contains($0.year) }.reduce(0) { $0 + value($1) } })
        }
        if first == 1926 { return (nil, "initial condition (an input)") }
        switch quantity {
        case "grain_harvest": return (nil, "fitted by replay")
        case "grain_procurement": return (at(first) { $0.procurementMt }, nil)
        case "grain_exports": return (at(first) { $0.grainExportsMt }, nil)
        case "horses": return (at(first) { $0.horsesM }, nil)
        case "cattle": return (at(first) { $0.cattleM }, nil)
        case "sheep_goats", "pigs": return (nil, "not modelled: cattle and horses stand for the herds")
        // Censuses are taken in January: the model's population at the end of the year before.
        case "population": return (at(first - 1) { $0.totalPopulationM }, nil)
        case "urban_population": return (at(first - 1) { $0.urbanPopulationM }, nil)
        case "waged_workforce": return (nil, "not modelled: the urban population stands for the workforce")
        case "collectivized_share": return (at(first) { $0.collectivizedShare }, nil)
        case "dekulakization_deported": return (total { $0.deportedM }, nil)
        case "famine_excess_deaths": return (total { $0.famineDeathsM }, nil)
        case "famine_excess_deaths_kazakhstan": return (total { $0.famineDeathsPastoralM }, nil)
        case "real_wage_index": return first == 1928 ? (nil, "the index base (1928 = 100)") : (at(first) { $0.realWage }, nil)
        case "steel": return first == 1928 ? (nil, "the index base (steel_1928_mt)") : (at(first) { $0.steelMt }, nil)
        case "industrial_output_index":
            let base = runs.map { $0.1[1928 - 1927].industrialOutput }
            return (TestSupport.median(zip(runs, base).map { 100 * $0.0.1[first - 1927].industrialOutput / $0.1 }), nil)
        case "industrial_growth_rate": return (TestSupport.median(runs.map { $0.0.industrialGrowth1937To1940 }), nil)
        case "terror_arrests": return (total { $0.terrorArrestsM }, nil)
        case "terror_executions": return (total { $0.executionsM }, nil)
        case "gulag_prisoners": return (at(first) { $0.campPopulationM }, nil)
        case "foreign_debt": return (at(first) { $0.foreignDebtMRubles }, nil)
        case "grain_export_price_ratio": return (at(first) { $0.worldGrainPriceFactor }, nil)
        default: return (nil, "not an output of the model")
        }
    }

    static func rows() throws -> [Row] {
        let runs = try OTLCalibrationTests.replayWeather()
        return try TestSupport.history().map { record in
            let (value, note) = model(record.quantity, record.year, runs)
            return Row(quantity: record.quantity, years: record.year, low: record.low, high: record.high,
                       model: value, note: note)
        }
    }

    /// The share of record rows the model must hold within their band (issue 9: 85%).
    static let goal = 0.85

    func testTheRecordWithinItsBand() throws {
        let rows = try WholeRecordTests.rows()
        let compared = rows.filter { $0.model != nil }
        for row in rows {
            if let value = row.model {
                TestSupport.report("record \(row.quantity) \(row.years) (replay)", model: value,
                                   target: String(format: "%.4g - %.4g", row.band.lowerBound, row.band.upperBound), pass: row.hit)
            } else {
                print("record-skip  \(row.quantity) \(row.years): \(row.note ?? "")")
            }
        }
        let share = Double(compared.filter(\.hit).count) / Double(compared.count)
        // docs/calibration.md gives each miss its reason.
        TestSupport.report("share of compared record rows within band", model: share,
                           target: String(format: ">= %.2f", WholeRecordTests.goal), pass: share >= WholeRecordTests.goal)
        XCTAssertGreaterThan(compared.count, 40, "too few rows compared")
        XCTAssertGreaterThanOrEqual(share, WholeRecordTests.goal)
    }
}

/// Every constant of the shipped scenarios has a source, and a "judgement" says why.
final class ParameterSourceTests: XCTestCase {
    func testEveryJudgementGivesItsReason() throws {
        for name in ["otl", "shot-in-the-kremlin", "peasants-enrich-yourselves"] {
            let scenario = try TestSupport.scenario(name)
            for declaration in scenario.declarations {
                let source = declaration.source.trimmingCharacters(in: .whitespaces)
                XCTAssertFalse(source.lowercased().hasPrefix("judgement") && source.count < "judgement: ".count + 10,
                               "\(name): \(declaration.name) says only '\(source)'; say why")
            }
        }
    }

    /// A fixed judgement declares the range it could reasonably take, which scripts/robustness uses.
    func testEveryFixedJudgementGivesItsPlausibleRange() throws {
        for name in ["otl", "shot-in-the-kremlin", "peasants-enrich-yourselves"] {
            let scenario = try TestSupport.scenario(name)
            for declaration in scenario.declarations where declaration.distribution.isFixed
                && declaration.source.lowercased().hasPrefix("judgement") {
                XCTAssertNotNil(declaration.plausible, "\(name): \(declaration.name) is a fixed judgement with no `plausible = [low, high]`")
            }
        }
    }
}

/// Every row of docs/data/tl-expectations.csv (what seed 000's timeline says should happen when
/// Stalin dies in December 1926), checked on `peasants-enrich-yourselves` against `otl`.
final class AlternateTimelineExpectationTests: XCTestCase {
    nonisolated(unsafe) static var cached: (tl: [(RunOutcomes, [YearRecord])], otl: [(RunOutcomes, [YearRecord])])?

    static func runs() throws -> (tl: [(RunOutcomes, [YearRecord])], otl: [(RunOutcomes, [YearRecord])]) {
        if let cached { return cached }
        // The otl runs are the calibration tests' own (same seed, same count): not simulated twice.
        let result = (try TestSupport.simulateWithSeries("peasants-enrich-yourselves", runs: 2000),
                      try OTLCalibrationTests.randomWeather())
        cached = result
        return result
    }

    static func share<T>(_ runs: [T], _ predicate: (T) -> Bool) -> Double {
        Double(runs.filter(predicate).count) / Double(runs.count)
    }

    /// The checks, one per row of the file, by its quantity.
    static func check(_ quantity: String) throws -> (model: Double, target: String, pass: Bool)? {
        let (tl, otl) = try runs()
        let median = { (runs: [(RunOutcomes, [YearRecord])], value: (RunOutcomes) -> Double) in
            TestSupport.median(runs.map { value($0.0) })
        }
        switch quantity {
        case "forced_collectivization_by_1935":
            let p = share(tl) { ($0.0.collectivizationYear ?? 9999) <= 1935 || $0.0.forcedCollectivization }
            return (p, "P(decided by 1935 or a campaign at all) < 0.1", p < 0.1)
        case "famine_excess_deaths_1927_1940":
            // Far below the record, crises possible, and where they happen, more of the dead in towns.
            let m = median(tl) { $0.famineDeathsTotal / 1e6 }
            let crises = share(tl) { $0.0.famineDeathsTotal > 100_000 }
            let urbanShare = { (runs: [(RunOutcomes, [YearRecord])]) -> Double in
                let urban = runs.reduce(0) { $0 + $1.0.famineDeathsUrban }
                let total = runs.reduce(0) { $0 + $1.0.famineDeathsTotal }
                return total > 0 ? urban / total : 0
            }
            let tlUrban = urbanShare(tl), otlUrban = urbanShare(otl)
            return (m, String(format: "median < 0.5M (of 5.7-8.7M), P(over 100k) %.3f > 0.01, urban share %.2f > OTL %.2f",
                              crises, tlUrban, otlUrban), m < 0.5 && crises > 0.01 && tlUrban > otlUrban)
        case "industrial_output_index_1940":
            let producer = median(tl) { $0.producerOutput1940 }, producerOTL = median(otl) { $0.producerOutput1940 }
            let consumer = median(tl) { $0.consumerOutput1940 }, consumerOTL = median(otl) { $0.consumerOutput1940 }
            return (producer, String(format: "producer < OTL %.0f, consumer %.0f > OTL %.0f", producerOTL, consumer, consumerOTL),
                    producer < producerOTL && consumer > consumerOTL)
        case "urban_population_1939":
            let urban = median(tl) { $0.urbanPopulation1939M }, urbanOTL = median(otl) { $0.urbanPopulation1939M }
            return (urban, String(format: "< OTL %.1f and < 56", urbanOTL), urban < urbanOTL && urban < 56)
        case "rural_living_standards":
            let rural = median(tl) { $0.ruralConsumption1937 }, ruralOTL = median(otl) { $0.ruralConsumption1937 }
            return (rural, String(format: "> 1.2 x OTL %.0f (much higher)", ruralOTL), rural > 1.2 * ruralOTL)
        case "foreign_loans":
            let p = share(tl) { $0.0.foreignLoans > 0 }
            return (p, "P(at least one loan) > 0.5", p > 0.5)
        case "procurement_coercion":
            // Extraordinary measures in some runs, wholesale collectivization in almost none.
            let coerced = share(tl) { $0.1.contains { $0.coercion > 0 } }
            let campaigns = share(tl) { $0.0.forcedCollectivization }
            return (coerced, String(format: "P(coercion in some year) > 0.02, P(campaign) %.3f < 0.05", campaigns),
                    coerced > 0.02 && campaigns < 0.05)
        case "great_terror":
            let p = share(tl) { $0.0.terror }, pOTL = share(otl) { $0.0.terror }
            return (p, String(format: "< 0.15 and < OTL / 4 (%.3f)", pOTL / 4), p < 0.15 && p < pOTL / 4)
        case "depression_effect":
            // In the trough grain buys half as much abroad while machinery is cheaper.
            let grain = TestSupport.median(otl.map { $0.1[1931 - 1927].worldGrainPriceFactor })
            let machinery = TestSupport.median(otl.map { $0.1[1931 - 1927].machineryPriceFactor })
            return (grain, String(format: "grain price 1931 in 0.4-0.6 of 1929, machinery %.2f < 1", machinery),
                    (0.4...0.6).contains(grain) && machinery < 1)
        default:
            return nil
        }
    }

    func testEveryExpectationOfTheAlternateTimeline() throws {
        let text = try String(contentsOf: TestSupport.root.appendingPathComponent("docs/data/tl-expectations.csv"), encoding: .utf8)
        let quantities = text.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        XCTAssertEqual(quantities.count, 9, "docs/data/tl-expectations.csv changed: give each new row its check")
        for quantity in quantities {
            guard let result = try AlternateTimelineExpectationTests.check(quantity) else {
                XCTFail("no check for \(quantity)"); continue
            }
            TestSupport.report("expectation \(quantity)", model: result.model, target: result.target, pass: result.pass)
            XCTAssert(result.pass, "\(quantity): model \(result.model), expected \(result.target)")
        }
    }
}
