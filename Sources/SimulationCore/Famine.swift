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

        // Towns: state grain after the army and exports, plus private trade, plus reserves.
        var urbanFood = record.procurementMt - p.stateGrainNeedMt - record.grainExportsMt + scratch.privateSalesMt
        let urbanNeed = urbanGrainNeedMt
        let ruralGap = max(0, scratch.kolkhozFoodNeedMt - kolkhozFood) + max(0, scratch.individualFoodNeedMt - individualFood)
        let urbanGap = max(0, urbanNeed - urbanFood)
        // Relief imports go where the gap is.
        let reliefToTowns = ruralGap + urbanGap > 0 ? scratch.reliefImportsMt * urbanGap / (ruralGap + urbanGap) : 0
        let reliefToVillages = scratch.reliefImportsMt - reliefToTowns
        urbanFood += reliefToTowns
        if urbanFood > urbanNeed {
            state.grainReservesMt += urbanFood - urbanNeed
            urbanFood = urbanNeed
        } else {
            let release = min(state.grainReservesMt, urbanNeed - urbanFood)
            state.grainReservesMt -= release
            urbanFood += release
        }

        // Relief reaches the collective farms first, where the quota hit.
        let kolkhozPopulation = scratch.collectivizedShareAtHarvest * state.ruralPopulationM
        let individualPopulation = state.ruralPopulationM - kolkhozPopulation
        let kolkhozRelief = min(reliefToVillages, max(0, scratch.kolkhozFoodNeedMt - kolkhozFood))
        let individualRelief = reliefToVillages - kolkhozRelief

        var ruralDeaths = 0.0
        if kolkhozPopulation > 0 {
            ruralDeaths += famineDeaths(population: kolkhozPopulation,
                                        perHead: (kolkhozFood + kolkhozRelief) / kolkhozPopulation,
                                        threshold: p.ruralFamineThresholdTonnes,
                                        normalPerHead: p.ruralFoodNeedTonnesPerPerson)
        }
        if individualPopulation > 0 {
            ruralDeaths += famineDeaths(population: individualPopulation,
                                        perHead: (individualFood + individualRelief) / individualPopulation,
                                        threshold: p.ruralFamineThresholdTonnes,
                                        normalPerHead: p.ruralFoodNeedTonnesPerPerson)
        }
        let urbanPerHead = urbanFood / state.urbanPopulationM
        let urbanDeaths = famineDeaths(population: state.urbanPopulationM, perHead: urbanPerHead,
                                       threshold: p.urbanFamineThresholdTonnes,
                                       normalPerHead: p.urbanGrainNeedTonnesPerPerson)
        record.famineDeathsRuralM += ruralDeaths
        record.famineDeathsUrbanM += urbanDeaths

        scratch.urbanFoodPerHead = urbanPerHead
        scratch.ruralFoodPerHead = (record.ruralFoodMt + reliefToVillages) / state.ruralPopulationM
        scratch.famineDeathRate = record.famineDeathsM / (state.ruralPopulationM + state.urbanPopulationM)
    }

    /// Excess deaths: those pushed below the threshold beyond the few who are below it in a
    /// normal year (their deaths are in the ordinary death rate already).
    func famineDeaths(population: Double, perHead: Double, threshold: Double, normalPerHead: Double) -> Double {
        let dispersion = parameters.famineRegionalDispersion
        let share = Simulation.shareBelow(threshold: threshold, perHead: perHead, dispersion: dispersion)
        let normalShare = Simulation.shareBelow(threshold: threshold, perHead: normalPerHead, dispersion: dispersion)
        return population * parameters.famineLethality * max(0, share - normalShare)
    }
}
