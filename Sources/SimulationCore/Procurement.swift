import Foundation

// MARK: - Procurement crisis and coercion (MODEL.md mechanism 3)

extension Simulation {
    /// Grain the state plans to export this year: more tonnes when the world price falls, to buy
    /// the machinery all the same (seed 003 L57), but not in proportion, and never more than the
    /// ports and railways can ship.
    var exportPlanMt: Double {
        mutating get {
            let p = parameters
            let drive = p.propensities(of: state.leader).exportDriveMt
            let price = scratch.worldGrainPriceFactor
            // (pow only off the 1929 price: most years need none, and the core runs 100,000 times a second)
            return min(p.grainExportCapacityMt, price == 1 ? drive : drive * pow(price, -p.exportPriceResponse))
        }
    }

    var urbanGrainNeedMt: Double { state.urbanPopulationM * parameters.urbanGrainNeedTonnesPerPerson }

    /// Whether the first years of a collectivization campaign are under way: hunger is blamed on
    /// kulak sabotage (seed 002 L253) and even seed grain is taken (seed 004 L70).
    /// (`mutating get` and `mutating func` below: called from the mutating steps, a non-mutating
    /// accessor made the optimizer copy the whole simulation, parameters and all, on every call.)
    var campaignDeniesHunger: Bool {
        mutating get { state.campaignYears >= 1 && Double(state.campaignYears) <= parameters.famineDenialCampaignYears }
    }

    /// How far the leadership admits and relieves hunger this year, 0 ... 1: not a coin flip but
    /// a degree (in 1932 the plan was cut while the famine was denied; seed 004 L70). It starts
    /// from the relief propensity, damped in the first campaign years and raised once a famine
    /// has taught the regime its cost; the deeper the hunger (0 ... 1), the harder it is to hide:
    /// 1 - (1 - willingness)^(1 + k hunger).
    mutating func reliefShare(hunger: Double) -> Double {
        let p = parameters
        var willingness = p.propensities(of: state.leader).relief
        if state.famineLessonLearned { willingness += (1 - willingness) * p.famineLessonReliefGain }
        if campaignDeniesHunger { willingness *= 1 - p.campaignFamineDenial }
        let depth = min(1, max(0, hunger))
        guard depth > 0 else { return min(1, willingness) }  // the same value, without a pow
        return 1 - pow(1 - min(1, willingness), 1 + p.famineAdmissionSeverity * depth)
    }

    /// The state sets a plan for towns, army and exports; takes the collective farms' quota on the
    /// *planned* harvest, whatever the real one; and when voluntary sales fall short, a leadership
    /// may turn to "extraordinary measures" against the individual peasants (seed 002 L9, L31, L69;
    /// seed 004 L54, L66). Even the Right uses the OGPU in a deep crisis (seed 000, mid-1929).
    mutating func procureGrain() {
        let p = parameters
        let leadership = p.propensities(of: state.leader)
        scratch.exportPlanMt = exportPlanMt
        let plan = urbanGrainNeedMt + p.stateGrainNeedMt + scratch.exportPlanMt

        // Collective farms: the quota is set on the planned harvest (what normal weather would give
        // the farms as they are, blended with last year's harvest), not the real one, so a bad
        // year's weather falls on the farms.
        let lastHarvest = state.lastHarvestMt ?? scratch.expectedHarvestMt
        let plannedHarvest = (1 - p.planAdaptation) * scratch.expectedHarvestMt + p.planAdaptation * lastHarvest
        state.lastHarvestMt = record.harvestMt
        var quota = p.kolkhozProcurementShare * state.collectivizedShare * plannedHarvest
        let kolkhozFoodLeft = scratch.kolkhozRetainedMt - scratch.kolkhozSeedMt - quota
        let kolkhozHunger = scratch.kolkhozFoodNeedMt > 0
            ? min(1, max(0, 1 - kolkhozFoodLeft / scratch.kolkhozFoodNeedMt)) : 0
        // A leadership that admits the famine cuts the quota by most of what the farms lack to
        // eat; one that hides it does not (seed 002 L253).
        scratch.reliefShare = reliefShare(hunger: kolkhozHunger)
        let farmFoodGap = max(0, scratch.kolkhozFoodNeedMt - kolkhozFoodLeft)
        quota -= scratch.reliefShare * p.reliefMaxProcurementCut * min(quota, farmFoodGap)
        // In the campaign's worst years even seed grain was taken: only part of the seed is safe.
        // Otherwise the seed for next year's sowing stays with the farm.
        let seedProtected = campaignDeniesHunger ? p.kolkhozSeedProtectedShare : 1
        let farmQuotaTaken = min(quota, max(0, scratch.kolkhozRetainedMt - seedProtected * scratch.kolkhozSeedMt))
        scratch.kolkhozRetainedMt -= farmQuotaTaken

        // The crisis: how far the state's own purchases and quotas fall short of its plan. Grain
        // sold to private traders feeds towns but escapes the plan (the state meant to displace them).
        let privateShareBeforeCoercion = state.greatTurnYear == nil ? p.privateTradeShare : 0
        let statePurchases = scratch.voluntarySalesMt * (1 - privateShareBeforeCoercion) + scratch.leasePaymentMt
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
        let villageQuotas = Double(state.extraordinaryMeasureYears) >= p.villageQuotaAfterMeasureYears
        if state.greatTurnYear == nil && !villageQuotas {
            // The first extraordinary measures aim at the plan: they close the gap, no more (1928).
            seized = coercion * p.coercionExtractionShare * min(aboveFloor, plan * shortfall)
        } else if state.greatTurnYear == nil {
            // The next crisis brings the Ural-Siberian method (1929): villages made to accept
            // delivery quotas on their planned harvest, the kulaks fined fivefold for failing them
            // (seed 002 L31, L69; Davies, The Socialist Offensive, 1980).
            let villageQuota = p.kolkhozProcurementShare * (1 - state.collectivizedShare) * plannedHarvest
            seized = coercion * p.villageQuotaExtractionShare
                * min(aboveFloor, max(0, villageQuota - scratch.voluntarySalesMt))
        } else {
            // After the turn individual farms owe firm deliveries on their planned harvest too,
            // enforced as far as the leadership is coercive.
            let enforcement = max(coercion, leadership.coercion)
            let individualQuota = p.kolkhozProcurementShare * (1 - state.collectivizedShare) * plannedHarvest
            seized = min(enforcement * p.quotaEnforcementShare * aboveFloor,
                         max(0, individualQuota - scratch.voluntarySalesMt))
        }
        scratch.individualRetainedMt -= seized
        if coercion > 0 { state.extraordinaryMeasureYears += 1 }

        // Private traders buy part of what is sold freely; coercion and the Great Turn drive them out.
        let privateShare = state.greatTurnYear == nil ? p.privateTradeShare * (1 - coercion) : 0
        scratch.privateSalesMt = scratch.voluntarySalesMt * privateShare

        record.marketedMt = scratch.voluntarySalesMt + scratch.leasePaymentMt + seized + farmQuotaTaken
        record.procurementMt = record.marketedMt - scratch.privateSalesMt
        record.coercion = coercion
        scratch.procurementShortfall = max(0, plan - record.procurementMt) / plan

        // Trust: damaged by confiscation, slow to recover (seed 002 L69, L177).
        state.peasantTrust += p.trustRecoveryRate * (1 - state.peasantTrust) - p.coercionTrustDamage * coercion
        state.peasantTrust = min(1, max(p.peasantTrustFloor, state.peasantTrust))
    }
}
