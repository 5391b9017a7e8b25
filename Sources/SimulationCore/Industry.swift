import Foundation

// MARK: - Industrialization (MODEL.md mechanism 7)

extension Simulation {
    /// Feldman-Domar (Allen, Farm to Factory, 2003): producer-goods output is the investment goods;
    /// the leadership splits them between producer capital (share e) and consumer capital, after
    /// arms and tractors. Imported machinery adds better capital. Output needs fed workers; the
    /// Terror costs managers and engineers (seed 002 L83-L151; seed 004 L84).
    mutating func industrialize() {
        let p = parameters
        let leadership = p.propensities(of: state.leader)

        let fed = min(1, scratch.urbanFoodPerHead / p.urbanGrainNeedTonnesPerPerson)
        let foodFactor = pow(max(fed, 0.01), p.urbanFoodProductivityElasticity)
        let specialists = 1 + p.specialistProductivityBonus * leadership.openness * scratch.depressionIntensity
        let productivity = foodFactor * specialists * state.terrorProductivityFactor

        let producerOutput = productivity * state.producerCapital / p.producerCapitalOutputRatio
        let consumerOutput = productivity * state.consumerCapital / p.consumerCapitalOutputRatio
        record.producerOutput = producerOutput
        record.consumerOutput = consumerOutput

        // Investment goods: arms first under threat, tractors for the fields, the rest to capital.
        let investment = producerOutput
        scratch.investmentGoods = investment
        if state.firstYearInvestment == nil { state.firstYearInvestment = investment }
        let defenceShare = min(p.maxDefenceShare, p.defenceShareBase + p.defenceSharePerThreat * scratch.threat)
        scratch.defenceOutput = defenceShare * investment
        let tractors = p.tractorShareOfInvestment * investment
        // The Terror disrupts construction as well as production.
        let netInvestment = (investment - scratch.defenceOutput - tractors) * state.terrorProductivityFactor
        let e = leadership.producerGoodsShare
        state.producerCapital = state.producerCapital * (1 - p.capitalDepreciation)
            + e * netInvestment + scratch.importedCapital
        state.consumerCapital = state.consumerCapital * (1 - p.capitalDepreciation) + (1 - e) * netInvestment
        state.tractorsMHorseEquivalent = state.tractorsMHorseEquivalent * (1 - p.tractorDepreciation)
            + tractors * p.tractorsPerInvestmentUnit

        // Living standards: food and manufactured goods per head; forced saving squeezes wages as
        // more of industry makes machines rather than goods (workers paid about two thirds of
        // their cost, seed 004 L84).
        let ruralGoodsShare = p.consumerGoodsRuralShare
            * (1 - p.collectiveFarmGoodsCut * scratch.collectivizedShareAtHarvest)
        let urbanGoods = consumerOutput * (1 - ruralGoodsShare) / state.urbanPopulationM
        let ruralGoods = consumerOutput * ruralGoodsShare / state.ruralPopulationM
        let producerShareOfOutput = producerOutput / (producerOutput + consumerOutput)
        let squeeze = exp(-p.wageSqueezePerProducerShare * producerShareOfOutput)
        let w = p.realWageFoodWeight
        record.realWage = pow(max(scratch.urbanFoodPerHead, 1e-3), w) * pow(urbanGoods, 1 - w) * squeeze
        record.ruralConsumption = pow(max(scratch.ruralFoodPerHead, 1e-3), w) * pow(ruralGoods, 1 - w)
        if year == 1928 {
            baseline.realWage1928 = record.realWage
            baseline.ruralConsumption1928 = record.ruralConsumption
        }
    }

    /// Urban over rural consumption per head, for Allen's migration equation.
    var consumptionRatio: Double {
        guard let wage1928 = baseline.realWage1928, let rural1928 = baseline.ruralConsumption1928 else {
            return parameters.consumptionRatio1928
        }
        return parameters.consumptionRatio1928 * (record.realWage / wage1928) / (record.ruralConsumption / rural1928)
    }
}
