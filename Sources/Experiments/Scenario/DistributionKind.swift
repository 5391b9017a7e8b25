// MARK: - DistributionKind

/// The distribution names a scenario file may use, and the fields each one takes.
enum DistributionKind: String, CaseIterable {
    case fixed
    case uniform
    case normal
    case truncatedNormal = "truncated_normal"
    case lognormal
    case beta
    case choice

    /// Fields that must be present.
    var requiredFields: [String] {
        switch self {
        case .fixed: return ["value"]
        case .uniform: return ["low", "high"]
        case .normal: return ["mean", "sd"]
        case .truncatedNormal: return ["mean", "sd", "low", "high"]
        case .lognormal: return ["median", "sigma"]
        case .beta: return ["alpha", "beta"]
        case .choice: return ["values"]
        }
    }

    /// Fields that may be present: a fixed value's plausible range (`plausible = [low, high]`, what
    /// the judgement could reasonably be; `scripts/robustness` moves it to both ends), a beta's
    /// scale (default 0 ... 1), a choice's weights (default equal).
    var optionalFields: [String] {
        switch self {
        case .fixed: return ["plausible"]
        case .beta: return ["low", "high"]
        case .choice: return ["weights"]
        default: return []
        }
    }

    /// Every field a parameter table of this kind may hold.
    var allowedFields: [String] {
        ["distribution"] + requiredFields + optionalFields + ["source"]
    }

    /// "fixed, uniform, normal, truncated_normal, lognormal, beta or choice".
    static var namesList: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }

    /// "low and high", "mean, sd, low and high".
    static func list(_ words: [String]) -> String {
        switch words.count {
        case 0: return "nothing"
        case 1: return words[0]
        default: return words.dropLast().joined(separator: ", ") + " and " + words[words.count - 1]
        }
    }
}
