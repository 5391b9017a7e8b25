import Foundation

// MARK: - Stream identity

/// What a random stream is for. Distinct purposes give disjoint counter spaces, so the draws that
/// choose a design point's parameters never overlap the chance events inside its runs.
public enum StreamPurpose: UInt32, Sendable {
    /// Chance inside one run: weather, attempts, successions, riots.
    case runChance = 0
    /// Monte Carlo sampling of a design point's uncertain parameters.
    case designSampling = 1
    /// Latin hypercube jitter and permutations.
    case latinHypercube = 2
    /// The weather of one run, kept apart from every other chance event so that the same run
    /// identity sees the same weather in every scenario and policy (common random numbers), and
    /// replay mode changes nothing but the weather.
    case weather = 3
    /// The random digital shift that scrambles a Sobol' design (one word per dimension).
    case sobolScrambling = 4
    /// A Morris trajectory's base point, order of steps and their directions.
    case morrisTrajectory = 5
}

// MARK: - RandomStream

/// A reproducible stream of random numbers for one (seed, point, replication, purpose).
///
/// Philox is keyed by the 64-bit sweep seed; the 128-bit counter holds the block index, the
/// replication, the design point's low word, and its high bits with the purpose in the top byte.
/// Two identities never share a counter, so their streams are independent; the same identity
/// always yields the same numbers.
public struct RandomStream: Sendable {
    @usableFromInline let key: (UInt32, UInt32)
    @usableFromInline let counterHigh: (UInt32, UInt32, UInt32)
    @usableFromInline var blockIndex: UInt32 = 0
    @usableFromInline var buffer: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    @usableFromInline var bufferedWords: Int = 0
    /// A spare standard normal from the last Box-Muller pair.
    @usableFromInline var spareNormal: Double? = nil

    public init(seed: UInt64, point: UInt64, replication: UInt32, purpose: StreamPurpose = .runChance) {
        precondition(point < (1 << 56), "design point index must fit in 56 bits")
        key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        counterHigh = (
            replication,
            UInt32(truncatingIfNeeded: point),
            UInt32(truncatingIfNeeded: point >> 32) | (purpose.rawValue << 24)
        )
    }

    @inlinable
    mutating func nextWord() -> UInt32 {
        if bufferedWords == 0 {
            buffer = Philox4x32.block(
                counter: (blockIndex, counterHigh.0, counterHigh.1, counterHigh.2), key: key)
            blockIndex &+= 1
            bufferedWords = 4
        }
        bufferedWords -= 1
        switch bufferedWords {
        case 3: return buffer.0
        case 2: return buffer.1
        case 1: return buffer.2
        default: return buffer.3
        }
    }

    /// 64 random bits.
    @inlinable
    public mutating func nextUInt64() -> UInt64 {
        let high = UInt64(nextWord())
        return (high << 32) | UInt64(nextWord())
    }

    /// A uniform double in the open interval (0, 1), with 53 bits of randomness.
    @inlinable
    public mutating func uniform() -> Double {
        // (k + 0.5) / 2^53 never returns 0 or 1, so log and inverse CDFs are safe on it.
        (Double(nextUInt64() >> 11) + 0.5) * 0x1.0p-53
    }

    /// True with probability `p`.
    @inlinable
    public mutating func bernoulli(_ p: Double) -> Bool {
        uniform() < p
    }

    /// A standard normal variate (Box-Muller; the second of each pair is kept for the next call).
    @inlinable
    public mutating func standardNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let radius = (-2.0 * Foundation.log(uniform())).squareRoot()
        let angle = 2.0 * Double.pi * uniform()
        spareNormal = radius * Foundation.sin(angle)
        return radius * Foundation.cos(angle)
    }

    /// A normal variate with the given mean and standard deviation.
    @inlinable
    public mutating func normal(mean: Double, sd: Double) -> Double {
        mean + sd * standardNormal()
    }

    /// A lognormal multiplier with median 1 and log-scale standard deviation `sigma`.
    @inlinable
    public mutating func lognormalFactor(sigma: Double) -> Double {
        Foundation.exp(sigma * standardNormal())
    }

    /// An index drawn from unnormalised non-negative weights.
    @inlinable
    public mutating func choose(weights: UnsafeBufferPointer<Double>) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var target = uniform() * total
        for (i, w) in weights.enumerated() {
            if target < w { return i }
            target -= w
        }
        return weights.count - 1
    }
}
