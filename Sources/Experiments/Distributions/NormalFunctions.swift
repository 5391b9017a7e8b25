import Foundation

// MARK: - Standard normal distribution

/// The standard normal CDF, its tails in log space, and its inverse, to near double precision.
///
/// Designs hand distributions unit coordinates that can sit very close to 0 or 1 (a Latin hypercube
/// with many points, a Sobol sequence), so the inverse must stay accurate in the far tails.
enum NormalFunctions {
    static let sqrtHalf = 0.5.squareRoot()
    static let logSqrtTwoPi = 0.5 * Foundation.log(2 * Double.pi)

    /// P(Z <= x).
    static func cdf(_ x: Double) -> Double {
        0.5 * Foundation.erfc(-x * sqrtHalf)
    }

    /// P(Z > x), computed directly so it keeps full relative precision for large x.
    static func upperTail(_ x: Double) -> Double {
        0.5 * Foundation.erfc(x * sqrtHalf)
    }

    /// log P(Z > x), finite for every finite x.
    ///
    /// `erfc` underflows near x = 38; beyond x = 30 the asymptotic (Laplace) series is used, whose
    /// truncation error there is below 1e-17 relative.
    static func logUpperTail(_ x: Double) -> Double {
        if x == .infinity { return -.infinity }
        if x < 30 {
            return x < -1 ? Foundation.log1p(-upperTail(-x)) : Foundation.log(upperTail(x))
        }
        let inverseSquare = 1 / (x * x)
        // 1 - 1/x^2 + 3/x^4 - 15/x^6 + ... : terms (2k-1)!! (-1/x^2)^k
        var term = 1.0
        var series = 1.0
        for k in 1...8 {
            term *= -Double(2 * k - 1) * inverseSquare
            series += term
        }
        return -0.5 * x * x - Foundation.log(x) - logSqrtTwoPi + Foundation.log(series)
    }

    /// log P(Z <= x).
    static func logCDF(_ x: Double) -> Double {
        logUpperTail(-x)
    }

    // MARK: Inverse

    /// The x with P(Z <= x) = p: Wichura's algorithm AS 241 (PPND16), relative error about 1e-16.
    static func quantile(_ p: Double) -> Double {
        if p.isNaN { return .nan }
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            return q * central(0.180625 - q * q)
        }
        let tail = q < 0 ? p : 1 - p
        let magnitude = tailMagnitude(r: (-Foundation.log(tail)).squareRoot())
        return q < 0 ? -magnitude : magnitude
    }

    /// The x with log P(Z <= x) = logP. Works where P itself would underflow (P < 1e-308), which a
    /// truncated normal deep in a tail needs.
    static func quantile(logLowerTail logP: Double) -> Double {
        if logP.isNaN { return .nan }
        if logP >= 0 { return .infinity }
        if logP == -.infinity { return -.infinity }
        // Below p = 0.075 AS 241 uses only r = sqrt(-log p), so log p is all it needs.
        guard logP < Foundation.log(0.075) else {
            return quantile(Foundation.exp(logP))
        }
        var x = -tailMagnitude(r: (-logP).squareRoot())
        // AS 241 is fitted down to p = 1e-300; deeper, and wherever a truncated normal's CDF
        // multiplies the error by about x^2, polish with Newton steps on log Φ(x), whose
        // derivative is φ(x) / Φ(x). Two steps from AS 241's start reach double precision.
        for _ in 0..<2 {
            let logLower = logCDF(x)
            let logDensity = -0.5 * x * x - logSqrtTwoPi
            let step = (logLower - logP) / Foundation.exp(logDensity - logLower)
            guard step.isFinite else { break }
            x -= step
        }
        return x
    }

    /// AS 241 rational approximation for |p - 0.5| <= 0.425, as a function of r = 0.180625 - q^2.
    private static func central(_ r: Double) -> Double {
        let numerator = ((((((r * 2509.0809287301226727 + 33430.575583588128105) * r
            + 67265.770927008700853) * r + 45921.953931549871457) * r
            + 13731.693765509461125) * r + 1971.5909503065514427) * r
            + 133.14166789178437745) * r + 3.387132872796366608
        let denominator = ((((((r * 5226.495278852545925 + 28729.085735721942674) * r
            + 39307.89580009271061) * r + 21213.794301586595867) * r
            + 5394.1960214247511077) * r + 687.1870074920579083) * r
            + 42.313330701600911252) * r + 1
        return numerator / denominator
    }

    /// AS 241 tail approximations: |x| as a function of r = sqrt(-log(min(p, 1 - p))).
    private static func tailMagnitude(r rIn: Double) -> Double {
        if rIn <= 5 {
            let r = rIn - 1.6
            let numerator = ((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
                + 0.24178072517745061177) * r + 1.27045825245236838258) * r
                + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734
            let denominator = ((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
                + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
                + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1
            return numerator / denominator
        }
        let r = rIn - 5
        let numerator = ((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
            + 0.29656057182850489123) * r + 1.7848265399172913358) * r
            + 5.4637849111641143699) * r + 6.6579046435011037772
        let denominator = ((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
            + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
            + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
            + 0.59983220655588793769) * r + 1
        return numerator / denominator
    }
}
