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

        let producerOutput = productivity * scratch.labourPerCapitalFactor * state.producerCapital / p.producerCapitalOutputRatio
        let consumerOutput = productivity * consumerGoodsOutput
        record.producerOutput = producerOutput
        record.terrorProductivityFactor = state.terrorProductivityFactor
        record.consumerOutput = consumerOutput

        // Investment goods: arms first under threat, tractors for the fields, the rest to capital.
        let investment = producerOutput
        scratch.investmentGoods = investment
        let defenceShare = min(p.maxDefenceShare, p.defenceShareBase + p.defenceSharePerThreat * scratch.threat)
        scratch.defenceOutput = defenceShare * investment
        let tractors = p.tractorShareOfInvestment * investment
        // The Terror disrupts construction as well as production.
        let netInvestment = (investment - scratch.defenceOutput - tractors) * state.terrorProductivityFactor
        // A famine of millions also turns the plan towards consumer goods, once the campaign no
        // longer denies it: the second Five-Year Plan (adopted 1934) raised light industry's
        // share after the crisis of 1932-33.
        let consumerTurn = state.famineLessonLearned && !campaignDeniesHunger
        let e = leadership.producerGoodsShare * (consumerTurn ? 1 - p.famineLessonConsumerShift : 1)
        state.producerCapital = state.producerCapital * (1 - p.capitalDepreciation)
            + e * netInvestment + scratch.importedCapital
        state.consumerCapital = state.consumerCapital * (1 - p.capitalDepreciation) + (1 - e) * netInvestment
        state.tractorsMHorseEquivalent = state.tractorsMHorseEquivalent * (1 - p.tractorDepreciation)
            + tractors * p.tractorsPerInvestmentUnit

        // Living standards: food and manufactured goods per head. Forced saving shows here: more
        // of industry makes machines rather than goods, and the towns grow faster than the goods
        // (workers paid about two thirds of the cost of industrialization, seed 004 L84).
        // Goods no longer sent to the collectivized villages went to the state's own uses (army,
        // construction sites), not to the townspeople's shops.
        let goods = consumerOutput + scratch.importedConsumerGoods
        let urbanGoods = goods * (1 - p.consumerGoodsRuralShare) / state.urbanPopulationM
        let ruralGoods = goods * p.consumerGoodsRuralShare
            * (1 - p.collectiveFarmGoodsCut * scratch.collectivizedShareAtHarvest) / state.ruralPopulationM
        // Food is bread and what the herds give (meat, milk, butter): the slaughter of 1930-32
        // emptied the towns' food shops as well as the villages' cellars.
        let w = p.realWageFoodWeight
        let livestock = p.livestockShareOfFoodBudget * scratch.cattlePerHeadIndex
        let urbanFood = (1 - p.livestockShareOfFoodBudget) * scratch.urbanFoodPerHead / p.urbanGrainNeedTonnesPerPerson + livestock
        let ruralFood = (1 - p.livestockShareOfFoodBudget) * scratch.ruralFoodPerHead / p.ruralFoodNeedTonnesPerPerson + livestock
        // (Geometric means in logs: one exp each instead of two pows.)
        let logUrbanConsumption = w * log(max(urbanFood, 1e-3)) + (1 - w) * log(urbanGoods)
        record.urbanConsumption = exp(logUrbanConsumption)
        record.ruralConsumption = exp(w * log(max(ruralFood, 1e-3)) + (1 - w) * log(ruralGoods))
        // The real wage is consumption per worker: as it fell, families sent more members to work
        // (the waged workforce doubled 1929-33, seed 004 L78), so consumption per head fell less
        // than the wage. Wage index = consumption-per-head index ^ k.
        record.realWage = exp(p.realWageConsumptionExponent * logUrbanConsumption)
        if year == 1928 {
            baseline.realWage1928 = record.realWage
            baseline.urbanConsumption1928 = record.urbanConsumption
            baseline.ruralConsumption1928 = record.ruralConsumption
        }
    }

    /// Output per unit of capital, before productivity, from this year's urban workforce:
    /// Cobb-Douglas in capital and labour, equal to the 1926 output at the 1926 capital and
    /// townspeople. Labour is the urban population (industry's workers came from it): migration,
    /// famine in the towns and a labour shortage (seed 000) act on industry through it. Workers go
    /// where the plant is (each sector's share of them follows its share of the capital), so each
    /// sector makes Y = (K / capital-output ratio) x (labour per unit of all capital, against
    /// 1926) ^ labour elasticity, one factor for both sectors. Set once a year (the capital and
    /// the townspeople do not change between the marketing and industry steps).
    mutating func setLabourPerCapitalFactor() {
        let p = parameters
        let initialCapital = p.initialProducerGoodsOutput * p.producerCapitalOutputRatio
            + p.initialConsumerGoodsOutput * p.consumerCapitalOutputRatio
        let labourPerCapital = (state.urbanPopulationM / p.initialUrbanPopulationM)
            / ((state.producerCapital + state.consumerCapital) / initialCapital)
        scratch.labourPerCapitalFactor = pow(labourPerCapital, p.industryLabourElasticity)
    }

    /// Urban over rural consumption per head, for Allen's migration equation.
    var consumptionRatio: Double {
        guard let urban1928 = baseline.urbanConsumption1928, let rural1928 = baseline.ruralConsumption1928 else {
            return parameters.consumptionRatio1928
        }
        return parameters.consumptionRatio1928 * (record.urbanConsumption / urban1928) / (record.ruralConsumption / rural1928)
    }
}
