// MARK: - YearRecord

/// What happened in one year of one run: the yearly series a run reports, plus the grain and
/// population accounts the tests check.
public struct YearRecord: Sendable, Equatable {
    public var year = 0

    // Grain balance, Mt: harvest = seed + feed + rural food + marketed
    public var harvestMt = 0.0
    public var seedMt = 0.0
    public var feedMt = 0.0
    public var ruralFoodMt = 0.0
    /// Everything that left the villages: voluntary sales, coerced deliveries and farm quotas.
    public var marketedMt = 0.0
    public var procurementMt = 0.0
    public var grainExportsMt = 0.0
    public var grainImportsMt = 0.0
    public var machineryImportsMRubles = 0.0
    public var weatherFactor = 1.0
    public var drought = false

    // Population account, million: change = births - normal deaths - famine - executions - camp deaths
    public var ruralPopulationM = 0.0
    public var urbanPopulationM = 0.0
    public var campPopulationM = 0.0
    public var birthsM = 0.0
    public var normalDeathsM = 0.0
    public var famineDeathsRuralM = 0.0
    public var famineDeathsUrbanM = 0.0
    public var executionsM = 0.0
    /// Arrests in the year's mass terror (the executed among them are in `executionsM`).
    public var terrorArrestsM = 0.0
    /// Of the rural famine deaths, those of the nomads forced to settle.
    public var famineDeathsPastoralM = 0.0
    public var campDeathsM = 0.0
    public var migrationM = 0.0
    public var deportedM = 0.0

    // Industry and living standards
    public var producerOutput = 0.0
    public var consumerOutput = 0.0
    public var producerCapital = 0.0
    public var consumerCapital = 0.0
    /// Raw levels; indexed to 1928 = 100 once the run is over.
    public var realWage = 0.0
    /// Urban consumption per head (food and goods), raw: Allen's migration compares it with the villages'.
    public var urbanConsumption = 0.0
    public var ruralConsumption = 0.0
    public var steelMt = 0.0
    /// Productivity left after the Terror's purges (1 before them).
    public var terrorProductivityFactor = 1.0

    // Agriculture and politics
    public var horsesM = 0.0
    public var tractorsMHorseEquivalent = 0.0
    public var peasantTrust = 0.0
    public var cattleM = 0.0
    public var collectivizedShare = 0.0
    public var coercion = 0.0
    public var unrest = 0.0
    public var scissors = 0.0
    /// World grain price against 1929 (the Depression's cut).
    public var worldGrainPriceFactor = 1.0
    /// Price of imported machinery against 1929.
    public var machineryPriceFactor = 1.0
    public var foreignDebtMRubles = 0.0
    public var leader: Leader = .stalin

    public init() {}

    public var famineDeathsM: Double { famineDeathsRuralM + famineDeathsUrbanM }
    public var totalPopulationM: Double { ruralPopulationM + urbanPopulationM + campPopulationM }
    public var industrialOutput: Double { producerOutput + consumerOutput }
}
