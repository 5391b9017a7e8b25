import SimulationCore

// MARK: - Scenario

/// A world to simulate: every model parameter with its value or distribution and its source,
/// read from a scenario file and the files it extends.
public struct Scenario: Sendable {
    /// Short name: lowercase letters, digits, '-' and '_' (e.g. "otl").
    public let name: String
    /// Title for people.
    public let title: String
    /// Longer description; empty when the file gives none.
    public let description: String
    /// The files read, base first, as paths relative to the working directory (or absolute).
    public let files: [String]
    /// The exact text of every file, base first, each after a `# ---- file: <path> ----` line
    /// (path relative to the top file's directory): what a sweep stores to record what it ran.
    public let text: String
    /// Every catalog parameter, in catalog order.
    public let declarations: [ParameterDeclaration]
    /// The declarations whose distribution is not fixed, in catalog order: one design coordinate
    /// each.
    public let uncertain: [ParameterDeclaration]
    /// Every parameter at its median (fixed ones at their value): the scenario without its
    /// uncertainty.
    public let medianParameters: ModelParameters
    /// For each uncertain parameter, where to write it and how to draw it: the hot path of
    /// design points, kept free of reference-counted values.
    let samplers: [(byteOffset: Int, distribution: PreparedQuantile)]

    init(name: String, title: String, description: String, files: [String], text: String,
         declarations: [ParameterDeclaration]) {
        self.name = name
        self.title = title
        self.description = description
        self.files = files
        self.text = text
        self.declarations = declarations
        uncertain = declarations.filter { !$0.distribution.isFixed }
        samplers = uncertain.map { ($0.spec.byteOffset, PreparedQuantile($0.distribution)) }
        var parameters = ModelParameters()
        for declaration in declarations {
            declaration.spec.set(declaration.distribution.median, in: &parameters)
        }
        medianParameters = parameters
    }

    // MARK: Loading

    /// Reads the scenario at `path` and every file it extends.
    ///
    /// - Throws: `ScenarioError` listing every problem found in every file of the chain.
    public static func load(path: String, catalog: [ParameterSpec] = ModelParameters.catalog) throws(ScenarioError) -> Scenario {
        try ScenarioLoader.load(path: path, text: nil, catalog: catalog)
    }

    /// Reads a scenario from `text` as if it were the file `file`; `extends` is resolved against
    /// `file`'s directory and read from disk.
    ///
    /// - Throws: `ScenarioError` listing every problem found.
    public static func parse(text: String, file: String, catalog: [ParameterSpec] = ModelParameters.catalog) throws(ScenarioError) -> Scenario {
        try ScenarioLoader.load(path: file, text: text, catalog: catalog)
    }

    // MARK: Design points

    /// The parameters of a design point: `coordinates[i]`, in (0, 1), is mapped through the
    /// quantile function of `uncertain[i]`; fixed parameters take their values.
    public func parameters(coordinates: [Double]) -> ModelParameters {
        precondition(coordinates.count == uncertain.count,
                     "scenario \(name) has \(uncertain.count) uncertain parameters but got \(coordinates.count) coordinates")
        var parameters = medianParameters
        for i in samplers.indices {
            ParameterSpec.set(samplers[i].distribution.quantile(coordinates[i]), atByteOffset: samplers[i].byteOffset,
                              in: &parameters)
        }
        return parameters
    }
}
