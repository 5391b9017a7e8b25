// MARK: - WorldState

/// Everything that carries over from one year to the next. Stocks only; each year's flows are in
/// `YearRecord`.
public struct WorldState: Sendable {
    // Population, million
    public var ruralPopulationM: Double
    public var urbanPopulationM: Double
    public var campPopulationM: Double

    // Agriculture
    public var horsesM: Double
    public var cattleM: Double
    public var tractorsMHorseEquivalent: Double
    public var collectivizedShare: Double
    /// How willing peasants are to sow and sell: 1 = the NEP of 1926; damaged by confiscation and violence.
    public var peasantTrust: Double
    public var grainReservesMt: Double
    public var lastHarvestMt: Double?

    // Industry, output units (1928 industry about 100)
    public var producerCapital: Double
    public var consumerCapital: Double
    public var armsStock: Double
    /// Investment goods of the first simulated year, the base of the hiring pull.
    public var firstYearInvestment: Double?
    /// Productivity lost to the Terror (persists: the purged managers and engineers are gone).
    public var terrorProductivityFactor: Double = 1

    // Money and prices
    /// Industrial prices over grain procurement prices, 1926 = about 1.
    public var scissors: Double

    // External
    public var foreignDebtMRubles: Double
    public var frenchCreditOpen = false
    public var naziInPower = false
    public var japanAggressive = false

    // Politics
    public var leader: Leader = .stalin
    public var kirovAlive = true
    public var factionWeights: (stalinist: Double, centre: Double, right: Double, left: Double)
    /// The year forced collectivization was decided (the "Great Turn"), if it was.
    public var greatTurnYear: Int?
    public var campaignYears = 0
    /// Whether a famine has taught the regime to keep grain reserves and relieve hunger sooner.
    public var famineLessonLearned = false
    /// Famine deaths since 1927, million: what the lesson is learned from.
    public var famineDeathsSoFarM = 0.0
    /// Last year's famine death rate: births fall the year after a famine too.
    public var lastFamineDeathRate = 0.0
    /// The birth rates' secular fall so far: (1 - birth_rate_decline)^(years since 1927).
    public var birthRateTrend = 1.0
    /// Share collectivized in the last campaign year: the new farms are not yet working.
    public var lastCollectivizedGain = 0.0
    /// Accumulated procurement crisis: this year's shortfall plus half of last year's pressure.
    public var crisisPressure = 0.0
    public var ruralUnrest = 0.0
    public var urbanUnrest = 0.0
    public var terrorStartYear: Int?
    public var officerContinuity = 1.0
}
