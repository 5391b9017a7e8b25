// MARK: - Philox4x32-10

/// The Philox4x32-10 counter-based generator of Salmon, Moraes, Dror and Shaw,
/// "Parallel Random Numbers: As Easy as 1, 2, 3" (SC11), as in D. E. Shaw Research's Random123.
///
/// A pure function of a 128-bit counter and a 64-bit key: the same (counter, key) gives the same
/// four words on any machine, in any order, so a run's random stream never depends on which worker
/// or thread computes it. Checked against Random123's published known-answer vectors in the tests.
public enum Philox4x32 {
    /// Name and version stored with every sweep, so results name the generator that made them.
    public static let generatorName = "philox4x32-10/nepsim-stream-v1"

    @usableFromInline static let multiplier0: UInt32 = 0xD251_1F53
    @usableFromInline static let multiplier1: UInt32 = 0xCD9E_8D57
    @usableFromInline static let weyl0: UInt32 = 0x9E37_79B9  // golden ratio
    @usableFromInline static let weyl1: UInt32 = 0xBB67_AE85  // sqrt(3) - 1

    /// Ten rounds of Philox on `counter` under `key`.
    @inlinable
    public static func block(
        counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var (c0, c1, c2, c3) = counter
        var (k0, k1) = key
        for round in 0..<10 {
            if round > 0 {
                k0 &+= weyl0
                k1 &+= weyl1
            }
            let product0 = UInt64(multiplier0) &* UInt64(c0)
            let product1 = UInt64(multiplier1) &* UInt64(c2)
            let hi0 = UInt32(truncatingIfNeeded: product0 >> 32)
            let lo0 = UInt32(truncatingIfNeeded: product0)
            let hi1 = UInt32(truncatingIfNeeded: product1 >> 32)
            let lo1 = UInt32(truncatingIfNeeded: product1)
            c0 = hi1 ^ c1 ^ k0
            c1 = lo1
            c2 = hi0 ^ c3 ^ k1
            c3 = lo0
        }
        return (c0, c1, c2, c3)
    }
}
