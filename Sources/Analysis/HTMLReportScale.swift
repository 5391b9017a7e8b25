import Foundation

// MARK: - LinearScale

extension HTMLReport {
    /// Maps data values to SVG coordinates along one axis.
    struct LinearScale {
        var domainLower: Double
        var domainUpper: Double
        var rangeStart: Double
        var rangeEnd: Double

        /// The coordinate of `value`; the middle of the range when the domain is a single point.
        func callAsFunction(_ value: Double) -> Double {
            let span = domainUpper - domainLower
            guard span > 0, span.isFinite else { return (rangeStart + rangeEnd) / 2 }
            return rangeStart + (value - domainLower) / span * (rangeEnd - rangeStart)
        }
    }
}

// MARK: - Ticks

extension HTMLReport {
    /// Round tick values covering a data range (1, 2 or 5 times a power of ten apart), and
    /// compact labels for them ("5M" rather than "5000000").
    struct Ticks {
        var lower: Double
        var upper: Double
        var step: Double
        var values: [Double]

        /// Ticks about `count` apart that cover `lower...upper`. A single point or a broken range
        /// is widened first so that the axis still has a span.
        init(covering lower: Double, _ upper: Double, count: Int = 5) {
            var lower = lower.isFinite ? lower : 0
            var upper = upper.isFinite ? upper : lower + 1
            if upper < lower { swap(&lower, &upper) }
            if upper - lower <= abs(upper) * 1e-12 {
                // Zero variance: centre the value in a range of about ±10%.
                let pad = lower == 0 ? 1 : abs(lower) * 0.1
                lower -= pad
                upper += pad
            }
            let rawStep = (upper - lower) / Double(max(1, count))
            let magnitude = pow(10, (log10(rawStep)).rounded(.down))
            let normalized = rawStep / magnitude
            let factor: Double = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10
            let step = factor * magnitude
            let niceLower = (lower / step).rounded(.down) * step
            let niceUpper = (upper / step).rounded(.up) * step
            let intervals = Int(((niceUpper - niceLower) / step).rounded())
            self.step = step
            self.lower = niceLower
            self.upper = niceUpper
            values = (0...max(1, intervals)).map { index in
                let value = niceLower + Double(index) * step
                // Sums of steps leave crumbs like 1e-17 where a tick should read 0.
                return abs(value) < step * 1e-9 ? 0 : value
            }
        }

        /// A short label for a tick: a k/M/bn suffix for large axes, decimals only as the step needs.
        func label(_ value: Double) -> String {
            let largest = max(abs(lower), abs(upper))
            let (divisor, suffix): (Double, String) =
                largest >= 1e9 ? (1e9, "bn") : largest >= 1e6 ? (1e6, "M") : largest >= 1e4 ? (1e3, "k") : (1, "")
            let scaledStep = step / divisor
            let decimals = scaledStep >= 1 ? 0 : min(4, Int((-log10(scaledStep) - 1e-9).rounded(.up)))
            if value == 0 { return "0" }
            return Numbers.grouped(value / divisor, decimals: decimals) + suffix
        }
    }
}
