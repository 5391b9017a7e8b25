import SimulationCore

// MARK: - KeyedPermutation

/// A pseudorandom permutation of 0 ..< count, evaluated at one index without building it.
///
/// A balanced Feistel network on the smallest even number of bits covering `count`, with Philox
/// as the round function, made into a permutation of 0 ..< count by cycle walking (apply again
/// while the result is out of range; at most four tries are expected since the Feistel domain is
/// under 4 * count). A Latin hypercube needs one such permutation per dimension, and this lets
/// any worker find point p's stratum alone, for millions of points, in constant memory.
struct KeyedPermutation: Sendable {
    let count: UInt64
    private let halfBits: UInt64
    private let halfMask: UInt64
    private let key: (UInt32, UInt32)
    private let tweak: (UInt32, UInt32)

    static let rounds: UInt32 = 8

    /// - Parameters:
    ///   - count: the size of the permuted set, at least 1 and below 2^62.
    ///   - key: the 64-bit Philox key (the sweep seed).
    ///   - tweak: a 64-bit value that separates this permutation's counters from every other
    ///     use of the key; it fills the counter's upper two words (see `LatinHypercubeDesign`).
    init(count: UInt64, key: UInt64, tweak: UInt64) {
        precondition(count >= 1 && count < (1 << 62), "a permutation needs 1 ..< 2^62 elements")
        self.count = count
        var bits: UInt64 = 0
        while (UInt64(1) << bits) < count { bits += 1 }
        halfBits = max(1, (bits + 1) / 2)
        halfMask = (UInt64(1) << halfBits) - 1
        self.key = (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32))
        self.tweak = (UInt32(truncatingIfNeeded: tweak), UInt32(truncatingIfNeeded: tweak >> 32))
    }

    /// The image of `index` (< count) under the permutation.
    func callAsFunction(_ index: UInt64) -> UInt64 {
        precondition(index < count, "permutation index \(index) out of range 0 ..< \(count)")
        var value = index
        repeat {
            value = feistel(value)
        } while value >= count
        return value
    }

    private func feistel(_ value: UInt64) -> UInt64 {
        var left = value >> halfBits
        var right = value & halfMask
        for round in 0..<Self.rounds {
            let mixed = roundFunction(right, round: round)
            (left, right) = (right, left ^ mixed)
        }
        return (left << halfBits) | right
    }

    private func roundFunction(_ half: UInt64, round: UInt32) -> UInt64 {
        let counter = (
            UInt32(truncatingIfNeeded: half), UInt32(truncatingIfNeeded: half >> 32) ^ (round << 24),
            tweak.0, tweak.1
        )
        let block = Philox4x32.block(counter: counter, key: key)
        return ((UInt64(block.0) << 32) | UInt64(block.1)) & halfMask
    }
}
