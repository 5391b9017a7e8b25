import Foundation

// MARK: - Procurement crisis and coercion (MODEL.md mechanism 3)

extension Simulation {
    /// Grain the state plans to export this year: a hard-currency target, so more tonnes when the
    /// world price falls (seed 003 L57: twice as much grain for the same machinery).
    var exportPlanMt: Double {
        parameters.propensities(of: state.leader).exportDriveMt / max(0.2, scratch.worldGrainPriceFactor)
    }

    var urbanGrainNeedMt: Double { state.urbanPopulationM * parameters.urbanGrainNeedTonnesPerPerson }

    /// Whether the leadership admits hunger this year: drawn with its relief propensity, which the
    /// first years of a collectivization campaign damp (hunger blamed on kulak sabotage, seed 002 L253).
    mutating func famineAdmitted(hunger: Double) -> Bool {
        let p = parameters
        var willingness = p.propensities(of: state.leader).relief
        if state.campaignYears >= 1 && Double(state.campaignYears) <= p.famineDenialCampaignYears {
            willingness *= 1 - p.campaignFamineDenial
        }
        return stream.uniform() < willingness
    }

    /// The state sets a plan for towns, army and exports; takes the collective farms' quota on the
    /// *planned* harvest, whatever the real one; and when voluntary sales fall short, a leadership
    /// may turn to "extraordinary measures" against the individual peasants (seed 002 L9, L31, L69;
    /// seed 004 L54, L66). Even the Right uses the OGPU in a deep crisis (seed 000, mid-1929).
    mutating func procureGrain() {
        let p = parameters
        let leadership = p.propensities(of: state.leader)
        let plan = urbanGrainNeedMt + p.stateGrainNeedMt + exportPlanMt

        // Collective farms: the quota is set on the planned harvest (the trend, adapting slowly to
        // real harvests), not the real one, so a bad year falls on the farms.
        let lastHarvest = state.lastHarvestMt ?? scratch.trendHarvestMt
        let plannedHarvest = (1 - p.planAdaptation) * scratch.trendHarvestMt + p.planAdaptation * lastHarvest
        state.lastHarvestMt = record.harvestMt
        var quota = p.kolkhozProcurementShare * state.collectivizedShare * plannedHarvest
        let kolkhozFoodLeft = scratch.kolkhozRetainedMt - scratch.kolkhozSeedMt - quota
        let kolkhozHunger = scratch.kolkhozFoodNeedMt > 0
            ? min(1, max(0, 1 - kolkhozFoodLeft / scratch.kolkhozFoodNeedMt)) : 0
        // A leadership that admits the famine cuts the quota; one that hides it does not (seed 002 L253).
        scratch.famineAdmitted = famineAdmitted(hunger: kolkhozHunger)
        if scratch.famineAdmitted { quota *= 1 - p.reliefMaxProcurementCut * kolkhozHunger }
        // In the worst years even seed grain was taken: only part of the seed is safe.
        let farmQuotaTaken = min(quota, max(0, scratch.kolkhozRetainedMt - p.kolkhozSeedProtectedShare * scratch.kolkhozSeedMt))
        scratch.kolkhozRetainedMt -= farmQuotaTaken

        // The crisis: how far the state's own purchases and quotas fall short of its plan. Grain
        // sold to private traders feeds towns but escapes the plan (the state meant to displace them).
        let privateShareBeforeCoercion = state.greatTurnYear == nil ? p.privateTradeShare : 0
        let statePurchases = scratch.voluntarySalesMt * (1 - privateShareBeforeCoercion)
        let shortfall = max(0, plan - statePurchases - farmQuotaTaken) / plan
        state.crisisPressure = p.crisisPressureMemory * state.crisisPressure + shortfall

        // Extraordinary measures: full propensity once the shortfall is twice the threshold.
        let threshold = max(p.coercionCrisisThreshold, 1e-9)
        let coercion = leadership.coercion * min(1, max(0, shortfall - threshold) / threshold)
        let feedNeed = (1 - state.collectivizedShare)
            * (state.horsesM * p.feedPerHorseTonnes + state.cattleM * p.feedPerCattleTonnes)
        let floor = p.coercionFoodFloor * (scratch.individualFoodNeedMt + feedNeed) + scratch.individualSeedMt
        let aboveFloor = max(0, scratch.individualRetainedMt - floor)
        let seized: Double
        if state.greatTurnYear == nil {
            // Extraordinary measures aim at the plan: they close the gap, no more (1928-29).
            seized = coercion * p.coercionExtractionShare * min(aboveFloor, plan * shortfall)
        } else {
            // After the turn individual farms owe firm deliveries on their planned harvest too,
            // enforced as far as the leadership is coercive.
            let enforcement = max(coercion, leadership.coercion)
            let individualQuota = p.kolkhozProcurementShare * (1 - state.collectivizedShare) * plannedHarvest
            seized = min(enforcement * p.quotaEnforcementShare * aboveFloor,
                         max(0, individualQuota - scratch.voluntarySalesMt))
        }
        scratch.individualRetainedMt -= seized

        // Private traders buy part of what is sold freely; coercion and the Great Turn drive them out.
        let privateShare = state.greatTurnYear == nil ? p.privateTradeShare * (1 - coercion) : 0
        scratch.privateSalesMt = scratch.voluntarySalesMt * privateShare

        record.marketedMt = scratch.voluntarySalesMt + seized + farmQuotaTaken
        record.procurementMt = record.marketedMt - scratch.privateSalesMt
        record.coercion = coercion

        // Trust: damaged by confiscation, slow to recover (seed 002 L69, L177).
        state.peasantTrust += p.trustRecoveryRate * (1 - state.peasantTrust) - p.coercionTrustDamage * coercion
        state.peasantTrust = min(1, max(0.05, state.peasantTrust))
    }
}
