import Foundation
@testable import Analysis

// MARK: - A realistic report, built by hand

/// Report data shaped like a real 2,000-run sweep of the historical scenario: famine deaths in
/// persons (0-30 million), industrial output as an index (1928 = 100), urban population in millions,
/// yearly fans over 1927-1940, and a comparison of runs with and without the 1932-33 famine.
enum HTMLReportFixtures {
    static let histogramOutcomes = ["famine_deaths_total", "industrial_output_1940", "urban_population_1939_m"]
    static let fanSeries = ["harvest_mt", "procurement_mt", "famine_deaths", "industrial_output"]
    static let years = Array(1927...1940)

    static func report(given: String? = "famine_1932_33 = true") -> ReportData {
        ReportData(
            source: .init(scenario: "otl", scenarioTitle: "The historical course (OTL)", seed: "0x5eed1927",
                          design: "monte-carlo", runs: 2000,
                          sweep: .init(id: 42, name: "otl-2000", createdAt: "2024-05-01T10:00:00Z", state: .done, storedRuns: 2000)),
            given: given,
            runs: 1873,
            numeric: [
                quantiles("famine_deaths_total", "persons", 1873, [4_512_345.6, 3_100_200, 350_000, 2_400_000, 4_100_000, 6_200_000, 10_250_000]),
                quantiles("industrial_output_1940", "1928 = 100", 1873, [452.3, 61.8, 350.2, 410.5, 455.0, 495.1, 548.7]),
                quantiles("urban_population_1939_m", "million", 1873, [56.1, 3.2, 50.8, 53.9, 56.2, 58.3, 61.0]),
                .init(name: "gulag_population_1940", unit: "persons", n: 0, mean: nil, sd: nil, p05: nil, p25: nil,
                      p50: nil, p75: nil, p95: nil),
            ],
            events: [
                event("famine_1932_33", 1184, 1873),
                event("collectivization_complete_1934", 1650, 1873),
                event("stalin_leads_1940", 1801, 1873),
                event("bukharin_returns", 3, 1873),
            ],
            leaders: ["leader_1940": ["Stalin": 0.962, "Kirov": 0.021, "Bukharin": 0.017]],
            histograms: [
                histogram("famine_deaths_total", "persons", low: 0, high: 30_000_000, runs: 1873) { x in x * exp(-x / 0.12) },
                histogram("industrial_output_1940", "1928 = 100", low: 240, high: 680, runs: 1873) { x in exp(-pow((x - 0.48) / 0.14, 2)) },
                histogram("urban_population_1939_m", "million", low: 44, high: 68, runs: 1873) { x in exp(-pow((x - 0.5) / 0.2, 2)) },
            ],
            fans: [
                fan("harvest_mt", "Mt") { year in 73 - (year == 1932 ? 10 : year == 1936 ? 8 : 0) + Double(year - 1927) * 0.5 },
                fan("procurement_mt", "Mt") { year in year < 1929 ? 10.5 : 18 + Double(year - 1929) * 0.9 },
                fan("famine_deaths", "persons") { year in year == 1932 ? 1_200_000 : year == 1933 ? 2_600_000 : year == 1937 ? 150_000 : 8_000 },
                fan("industrial_output", "output units (1928 about 100)") { year in 95 * pow(1.12, Double(year - 1927)) },
            ],
            comparison: comparison(),
            generatedAt: "2024-05-02T08:30:00Z")
    }

    // MARK: - Pieces

    static func quantiles(_ name: String, _ unit: String, _ n: Int, _ v: [Double]) -> ReportData.Quantiles {
        .init(name: name, unit: unit, n: n, mean: v[0], sd: v[1], p05: v[2], p25: v[3], p50: v[4], p75: v[5], p95: v[6])
    }

    /// An event with its 95% Wilson interval computed the usual way.
    static func event(_ name: String, _ successes: Int, _ trials: Int) -> ReportData.Event {
        let n = Double(trials), p = Double(successes) / n, z = 1.959964
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return .init(name: name, successes: successes, trials: trials, probability: p, lower: centre - half, upper: centre + half)
    }

    /// 30 equal bins over `low...high` whose counts follow `shape` (on 0...1) and add up to about `runs`.
    static func histogram(_ outcome: String, _ unit: String, low: Double, high: Double, runs: Int,
                          shape: (Double) -> Double) -> ReportData.Histogram {
        let bins = 30
        let weights = (0..<bins).map { shape((Double($0) + 0.5) / Double(bins)) }
        let total = weights.reduce(0, +)
        let counts = weights.map { Int(($0 / total * Double(runs)).rounded()) }
        let edges = (0...bins).map { low + (high - low) * Double($0) / Double(bins) }
        return .init(outcome: outcome, unit: unit, edges: edges, counts: counts)
    }

    /// A fan whose quantiles spread around `median` by ±8% (50%) and ±20% (90%).
    static func fan(_ series: String, _ unit: String, median: (Int) -> Double) -> ReportData.Fan {
        let medians = years.map(median)
        return .init(series: series, unit: unit, years: years, runs: 2000, sampledEvery: 1,
                     p05: medians.map { $0 * 0.8 }, p25: medians.map { $0 * 0.92 }, p50: medians,
                     p75: medians.map { $0 * 1.08 }, p95: medians.map { $0 * 1.2 })
    }

    static func comparison() -> ReportData.Comparison {
        let famine = ReportData.Branch(
            label: "famine_1932_33", runs: 1184,
            numeric: [quantiles("famine_deaths_total", "persons", 1184, [6_100_000, 2_900_000, 2_100_000, 4_000_000, 5_800_000, 7_900_000, 11_400_000])],
            events: [event("stalin_leads_1940", 1150, 1184)],
            histograms: [
                histogram("famine_deaths_total", "persons", low: 1_000_000, high: 30_000_000, runs: 1184) { x in x * exp(-x / 0.15) },
                histogram("industrial_output_1940", "1928 = 100", low: 240, high: 640, runs: 1184) { x in exp(-pow((x - 0.45) / 0.15, 2)) },
            ])
        let noFamine = ReportData.Branch(
            label: "not famine_1932_33", runs: 689,
            numeric: [quantiles("famine_deaths_total", "persons", 689, [900_000, 600_000, 100_000, 400_000, 800_000, 1_300_000, 2_000_000])],
            events: [event("stalin_leads_1940", 651, 689)],
            histograms: [
                histogram("famine_deaths_total", "persons", low: 0, high: 4_000_000, runs: 689) { x in exp(-pow((x - 0.3) / 0.2, 2)) },
                histogram("industrial_output_1940", "1928 = 100", low: 300, high: 700, runs: 689) { x in exp(-pow((x - 0.55) / 0.15, 2)) },
            ])
        return .init(splitBy: "famine_1932_33", left: noFamine, right: famine, rows: [
            .init(name: "famine_deaths_total", kind: "median", left: 800_000, right: 5_800_000, difference: 5_000_000,
                  lower: 4_700_000, upper: 5_300_000),
            .init(name: "stalin_leads_1940", kind: "probability", left: 0.945, right: 0.971, difference: 0.026,
                  lower: 0.007, upper: 0.045),
            .init(name: "urban_population_1939_m", kind: "median", left: nil, right: 56.2, difference: nil, lower: nil, upper: nil),
        ])
    }
}
