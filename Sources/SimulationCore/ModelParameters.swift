// MARK: - Leadership propensities

/// How one leadership behaves. Every number is a scenario parameter named
/// `<leadership>_<propensity>`, e.g. `stalin_coercion`.
public struct LeadershipPropensities: Sendable, Equatable {
    /// Willingness to use "extraordinary measures" (confiscation, arrests) in a procurement crisis, 0 ... 1.
    public var coercion = 0.0
    /// Yearly chance of launching forced collectivization when the procurement crisis is deep, 0 ... 1.
    public var collectivization = 0.0
    /// Share e of investment goods put into producer-goods capital (Feldman-Domar).
    public var producerGoodsShare = 0.0
    /// Openness to foreign capital and specialists, 0 ... 1.
    public var openness = 0.0
    /// Willingness to relieve a famine (cut procurement, import, release reserves) rather than hide it, 0 ... 1.
    public var relief = 0.0
    /// Chance that a shock (a murdered leader, a lost war) turns into mass terror, 0 ... 1.
    public var terror = 0.0
    /// Sound money (Sokolnikov): 1 keeps emission tight and grain prices up; 0 prints and squeezes.
    public var soundMoney = 0.0
    /// Planned grain exports at 1929 world prices, million tonnes.
    public var exportDriveMt = 0.0
    /// Yearly chance of leasing the land to households once leasing is on the agenda (seed 000, 1934), 0 ... 1.
    public var householdLeasing = 0.0

    public init() {}
}

// MARK: - ModelParameters

/// Every constant of the model, by name. A design point fills one of these from the scenario's
/// distributions; the simulation reads nothing else. Grouped by mechanism in the order of the year.
public struct ModelParameters: Sendable, Equatable {
    // Initial state, end of 1926
    public var initialRuralPopulationM = 0.0
    public var initialUrbanPopulationM = 0.0
    public var initialCampPopulationM = 0.0
    public var initialHorsesM = 0.0
    public var initialCattleM = 0.0
    public var initialTractorsMHorseEquivalent = 0.0
    public var initialProducerGoodsOutput = 0.0
    public var initialConsumerGoodsOutput = 0.0
    public var initialGrainReservesMt = 0.0
    public var initialForeignDebtMRubles = 0.0
    public var initialCollectivizedShare = 0.0

    // Population
    public var ruralBirthRate = 0.0
    public var ruralDeathRate = 0.0
    public var urbanBirthRate = 0.0
    public var urbanDeathRate = 0.0
    public var famineBirthSuppression = 0.0
    public var birthRateDecline = 0.0
    public var abortionBanYear = 0.0
    public var abortionBanBirthBoost = 0.0
    public var abortionBanBoostYears = 0.0

    // Harvest
    public var harvestTrend1927Mt = 0.0
    public var harvestTrendGrowth = 0.0
    public var seedShareOfTrendHarvest = 0.0
    public var seedMaxShareOfHarvest = 0.0
    public var weatherLogSD = 0.0
    public var droughtProbability = 0.0
    public var droughtHarvestFactor = 0.0
    public var draftPowerElasticity = 0.0
    public var trustYieldElasticity = 0.0
    public var kolkhozYieldPenalty = 0.0
    public var campaignDisruptionPerShare = 0.0
    public var historicalWeather = YearTable()

    // Scissors and peasant marketing
    public var ruralFoodNeedTonnesPerPerson = 0.0
    public var baseMarketingShare = 0.0
    public var maxMarketingShare = 0.0
    public var marketingPriceElasticity = 0.0
    public var marketingTrustElasticity = 0.0
    public var goodsWeightInTermsOfTrade = 0.0
    public var scissorsAdjustmentRate = 0.0
    public var emissionPerProducerShare = 0.0
    public var privateTradeShare = 0.0

    // Procurement and coercion
    public var urbanGrainNeedTonnesPerPerson = 0.0
    public var stateGrainNeedMt = 0.0
    public var coercionCrisisThreshold = 0.0
    public var crisisPressureMemory = 0.0
    public var coercionExtractionShare = 0.0
    public var villageQuotaExtractionShare = 0.0
    public var villageQuotaAfterMeasureYears = 0.0
    public var quotaEnforcementShare = 0.0
    public var coercionFoodFloor = 0.0
    public var coercionArrestsM = 0.0
    public var coercionTrustDamage = 0.0
    public var trustRecoveryRate = 0.0
    public var peasantTrustFloor = 0.0

