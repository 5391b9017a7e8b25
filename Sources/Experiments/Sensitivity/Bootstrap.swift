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
