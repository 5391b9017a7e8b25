import SimulationCore

// MARK: - ParameterEntryReader

/// Reads one `[parameters]` entry (`name = { distribution = ..., ..., source = "..." }`) into a
/// distribution and a source, recording every problem it finds rather than stopping at the first.
struct ParameterEntryReader {
    let spec: ParameterSpec
    var problems: ProblemCollector
    private var path: [String] { ["parameters", spec.name] }

    init(spec: ParameterSpec, problems: ProblemCollector) {
        self.spec = spec
        self.problems = problems
    }

    /// The declared distribution, source and (for a fixed value) plausible range, or nil when the
    /// entry has any problem.
    mutating func read(_ node: TOMLNode) -> (distribution: Distribution, source: String, plausible: ClosedRange<Double>?)? {
        guard case .table(let fields) = node else {
            reportNotATable(node)
            return nil
        }
        let source = readSource(fields)
        guard let kind = readKind(fields) else { return nil }
        let fieldsKnown = checkFieldNames(fields, kind: kind)
        guard let distribution = readDistribution(fields, kind: kind) else { return nil }
        if let message = DomainCheck.problem(with: distribution, in: spec.domain) {
            problems.add(.outsideDomain, at: path, message)
            return nil
        }
        var plausible: ClosedRange<Double>?
        if let node = fields["plausible"], case .fixed(let value) = distribution {
            guard let range = readPlausible(node, value: value) else { return nil }
            plausible = range
        }
        guard fieldsKnown, let source else { return nil }
        return (distribution, source, plausible)
    }

    /// `plausible = [low, high]`: two numbers in the parameter's domain with the value between them.
    private mutating func readPlausible(_ node: TOMLNode, value: Double) -> ClosedRange<Double>? {
        let at = path + ["plausible"]
        guard let ends = readNumbers(node, at: at) else { return nil }
        guard ends.count == 2 else {
            problems.add(.wrongType, at: at, "expected `plausible = [low, high]`, two numbers, but found \(ends.count)")
            return nil
        }
        let (low, high) = (ends[0], ends[1])
        guard low < high else {
            problems.add(.invertedBounds, at: at,
                "the plausible range needs low < high, but it is [\(Distribution.format(low)), \(Distribution.format(high))]")
            return nil
        }
        guard low <= value, value <= high else {
            problems.add(.outsideDomain, at: at,
                "the value \(Distribution.format(value)) lies outside its own plausible range"
                + " [\(Distribution.format(low)), \(Distribution.format(high))]")
            return nil
        }
        guard spec.domain.contains(low), spec.domain.contains(high) else {
            problems.add(.outsideDomain, at: at,
                "the plausible range [\(Distribution.format(low)), \(Distribution.format(high))] leaves \(spec.name)'s"
                + " domain: it must be \(spec.domain.expectation)")
            return nil
        }
        return low...high
    }

    // MARK: Entry shape

    private mutating func reportNotATable(_ node: TOMLNode) {
        if let number = node.number {
            let written = Distribution.format(number)
            problems.add(.wrongType, at: path,
                "expected a table with a value and a source, but found \(node.found); write"
                + " `\(spec.name) = { value = \(written), source = \"...\" }` (the source is a citation or \"judgement\")")
        } else {
            problems.add(.wrongType, at: path,
                "expected a table such as `{ value = ..., source = \"...\" }` or"
                + " `{ distribution = \"uniform\", low = ..., high = ..., source = \"...\" }`, but found \(node.found)")
        }
    }

    private mutating func readSource(_ fields: [String: TOMLNode]) -> String? {
        switch fields["source"] {
        case .string(let text) where text.unicodeScalars.contains(where: ScenarioFileReader.isForbiddenControl):
            problems.add(.wrongType, at: path + ["source"], "the source contains a control character; remove it")
        case .string(let text) where !text.allSatisfy(\.isWhitespace):
            return text
        case .string:
            problems.add(.missingSource, at: path + ["source"],
                "the source is empty; give a citation (\"Davies & Wheatcroft 2004, table 3\") or the word \"judgement\"")
        case nil:
            problems.add(.missingSource, at: path,
                "missing `source`; every parameter needs one: a citation, or the word \"judgement\"")
        case let other?:
            problems.add(.wrongType, at: path + ["source"],
                "expected the source as a string (a citation or \"judgement\"), but found \(other.found)")
        }
        return nil
    }

