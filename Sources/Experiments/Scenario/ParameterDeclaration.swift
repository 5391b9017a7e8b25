import SimulationCore

// MARK: - ParameterDeclaration

/// One parameter as a scenario declares it: its catalog entry, its distribution, where the value
/// comes from, and the file and line that said so.
public struct ParameterDeclaration: Sendable {
    /// The catalog name, e.g. `drought_probability`.
    public var name: String { spec.name }
    /// The catalog entry: unit, domain, and where the value goes in `ModelParameters`.
    public let spec: ParameterSpec
    public let distribution: Distribution
    /// A citation, or "judgement".
    public let source: String
    /// The file that declared it (after `extends` overrides, the one whose value is used).
    public let file: String
    /// 1-based line in `file`, when it could be found.
    public let line: Int?
    /// For a fixed judgement, the range it could reasonably take (`plausible = [low, high]`).
    public let plausible: ClosedRange<Double>?

    public init(spec: ParameterSpec, distribution: Distribution, source: String, file: String, line: Int?,
                plausible: ClosedRange<Double>? = nil) {
        self.spec = spec
        self.distribution = distribution
        self.source = source
        self.file = file
        self.line = line
        self.plausible = plausible
    }
}

extension ParameterDeclaration {
    /// The distribution as written, with a fixed judgement's plausible range: "0.25 (plausible 0.2 to 0.3)".
    public var valueDescription: String {
        guard let plausible else { return distribution.description }
        return "\(distribution) (plausible \(Distribution.format(plausible.lowerBound)) to \(Distribution.format(plausible.upperBound)))"
    }
}