    // Collectivization
    public var collectivizationCrisisThreshold = 0.0
    public var collectivizationCampaignSpeed = 0.0
    public var collectivizationTargetShare = 0.0
    public var greatTurnAutumnDrive = 0.0
    public var householdLeasingEarliestYear = 0.0
    public var householdLeasePaymentShare = 0.0
    public var collectivizationRetreatProbability = 0.0
    public var collectivizationRetreatShareOfGain = 0.0
    public var dekulakizationRate = 0.0
    public var deporteeCampShare = 0.0
    public var horseSlaughterPerShare = 0.0
    public var cattleSlaughterPerShare = 0.0
    public var slaughterCampaignYears = 0.0
    public var campaignStormYears = 0.0
    public var campaignMajorityShare = 0.0
    public var kolkhozProcurementShare = 0.0
    public var kolkhozSeedProtectedShare = 0.0
    public var planAdaptation = 0.0
    public var collectivizationTrustDamage = 0.0

    // Famine
    public var ruralFamineThresholdTonnes = 0.0
    public var urbanFamineThresholdTonnes = 0.0
    public var ruralNonGrainFoodT = 0.0
    public var urbanNonGrainFoodT = 0.0
    public var livestockShareOfNonGrainFood = 0.0
    public var famineRegionalDispersion = 0.0
    public var famineLethality = 0.0
    public var famineMaxDeathRate = 0.0
    public var pastoralPopulationM = 0.0
    public var pastoralSedentarizationLethality = 0.0
    public var sedentarizationCampaignYears = 0.0
    public var pastoralDeathsMaxShare = 0.0
    public var reliefMaxProcurementCut = 0.0
    public var campaignFamineDenial = 0.0
    public var famineDenialCampaignYears = 0.0
    public var reliefImportMaxMt = 0.0
    public var reliefHungerThreshold = 0.0
    public var famineAdmissionSeverity = 0.0
    public var famineLessonDeathsM = 0.0
    public var famineLessonReliefGain = 0.0
    public var reserveTargetMt = 0.0
    public var reserveBuildMaxMt = 0.0
    public var grainWorkingStockMt = 0.0

    // Livestock
    public var horseNaturalGrowth = 0.0
    public var cattleNaturalGrowth = 0.0
    public var horseCapacityM = 0.0
    public var cattleCapacityM = 0.0
    public var feedPerHorseTonnes = 0.0
    public var feedPerCattleTonnes = 0.0
    public var feedShortageHerdLoss = 0.0

    // Migration
    public var allenMigrationSlope = 0.0
    public var allenMigrationIntercept = 0.0
    public var consumptionRatio1928 = 0.0
    public var collectivizationFlight = 0.0
    public var maxMigrationShare = 0.0
    public var passportsAfterCampaignYears = 0.0
    public var passportMigrationCut = 0.0

    // Industry
    public var producerCapitalOutputRatio = 0.0
    public var consumerCapitalOutputRatio = 0.0
    public var capitalDepreciation = 0.0
    public var importedMachineryPremium = 0.0
    public var licensedDesignPremium = 0.0
    public var capitalPerMillionRubles = 0.0
    public var tractorShareOfInvestment = 0.0
    public var tractorsPerInvestmentUnit = 0.0
    public var tractorDepreciation = 0.0
    public var urbanFoodProductivityElasticity = 0.0
    public var specialistProductivityBonus = 0.0
    public var industryLabourElasticity = 0.0
    public var steel1928Mt = 0.0
    public var steelOutputElasticity = 0.0
    public var steelConstructionLagYears = 0.0
    public var realWageFoodWeight = 0.0
    public var realWageConsumptionExponent = 0.0
    public var livestockShareOfFoodBudget = 0.0
    public var consumerGoodsRuralShare = 0.0
    public var collectiveFarmGoodsCut = 0.0
    public var famineLessonConsumerShift = 0.0

    // Great Depression
    public var depressionOnsetMeanYear = 0.0
    public var depressionOnsetSDYears = 0.0
    public var depressionDepthMean = 0.0
    public var depressionDepthSD = 0.0
    public var depressionDurationYears = 0.0
    public var depressionRecoveryYears = 0.0
    public var machineryPriceCutPerDepth = 0.0
    public var creditCutInDepression = 0.0

