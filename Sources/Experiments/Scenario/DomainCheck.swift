import SimulationCore

// MARK: - Domain check

/// Compares a distribution's support with the values a parameter may take, so an impossible
/// value (a probability of 1.4, a negative population) is refused before any run.
enum DomainCheck {
    /// Why `distribution` can produce values outside `domain`, or nil when it cannot.
    static func problem(with distribution: Distribution, in domain: ParameterDomain) -> String? {
        let support = distribution.support
        let expected = "expected \(expectation(of: domain))"
        let subject: String
        switch distribution {
        case .fixed: subject = "the value"
        case .choice: subject = "the choice \(distribution)"
        default: subject = "the distribution \(distribution)"
        }
        func reaches(_ value: Double) -> String {
            switch distribution {
            case .fixed: return "\(expected), but the value is \(Distribution.format(value))"
            case .choice: return "\(expected), but \(subject) includes \(Distribution.format(value))"
            default: return "\(expected), but \(subject) reaches \(Distribution.format(value))"
            }
        }
        let unbounded = support.lowerBound == -.infinity || support.upperBound == .infinity

        switch domain {
        case .finite:
            return nil
        case .unitInterval:
            if unbounded {
                return "\(expected), but \(subject) is unbounded; use truncated_normal with low and high"
                    + " inside 0 ... 1, or beta"
            }
            if support.lowerBound < 0 { return reaches(support.lowerBound) }
            if support.upperBound > 1 { return reaches(support.upperBound) }
        case .nonNegative, .positive:
            if support.lowerBound == -.infinity {
                return "\(expected), but \(subject) is unbounded below; use lognormal, or"
                    + " truncated_normal with low = 0"
            }
            // A lognormal's support starts at 0 but never reaches it: every value is positive.
            let opensAtZero: Bool
            if case .lognormal = distribution { opensAtZero = true } else { opensAtZero = false }
            let tooLow = domain == .positive && !opensAtZero
                ? support.lowerBound <= 0 : support.lowerBound < 0
            if tooLow { return reaches(support.lowerBound) }
        case .range(let low, let high):
            if unbounded {
                return "\(expected), but \(subject) is unbounded; use uniform, or truncated_normal with"
                    + " low and high inside \(Distribution.format(low)) ... \(Distribution.format(high))"
            }
            if support.lowerBound < low { return reaches(support.lowerBound) }
            if support.upperBound > high { return reaches(support.upperBound) }
        }
        return nil
    }

    /// The domain in words, with numbers written as people write them.
    static func expectation(of domain: ParameterDomain) -> String {
        if case .range(let low, let high) = domain {
            return "a number between \(Distribution.format(low)) and \(Distribution.format(high))"
        }
        return domain.expectation
    }
}
