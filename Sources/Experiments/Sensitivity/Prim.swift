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

        func box(_ lows: [Double], _ highs: [Double], _ rows: [Int]) -> Box {
            let hits = rows.reduce(0) { $0 + (event[$1] ? 1 : 0) }
            let restricted = (0..<k).filter { lows[$0] != initialLows[$0] || highs[$0] != initialHighs[$0] }
            return Box(lows: lows, highs: highs, runs: rows.count, hits: hits, coverage: Double(hits) / Double(totalHits),
                       density: rows.isEmpty ? 0 : Double(hits) / Double(rows.count), mass: Double(rows.count) / Double(n),
                       restricted: restricted)
        }
        func mean(_ rows: [Int]) -> Double { rows.isEmpty ? 0 : Double(rows.reduce(0) { $0 + (event[$1] ? 1 : 0) }) / Double(rows.count) }
        func lenient1(_ old: [Int], _ new: [Int]) -> Double {
            let meanOld = mean(old), meanNew = mean(new)
            guard meanOld != meanNew, old.count != new.count else { return 0 }
            return (meanNew - meanOld) / Double(abs(old.count - new.count))
        }
        func inside(_ row: Int, _ lows: [Double], _ highs: [Double], only dims: [Int]) -> Bool {
            dims.allSatisfy { inputs[$0][row] >= lows[$0] && inputs[$0][row] <= highs[$0] }
        }

        var lows = initialLows, highs = initialHighs
        var rows = Array(0..<n)
        var trajectory = [box(lows, highs, rows)]

        // Peeling: one sort per input and step gives both candidate limits; the candidates are
        // scored from counts, and only the chosen one's runs are gathered.
        while true {
            var best: (score: Double, free: Int, input: Int, upper: Bool, limit: Double, kept: Int)?
            let hitsNow = rows.reduce(0) { $0 + (event[$1] ? 1 : 0) }
            let meanOld = Double(hitsNow) / Double(rows.count)
            let restrictedNow = (0..<k).filter { lows[$0] != initialLows[$0] || highs[$0] != initialHighs[$0] }.count
            for j in 0..<k {
                let column = inputs[j]
                var values = rows.map { column[$0] }
                let lowLimit = quantile(selecting: &values, peelAlpha), highLimit = quantile(selecting: &values, 1 - peelAlpha)
                var keptLow = 0, hitsLow = 0, keptHigh = 0, hitsHigh = 0
                for r in rows {
                    let v = column[r], hit = event[r] ? 1 : 0
                    if v >= lowLimit { keptLow += 1; hitsLow += hit }
                    if v <= highLimit { keptHigh += 1; hitsHigh += hit }
                }
                let wasRestricted = lows[j] != initialLows[j] || highs[j] != initialHighs[j]
                for (upper, kept, hits, limit) in [(false, keptLow, hitsLow, lowLimit), (true, keptHigh, hitsHigh, highLimit)] {
                    let meanNew = kept == 0 ? 0 : Double(hits) / Double(kept)
                    let score = meanNew != meanOld && kept != rows.count ? (meanNew - meanOld) / Double(abs(rows.count - kept)) : 0
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

        // Pasting.
        while true {
            let restricted = (0..<k).filter { lows[$0] != initialLows[$0] || highs[$0] != initialHighs[$0] }
            var best: (score: Double, free: Int, lows: [Double], highs: [Double], rows: [Int])?
            for u in restricted {
                for upper in [false, true] {
                    var pasteLows = lows, pasteHighs = highs
                    if upper { pasteLows[u] = highs[u]; pasteHighs[u] = initialHighs[u] } else { pasteLows[u] = initialLows[u]; pasteHighs[u] = lows[u] }
                    let data = (0..<n).filter { inside($0, pasteLows, pasteHighs, only: restricted) }.map { inputs[u][$0] }.sorted()
                    var newLows = lows, newHighs = highs
                    if upper {
                        newHighs[u] = data.isEmpty ? initialHighs[u] : quantile(sorted: data, pasteAlpha)
                    } else {
                        newLows[u] = data.isEmpty ? initialLows[u] : quantile(sorted: data, 1 - pasteAlpha)
                    }
                    let kept = (0..<n).filter { inside($0, newLows, newHighs, only: restricted) }
                    let score = lenient1(rows, kept)
                    let free = k - (0..<k).filter { newLows[$0] != initialLows[$0] || newHighs[$0] != initialHighs[$0] }.count
                    if best == nil || score > best!.score || (score == best!.score && free > best!.free) {
                        best = (score, free, newLows, newHighs, kept)
                    }
                }
            }
            guard let chosen = best, Double(chosen.rows.count) / Double(n) >= massMin, chosen.rows.count > rows.count,
                  chosen.score > 0, mean(chosen.rows) > mean(rows)
            else { break }
            (lows, highs, rows) = (chosen.lows, chosen.highs, chosen.rows)
            trajectory.append(box(lows, highs, rows))
        }

        // The densest box that still holds the coverage asked for (the first box holds it all).
        let chosen = trajectory.indices.filter { trajectory[$0].coverage >= minCoverage }
            .max { trajectory[$0].density < trajectory[$1].density || (trajectory[$0].density == trajectory[$1].density && $0 > $1) } ?? 0
        let picked = trajectory[chosen]
        let quasiP = picked.restricted.map { u -> QuasiP in
            func test(removingUpper: Bool) -> Double? {
                let limited = removingUpper ? picked.highs[u] != initialHighs[u] : picked.lows[u] != initialLows[u]
                guard limited else { return nil }
                var testLows = picked.lows, testHighs = picked.highs
                if removingUpper { testHighs[u] = initialHighs[u] } else { testLows[u] = initialLows[u] }
                let rows = (0..<n).filter { inside($0, testLows, testHighs, only: picked.restricted) }
                let hits = rows.reduce(0) { $0 + (event[$1] ? 1 : 0) }
                return binomialUpperTail(successes: picked.hits, trials: picked.runs, p: Double(hits) / Double(rows.count))
            }
            return QuasiP(input: u, lower: test(removingUpper: false), upper: test(removingUpper: true))
        }
        return Result(trajectory: trajectory, chosen: chosen, quasiP: quasiP, totalHits: totalHits, runs: n)
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
