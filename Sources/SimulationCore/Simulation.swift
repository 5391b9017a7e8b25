import Foundation

/// Where a run's weather comes from.
public enum WeatherMode: String, Sendable, CaseIterable {
    /// Drawn each year from the run's weather stream: lognormal spread plus droughts.
    case random
    /// Replay: each year's weather fixed to the factor implied by the recorded harvest
    /// (`historical_weather_YYYY`). Other chance events come from their own stream.
    case historical
}

/// One run of the model: a pure function of (parameters, weather mode, random stream).
///
/// The year's steps, in order, are listed in `simulateYear`; each mechanism lives in its own file
/// as an extension named after it.
public struct Simulation {
    public let parameters: ModelParameters
    public let weatherMode: WeatherMode
    @usableFromInline var stream: RandomStream
    @usableFromInline var weatherStream: RandomStream
    public internal(set) var state: WorldState
    var events = RunEvents()
    var depression: DepressionPath
    /// The year being simulated and its flows, filled step by step.
    var record = YearRecord()
    var year = YearTable.firstYear
    /// Within-year quantities handed from one step to the next.
    var scratch = YearScratch()
    /// Levels of the first years, the bases of the 1926 and 1928 indices.
    var baseline = Baselines()

    /// Runs 1927-1940 and returns the outcomes. `series` is cleared and receives one record a year;
    /// pass the same array each time to avoid allocating.
    public static func run(
        parameters: ModelParameters, stream: RandomStream, weatherStream: RandomStream,
        weather: WeatherMode = .random, series: inout [YearRecord]
    ) -> RunOutcomes {
        var simulation = Simulation(parameters: parameters, stream: stream, weatherStream: weatherStream, weather: weather)
        series.removeAll(keepingCapacity: true)
        for year in YearTable.years {
            simulation.simulateYear(year)
            series.append(simulation.record)
        }
        return RunOutcomes.summarize(series: &series, events: simulation.events, state: simulation.state,
                                     depression: simulation.depression, readiness: simulation.readiness,
                                     parameters: parameters)
    }

    init(parameters p: ModelParameters, stream: RandomStream, weatherStream: RandomStream, weather: WeatherMode) {
        parameters = p
        weatherMode = weather
        self.stream = stream
        self.weatherStream = weatherStream
        let stalinist = p.stalin
        state = WorldState(
            ruralPopulationM: p.initialRuralPopulationM,
            urbanPopulationM: p.initialUrbanPopulationM,
            campPopulationM: p.initialCampPopulationM,
            horsesM: p.initialHorsesM,
            cattleM: p.initialCattleM,
            tractorsMHorseEquivalent: p.initialTractorsMHorseEquivalent,
            collectivizedShare: p.initialCollectivizedShare,
            peasantTrust: 1,
            grainReservesMt: p.initialGrainReservesMt,
            producerCapital: p.initialProducerGoodsOutput * p.producerCapitalOutputRatio,
            consumerCapital: p.initialConsumerGoodsOutput * p.consumerCapitalOutputRatio,
            armsStock: 0,
            // The 1926 policy (Stalin and Bukharin together) set the scissors the model starts from.
            scissors: Simulation.scissorsTarget(stalinist, parameters: p),
            foreignDebtMRubles: p.initialForeignDebtMRubles,
            factionWeights: (p.factionStrengthStalinist, p.factionStrengthCentre,
                             p.factionStrengthRight, p.factionStrengthLeft))
        depression = DepressionPath(drawnFrom: p, stream: &self.stream)
        baseline.draftPower = p.initialHorsesM + p.initialTractorsMHorseEquivalent
        baseline.ruralGoodsPerHead =
            p.initialConsumerGoodsOutput * p.consumerGoodsRuralShare / p.initialRuralPopulationM
        decideTheDecember1926Attempt()
    }

    /// One economic year. The order matters and is the model's statement of cause and effect:
    /// the world market and the weather come first, then what peasants sell, what the state takes,
    /// who eats, what industry builds, and last the politics that set next year's course.
    mutating func simulateYear(_ year: Int) {
        self.year = year
        record = YearRecord()
        record.year = year
        scratch = YearScratch()
        record.leader = state.leader

        updateTheGreatDepression()       // Depression: world grain and machinery prices, credit
        updateExternalThreats()          // Security: Nazi takeover, Japanese aggression
        runTheCollectivizationCampaign() // Collectivization: the winter-spring drive before sowing
                                         // (share, dekulakization, slaughter, nomads settled)
        gatherTheHarvest()               // Harvest: trend x draft power x incentives x weather
        marketGrain()                    // Scissors: what peasants sell at the terms of trade
        procureGrain()                   // Procurement: the plan, the crisis, coercion, farm quotas
        tradeGrainAbroad()               // ForeignTrade: exports, relief imports
        distributeFoodAndCountFamine()   // Famine: rural, urban and pastoral excess deaths
        feedLivestock()                  // Livestock: feed, herd growth and losses
        arrangeForeignCredit()           // ForeignCredit: loans, debt service
        importMachinery()                // ForeignTrade: hard currency into machinery
        industrialize()                  // Industry: Feldman-Domar capital and output, real wage
        runTheTerror()                   // Terror: arrests and executions in terror years
        runTheCamps()                    // Camps: inflow, deaths, releases, gold
        migrateAndGrowPopulation()       // Migration and population
        updateUnrest()                   // Unrest: riots, risings, regime crisis
        decideCollectivization()         // Collectivization: the Great Turn, for next year
        considerHouseholdLeasing()       // HouseholdLeasing: the 1934 leases of seed 000, for next year
        decideAssassinationsAndSuccession() // Succession: December attempts, successors
        prepareDefence()                 // Security: arms and readiness

        recordYearEnd()
    }

