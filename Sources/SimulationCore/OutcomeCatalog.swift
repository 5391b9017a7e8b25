// MARK: - Outcome catalog

/// A numeric outcome of a run: stable snake_case name (used in JSON, SQL columns and reports),
/// unit, meaning, and how to read it. `nil` means "did not happen" (e.g. no collectivization).
public struct NumericOutcome: Sendable {
    public let name: String
    public let unit: String
    public let summary: String
    public let value: @Sendable (RunOutcomes) -> Double?

    /// Whole numbers (years, counts): stored as integers in SQL.
    public var isWholeNumber: Bool { unit == "count" || (unit == "year" && !name.hasSuffix("onset_year")) }
}

/// A yes/no outcome of a run, whose probability the reports estimate.
public struct EventOutcome: Sendable {
    public let name: String
    public let summary: String
    public let happened: @Sendable (RunOutcomes) -> Bool
}

/// A categorical outcome (who led).
public struct LabelOutcome: Sendable {
    public let name: String
    public let summary: String
    public let label: @Sendable (RunOutcomes) -> String
}

/// One yearly series (one column of the run-years table).
public struct SeriesDefinition: Sendable {
    public let name: String
    public let unit: String
    public let value: @Sendable (YearRecord) -> Double
}

/// Every outcome a run reports, by its stable name.
public enum OutcomeCatalog {
    public static let numeric: [NumericOutcome] = [
        .init(name: "famine_deaths_total", unit: "persons", summary: "Famine excess deaths 1927-1940") { $0.famineDeathsTotal },
        .init(name: "famine_deaths_rural", unit: "persons", summary: "Famine excess deaths in the countryside (incl. nomads)") { $0.famineDeathsRural },
        .init(name: "famine_deaths_urban", unit: "persons", summary: "Famine excess deaths in the towns") { $0.famineDeathsUrban },
        .init(name: "famine_deaths_1930_1933", unit: "persons", summary: "Famine excess deaths 1930-1933") { $0.famineDeaths1930To1933 },
        .init(name: "famine_worst_year", unit: "year", summary: "Year of most famine deaths (none if no deaths)") { $0.famineWorstYearDeaths > 0 ? Double($0.famineWorstYear) : nil },
        .init(name: "famine_worst_year_deaths", unit: "persons", summary: "Famine deaths in the worst year") { $0.famineWorstYearDeaths },
        .init(name: "collectivization_year", unit: "year", summary: "Year forced collectivization was decided (none if never)") { $0.collectivizationYear.map(Double.init) },
        .init(name: "collectivized_share_1935", unit: "share of households", summary: "Households in collective farms, end of 1935") { $0.collectivizedShare1935 },
        .init(name: "collectivized_share_1940", unit: "share of households", summary: "Households in collective farms, end of 1940") { $0.collectivizedShare1940 },
        .init(name: "deported_total", unit: "persons", summary: "People deported in dekulakization") { $0.deportedTotal },
        .init(name: "terror_start_year", unit: "year", summary: "First year of mass terror (none if never)") { $0.terrorStartYear.map(Double.init) },
        .init(name: "terror_executions", unit: "persons", summary: "Executions in mass terror") { $0.terrorExecutions },
        .init(name: "camp_population_peak", unit: "persons", summary: "Highest camp population at a year's end") { $0.campPopulationPeak },
        .init(name: "camp_population_1940", unit: "persons", summary: "Camp population, end of 1940") { $0.campPopulation1940 },
        .init(name: "grain_exports_total_mt", unit: "Mt", summary: "Grain exported 1927-1940") { $0.grainExportsTotalMt },
        .init(name: "grain_exports_1930_1931_mt", unit: "Mt per year", summary: "Mean yearly grain exports 1930-1931") { $0.grainExports1930To1931Mt },
        .init(name: "machinery_imports_total", unit: "million gold rubles", summary: "Machinery imported 1927-1940") { $0.machineryImportsTotal },
        .init(name: "foreign_debt_1940", unit: "million gold rubles", summary: "Foreign debt, end of 1940") { $0.foreignDebt1940 },
        .init(name: "procurement_1928_mt", unit: "Mt", summary: "State grain procurement 1928") { $0.procurement1928Mt },
        .init(name: "procurement_1931_mt", unit: "Mt", summary: "State grain procurement 1931") { $0.procurement1931Mt },
        .init(name: "industrial_output_1937", unit: "1928 = 100", summary: "Industrial output 1937") { $0.industrialOutput1937 },
        .init(name: "industrial_output_1940", unit: "1928 = 100", summary: "Industrial output 1940") { $0.industrialOutput1940 },
        .init(name: "producer_output_1937", unit: "1928 = 100", summary: "Producer-goods output 1937") { $0.producerOutput1937 },
        .init(name: "producer_output_1940", unit: "1928 = 100", summary: "Producer-goods output 1940") { $0.producerOutput1940 },
        .init(name: "consumer_output_1937", unit: "1928 = 100", summary: "Consumer-goods output 1937") { $0.consumerOutput1937 },
        .init(name: "consumer_output_1940", unit: "1928 = 100", summary: "Consumer-goods output 1940") { $0.consumerOutput1940 },
        .init(name: "industrial_growth_1937_1940", unit: "per year", summary: "Yearly industrial growth 1937-1940") { $0.industrialGrowth1937To1940 },
        .init(name: "steel_1940_mt", unit: "Mt", summary: "Steel output 1940") { $0.steel1940Mt },
        .init(name: "urban_population_1939_m", unit: "million", summary: "Urban population, end of 1939") { $0.urbanPopulation1939M },
        .init(name: "population_1939_m", unit: "million", summary: "Total population (incl. camps), end of 1939") { $0.population1939M },
        .init(name: "real_wage_1932", unit: "1928 = 100", summary: "Real urban wage 1932") { $0.realWage1932 },
        .init(name: "real_wage_1937", unit: "1928 = 100", summary: "Real urban wage 1937") { $0.realWage1937 },
        .init(name: "rural_consumption_1937", unit: "1928 = 100", summary: "Rural consumption per head 1937") { $0.ruralConsumption1937 },
        .init(name: "horses_min_m", unit: "million head", summary: "Smallest horse herd at a year's end") { $0.horsesMinM },
        .init(name: "cattle_min_m", unit: "million head", summary: "Smallest cattle herd at a year's end") { $0.cattleMinM },
        .init(name: "horses_1933_m", unit: "million head", summary: "Horses, end of 1933") { $0.horses1933M },
        .init(name: "cattle_1933_m", unit: "million head", summary: "Cattle, end of 1933") { $0.cattle1933M },
        .init(name: "depression_onset_year", unit: "year", summary: "Onset of the Great Depression as drawn (fractional year)") { $0.depressionOnsetYear },
        .init(name: "depression_depth", unit: "share", summary: "Fall of world grain prices at the Depression's depth, as drawn") { $0.depressionDepth },
        .init(name: "readiness_1941", unit: "index 0-100", summary: "Military readiness in June 1941") { $0.readiness1941 },
        .init(name: "foreign_loans", unit: "count", summary: "State loans received") { Double($0.foreignLoans) },
    ]