    private mutating func readKind(_ fields: [String: TOMLNode]) -> DistributionKind? {
        switch fields["distribution"] {
        case nil:
            if fields["value"] != nil { return .fixed }
            problems.add(.missingField, at: path,
                "missing `distribution` (one of \(DistributionKind.namesList)), or `value` for a fixed parameter")
        case .string(let name):
            if let kind = DistributionKind(rawValue: name) { return kind }
            problems.add(.unknownDistribution, at: path + ["distribution"],
                "unknown distribution '\(name)'; expected one of \(DistributionKind.namesList)"
                + NameSuggestion.hint(for: name, in: DistributionKind.allCases.map(\.rawValue)))
        case let other?:
            problems.add(.wrongType, at: path + ["distribution"],
                "expected a distribution name as a string (one of \(DistributionKind.namesList)), but found \(other.found)")
        }
        return nil
    }

    /// Reports fields the distribution does not take and required ones it lacks; false if any.
    private mutating func checkFieldNames(_ fields: [String: TOMLNode], kind: DistributionKind) -> Bool {
        var ok = true
        let allowed = kind.allowedFields
        for key in fields.keys.sorted() where !allowed.contains(key) {
            ok = false
            problems.add(.unknownField, at: path + [key],
                "unknown field '\(key)' for a \(kind.rawValue) distribution; it takes "
                + DistributionKind.list(allowed.filter { $0 != "distribution" })
                + NameSuggestion.hint(for: key, in: allowed))
        }
        for key in kind.requiredFields where fields[key] == nil {
            ok = false
            problems.add(.missingField, at: path + [key],
                "missing field '\(key)': a \(kind.rawValue) distribution needs \(DistributionKind.list(kind.requiredFields))")
        }
        return ok
    }

    // MARK: Distributions

    private mutating func readDistribution(_ fields: [String: TOMLNode], kind: DistributionKind) -> Distribution? {
        // Read every number first so each bad one is reported, then check the shape.
        var numbers: [String: Double] = [:]
        var ok = true
        for key in kind.requiredFields + kind.optionalFields where !["values", "weights", "plausible"].contains(key) {
            guard let node = fields[key] else { continue }
            if let value = readNumber(node, at: path + [key]) { numbers[key] = value } else { ok = false }
        }
        if kind == .choice {
            return readChoice(fields)
        }
        guard ok, kind.requiredFields.allSatisfy({ numbers[$0] != nil }) else { return nil }

        switch kind {
        case .fixed:
            return .fixed(value: numbers["value"]!)
        case .uniform:
            let (low, high) = (numbers["low"]!, numbers["high"]!)
            guard checkBounds(low: low, high: high, kind: kind) else { return nil }
            return .uniform(low: low, high: high)
        case .normal:
            let (mean, sd) = (numbers["mean"]!, numbers["sd"]!)
            guard checkPositive(sd, "sd", kind: kind) else { return nil }
            return .normal(mean: mean, sd: sd)
        case .truncatedNormal:
            let (mean, sd, low, high) = (numbers["mean"]!, numbers["sd"]!, numbers["low"]!, numbers["high"]!)
            let sdOK = checkPositive(sd, "sd", kind: kind)
            guard checkBounds(low: low, high: high, kind: kind), sdOK else { return nil }
            return .truncatedNormal(mean: mean, sd: sd, low: low, high: high)
        case .lognormal:
            let (median, sigma) = (numbers["median"]!, numbers["sigma"]!)
            let medianOK = checkPositive(median, "median", kind: kind,
                because: "a lognormal's values are all above 0, and so is its median")
            guard checkPositive(sigma, "sigma", kind: kind), medianOK else { return nil }
            return .lognormal(median: median, sigma: sigma)
        case .beta:
            let (alpha, beta) = (numbers["alpha"]!, numbers["beta"]!)
            let (low, high) = (numbers["low"] ?? 0, numbers["high"] ?? 1)
            let alphaOK = checkPositive(alpha, "alpha", kind: kind)
            let betaOK = checkPositive(beta, "beta", kind: kind)
            guard checkBounds(low: low, high: high, kind: kind), alphaOK, betaOK else { return nil }
            return .beta(alpha: alpha, beta: beta, low: low, high: high)
        case .choice:
            return nil  // handled above
        }
    }