    // Foreign trade
    public var grainPriceRublesPerTonne1929 = 0.0
    public var otherExportsMRubles = 0.0
    public var otherExportsPricePassThrough = 0.0
    public var essentialImportsMRubles = 0.0
    public var exportPriceResponse = 0.0
    public var grainExportCapacityMt = 0.0
    public var hiddenFamineExportCut = 0.0
    public var exportCutPerShortfall = 0.0
    public var protectionMaxMarketCut = 0.0
    public var protectionDelayYears = 0.0
    public var protectionBuildYears = 0.0
    public var commercialCreditShare = 0.0
    public var depressionSupplierCredit = 0.0
    public var supplierCreditCeilingMRubles = 0.0
    public var debtServiceRate = 0.0

    // Foreign credit
    public var loanBaseProbability = 0.0
    public var labourGovernmentLoanBoost = 0.0
    public var franceDebtSettlementProbability = 0.0
    public var loanSizeMRubles = 0.0
    public var germanLoanProbability = 0.0
    public var germanLoanSizeMRubles = 0.0
    public var germanLoanLastYear = 0.0
    public var loanConsumerGoodsShare = 0.0
    public var loanGrainShare = 0.0

    // Assassinations and succession
    public var stalin1926AttemptProbability = 0.0
    public var stalin1926AttemptSuccess = 0.0
    public var kirov1934AttemptProbability = 0.0
    public var kirov1934AttemptSuccess = 0.0
    public var leaderAttemptProbabilityPerYear = 0.0
    public var leaderAttemptSuccess = 0.0
    public var factionStrengthStalinist = 0.0
    public var factionStrengthCentre = 0.0
    public var factionStrengthRight = 0.0
    public var factionStrengthLeft = 0.0
    public var oppositionPurgeAfterTurn = 0.0

    // Terror
    public var terrorDelayYears = 0.0
    public var terrorDurationYears = 0.0
    public var terrorArrestsMPerYear = 0.0
    public var terrorExecutionShare = 0.0
    public var terrorFullScalePropensity = 0.0
    public var terrorArrestsMaxShare = 0.0
    public var terrorProductivityLoss = 0.0
    public var terrorOfficerPurgeShare = 0.0
    public var borderWarDefeatProbability = 0.0

    // Camps and gold
    public var campReleaseRate = 0.0
    public var campBaseMortality = 0.0
    public var campMortalityMax = 0.0
    public var coercionArrestsMaxShare = 0.0
    public var campFamineMortality = 0.0
    public var goldRublesPerPrisoner = 0.0

    // External threats and security
    public var naziTakeoverBaseHazard = 0.0
    public var naziTakeoverDepressionHazard = 0.0
    public var japanAggressionHazard = 0.0
    public var naziThreatWeight = 0.0
    public var defenceShareBase = 0.0
    public var defenceSharePerThreat = 0.0
    public var maxDefenceShare = 0.0
    public var armsDepreciation = 0.0
    public var armsForFullReadiness = 0.0

    // Unrest and regime crisis
    public var unrestDecay = 0.0
    public var ruralUnrestPerCoercion = 0.0
    public var ruralUnrestPerCollectivization = 0.0
    public var unrestPerFamineRate = 0.0
    public var urbanUnrestPerWageFall = 0.0
    public var risingProbabilityScale = 0.0
    public var crisisLeadershipChangeProbability = 0.0

    // Leaderships
    public var stalin = LeadershipPropensities()
    public var molotovRykov = LeadershipPropensities()
    public var bukharinRykov = LeadershipPropensities()
    public var zinovievKamenev = LeadershipPropensities()
    public var stalinistHeir = LeadershipPropensities()

    public init() {}

    /// The propensities of a leadership.
    @inlinable
    public func propensities(of leader: Leader) -> LeadershipPropensities {
        switch leader {
        case .stalin: return stalin
        case .molotovRykov: return molotovRykov
        case .bukharinRykov: return bukharinRykov
        case .zinovievKamenev: return zinovievKamenev
        case .kirov, .kaganovich: return stalinistHeir
        }
    }
}

// MARK: - YearTable

/// One number for each simulated year 1927 ... 1940, stored inline (no allocation).
public struct YearTable: Sendable, Equatable {
    public static let firstYear = 1927
    public static let lastYear = 1940
    public static let years = firstYear...lastYear

    @usableFromInline var values = InlineArray<14, Double>(repeating: 1)

    public init() {}

    @inlinable
    public subscript(year: Int) -> Double {
        get { values[year - YearTable.firstYear] }
        set { values[year - YearTable.firstYear] = newValue }
    }

    public static func == (lhs: YearTable, rhs: YearTable) -> Bool {
        YearTable.years.allSatisfy { lhs[$0] == rhs[$0] }
    }
}
