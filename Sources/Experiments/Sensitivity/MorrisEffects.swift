import Foundation

// MARK: - MorrisEffects

/// Elementary effects of Morris (1991) with Campolongo et al.'s (2007) mu*: for each parameter,
/// mu (the mean effect), mu* (the mean absolute effect: how much it matters) and sigma (their
/// spread: interactions or non-linearity), with a bootstrap interval for mu* (trajectories
/// resampled; estimate +- z sd, as SALib's `morris.analyze`).
public enum MorrisEffects {
    public struct Estimate: Sendable, Equatable {
        public let mu: Double
        public let muStar: Double
        public let muStarInterval: ClosedRange<Double>
        public let sigma: Double
    }

    /// `inputs[p]` are point p's inputs in grid units (each in [0, 1]) and `outputs[p]` its
    /// output, trajectory by trajectory (k + 1 points each, each step moving one input).
    public static func analyze(inputs: [[Double]], outputs: [Double], resamples: Int = 1000, seed: UInt64 = 1,
                               confidence: Double = 0.95) throws -> [Estimate] {
        guard let k = inputs.first?.count, k >= 1 else { throw PlainDataError("no inputs") }
        let perTrajectory = k + 1
        guard inputs.count == outputs.count, outputs.count % perTrajectory == 0, outputs.count >= 2 * perTrajectory else {
            throw PlainDataError("\(outputs.count) outputs for \(inputs.count) inputs do not make at least two whole "
                + "Morris trajectories of k + 1 = \(perTrajectory) points")
        }
        let trajectories = outputs.count / perTrajectory
        // effects[t][d]: trajectory t's elementary effect of parameter d.
        var effects = [[Double]](repeating: [Double](repeating: .nan, count: k), count: trajectories)
        for t in 0..<trajectories {
            for step in 1..<perTrajectory {
                let p = t * perTrajectory + step
                let changed = (0..<k).filter { inputs[p][$0] != inputs[p - 1][$0] }
                guard changed.count == 1, let d = changed.first else {
                    throw PlainDataError("point \(p) changes \(changed.count) inputs from the point before it; "
                        + "a Morris trajectory moves exactly one (is the sample from `nepsim design morris`?)")
                }
                guard effects[t][d].isNaN else { throw PlainDataError("trajectory \(t) moves input \(d + 1) twice") }
                effects[t][d] = (outputs[p] - outputs[p - 1]) / (inputs[p][d] - inputs[p - 1][d])
            }
        }
        let z = NormalFunctions.quantile(0.5 + confidence / 2)
        let absolute = effects.flatMap { $0.map(abs) }  // trajectory-major, k a trajectory
        // A resample draws trajectories with replacement.
        let spreads = Bootstrap.spreads(resamples: resamples, width: k, seed: seed,
                                        scratch: { [Double](repeating: 0, count: k) }) { generator, sums, values in
            for d in 0..<k { sums[d] = 0 }
            for _ in 0..<trajectories {
                let t = generator.index(below: trajectories)
                for d in 0..<k { sums[d] += absolute[t * k + d] }
            }
            for d in 0..<k { values[d] = sums[d] / Double(trajectories) }
        }
        return (0..<k).map { d in
            let column = effects.map { $0[d] }
            let mean = column.reduce(0, +) / Double(trajectories)
            let muStar = column.reduce(0) { $0 + abs($1) } / Double(trajectories)
            let sigma = sampleStandardDeviation(column)
            return Estimate(mu: mean, muStar: muStar, muStarInterval: (muStar - z * spreads[d])...(muStar + z * spreads[d]), sigma: sigma)
        }
    }
}
