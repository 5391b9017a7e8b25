import Foundation

// MARK: - The Great Depression (MODEL.md mechanism 8)

/// The Depression as drawn for one run: when it starts, how deep it cuts grain prices, how long
/// it lasts. Historically October 1929, grain export prices halved by 1931 (seed 003 L57, L63).
public struct DepressionPath: Sendable, Equatable {
    /// Fractional year of onset (1929.79 = October 1929).
    public let onset: Double
    /// Fall of the world grain price at full depth, 0 ... 0.9.
    public let depth: Double
    public let fullDepthYears: Double
    public let recoveryYears: Double

    init(drawnFrom p: ModelParameters, stream: inout RandomStream) {
        onset = p.depressionOnsetMeanYear + p.depressionOnsetSDYears * stream.standardNormal()
        depth = min(0.9, max(0, p.depressionDepthMean + p.depressionDepthSD * stream.standardNormal()))
        fullDepthYears = p.depressionDurationYears
        recoveryYears = p.depressionRecoveryYears
    }

    /// How deep the Depression is in the middle of `year`, 0 ... 1: a year's slide into it, the
    /// trough, then a linear recovery.
    public func intensity(inYear year: Int) -> Double {
        let t = Double(year) + 0.5 - onset
        if t <= 0 { return 0 }
        if t < 1 { return t }
        let afterTrough = t - 1 - fullDepthYears
        if afterTrough <= 0 { return 1 }
        return max(0, 1 - afterTrough / recoveryYears)
    }
}

extension Simulation {
    /// World prices and credit for the year.
    mutating func updateTheGreatDepression() {
        let intensity = depression.intensity(inYear: year)
        scratch.depressionIntensity = intensity
        scratch.worldGrainPriceFactor = 1 - depression.depth * intensity
        record.worldGrainPriceFactor = scratch.worldGrainPriceFactor
        // Capital goods become cheap as Western makers lose their markets (seed 000 Great Depression post).
        scratch.machineryPriceFactor = 1 - parameters.machineryPriceCutPerDepth * depression.depth * intensity
        record.machineryPriceFactor = scratch.machineryPriceFactor
        scratch.creditFactor = 1 - parameters.creditCutInDepression * intensity
    }
}