    mutating func recordYearEnd() {
        record.ruralPopulationM = state.ruralPopulationM
        record.urbanPopulationM = state.urbanPopulationM
        record.campPopulationM = state.campPopulationM
        record.horsesM = state.horsesM
        record.tractorsMHorseEquivalent = state.tractorsMHorseEquivalent
        record.peasantTrust = state.peasantTrust
        record.cattleM = state.cattleM
        record.collectivizedShare = state.collectivizedShare
        record.unrest = state.ruralUnrest + state.urbanUnrest
        record.scissors = state.scissors
        record.foreignDebtMRubles = state.foreignDebtMRubles
        record.producerCapital = state.producerCapital
        record.consumerCapital = state.consumerCapital
    }
}

/// Quantities one step of the year hands to the next.
struct YearScratch {
    var depressionIntensity = 0.0
    var worldGrainPriceFactor = 1.0
    var machineryPriceFactor = 1.0
    var creditFactor = 1.0
    var threat = 0.0
    var trendHarvestMt = 0.0
    /// The harvest normal weather would give this year (trend, draft power, incentives): what
    /// planners who know their farms expect.
    var expectedHarvestMt = 0.0
    /// Grain the state puts into its reserves this year, out of procurement, before exports.
    var reserveBuildMt = 0.0
    /// This year's planned grain exports (set with the procurement plan).
    var exportPlanMt = 0.0
    var draftFactor = 1.0
    // grain by sector
    var individualRetainedMt = 0.0
    var individualSeedMt = 0.0
    var individualFoodNeedMt = 0.0
    var kolkhozRetainedMt = 0.0
    var kolkhozSeedMt = 0.0
    var kolkhozFoodNeedMt = 0.0
    var voluntarySalesMt = 0.0
    var privateSalesMt = 0.0
    var stateGrainMt = 0.0
    var foodStress = 0.0
    /// How far the leadership admits and relieves this year's hunger, 0 (hidden) ... 1 (fully).
    var reliefShare = 0.0
    var collectivizedGain = 0.0
    /// The collectivized share the year's harvest was sown under (the campaign changes it later in the year).
    var collectivizedShareAtHarvest = 0.0
    var urbanFoodPerHead = 0.0
    /// Cattle per head of the whole population against 1926: the milk and meat there are to eat.
    var cattlePerHeadIndex = 1.0
    var ruralFoodPerHead = 0.0
    var famineDeathRate = 0.0
    var reliefImportsMt = 0.0
    var hardCurrencyMRubles = 0.0
    var newCreditMRubles = 0.0
    /// Consumer goods bought abroad with loans this year, output units.
    var importedConsumerGoods = 0.0
    /// How far the state's procurement fell short of its plan after coercion, 0 ... 1.
    var procurementShortfall = 0.0
    /// Grain owed by leasing households as their lease payment (seed 000's 1934 reform).
    var leasePaymentMt = 0.0
    var investmentGoods = 0.0
    /// (Urban labour per unit of industrial capital, against 1926) ^ labour elasticity.
    var labourPerCapitalFactor = 1.0
    var importedCapital = 0.0
    var defenceOutput = 0.0
    var terrorArrestsM = 0.0
    var shockThisYear = false
}

/// Levels the indices are measured against.
struct Baselines {
    var draftPower = 1.0
    var ruralGoodsPerHead = 1.0
    var realWage1928: Double?
    var urbanConsumption1928: Double?
    var ruralConsumption1928: Double?
}

/// Chance events of a run that the outcomes report.
struct RunEvents {
    var stalinAttempted1926 = false
    var stalinDied1926 = false
    var kirovAttempted1934 = false
    var kirovKilled1934 = false
    var leaderAssassinatedLater = false
    var regimeCrisisYear: Int?
    var foreignLoans = 0
    var germanLoan = false
    var naziTakeoverYear: Int?
    var borderWarDefeat = false
    var successions = 0
}
