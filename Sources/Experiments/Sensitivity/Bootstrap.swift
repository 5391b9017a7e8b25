import Dispatch
import Foundation

// MARK: - Bootstrap

/// Seeded bootstrap intervals, computed on every core. Resample r draws from its own generator,
/// `SplitMix64(seed:stream: r)`, so the intervals are the same however the resamples are spread
/// over threads, and the same call gives the same intervals. Each estimator says how a resample
/// is drawn (rows with replacement, or Poisson weights); this runs them and measures the spread.
enum Bootstrap {
    /// The spread (sample standard deviation) of each of `width` statistics over `resamples`
    /// resamples. `resample` fills one resample's `width` values; a value it leaves NaN (a
    /// statistic undefined on that resample, such as an index when the output did not vary) is
    /// left out of its spread. `scratch` makes each thread's working memory once.
    static func spreads<Scratch>(resamples: Int, width: Int, seed: UInt64, scratch: () -> Scratch,
                                 resample: (_ generator: inout SplitMix64, _ scratch: inout Scratch,
                                            _ values: UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        var results = [Double](repeating: .nan, count: resamples * width)
        let threads = max(1, min(resamples, ProcessInfo.processInfo.activeProcessorCount))
        results.withUnsafeMutableBufferPointer { buffer in
            // Threads write disjoint slices of one buffer.
            nonisolated(unsafe) let out = buffer
            withoutActuallyEscaping(scratch) { makeScratch in
                withoutActuallyEscaping(resample) { resample in
                    nonisolated(unsafe) let makeScratch = makeScratch, resample = resample
                    DispatchQueue.concurrentPerform(iterations: threads) { part in
                        var working = makeScratch()
                        for r in stride(from: part, to: resamples, by: threads) {
                            var generator = SplitMix64(seed: seed, stream: UInt64(r))
                            resample(&generator, &working, UnsafeMutableBufferPointer(rebasing: out[(r * width)..<((r + 1) * width)]))
                        }
                    }
                }
            }
        }
        return (0..<width).map { j in
            sampleStandardDeviation((0..<resamples).lazy.map { results[$0 * width + j] }.filter { !$0.isNaN })
        }
    }

    /// A Poisson(1) count from one 64-bit draw: how many times a row appears in a resample of a
    /// large sample drawn with replacement (the Poisson bootstrap: Hanley and MacGibbon 2006).
    /// Unlike drawing n row numbers, the weights are made row after row, so a resample reads the
    /// data in order instead of jumping about a million-row table.
    static func poissonOne(_ bits: UInt64) -> Double {
        let u = Double(bits >> 11) * 0x1p-53
        var k = 0
        while k < poissonOneCDF.count - 1 && u >= poissonOneCDF[k] { k += 1 }
        return Double(k)
    }

    /// P(K <= k) for K ~ Poisson(1), k = 0...19 (the last is 1 to double precision).
    private static let poissonOneCDF: [Double] = {
        var cdf: [Double] = [], term = exp(-1.0), total = 0.0
        for k in 0..<20 {
            total += term
            cdf.append(total)
            term /= Double(k + 1)
        }
        return cdf
    }()
}

// MARK: - Shared by the estimators

/// The sample standard deviation (n - 1 in the denominator, as numpy's `std(ddof=1)` that SALib
/// uses); 0 for fewer than two values. The spread of bootstrap estimates, and Morris's sigma.
func sampleStandardDeviation<Values: Collection<Double>>(_ values: Values) -> Double {
    guard values.count > 1 else { return 0 }
    let mean = values.reduce(0, +) / Double(values.count)
    return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
}

// MARK: - SplitMix64

/// A small seeded generator for bootstrap resampling (Steele, Lea and Flood 2014): not for the
/// model's draws, which come from Philox streams.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    /// Generator number `stream` of a family keyed by `seed`: its starting state is a SplitMix64
    /// output (a strong mix) of the pair, so streams do not overlap as shifted copies of one
    /// another, as plain `seed + stream x constant` states would (each would be the previous
    /// stream one step on, and bootstrap resamples would share all but one draw).
    init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        _ = mixer.next()
        state = mixer.next()
    }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in 0..<bound (bound < 2^32) by multiply-shift (Lemire 2019): no division,
    /// which dominated bootstrap resampling.
    mutating func index(below bound: Int) -> Int {
        Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }
}
