import Foundation

// MARK: - RunOutcomes

/// The scalars one run reports (one database row per run). People are counted in persons, except
/// populations in millions (`_m`); indices are 1928 = 100; money in million gold rubles.
public struct RunOutcomes: Sendable, Equatable {
    public var famineDeathsTotal = 0.0
    public var famineDeathsRural = 0.0
    public var famineDeathsUrban = 0.0
    public var famineDeaths1930To1933 = 0.0
    public var famineWorstYear = 0
    public var famineWorstYearDeaths = 0.0
    public var collectivizationYear: Int?
    public var collectivizedShare1935 = 0.0
    public var collectivizedShare1940 = 0.0
    public var deportedTotal = 0.0
    public var terrorStartYear: Int?
    public var terrorExecutions = 0.0
    public var campPopulationPeak = 0.0
    public var campPopulation1940 = 0.0
    public var grainExportsTotalMt = 0.0
    public var grainExports1930To1931Mt = 0.0
    public var machineryImportsTotal = 0.0
    public var foreignDebt1940 = 0.0
    public var procurement1928Mt = 0.0
    public var procurement1931Mt = 0.0
    public var industrialOutput1937 = 0.0
    public var industrialOutput1940 = 0.0
    public var producerOutput1937 = 0.0
    public var producerOutput1940 = 0.0
    public var consumerOutput1937 = 0.0
    public var consumerOutput1940 = 0.0
    public var industrialGrowth1937To1940 = 0.0
    public var steel1940Mt = 0.0
    public var urbanPopulation1939M = 0.0
    public var population1939M = 0.0
    public var realWage1932 = 0.0
    public var realWage1937 = 0.0
    public var ruralConsumption1937 = 0.0
    public var horsesMinM = 0.0
    public var cattleMinM = 0.0
    public var horses1933M = 0.0
    public var cattle1933M = 0.0
    public var depressionOnsetYear = 0.0
    public var depressionDepth = 0.0
    public var readiness1941 = 0.0
    public var foreignLoans = 0
    public var leader1930: Leader = .stalin
    public var leader1940: Leader = .stalin

    // Events
    public var stalinAttempted1926 = false
    public var stalinDied1926 = false
    public var kirovAttempted1934 = false
    public var kirovKilled1934 = false
    public var leaderAssassinated = false
    public var regimeCrisis = false
    public var naziTakeover = false
    public var borderWarDefeat = false

    public init() {}

    /// A campaign that put most households into collective farms (not just the decision).
    public var forcedCollectivization = false
    public var nepSurvived1935: Bool { (collectivizationYear ?? 9999) > 1934 }
    public var terror: Bool { terrorExecutions > 0 }

    /// Steel: the mills a year's producer output built come on line `steel_construction_lag_years`
    /// later (Magnitogorsk and Kuznetsk, begun 1929, gave full output from 1933-34), so steel
    /// follows producer output of that many years before, against the output that built the mills
    /// of 1928 (the 1926 level before 1927). The Terror's purge of managers and engineers hits
    /// the mills as it hits the rest of industry.
    static func steel(at index: Int, series: [YearRecord], parameters p: ModelParameters) -> Double {
        let lag = Int(p.steelConstructionLagYears.rounded())
        func builtBy(_ j: Int) -> Double { j < 0 ? p.initialProducerGoodsOutput : series[j].producerOutput }
        let base = builtBy(1928 - YearTable.firstYear - lag)
        return p.steel1928Mt * pow(builtBy(index - lag) / base, p.steelOutputElasticity)
            * series[index].terrorProductivityFactor
    }

