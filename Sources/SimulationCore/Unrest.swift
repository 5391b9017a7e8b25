import Foundation

// MARK: - Unrest and regime crisis

extension Simulation {
    /// Coercion, collectivization and hunger stir the villages; falling wages and hunger the towns.
    /// A riot may become a rising, and a rising a regime crisis that can bring the leadership down.
    mutating func updateUnrest() {
        let p = parameters
        let ruralFamineRate = record.famineDeathsRuralM / max(state.ruralPopulationM, 1)
        let urbanFamineRate = record.famineDeathsUrbanM / max(state.urbanPopulationM, 1)
        let wageFall = baseline.realWage1928.map { max(0, 1 - record.realWage / $0) } ?? 0
        state.ruralUnrest = state.ruralUnrest * (1 - p.unrestDecay) + p.ruralUnrestPerCoercion * record.coercion
            + p.ruralUnrestPerCollectivization * scratch.collectivizedGain + p.unrestPerFamineRate * ruralFamineRate
        state.urbanUnrest = state.urbanUnrest * (1 - p.unrestDecay) + p.urbanUnrestPerWageFall * wageFall
            + p.unrestPerFamineRate * urbanFamineRate

        let risingChance = min(1, p.risingProbabilityScale
            * (state.ruralUnrest * state.ruralUnrest + state.urbanUnrest * state.urbanUnrest))
        let risingDraw = stream.uniform()
        let fallDraw = stream.uniform()
        guard risingDraw < risingChance else { return }
        if events.regimeCrisisYear == nil { events.regimeCrisisYear = year }
        if fallDraw < p.crisisLeadershipChangeProbability {
            chooseSuccessor()
        }
        // A crisis spends some of the anger that caused it.
        state.ruralUnrest *= 1 - p.unrestDecay
        state.urbanUnrest *= 1 - p.unrestDecay
    }
}
