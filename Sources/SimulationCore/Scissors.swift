import Foundation

// MARK: - The scissors and peasant marketing (MODEL.md mechanism 2)

extension Simulation {
    /// The scissors a leadership's money policy steers towards: printing money to build producer
    /// goods opens them; sound money (Sokolnikov) keeps them shut (seed 000 Scissor Crisis posts).
    static func scissorsTarget(_ leadership: LeadershipPropensities, parameters p: ModelParameters) -> Double {
        1 + p.emissionPerProducerShare * leadership.producerGoodsShare * (1 - leadership.soundMoney)
    }

    /// Peasants sell a share of the grain above their food and seed: more when grain buys goods,
    /// less when the scissors are open or they fear confiscation; the rest they eat or feed to
    /// livestock (seed 004 L46, L54; seed 002 L9, L15).
    mutating func marketGrain() {
        let p = parameters
        let leadership = p.propensities(of: state.leader)
        // The scissors move towards the policy's target, not at once.
        let target = Simulation.scissorsTarget(leadership, parameters: p)
        setLabourPerCapitalFactor()
        state.scissors += p.scissorsAdjustmentRate * (target - state.scissors)

        // Consumer goods reaching the villages, relative to 1926: goods to buy close the scissors.
        let goodsPerHead = (consumerGoodsOutput + state.importedConsumerGoodsLastYear) * p.consumerGoodsRuralShare
            / state.ruralPopulationM
        let goodsAvailability = goodsPerHead / baseline.ruralGoodsPerHead
        let termsOfTrade = pow(goodsAvailability, p.goodsWeightInTermsOfTrade) / state.scissors
        let marketingShare = min(p.maxMarketingShare, p.baseMarketingShare
            * pow(termsOfTrade, p.marketingPriceElasticity)
            * pow(state.peasantTrust, p.marketingTrustElasticity))

        // Seed is set aside for the area sown, whatever the weather.
        let seedNeed = min(p.seedShareOfTrendHarvest * scratch.trendHarvestMt, p.seedMaxShareOfHarvest * record.harvestMt)
        let foodNeed = state.ruralPopulationM * p.ruralFoodNeedTonnesPerPerson
        scratch.collectivizedShareAtHarvest = state.collectivizedShare
        let individual = 1 - state.collectivizedShare
        let individualHarvest = individual * record.harvestMt
        scratch.individualSeedMt = individual * seedNeed
        scratch.individualFoodNeedMt = individual * foodNeed
        var surplus = max(0, individualHarvest - scratch.individualSeedMt - scratch.individualFoodNeedMt)
        // Leasing households owe a lease payment in grain on the assessed value of their land,
        // whatever the terms of trade; they sell what is left of the surplus (seed 000 L1355).
        scratch.leasePaymentMt = state.householdLeasing
            ? min(surplus, p.householdLeasePaymentShare * individual * scratch.expectedHarvestMt) : 0
        surplus -= scratch.leasePaymentMt
        scratch.voluntarySalesMt = marketingShare * surplus
        scratch.individualRetainedMt = individualHarvest - scratch.voluntarySalesMt - scratch.leasePaymentMt

        scratch.kolkhozSeedMt = state.collectivizedShare * seedNeed
        scratch.kolkhozFoodNeedMt = state.collectivizedShare * foodNeed
        scratch.kolkhozRetainedMt = state.collectivizedShare * record.harvestMt
    }

    /// Consumer-goods output this year, before productivity, from last year's capital and this
    /// year's townspeople (`setLabourPerCapitalFactor`).
    var consumerGoodsOutput: Double {
        mutating get { scratch.labourPerCapitalFactor * state.consumerCapital / parameters.consumerCapitalOutputRatio }
    }
}
