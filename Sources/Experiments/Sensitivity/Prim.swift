import Dispatch
import Foundation

// MARK: - PRIM

/// The Patient Rule Induction Method (Friedman and Fisher 1999) for scenario discovery, as EMA
/// Workbench implements it for continuous inputs (Kwakkel 2017; Bryant and Lempert 2010):
/// starting from a box holding every run, peel off the alpha-quantile slice (lower or upper) of
/// one input at a time, choosing the peel by EMA's default "lenient1" objective (gain in the
/// event's share per run removed) until no peel helps or the box would hold less than
/// `massMin` of the runs; then paste slices back while that raises the share. Every box along
/// the way is kept (the peeling trajectory: coverage, density, mass, restricted inputs), and
/// the quasi-p-value of each restricted limit is a one-sided binomial test against the box with
/// that limit removed (EMA's `calculate_qp`).
public enum Prim {
    public struct Box: Sendable, Equatable {
        /// Inclusive limits per input; an unrestricted input keeps its data range.
        public var lows: [Double]
        public var highs: [Double]
        /// Runs in the box, and runs where the event happened.
        public var runs: Int
        public var hits: Int
        /// Share of all event runs the box holds; share of its runs with the event; share of all runs.
        public var coverage: Double
        public var density: Double
        public var mass: Double
        /// Inputs whose limits are tighter than the data's range.
        public var restricted: [Int]
    }

    public struct QuasiP: Sendable, Equatable {
        public let input: Int
        public let lower: Double?
        public let upper: Double?
    }

    public struct Result: Sendable {
        public let trajectory: [Box]
        public let chosen: Int
        public let quasiP: [QuasiP]
        public let totalHits: Int
        public let runs: Int
    }