    public static let events: [EventOutcome] = [
        .init(name: "stalin_attempted_1926", summary: "An attempt on Stalin in December 1926") { $0.stalinAttempted1926 },
        .init(name: "stalin_died_1926", summary: "Stalin killed in December 1926") { $0.stalinDied1926 },
        .init(name: "kirov_attempted_1934", summary: "An attempt on Kirov in December 1934") { $0.kirovAttempted1934 },
        .init(name: "kirov_killed_1934", summary: "Kirov killed in December 1934") { $0.kirovKilled1934 },
        .init(name: "leader_assassinated", summary: "A leader killed by a later attempt") { $0.leaderAssassinated },
        .init(name: "forced_collectivization", summary: "A forced collectivization campaign put most households into collective farms by 1940") { $0.forcedCollectivization },
        .init(name: "famine_over_100k", summary: "Famine deaths 1927-1940 over 100,000") { $0.famineDeathsTotal > 100_000 },
        .init(name: "famine_over_1m", summary: "Famine deaths 1927-1940 over 1 million") { $0.famineDeathsTotal > 1_000_000 },
        .init(name: "famine_over_5m", summary: "Famine deaths 1927-1940 over 5 million") { $0.famineDeathsTotal > 5_000_000 },
        .init(name: "terror", summary: "Mass terror happened") { $0.terror },
        .init(name: "nep_survived_1935", summary: "No forced collectivization decided before 1935") { $0.nepSurvived1935 },
        .init(name: "regime_crisis", summary: "A rising became a regime crisis") { $0.regimeCrisis },
        .init(name: "nazi_takeover", summary: "A Nazi government in Germany by 1940") { $0.naziTakeover },
        .init(name: "border_war_defeat", summary: "A lost border war with Japan") { $0.borderWarDefeat },
        .init(name: "foreign_loan", summary: "At least one state loan from abroad") { $0.foreignLoans > 0 },
    ]

    public static let labels: [LabelOutcome] = [
        .init(name: "leader_1930", summary: "Leadership in 1930") { $0.leader1930.label },
        .init(name: "leader_1940", summary: "Leadership in 1940") { $0.leader1940.label },
    ]

    public static let series: [SeriesDefinition] = [
        .init(name: "harvest_mt", unit: "Mt") { $0.harvestMt },
        .init(name: "procurement_mt", unit: "Mt") { $0.procurementMt },
        .init(name: "grain_exports_mt", unit: "Mt") { $0.grainExportsMt },
        .init(name: "grain_imports_mt", unit: "Mt") { $0.grainImportsMt },
        .init(name: "machinery_imports", unit: "million gold rubles") { $0.machineryImportsMRubles },
        .init(name: "urban_population_m", unit: "million") { $0.urbanPopulationM },
        .init(name: "rural_population_m", unit: "million") { $0.ruralPopulationM },
        .init(name: "famine_deaths", unit: "persons") { $0.famineDeathsM * 1e6 },
        .init(name: "producer_output", unit: "output units") { $0.producerOutput },
        .init(name: "consumer_output", unit: "output units") { $0.consumerOutput },
        .init(name: "producer_capital", unit: "output units") { $0.producerCapital },
        .init(name: "consumer_capital", unit: "output units") { $0.consumerCapital },
        .init(name: "horses_m", unit: "million head") { $0.horsesM },
        .init(name: "cattle_m", unit: "million head") { $0.cattleM },
        .init(name: "tractors_m_horse_equivalent", unit: "million horse-equivalents") { $0.tractorsMHorseEquivalent },
        .init(name: "peasant_trust", unit: "0-1") { $0.peasantTrust },
        .init(name: "collectivized_share", unit: "share") { $0.collectivizedShare },
        .init(name: "coercion", unit: "0-1") { $0.coercion },
        .init(name: "unrest", unit: "index") { $0.unrest },
        .init(name: "camp_population_m", unit: "million") { $0.campPopulationM },
        .init(name: "real_wage", unit: "1928 = 100") { $0.realWage },
        .init(name: "steel_mt", unit: "Mt") { $0.steelMt },
    ]
}
