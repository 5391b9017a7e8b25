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

    public init(spec: ParameterSpec, distribution: Distribution, source: String, file: String, line: Int?) {
        self.spec = spec
        self.distribution = distribution
        self.source = source
        self.file = file
        self.line = line
    }
}
