import Foundation

// MARK: - Foreign trade: grain out, machinery in (MODEL.md mechanisms 7 and 8)

extension Simulation {
    /// Exports follow the plan unless the leadership sees hunger at home; a relieving leadership
    /// also buys grain abroad.
    mutating func tradeGrainAbroad() {
        let p = parameters
        let leadership = p.propensities(of: state.leader)
        let plan = scratch.exportPlanMt
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
        let relief = scratch.reliefShare
        let hungerCut = scratch.foodStress * (relief + (1 - relief) * p.hiddenFamineExportCut)
        let exports = min(plan * max(0, 1 - hungerCut), afterTowns - scratch.reserveBuildMt)
        record.grainExportsMt = exports
        // Relief imports only when hunger is real and admitted, not at the first pinch.
        scratch.reliefImportsMt = scratch.foodStress > p.reliefHungerThreshold
            ? relief * p.reliefImportMaxMt * scratch.foodStress : 0
        record.grainImportsMt = scratch.reliefImportsMt
    }

    /// Hard currency from grain, timber, oil and camp gold, plus credit, less debt service and
    /// essential imports, buys machinery; suppliers finance part of it on credit.
    mutating func importMachinery() {
        let p = parameters
        let priceFactor = scratch.worldGrainPriceFactor
        let grainEarnings = record.grainExportsMt * p.grainPriceRublesPerTonne1929 * priceFactor
        // Timber and oil prices fell less than grain's.
        let otherEarnings = p.otherExportsMRubles * (1 - p.otherExportsPricePassThrough * (1 - priceFactor))
        let gold = state.campPopulationM * p.goldRublesPerPrisoner
        let reliefCost = scratch.reliefImportsMt * p.grainPriceRublesPerTonne1929 * priceFactor
        let cash = grainEarnings + otherEarnings + gold + scratch.newCreditMRubles
            + scratch.hardCurrencyMRubles - p.essentialImportsMRubles - reliefCost
        // Suppliers with idle plant kept selling on credit through the Depression (seed 002 L149).
        let supplierCredit = p.commercialCreditShare
        let machinery = max(0, cash) / (1 - supplierCredit)
        state.foreignDebtMRubles += machinery * supplierCredit + scratch.newCreditMRubles
        record.machineryImportsMRubles = machinery
        // Cheap machinery in the Depression: the same rubles buy more capital, of better technology.
        scratch.importedCapital = machinery * p.capitalPerMillionRubles
            / max(0.2, scratch.machineryPriceFactor) * p.importedMachineryPremium
    }
}
