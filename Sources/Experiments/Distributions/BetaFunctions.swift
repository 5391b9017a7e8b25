import Foundation

// MARK: - Gamma and beta functions

/// Log-gamma, the regularized incomplete beta function and its inverse, in pure Swift.
///
/// Written here rather than calling the C library's `lgamma`, which writes the global `signgam`
/// and so is not safe to call from several threads at once.
enum BetaFunctions {
    static let logSqrtTwoPi = 0.5 * Foundation.log(2 * Double.pi)

    /// log Γ(x) for x > 0: Stirling's series from x = 10 up, shifted there by the recurrence
    /// Γ(x + 1) = x Γ(x) below. Relative error about 1e-15.
    static func logGamma(_ x: Double) -> Double {
        precondition(x > 0, "logGamma needs a positive argument")
        var shifted = x
        var product = 1.0
        while shifted < 10 {
            product *= shifted
            shifted += 1
        }
        let inverse = 1 / shifted
        let inverseSquare = inverse * inverse
        // Bernoulli-number terms 1/12x - 1/360x^3 + 1/1260x^5 - 1/1680x^7 + 1/1188x^9
        let correction = inverse * (1.0 / 12 - inverseSquare * (1.0 / 360 - inverseSquare
            * (1.0 / 1260 - inverseSquare * (1.0 / 1680 - inverseSquare / 1188))))
        let stirling = (shifted - 0.5) * Foundation.log(shifted) - shifted + logSqrtTwoPi + correction
        return stirling - Foundation.log(product)
    }

    /// log B(a, b).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// The beta(a, b) density at x in (0, 1).
    static func density(_ x: Double, a: Double, b: Double, logBeta: Double) -> Double {
        Foundation.exp((a - 1) * Foundation.log(x) + (b - 1) * Foundation.log1p(-x) - logBeta)
    }

    // MARK: Regularized incomplete beta

    /// I_x(a, b) = P(X <= x) for X ~ beta(a, b).
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        regularizedIncompleteBeta(x, a: a, b: b, logBeta: logBeta(a, b))
    }

    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double, logBeta: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = a * Foundation.log(x) + b * Foundation.log1p(-x) - logBeta
        // The continued fraction converges fast only on the side of the mean nearer x; use the
        // symmetry I_x(a, b) = 1 - I_{1-x}(b, a) on the other side.
        if x < (a + 1) / (a + b + 2) {
            return Foundation.exp(logFront) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - Foundation.exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
    }

    /// The continued fraction for I_x(a, b) (Numerical Recipes 6.4), evaluated by modified Lentz.
    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 1e-16
        let sum = a + b, aPlusOne = a + 1, aMinusOne = a - 1
        var c = 1.0
        var d = 1 - sum * x / aPlusOne
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...100_000 {
            let m = Double(m), twoM = 2 * m
            // Even step
            var term = m * (b - m) * x / ((aMinusOne + twoM) * (a + twoM))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            // Odd step
            term = -(a + m) * (sum + m) * x / ((a + twoM) * (aPlusOne + twoM))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }

    // MARK: Inverse

    /// The x in [0, 1] with I_x(a, b) = p.
    ///
    /// Solves in whichever tail p lies (using I_x(a, b) = 1 - I_{1-x}(b, a)), so the target never
    /// loses digits to a subtraction from 1; Halley steps, safeguarded by bisection on a bracket.
    static func inverseRegularizedIncompleteBeta(_ p: Double, a: Double, b: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        if p > 0.5 {
            return 1 - inverseLowerHalf(1 - p, a: b, b: a)
        }
        return inverseLowerHalf(p, a: a, b: b)
    }

    private static func inverseLowerHalf(_ p: Double, a: Double, b: Double) -> Double {
        let logBeta = logBeta(a, b)
        var low = 0.0, high = 1.0
        var x = initialGuess(p, a: a, b: b, logBeta: logBeta)
        if !(x > 0 && x < 1) { x = 0.5 }
        for _ in 0..<400 {
            let error = regularizedIncompleteBeta(x, a: a, b: b, logBeta: logBeta) - p
            if error == 0 { return x }
            if error < 0 { low = x } else { high = x }
            let pdf = density(x, a: a, b: b, logBeta: logBeta)
            var next = Double.nan
            if pdf > 0 && pdf.isFinite {
                let newton = error / pdf
                // Halley's correction uses d(log pdf)/dx; capped as in Numerical Recipes' invbetai.
                let curvature = (a - 1) / x - (b - 1) / (1 - x)
                let step = newton / (1 - 0.5 * min(1, newton * curvature))
                next = x - step
            }
            if !(next > low && next < high) {
                // Bisect; geometrically while the bracket spans many orders of magnitude near 0.
                next = low > 0 && high / low > 16 ? (low * high).squareRoot() : 0.5 * (low + high)
                if low == 0 { next = high / 16 }
            }
            if abs(next - x) <= 1e-15 * x || next == x { return next }
            x = next
        }
        return x
    }

    /// Numerical Recipes' starting point for the inverse (3rd ed., 6.4).
    private static func initialGuess(_ p: Double, a: Double, b: Double, logBeta: Double) -> Double {
        if a >= 1 && b >= 1 {
            let t = (-2 * Foundation.log(p)).squareRoot()
            var z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t
            // The bracket approximates the lower-tail normal quantile; a small p needs a large z here.
            z = p < 0.5 ? -z : z
            let lambda = (z * z - 3) / 6
            let harmonic = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1))
            let w = z * (lambda + harmonic).squareRoot() / harmonic
                - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lambda + 5.0 / 6 - 2 / (3 * harmonic))
            return a / (a + b * Foundation.exp(2 * w))
        }
        let logA = Foundation.log(a / (a + b)), logB = Foundation.log(b / (a + b))
        let t = Foundation.exp(a * logA) / a
        let u = Foundation.exp(b * logB) / b
        let w = t + u
        if p < t / w {
            return Foundation.pow(a * w * p, 1 / a)
        }
        return 1 - Foundation.pow(b * w * (1 - p), 1 / b)
    }
}
