// MARK: - OrderStatistics

/// Exact quantiles without a full sort: each is found by selection (quickselect), after which the
/// values below it are all smaller, so the next, higher quantile searches only above it.
public enum OrderStatistics {
    /// Quantiles (Hyndman and Fan type 7, as `percentile_cont`) of `values`, which are reordered.
    /// `probabilities` must be ascending.
    public static func quantiles(_ values: inout [Double], _ probabilities: [Double]) -> [Double] {
        let n = values.count
        var low = 0
        return probabilities.map { q in
            let position = q * Double(n - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, n - 1)
            select(&values, lower, from: max(low, 0))
            low = lower
            let a = values[lower]
            // The next order statistic is the smallest value above position `lower`.
            var b = a
            if upper > lower {
                b = values[upper...].min() ?? a
            }
            return a + (position - Double(lower)) * (b - a)
        }
    }

    /// Puts the k-th smallest value of values[from...] at index k, smaller ones before it and
    /// larger ones after (Hoare partitioning around a median-of-three pivot).
    public static func select(_ values: inout [Double], _ k: Int, from start: Int) {
        var left = start, right = values.count - 1
        while right > left {
            let middle = left + (right - left) / 2
            // Median of three as the pivot.
            if values[middle] < values[left] { values.swapAt(middle, left) }
            if values[right] < values[left] { values.swapAt(right, left) }
            if values[right] < values[middle] { values.swapAt(right, middle) }
            let pivot = values[middle]
            var i = left, j = right
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { right = j } else if k >= i { left = i } else { return }
        }
    }
}