    private mutating func readChoice(_ fields: [String: TOMLNode]) -> Distribution? {
        guard let valuesNode = fields["values"] else { return nil }  // reported as missing
        let values = readNumbers(valuesNode, at: path + ["values"])
        var weights: [Double]?
        var weightsReadable = true
        if let weightsNode = fields["weights"] {
            weights = readNumbers(weightsNode, at: path + ["weights"])
            weightsReadable = weights != nil
        }
        guard let values, weightsReadable else { return nil }
        if values.isEmpty {
            problems.add(.invalidChoice, at: path + ["values"],
                "a choice needs at least one value, but `values` is empty")
            return nil
        }
        guard let weightList = weights else {
            return .choice(values: values, weights: Array(repeating: 1, count: values.count))
        }
        var ok = true
        if weightList.count != values.count {
            ok = false
            problems.add(.invalidChoice, at: path + ["weights"],
                "a choice needs one weight per value, but there are \(values.count) values and \(weightList.count) weights")
        }
        if let (index, negative) = weightList.enumerated().first(where: { $0.element < 0 }) {
            ok = false
            problems.add(.invalidChoice, at: path + ["weights"],
                "weights must not be negative, but weight \(index + 1) is \(Distribution.format(negative))")
        } else if !weightList.reduce(0, +).isFinite {
            ok = false
            problems.add(.invalidChoice, at: path + ["weights"],
                "the weights add up to more than a number can hold; scale them down (only their ratios matter)")
        } else if weightList.reduce(0, +) <= 0 {
            ok = false
            problems.add(.invalidChoice, at: path + ["weights"],
                "the weights add up to 0; at least one must be positive")
        }
        return ok ? .choice(values: values, weights: weightList) : nil
    }

    // MARK: Numbers and checks

    private mutating func readNumber(_ node: TOMLNode, at keyPath: [String]) -> Double? {
        guard let value = node.number else {
            var message = "expected a number, but found \(node.found)"
            if case .string(let text) = node, Double(text) != nil { message += "; remove the quotes" }
            problems.add(.wrongType, at: keyPath, message)
            return nil
        }
        guard value.isFinite else {
            problems.add(.notFinite, at: keyPath,
                "expected a finite number, but found \(Distribution.format(value))")
            return nil
        }
        return value
    }

    /// An array of finite numbers; nil (after reporting) when it is not one.
    private mutating func readNumbers(_ node: TOMLNode, at keyPath: [String]) -> [Double]? {
        guard case .array(let elements) = node else {
            problems.add(.wrongType, at: keyPath,
                "expected an array of numbers such as [1929, 1930], but found \(node.found)")
            return nil
        }
        var values: [Double] = []
        var ok = true
        for (index, element) in elements.enumerated() {
            if let value = element.number, value.isFinite {
                values.append(value)
            } else {
                ok = false
                let problem = element.number == nil ? "expected a number" : "expected a finite number"
                let kind: ScenarioProblem.Kind = element.number == nil ? .wrongType : .notFinite
                problems.add(kind, at: keyPath, "element \(index + 1): \(problem), but found \(element.found)")
            }
        }
        return ok ? values : nil
    }

    private mutating func checkBounds(low: Double, high: Double, kind: DistributionKind) -> Bool {
        if low > high {
            problems.add(.invertedBounds, at: path,
                "low (\(Distribution.format(low))) is greater than high (\(Distribution.format(high)));"
                + " a \(kind.rawValue) distribution needs low < high")
            return false
        }
        if low == high {
            problems.add(.invertedBounds, at: path,
                "low and high are both \(Distribution.format(low)), which leaves nothing to vary; a"
                + " \(kind.rawValue) distribution needs low < high, or write"
                + " `{ value = \(Distribution.format(low)), source = \"...\" }` for a fixed parameter")
            return false
        }
        return true
    }

    private mutating func checkPositive(
        _ value: Double, _ field: String, kind: DistributionKind, because reason: String? = nil
    ) -> Bool {
        guard value <= 0 else { return true }
        let why = reason.map { " (\($0))" } ?? ""
        problems.add(.invalidShape, at: path + [field],
            "\(field) must be positive for a \(kind.rawValue) distribution\(why), but it is \(Distribution.format(value))")
        return false
    }
}
