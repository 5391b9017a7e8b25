import Foundation

// MARK: - Livestock

extension Simulation {
    /// Herds grow towards what the land carries when fed; grain kept back from the market feeds
    /// them (seed 000 Scissor Crisis), and a feed shortfall kills them (seed 002 L187).
    mutating func feedLivestock() {
        let p = parameters
        let feedNeed = state.horsesM * p.feedPerHorseTonnes + state.cattleM * p.feedPerCattleTonnes
        let shortfall = feedNeed > 0 ? max(0, 1 - record.feedMt / feedNeed) : 0
        let feedLoss = exp(-p.feedShortageHerdLoss * shortfall)
        state.horsesM *= (1 + p.horseNaturalGrowth * (1 - state.horsesM / p.horseCapacityM)) * feedLoss
        state.cattleM *= (1 + p.cattleNaturalGrowth * (1 - state.cattleM / p.cattleCapacityM)) * feedLoss
    }
}