    public static func run(inputs: [[Double]], event: [Bool], peelAlpha: Double = 0.05, pasteAlpha: Double = 0.05,
                           massMin: Double = 0.05, minCoverage: Double = 0.5) throws -> Result {
        let n = event.count, k = inputs.count
        guard k >= 1, inputs.allSatisfy({ $0.count == n }) else { throw PlainDataError("PRIM needs inputs as long as the outcome") }
        guard n >= 20 else { throw PlainDataError("PRIM needs at least 20 runs (got \(n))") }
        let totalHits = event.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard totalHits > 0 else { throw PlainDataError("the event never happens in these runs: there is nothing to find") }
        let initialLows = inputs.map { $0.min()! }, initialHighs = inputs.map { $0.max()! }

        func hits(_ rows: [Int]) -> Int { rows.reduce(0) { $0 + (event[$1] ? 1 : 0) } }
        func isRestricted(_ j: Int, _ lows: [Double], _ highs: [Double]) -> Bool {
            lows[j] != initialLows[j] || highs[j] != initialHighs[j]
        }
        func box(_ lows: [Double], _ highs: [Double], _ rows: [Int]) -> Box {
            let hits = hits(rows)
            return Box(lows: lows, highs: highs, runs: rows.count, hits: hits, coverage: Double(hits) / Double(totalHits),
                       density: rows.isEmpty ? 0 : Double(hits) / Double(rows.count), mass: Double(rows.count) / Double(n),
                       restricted: (0..<k).filter { isRestricted($0, lows, highs) })
        }

        var lows = initialLows, highs = initialHighs
        var rows = Array(0..<n)
        var trajectory = [box(lows, highs, rows)]

        // Peeling: one selection per input and step gives both candidate limits; the candidates
        // are scored from counts (the inputs on all cores), and only the chosen one's runs are gathered.
        while true {
            let hitsNow = hits(rows)
            let restrictedNow = (0..<k).filter { isRestricted($0, lows, highs) }.count
            let candidates = peelCandidates(inputs: inputs, event: event, rows: rows, alpha: peelAlpha)
            var best: (score: Double, free: Int, input: Int, upper: Bool, limit: Double, kept: Int)?
            for (j, candidate) in candidates.enumerated() {
                let wasRestricted = isRestricted(j, lows, highs)
                for (upper, kept, hits, limit) in [(false, candidate.keptLow, candidate.hitsLow, candidate.lowLimit),
                                                   (true, candidate.keptHigh, candidate.hitsHigh, candidate.highLimit)] {
                    let score = lenient1(runs: rows.count, hits: hitsNow, keptRuns: kept, keptHits: hits)
                    let changes = upper ? limit != initialHighs[j] : limit != initialLows[j]
                    let free = k - restrictedNow - (wasRestricted || !changes ? 0 : 1)
                    if best == nil || score > best!.score || (score == best!.score && free > best!.free) {
                        best = (score, free, j, upper, limit, kept)
                    }
                }
            }
            guard let chosen = best, Double(chosen.kept) / Double(n) >= massMin, chosen.kept < rows.count, chosen.score > 0
            else { break }
            let column = inputs[chosen.input]
            if chosen.upper {
                highs[chosen.input] = chosen.limit
                rows = rows.filter { column[$0] <= chosen.limit }
            } else {
                lows[chosen.input] = chosen.limit
                rows = rows.filter { column[$0] >= chosen.limit }
            }
            trajectory.append(box(lows, highs, rows))
        }

        // Pasting: widen one limit of a restricted input by the pasteAlpha quantile of the runs
        // just outside it (in the box on every other input). Those runs come from one pass over
        // the data (`Surroundings`), not one pass per candidate.
        while true {
            let restricted = (0..<k).filter { isRestricted($0, lows, highs) }
            let around = Surroundings(inputs: inputs, lows: lows, highs: highs, restricted: restricted)
            let hitsNow = hits(rows)
            var best: (score: Double, free: Int, lows: [Double], highs: [Double], added: [Int])?
            for (position, u) in restricted.enumerated() {
                let column = inputs[u]
                for upper in [false, true] {
                    // The runs between the box's limit (inclusive) and the data's range.
                    let outside = upper ? around.above[position] : around.below[position]
                    let edge = upper ? highs[u] : lows[u]
                    let data = (rows.lazy.map { column[$0] }.filter { $0 == edge } + outside.map { column[$0] }).sorted()
                    var newLows = lows, newHighs = highs
                    if upper {
                        newHighs[u] = data.isEmpty ? initialHighs[u] : quantile(sorted: data, pasteAlpha)
                    } else {
                        newLows[u] = data.isEmpty ? initialLows[u] : quantile(sorted: data, 1 - pasteAlpha)
                    }
                    let added = outside.filter { column[$0] >= newLows[u] && column[$0] <= newHighs[u] }
                    let score = lenient1(runs: rows.count, hits: hitsNow,
                                         keptRuns: rows.count + added.count, keptHits: hitsNow + hits(added))
                    let free = k - (0..<k).filter { isRestricted($0, newLows, newHighs) }.count
                    if best == nil || score > best!.score || (score == best!.score && free > best!.free) {
                        best = (score, free, newLows, newHighs, added)
                    }
                }
            }
            guard let chosen = best, Double(rows.count + chosen.added.count) / Double(n) >= massMin, !chosen.added.isEmpty,
                  chosen.score > 0
            else { break }
            (lows, highs, rows) = (chosen.lows, chosen.highs, (rows + chosen.added).sorted())
            trajectory.append(box(lows, highs, rows))
        }

        // The densest box that still holds the coverage asked for (the first box holds it all).
        let chosen = trajectory.indices.filter { trajectory[$0].coverage >= minCoverage }
            .max { trajectory[$0].density < trajectory[$1].density || (trajectory[$0].density == trajectory[$1].density && $0 > $1) } ?? 0
        let picked = trajectory[chosen]
        let around = Surroundings(inputs: inputs, lows: picked.lows, highs: picked.highs, restricted: picked.restricted)
        let quasiP = picked.restricted.enumerated().map { position, u -> QuasiP in
            // The box with one limit removed holds its own runs and those beyond that limit only.
            func test(removingUpper: Bool) -> Double? {
                let limited = removingUpper ? picked.highs[u] != initialHighs[u] : picked.lows[u] != initialLows[u]
                guard limited else { return nil }
                let beyond = removingUpper ? around.above[position] : around.below[position]
                let p = Double(picked.hits + hits(beyond)) / Double(picked.runs + beyond.count)
                return binomialUpperTail(successes: picked.hits, trials: picked.runs, p: p)
            }
            return QuasiP(input: u, lower: test(removingUpper: false), upper: test(removingUpper: true))
        }
        return Result(trajectory: trajectory, chosen: chosen, quasiP: quasiP, totalHits: totalHits, runs: n)
    }

    /// EMA Workbench's default "lenient1" objective: the change in the event's share of the box's
    /// runs, per run a peel removes or a paste adds (0 when either does not change).
    static func lenient1(runs: Int, hits: Int, keptRuns: Int, keptHits: Int) -> Double {
        let meanOld = Double(hits) / Double(runs), meanNew = keptRuns == 0 ? 0 : Double(keptHits) / Double(keptRuns)
        guard meanNew != meanOld, keptRuns != runs else { return 0 }
        return (meanNew - meanOld) / Double(abs(runs - keptRuns))
    }