    /// Finishes a run: indexes the series to 1928 = 100 and reads the outcomes off it.
    static func summarize(
        series: inout [YearRecord], events: RunEvents, state: WorldState,
        depression: DepressionPath, readiness: Double, parameters p: ModelParameters
    ) -> RunOutcomes {
        var o = RunOutcomes()
        let base = series[1928 - YearTable.firstYear]
        let wageBase = base.realWage, ruralBase = base.ruralConsumption
        let producerBase = base.producerOutput, consumerBase = base.consumerOutput
        let industryBase = base.industrialOutput
        o.horsesMinM = p.initialHorsesM
        o.cattleMinM = p.initialCattleM
        for i in series.indices {
            series[i].realWage = 100 * series[i].realWage / wageBase
            series[i].ruralConsumption = 100 * series[i].ruralConsumption / ruralBase
            series[i].steelMt = steel(at: i, series: series, parameters: p)
            let r = series[i]
            o.famineDeathsRural += r.famineDeathsRuralM * 1e6
            o.famineDeathsUrban += r.famineDeathsUrbanM * 1e6
            if (1930...1933).contains(r.year) { o.famineDeaths1930To1933 += r.famineDeathsM * 1e6 }
            if r.famineDeathsM * 1e6 > o.famineWorstYearDeaths {
                o.famineWorstYearDeaths = r.famineDeathsM * 1e6
                o.famineWorstYear = r.year
            }
            o.deportedTotal += r.deportedM * 1e6
            o.terrorExecutions += r.executionsM * 1e6
            o.campPopulationPeak = max(o.campPopulationPeak, r.campPopulationM * 1e6)
            o.grainExportsTotalMt += r.grainExportsMt
            if r.year == 1930 || r.year == 1931 { o.grainExports1930To1931Mt += r.grainExportsMt / 2 }
            o.machineryImportsTotal += r.machineryImportsMRubles
            o.horsesMinM = min(o.horsesMinM, r.horsesM)
            o.cattleMinM = min(o.cattleMinM, r.cattleM)
            switch r.year {
            case 1928: o.procurement1928Mt = r.procurementMt
            case 1930: o.leader1930 = r.leader
            case 1931: o.procurement1931Mt = r.procurementMt
            case 1932: o.realWage1932 = series[i].realWage
            case 1933: o.horses1933M = r.horsesM; o.cattle1933M = r.cattleM
            case 1935: o.collectivizedShare1935 = r.collectivizedShare
            case 1937:
                o.industrialOutput1937 = 100 * r.industrialOutput / industryBase
                o.producerOutput1937 = 100 * r.producerOutput / producerBase
                o.consumerOutput1937 = 100 * r.consumerOutput / consumerBase
                o.realWage1937 = series[i].realWage
                o.ruralConsumption1937 = series[i].ruralConsumption
            case 1939:
                o.urbanPopulation1939M = r.urbanPopulationM
                o.population1939M = r.totalPopulationM
            case 1940:
                o.industrialOutput1940 = 100 * r.industrialOutput / industryBase
                o.producerOutput1940 = 100 * r.producerOutput / producerBase
                o.consumerOutput1940 = 100 * r.consumerOutput / consumerBase
                o.collectivizedShare1940 = r.collectivizedShare
                o.campPopulation1940 = r.campPopulationM * 1e6
                o.steel1940Mt = series[i].steelMt
                o.leader1940 = r.leader
            default: break
            }
        }
        o.famineDeathsTotal = o.famineDeathsRural + o.famineDeathsUrban
        o.industrialGrowth1937To1940 = pow(o.industrialOutput1940 / o.industrialOutput1937, 1.0 / 3.0) - 1
        o.collectivizationYear = state.greatTurnYear
        // A campaign that actually ran and put most households into collective farms.
        o.forcedCollectivization = state.campaignYears > 0
            && series.contains { $0.collectivizedShare >= p.campaignMajorityShare }
        o.terrorStartYear = o.terrorExecutions > 0 ? state.terrorStartYear : nil
        o.foreignDebt1940 = state.foreignDebtMRubles
        o.depressionOnsetYear = depression.onset
        o.depressionDepth = depression.depth
        o.readiness1941 = readiness
        o.foreignLoans = events.foreignLoans
        o.stalinAttempted1926 = events.stalinAttempted1926
        o.stalinDied1926 = events.stalinDied1926
        o.kirovAttempted1934 = events.kirovAttempted1934
        o.kirovKilled1934 = events.kirovKilled1934
        o.leaderAssassinated = events.leaderAssassinatedLater
        o.regimeCrisis = events.regimeCrisisYear != nil
        o.naziTakeover = events.naziTakeoverYear != nil
        o.borderWarDefeat = events.borderWarDefeat
        return o
    }
}
