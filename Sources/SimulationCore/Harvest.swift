import Foundation

// MARK: - Weather and harvest (MODEL.md mechanism 1)

extension Simulation {
    /// Harvest = trend x draft-power factor x incentive factor x weather.
    mutating func gatherTheHarvest() {
        let p = parameters
        let trend = p.harvestTrend1927Mt * pow(1 + p.harvestTrendGrowth, Double(year - YearTable.firstYear))
        scratch.trendHarvestMt = trend

        // Horses and tractors pull the ploughs; fewer of them, less land worked well.
        let draftPower = state.horsesM + state.tractorsMHorseEquivalent
        scratch.draftFactor = pow(max(draftPower, 0.01) / baseline.draftPower, p.draftPowerElasticity)

        // Peasants who expect confiscation sow and reap with less care; collective fields pay badly.
        // Newly formed farms lack horses, seed and managers for a season.
        let incentiveFactor = pow(state.peasantTrust, p.trustYieldElasticity)
            * (1 - p.kolkhozYieldPenalty * state.collectivizedShare)
            * (1 - p.campaignDisruptionPerShare * state.lastCollectivizedGain)

        // Weather has its own stream and is always drawn: the same run identity sees the same
        // weather under any scenario, and replay mode changes nothing else.
        var weather = weatherStream.lognormalFactor(sigma: p.weatherLogSD)
        let drought = weatherStream.bernoulli(p.droughtProbability)
        if drought { weather *= p.droughtHarvestFactor }
        if weatherMode == .historical { weather = p.historicalWeather[year] }
        record.weatherFactor = weather
        record.drought = weatherMode == .random && drought

        scratch.expectedHarvestMt = trend * scratch.draftFactor * incentiveFactor
        record.harvestMt = scratch.expectedHarvestMt * weather
    }
}
