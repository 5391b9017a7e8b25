import Foundation

// MARK: - Famine (MODEL.md mechanism 5)

extension Simulation {
    /// Share of a population below `threshold` tonnes a head when the average is `perHead` and food
    /// is spread lognormally across regions and households.
    static func shareBelow(threshold: Double, perHead: Double, dispersion: Double) -> Double {
        let z = (log(threshold) - log(max(perHead, 1e-4))) / dispersion
        return 0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// Food goes to seed, then mouths, then animals; towns get what the state and traders bring,
    /// less exports. Excess deaths follow food per head falling below subsistence: in the villages
    /// when the state takes grain regardless of the harvest, in the towns when procurement fails
    /// under a market regime (seed 004 L70; seed 002 L159, L241; seed 000 "more dead in Kiev").
    mutating func distributeFoodAndCountFamine() {
        let p = parameters

        // Villages: each sector feeds itself from what it kept.
        let kolkhozSeed = min(scratch.kolkhozSeedMt, scratch.kolkhozRetainedMt)
        let kolkhozFood = min(scratch.kolkhozFoodNeedMt, scratch.kolkhozRetainedMt - kolkhozSeed)
        let individualSeed = min(scratch.individualSeedMt, scratch.individualRetainedMt)
        let individualFood = min(scratch.individualFoodNeedMt, scratch.individualRetainedMt - individualSeed)
        record.seedMt = kolkhozSeed + individualSeed
        record.ruralFoodMt = kolkhozFood + individualFood
        record.feedMt = record.harvestMt - record.seedMt - record.ruralFoodMt - record.marketedMt

        // Towns: state grain after the army, exports and what went into reserves, plus private
        // trade, plus reserves released.
        var urbanFood = record.procurementMt - p.stateGrainNeedMt - record.grainExportsMt - scratch.reserveBuildMt
            + scratch.privateSalesMt
        let urbanNeed = urbanGrainNeedMt
        let ruralGap = max(0, scratch.kolkhozFoodNeedMt - kolkhozFood) + max(0, scratch.individualFoodNeedMt - individualFood)
        let urbanGap = max(0, urbanNeed - urbanFood)
        // Relief imports go where the gap is.
        let reliefToTowns = ruralGap + urbanGap > 0 ? scratch.reliefImportsMt * urbanGap / (ruralGap + urbanGap) : 0
        let reliefToVillages = scratch.reliefImportsMt - reliefToTowns
        urbanFood += reliefToTowns
        if urbanFood > urbanNeed {
            // The surplus is stored up to the state's stock (a working stock, or the reserve once a
            // famine has taught the regime to keep one); the rest goes to the state's other uses
            // (industry, army stocks) and is gone from the food balance.
            let stockLimit = state.famineLessonLearned ? p.reserveTargetMt : p.grainWorkingStockMt
            state.grainReservesMt = min(max(state.grainReservesMt, stockLimit),
                                        state.grainReservesMt + urbanFood - urbanNeed)
            urbanFood = urbanNeed
        } else {
            let release = min(state.grainReservesMt, urbanNeed - urbanFood)
            state.grainReservesMt -= release
            urbanFood += release
        }

        // Relief reaches the collective farms first, where the quota hit.
        let kolkhozPopulation = scratch.collectivizedShareAtHarvest * state.ruralPopulationM
        let individualPopulation = state.ruralPopulationM - kolkhozPopulation
        // A leadership that admits the hunger also opens its reserves to the villages (seed and
        // food loans of 1936-37); one that hides it keeps them for the towns.
        let release = scratch.reliefShare * min(state.grainReservesMt, max(0, ruralGap - reliefToVillages))
        state.grainReservesMt -= release
        let villageRelief = reliefToVillages + release
        let kolkhozRelief = min(villageRelief, max(0, scratch.kolkhozFoodNeedMt - kolkhozFood))
        let individualRelief = villageRelief - kolkhozRelief

        // Food beside grain (potatoes, gardens, milk and meat), in grain equivalent: the herds'
        // part shrinks with cattle per head. It cushions a grain shortfall, less so once the
        // slaughter of 1930-32 has thinned the herds. Excess deaths are counted against a year
        // with a full grain ration and this year's other food: a thinner diet that holds steady
        // is not a famine (its toll is in the ordinary death rate).
        let cattlePerHead = (state.cattleM / state.ruralPopulationM)
            / (p.initialCattleM / p.initialRuralPopulationM)
        // Meat and milk in the towns' shops: the herds against the whole population.
        scratch.cattlePerHeadIndex = (state.cattleM / (state.ruralPopulationM + state.urbanPopulationM))
            / (p.initialCattleM / (p.initialRuralPopulationM + p.initialUrbanPopulationM))
        let herdFood = (1 - p.livestockShareOfNonGrainFood) + p.livestockShareOfNonGrainFood * cattlePerHead
        let ruralNonGrain = p.ruralNonGrainFoodT * herdFood
        let urbanNonGrain = p.urbanNonGrainFoodT * herdFood
        let ruralNormal = p.ruralFoodNeedTonnesPerPerson + ruralNonGrain
        let urbanNormal = p.urbanGrainNeedTonnesPerPerson + urbanNonGrain

        var ruralDeaths = 0.0
        if kolkhozPopulation > 0 {
            ruralDeaths += famineDeaths(population: kolkhozPopulation,
                                        perHead: (kolkhozFood + kolkhozRelief) / kolkhozPopulation + ruralNonGrain,
                                        threshold: p.ruralFamineThresholdTonnes,
                                        normalPerHead: ruralNormal)
        }
        if individualPopulation > 0 {
            ruralDeaths += famineDeaths(population: individualPopulation,
                                        perHead: (individualFood + individualRelief) / individualPopulation + ruralNonGrain,
                                        threshold: p.ruralFamineThresholdTonnes,
                                        normalPerHead: ruralNormal)
        }
        let urbanPerHead = urbanFood / state.urbanPopulationM
        let urbanDeaths = famineDeaths(population: state.urbanPopulationM, perHead: urbanPerHead + urbanNonGrain,
                                       threshold: p.urbanFamineThresholdTonnes,
                                       normalPerHead: urbanNormal)
        record.famineDeathsRuralM += ruralDeaths
        record.famineDeathsUrbanM += urbanDeaths

        scratch.urbanFoodPerHead = urbanPerHead
        scratch.ruralFoodPerHead = (record.ruralFoodMt + villageRelief) / state.ruralPopulationM
        scratch.famineDeathRate = record.famineDeathsM / (state.ruralPopulationM + state.urbanPopulationM)
        // A famine of millions teaches the regime to keep reserves and relieve sooner (after 1933).
        state.famineDeathsSoFarM += record.famineDeathsM
        if state.famineDeathsSoFarM >= p.famineLessonDeathsM { state.famineLessonLearned = true }
    }

    /// Excess deaths: those pushed below the threshold beyond the few who are below it in a
    /// normal year (their deaths are in the ordinary death rate already).
    func famineDeaths(population: Double, perHead: Double, threshold: Double, normalPerHead: Double) -> Double {
        // At or above the normal ration no one is pushed below the threshold (most years).
        guard perHead < normalPerHead else { return 0 }
        let dispersion = parameters.famineRegionalDispersion
        let share = Simulation.shareBelow(threshold: threshold, perHead: perHead, dispersion: dispersion)
        let normalShare = Simulation.shareBelow(threshold: threshold, perHead: normalPerHead, dispersion: dispersion)
        // Deaths rise with the share pushed below the threshold, then saturate: the worst-hit
        // flee, forage and are reached by what relief there is.
        let p = parameters
        let unbounded = p.famineLethality * max(0, share - normalShare)
        guard p.famineMaxDeathRate > 0 else { return 0 }
        return population * p.famineMaxDeathRate * (1 - exp(-unbounded / p.famineMaxDeathRate))
    }
}