    /// One input's two candidate peels of the box's rows: the limits at the alpha and 1 - alpha
    /// quantiles, and the runs and event runs each would keep.
    private struct PeelCandidate {
        var lowLimit = 0.0, highLimit = 0.0
        var keptLow = 0, hitsLow = 0, keptHigh = 0, hitsHigh = 0
    }

    private static func peelCandidates(inputs: [[Double]], event: [Bool], rows: [Int], alpha: Double) -> [PeelCandidate] {
        var candidates = [PeelCandidate](repeating: PeelCandidate(), count: inputs.count)
        candidates.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer  // each input writes its own element
            DispatchQueue.concurrentPerform(iterations: inputs.count) { j in
                let column = inputs[j]
                var values = rows.map { column[$0] }
                var candidate = PeelCandidate()
                candidate.lowLimit = quantile(selecting: &values, alpha)
                candidate.highLimit = quantile(selecting: &values, 1 - alpha)
                for r in rows {
                    let v = column[r], hit = event[r] ? 1 : 0
                    if v >= candidate.lowLimit { candidate.keptLow += 1; candidate.hitsLow += hit }
                    if v <= candidate.highLimit { candidate.keptHigh += 1; candidate.hitsHigh += hit }
                }
                out[j] = candidate
            }
        }
        return candidates
    }

    /// The runs just outside a box: for each restricted input (by position in `restricted`), the
    /// runs below its lower limit, and above its upper limit, that are inside the box on every
    /// other restricted input. Found in one pass over the data, whatever the number of inputs.
    private struct Surroundings {
        var below: [[Int]]
        var above: [[Int]]

        init(inputs: [[Double]], lows: [Double], highs: [Double], restricted: [Int]) {
            below = Array(repeating: [], count: restricted.count)
            above = below
            let n = inputs.first?.count ?? 0
            for row in 0..<n {
                var outsideAt = -1, isAbove = false, outsideCount = 0
                for (position, d) in restricted.enumerated() {
                    let v = inputs[d][row]
                    if v < lows[d] || v > highs[d] {
                        outsideCount += 1
                        if outsideCount > 1 { break }
                        outsideAt = position
                        isAbove = v > highs[d]
                    }
                }
                guard outsideCount == 1 else { continue }
                if isAbove { above[outsideAt].append(row) } else { below[outsideAt].append(row) }
            }
        }
    }

    /// P(X >= successes) for X ~ Binomial(trials, p): I_p(successes, trials - successes + 1).
    public static func binomialUpperTail(successes: Int, trials: Int, p: Double) -> Double {
        if successes <= 0 { return 1 }
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        return BetaFunctions.regularizedIncompleteBeta(p, a: Double(successes), b: Double(trials - successes + 1))
    }

    /// `quantile(sorted:_:)` without sorting: the two order statistics by selection (linear on
    /// average) and, when they tie, the next distinct value by one scan. Reorders `values`.
    static func quantile(selecting values: inout [Double], _ q: Double) -> Double {
        let i = Double(values.count - 1) * q
        let lowerIndex = Int(i.rounded(.down)), higherIndex = Int(i.rounded(.up))
        let lower = select(&values, lowerIndex)
        let higher = higherIndex == lowerIndex ? lower : select(&values, higherIndex)
        guard lower == higher else { return (lower + higher) / 2 }
        if q > 0.5 {
            // The largest value below the tie, if any (else the tie itself, as the sorted walk stops at index 0).
            let below = values.reduce(-Double.infinity) { $1 < lower && $1 > $0 ? $1 : $0 }
            return below == -.infinity ? lower : (below + lower) / 2
        }
        let above = values.reduce(Double.infinity) { $1 > lower && $1 < $0 ? $1 : $0 }
        return above == .infinity ? lower : (lower + above) / 2
    }

    /// The value that would be at `index` if `values` were sorted (Hoare's selection).
    static func select(_ values: inout [Double], _ index: Int) -> Double {
        var low = 0, high = values.count - 1
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if index <= j { high = j } else if index >= i { low = i } else { return values[index] }
        }
        return values[index]
    }

    /// EMA Workbench's `get_quantile` (after sdtoolkit): the midpoint between the order statistic
    /// at the quantile and its next distinct neighbour (inwards), so a limit never falls on a
    /// data value and ties are never split.
    static func quantile(sorted: [Double], _ q: Double) -> Double {
        let i = Double(sorted.count - 1) * q
        var lower = Int(i.rounded(.down)), higher = Int(i.rounded(.up))
        if q > 0.5 {
            while sorted[lower] == sorted[higher] && lower > 0 { lower -= 1 }
        } else {
            while sorted[lower] == sorted[higher] && higher < sorted.count - 1 { higher += 1 }
        }
        return (sorted[lower] + sorted[higher]) / 2
    }
}
