import Foundation

// MARK: - Foreign trade: grain out, machinery in (MODEL.md mechanisms 7 and 8)

extension Simulation {
    /// How much of the planned exports the world's markets take: as the Depression wore on,
    /// importers closed their grain markets (French licences against Soviet "dumping" from 1930,
    /// European grain tariffs and quotas, Imperial Preference in 1932, German autarky), and they
    /// stayed closed through the decade (Kindleberger, The World in Depression 1929-1939, 1973;
    /// Dohan 1976). The closing starts `protection_delay_years` after the crash and is complete
    /// `protection_build_years` later.
    var exportMarketAccess: Double {
        mutating get {
            let p = parameters
            let sinceCrash = Double(year) + 0.5 - depression.onset - p.protectionDelayYears
            guard sinceCrash > 0 else { return 1 }
            let closed = p.protectionBuildYears > 0 ? min(1, sinceCrash / p.protectionBuildYears) : 1
            return 1 - p.protectionMaxMarketCut * closed
        }
    }

    /// Exports follow the plan, within what foreign markets take, unless the state's own grain
    /// falls short or the leadership sees hunger at home; a relieving leadership also buys grain
    /// abroad.
    mutating func tradeGrainAbroad() {
        let p = parameters
        let plan = min(scratch.exportPlanMt, p.grainExportCapacityMt * exportMarketAccess)
        let stateGrain = record.procurementMt - p.stateGrainNeedMt
        let townsSupply = stateGrain + scratch.privateSalesMt - plan
        let urbanStress = min(1, max(0, 1 - townsSupply / urbanGrainNeedMt))
        let ruralFoodLeft = max(0, scratch.kolkhozRetainedMt - scratch.kolkhozSeedMt)
            + max(0, scratch.individualRetainedMt - scratch.individualSeedMt)
        let ruralNeed = scratch.kolkhozFoodNeedMt + scratch.individualFoodNeedMt
        let ruralStress = min(1, max(0, 1 - ruralFoodLeft / ruralNeed))
        scratch.foodStress = max(urbanStress, ruralStress)

        // Towns are fed first (rations, passports). A regime that has learned from a famine then
        // fills its grain reserve; exports take what is left. Hunger cuts exports: fully as far as
        // it goes where the leadership admits it, partly where it hides it (1932).
        let afterTowns = max(0, min(stateGrain, stateGrain + scratch.privateSalesMt - urbanGrainNeedMt))
        if state.famineLessonLearned {
            scratch.reserveBuildMt = min(p.reserveBuildMaxMt, max(0, p.reserveTargetMt - state.grainReservesMt), afterTowns)
            state.grainReservesMt += scratch.reserveBuildMt
        }
        // A procurement that falls short of the plan is taken out of exports first: towns and army
        // come before foreign sales (1928: exports stopped and grain was bought abroad; seed 000
        // footnote on imports; seed 002 L69).
        let relief = scratch.reliefShare
        let hungerCut = scratch.foodStress * (relief + (1 - relief) * p.hiddenFamineExportCut)
        let crisisCut = p.exportCutPerShortfall * scratch.procurementShortfall
        let exports = min(plan * max(0, 1 - hungerCut - crisisCut), afterTowns - scratch.reserveBuildMt)
        record.grainExportsMt = exports
        // Relief imports only when hunger is real and admitted, not at the first pinch.
        scratch.reliefImportsMt = scratch.foodStress > p.reliefHungerThreshold
            ? relief * p.reliefImportMaxMt * scratch.foodStress : 0
        record.grainImportsMt = scratch.reliefImportsMt
    }

    /// Hard currency from grain, timber, oil and camp gold, plus credit, less debt service and
    /// essential imports, buys machinery; suppliers finance part of it on credit. Makers with idle
    /// plant in the Depression sold more of it on credit, so the debt grew while the earnings fell,
    /// until it reached what creditors would carry; then the leadership cut imports to repay (the
    /// debt rose from 615 million gold rubles in October 1929 to 1.4 billion by December 1931,
    /// and the Politburo cut imports radically; seed 002 L149).
    mutating func importMachinery() {
        let p = parameters
        let priceFactor = scratch.worldGrainPriceFactor
        let grainEarnings = record.grainExportsMt * p.grainPriceRublesPerTonne1929 * priceFactor
        // Timber and oil prices fell less than grain's.
        let otherEarnings = p.otherExportsMRubles * (1 - p.otherExportsPricePassThrough * (1 - priceFactor))
        let gold = state.campPopulationM * p.goldRublesPerPrisoner
        let reliefCost = scratch.reliefImportsMt * p.grainPriceRublesPerTonne1929 * priceFactor
        let spentAtHome = scratch.newCreditMRubles * (p.loanConsumerGoodsShare + p.loanGrainShare)
        let otherCash = gold + scratch.newCreditMRubles - spentAtHome
            + scratch.hardCurrencyMRubles - p.essentialImportsMRubles - reliefCost
        let cash = max(0, grainEarnings + otherEarnings + otherCash)
        let supplierCredit = p.commercialCreditShare
            + (state.importsCut ? 0 : p.depressionSupplierCredit * scratch.depressionIntensity)
        let room = max(0, p.supplierCreditCeilingMRubles - state.foreignDebtMRubles)
        let credit = min(cash * supplierCredit / (1 - supplierCredit), room)
        if credit >= room && supplierCredit > p.commercialCreditShare { state.importsCut = true }
        let machinery = cash + credit
        state.foreignDebtMRubles += credit + scratch.newCreditMRubles
        record.machineryImportsMRubles = machinery
        // Cheap machinery in the Depression: the same rubles buy more capital, of better
        // technology; licensed Western designs (Ford, Kahn's factory plans) make more of it the
        // more open the leadership (seed 000 L428, L597).
        let licensed = 1 + p.licensedDesignPremium * p.propensities(of: state.leader).openness
        scratch.importedCapital = machinery * p.capitalPerMillionRubles
            / max(0.2, scratch.machineryPriceFactor) * p.importedMachineryPremium * licensed
    }
}
