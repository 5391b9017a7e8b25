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
    /// Productivity lost to the Terror (persists: the purged managers and engineers are gone).
    public var terrorProductivityFactor: Double = 1

    // Money and prices
    /// Industrial prices over grain procurement prices, 1926 = about 1.
    public var scissors: Double

    // External
    public var foreignDebtMRubles: Double
    /// Whether the debt has reached the creditors' ceiling and imports were cut to repay it.
    public var importsCut = false
    /// Consumer goods bought abroad last year: on sale in the villages at this year's marketing.
    public var importedConsumerGoodsLastYear = 0.0
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
    /// Years in which extraordinary measures were used: after enough of them the next crisis
    /// brings village quotas (the Ural-Siberian method of 1929), not only a drive to close the gap.
    public var extraordinaryMeasureYears = 0
    /// Whether land has been leased to households (seed 000's Agrarian Household Responsibility System, 1934).
    public var householdLeasing = false
    /// Whether abortion has been banned (June 1936 under Stalin).
    public var abortionBanned = false
    /// Whether internal passports restrict the move to town (from the end of 1932 under Stalin).
    public var internalPassports = false
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
